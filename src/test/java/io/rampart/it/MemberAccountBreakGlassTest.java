package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.storage.MetadataLocation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * A member account whose OrganizationAccountAccessRole no longer lets the owner in (its trust broken, as an attacker
 * inside the account would break it): {@code rampart admin create-admin-key --account ID} on the data directory gives
 * the owner that account's root-equivalent admin back, with the server running, recorded in the trail; the owner then
 * repairs the role through IAM. Only the organisation's open member accounts qualify.
 */
class MemberAccountBreakGlassTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "OrganizationAccountAccessRole";

    private static RampartServer server;
    private static OrganizationsCalls org;

    @BeforeAll
    static void start() throws Exception {
        // rampart admin reads the data directory's rampart.db: this server keeps its metadata there.
        server = RampartServer.start(c -> c.metadata(MetadataLocation.SQLITE));
        org = new OrganizationsCalls(server);
        org.ensureOrganization();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String trustOf(String account) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                + "\"arn:aws:iam::" + account + ":root\"},\"Action\":\"sts:AssumeRole\"}]}";
    }

    /** null when the key is accepted, else IAM's error code. */
    private static String errorOf(IamClient iam) {
        try {
            iam.getUser();
            return null;
        } catch (software.amazon.awssdk.services.iam.model.IamException e) {
            return e.awsErrorDetails().errorCode();
        }
    }

    @Test
    void ownerBreaksIntoAMemberAccountWhoseAccessRoleNoLongerTrustsTheManagementAccount() throws Exception {
        String member = org.createAccount("Locked", "locked@example.com");
        // Someone inside the account points the access role's trust elsewhere: the owner's way in is gone.
        try (IamClient inside = server.iam(org.accessRole(member))) {
            inside.updateAssumeRolePolicy(b -> b.roleName(ROLE).policyDocument(trustOf("111122223333")));
        }
        assertThatThrownBy(() -> org.accessRole(member))
                .isInstanceOfSatisfying(
                        StsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));

        AdminBreakGlassTest.Run created =
                AdminBreakGlassTest.admin(server.dataDir(), "create-admin-key", "--account", member, "--json");
        assertThat(created.exit()).as(created.err()).isZero();
        JsonNode key = JSON.readTree(created.out());
        assertThat(key.path("accountId").asText()).isEqualTo(member);
        assertThat(key.path("userName").asText()).isEqualTo("admin");
        String keyId = key.path("accessKeyId").asText();
        String secret = key.path("secretAccessKey").asText();

        // The new key is the member account's admin, at once, on the running server: it repairs the role's trust.
        try (IamClient admin = server.iam(AwsBasicCredentials.create(keyId, secret))) {
            assertThat(admin.getUser().user().arn()).isEqualTo("arn:aws:iam::" + member + ":user/admin");
            admin.updateAssumeRolePolicy(b -> b.roleName(ROLE).policyDocument(trustOf(server.accountId())));
        }
        assertThat(org.accessRole(member).accessKeyId()).startsWith("ASIA");

        // The other key commands take --account too: list, deactivate and activate the member's keys.
        AdminBreakGlassTest.Run keys =
                AdminBreakGlassTest.admin(server.dataDir(), "list-keys", "--account", member, "--json");
        assertThat(keys.exit()).as(keys.err()).isZero();
        assertThat(JSON.readTree(keys.out()).path("accountId").asText()).isEqualTo(member);
        assertThat(JSON.readTree(keys.out()).path("accessKeys").findValuesAsText("accessKeyId"))
                .containsExactly(keyId);
        AdminBreakGlassTest.Run elsewhere = AdminBreakGlassTest.admin(server.dataDir(), "deactivate-key", keyId);
        assertThat(elsewhere.exit()).isEqualTo(1);
        assertThat(elsewhere.err()).contains("no access key " + keyId + " in account " + server.accountId());
        try (IamClient admin = server.iam(AwsBasicCredentials.create(keyId, secret))) {
            AdminBreakGlassTest.Run off =
                    AdminBreakGlassTest.admin(server.dataDir(), "deactivate-key", keyId, "--account", member);
            assertThat(off.exit()).as(off.err()).isZero();
            assertThat(Await.value("the member admin key refused", () -> errorOf(admin)))
                    .isEqualTo("InvalidClientTokenId");
            AdminBreakGlassTest.Run on =
                    AdminBreakGlassTest.admin(server.dataDir(), "activate-key", keyId, "--account", member);
            assertThat(on.exit()).as(on.err()).isZero();
            assertThat(Await.value("the member admin key accepted", () -> errorOf(admin) == null ? "ok" : null))
                    .isEqualTo("ok");
        }

        // In the trail: the owner, as root, from localhost, naming the member account; never the secret.
        JsonNode record = AdminBreakGlassTest.awaitAdminRecord(
                server.dataDir(),
                "create-admin-key",
                r -> member.equals(r.path("requestParameters").path("accountId").asText()));
        assertThat(record.path("userIdentity").path("type").asText()).isEqualTo("Root");
        assertThat(record.path("userIdentity").path("accountId").asText()).isEqualTo(server.accountId());
        assertThat(record.path("sourceIPAddress").asText()).isEqualTo("localhost");
        assertThat(record.path("responseElements").path("accessKeyId").asText()).isEqualTo(keyId);
        assertThat(record.toString()).doesNotContain(secret);
    }

    @Test
    void onlyOpenMemberAccountsOfTheOrganisationQualify() throws Exception {
        AdminBreakGlassTest.Run unknown =
                AdminBreakGlassTest.admin(server.dataDir(), "create-admin-key", "--account", "999999999999");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no member account 999999999999 in the organisation");
        assertThat(unknown.out()).doesNotContain("AWS_SECRET_ACCESS_KEY");

        AdminBreakGlassTest.Run malformed =
                AdminBreakGlassTest.admin(server.dataDir(), "create-admin-key", "--account", "12345");
        assertThat(malformed.exit()).isEqualTo(1);
        assertThat(malformed.err()).contains("12-digit account id");

        String closed = org.createAccount("Gone", "gone@example.com");
        org.ok("CloseAccount", "{\"AccountId\":\"" + closed + "\"}");
        AdminBreakGlassTest.Run refused =
                AdminBreakGlassTest.admin(server.dataDir(), "create-admin-key", "--account", closed);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("account " + closed + " is closed");

        // The failed attempts are in the trail too.
        JsonNode failed = AdminBreakGlassTest.awaitAdminRecord(
                server.dataDir(),
                "create-admin-key",
                r -> closed.equals(r.path("requestParameters").path("accountId").asText()));
        assertThat(failed.path("errorMessage").asText()).contains("is closed");

        // The server's own account by its id is the plain create-admin-key.
        AdminBreakGlassTest.Run own = AdminBreakGlassTest.admin(
                server.dataDir(), "create-admin-key", "--account", server.accountId(), "--json");
        assertThat(own.exit()).as(own.err()).isZero();
        assertThat(JSON.readTree(own.out()).path("accountId").asText()).isEqualTo(server.accountId());
    }
}

package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.User;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * Accounts as tenants: Organizations CreateAccount makes a member account with its own IAM and buckets, whose first
 * credentials the management account gets by assuming OrganizationAccountAccessRole, as on AWS; CloseAccount stops
 * its credentials.
 */
class AccountsTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    private static RampartServer server;
    private static OrganizationsCalls org;
    private static String management;

    @BeforeAll
    static void start() {
        server = RAMPART.server();
        management = server.accountId();
        org = new OrganizationsCalls(server);
        assertThat(org.call("CreateOrganization", "{\"FeatureSet\":\"ALL\"}").status())
                .isEqualTo(200);
    }

    /** CreateAccount, then the account id its status reports. */
    private static String createAccount(String name, String email) {
        OrganizationsCalls.Answer a =
                org.call("CreateAccount", "{\"AccountName\":\"" + name + "\",\"Email\":\"" + email + "\"}");
        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
        JsonNode s = a.body().path("CreateAccountStatus");
        assertThat(s.path("State").asText()).isEqualTo("SUCCEEDED");
        assertThat(s.path("Id").asText()).matches("car-[a-z0-9]{8,32}");
        return s.path("AccountId").asText();
    }

    private static Credentials accessRole(String account) {
        return server.sts()
                .assumeRole(b -> b.roleArn("arn:aws:iam::" + account + ":role/OrganizationAccountAccessRole")
                        .roleSessionName("owner"))
                .credentials();
    }

    private static AwsCredentials session(Credentials c) {
        return AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
    }

    @Test
    void createAccountSucceedsAndIsListedDescribedAndTracked() {
        OrganizationsCalls.Answer created =
                org.call("CreateAccount", "{\"AccountName\":\"Dev\",\"Email\":\"dev@example.com\"}");
        JsonNode status = created.body().path("CreateAccountStatus");
        String account = status.path("AccountId").asText();
        assertThat(account).matches("\\d{12}").isNotEqualTo(management);
        assertThat(status.path("AccountName").asText()).isEqualTo("Dev");
        assertThat(status.path("RequestedTimestamp").isNumber()).isTrue();

        JsonNode described = org.call(
                        "DescribeCreateAccountStatus",
                        "{\"CreateAccountRequestId\":\"" + status.path("Id").asText() + "\"}")
                .body()
                .path("CreateAccountStatus");
        assertThat(described.path("State").asText()).isEqualTo("SUCCEEDED");
        assertThat(described.path("AccountId").asText()).isEqualTo(account);
        assertThat(described.path("CompletedTimestamp").isNumber()).isTrue();

        JsonNode accounts = org.call("ListAccounts", "{}").body().path("Accounts");
        List<String> ids = new ArrayList<>();
        accounts.forEach(a -> ids.add(a.path("Id").asText()));
        assertThat(ids.get(0)).isEqualTo(management);
        assertThat(ids).contains(account);

        JsonNode a = org.call("DescribeAccount", "{\"AccountId\":\"" + account + "\"}")
                .body()
                .path("Account");
        assertThat(a.path("Name").asText()).isEqualTo("Dev");
        assertThat(a.path("Email").asText()).isEqualTo("dev@example.com");
        assertThat(a.path("Status").asText()).isEqualTo("ACTIVE");
        assertThat(a.path("JoinedMethod").asText()).isEqualTo("CREATED");
        assertThat(a.path("Arn").asText()).startsWith("arn:aws:organizations::" + management + ":account/o-");
        assertThat(a.path("Arn").asText()).endsWith("/" + account);
    }

    @Test
    void emailsAreUniqueAcrossAccountsAsAwsReportsIt() {
        createAccount("Unique", "unique@example.com");
        JsonNode s = org.call("CreateAccount", "{\"AccountName\":\"Again\",\"Email\":\"UNIQUE@example.com\"}")
                .body()
                .path("CreateAccountStatus");
        assertThat(s.path("State").asText()).isEqualTo("FAILED");
        assertThat(s.path("FailureReason").asText()).isEqualTo("EMAIL_ALREADY_EXISTS");
        assertThat(s.has("AccountId")).isFalse();
    }

    @Test
    void badInputAndUnknownIdsGetOrganizationsErrors() {
        OrganizationsCalls.Answer bad = org.call("CreateAccount", "{\"AccountName\":\"x\",\"Email\":\"not-an-email\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorType()).isEqualTo("InvalidInputException");
        OrganizationsCalls.Answer missing = org.call("DescribeAccount", "{\"AccountId\":\"000000000000\"}");
        assertThat(missing.errorType()).isEqualTo("AccountNotFoundException");
        OrganizationsCalls.Answer noRequest = org.call(
                "DescribeCreateAccountStatus", "{\"CreateAccountRequestId\":\"car-00000000000000000000000000000000\"}");
        assertThat(noRequest.errorType()).isEqualTo("CreateAccountStatusNotFoundException");
        OrganizationsCalls.Answer closeManagement = org.call("CloseAccount", "{\"AccountId\":\"" + management + "\"}");
        assertThat(closeManagement.errorType()).isEqualTo("ConstraintViolationException");
    }

    @Test
    void ownerGetsFirstCredentialsThroughOrganizationAccountAccessRole() {
        String account = createAccount("Tenant", "tenant@example.com");
        Credentials c = accessRole(account);
        var me = server.sts(session(c)).getCallerIdentity();
        assertThat(me.account()).isEqualTo(account);
        assertThat(me.arn()).isEqualTo("arn:aws:sts::" + account + ":assumed-role/OrganizationAccountAccessRole/owner");

        // IAM acts in the caller's account: the same user name exists in both, each ARN carrying its account.
        IamClient member = server.iam(session(c));
        User inMember = member.createUser(b -> b.userName("alice")).user();
        User inManagement = RAMPART.iam().createUser(b -> b.userName("alice")).user();
        assertThat(inMember.arn()).isEqualTo("arn:aws:iam::" + account + ":user/alice");
        assertThat(inManagement.arn()).isEqualTo("arn:aws:iam::" + management + ":user/alice");
        assertThat(inMember.userId()).isNotEqualTo(inManagement.userId());
        assertThatThrownBy(() -> member.createUser(b -> b.userName("alice")))
                .isInstanceOfSatisfying(
                        IamException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("EntityAlreadyExists"));
        // The new account's root-equivalent admin exists (without credentials): nobody can take its name.
        assertThatThrownBy(() -> member.createUser(b -> b.userName("admin")))
                .isInstanceOfSatisfying(
                        IamException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("EntityAlreadyExists"));
        assertThatThrownBy(() -> member.createAccessKey(b -> b.userName("admin")))
                .isInstanceOfSatisfying(
                        IamException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
        assertThat(member.listRoles().roles())
                .extracting(r -> r.arn())
                .contains("arn:aws:iam::" + account + ":role/OrganizationAccountAccessRole");

        // A key of the member account's user acts in that account.
        member.putUserPolicy(b -> b.userName("alice").policyName("s3").policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"""));
        AccessKey k = member.createAccessKey(b -> b.userName("alice")).accessKey();
        var alice = AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey());
        assertThat(server.sts(alice).getCallerIdentity().arn()).isEqualTo("arn:aws:iam::" + account + ":user/alice");

        // Buckets belong to the account that created them; names stay global.
        S3Client aliceS3 = server.s3(alice);
        aliceS3.createBucket(b -> b.bucket("tenant-data"));
        assertThat(aliceS3.listBuckets().buckets()).extracting(Bucket::name).containsExactly("tenant-data");
        assertThat(server.s3(session(c)).listBuckets().owner().id())
                .isEqualTo(aliceS3.listBuckets().owner().id());
        assertThat(RAMPART.s3().listBuckets().buckets())
                .extracting(Bucket::name)
                .doesNotContain("tenant-data");
        assertThatThrownBy(() -> RAMPART.s3().createBucket(b -> b.bucket("tenant-data")))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BucketAlreadyExists"));
        // Without a bucket policy the management account's admin cannot read a member's bucket.
        aliceS3.putObject(
                b -> b.bucket("tenant-data").key("k"), software.amazon.awssdk.core.sync.RequestBody.fromString("v"));
        assertThatThrownBy(() -> RAMPART.s3()
                        .getObjectAsBytes(b -> b.bucket("tenant-data").key("k")))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));

        // A member account cannot manage the organisation, whatever its policies allow.
        OrganizationsCalls.Answer fromMember = org.call(
                "CreateAccount",
                "{\"AccountName\":\"Sneaky\",\"Email\":\"sneaky@example.com\"}",
                software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity.create(
                        c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
        assertThat(fromMember.errorType()).isEqualTo("AccessDeniedException");
    }

    @Test
    void aManagementUserWithoutPermissionCannotAssumeTheAccessRole() {
        String account = createAccount("Guarded", "guarded@example.com");
        RAMPART.iam().createUser(b -> b.userName("bob"));
        AccessKey k = RAMPART.iam().createAccessKey(b -> b.userName("bob")).accessKey();
        var bob = AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey());
        // The trust policy names the management account's root: its users need an identity policy allowing it too.
        assertThatThrownBy(() -> server.sts(bob)
                        .assumeRole(b -> b.roleArn("arn:aws:iam::" + account + ":role/OrganizationAccountAccessRole")
                                .roleSessionName("bob")))
                .isInstanceOfSatisfying(
                        StsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
        RAMPART.iam().putUserPolicy(b -> b.userName("bob").policyName("assume").policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
                 "Resource":"arn:aws:iam::*:role/OrganizationAccountAccessRole"}]}"""));
        assertThat(server.sts(bob)
                        .assumeRole(b -> b.roleArn("arn:aws:iam::" + account + ":role/OrganizationAccountAccessRole")
                                .roleSessionName("bob"))
                        .assumedRoleUser()
                        .arn())
                .startsWith("arn:aws:sts::" + account + ":assumed-role/");
    }

    @Test
    void closingAnAccountStopsItsCredentials() {
        String account = createAccount("Doomed", "doomed@example.com");
        Credentials c = accessRole(account);
        IamClient member = server.iam(session(c));
        member.createUser(b -> b.userName("carol"));
        AccessKey k = member.createAccessKey(b -> b.userName("carol")).accessKey();
        var carol = AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey());
        assertThat(server.sts(carol).getCallerIdentity().account()).isEqualTo(account);

        assertThat(org.call("CloseAccount", "{\"AccountId\":\"" + account + "\"}")
                        .status())
                .isEqualTo(200);
        assertThat(org.call("DescribeAccount", "{\"AccountId\":\"" + account + "\"}")
                        .body()
                        .path("Account")
                        .path("Status")
                        .asText())
                .isEqualTo("SUSPENDED");
        assertThat(org.call("CloseAccount", "{\"AccountId\":\"" + account + "\"}")
                        .errorType())
                .isEqualTo("AccountAlreadyClosedException");
        assertThatThrownBy(() -> server.sts(carol).getCallerIdentity())
                .isInstanceOfSatisfying(
                        StsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId"));
        assertThatThrownBy(() -> server.s3(session(c)).listBuckets())
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAccessKeyId"));
        assertThatThrownBy(() -> accessRole(account)).isInstanceOf(StsException.class);
    }

    @Test
    void enabledPolicyTypesAttachTheirFullAccessDefaultsToNewAccounts() {
        String root = org.call("ListRoots", "{}")
                .body()
                .path("Roots")
                .get(0)
                .path("Id")
                .asText();
        OrganizationsCalls.Answer enabled =
                org.call("EnablePolicyType", "{\"RootId\":\"" + root + "\",\"PolicyType\":\"SERVICE_CONTROL_POLICY\"}");
        assertThat(enabled.status()).as(enabled.body().toString()).isEqualTo(200);
        String account = createAccount("Governed", "governed@example.com");
        JsonNode policies = org.call(
                        "ListPoliciesForTarget",
                        "{\"TargetId\":\"" + account + "\",\"Filter\":\"SERVICE_CONTROL_POLICY\"}")
                .body()
                .path("Policies");
        List<String> names = new ArrayList<>();
        policies.forEach(p -> names.add(p.path("Name").asText()));
        assertThat(names).containsExactly("FullAWSAccess");
        // And the new account works under it: its access role still gets in and acts.
        assertThat(server.iam(session(accessRole(account))).listUsers().users())
                .extracting(User::userName)
                .containsExactly("admin");
    }
}

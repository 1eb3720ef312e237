package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The bootstrap admin is the account's root: the attack of issue 14 (a user allowed iam:* on * mints a key for admin,
 * or disables the admin's key) replayed through the SDK by a user, its STS session and a role it assumes.
 */
class AccountRootTest {
    private static final String ADMIN = "admin";
    private static final String POLICY = "arn:aws:iam::aws:policy/AdministratorAccess";

    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    private static RampartServer server;
    private static IamClient admin;
    private static String account;
    private static AwsBasicCredentials mallory;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        admin = RAMPART.iam();
        account = server.accountId();
        admin.createUser(b -> b.userName("mallory"));
        AccessKey k = admin.createAccessKey(b -> b.userName("mallory")).accessKey();
        mallory = AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey());
        admin.putUserPolicy(
                b -> b.userName("mallory").policyName("iam-everything").policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","sts:*"],"Resource":"*"}]}"""));
        admin.createRole(b -> b.roleName("iam-operator").assumeRolePolicyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:user/mallory"},
                 "Action":"sts:AssumeRole"}]}""".formatted(account)));
        admin.putRolePolicy(
                b -> b.roleName("iam-operator").policyName("iam-everything").policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}"""));
        admin.createGroup(b -> b.groupName("ops"));
    }

    /** Every IAM call that would change the admin, as the attacker sends it. */
    static Stream<Arguments> attacks() {
        List<Arguments> calls = List.of(
                call("CreateAccessKey", c -> c.createAccessKey(b -> b.userName(ADMIN))),
                call("CreateAccessKey", c -> c.createAccessKey(b -> b.userName("ADMIN"))),
                call(
                        "UpdateAccessKey",
                        c -> c.updateAccessKey(b -> b.userName(ADMIN)
                                .accessKeyId(RampartServer.ACCESS_KEY)
                                .status(StatusType.INACTIVE))),
                call(
                        "DeleteAccessKey",
                        c -> c.deleteAccessKey(b -> b.userName(ADMIN).accessKeyId(RampartServer.ACCESS_KEY))),
                call(
                        "AttachUserPolicy",
                        c -> c.attachUserPolicy(b -> b.userName(ADMIN).policyArn(POLICY))),
                call(
                        "DetachUserPolicy",
                        c -> c.detachUserPolicy(b -> b.userName(ADMIN).policyArn(POLICY))),
                call(
                        "PutUserPolicy",
                        c -> c.putUserPolicy(
                                b -> b.userName(ADMIN).policyName("lockout").policyDocument("""
                        {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"""))),
                call(
                        "DeleteUserPolicy",
                        c -> c.deleteUserPolicy(b -> b.userName(ADMIN).policyName("lockout"))),
                call("DeleteUser", c -> c.deleteUser(b -> b.userName(ADMIN))),
                call("UpdateUser", c -> c.updateUser(b -> b.userName(ADMIN).newUserName("not-admin"))),
                call("UpdateUser", c -> c.updateUser(b -> b.userName("mallory").newUserName(ADMIN))),
                call(
                        "CreateLoginProfile",
                        c -> c.createLoginProfile(b -> b.userName(ADMIN).password("Correct-Horse-9"))),
                call(
                        "UpdateLoginProfile",
                        c -> c.updateLoginProfile(b -> b.userName(ADMIN).password("Correct-Horse-9"))),
                call("DeleteLoginProfile", c -> c.deleteLoginProfile(b -> b.userName(ADMIN))),
                call(
                        "EnableMFADevice",
                        c -> c.enableMFADevice(b -> b.userName(ADMIN)
                                .serialNumber("arn:aws:iam::" + account + ":mfa/attacker")
                                .authenticationCode1("123456")
                                .authenticationCode2("654321"))),
                call(
                        "DeactivateMFADevice",
                        c -> c.deactivateMFADevice(
                                b -> b.userName(ADMIN).serialNumber("arn:aws:iam::" + account + ":mfa/admin"))),
                call(
                        "AddUserToGroup",
                        c -> c.addUserToGroup(b -> b.groupName("ops").userName(ADMIN))),
                call(
                        "RemoveUserFromGroup",
                        c -> c.removeUserFromGroup(b -> b.groupName("ops").userName(ADMIN))),
                call(
                        "PutUserPermissionsBoundary",
                        c -> c.putUserPermissionsBoundary(b -> b.userName(ADMIN)
                                .permissionsBoundary("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"))),
                call("DeleteUserPermissionsBoundary", c -> c.deleteUserPermissionsBoundary(b -> b.userName(ADMIN))),
                call(
                        "TagUser",
                        c -> c.tagUser(
                                b -> b.userName(ADMIN).tags(t -> t.key("team").value("none")))),
                call("UntagUser", c -> c.untagUser(b -> b.userName(ADMIN).tagKeys("team"))));
        return calls.stream();
    }

    private static Arguments call(String action, Consumer<IamClient> call) {
        return Arguments.of(action, call);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void userWithIamStarCannotChangeTheAdmin(String action, Consumer<IamClient> call) {
        assertRefused(server.iam(mallory), "arn:aws:iam::" + account + ":user/mallory", action, call);
        assertAdminUnchanged();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void roleSessionWithIamStarCannotChangeTheAdmin(String action, Consumer<IamClient> call) {
        Credentials c = server.sts(mallory)
                .assumeRole(b -> b.roleArn("arn:aws:iam::" + account + ":role/iam-operator")
                        .roleSessionName("takeover"))
                .credentials();
        assertRefused(
                server.iam(session(c)),
                "arn:aws:sts::" + account + ":assumed-role/iam-operator/takeover",
                action,
                call);
        assertAdminUnchanged();
    }

    @Test
    void sessionTokenOfTheAttackerCannotMintAnAdminKey() {
        Credentials c = server.sts(mallory).getSessionToken().credentials();
        assertRefused(
                server.iam(session(c)),
                "arn:aws:iam::" + account + ":user/mallory",
                "CreateAccessKey",
                cl -> cl.createAccessKey(b -> b.userName(ADMIN)));
        assertAdminUnchanged();
    }

    @Test
    void attackerStillManagesOrdinaryUsersAndMayReadTheAdmin() {
        IamClient m = server.iam(mallory);
        m.createUser(b -> b.userName("intern"));
        AccessKey k = m.createAccessKey(b -> b.userName("intern")).accessKey();
        m.updateAccessKey(b -> b.userName("intern").accessKeyId(k.accessKeyId()).status(StatusType.INACTIVE));
        m.attachUserPolicy(b -> b.userName("intern").policyArn("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
        m.addUserToGroup(b -> b.groupName("ops").userName("intern"));
        m.removeUserFromGroup(b -> b.groupName("ops").userName("intern"));
        m.detachUserPolicy(b -> b.userName("intern").policyArn("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
        m.deleteAccessKey(b -> b.userName("intern").accessKeyId(k.accessKeyId()));
        m.deleteUser(b -> b.userName("intern"));
        assertThat(m.listUsers().users()).extracting(u -> u.userName()).doesNotContain("intern");
        // Reads stay governed by policy: an auditor sees the admin's keys, but cannot act on them.
        assertThat(m.listAccessKeys(b -> b.userName(ADMIN)).accessKeyMetadata())
                .extracting(AccessKeyMetadata::accessKeyId)
                .containsExactly(RampartServer.ACCESS_KEY);
    }

    @Test
    void adminStillManagesItsOwnKeys() {
        AccessKey second = admin.createAccessKey(b -> b.userName(ADMIN)).accessKey();
        admin.updateAccessKey(
                b -> b.userName(ADMIN).accessKeyId(second.accessKeyId()).status(StatusType.INACTIVE));
        assertThat(admin.listAccessKeys(b -> b.userName(ADMIN)).accessKeyMetadata())
                .extracting(AccessKeyMetadata::accessKeyId, AccessKeyMetadata::status)
                .contains(org.assertj.core.groups.Tuple.tuple(second.accessKeyId(), StatusType.INACTIVE));
        admin.deleteAccessKey(b -> b.accessKeyId(second.accessKeyId()));
        assertAdminUnchanged();
    }

    private static void assertRefused(IamClient client, String callerArn, String action, Consumer<IamClient> call) {
        assertThatThrownBy(() -> call.accept(client)).isInstanceOfSatisfying(IamException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
            assertThat(e.awsErrorDetails().errorMessage())
                    .isEqualTo("User: " + callerArn + " is not authorized to perform: iam:"
                            + action + " on resource: arn:aws:iam::" + account
                            + ":user/admin with an explicit deny: the account's "
                            + "root user can be managed only by itself");
        });
    }

    /** The admin keeps exactly its one active key, no policy, group, boundary or tag, and its key still works. */
    private static void assertAdminUnchanged() {
        assertThat(admin.listAccessKeys(b -> b.userName(ADMIN)).accessKeyMetadata())
                .extracting(AccessKeyMetadata::accessKeyId, AccessKeyMetadata::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(RampartServer.ACCESS_KEY, StatusType.ACTIVE));
        assertThat(admin.listUserPolicies(b -> b.userName(ADMIN)).policyNames()).isEmpty();
        assertThat(admin.listAttachedUserPolicies(b -> b.userName(ADMIN)).attachedPolicies())
                .isEmpty();
        assertThat(admin.listGroupsForUser(b -> b.userName(ADMIN)).groups()).isEmpty();
        var user = admin.getUser(b -> b.userName(ADMIN)).user();
        assertThat(user.permissionsBoundary()).isNull();
        assertThat(user.tags()).isEmpty();
        assertThat(admin.listMFADevices(b -> b.userName(ADMIN)).mfaDevices()).isEmpty();
        assertThat(server.s3().listBuckets().buckets()).isNotNull();
    }

    private static AwsCredentials session(Credentials c) {
        return AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
    }
}

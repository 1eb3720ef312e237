package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/** Practice 1 end to end through the SDK's IAM, STS and S3 clients: users, keys, policies, roles and sessions. */
class AccessControlTest {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    // SSE-C allowed (over plain HTTP, on new buckets) so that policies, not defaults, are what block it here.
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults().allowSseCOverHttpOnNewBuckets();

    private static RampartServer server;
    private static IamClient iam;
    private static S3Client admin;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        iam = RAMPART.iam();
        admin = RAMPART.s3();
    }

    private static String unique(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet();
    }

    private static AwsBasicCredentials newUserWithKey(String user) {
        iam.createUser(b -> b.userName(user));
        AccessKey k = iam.createAccessKey(b -> b.userName(user)).accessKey();
        return AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey());
    }

    private static String bucketWithObject() {
        String bucket = unique("ac-bucket");
        admin.createBucket(b -> b.bucket(bucket));
        admin.putObject(b -> b.bucket(bucket).key("hello.txt"), RequestBody.fromString("hello"));
        return bucket;
    }

    private static AwsSessionCredentials session(Credentials c) {
        return AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
    }

    @Test
    void newUserIsDeniedUntilAnInlinePolicyAllows() {
        String bucket = bucketWithObject();
        String user = unique("alice");
        S3Client alice = server.s3(newUserWithKey(user));
        S3Errors.assertS3Error(
                () -> alice.getObjectAsBytes(b -> b.bucket(bucket).key("hello.txt")), 403, "AccessDenied");

        iam.putUserPolicy(b -> b.userName(user).policyName("read").policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
                 "Resource":"arn:aws:s3:::%s/*"}]}""".formatted(bucket)));
        assertThat(alice.getObjectAsBytes(b -> b.bucket(bucket).key("hello.txt"))
                        .asUtf8String())
                .isEqualTo("hello");
        // Only what the policy names: writes stay denied.
        S3Errors.assertS3Error(
                () -> alice.putObject(b -> b.bucket(bucket).key("x"), RequestBody.fromString("x")),
                403,
                "AccessDenied");

        iam.deleteUserPolicy(b -> b.userName(user).policyName("read"));
        S3Errors.assertS3Error(
                () -> alice.getObjectAsBytes(b -> b.bucket(bucket).key("hello.txt")), 403, "AccessDenied");
    }

    @Test
    void groupsAndManagedPoliciesGrantThroughMembership() {
        String bucket = bucketWithObject();
        String user = unique("bob");
        S3Client bob = server.s3(newUserWithKey(user));
        String group = unique("readers");
        iam.createGroup(b -> b.groupName(group));
        iam.attachGroupPolicy(b -> b.groupName(group).policyArn("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
        S3Errors.assertS3Error(() -> bob.getObjectAsBytes(b -> b.bucket(bucket).key("hello.txt")), 403, "AccessDenied");

        iam.addUserToGroup(b -> b.groupName(group).userName(user));
        assertThat(bob.getObjectAsBytes(b -> b.bucket(bucket).key("hello.txt")).asUtf8String())
                .isEqualTo("hello");
        assertThat(iam.listGroupsForUser(b -> b.userName(user)).groups())
                .extracting(g -> g.groupName())
                .containsExactly(group);
        assertThat(iam.listAttachedGroupPolicies(b -> b.groupName(group)).attachedPolicies())
                .extracting(p -> p.policyArn())
                .containsExactly("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess");
    }

    @Test
    void customerManagedPolicyVersionsDecideWhichDocumentApplies() {
        String bucket = bucketWithObject();
        String user = unique("carol");
        S3Client carol = server.s3(newUserWithKey(user));
        String arn = iam.createPolicy(
                        b -> b.policyName(unique("deny-all-first")).policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}"""))
                .policy()
                .arn();
        iam.attachUserPolicy(b -> b.userName(user).policyArn(arn));
        S3Errors.assertS3Error(
                () -> carol.getObjectAsBytes(b -> b.bucket(bucket).key("hello.txt")), 403, "AccessDenied");

        var v2 = iam.createPolicyVersion(
                        b -> b.policyArn(arn).setAsDefault(true).policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"""))
                .policyVersion();
        assertThat(v2.versionId()).isEqualTo("v2");
        assertThat(carol.getObjectAsBytes(b -> b.bucket(bucket).key("hello.txt"))
                        .asUtf8String())
                .isEqualTo("hello");
        assertThat(iam.getPolicy(b -> b.policyArn(arn)).policy().defaultVersionId())
                .isEqualTo("v2");
        assertThat(iam.getPolicy(b -> b.policyArn(arn)).policy().attachmentCount())
                .isEqualTo(1);

        iam.setDefaultPolicyVersion(b -> b.policyArn(arn).versionId("v1"));
        S3Errors.assertS3Error(
                () -> carol.getObjectAsBytes(b -> b.bucket(bucket).key("hello.txt")), 403, "AccessDenied");
        assertThatThrownBy(() -> iam.deletePolicy(b -> b.policyArn(arn)))
                .isInstanceOfSatisfying(
                        IamException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("DeleteConflict"));
        assertThatThrownBy(() -> iam.deletePolicyVersion(b -> b.policyArn(arn).versionId("v1")))
                .isInstanceOfSatisfying(
                        IamException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("DeleteConflict"));
    }

    @Test
    void accessKeysCanBeListedDeactivatedAndDeleted() {
        String user = unique("dave");
        AwsBasicCredentials key = newUserWithKey(user);
        iam.putUserPolicy(b -> b.userName(user).policyName("list").policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}"""));
        S3Client dave = server.s3(key);
        dave.listBuckets();
        assertThat(iam.listAccessKeys(b -> b.userName(user)).accessKeyMetadata())
                .singleElement()
                .satisfies(m -> {
                    assertThat(m.accessKeyId()).isEqualTo(key.accessKeyId()).startsWith("AKIA");
                    assertThat(m.statusAsString()).isEqualTo("Active");
                });
        var used = iam.getAccessKeyLastUsed(b -> b.accessKeyId(key.accessKeyId()));
        assertThat(used.userName()).isEqualTo(user);
        assertThat(used.accessKeyLastUsed().serviceName()).isEqualTo("s3");

        iam.updateAccessKey(b -> b.userName(user).accessKeyId(key.accessKeyId()).status("Inactive"));
        S3Errors.assertS3Error(dave::listBuckets, 403, "InvalidAccessKeyId");
        iam.createAccessKey(b -> b.userName(user));
        assertThatThrownBy(() -> iam.createAccessKey(b -> b.userName(user)))
                .isInstanceOfSatisfying(
                        IamException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("LimitExceeded"));
        assertThatThrownBy(() -> iam.deleteUser(b -> b.userName(user)))
                .isInstanceOfSatisfying(
                        IamException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("DeleteConflict"));
        iam.deleteAccessKey(b -> b.userName(user).accessKeyId(key.accessKeyId()));
        assertThat(iam.listAccessKeys(b -> b.userName(user)).accessKeyMetadata())
                .hasSize(1);
    }

    @Test
    void unknownEntitiesAndMalformedPoliciesGetAwsErrors() {
        assertThatThrownBy(() -> iam.getUser(b -> b.userName("nobody-here")))
                .isInstanceOfSatisfying(IamException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchEntity");
                });
        String user = unique("erin");
        iam.createUser(b -> b.userName(user));
        assertThatThrownBy(() -> iam.createUser(b -> b.userName(user)))
                .isInstanceOfSatisfying(
                        IamException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("EntityAlreadyExists"));
        for (String bad : List.of(
                "not json",
                "{\"Version\":\"2012-10-17\"}",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Maybe\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}")) {
            assertThatThrownBy(() -> iam.putUserPolicy(
                            b -> b.userName(user).policyName("p").policyDocument(bad)))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            IamException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MalformedPolicyDocument"));
        }
        assertThatThrownBy(() -> iam.createUser(b -> b.userName("bad name!")))
                .isInstanceOfSatisfying(
                        IamException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
    }

    @Test
    void nonAdminUserCannotUseIamWithoutPolicy() {
        String user = unique("frank");
        IamClient frank = server.iam(newUserWithKey(user));
        assertThatThrownBy(() -> frank.createUser(b -> b.userName("escalated")))
                .isInstanceOfSatisfying(IamException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("iam:CreateUser");
                });
    }

    @Test
    void assumedRoleCredentialsWorkAndNameTheSession() {
        String bucket = bucketWithObject();
        String user = unique("gina");
        AwsBasicCredentials key = newUserWithKey(user);
        String account = server.accountId();
        String role = unique("reader-role");
        iam.createRole(b -> b.roleName(role).assumeRolePolicyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:user/%s"},
                 "Action":"sts:AssumeRole"}]}""".formatted(account, user)));
        iam.attachRolePolicy(b -> b.roleName(role).policyArn("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));

        StsClient sts = server.sts(key);
        AssumeRoleResponse r = sts.assumeRole(
                b -> b.roleArn("arn:aws:iam::" + account + ":role/" + role).roleSessionName("job-1"));
        assertThat(r.credentials().accessKeyId()).startsWith("ASIA");
        assertThat(r.credentials().expiration()).isAfter(Instant.now().plusSeconds(3000));
        assertThat(r.assumedRoleUser().arn()).isEqualTo("arn:aws:sts::" + account + ":assumed-role/" + role + "/job-1");

        S3Client asRole = server.s3(session(r.credentials()));
        assertThat(asRole.getObjectAsBytes(b -> b.bucket(bucket).key("hello.txt"))
                        .asUtf8String())
                .isEqualTo("hello");
        S3Errors.assertS3Error(
                () -> asRole.putObject(b -> b.bucket(bucket).key("x"), RequestBody.fromString("x")),
                403,
                "AccessDenied");
        var me = server.sts(session(r.credentials())).getCallerIdentity();
        assertThat(me.arn()).isEqualTo(r.assumedRoleUser().arn());
        assertThat(me.account()).isEqualTo(account);

        // The trail links the session to the key that created it, as CloudTrail's AssumeRole record does; no secret in
        // it.
        java.util.List<com.fasterxml.jackson.databind.JsonNode> records;
        try {
            records = new io.rampart.audit.TrailQuery(
                            null, null, null, key.accessKeyId(), "AssumeRole", null, null, null)
                    .run(io.rampart.audit.TrailLayout.ofDataDir(server.dataDir()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(records).singleElement().satisfies(rec -> {
            assertThat(rec.path("eventSource").asText()).isEqualTo("sts.amazonaws.com");
            assertThat(rec.path("responseElements")
                            .path("credentials")
                            .path("accessKeyId")
                            .asText())
                    .isEqualTo(r.credentials().accessKeyId());
            assertThat(rec.path("responseElements")
                            .path("assumedRoleUser")
                            .path("arn")
                            .asText())
                    .isEqualTo(r.assumedRoleUser().arn());
            assertThat(rec.path("requestParameters").path("roleSessionName").asText())
                    .isEqualTo("job-1");
            assertThat(rec.toString())
                    .doesNotContain(r.credentials().secretAccessKey())
                    .doesNotContain(r.credentials().sessionToken());
        });

        // A session token that does not match its key is refused.
        S3Client forged = server.s3(AwsSessionCredentials.create(
                r.credentials().accessKeyId(), r.credentials().secretAccessKey(), "forged-token"));
        S3Errors.assertS3Error(
                () -> forged.getObjectAsBytes(b -> b.bucket(bucket).key("hello.txt")), 400, "InvalidToken");
    }

    @Test
    void expiredSessionAnswersExpiredToken() {
        String bucket = bucketWithObject();
        String role = unique("short-role");
        iam.createRole(b -> b.roleName(role).assumeRolePolicyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},
                 "Action":"sts:AssumeRole"}]}""".formatted(server.accountId())));
        iam.attachRolePolicy(b -> b.roleName(role).policyArn("arn:aws:iam::aws:policy/AmazonS3FullAccess"));
        Credentials c = server.sts()
                .assumeRole(b -> b.roleArn("arn:aws:iam::" + server.accountId() + ":role/" + role)
                        .roleSessionName("s1")
                        .durationSeconds(900))
                .credentials();
        S3Client s = server.s3(session(c));
        s.headObject(b -> b.bucket(bucket).key("hello.txt"));

        // Time cannot be sped up for a test: end the session the way revocation does, then use it.
        server.rampart().iam().sessions().expire(List.of(c.accessKeyId()), Instant.now());
        S3Errors.assertS3Error(() -> s.getObjectAsBytes(b -> b.bucket(bucket).key("hello.txt")), 400, "ExpiredToken");
        assertThatThrownBy(() -> server.sts(session(c)).getCallerIdentity())
                .isInstanceOfSatisfying(
                        StsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredToken"));
    }

    @Test
    void revokingARolesSessionsEndsThemAndAllowsNewOnes() {
        String bucket = bucketWithObject();
        String role = unique("revoked-role");
        iam.createRole(b -> b.roleName(role).assumeRolePolicyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},
                 "Action":"sts:AssumeRole"}]}""".formatted(server.accountId())));
        iam.attachRolePolicy(b -> b.roleName(role).policyArn("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
        String roleArn = "arn:aws:iam::" + server.accountId() + ":role/" + role;
        Credentials old = server.sts()
                .assumeRole(b -> b.roleArn(roleArn).roleSessionName("before"))
                .credentials();
        server.s3(session(old)).headObject(b -> b.bucket(bucket).key("hello.txt"));

        int ended = server.rampart().iam().revokeSessions(server.accountId(), "role", role, Instant.now());
        assertThat(ended).isEqualTo(1);
        S3Errors.assertS3Error(
                () -> server.s3(session(old)).headObject(b -> b.bucket(bucket).key("hello.txt")), 400, null);
        assertThat(iam.listRolePolicies(b -> b.roleName(role)).policyNames()).containsExactly("AWSRevokeOlderSessions");
        // As on AWS, the revocation policy denies tokens issued before it; sessions created afterwards work.
        sleepPastTheSecond();
        Credentials fresh = server.sts()
                .assumeRole(b -> b.roleArn(roleArn).roleSessionName("after"))
                .credentials();
        server.s3(session(fresh)).headObject(b -> b.bucket(bucket).key("hello.txt"));
    }

    private static void sleepPastTheSecond() {
        try {
            Thread.sleep(1100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void quarantineDeniesEverythingUntilLiftedAndSparesTheAdministrator() {
        String bucket = bucketWithObject();
        String user = unique("suspect");
        S3Client suspect = server.s3(newUserWithKey(user));
        iam.attachUserPolicy(b -> b.userName(user).policyArn("arn:aws:iam::aws:policy/AmazonS3FullAccess"));
        suspect.headObject(b -> b.bucket(bucket).key("hello.txt"));
        var controls =
                new io.rampart.detect.IamIdentityControls(server.rampart().iam());
        String arn = "arn:aws:iam::" + server.accountId() + ":user/" + user;
        assertThat(controls.quarantine(arn)).isEqualTo(io.rampart.detect.IdentityControls.Outcome.DONE);
        assertThat(controls.quarantine(arn)).isEqualTo(io.rampart.detect.IdentityControls.Outcome.ALREADY);
        S3Errors.assertS3Error(() -> suspect.headObject(b -> b.bucket(bucket).key("hello.txt")), 403, null);
        assertThat(controls.unquarantine(arn)).isEqualTo(io.rampart.detect.IdentityControls.Outcome.DONE);
        suspect.headObject(b -> b.bucket(bucket).key("hello.txt"));
        assertThat(controls.quarantine("arn:aws:iam::" + server.accountId() + ":user/admin"))
                .isEqualTo(io.rampart.detect.IdentityControls.Outcome.UNAVAILABLE);
    }

    @Test
    void trustPolicyAndDurationAreEnforced() {
        String user = unique("hank");
        AwsBasicCredentials key = newUserWithKey(user);
        String role = unique("not-for-hank");
        String account = server.accountId();
        iam.createRole(b -> b.roleName(role).maxSessionDuration(3600).assumeRolePolicyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:user/someone-else"},
                 "Action":"sts:AssumeRole"}]}""".formatted(account)));
        String roleArn = "arn:aws:iam::" + account + ":role/" + role;
        assertThatThrownBy(
                        () -> server.sts(key).assumeRole(b -> b.roleArn(roleArn).roleSessionName("s1")))
                .isInstanceOfSatisfying(StsException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                });
        // The admin is allowed by identity, but the trust policy names only someone else: the account root would be
        // needed.
        assertThatThrownBy(() -> server.sts().assumeRole(b -> b.roleArn(roleArn).roleSessionName("s1")))
                .isInstanceOfSatisfying(
                        StsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
        iam.updateAssumeRolePolicy(b -> b.roleName(role).policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},
                 "Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ticket-42"}}}]}""".formatted(account)));
        assertThatThrownBy(() -> server.sts().assumeRole(b -> b.roleArn(roleArn).roleSessionName("s1")))
                .isInstanceOfSatisfying(
                        StsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
        assertThat(server.sts()
                        .assumeRole(
                                b -> b.roleArn(roleArn).roleSessionName("s1").externalId("ticket-42"))
                        .credentials()
                        .accessKeyId())
                .startsWith("ASIA");
        assertThatThrownBy(() -> server.sts()
                        .assumeRole(b -> b.roleArn(roleArn)
                                .roleSessionName("s1")
                                .externalId("ticket-42")
                                .durationSeconds(7200)))
                .isInstanceOfSatisfying(
                        StsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
    }

    @Test
    void sessionPolicyNarrowsTheRole() {
        String bucket = bucketWithObject();
        String role = unique("wide-role");
        String account = server.accountId();
        iam.createRole(b -> b.roleName(role).assumeRolePolicyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},
                 "Action":"sts:AssumeRole"}]}""".formatted(account)));
        iam.attachRolePolicy(b -> b.roleName(role).policyArn("arn:aws:iam::aws:policy/AmazonS3FullAccess"));
        Credentials c = server.sts()
                .assumeRole(b -> b.roleArn("arn:aws:iam::" + account + ":role/" + role)
                        .roleSessionName("narrow")
                        .policy("""
                        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"""))
                .credentials();
        S3Client narrow = server.s3(session(c));
        assertThat(narrow.getObjectAsBytes(b -> b.bucket(bucket).key("hello.txt"))
                        .asUtf8String())
                .isEqualTo("hello");
        S3Errors.assertS3Error(
                () -> narrow.putObject(b -> b.bucket(bucket).key("y"), RequestBody.fromString("y")),
                403,
                "AccessDenied");
        // Without a session policy the same role may write.
        Credentials wide = server.sts()
                .assumeRole(b ->
                        b.roleArn("arn:aws:iam::" + account + ":role/" + role).roleSessionName("wide"))
                .credentials();
        server.s3(session(wide)).putObject(b -> b.bucket(bucket).key("y"), RequestBody.fromString("y"));
    }

    @Test
    void permissionsBoundaryCapsWhatPoliciesGrant() {
        String bucket = bucketWithObject();
        String user = unique("ivan");
        S3Client ivan = server.s3(newUserWithKey(user));
        iam.attachUserPolicy(b -> b.userName(user).policyArn("arn:aws:iam::aws:policy/AmazonS3FullAccess"));
        ivan.putObject(b -> b.bucket(bucket).key("before"), RequestBody.fromString("x"));
        iam.putUserPermissionsBoundary(
                b -> b.userName(user).permissionsBoundary("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
        S3Errors.assertS3Error(
                () -> ivan.putObject(b -> b.bucket(bucket).key("after"), RequestBody.fromString("x")),
                403,
                "AccessDenied");
        assertThat(ivan.getObjectAsBytes(b -> b.bucket(bucket).key("before")).asUtf8String())
                .isEqualTo("x");
    }

    @Test
    void credentialReportListsUsersAndKeyAges() {
        String user = unique("judy");
        newUserWithKey(user);
        iam.generateCredentialReport();
        String csv = iam.getCredentialReport().content().asUtf8String();
        String[] lines = csv.split("\n");
        assertThat(lines[0])
                .startsWith("user,arn,user_creation_time,password_enabled")
                .contains("access_key_1_last_rotated");
        assertThat(csv).contains(user + ",arn:aws:iam::" + server.accountId() + ":user/" + user);
        String row = java.util.Arrays.stream(lines)
                .filter(l -> l.startsWith(user + ","))
                .findFirst()
                .orElseThrow();
        assertThat(row.split(",")).hasSize(lines[0].split(",").length);
        assertThat(row.split(",")[8]).isEqualTo("true");
    }

    @Test
    void mfaProtectedActionNeedsSessionFromGetSessionTokenWithCode() throws Exception {
        String bucket = bucketWithObject();
        String user = unique("kim");
        AwsBasicCredentials key = newUserWithKey(user);
        iam.putUserPolicy(b -> b.userName(user).policyName("mfa-delete").policyDocument("""
                {"Version":"2012-10-17","Statement":[
                 {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"},
                 {"Effect":"Allow","Action":"s3:DeleteObject","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
                 {"Effect":"Allow","Action":"sts:GetSessionToken","Resource":"*"}]}"""));
        var device = iam.createVirtualMFADevice(b -> b.virtualMFADeviceName(user + "-phone"))
                .virtualMFADevice();
        byte[] seed = base32Decode(device.base32StringSeed().asUtf8String());
        long now = Instant.now().getEpochSecond();
        iam.enableMFADevice(b -> b.userName(user)
                .serialNumber(device.serialNumber())
                .authenticationCode1(io.rampart.iam.Totp.code(seed, now - 30))
                .authenticationCode2(io.rampart.iam.Totp.code(seed, now)));
        assertThat(iam.listMFADevices(b -> b.userName(user)).mfaDevices())
                .singleElement()
                .satisfies(d -> assertThat(d.serialNumber()).isEqualTo(device.serialNumber()));

        S3Errors.assertS3Error(
                () -> server.s3(key).deleteObject(b -> b.bucket(bucket).key("hello.txt")), 403, "AccessDenied");
        Credentials plain = server.sts(key).getSessionToken().credentials();
        S3Errors.assertS3Error(
                () -> server.s3(session(plain))
                        .deleteObject(b -> b.bucket(bucket).key("hello.txt")),
                403,
                "AccessDenied");
        assertThatThrownBy(() -> server.sts(key)
                        .getSessionToken(
                                b -> b.serialNumber(device.serialNumber()).tokenCode("000000")))
                .isInstanceOf(StsException.class);
        Credentials withMfa = server.sts(key)
                .getSessionToken(b -> b.serialNumber(device.serialNumber())
                        .tokenCode(io.rampart.iam.Totp.code(seed, Instant.now().getEpochSecond())))
                .credentials();
        server.s3(session(withMfa)).deleteObject(b -> b.bucket(bucket).key("hello.txt"));
        S3Errors.assertS3Error(() -> admin.headObject(b -> b.bucket(bucket).key("hello.txt")), 404, null);
    }

    @Test
    void awsBlogBucketPolicyBlocksSseCButNotPlainWrites() throws Exception {
        String bucket = unique("ssec-policy");
        admin.createBucket(b -> b.bucket(bucket));
        String policy = Files.readString(Path.of("policies/deny-ssec-uploads.bucket-policy.json"))
                .replace("BUCKET", bucket);
        admin.putBucketPolicy(b -> b.bucket(bucket).policy(policy));
        SseCKey key = SseCKey.random();
        S3Errors.assertS3Error(
                () -> admin.putObject(
                        b -> b.bucket(bucket)
                                .key("a")
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(key.base64())
                                .sseCustomerKeyMD5(key.md5()),
                        RequestBody.fromString("a")),
                403,
                "AccessDenied");
        admin.putObject(b -> b.bucket(bucket).key("a"), RequestBody.fromString("a"));
        S3Errors.assertS3Error(
                () -> admin.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("a")
                        .destinationBucket(bucket)
                        .destinationKey("a")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(key.base64())
                        .sseCustomerKeyMD5(key.md5())),
                403,
                "AccessDenied");
        admin.copyObject(b ->
                b.sourceBucket(bucket).sourceKey("a").destinationBucket(bucket).destinationKey("b"));
    }

    /**
     * RCPs bound the resources of member accounts; the management account is exempt, as on AWS. The buckets here
     * belong to a member account whose owner works through OrganizationAccountAccessRole.
     */
    @Test
    void organisationRcpBlocksSseCInMemberAccountsAndGuardrailRefusesLongLivedKeyWrites() throws Exception {
        OrganizationsCalls org = new OrganizationsCalls(server);
        org.ensureOrganization();
        String root = org.rootId();
        var enabled = org.call(
                "EnablePolicyType", "{\"RootId\":\"" + root + "\",\"PolicyType\":\"RESOURCE_CONTROL_POLICY\"}");
        assertThat(enabled.status()).as("EnablePolicyType: %s", enabled.body()).isEqualTo(200);
        assertThat(org.call(
                                "EnablePolicyType",
                                "{\"RootId\":\"" + root + "\",\"PolicyType\":\"RESOURCE_CONTROL_POLICY\"}")
                        .errorType())
                .isEqualTo("PolicyTypeAlreadyEnabledException");
        String policyId = org.createPolicy(
                "BlockSSEC", "RESOURCE_CONTROL_POLICY", Files.readString(Path.of("policies/block-ssec.rcp.json")));
        String tenant = unique("tenant");
        String account = org.createAccount(tenant, tenant + "@example.com");
        AwsSessionCredentials owner = org.accessRole(account);
        S3Client member = server.s3(owner);
        String bucket = unique("rcp-bucket");
        member.createBucket(b -> b.bucket(bucket));
        member.putObject(b -> b.bucket(bucket).key("a"), RequestBody.fromString("a"));
        String managementBucket = unique("rcp-management");
        admin.createBucket(b -> b.bucket(managementBucket));
        SseCKey key = SseCKey.random();
        try {
            org.attach(policyId, root);
            S3Errors.assertS3Error(
                    () -> member.putObject(
                            b -> b.bucket(bucket)
                                    .key("c")
                                    .sseCustomerAlgorithm("AES256")
                                    .sseCustomerKey(key.base64())
                                    .sseCustomerKeyMD5(key.md5()),
                            RequestBody.fromString("c")),
                    403,
                    "AccessDenied");
            S3Errors.assertS3Error(
                    () -> member.copyObject(b -> b.sourceBucket(bucket)
                            .sourceKey("a")
                            .destinationBucket(bucket)
                            .destinationKey("a")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(key.base64())
                            .sseCustomerKeyMD5(key.md5())),
                    403,
                    "AccessDenied");
            member.putObject(b -> b.bucket(bucket).key("plain"), RequestBody.fromString("p"));
            // The management account's own buckets are outside every RCP.
            admin.putObject(
                    b -> b.bucket(managementBucket)
                            .key("c")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(key.base64())
                            .sseCustomerKeyMD5(key.md5()),
                    RequestBody.fromString("c"));
            var forTarget = org.call(
                    "ListPoliciesForTarget", "{\"TargetId\":\"" + root + "\",\"Filter\":\"RESOURCE_CONTROL_POLICY\"}");
            assertThat(forTarget.body().path("Policies").findValuesAsText("Name"))
                    .contains("RCPFullAWSAccess", "BlockSSEC");
        } finally {
            org.call("DetachPolicy", "{\"PolicyId\":\"" + policyId + "\",\"TargetId\":\"" + root + "\"}");
        }
        member.putObject(
                b -> b.bucket(bucket)
                        .key("c")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(key.base64())
                        .sseCustomerKeyMD5(key.md5()),
                RequestBody.fromString("c"));

        // The guardrail: writes with long-lived keys are refused; a role session may write.
        String guardId = org.createPolicy(
                "NoLongLivedWrites",
                "RESOURCE_CONTROL_POLICY",
                Files.readString(Path.of("policies/deny-long-lived-key-writes.rcp.json")));
        IamClient memberIam = server.iam(owner);
        memberIam.createUser(b -> b.userName("writer"));
        memberIam.putUserPolicy(b -> b.userName("writer").policyName("s3").policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"""));
        AccessKey k = memberIam.createAccessKey(b -> b.userName("writer")).accessKey();
        S3Client longLived = server.s3(AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey()));
        try {
            org.attach(guardId, account);
            S3Errors.assertS3Error(
                    () -> longLived.putObject(b -> b.bucket(bucket).key("long-lived"), RequestBody.fromString("x")),
                    403,
                    "AccessDenied");
            member.putObject(b -> b.bucket(bucket).key("short-lived"), RequestBody.fromString("x"));
            assertThat(member.getObjectAsBytes(b -> b.bucket(bucket).key("short-lived"))
                            .asUtf8String())
                    .isEqualTo("x");
            // Attached to the member account only: the management account's long-lived admin key still writes.
            admin.putObject(b -> b.bucket(managementBucket).key("long-lived"), RequestBody.fromString("x"));
        } finally {
            org.call("DetachPolicy", "{\"PolicyId\":\"" + guardId + "\",\"TargetId\":\"" + account + "\"}");
        }
        longLived.putObject(b -> b.bucket(bucket).key("long-lived"), RequestBody.fromString("x"));
    }

    @Test
    void organizationsRejectsMalformedAndOversizedPolicies() {
        OrganizationsCalls org = new OrganizationsCalls(server);
        org.call("CreateOrganization", "{}");
        var bad = org.call(
                "CreatePolicy",
                "{\"Name\":\"bad\",\"Description\":\"\",\"Type\":\"RESOURCE_CONTROL_POLICY\","
                        + "\"Content\":\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\","
                        + "\\\"Principal\\\":\\\"*\\\",\\\"Action\\\":\\\"s3:*\\\",\\\"Resource\\\":\\\"*\\\"}]}\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorType()).isEqualTo("MalformedPolicyDocumentException");
        String big =
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\","
                        + "\"Condition\":{\"StringEquals\":{\"aws:username\":\"" + "x".repeat(6000) + "\"}}}]}";
        var tooBig = org.call(
                "CreatePolicy",
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .createObjectNode()
                        .put("Name", "big")
                        .put("Description", "")
                        .put("Type", "SERVICE_CONTROL_POLICY")
                        .put("Content", big)
                        .toString());
        assertThat(tooBig.status()).isEqualTo(400);
        assertThat(tooBig.errorType()).isEqualTo("ConstraintViolationException");
        var nonAdmin = org.call("ListRoots", "{}", "AKIANOSUCHKEY0000000", "x".repeat(40));
        assertThat(nonAdmin.status()).isEqualTo(403);
        assertThat(nonAdmin.errorType()).isEqualTo("InvalidClientTokenIdException");
    }

    static byte[] base32Decode(String s) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char ch : s.replace("=", "").toUpperCase().toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(ch);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}

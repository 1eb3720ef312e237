package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.cli.Main;
import io.rampart.http.Monitoring;
import io.rampart.iam.Totp;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.EncryptionType;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.MFADelete;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * {@code rampart guard} end to end through the command line against a real server over HTTPS (SSE-C and MFA delete
 * need it): a bucket in good shape passes every bucket check, one in bad shape fails each, --fix plans, applies and is
 * then a no-op, old keys fail as of 100 days later, and a low-privilege auditor gets UNKNOWN naming what it lacks.
 */
class GuardCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final String WEBHOOK_ARN = "arn:rampart:sqs::hook:webhook";

    static Webhook webhook;
    static RampartServer server;
    static S3Client s3;
    static IamClient iam;
    static String serial;

    @BeforeAll
    static void start() throws Exception {
        webhook = Webhook.start();
        server = RampartServer.start(c -> c.tls(new io.rampart.http.Rampart.Tls(null, null, true))
                .monitoring(Monitoring.defaults().withWebhooks(Map.of("hook", webhook.url()), Duration.ofMillis(50))));
        s3 = server.s3TrustingSelfSigned();
        iam = IamClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)))
                .httpClient(Apache5HttpClient.builder()
                        .tlsTrustManagersProvider(server::selfSignedTrustManagers)
                        .build())
                .build();
        serial = "arn:aws:iam::" + server.accountId() + ":mfa/admin-device";
        server.rampart().iam().addMfaDevice(serial, server.accountId(), "admin", SEED);
        goodBucket("g-good");
        badBucket("g-bad");
    }

    @AfterAll
    static void stop() {
        s3.close();
        iam.close();
        server.close();
        webhook.close();
    }

    // ---- fixtures ----

    /** Every defence on: SSE-C blocked and denied, versioning with MFA delete, Object Lock, replication, logs, notifications. */
    static void goodBucket(String name) {
        s3.createBucket(b -> b.bucket(name).objectLockEnabledForBucket(true));
        s3.createBucket(b -> b.bucket(name + "-replica"));
        s3.putBucketVersioning(b ->
                b.bucket(name + "-replica").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        s3.createBucket(b -> b.bucket(name + "-logs"));
        s3.putBucketVersioning(b -> b.bucket(name)
                .mfa(serial + " " + Totp.code(SEED, Instant.now().getEpochSecond()))
                .versioningConfiguration(
                        v -> v.status(BucketVersioningStatus.ENABLED).mfaDelete(MFADelete.ENABLED)));
        s3.putObjectLockConfiguration(b -> b.bucket(name)
                .objectLockConfiguration(c -> c.objectLockEnabled(ObjectLockEnabled.ENABLED)
                        .rule(r -> r.defaultRetention(
                                d -> d.mode(ObjectLockRetentionMode.GOVERNANCE).days(30)))));
        s3.putBucketLifecycleConfiguration(b -> b.bucket(name)
                .lifecycleConfiguration(l -> l.rules(r -> r.id("keep-60d")
                        .status(ExpirationStatus.ENABLED)
                        .filter(f -> f.prefix(""))
                        .noncurrentVersionExpiration(n -> n.noncurrentDays(60)))));
        ReplicationTest.replicate(s3, name, ReplicationTest.rule("all", 1, "", name + "-replica", true));
        s3.putBucketLogging(b -> b.bucket(name)
                .bucketLoggingStatus(l ->
                        l.loggingEnabled(e -> e.targetBucket(name + "-logs").targetPrefix("g/"))));
        s3.putBucketNotificationConfiguration(b -> b.bucket(name)
                .notificationConfiguration(n -> n.queueConfigurations(
                        q -> q.id("all").queueArn(WEBHOOK_ARN).eventsWithStrings("s3:ObjectCreated:*"))));
        s3.putPublicAccessBlock(b -> b.bucket(name)
                .publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                        .ignorePublicAcls(true)
                        .blockPublicPolicy(true)
                        .restrictPublicBuckets(true)));
        s3.putObject(b -> b.bucket(name).key("plain.txt"), RequestBody.fromString("plain"));
        // Equivalent forms, not AWS's literal text: StringLike on the algorithm, and a NotAction-free guardrail on
        // s3:Put*.
        String account = server.accountId();
        s3.putBucketPolicy(b -> b.bucket(name)
                .policy("{\"Version\":\"2012-10-17\",\"Statement\":["
                        + "{\"Sid\":\"NoCustomerKeys\",\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"s3:Put*\","
                        + "\"Resource\":\"arn:aws:s3:::" + name + "/*\",\"Condition\":{\"StringLike\":{"
                        + "\"s3:x-amz-server-side-encryption-customer-algorithm\":\"*\"}}},"
                        + "{\"Sid\":\"SessionsOnly\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":[\"s3:PutObject\",\"s3:DeleteObject*\"],"
                        + "\"Resource\":\"arn:aws:s3:::" + name
                        + "/*\",\"Condition\":{\"Null\":{\"aws:TokenIssueTime\":\"true\"},"
                        + "\"ArnNotLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::" + account
                        + ":role/BreakGlass\"}}}]}"));
    }

    /** Every defence off: SSE-C accepted (and used), never versioned, a 7-day expiration, anonymous writes allowed. */
    static void badBucket(String name) {
        s3.createBucket(b -> b.bucket(name));
        allowSseC(name);
        s3.deletePublicAccessBlock(b -> b.bucket(name));
        s3.putBucketLifecycleConfiguration(b -> b.bucket(name)
                .lifecycleConfiguration(l -> l.rules(r -> r.id("ransom")
                        .status(ExpirationStatus.ENABLED)
                        .filter(f -> f.prefix(""))
                        .expiration(e -> e.days(7))
                        .noncurrentVersionExpiration(n -> n.noncurrentDays(1)))));
        s3.putBucketPolicy(b -> b.bucket(name)
                .policy("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Public\","
                        + "\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[\"s3:GetObject\",\"s3:PutObject\"],"
                        + "\"Resource\":\"arn:aws:s3:::" + name + "/*\"}]}"));
        s3.putObject(b -> b.bucket(name).key("plain.txt"), RequestBody.fromString("plain"));
        putSseC(name, "locked.txt");
    }

    static void allowSseC(String name) {
        s3.putBucketEncryption(b -> b.bucket(name)
                .serverSideEncryptionConfiguration(c -> c.rules(
                        r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256))
                                .blockedEncryptionTypes(t -> t.encryptionType(EncryptionType.NONE)))));
    }

    static void putSseC(String bucket, String key) {
        SseCKey k = SseCKey.random();
        s3.putObject(
                b -> b.bucket(bucket)
                        .key(key)
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k.base64())
                        .sseCustomerKeyMD5(k.md5()),
                RequestBody.fromString("attacker"));
    }

    // ---- running the command ----

    record Run(int exitCode, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not one JSON document: " + out + "\nstderr: " + err, e);
            }
        }

        /** The check with this id on this resource, from --format json. */
        JsonNode check(String id, String resource) {
            return StreamSupport.stream(json().path("checks").spliterator(), false)
                    .filter(c -> c.path("id").asText().equals(id)
                            && c.path("resource").asText().equals(resource))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no check " + id + " on " + resource + " in " + out));
        }

        String status(String id, String resource) {
            return check(id, resource).path("status").asText();
        }
    }

    static Run guard(String... more) {
        return guardAs(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY, more);
    }

    static Run guardAs(String accessKey, String secretKey, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "guard",
                "--endpoint",
                server.endpoint().toString(),
                "--insecure",
                "--access-key",
                accessKey,
                "--secret-key",
                secretKey));
        args.addAll(Arrays.asList(more));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    static final List<String> BUCKET_CHECKS = List.of(
            "S3.SSEC.BLOCKED",
            "S3.SSEC.POLICY",
            "S3.SSEC.OBJECTS",
            "S3.VERSIONING",
            "S3.MFA_DELETE",
            "S3.OBJECT_LOCK",
            "S3.LIFECYCLE",
            "S3.REPLICATION",
            "S3.GUARDRAIL.LONG_LIVED_KEYS",
            "S3.PUBLIC_ACCESS_BLOCK",
            "S3.POLICY.PUBLIC",
            "S3.ACCESS_LOGS",
            "S3.EVENT_NOTIFICATIONS");

    // ---- tests ----

    @Test
    void aBucketWithEveryDefencePassesEveryBucketCheck() {
        Run run = guard("--bucket", "g-good", "--inventory", "--format", "json", "--fail-on", "LOW");

        for (String id : BUCKET_CHECKS) {
            assertThat(run.status(id, "arn:aws:s3:::g-good"))
                    .as(id + ": " + run.check(id, "arn:aws:s3:::g-good"))
                    .isEqualTo("PASS");
        }
        assertThat(run.status("S3.ACL.PUBLIC", "arn:aws:s3:::g-good")).isEqualTo("PASS");
        assertThat(run.check("S3.SSEC.POLICY", "arn:aws:s3:::g-good")
                        .path("evidence")
                        .asText())
                .contains("explicitly denied by statement NoCustomerKeys");
        assertThat(run.check("S3.SSEC.OBJECTS", "arn:aws:s3:::g-good")
                        .path("evidence")
                        .asText())
                .startsWith("1 versions, none SSE-C");
        assertThat(run.check("S3.VERSIONING", "arn:aws:s3:::g-good")
                        .path("practice")
                        .asText())
                .isEqualTo("data-recovery");
        JsonNode summary = run.json().path("summary");
        assertThat(summary.path("account").asText()).isEqualTo(server.accountId());
        // On Rampart CloudTrail is not served, but its own trail records every data event.
        assertThat(run.check(
                                "CLOUDTRAIL.S3_DATA_EVENTS",
                                "arn:aws:cloudtrail:us-east-1:" + server.accountId() + ":trail/*")
                        .path("evidence")
                        .asText())
                .startsWith("Rampart records every request, S3 data events included");
    }

    @Test
    void aBucketWithEveryDefenceOffFailsEachCheckAndFailOnExits1() {
        Run run = guard("--bucket", "g-bad", "--inventory", "--format", "json", "--fail-on", "CRITICAL");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        for (String id : BUCKET_CHECKS) {
            assertThat(run.status(id, "arn:aws:s3:::g-bad"))
                    .as(id + ": " + run.check(id, "arn:aws:s3:::g-bad"))
                    .isEqualTo("FAIL");
        }
        JsonNode objects = run.check("S3.SSEC.OBJECTS", "arn:aws:s3:::g-bad");
        assertThat(objects.path("evidence").asText())
                .startsWith("1 of 2 versions are SSE-C (HeadObject of every version): " + "locked.txt (version ");
        // Who wrote it, from the server's trail: the principal, its key, the call and the time.
        assertThat(objects.path("evidence").asText())
                .contains(", written by arn:aws:iam::" + server.accountId() + ":")
                .contains(" with key " + RampartServer.ACCESS_KEY + " (PutObject at ")
                .doesNotContain("writers UNKNOWN");
        JsonNode pub = run.check("S3.POLICY.PUBLIC", "arn:aws:s3:::g-bad");
        assertThat(pub.path("severity").asText()).isEqualTo("CRITICAL");
        assertThat(pub.path("evidence").asText()).contains("s3:GetObject, s3:PutObject");
        assertThat(run.check("S3.LIFECYCLE", "arn:aws:s3:::g-bad")
                        .path("evidence")
                        .asText())
                .contains("rule ransom expires current objects after 7 days")
                .contains("noncurrent versions after 1 days");
        assertThat(run.check("S3.SSEC.BLOCKED", "arn:aws:s3:::g-bad")
                        .path("remediation")
                        .asText())
                .startsWith("aws s3api put-bucket-encryption --bucket g-bad");

        Run good = guard("--bucket", "g-good", "--fail-on", "CRITICAL");
        assertThat(good.exitCode()).as(good.out()).isZero();
    }

    @Test
    void fixPlansThenAppliesThenHasNothingLeftToDo() {
        s3.createBucket(b -> b.bucket("g-fixme"));
        allowSseC("g-fixme");
        s3.deletePublicAccessBlock(b -> b.bucket("g-fixme"));
        s3.putBucketPolicy(
                b -> b.bucket("g-fixme")
                        .policy(
                                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"KeepMe\","
                                        + "\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:DeleteBucket\",\"Resource\":\"arn:aws:s3:::g-fixme\"}}"));
        s3.putObject(b -> b.bucket("g-fixme").key("a"), RequestBody.fromString("a"));
        s3.createBucket(b -> b.bucket("g-fix-ssec"));
        allowSseC("g-fix-ssec");
        putSseC("g-fix-ssec", "customer.bin");
        List<String> fixed = List.of(
                "S3.SSEC.BLOCKED",
                "S3.VERSIONING",
                "S3.SSEC.POLICY",
                "S3.GUARDRAIL.LONG_LIVED_KEYS",
                "S3.PUBLIC_ACCESS_BLOCK");

        Run dry = guard("--bucket", "g-fixme", "--bucket", "g-fix-ssec", "--fix");
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out())
                .contains("fix (dry run): 7 change(s); re-run with --yes to apply")
                .contains(
                        "would: bucket g-fixme: enable versioning\n    aws s3api put-bucket-versioning --bucket g-fixme "
                                + "--versioning-configuration Status=Enabled")
                .contains("undo: aws s3api delete-public-access-block --bucket g-fixme")
                .contains("skipped: bucket g-fix-ssec: block SSE-C: 1 SSE-C version(s) found (e.g. customer.bin");
        Run after = guard("--bucket", "g-fixme", "--format", "json");
        for (String id : fixed)
            assertThat(after.status(id, "arn:aws:s3:::g-fixme"))
                    .as("dry run changed " + id)
                    .isEqualTo("FAIL");

        Run applied = guard("--bucket", "g-fixme", "--bucket", "g-fix-ssec", "--fix", "--yes", "--format", "json");
        assertThat(applied.exitCode()).as(applied.err()).isZero();
        assertThat(applied.err())
                .contains("fix: applied 7 change(s)")
                .contains("applied: bucket g-fixme: block SSE-C writes");
        for (String id : fixed) {
            assertThat(applied.status(id, "arn:aws:s3:::g-fixme"))
                    .as(id + ": " + applied.check(id, "arn:aws:s3:::g-fixme"))
                    .isEqualTo("PASS");
        }
        assertThat(applied.status("S3.SSEC.BLOCKED", "arn:aws:s3:::g-fix-ssec")).isEqualTo("FAIL");
        assertThat(applied.status("S3.VERSIONING", "arn:aws:s3:::g-fix-ssec")).isEqualTo("PASS");
        // Merged, not replaced: the owner's statement is still there, and nothing was deleted.
        String policy = s3.getBucketPolicy(b -> b.bucket("g-fixme")).policy();
        assertThat(policy)
                .contains("\"Sid\":\"KeepMe\"")
                .contains("RampartGuardDenySSECUploads")
                .contains("RampartGuardDenyLongLivedKeyWrites");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("g-fixme").key("a")).asUtf8String())
                .isEqualTo("a");
        // The guardrail now refuses this long-lived key's writes, and SSE-C is blocked on the bucket.
        S3Errors.assertS3Error(
                () -> s3.putObject(b -> b.bucket("g-fixme").key("b"), RequestBody.fromString("b")),
                403,
                "AccessDenied");

        Run again = guard("--bucket", "g-fixme", "--fix", "--yes");
        assertThat(again.out()).contains("fix: nothing to change");
    }

    @Test
    void oldAndUnusedKeysUsersWithoutMfaLongRolesAndRcps() {
        iam.createUser(b -> b.userName("g-old"));
        AccessKey key = iam.createAccessKey(b -> b.userName("g-old")).accessKey();
        iam.createUser(b -> b.userName("g-mfa"));
        iam.createAccessKey(b -> b.userName("g-mfa"));
        server.rampart()
                .iam()
                .addMfaDevice("arn:aws:iam::" + server.accountId() + ":mfa/g-mfa", server.accountId(), "g-mfa", SEED);
        String trust =
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::"
                        + server.accountId() + ":root\"},\"Action\":\"sts:AssumeRole\"}]}";
        iam.createRole(
                b -> b.roleName("g-short").assumeRolePolicyDocument(trust).maxSessionDuration(3600));
        String userArn = "arn:aws:iam::" + server.accountId() + ":user/g-old";

        Run today = guard("--bucket", "g-good", "--format", "json");
        assertThat(today.status("IAM.ACCESS_KEY.AGE", userArn)).isEqualTo("PASS");
        assertThat(today.status("IAM.ACCESS_KEY.UNUSED", userArn)).isEqualTo("PASS");
        assertThat(today.status("IAM.USER.MFA", userArn)).isEqualTo("FAIL");
        assertThat(today.status("IAM.USER.MFA", "arn:aws:iam::" + server.accountId() + ":user/g-mfa"))
                .isEqualTo("PASS");
        assertThat(today.status("IAM.ROLE.MAX_SESSION", "arn:aws:iam::" + server.accountId() + ":root"))
                .isEqualTo("PASS");
        assertThat(today.status("ORG.SSEC.RCP", "organization")).isEqualTo("FAIL");

        Run later = guard(
                "--bucket",
                "g-good",
                "--format",
                "json",
                "--as-of",
                Instant.now().plus(Duration.ofDays(100)).toString());
        JsonNode age = later.check("IAM.ACCESS_KEY.AGE", userArn);
        assertThat(age.path("status").asText()).isEqualTo("FAIL");
        assertThat(age.path("evidence").asText())
                .contains("access key 1 created")
                .contains("(100 days ago)");
        assertThat(later.status("IAM.ACCESS_KEY.UNUSED", userArn)).isEqualTo("FAIL");
        assertThat(later.check("IAM.ACCESS_KEY.UNUSED", userArn)
                        .path("remediation")
                        .asText())
                .isEqualTo("aws iam update-access-key --user-name g-old --access-key-id KEY-ID --status Inactive");

        iam.createRole(b -> b.roleName("g-long").assumeRolePolicyDocument(trust).maxSessionDuration(43200));
        Run roles = guard("--bucket", "g-good", "--format", "json");
        JsonNode longRole = roles.check("IAM.ROLE.MAX_SESSION", "arn:aws:iam::" + server.accountId() + ":role/g-long");
        assertThat(longRole.path("status").asText()).isEqualTo("FAIL");
        assertThat(longRole.path("remediation").asText())
                .isEqualTo("aws iam update-role --role-name g-long --max-session-duration 3600");
    }

    @Test
    void anOrganizationRcpDenyingSseCCountsOnlyWhereItAppliesNeverOnTheManagementAccount() throws Exception {
        try (RampartServer plain = RampartServer.start()) {
            List<String> base = List.of(
                    "guard",
                    "--endpoint",
                    plain.endpoint().toString(),
                    "--access-key",
                    RampartServer.ACCESS_KEY,
                    "--secret-key",
                    RampartServer.SECRET_KEY,
                    "--format",
                    "json");
            Run before = run(base);
            assertThat(before.status("ORG.SSEC.RCP", "organization")).isEqualTo("FAIL");

            OrganizationsCalls org = new OrganizationsCalls(plain);
            assertThat(org.call("CreateOrganization", "{\"FeatureSet\":\"ALL\"}")
                            .status())
                    .isEqualTo(200);
            String root = org.call("ListRoots", "{}")
                    .body()
                    .path("Roots")
                    .get(0)
                    .path("Id")
                    .asText();
            assertThat(org.call(
                                    "EnablePolicyType",
                                    "{\"RootId\":\"" + root + "\",\"PolicyType\":\"RESOURCE_CONTROL_POLICY\"}")
                            .status())
                    .isEqualTo(200);
            Run empty = run(base);
            assertThat(empty.status("ORG.SSEC.RCP", "organization")).isEqualTo("FAIL");
            assertThat(empty.check("ORG.SSEC.RCP", "organization")
                            .path("evidence")
                            .asText())
                    .contains("none denies SSE-C uploads");

            String rcp = java.nio.file.Files.readString(java.nio.file.Path.of("policies/block-ssec.rcp.json"));
            var p = org.call(
                    "CreatePolicy",
                    JSON.createObjectNode()
                            .put("Name", "BlockSSEC")
                            .put("Description", "no SSE-C")
                            .put("Type", "RESOURCE_CONTROL_POLICY")
                            .put("Content", rcp)
                            .toString());
            assertThat(p.status()).isEqualTo(200);
            // Created but attached nowhere, it protects nothing.
            Run detached = run(base);
            assertThat(detached.status("ORG.SSEC.RCP", "organization")).isEqualTo("FAIL");
            assertThat(detached.check("ORG.SSEC.RCP", "organization")
                            .path("evidence")
                            .asText())
                    .isEqualTo("RCP(s) denying SSE-C uploads exist but are attached nowhere: BlockSSEC");

            String policyId =
                    p.body().path("Policy").path("PolicySummary").path("Id").asText();
            assertThat(org.call("AttachPolicy", "{\"PolicyId\":\"" + policyId + "\",\"TargetId\":\"" + root + "\"}")
                            .status())
                    .isEqualTo(200);
            // Attached to the root, it covers every member account, but, as on AWS, no RCP applies to the management
            // account's own resources: auditing the management account must not pass.
            Run after = run(base);
            assertThat(after.status("ORG.SSEC.RCP", "organization")).isEqualTo("FAIL");
            assertThat(after.check("ORG.SSEC.RCP", "organization")
                            .path("evidence")
                            .asText())
                    .isEqualTo("RCP(s) denying SSE-C uploads: BlockSSEC (attached to ROOT " + root + "); but account "
                            + plain.accountId() + " is the organization's management account, whose resources no RCP"
                            + " applies to");

            // An auditor who may list RCPs but not where they are attached: UNKNOWN naming that action.
            try (var iam = plain.iam()) {
                iam.createUser(b -> b.userName("rcp-reader"));
                iam.putUserPolicy(b -> b.userName("rcp-reader")
                        .policyName("r")
                        .policyDocument("{\"Version\":\"2012-10-17\","
                                + "\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"organizations:ListPolicies\","
                                + "\"organizations:DescribePolicy\",\"s3:ListAllMyBuckets\"],\"Resource\":\"*\"}]}"));
                var k = iam.createAccessKey(b -> b.userName("rcp-reader")).accessKey();
                Run ro = run(List.of(
                        "guard",
                        "--endpoint",
                        plain.endpoint().toString(),
                        "--access-key",
                        k.accessKeyId(),
                        "--secret-key",
                        k.secretAccessKey(),
                        "--format",
                        "json"));
                JsonNode rcpCheck = ro.check("ORG.SSEC.RCP", "organization");
                assertThat(rcpCheck.path("status").asText()).isEqualTo("UNKNOWN");
                assertThat(rcpCheck.path("evidence").asText())
                        .contains("permission organizations:ListTargetsForPolicy missing");
            }
        }
    }

    static Run run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aLowPrivilegeAuditorGetsUnknownNamingWhatItLacksNeverAFalsePass() {
        iam.createUser(b -> b.userName("g-lite"));
        iam.putUserPolicy(
                b -> b.userName("g-lite")
                        .policyName("lite")
                        .policyDocument(
                                "{\"Version\":\"2012-10-17\",\"Statement\":"
                                        + "[{\"Effect\":\"Allow\",\"Action\":[\"s3:ListAllMyBuckets\",\"s3:GetBucketVersioning\"],\"Resource\":\"*\"}]}"));
        AccessKey lite = iam.createAccessKey(b -> b.userName("g-lite")).accessKey();

        Run run = guardAs(
                lite.accessKeyId(), lite.secretAccessKey(), "--bucket", "g-bad", "--format", "json", "--inventory");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.status("S3.VERSIONING", "arn:aws:s3:::g-bad")).isEqualTo("FAIL");
        JsonNode blocked = run.check("S3.SSEC.BLOCKED", "arn:aws:s3:::g-bad");
        assertThat(blocked.path("status").asText()).isEqualTo("UNKNOWN");
        assertThat(blocked.path("evidence").asText()).contains("permission s3:GetEncryptionConfiguration missing");
        assertThat(blocked.path("remediation").asText())
                .isEqualTo("grant s3:GetEncryptionConfiguration to the auditing principal and re-run");
        assertThat(run.check("S3.SSEC.POLICY", "arn:aws:s3:::g-bad")
                        .path("evidence")
                        .asText())
                .contains("s3:GetBucketPolicy missing");
        assertThat(run.check("S3.LIFECYCLE", "arn:aws:s3:::g-bad")
                        .path("evidence")
                        .asText())
                .contains("s3:GetLifecycleConfiguration missing");
        assertThat(run.check("S3.SSEC.OBJECTS", "arn:aws:s3:::g-bad")
                        .path("evidence")
                        .asText())
                .contains("s3:ListBucketVersions");
        assertThat(run.check("IAM.ACCESS_KEY.AGE", "arn:aws:iam::" + server.accountId() + ":root")
                        .path("evidence")
                        .asText())
                .contains("iam:GenerateCredentialReport missing");
        for (JsonNode c : run.json().path("checks")) {
            // Read with the permission it has; and Rampart's own trail is always on, whoever asks.
            if (List.of("S3.VERSIONING", "S3.MFA_DELETE", "CLOUDTRAIL.S3_DATA_EVENTS")
                    .contains(c.path("id").asText())) continue;
            assertThat(c.path("status").asText()).as(c.toString()).isNotEqualTo("PASS");
        }

        iam.createUser(b -> b.userName("g-none"));
        AccessKey none = iam.createAccessKey(b -> b.userName("g-none")).accessKey();
        Run unlisted = guardAs(none.accessKeyId(), none.secretAccessKey());
        assertThat(unlisted.exitCode()).isEqualTo(2);
        assertThat(unlisted.err())
                .startsWith("rampart guard: cannot list the buckets: cannot read: permission s3:ListAllMyBuckets "
                        + "missing")
                .endsWith("; name them with --bucket\n");
    }

    @Test
    void formatsTableGroupedByBucketSarifAndMarkdown() throws Exception {
        Run table = guard("--bucket", "g-bad", "--bucket", "g-good");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out())
                .contains("\nbucket g-bad\n  FAIL    HIGH     S3.SSEC.BLOCKED ")
                .contains("\n  FAIL    HIGH     S3.VERSIONING                Versioning is enabled\n")
                .contains("\nbucket g-good\n")
                .contains("\naccount (IAM, CloudTrail, Organizations)\n")
                .contains(
                        "          fix: aws s3api put-bucket-versioning --bucket g-bad --versioning-configuration Status=Enabled");
        assertThat(table.out().indexOf("bucket g-bad")).isLessThan(table.out().indexOf("bucket g-good"));

        JsonNode sarif =
                JSON.readTree(guard("--bucket", "g-bad", "--format", "sarif").out());
        assertThat(sarif.path("version").asText()).isEqualTo("2.1.0");
        JsonNode run = sarif.path("runs").get(0);
        assertThat(run.path("tool").path("driver").path("rules").findValuesAsText("id"))
                .contains("S3.SSEC.BLOCKED", "IAM.ACCESS_KEY.AGE");
        assertThat(run.path("results").findValuesAsText("ruleId"))
                .contains("S3.SSEC.BLOCKED")
                .doesNotContain("S3.POLICY.PUBLIC_PASS");
        assertThat(StreamSupport.stream(run.path("results").spliterator(), false)
                        .anyMatch(r -> r.path("ruleId").asText().equals("S3.VERSIONING")
                                && r.path("level").asText().equals("error")))
                .isTrue();

        String md = guard("--bucket", "g-bad", "--format", "markdown").out();
        assertThat(md).contains("## bucket g-bad").contains("| FAIL | HIGH | `S3.VERSIONING` Versioning is enabled |");

        Run missing = guard("--bucket", "g-no-such-bucket");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("rampart guard: no such bucket 'g-no-such-bucket'\n");
        assertThat(missing.out()).isEmpty();

        Run bad = guard("--format", "yaml");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("rampart guard: unknown --format 'yaml'");
    }
}

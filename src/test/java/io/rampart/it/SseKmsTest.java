package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.EncryptionType;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** SSE-KMS on S3: object data keys wrapped by the built-in key service, as the caller, with AWS's headers and errors. */
class SseKmsTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static S3Client s3;
    static KmsClient kms;
    static final AtomicInteger SEQ = new AtomicInteger();

    @BeforeAll
    static void start() {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        kms = KmsKeys.kms(server);
    }

    static String newBucket() {
        String name = "kms-" + SEQ.incrementAndGet();
        s3.createBucket(b -> b.bucket(name));
        return name;
    }

    static String newKey() {
        return kms.createKey(b -> b.description("sse-kms test")).keyMetadata().arn();
    }

    static byte[] data(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    @Test
    void putGetHeadAnswerTheKmsHeaders() {
        String bucket = newBucket();
        String key = newKey();
        byte[] body = data(200_000);
        String ctx = Base64.getEncoder().encodeToString("{\"project\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        PutObjectResponse put = s3.putObject(
                b -> b.bucket(bucket)
                        .key("a.bin")
                        .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                        .ssekmsKeyId(key)
                        .ssekmsEncryptionContext(ctx),
                RequestBody.fromBytes(body));
        assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
        assertThat(put.ssekmsKeyId()).isEqualTo(key);
        assertThat(new String(Base64.getDecoder().decode(put.ssekmsEncryptionContext()), StandardCharsets.UTF_8))
                .contains("\"project\":\"x\"")
                .contains("\"aws:s3:arn\":\"arn:aws:s3:::" + bucket + "/a.bin\"");
        var got = s3.getObjectAsBytes(b -> b.bucket(bucket).key("a.bin"));
        assertThat(got.asByteArray()).isEqualTo(body);
        assertThat(got.response().serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
        assertThat(got.response().ssekmsKeyId()).isEqualTo(key);
        HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key("a.bin"));
        assertThat(head.ssekmsKeyId()).isEqualTo(key);
        // A range read decrypts only what it touches.
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("a.bin").range("bytes=100000-100009"))
                        .asByteArray())
                .isEqualTo(java.util.Arrays.copyOfRange(body, 100000, 100010));
    }

    @Test
    void withoutKeyIdTheAwsManagedS3KeyIsCreatedAndUsed() {
        String bucket = newBucket();
        PutObjectResponse put = s3.putObject(
                b -> b.bucket(bucket).key("d").serverSideEncryption(ServerSideEncryption.AWS_KMS),
                RequestBody.fromString("default key"));
        var alias = kms.describeKey(b -> b.keyId("alias/aws/s3")).keyMetadata();
        assertThat(alias.keyManagerAsString()).isEqualTo("AWS");
        assertThat(put.ssekmsKeyId()).isEqualTo(alias.arn());
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("d")).asUtf8String())
                .isEqualTo("default key");
    }

    @Test
    void copyAndMultipartUnderKms() {
        String bucket = newBucket();
        String key = newKey();
        String other = newKey();
        s3.putObject(b -> b.bucket(bucket).key("src"), RequestBody.fromString("plain sse-s3"));
        var copy = s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("dst")
                .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                .ssekmsKeyId(key));
        assertThat(copy.ssekmsKeyId()).isEqualTo(key);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("dst")).asUtf8String())
                .isEqualTo("plain sse-s3");
        // Re-keying in place under another KMS key.
        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("dst")
                .destinationBucket(bucket)
                .destinationKey("dst")
                .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                .ssekmsKeyId(other));
        assertThat(s3.headObject(b -> b.bucket(bucket).key("dst")).ssekmsKeyId())
                .isEqualTo(other);

        byte[] part1 = data(5 * 1024 * 1024);
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket)
                        .key("mp")
                        .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                        .ssekmsKeyId(key)
                        .bucketKeyEnabled(true))
                .uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        var p1 = s3.uploadPart(
                b -> b.bucket(bucket).key("mp").uploadId(uploadId).partNumber(1), RequestBody.fromBytes(part1));
        assertThat(p1.ssekmsKeyId()).isEqualTo(key);
        parts.add(CompletedPart.builder().partNumber(1).eTag(p1.eTag()).build());
        var p2 = s3.uploadPartCopy(b -> b.sourceBucket(bucket)
                .sourceKey("dst")
                .destinationBucket(bucket)
                .destinationKey("mp")
                .uploadId(uploadId)
                .partNumber(2));
        parts.add(CompletedPart.builder()
                .partNumber(2)
                .eTag(p2.copyPartResult().eTag())
                .build());
        var done = s3.completeMultipartUpload(
                b -> b.bucket(bucket).key("mp").uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
        assertThat(done.ssekmsKeyId()).isEqualTo(key);
        assertThat(done.bucketKeyEnabled()).isTrue();
        byte[] all = s3.getObjectAsBytes(b -> b.bucket(bucket).key("mp")).asByteArray();
        assertThat(all).hasSize(part1.length + "plain sse-s3".length());
        assertThat(new String(all, part1.length, all.length - part1.length, StandardCharsets.UTF_8))
                .isEqualTo("plain sse-s3");
    }

    @Test
    void disabledKeyMakesGetFailUntilReEnabled() {
        String bucket = newBucket();
        String key = newKey();
        s3.putObject(
                b -> b.bucket(bucket)
                        .key("k")
                        .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                        .ssekmsKeyId(key),
                RequestBody.fromString("guarded"));
        kms.disableKey(b -> b.keyId(key));
        assertS3Error(() -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")), 400, "KMS.DisabledException");
        assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(bucket)
                                .key("k2")
                                .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                                .ssekmsKeyId(key),
                        RequestBody.fromString("x")),
                400,
                "KMS.DisabledException");
        kms.enableKey(b -> b.keyId(key));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asUtf8String())
                .isEqualTo("guarded");
    }

    @Test
    void deletedKeyMakesObjectsUnreadableForGood() {
        String bucket = newBucket();
        String key = newKey();
        s3.putObject(
                b -> b.bucket(bucket)
                        .key("k")
                        .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                        .ssekmsKeyId(key),
                RequestBody.fromString("doomed"));
        kms.scheduleKeyDeletion(b -> b.keyId(key).pendingWindowInDays(7));
        assertS3Error(() -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")), 400, "KMS.KMSInvalidStateException");
        server.rampart().kms().maintenancePass(java.time.Instant.now().plus(java.time.Duration.ofDays(8)));
        assertS3Error(() -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")), 400, "KMS.NotFoundException");
    }

    @Test
    void badKeyIdsAreRefusedAsS3Does() {
        String bucket = newBucket();
        assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(bucket)
                                .key("x")
                                .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                                .ssekmsKeyId("1234abcd-12ab-34cd-56ef-1234567890ab"),
                        RequestBody.fromString("x")),
                400,
                "KMS.NotFoundException");
        assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(bucket)
                                .key("x")
                                .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                                .ssekmsKeyId("alias/nope"),
                        RequestBody.fromString("x")),
                400,
                "KMS.NotFoundException");
        assertS3Error(
                () -> s3.putObject(b -> b.bucket(bucket).key("x").ssekmsKeyId(newKey()), RequestBody.fromString("x")),
                400,
                "InvalidArgument");
    }

    @Test
    void callerWithoutKmsPermissionIsDenied() {
        String bucket = newBucket();
        String key = newKey();
        io.rampart.iam.AccessKey dave = server.userWithS3FullAccess("kms-dave");
        S3Client asDave = server.s3(AwsBasicCredentials.create(dave.accessKeyId(), dave.secretKey()));
        assertS3Error(
                () -> asDave.putObject(
                        b -> b.bucket(bucket)
                                .key("x")
                                .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                                .ssekmsKeyId(key),
                        RequestBody.fromString("x")),
                403,
                "AccessDenied");
        s3.putObject(
                b -> b.bucket(bucket)
                        .key("y")
                        .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                        .ssekmsKeyId(key),
                RequestBody.fromString("owner's"));
        assertS3Error(() -> asDave.getObjectAsBytes(b -> b.bucket(bucket).key("y")), 403, "AccessDenied");
        // HEAD reads metadata only: no kms:Decrypt needed, as on AWS.
        assertThat(asDave.headObject(b -> b.bucket(bucket).key("y")).ssekmsKeyId())
                .isEqualTo(key);
        // SSE-S3 objects stay readable to Dave: only the KMS key is out of his reach.
        s3.putObject(b -> b.bucket(bucket).key("z"), RequestBody.fromString("sse-s3"));
        assertThat(asDave.getObjectAsBytes(b -> b.bucket(bucket).key("z")).asUtf8String())
                .isEqualTo("sse-s3");
        server.iam()
                .putUserPolicy(
                        b -> b.userName("kms-dave")
                                .policyName("use-key")
                                .policyDocument(
                                        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"kms:Decrypt\",\"kms:GenerateDataKey\"],"
                                                + "\"Resource\":\"" + key
                                                + "\",\"Condition\":{\"StringEquals\":{\"kms:ViaService\":\"s3.us-east-1.amazonaws.com\"}}}]}"));
        assertThat(asDave.getObjectAsBytes(b -> b.bucket(bucket).key("y")).asUtf8String())
                .isEqualTo("owner's");
        // kms:ViaService: the same permission does not let Dave call KMS directly.
        KmsClient daveKms = KmsKeys.kms(server, AwsBasicCredentials.create(dave.accessKeyId(), dave.secretKey()));
        KmsKeys.assertKmsCode(
                () -> daveKms.generateDataKey(b -> b.keyId(key).keySpec("AES_256")), "AccessDeniedException", 400);
    }

    @Test
    void bucketDefaultEncryptionAwsKmsWithBucketKey() throws Exception {
        String bucket = newBucket();
        String key = newKey();
        s3.putBucketEncryption(b -> b.bucket(bucket)
                .serverSideEncryptionConfiguration(c -> c.rules(r -> r.applyServerSideEncryptionByDefault(d ->
                                d.sseAlgorithm(ServerSideEncryption.AWS_KMS).kmsMasterKeyID(key))
                        .bucketKeyEnabled(true)
                        .blockedEncryptionTypes(t -> t.encryptionType(EncryptionType.SSE_C)))));
        var rule = s3.getBucketEncryption(b -> b.bucket(bucket))
                .serverSideEncryptionConfiguration()
                .rules()
                .get(0);
        assertThat(rule.applyServerSideEncryptionByDefault().sseAlgorithm()).isEqualTo(ServerSideEncryption.AWS_KMS);
        assertThat(rule.applyServerSideEncryptionByDefault().kmsMasterKeyID()).isEqualTo(key);
        for (int i = 0; i < 5; i++) {
            int n = i;
            PutObjectResponse put = s3.putObject(b -> b.bucket(bucket).key("o" + n), RequestBody.fromString("v" + n));
            assertThat(put.ssekmsKeyId()).isEqualTo(key);
            assertThat(put.bucketKeyEnabled()).isTrue();
        }
        for (int i = 0; i < 5; i++) {
            int n = i;
            GetObjectResponse r =
                    s3.getObjectAsBytes(b -> b.bucket(bucket).key("o" + n)).response();
            assertThat(r.bucketKeyEnabled()).isTrue();
            assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("o" + n)).asUtf8String())
                    .isEqualTo("v" + n);
        }
        // An explicit AES256 write still gets SSE-S3; SSE-C is still blocked (SSE-KMS is not SSE-C).
        assertThat(s3.putObject(
                                b -> b.bucket(bucket).key("s3").serverSideEncryption(ServerSideEncryption.AES256),
                                RequestBody.fromString("x"))
                        .serverSideEncryption())
                .isEqualTo(ServerSideEncryption.AES256);
        // Bucket keys: one GenerateDataKey for the five writes, recorded as S3 calling KMS for the caller.
        String requestId = s3.putObject(b -> b.bucket(bucket).key("last"), RequestBody.fromString("x"))
                .responseMetadata()
                .requestId();
        server.awaitDetectorProcessed(requestId);
        List<JsonNode> kmsCalls = TrailQuery.all().run(TrailLayout.ofDataDir(server.dataDir())).stream()
                .filter(r -> "kms.amazonaws.com".equals(r.path("eventSource").asText()))
                .filter(r -> ("arn:aws:s3:::" + bucket)
                        .equals(r.path("requestParameters")
                                .path("encryptionContext")
                                .path("aws:s3:arn")
                                .asText()))
                .toList();
        assertThat(kmsCalls).extracting(r -> r.path("eventName").asText()).containsExactly("GenerateDataKey");
        JsonNode gdk = kmsCalls.get(0);
        assertThat(gdk.path("userIdentity").path("invokedBy").asText()).isEqualTo("s3.amazonaws.com");
        assertThat(gdk.path("sourceIPAddress").asText()).isEqualTo("s3.amazonaws.com");
        assertThat(gdk.path("requestParameters").path("keyId").asText()).isEqualTo(key);
        assertThat(gdk.path("userIdentity").path("arn").asText()).endsWith(":user/admin");
    }

    @Test
    void replicationCopiesSseKmsObjects() {
        ReplicationTest.versionedBucket(s3, "kms-rsrc");
        ReplicationTest.versionedBucket(s3, "kms-rdst");
        ReplicationTest.replicate(s3, "kms-rsrc", ReplicationTest.rule("all", 1, "", "kms-rdst", false));
        String key = newKey();
        String vid = s3.putObject(
                        b -> b.bucket("kms-rsrc")
                                .key("r")
                                .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                                .ssekmsKeyId(key),
                        RequestBody.fromString("replicated"))
                .versionId();
        Await.until(
                "the SSE-KMS version to replicate",
                () -> "COMPLETED".equals(ReplicationTest.status(s3, "kms-rsrc", "r", vid)));
        assertThat(s3.getObjectAsBytes(b -> b.bucket("kms-rdst").key("r")).asUtf8String())
                .isEqualTo("replicated");
    }

    @Test
    void restoreUndoesARewriteUnderAnAttackersKmsKey() throws Exception {
        String bucket = "kms-restore";
        Buckets.versioned(s3, bucket);
        String key = newKey();
        s3.putObject(
                b -> b.bucket(bucket)
                        .key("doc")
                        .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                        .ssekmsKeyId(key),
                RequestBody.fromString("original"));
        java.time.Instant t0 = java.time.Instant.now().minusSeconds(1);
        io.rampart.iam.AccessKey mallet = server.userWithS3FullAccess("kms-mallet");
        server.iam()
                .putUserPolicy(
                        b -> b.userName("kms-mallet")
                                .policyName("kms")
                                .policyDocument(
                                        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"));
        var creds = AwsBasicCredentials.create(mallet.accessKeyId(), mallet.secretKey());
        String evilKey = KmsKeys.kms(server, creds)
                .createKey(b -> b.description("mine"))
                .keyMetadata()
                .arn();
        server.s3(creds)
                .copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("doc")
                        .destinationBucket(bucket)
                        .destinationKey("doc")
                        .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                        .ssekmsKeyId(evilKey));
        assertThat(s3.headObject(b -> b.bucket(bucket).key("doc")).ssekmsKeyId())
                .isEqualTo(evilKey);
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cmd = io.rampart.cli.Main.commandLine();
        cmd.setOut(new java.io.PrintWriter(out, true));
        cmd.setErr(new java.io.PrintWriter(err, true));
        int rc = cmd.execute(
                "restore",
                "--endpoint",
                server.endpoint().toString(),
                "--access-key",
                RampartServer.ACCESS_KEY,
                "--secret-key",
                RampartServer.SECRET_KEY,
                "--bucket",
                bucket,
                "--undo-access-key",
                mallet.accessKeyId(),
                "--since",
                t0.toString(),
                "--apply");
        assertThat(rc).as(err.toString()).isZero();
        assertThat(s3.headObject(b -> b.bucket(bucket).key("doc")).ssekmsKeyId())
                .isEqualTo(key);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("doc")).asUtf8String())
                .isEqualTo("original");
    }

    @Test
    void bucketPolicyCanRequireTheBucketsKmsKey() {
        String bucket = newBucket();
        String key = newKey();
        s3.putBucketPolicy(b -> b.bucket(bucket)
                .policy("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
                        + "\"Principal\":\"*\",\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::" + bucket
                        + "/*\","
                        + "\"Condition\":{\"StringNotEqualsIfExists\":{\"s3:x-amz-server-side-encryption-aws-kms-key-id\":\""
                        + key + "\"}}}]}"));
        s3.putObject(
                b -> b.bucket(bucket)
                        .key("ok")
                        .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                        .ssekmsKeyId(key),
                RequestBody.fromString("x"));
        assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(bucket)
                                .key("no")
                                .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                                .ssekmsKeyId(newKey()),
                        RequestBody.fromString("x")),
                403,
                "AccessDenied");
    }
}

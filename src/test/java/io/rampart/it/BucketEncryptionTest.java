package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.s3.S3Settings;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.EncryptionType;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/**
 * BlockedEncryptionTypes, the per-bucket SSE-C switch: new buckets block SSE-C writes (as on AWS since April 2026),
 * PutBucketEncryption turns it on and off, existing SSE-C objects stay readable, and the attack step (re-keying an
 * object in place with CopyObject and a new SSE-C key) is refused wherever SSE-C is blocked.
 */
class BucketEncryptionTest {
    // SSE-C over plain HTTP is allowed so this class tests blocking, not transport; new buckets block SSE-C.
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults().allowSseCOverHttp();

    static RampartServer server;
    static S3Client s3;
    static final AtomicInteger SEQ = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
    }

    static String newBucket() {
        String name = "blocked-" + SEQ.incrementAndGet();
        s3.createBucket(b -> b.bucket(name));
        return name;
    }

    static byte[] randomBytes(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    static void setBlocked(S3Client client, String bucket, EncryptionType type) {
        client.putBucketEncryption(b -> b.bucket(bucket)
                .serverSideEncryptionConfiguration(c -> c.rules(
                        r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256))
                                .blockedEncryptionTypes(t -> t.encryptionType(type)))));
    }

    static ServerSideEncryptionRule rule(S3Client client, String bucket) {
        var rules = client.getBucketEncryption(b -> b.bucket(bucket))
                .serverSideEncryptionConfiguration()
                .rules();
        assertThat(rules).hasSize(1);
        return rules.get(0);
    }

    static void putSseC(S3Client client, String bucket, String key, byte[] data, SseCKey k) {
        client.putObject(
                b -> b.bucket(bucket)
                        .key(key)
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k.base64())
                        .sseCustomerKeyMD5(k.md5()),
                RequestBody.fromBytes(data));
    }

    static byte[] getSseC(String bucket, String key, SseCKey k) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket)
                        .key(key)
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k.base64())
                        .sseCustomerKeyMD5(k.md5()))
                .asByteArray();
    }

    @Test
    void newBucketBlocksSseCByDefault() {
        String bucket = newBucket();
        ServerSideEncryptionRule rule = rule(s3, bucket);
        assertThat(rule.applyServerSideEncryptionByDefault().sseAlgorithm()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(rule.blockedEncryptionTypes().encryptionType()).containsExactly(EncryptionType.SSE_C);
        SseCKey k = SseCKey.random();
        assertS3Error(() -> putSseC(s3, bucket, "k", randomBytes(100), k), 403, "AccessDenied", "Access Denied");
        assertS3Error(() -> s3.headObject(b -> b.bucket(bucket).key("k")), 404, null);
        // SSE-S3 writes are unaffected, with or without the explicit header.
        s3.putObject(b -> b.bucket(bucket).key("plain"), RequestBody.fromBytes(randomBytes(10)));
        assertThat(s3.putObject(
                                b -> b.bucket(bucket).key("plain2").serverSideEncryption(ServerSideEncryption.AES256),
                                RequestBody.fromBytes(randomBytes(10)))
                        .serverSideEncryption())
                .isEqualTo(ServerSideEncryption.AES256);
    }

    @Test
    void blockedBucketRefusesSseCBeforeLookingAtTheKey() {
        String bucket = newBucket();
        SseCKey k = SseCKey.random();
        // S3 answers 403 on a blocked bucket whatever the key material: a bad MD5 or key length is not reported first.
        assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(bucket)
                                .key("k")
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(k.base64())
                                .sseCustomerKeyMD5(SseCKey.random().md5()),
                        RequestBody.fromBytes(randomBytes(10))),
                403,
                "AccessDenied",
                "Access Denied");
        SseCKey short16 = SseCKey.ofLength(16);
        assertS3Error(() -> putSseC(s3, bucket, "k", randomBytes(10), short16), 403, "AccessDenied", "Access Denied");
    }

    @Test
    void noneAllowsSseCAndSseCBlocksItAgainWhileExistingObjectsStayReadable() {
        String bucket = newBucket();
        setBlocked(s3, bucket, EncryptionType.NONE);
        assertThat(rule(s3, bucket).blockedEncryptionTypes().encryptionType()).containsExactly(EncryptionType.NONE);
        SseCKey k = SseCKey.random();
        byte[] small = randomBytes(1000);
        byte[] large = randomBytes(300_000);
        putSseC(s3, bucket, "small", small, k);
        putSseC(s3, bucket, "large", large, k);

        setBlocked(s3, bucket, EncryptionType.SSE_C);
        assertThat(rule(s3, bucket).blockedEncryptionTypes().encryptionType()).containsExactly(EncryptionType.SSE_C);
        assertS3Error(() -> putSseC(s3, bucket, "new", randomBytes(10), k), 403, "AccessDenied", "Access Denied");
        assertS3Error(() -> putSseC(s3, bucket, "small", randomBytes(10), k), 403, "AccessDenied", "Access Denied");
        // Reads of existing SSE-C objects need, and work with, their key.
        assertThat(getSseC(bucket, "small", k)).isEqualTo(small);
        assertThat(getSseC(bucket, "large", k)).isEqualTo(large);
        assertThat(s3.headObject(b -> b.bucket(bucket)
                                .key("large")
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(k.base64())
                                .sseCustomerKeyMD5(k.md5()))
                        .sseCustomerKeyMD5())
                .isEqualTo(k.md5());
        assertS3Error(() -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("small")), 400, "InvalidRequest");
        // Copying an SSE-C object out to SSE-S3 is a read of SSE-C, not a write: allowed.
        CopyObjectResponse out = s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("large")
                .destinationBucket(bucket)
                .destinationKey("large-plain")
                .copySourceSSECustomerAlgorithm("AES256")
                .copySourceSSECustomerKey(k.base64())
                .copySourceSSECustomerKeyMD5(k.md5()));
        assertThat(out.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("large-plain")).asByteArray())
                .isEqualTo(large);
    }

    @Test
    void blockedBucketRefusesCopyObjectWithSseCDestination() {
        String bucket = newBucket();
        s3.putObject(b -> b.bucket(bucket).key("src"), RequestBody.fromBytes(randomBytes(1000)));
        SseCKey k = SseCKey.random();
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("src")
                        .destinationBucket(bucket)
                        .destinationKey("dst")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k.base64())
                        .sseCustomerKeyMD5(k.md5())),
                403,
                "AccessDenied",
                "Access Denied");
        assertS3Error(() -> s3.headObject(b -> b.bucket(bucket).key("dst")), 404, null);
    }

    @Test
    void blockedBucketRefusesSseCMultipartUploads() {
        String bucket = newBucket();
        SseCKey k = SseCKey.random();
        assertS3Error(
                () -> s3.createMultipartUpload(b -> b.bucket(bucket)
                        .key("mpu")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k.base64())
                        .sseCustomerKeyMD5(k.md5())),
                403,
                "AccessDenied",
                "Access Denied");
        assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();

        // An upload begun while SSE-C was allowed takes no more SSE-C parts once it is blocked.
        setBlocked(s3, bucket, EncryptionType.NONE);
        String id = s3.createMultipartUpload(b -> b.bucket(bucket)
                        .key("mpu")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k.base64())
                        .sseCustomerKeyMD5(k.md5()))
                .uploadId();
        s3.putObject(b -> b.bucket(bucket).key("src"), RequestBody.fromBytes(randomBytes(1000)));
        setBlocked(s3, bucket, EncryptionType.SSE_C);
        assertS3Error(
                () -> s3.uploadPart(
                        b -> b.bucket(bucket)
                                .key("mpu")
                                .uploadId(id)
                                .partNumber(1)
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(k.base64())
                                .sseCustomerKeyMD5(k.md5()),
                        RequestBody.fromBytes(randomBytes(100))),
                403,
                "AccessDenied",
                "Access Denied");
        assertS3Error(
                () -> s3.uploadPartCopy(b -> b.sourceBucket(bucket)
                        .sourceKey("src")
                        .destinationBucket(bucket)
                        .destinationKey("mpu")
                        .uploadId(id)
                        .partNumber(1)
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k.base64())
                        .sseCustomerKeyMD5(k.md5())),
                403,
                "AccessDenied",
                "Access Denied");
        assertThat(s3.listParts(b -> b.bucket(bucket).key("mpu").uploadId(id)).parts())
                .isEmpty();
        s3.abortMultipartUpload(b -> b.bucket(bucket).key("mpu").uploadId(id));
    }

    @Test
    void copyOntoItselfWithNewSseCKeySucceedsWhereSseCIsAllowed() {
        String bucket = newBucket();
        setBlocked(s3, bucket, EncryptionType.NONE);
        byte[] data = randomBytes(200_000);
        s3.putObject(b -> b.bucket(bucket).key("victim"), RequestBody.fromBytes(data));
        SseCKey attacker = SseCKey.random();
        CopyObjectResponse c = s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("victim")
                .destinationBucket(bucket)
                .destinationKey("victim")
                .sseCustomerAlgorithm("AES256")
                .sseCustomerKey(attacker.base64())
                .sseCustomerKeyMD5(attacker.md5()));
        assertThat(c.sseCustomerAlgorithm()).isEqualTo("AES256");
        assertThat(c.sseCustomerKeyMD5()).isEqualTo(attacker.md5());
        // The owner, without the attacker's key, can no longer read it; only the attacker's key opens it.
        assertS3Error(
                () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("victim")),
                400,
                "InvalidRequest",
                "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.");
        assertS3Error(() -> getSseC(bucket, "victim", SseCKey.random()), 403, "AccessDenied", "Access Denied");
        assertThat(getSseC(bucket, "victim", attacker)).isEqualTo(data);
    }

    @Test
    void copyOntoItselfWithNewSseCKeyIsRefusedOnADefaultNewBucket() {
        String bucket = newBucket();
        assertAttackRefused(bucket);
    }

    @Test
    void copyOntoItselfWithNewSseCKeyIsRefusedOnceSseCIsBlockedAgain() {
        String bucket = newBucket();
        setBlocked(s3, bucket, EncryptionType.NONE);
        setBlocked(s3, bucket, EncryptionType.SSE_C);
        assertAttackRefused(bucket);
    }

    private static void assertAttackRefused(String bucket) {
        byte[] data = randomBytes(200_000);
        s3.putObject(b -> b.bucket(bucket).key("victim"), RequestBody.fromBytes(data));
        SseCKey attacker = SseCKey.random();
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("victim")
                        .destinationBucket(bucket)
                        .destinationKey("victim")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(attacker.base64())
                        .sseCustomerKeyMD5(attacker.md5())),
                403,
                "AccessDenied",
                "Access Denied");
        // Nothing changed: the owner still reads the object without any key, under SSE-S3.
        var got = s3.getObjectAsBytes(b -> b.bucket(bucket).key("victim"));
        assertThat(got.asByteArray()).isEqualTo(data);
        GetObjectResponse r = got.response();
        assertThat(r.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(r.sseCustomerAlgorithm()).isNull();
    }

    @Test
    void serverOptionLetsNewBucketsAllowSseC() throws Exception {
        try (RampartServer open = RampartServer.start(c -> c.s3(new S3Settings(true, false)));
                S3Client client = open.s3()) {
            client.createBucket(b -> b.bucket("allows-ssec"));
            ServerSideEncryptionRule rule = rule(client, "allows-ssec");
            assertThat(rule.applyServerSideEncryptionByDefault().sseAlgorithm()).isEqualTo(ServerSideEncryption.AES256);
            assertThat(
                            rule.blockedEncryptionTypes() == null
                                    ? java.util.List.<EncryptionType>of()
                                    : rule.blockedEncryptionTypes().encryptionType())
                    .doesNotContain(EncryptionType.SSE_C);
            SseCKey k = SseCKey.random();
            byte[] data = randomBytes(500);
            putSseC(client, "allows-ssec", "k", data, k);
            assertThat(client.getObjectAsBytes(b -> b.bucket("allows-ssec")
                                    .key("k")
                                    .sseCustomerAlgorithm("AES256")
                                    .sseCustomerKey(k.base64())
                                    .sseCustomerKeyMD5(k.md5()))
                            .asByteArray())
                    .isEqualTo(data);
            // And the owner can still block it.
            setBlocked(client, "allows-ssec", EncryptionType.SSE_C);
            assertS3Error(() -> putSseC(client, "allows-ssec", "k2", data, k), 403, "AccessDenied", "Access Denied");
        }
    }

    @Test
    void blockedEncryptionTypesRejectsUnknownValues() {
        String bucket = newBucket();
        RawS3 raw = new RawS3(server);
        String xml = "<ServerSideEncryptionConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule>"
                + "<ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault>"
                + "<BlockedEncryptionTypes><EncryptionType>SSE-X</EncryptionType></BlockedEncryptionTypes></Rule>"
                + "</ServerSideEncryptionConfiguration>";
        RawS3.Reply r = raw.signed(
                "PUT",
                "/" + bucket + "?encryption",
                java.util.Map.of("content-type", "application/xml"),
                xml.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(400);
        assertThat(rule(s3, bucket).blockedEncryptionTypes().encryptionType()).containsExactly(EncryptionType.SSE_C);
    }

    @Test
    void getBucketEncryptionXmlNamesBlockedEncryptionTypesInsideTheRule() {
        String bucket = newBucket();
        RawS3.Reply r = new RawS3(server).signed("GET", "/" + bucket + "?encryption", java.util.Map.of(), null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text())
                .contains("<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
                        + "</ApplyServerSideEncryptionByDefault>")
                .contains(
                        "<BlockedEncryptionTypes><EncryptionType>SSE-C</EncryptionType></BlockedEncryptionTypes></Rule>");
    }
}

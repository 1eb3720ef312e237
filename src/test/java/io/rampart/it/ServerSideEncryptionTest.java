package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * SSE-S3 as the default for every object, as S3 reports it, and SSE-C's refusal over plain HTTP on a server with default
 * settings. The SSE-C matrix is {@link SseCOverHttpsTest} / {@link SseCOverHttpTest}; blocking is {@link BucketEncryptionTest}.
 */
class ServerSideEncryptionTest {
    static final int MIB = 1024 * 1024;
    static final String OVER_HTTP =
            "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.";

    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static S3Client s3;
    static final AtomicInteger SEQ = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
    }

    static String newBucket() {
        String name = "sse-" + SEQ.incrementAndGet();
        s3.createBucket(b -> b.bucket(name));
        return name;
    }

    static byte[] randomBytes(int size) {
        byte[] b = new byte[size];
        new Random(size + 11L).nextBytes(b);
        return b;
    }

    static String md5Hex(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1024, MIB, 3 * MIB})
    void everyObjectIsSseS3WithTheMd5AsETag(int size) throws Exception {
        String bucket = newBucket();
        byte[] data = randomBytes(size);
        PutObjectResponse put = s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromBytes(data));
        assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(put.sseCustomerAlgorithm()).isNull();
        assertThat(put.eTag()).isEqualTo("\"" + md5Hex(data) + "\"");

        ResponseBytes<GetObjectResponse> got =
                s3.getObjectAsBytes(b -> b.bucket(bucket).key("k"));
        assertThat(got.asByteArray()).isEqualTo(data);
        assertThat(got.response().serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(got.response().eTag()).isEqualTo(put.eTag());

        HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key("k"));
        assertThat(head.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(head.eTag()).isEqualTo(put.eTag());

        if (size > 0) {
            var range = s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").range("bytes=0-0"));
            assertThat(range.response().serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
            assertThat(range.asByteArray()).containsExactly(data[0]);
        }
    }

    @Test
    void explicitSseS3HeaderIsAccepted() throws Exception {
        String bucket = newBucket();
        byte[] data = randomBytes(2048);
        PutObjectResponse put = s3.putObject(
                b -> b.bucket(bucket).key("k").serverSideEncryption(ServerSideEncryption.AES256),
                RequestBody.fromBytes(data));
        assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(put.eTag()).isEqualTo("\"" + md5Hex(data) + "\"");
    }

    @Test
    void copyObjectResponseCarriesSseS3() throws Exception {
        String bucket = newBucket();
        byte[] data = randomBytes(100_000);
        s3.putObject(b -> b.bucket(bucket).key("src"), RequestBody.fromBytes(data));
        CopyObjectResponse c = s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("dst"));
        assertThat(c.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(c.copyObjectResult().eTag()).isEqualTo("\"" + md5Hex(data) + "\"");
        var got = s3.getObjectAsBytes(b -> b.bucket(bucket).key("dst"));
        assertThat(got.asByteArray()).isEqualTo(data);
        assertThat(got.response().serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
    }

    @Test
    void multipartResponsesCarrySseS3() {
        String bucket = newBucket();
        byte[] p1 = randomBytes(5 * MIB);
        byte[] src = randomBytes(70_000);
        s3.putObject(b -> b.bucket(bucket).key("src"), RequestBody.fromBytes(src));
        CreateMultipartUploadResponse create =
                s3.createMultipartUpload(b -> b.bucket(bucket).key("mpu"));
        assertThat(create.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        String id = create.uploadId();
        UploadPartResponse r1 =
                s3.uploadPart(b -> b.bucket(bucket).key("mpu").uploadId(id).partNumber(1), RequestBody.fromBytes(p1));
        assertThat(r1.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        UploadPartCopyResponse r2 = s3.uploadPartCopy(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("mpu")
                .uploadId(id)
                .partNumber(2));
        assertThat(r2.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        var done = s3.completeMultipartUpload(b -> b.bucket(bucket)
                .key("mpu")
                .uploadId(id)
                .multipartUpload(m -> m.parts(
                        CompletedPart.builder().partNumber(1).eTag(r1.eTag()).build(),
                        CompletedPart.builder()
                                .partNumber(2)
                                .eTag(r2.copyPartResult().eTag())
                                .build())));
        assertThat(done.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        var got = s3.getObjectAsBytes(b -> b.bucket(bucket).key("mpu"));
        assertThat(got.response().serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(got.response().contentLength()).isEqualTo(p1.length + src.length);
    }

    @Test
    void defaultBucketEncryptionIsSseS3() {
        String bucket = newBucket();
        var rules = s3.getBucketEncryption(b -> b.bucket(bucket))
                .serverSideEncryptionConfiguration()
                .rules();
        assertThat(rules).hasSize(1);
        assertThat(rules.get(0).applyServerSideEncryptionByDefault().sseAlgorithm())
                .isEqualTo(ServerSideEncryption.AES256);
    }

    @Test
    void sseCOverPlainHttpIsRefusedWithoutTheOperatorsFlag() {
        String bucket = newBucket();
        // Even where the bucket allows SSE-C, the key must not travel in clear.
        s3.putBucketEncryption(b -> b.bucket(bucket)
                .serverSideEncryptionConfiguration(c -> c.rules(
                        r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256))
                                .blockedEncryptionTypes(t -> t.encryptionType(
                                        software.amazon.awssdk.services.s3.model.EncryptionType.NONE)))));
        SseCKey k = SseCKey.random();
        assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(bucket)
                                .key("k")
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(k.base64())
                                .sseCustomerKeyMD5(k.md5()),
                        RequestBody.fromBytes(randomBytes(10))),
                400,
                "InvalidRequest",
                OVER_HTTP);
        assertS3Error(() -> s3.headObject(b -> b.bucket(bucket).key("k")), 404, null);
        s3.putObject(b -> b.bucket(bucket).key("plain"), RequestBody.fromBytes(randomBytes(10)));
        assertS3Error(
                () -> s3.getObjectAsBytes(b -> b.bucket(bucket)
                        .key("plain")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k.base64())
                        .sseCustomerKeyMD5(k.md5())),
                400,
                "InvalidRequest",
                OVER_HTTP);
        assertS3Error(
                () -> s3.createMultipartUpload(b -> b.bucket(bucket)
                        .key("mpu")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k.base64())
                        .sseCustomerKeyMD5(k.md5())),
                400,
                "InvalidRequest",
                OVER_HTTP);
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("plain")
                        .destinationBucket(bucket)
                        .destinationKey("copy")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k.base64())
                        .sseCustomerKeyMD5(k.md5())),
                400,
                "InvalidRequest",
                OVER_HTTP);
    }
}

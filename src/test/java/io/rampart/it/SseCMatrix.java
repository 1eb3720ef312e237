package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The SSE-C matrix through the AWS SDK v2: round trips, ranges, multipart, copies and every SSE-C error S3 gives. Run
 * over HTTPS ({@link SseCOverHttpsTest}) and over plain HTTP with the operator's allow flag ({@link SseCOverHttpTest}).
 * New buckets on these servers allow SSE-C; blocking is {@link BucketEncryptionTest}'s subject.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SseCMatrix {
    static final int MIB = 1024 * 1024;
    static final String NO_KEY =
            "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.";
    static final String NOT_APPLICABLE = "The encryption parameters are not applicable to this object.";

    RampartServer server;
    S3Client s3;
    String bucket;
    private final AtomicInteger seq = new AtomicInteger();

    /** A server whose new buckets allow SSE-C, reachable by SSE-C requests over this transport. */
    abstract RampartServer startServer() throws Exception;

    abstract S3Client client(RampartServer server);

    @BeforeAll
    void start() throws Exception {
        server = startServer();
        s3 = client(server);
        bucket = "ssec-matrix";
        s3.createBucket(b -> b.bucket(bucket));
    }

    @AfterAll
    void stop() {
        if (s3 != null) s3.close();
        if (server != null) server.close();
    }

    String newKey() {
        return "object-" + seq.incrementAndGet();
    }

    static byte[] randomBytes(int size) {
        byte[] b = new byte[size];
        new Random(size * 31L + 7).nextBytes(b);
        return b;
    }

    static String md5Hex(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    }

    PutObjectResponse put(String key, byte[] data, SseCKey k) {
        return s3.putObject(
                b -> b.bucket(bucket)
                        .key(key)
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k.base64())
                        .sseCustomerKeyMD5(k.md5()),
                RequestBody.fromBytes(data));
    }

    ResponseBytes<GetObjectResponse> get(String key, SseCKey k) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket)
                .key(key)
                .sseCustomerAlgorithm("AES256")
                .sseCustomerKey(k.base64())
                .sseCustomerKeyMD5(k.md5()));
    }

    HeadObjectResponse head(String key, SseCKey k) {
        return s3.headObject(b -> b.bucket(bucket)
                .key(key)
                .sseCustomerAlgorithm("AES256")
                .sseCustomerKey(k.base64())
                .sseCustomerKeyMD5(k.md5()));
    }

    // 0 bytes; 1 KiB and exactly 64 KiB (inline in the metadata row); one past it and exactly two chunks (blobs whose
    // last chunk holds 1 byte / a full 64 KiB); 1 MiB and 3 MiB.
    @ParameterizedTest
    @ValueSource(ints = {0, 1024, 65536, 65537, 131072, MIB, 3 * MIB})
    void putGetHeadRoundTripWithCustomerKey(int size) throws Exception {
        String key = newKey();
        byte[] data = randomBytes(size);
        SseCKey k = SseCKey.random();
        PutObjectResponse put = put(key, data, k);
        assertThat(put.sseCustomerAlgorithm()).isEqualTo("AES256");
        assertThat(put.sseCustomerKeyMD5()).isEqualTo(k.md5());
        assertThat(put.serverSideEncryption())
                .as("SSE-C objects are not SSE-S3")
                .isNull();
        assertThat(put.eTag())
                .as("the ETag of an SSE-C object must not be the MD5 of its plaintext")
                .isNotEqualTo("\"" + md5Hex(data) + "\"");

        ResponseBytes<GetObjectResponse> got = get(key, k);
        assertThat(got.asByteArray()).isEqualTo(data);
        assertThat(got.response().sseCustomerAlgorithm()).isEqualTo("AES256");
        assertThat(got.response().sseCustomerKeyMD5()).isEqualTo(k.md5());
        assertThat(got.response().eTag()).isEqualTo(put.eTag());
        assertThat(got.response().contentLength()).isEqualTo(size);

        HeadObjectResponse head = head(key, k);
        assertThat(head.contentLength()).isEqualTo(size);
        assertThat(head.sseCustomerAlgorithm()).isEqualTo("AES256");
        assertThat(head.sseCustomerKeyMD5()).isEqualTo(k.md5());
        assertThat(head.eTag()).isEqualTo(put.eTag());
        assertThat(head.serverSideEncryption()).isNull();
    }

    @Test
    void rangeGetsAcrossChunkBoundariesDecryptExactlyTheRange() {
        String key = newKey();
        int size = 3 * MIB + 12345;
        byte[] data = randomBytes(size);
        SseCKey k = SseCKey.random();
        put(key, data, k);
        int chunk = 64 * 1024;
        long[][] ranges = {
            {0, 0}, {chunk - 1, chunk}, {chunk - 10, 2L * chunk + 10}, {2L * chunk, 3L * chunk - 1},
            {1000, 2_000_000}, {size - 1, size - 1}, {3L * MIB - 5, size - 1}, {0, size - 1},
        };
        for (long[] r : ranges) {
            String range = "bytes=" + r[0] + "-" + r[1];
            ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(bucket)
                    .key(key)
                    .range(range)
                    .sseCustomerAlgorithm("AES256")
                    .sseCustomerKey(k.base64())
                    .sseCustomerKeyMD5(k.md5()));
            assertThat(got.asByteArray()).as(range).isEqualTo(Arrays.copyOfRange(data, (int) r[0], (int) r[1] + 1));
            assertThat(got.response().contentRange()).as(range).isEqualTo("bytes " + r[0] + "-" + r[1] + "/" + size);
            assertThat(got.response().sseCustomerKeyMD5()).isEqualTo(k.md5());
        }
        ResponseBytes<GetObjectResponse> suffix = s3.getObjectAsBytes(b -> b.bucket(bucket)
                .key(key)
                .range("bytes=-70000")
                .sseCustomerAlgorithm("AES256")
                .sseCustomerKey(k.base64())
                .sseCustomerKeyMD5(k.md5()));
        assertThat(suffix.asByteArray()).isEqualTo(Arrays.copyOfRange(data, size - 70000, size));
        ResponseBytes<GetObjectResponse> open = s3.getObjectAsBytes(b -> b.bucket(bucket)
                .key(key)
                .range("bytes=" + (5 * chunk + 3) + "-")
                .sseCustomerAlgorithm("AES256")
                .sseCustomerKey(k.base64())
                .sseCustomerKeyMD5(k.md5()));
        assertThat(open.asByteArray()).isEqualTo(Arrays.copyOfRange(data, 5 * chunk + 3, size));
    }

    @Test
    void rangeGetOfSmallInlineObject() {
        String key = newKey();
        byte[] data = randomBytes(1024);
        SseCKey k = SseCKey.random();
        put(key, data, k);
        ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(bucket)
                .key(key)
                .range("bytes=10-20")
                .sseCustomerAlgorithm("AES256")
                .sseCustomerKey(k.base64())
                .sseCustomerKeyMD5(k.md5()));
        assertThat(got.asByteArray()).isEqualTo(Arrays.copyOfRange(data, 10, 21));
    }

    @ParameterizedTest
    @ValueSource(ints = {1024, 3 * MIB})
    void getOrHeadWithoutTheKeyIsInvalidRequest(int size) {
        String key = newKey();
        put(key, randomBytes(size), SseCKey.random());
        assertS3Error(() -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)), 400, "InvalidRequest", NO_KEY);
        assertS3Error(() -> s3.headObject(b -> b.bucket(bucket).key(key)), 400, null);
    }

    @ParameterizedTest
    @ValueSource(ints = {1024, 3 * MIB})
    void getOrHeadWithAnotherKeyIsAccessDenied(int size) {
        String key = newKey();
        put(key, randomBytes(size), SseCKey.random());
        SseCKey other = SseCKey.random();
        assertS3Error(() -> get(key, other), 403, "AccessDenied", "Access Denied");
        assertS3Error(() -> head(key, other), 403, null);
        assertS3Error(
                () -> s3.getObjectAsBytes(b -> b.bucket(bucket)
                        .key(key)
                        .range("bytes=0-9")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(other.base64())
                        .sseCustomerKeyMD5(other.md5())),
                403,
                "AccessDenied",
                "Access Denied");
    }

    @Test
    void customerKeyOnAnSseS3ObjectIsInvalidRequest() {
        String key = newKey();
        PutObjectResponse put = s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(randomBytes(100)));
        assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        SseCKey k = SseCKey.random();
        assertS3Error(() -> get(key, k), 400, "InvalidRequest", NOT_APPLICABLE);
        assertS3Error(() -> head(key, k), 400, null);
    }

    /** One malformed set of SSE-C headers and the error S3 answers it with. */
    record BadHeaders(
            String name,
            String algorithm,
            String key,
            String md5,
            String sse,
            int status,
            String code,
            String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<BadHeaders> badHeaders() {
        SseCKey good = SseCKey.random();
        SseCKey other = SseCKey.random();
        SseCKey short16 = SseCKey.ofLength(16);
        SseCKey long33 = SseCKey.ofLength(33);
        String prefix = "Requests specifying Server Side Encryption with Customer provided keys must provide ";
        return Stream.of(
                new BadHeaders(
                        "algorithm AES128",
                        "AES128",
                        good.base64(),
                        good.md5(),
                        null,
                        400,
                        "InvalidEncryptionAlgorithmError",
                        "The Encryption request you specified is not valid. Supported value: AES256."),
                new BadHeaders(
                        "algorithm aws:kms",
                        "aws:kms",
                        good.base64(),
                        good.md5(),
                        null,
                        400,
                        "InvalidEncryptionAlgorithmError",
                        "The Encryption request you specified is not valid. Supported value: AES256."),
                new BadHeaders(
                        "16-byte key",
                        "AES256",
                        short16.base64(),
                        short16.md5(),
                        null,
                        400,
                        "InvalidArgument",
                        "The secret key was invalid for the specified algorithm."),
                new BadHeaders(
                        "33-byte key",
                        "AES256",
                        long33.base64(),
                        long33.md5(),
                        null,
                        400,
                        "InvalidArgument",
                        "The secret key was invalid for the specified algorithm."),
                new BadHeaders(
                        "key not base64",
                        "AES256",
                        "not*base64*at*all",
                        good.md5(),
                        null,
                        400,
                        "InvalidArgument",
                        "The secret key was invalid for the specified algorithm."),
                new BadHeaders(
                        "MD5 of another key",
                        "AES256",
                        good.base64(),
                        other.md5(),
                        null,
                        400,
                        "InvalidArgument",
                        "The calculated MD5 hash of the key did not match the hash that was provided."),
                new BadHeaders(
                        "MD5 not base64",
                        "AES256",
                        good.base64(),
                        "%%%",
                        null,
                        400,
                        "InvalidArgument",
                        "The calculated MD5 hash of the key did not match the hash that was provided."),
                new BadHeaders(
                        "MD5 missing",
                        "AES256",
                        good.base64(),
                        null,
                        null,
                        400,
                        "InvalidArgument",
                        prefix + "the client calculated MD5 of the secret key."),
                new BadHeaders(
                        "key missing",
                        "AES256",
                        null,
                        good.md5(),
                        null,
                        400,
                        "InvalidArgument",
                        prefix + "an appropriate secret key."),
                new BadHeaders(
                        "algorithm missing",
                        null,
                        good.base64(),
                        good.md5(),
                        null,
                        400,
                        "InvalidArgument",
                        prefix + "a valid encryption algorithm."),
                new BadHeaders(
                        "SSE-C with x-amz-server-side-encryption",
                        "AES256",
                        good.base64(),
                        good.md5(),
                        "AES256",
                        400,
                        "InvalidArgument",
                        "Server Side Encryption with Customer provided key is incompatible with the encryption method specified"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHeaders")
    void putObjectWithBadSseCHeadersIsRefused(BadHeaders h) {
        String key = newKey();
        assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(bucket)
                                .key(key)
                                .sseCustomerAlgorithm(h.algorithm())
                                .sseCustomerKey(h.key())
                                .sseCustomerKeyMD5(h.md5())
                                .serverSideEncryption(h.sse()),
                        RequestBody.fromBytes(randomBytes(10))),
                h.status(),
                h.code(),
                h.message());
        assertS3Error(() -> s3.headObject(b -> b.bucket(bucket).key(key)), 404, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHeaders")
    void getObjectWithBadSseCHeadersIsRefused(BadHeaders h) {
        if (h.sse() != null) return; // x-amz-server-side-encryption is a write header
        String key = newKey();
        put(key, randomBytes(10), SseCKey.random());
        assertS3Error(
                () -> s3.getObjectAsBytes(b -> b.bucket(bucket)
                        .key(key)
                        .sseCustomerAlgorithm(h.algorithm())
                        .sseCustomerKey(h.key())
                        .sseCustomerKeyMD5(h.md5())),
                h.status(),
                h.code(),
                h.message());
    }

    @Test
    void multipartUploadWithCustomerKeyRoundTrips() throws Exception {
        String key = newKey();
        SseCKey k = SseCKey.random();
        byte[] p1 = randomBytes(5 * MIB);
        byte[] p2 = randomBytes(MIB + 17);
        CreateMultipartUploadResponse create = s3.createMultipartUpload(b -> b.bucket(bucket)
                .key(key)
                .sseCustomerAlgorithm("AES256")
                .sseCustomerKey(k.base64())
                .sseCustomerKeyMD5(k.md5()));
        assertThat(create.sseCustomerAlgorithm()).isEqualTo("AES256");
        assertThat(create.sseCustomerKeyMD5()).isEqualTo(k.md5());
        String id = create.uploadId();
        UploadPartResponse r1 = s3.uploadPart(
                b -> b.bucket(bucket)
                        .key(key)
                        .uploadId(id)
                        .partNumber(1)
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k.base64())
                        .sseCustomerKeyMD5(k.md5()),
                RequestBody.fromBytes(p1));
        assertThat(r1.sseCustomerAlgorithm()).isEqualTo("AES256");
        assertThat(r1.sseCustomerKeyMD5()).isEqualTo(k.md5());
        assertThat(r1.eTag())
                .as("a part's ETag must not be the MD5 of its plaintext")
                .isNotEqualTo("\"" + md5Hex(p1) + "\"");
        UploadPartResponse r2 = s3.uploadPart(
                b -> b.bucket(bucket)
                        .key(key)
                        .uploadId(id)
                        .partNumber(2)
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k.base64())
                        .sseCustomerKeyMD5(k.md5()),
                RequestBody.fromBytes(p2));
        var done = s3.completeMultipartUpload(b -> b.bucket(bucket)
                .key(key)
                .uploadId(id)
                .multipartUpload(m -> m.parts(
                        CompletedPart.builder().partNumber(1).eTag(r1.eTag()).build(),
                        CompletedPart.builder().partNumber(2).eTag(r2.eTag()).build())));
        assertThat(done.eTag()).endsWith("-2\"");
        assertThat(done.serverSideEncryption()).isNull();

        byte[] all = new byte[p1.length + p2.length];
        System.arraycopy(p1, 0, all, 0, p1.length);
        System.arraycopy(p2, 0, all, p1.length, p2.length);
        ResponseBytes<GetObjectResponse> got = get(key, k);
        assertThat(got.asByteArray()).isEqualTo(all);
        assertThat(got.response().sseCustomerKeyMD5()).isEqualTo(k.md5());
        // A range across the part boundary decrypts the end of one part's stream and the start of the next.
        String range = "bytes=" + (5 * MIB - 100) + "-" + (5 * MIB + 100);
        ResponseBytes<GetObjectResponse> across = s3.getObjectAsBytes(b -> b.bucket(bucket)
                .key(key)
                .range(range)
                .sseCustomerAlgorithm("AES256")
                .sseCustomerKey(k.base64())
                .sseCustomerKeyMD5(k.md5()));
        assertThat(across.asByteArray()).isEqualTo(Arrays.copyOfRange(all, 5 * MIB - 100, 5 * MIB + 101));
        ResponseBytes<GetObjectResponse> part2 = s3.getObjectAsBytes(b -> b.bucket(bucket)
                .key(key)
                .partNumber(2)
                .sseCustomerAlgorithm("AES256")
                .sseCustomerKey(k.base64())
                .sseCustomerKeyMD5(k.md5()));
        assertThat(part2.asByteArray()).isEqualTo(p2);
        assertThat(part2.response().partsCount()).isEqualTo(2);
        assertThat(s3.headObject(b -> b.bucket(bucket)
                                .key(key)
                                .partNumber(1)
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(k.base64())
                                .sseCustomerKeyMD5(k.md5()))
                        .contentLength())
                .isEqualTo(p1.length);
        assertS3Error(
                () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).partNumber(2)), 400, "InvalidRequest", NO_KEY);
        assertS3Error(() -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)), 400, "InvalidRequest", NO_KEY);
        assertS3Error(() -> get(key, SseCKey.random()), 403, "AccessDenied", "Access Denied");
    }

    @Test
    void partsMustUseTheUploadsCustomerKey() {
        String key = newKey();
        SseCKey k = SseCKey.random();
        String id = s3.createMultipartUpload(b -> b.bucket(bucket)
                        .key(key)
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k.base64())
                        .sseCustomerKeyMD5(k.md5()))
                .uploadId();
        SseCKey other = SseCKey.random();
        assertS3Error(
                () -> s3.uploadPart(
                        b -> b.bucket(bucket)
                                .key(key)
                                .uploadId(id)
                                .partNumber(1)
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(other.base64())
                                .sseCustomerKeyMD5(other.md5()),
                        RequestBody.fromBytes(randomBytes(1000))),
                400,
                "InvalidRequest",
                "The provided encryption parameters did not match the ones used originally.");
        assertS3Error(
                () -> s3.uploadPart(
                        b -> b.bucket(bucket).key(key).uploadId(id).partNumber(1),
                        RequestBody.fromBytes(randomBytes(1000))),
                400,
                "InvalidRequest",
                "The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.");
        assertThat(s3.listParts(b -> b.bucket(bucket).key(key).uploadId(id)).parts())
                .isEmpty();
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id));
    }

    @Test
    void partWithCustomerKeyForAnSseS3UploadIsInvalidRequest() {
        String key = newKey();
        String id = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        SseCKey k = SseCKey.random();
        assertS3Error(
                () -> s3.uploadPart(
                        b -> b.bucket(bucket)
                                .key(key)
                                .uploadId(id)
                                .partNumber(1)
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(k.base64())
                                .sseCustomerKeyMD5(k.md5()),
                        RequestBody.fromBytes(randomBytes(1000))),
                400,
                "InvalidRequest");
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id));
    }

    @Test
    void uploadPartCopyFromAnSseCSourceIntoAnSseCUpload() {
        String source = newKey();
        String key = newKey();
        SseCKey a = SseCKey.random();
        SseCKey b2 = SseCKey.random();
        byte[] data = randomBytes(6 * MIB + 3);
        put(source, data, a);
        String id = s3.createMultipartUpload(b -> b.bucket(bucket)
                        .key(key)
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(b2.base64())
                        .sseCustomerKeyMD5(b2.md5()))
                .uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        // Ranges not aligned to the source's 64 KiB chunks.
        long[][] ranges = {{1000, 5L * MIB + 999}, {5L * MIB + 1000, data.length - 1}};
        for (int i = 0; i < ranges.length; i++) {
            int n = i + 1;
            long[] r = ranges[i];
            UploadPartCopyResponse c = s3.uploadPartCopy(b -> b.sourceBucket(bucket)
                    .sourceKey(source)
                    .destinationBucket(bucket)
                    .destinationKey(key)
                    .uploadId(id)
                    .partNumber(n)
                    .copySourceRange("bytes=" + r[0] + "-" + r[1])
                    .copySourceSSECustomerAlgorithm("AES256")
                    .copySourceSSECustomerKey(a.base64())
                    .copySourceSSECustomerKeyMD5(a.md5())
                    .sseCustomerAlgorithm("AES256")
                    .sseCustomerKey(b2.base64())
                    .sseCustomerKeyMD5(b2.md5()));
            assertThat(c.sseCustomerAlgorithm()).isEqualTo("AES256");
            assertThat(c.sseCustomerKeyMD5()).isEqualTo(b2.md5());
            parts.add(CompletedPart.builder()
                    .partNumber(n)
                    .eTag(c.copyPartResult().eTag())
                    .build());
        }
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id).multipartUpload(m -> m.parts(parts)));
        assertThat(get(key, b2).asByteArray()).isEqualTo(Arrays.copyOfRange(data, 1000, data.length));
        assertS3Error(() -> get(key, a), 403, "AccessDenied", "Access Denied");
    }

    @Test
    void uploadPartCopyFromAnSseCSourceNeedsTheSourceKey() {
        String source = newKey();
        String key = newKey();
        SseCKey a = SseCKey.random();
        byte[] data = randomBytes(2000);
        put(source, data, a);
        String id = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        assertS3Error(
                () -> s3.uploadPartCopy(b -> b.sourceBucket(bucket)
                        .sourceKey(source)
                        .destinationBucket(bucket)
                        .destinationKey(key)
                        .uploadId(id)
                        .partNumber(1)),
                400,
                "InvalidRequest",
                NO_KEY);
        SseCKey wrong = SseCKey.random();
        assertS3Error(
                () -> s3.uploadPartCopy(b -> b.sourceBucket(bucket)
                        .sourceKey(source)
                        .destinationBucket(bucket)
                        .destinationKey(key)
                        .uploadId(id)
                        .partNumber(1)
                        .copySourceSSECustomerAlgorithm("AES256")
                        .copySourceSSECustomerKey(wrong.base64())
                        .copySourceSSECustomerKeyMD5(wrong.md5())),
                403,
                "AccessDenied");
        // Into an SSE-S3 upload: the part is decrypted with the source key and stored under the upload's key.
        UploadPartCopyResponse c = s3.uploadPartCopy(b -> b.sourceBucket(bucket)
                .sourceKey(source)
                .destinationBucket(bucket)
                .destinationKey(key)
                .uploadId(id)
                .partNumber(1)
                .copySourceSSECustomerAlgorithm("AES256")
                .copySourceSSECustomerKey(a.base64())
                .copySourceSSECustomerKeyMD5(a.md5()));
        assertThat(c.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        s3.completeMultipartUpload(b -> b.bucket(bucket)
                .key(key)
                .uploadId(id)
                .multipartUpload(m -> m.parts(CompletedPart.builder()
                        .partNumber(1)
                        .eTag(c.copyPartResult().eTag())
                        .build())));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray())
                .isEqualTo(data);
    }

    @Test
    void copyPlainObjectToSseC() throws Exception {
        String source = newKey();
        String dest = newKey();
        byte[] data = randomBytes(200_000);
        s3.putObject(b -> b.bucket(bucket).key(source), RequestBody.fromBytes(data));
        SseCKey k = SseCKey.random();
        CopyObjectResponse c = s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey(source)
                .destinationBucket(bucket)
                .destinationKey(dest)
                .sseCustomerAlgorithm("AES256")
                .sseCustomerKey(k.base64())
                .sseCustomerKeyMD5(k.md5()));
        assertThat(c.sseCustomerAlgorithm()).isEqualTo("AES256");
        assertThat(c.sseCustomerKeyMD5()).isEqualTo(k.md5());
        assertThat(c.serverSideEncryption()).isNull();
        assertThat(c.copyObjectResult().eTag()).isNotEqualTo("\"" + md5Hex(data) + "\"");
        assertThat(get(dest, k).asByteArray()).isEqualTo(data);
        assertS3Error(() -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(dest)), 400, "InvalidRequest", NO_KEY);
        // The source is untouched.
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key(source)).asByteArray())
                .isEqualTo(data);
    }

    @ParameterizedTest
    @ValueSource(ints = {1024, 3 * MIB})
    void copySseCObjectToSseCWithANewKey(int size) throws Exception {
        String source = newKey();
        String dest = newKey();
        byte[] data = randomBytes(size);
        SseCKey a = SseCKey.random();
        SseCKey b2 = SseCKey.random();
        put(source, data, a);
        CopyObjectResponse c = s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey(source)
                .destinationBucket(bucket)
                .destinationKey(dest)
                .copySourceSSECustomerAlgorithm("AES256")
                .copySourceSSECustomerKey(a.base64())
                .copySourceSSECustomerKeyMD5(a.md5())
                .sseCustomerAlgorithm("AES256")
                .sseCustomerKey(b2.base64())
                .sseCustomerKeyMD5(b2.md5()));
        assertThat(c.sseCustomerAlgorithm()).isEqualTo("AES256");
        assertThat(c.sseCustomerKeyMD5()).isEqualTo(b2.md5());
        assertThat(c.copyObjectResult().eTag()).isNotEqualTo("\"" + md5Hex(data) + "\"");
        assertThat(get(dest, b2).asByteArray()).isEqualTo(data);
        assertS3Error(() -> get(dest, a), 403, "AccessDenied", "Access Denied");
        assertThat(get(source, a).asByteArray()).isEqualTo(data);
        assertS3Error(() -> get(source, b2), 403, "AccessDenied", "Access Denied");
    }

    @ParameterizedTest
    @ValueSource(ints = {1024, 3 * MIB})
    void copySseCObjectToPlain(int size) throws Exception {
        String source = newKey();
        String dest = newKey();
        byte[] data = randomBytes(size);
        SseCKey a = SseCKey.random();
        put(source, data, a);
        CopyObjectResponse c = s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey(source)
                .destinationBucket(bucket)
                .destinationKey(dest)
                .copySourceSSECustomerAlgorithm("AES256")
                .copySourceSSECustomerKey(a.base64())
                .copySourceSSECustomerKeyMD5(a.md5()));
        assertThat(c.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(c.sseCustomerAlgorithm()).isNull();
        assertThat(c.copyObjectResult().eTag())
                .as("an SSE-S3 single-part object's ETag is its MD5")
                .isEqualTo("\"" + md5Hex(data) + "\"");
        ResponseBytes<GetObjectResponse> got =
                s3.getObjectAsBytes(b -> b.bucket(bucket).key(dest));
        assertThat(got.asByteArray()).isEqualTo(data);
        assertThat(got.response().serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertS3Error(() -> get(dest, a), 400, "InvalidRequest", NOT_APPLICABLE);
    }

    @Test
    void copyOfAnSseCSourceNeedsTheRightSourceKey() {
        String source = newKey();
        SseCKey a = SseCKey.random();
        put(source, randomBytes(5000), a);
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey(source)
                        .destinationBucket(bucket)
                        .destinationKey(newKey())),
                400,
                "InvalidRequest",
                NO_KEY);
        SseCKey wrong = SseCKey.random();
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey(source)
                        .destinationBucket(bucket)
                        .destinationKey(newKey())
                        .copySourceSSECustomerAlgorithm("AES256")
                        .copySourceSSECustomerKey(wrong.base64())
                        .copySourceSSECustomerKeyMD5(wrong.md5())),
                403,
                "AccessDenied");
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey(source)
                        .destinationBucket(bucket)
                        .destinationKey(newKey())
                        .copySourceSSECustomerAlgorithm("AES256")
                        .copySourceSSECustomerKey(a.base64())
                        .copySourceSSECustomerKeyMD5(wrong.md5())),
                400,
                "InvalidArgument",
                "The calculated MD5 hash of the key did not match the hash that was provided.");
    }

    @Test
    void copyOntoItselfWithNewSseCKeyRekeysTheObject() {
        String key = newKey();
        byte[] data = randomBytes(100_000);
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
        SseCKey attacker = SseCKey.random();
        CopyObjectResponse c = s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey(key)
                .destinationBucket(bucket)
                .destinationKey(key)
                .sseCustomerAlgorithm("AES256")
                .sseCustomerKey(attacker.base64())
                .sseCustomerKeyMD5(attacker.md5()));
        assertThat(c.sseCustomerKeyMD5()).isEqualTo(attacker.md5());
        assertS3Error(() -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)), 400, "InvalidRequest", NO_KEY);
        assertThat(get(key, attacker).asByteArray()).isEqualTo(data);
    }

    @Test
    void conditionalGetWorksOnSseCObjects() {
        String key = newKey();
        SseCKey k = SseCKey.random();
        String etag = put(key, randomBytes(300), k).eTag();
        GetObjectRequest.Builder req = GetObjectRequest.builder()
                .bucket(bucket)
                .key(key)
                .ifMatch(etag)
                .sseCustomerAlgorithm("AES256")
                .sseCustomerKey(k.base64())
                .sseCustomerKeyMD5(k.md5());
        assertThat(s3.getObjectAsBytes(req.build()).asByteArray()).hasSize(300);
        assertS3Error(() -> s3.getObjectAsBytes(req.ifMatch("\"0123\"").build()), 412, "PreconditionFailed");
    }
}

package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/** Multipart checksums through the SDK: FULL_OBJECT CRCs combined from the parts, COMPOSITE ones, and their refusals. */
class MultipartChecksumsTest {
    static final int MIB = 1024 * 1024;
    static RampartServer server;
    static S3Client s3;
    static final AtomicInteger SEQ = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = RampartServer.start();
        s3 = server.s3();
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    static String newBucket() {
        String name = "mpsums-" + SEQ.incrementAndGet();
        s3.createBucket(b -> b.bucket(name));
        return name;
    }

    static byte[] bytes(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String crc(ChecksumAlgorithm alg, byte[]... pieces) {
        var c = io.rampart.auth.ChecksumAlgorithm.fromName(alg.toString())
                .orElseThrow()
                .newChecksummer();
        for (byte[] p : pieces) c.update(p, 0, p.length);
        return java.util.Base64.getEncoder().encodeToString(c.digest());
    }

    static String valueOf(ChecksumAlgorithm alg, String crc32, String crc32c, String crc64) {
        return switch (alg) {
            case CRC32 -> crc32;
            case CRC32_C -> crc32c;
            case CRC64_NVME -> crc64;
            default -> throw new IllegalArgumentException(alg.toString());
        };
    }

    /** Uploads a part carrying its checksum (sent as a value: the SDK computes CRC64NVME only with the CRT). */
    static CompletedPart upload(String bucket, String key, String id, int n, ChecksumAlgorithm alg, byte[] data) {
        String sum = crc(alg, data);
        UploadPartRequest.Builder req =
                UploadPartRequest.builder().bucket(bucket).key(key).uploadId(id).partNumber(n);
        switch (alg) {
            case CRC32 -> req.checksumCRC32(sum);
            case CRC32_C -> req.checksumCRC32C(sum);
            case CRC64_NVME -> req.checksumCRC64NVME(sum);
            default -> throw new IllegalArgumentException(alg.toString());
        }
        UploadPartResponse r = s3.uploadPart(req.build(), RequestBody.fromBytes(data));
        assertThat(valueOf(alg, r.checksumCRC32(), r.checksumCRC32C(), r.checksumCRC64NVME()))
                .isEqualTo(sum);
        CompletedPart.Builder p = CompletedPart.builder().partNumber(n).eTag(r.eTag());
        switch (alg) {
            case CRC32 -> p.checksumCRC32(sum);
            case CRC32_C -> p.checksumCRC32C(sum);
            default -> p.checksumCRC64NVME(sum);
        }
        return p.build();
    }

    @ParameterizedTest
    @EnumSource(
            value = ChecksumAlgorithm.class,
            names = {"CRC32", "CRC32_C", "CRC64_NVME"})
    void fullObjectChecksumOfAMultipartObjectIsTheCrcOfTheWholeObject(ChecksumAlgorithm alg) {
        String bucket = newBucket();
        byte[] p1 = bytes(1, 5 * MIB);
        byte[] p2 = bytes(2, 5 * MIB + 3);
        byte[] p3 = bytes(3, 1234);
        var created = s3.createMultipartUpload(
                b -> b.bucket(bucket).key("k").checksumAlgorithm(alg).checksumType(ChecksumType.FULL_OBJECT));
        assertThat(created.checksumType()).isEqualTo(ChecksumType.FULL_OBJECT);
        String id = created.uploadId();
        List<CompletedPart> parts = List.of(
                upload(bucket, "k", id, 1, alg, p1),
                upload(bucket, "k", id, 2, alg, p2),
                upload(bucket, "k", id, 3, alg, p3));
        String whole = crc(alg, p1, p2, p3);

        CompleteMultipartUploadResponse done = s3.completeMultipartUpload(
                b -> b.bucket(bucket).key("k").uploadId(id).multipartUpload(m -> m.parts(parts)));

        assertThat(valueOf(alg, done.checksumCRC32(), done.checksumCRC32C(), done.checksumCRC64NVME()))
                .isEqualTo(whole);
        assertThat(done.checksumType()).isEqualTo(ChecksumType.FULL_OBJECT);
        HeadObjectResponse h = s3.headObject(b -> b.bucket(bucket).key("k").checksumMode(ChecksumMode.ENABLED));
        assertThat(valueOf(alg, h.checksumCRC32(), h.checksumCRC32C(), h.checksumCRC64NVME()))
                .isEqualTo(whole);
        assertThat(h.checksumType()).isEqualTo(ChecksumType.FULL_OBJECT);
        if (alg != ChecksumAlgorithm.CRC64_NVME) {
            // The SDK validates a full-object CRC32/CRC32C against the body it reads.
            var g = s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").checksumMode(ChecksumMode.ENABLED));
            assertThat(g.asByteArray()).hasSize(p1.length + p2.length + p3.length);
            assertThat(g.response().checksumType()).isEqualTo(ChecksumType.FULL_OBJECT);
        }
    }

    @Test
    void crc64nvmeUploadsAreFullObjectWithoutAskingAndAWholeObjectValueSentOnCompletionMustMatch() {
        String bucket = newBucket();
        ChecksumAlgorithm alg = ChecksumAlgorithm.CRC64_NVME;
        byte[] p1 = bytes(4, 5 * MIB);
        byte[] p2 = bytes(5, 77);
        var created = s3.createMultipartUpload(b -> b.bucket(bucket).key("k").checksumAlgorithm(alg));
        assertThat(created.checksumType()).isEqualTo(ChecksumType.FULL_OBJECT);
        String id = created.uploadId();
        List<CompletedPart> parts = List.of(upload(bucket, "k", id, 1, alg, p1), upload(bucket, "k", id, 2, alg, p2));

        assertS3Error(
                () -> s3.completeMultipartUpload(b -> b.bucket(bucket)
                        .key("k")
                        .uploadId(id)
                        .checksumCRC64NVME(crc(alg, p2, p1))
                        .multipartUpload(m -> m.parts(parts))),
                400,
                "BadDigest",
                "The crc64nvme you specified did not match the calculated checksum.");
        assertThat(s3.listParts(b -> b.bucket(bucket).key("k").uploadId(id)).parts())
                .hasSize(2);

        var done = s3.completeMultipartUpload(b -> b.bucket(bucket)
                .key("k")
                .uploadId(id)
                .checksumCRC64NVME(crc(alg, p1, p2))
                .checksumType(ChecksumType.FULL_OBJECT)
                .multipartUpload(m -> m.parts(parts)));
        assertThat(done.checksumCRC64NVME()).isEqualTo(crc(alg, p1, p2));
    }

    @Test
    void compositeChecksumKeepsItsPartCountSuffixAndType() {
        String bucket = newBucket();
        byte[] p1 = bytes(6, 5 * MIB);
        byte[] p2 = bytes(7, 10);
        String id = s3.createMultipartUpload(b -> b.bucket(bucket).key("k").checksumAlgorithm(ChecksumAlgorithm.CRC32))
                .uploadId();
        List<CompletedPart> parts = List.of(
                upload(bucket, "k", id, 1, ChecksumAlgorithm.CRC32, p1),
                upload(bucket, "k", id, 2, ChecksumAlgorithm.CRC32, p2));
        var done = s3.completeMultipartUpload(
                b -> b.bucket(bucket).key("k").uploadId(id).multipartUpload(m -> m.parts(parts)));
        assertThat(done.checksumCRC32()).endsWith("-2");
        assertThat(done.checksumType()).isEqualTo(ChecksumType.COMPOSITE);
        HeadObjectResponse h = s3.headObject(b -> b.bucket(bucket).key("k").checksumMode(ChecksumMode.ENABLED));
        assertThat(h.checksumCRC32()).isEqualTo(done.checksumCRC32());
        assertThat(h.checksumType()).isEqualTo(ChecksumType.COMPOSITE);
    }

    @Test
    void checksumTypesAnAlgorithmCannotHaveAreInvalidRequest() {
        String bucket = newBucket();
        assertS3Error(
                () -> s3.createMultipartUpload(b -> b.bucket(bucket)
                        .key("k")
                        .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                        .checksumType(ChecksumType.FULL_OBJECT)),
                400,
                "InvalidRequest",
                "The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm.");
        assertS3Error(
                () -> s3.createMultipartUpload(b -> b.bucket(bucket)
                        .key("k")
                        .checksumAlgorithm(ChecksumAlgorithm.CRC64_NVME)
                        .checksumType(ChecksumType.COMPOSITE)),
                400,
                "InvalidRequest",
                "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.");
        assertS3Error(
                () -> s3.createMultipartUpload(b -> b.bucket(bucket).key("k").checksumType(ChecksumType.FULL_OBJECT)),
                400,
                "InvalidRequest",
                "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.");
        assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void reuploadedPartWithADifferentChecksumReplacesTheOldOneInTheObjectChecksum() {
        String bucket = newBucket();
        ChecksumAlgorithm alg = ChecksumAlgorithm.CRC32_C;
        byte[] first = bytes(8, 5 * MIB);
        byte[] second = bytes(9, 5 * MIB);
        byte[] tail = bytes(10, 99);
        String id = s3.createMultipartUpload(
                        b -> b.bucket(bucket).key("k").checksumAlgorithm(alg).checksumType(ChecksumType.FULL_OBJECT))
                .uploadId();
        CompletedPart old = upload(bucket, "k", id, 1, alg, first);
        CompletedPart fresh = upload(bucket, "k", id, 1, alg, second);
        CompletedPart last = upload(bucket, "k", id, 2, alg, tail);
        assertThat(s3.listParts(b -> b.bucket(bucket).key("k").uploadId(id))
                        .parts()
                        .get(0)
                        .checksumCRC32C())
                .isEqualTo(crc(alg, second));
        // The old part's checksum (with the new ETag) names a part that is no longer there.
        CompletedPart stale =
                fresh.toBuilder().checksumCRC32C(old.checksumCRC32C()).build();
        assertS3Error(
                () -> s3.completeMultipartUpload(
                        b -> b.bucket(bucket).key("k").uploadId(id).multipartUpload(m -> m.parts(stale, last))),
                400,
                "InvalidPart");
        var done = s3.completeMultipartUpload(
                b -> b.bucket(bucket).key("k").uploadId(id).multipartUpload(m -> m.parts(fresh, last)));
        assertThat(done.checksumCRC32C()).isEqualTo(crc(alg, second, tail));
    }

    @Test
    void listingsNameTheUploadsChecksumAlgorithmAndType() {
        String bucket = newBucket();
        String id = s3.createMultipartUpload(b -> b.bucket(bucket)
                        .key("k")
                        .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
                        .checksumType(ChecksumType.FULL_OBJECT))
                .uploadId();
        String plain =
                s3.createMultipartUpload(b -> b.bucket(bucket).key("plain")).uploadId();
        var parts = s3.listParts(b -> b.bucket(bucket).key("k").uploadId(id));
        assertThat(parts.checksumAlgorithm()).isEqualTo(ChecksumAlgorithm.CRC32_C);
        assertThat(parts.checksumType()).isEqualTo(ChecksumType.FULL_OBJECT);
        assertThat(s3.listParts(b -> b.bucket(bucket).key("plain").uploadId(plain))
                        .checksumAlgorithm())
                .isNull();
        var uploads = s3.listMultipartUploads(b -> b.bucket(bucket)).uploads();
        assertThat(uploads)
                .extracting(u -> u.key() + ":" + u.checksumAlgorithmAsString() + ":" + u.checksumTypeAsString())
                .containsExactly("k:CRC32C:FULL_OBJECT", "plain:null:null");
    }

    @Test
    void partWithAnotherAlgorithmOrACompositeUploadsPartWithoutOneIsInvalidRequest() {
        String bucket = newBucket();
        String id = s3.createMultipartUpload(b -> b.bucket(bucket).key("k").checksumAlgorithm(ChecksumAlgorithm.CRC32))
                .uploadId();
        assertS3Error(
                () -> upload(bucket, "k", id, 1, ChecksumAlgorithm.CRC32_C, bytes(11, 100)),
                400,
                "InvalidRequest",
                "Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: crc32c");
        try (S3Client noChecksums = S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .forcePathStyle(true)
                .requestChecksumCalculation(
                        software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)))
                .build()) {
            assertS3Error(
                    () -> noChecksums.uploadPart(
                            b -> b.bucket(bucket).key("k").uploadId(id).partNumber(1),
                            RequestBody.fromString("no checksum")),
                    400,
                    "InvalidRequest",
                    "Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: null");
        }
        assertThat(s3.listParts(b -> b.bucket(bucket).key("k").uploadId(id)).parts())
                .isEmpty();
        upload(bucket, "k", id, 1, ChecksumAlgorithm.CRC32, bytes(12, 100));
        assertThat(s3.listParts(b -> b.bucket(bucket).key("k").uploadId(id)).parts())
                .hasSize(1);
    }

    @Test
    void fullObjectPartsSentWithoutAChecksumOrCopiedGetTheirCrcComputedByTheServer() {
        String bucket = newBucket();
        byte[] first = bytes(13, 5 * MIB);
        byte[] copied = bytes(14, 4321);
        s3.putObject(b -> b.bucket(bucket).key("src"), RequestBody.fromBytes(copied));
        String id = s3.createMultipartUpload(b -> b.bucket(bucket)
                        .key("k")
                        .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
                        .checksumType(ChecksumType.FULL_OBJECT))
                .uploadId();
        try (S3Client noChecksums = S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .forcePathStyle(true)
                .requestChecksumCalculation(
                        software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)))
                .build()) {
            String e1 = noChecksums
                    .uploadPart(b -> b.bucket(bucket).key("k").uploadId(id).partNumber(1), RequestBody.fromBytes(first))
                    .eTag();
            var c2 = s3.uploadPartCopy(b -> b.sourceBucket(bucket)
                    .sourceKey("src")
                    .destinationBucket(bucket)
                    .destinationKey("k")
                    .uploadId(id)
                    .partNumber(2));
            assertThat(c2.copyPartResult().checksumCRC32C()).isEqualTo(crc(ChecksumAlgorithm.CRC32_C, copied));
            assertThat(s3.listParts(b -> b.bucket(bucket).key("k").uploadId(id)).parts())
                    .extracting(p -> p.checksumCRC32C())
                    .containsExactly(crc(ChecksumAlgorithm.CRC32_C, first), crc(ChecksumAlgorithm.CRC32_C, copied));
            var done = s3.completeMultipartUpload(b -> b.bucket(bucket)
                    .key("k")
                    .uploadId(id)
                    .multipartUpload(m -> m.parts(
                            CompletedPart.builder().partNumber(1).eTag(e1).build(),
                            CompletedPart.builder()
                                    .partNumber(2)
                                    .eTag(c2.copyPartResult().eTag())
                                    .build())));
            assertThat(done.checksumCRC32C()).isEqualTo(crc(ChecksumAlgorithm.CRC32_C, first, copied));
        }
    }

    @Test
    void anUnknownChecksumAlgorithmIsInvalidRequest() {
        String bucket = newBucket();
        var r = new RawS3(server)
                .signed("POST", "/" + bucket + "/k?uploads", java.util.Map.of("x-amz-checksum-algorithm", "MD5"), null);
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.error().get("Code")).isEqualTo("InvalidRequest");
        assertThat(r.error().get("Message"))
                .isEqualTo("Checksum algorithm provided is unsupported. Please try again with "
                        + "any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
    }

    @Test
    void partWhoseBodyFailsItsDeclaredChecksumIsBadDigest() {
        String bucket = newBucket();
        String id = s3.createMultipartUpload(b -> b.bucket(bucket).key("k").checksumAlgorithm(ChecksumAlgorithm.CRC32))
                .uploadId();
        String wrong = crc(ChecksumAlgorithm.CRC32, "other".getBytes());
        assertS3Error(
                () -> s3.uploadPart(
                        b -> b.bucket(bucket)
                                .key("k")
                                .uploadId(id)
                                .partNumber(1)
                                .checksumCRC32(wrong),
                        RequestBody.fromString("body")),
                400,
                "BadDigest",
                "The CRC32 you specified did not match the calculated checksum.");
        assertThat(s3.listParts(b -> b.bucket(bucket).key("k").uploadId(id)).parts())
                .isEmpty();
    }
}

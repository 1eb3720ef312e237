package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.DeletedObject;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.Tag;

class ObjectOperationsTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static S3Client s3;
    static RawS3 raw;
    static final AtomicInteger SEQ = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        raw = RAMPART.raw();
    }

    static String newBucket() {
        String name = "objects-" + SEQ.incrementAndGet();
        s3.createBucket(b -> b.bucket(name));
        return name;
    }

    static byte[] randomBytes(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    static String md5Hex(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    }

    static String md5Base64(byte[] data) throws Exception {
        return Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("MD5").digest(data));
    }

    // 0 bytes; small (inline); exactly the inline limit; one past it; 1 MiB and 3 MiB (stored as blobs).
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1000, 65536, 65537, 1024 * 1024, 3 * 1024 * 1024})
    void putThenGetAndHeadReturnTheSameBytesLengthAndMd5ETag(int size) throws Exception {
        String bucket = newBucket();
        byte[] data = randomBytes(size);
        PutObjectResponse put = s3.putObject(b -> b.bucket(bucket).key("obj"), RequestBody.fromBytes(data));
        String etag = "\"" + md5Hex(data) + "\"";
        assertThat(put.eTag()).isEqualTo(etag);

        ResponseBytes<GetObjectResponse> got =
                s3.getObjectAsBytes(b -> b.bucket(bucket).key("obj"));
        assertThat(got.asByteArray()).as("body of %d bytes", size).isEqualTo(data);
        assertThat(got.response().contentLength()).isEqualTo(size);
        assertThat(got.response().eTag()).isEqualTo(etag);
        assertThat(got.response().acceptRanges()).isEqualTo("bytes");

        HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key("obj"));
        assertThat(head.contentLength()).isEqualTo(size);
        assertThat(head.eTag()).isEqualTo(etag);
        assertThat(head.lastModified()).isBefore(Instant.now().plusSeconds(2));
    }

    @Test
    void putOverwritesTheObjectAndGetReturnsTheLatestBytes() {
        String bucket = newBucket();
        s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromBytes(randomBytes(2 * 1024 * 1024)));
        s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("small now"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asUtf8String())
                .isEqualTo("small now");
    }

    @Test
    void userMetadataRoundTripsOnGetAndHead() {
        String bucket = newBucket();
        Map<String, String> meta = Map.of("color", "blue", "owner-name", "Ada Lovelace", "empty", "");
        s3.putObject(b -> b.bucket(bucket).key("m").metadata(meta), RequestBody.fromString("x"));
        assertThat(s3.headObject(b -> b.bucket(bucket).key("m")).metadata()).isEqualTo(meta);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("m"))
                        .response()
                        .metadata())
                .isEqualTo(meta);
    }

    @Test
    void userMetadataOfExactly2KbIsAccepted() {
        String bucket = newBucket();
        // Size is the UTF-8 bytes of each name plus each value: 4 + 2044 = 2048.
        Map<String, String> meta = Map.of("name", "v".repeat(2044));
        s3.putObject(b -> b.bucket(bucket).key("m").metadata(meta), RequestBody.fromString("x"));
        assertThat(s3.headObject(b -> b.bucket(bucket).key("m")).metadata()).isEqualTo(meta);
    }

    @Test
    void userMetadataOver2KbIsMetadataTooLarge() {
        String bucket = newBucket();
        Map<String, String> meta = Map.of("name", "v".repeat(2045));
        assertS3Error(
                () -> s3.putObject(b -> b.bucket(bucket).key("m").metadata(meta), RequestBody.fromString("x")),
                400,
                "MetadataTooLarge",
                "Your metadata headers exceed the maximum allowed metadata size.");
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(bucket).key("m"))).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void contentHeadersRoundTripOnGetAndHead() {
        String bucket = newBucket();
        Instant expires = Instant.parse("2030-01-02T03:04:05Z");
        s3.putObject(
                b -> b.bucket(bucket)
                        .key("c")
                        .contentType("text/plain; charset=utf-8")
                        .contentEncoding("gzip")
                        .contentDisposition("attachment; filename=\"report.txt\"")
                        .contentLanguage("de-CH")
                        .cacheControl("max-age=3600, must-revalidate")
                        .expires(expires),
                RequestBody.fromString("not really gzip"));
        HeadObjectResponse h = s3.headObject(b -> b.bucket(bucket).key("c"));
        assertThat(h.contentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(h.contentEncoding()).isEqualTo("gzip");
        assertThat(h.contentDisposition()).isEqualTo("attachment; filename=\"report.txt\"");
        assertThat(h.contentLanguage()).isEqualTo("de-CH");
        assertThat(h.cacheControl()).isEqualTo("max-age=3600, must-revalidate");
        assertThat(h.expiresString()).isEqualTo("Wed, 02 Jan 2030 03:04:05 GMT");
        GetObjectResponse g =
                s3.getObjectAsBytes(b -> b.bucket(bucket).key("c")).response();
        assertThat(g.contentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(g.contentEncoding()).isEqualTo("gzip");
        assertThat(g.contentDisposition()).isEqualTo("attachment; filename=\"report.txt\"");
        assertThat(g.contentLanguage()).isEqualTo("de-CH");
        assertThat(g.cacheControl()).isEqualTo("max-age=3600, must-revalidate");
        assertThat(g.expiresString()).isEqualTo("Wed, 02 Jan 2030 03:04:05 GMT");
    }

    @Test
    void contentEncodingIsKeptVerbatimAndOnlyAwsChunkedIsDropped() {
        String bucket = newBucket();
        s3.putObject(b -> b.bucket(bucket).key("v").contentEncoding("gzip, br ;q=1"), RequestBody.fromString("x"));
        assertThat(s3.headObject(b -> b.bucket(bucket).key("v")).contentEncoding())
                .isEqualTo("gzip, br ;q=1");
        var raw = new RawS3(server);
        var put = raw.signed(
                "PUT",
                "/" + bucket + "/c",
                Map.of("Content-Encoding", "aws-chunked,GZIP"),
                "y".getBytes(StandardCharsets.UTF_8));
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        assertThat(s3.headObject(b -> b.bucket(bucket).key("c")).contentEncoding())
                .isEqualTo("GZIP");
        raw.signed(
                "PUT",
                "/" + bucket + "/only",
                Map.of("Content-Encoding", "aws-chunked"),
                "z".getBytes(StandardCharsets.UTF_8));
        assertThat(s3.headObject(b -> b.bucket(bucket).key("only")).contentEncoding())
                .isNull();
    }

    @Test
    void userMetadataWithNonAsciiValuesIsSignedAndReturnedAsClientsSendIt() {
        // The SDK (like boto3) sends a non-ASCII metadata value as ISO-8859-1 bytes and signs its UTF-8 form; S3
        // verifies
        // that and returns the same bytes. RFC 2047 encoded words are plain ASCII and come back verbatim.
        String bucket = newBucket();
        Map<String, String> meta =
                Map.of("latin", "Hello World\u00e9 \u00fc\u00df", "encoded", "=?UTF-8?B?4oKsIGV1cm8=?=");
        s3.putObject(b -> b.bucket(bucket).key("m").metadata(meta), RequestBody.fromString("x"));
        assertThat(s3.headObject(b -> b.bucket(bucket).key("m")).metadata()).isEqualTo(meta);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("m"))
                        .response()
                        .metadata())
                .isEqualTo(meta);
    }

    @Test
    void responseContentOverridesReplaceStoredHeadersOnGet() {
        String bucket = newBucket();
        s3.putObject(
                b -> b.bucket(bucket).key("o").contentType("text/plain").cacheControl("no-cache"),
                RequestBody.fromString("body"));
        Instant expires = Instant.parse("2031-05-06T07:08:09Z");
        GetObjectResponse g = s3.getObjectAsBytes(b -> b.bucket(bucket)
                        .key("o")
                        .responseContentType("application/json")
                        .responseContentLanguage("fr")
                        .responseExpires(expires)
                        .responseCacheControl("max-age=60")
                        .responseContentDisposition("inline; filename=x.json")
                        .responseContentEncoding("identity"))
                .response();
        assertThat(g.contentType()).isEqualTo("application/json");
        assertThat(g.contentLanguage()).isEqualTo("fr");
        assertThat(g.expiresString()).isEqualTo("Tue, 06 May 2031 07:08:09 GMT");
        assertThat(g.cacheControl()).isEqualTo("max-age=60");
        assertThat(g.contentDisposition()).isEqualTo("inline; filename=x.json");
        assertThat(g.contentEncoding()).isEqualTo("identity");
        // The stored headers are unchanged.
        assertThat(s3.headObject(b -> b.bucket(bucket).key("o")).contentType()).isEqualTo("text/plain");
    }

    @Test
    void putWithCorrectContentMd5IsAccepted() throws Exception {
        String bucket = newBucket();
        byte[] data = "checked body".getBytes(StandardCharsets.UTF_8);
        String md5 = md5Base64(data);
        var put = s3.putObject(b -> b.bucket(bucket).key("md5").contentMD5(md5), RequestBody.fromBytes(data));
        assertThat(put.eTag()).isEqualTo("\"" + md5Hex(data) + "\"");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("md5")).asByteArray())
                .isEqualTo(data);
    }

    @Test
    void putWithWrongContentMd5IsBadDigestAndStoresNothing() throws Exception {
        String bucket = newBucket();
        String wrong = md5Base64("other body".getBytes(StandardCharsets.UTF_8));
        assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(bucket).key("md5").contentMD5(wrong), RequestBody.fromString("checked body")),
                400,
                "BadDigest",
                "The Content-MD5 you specified did not match what we received.");
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(bucket).key("md5")))
                .isInstanceOf(NoSuchKeyException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not base64!", "AAAA"}) // not base64; base64 of 3 bytes, not an MD5
    void putWithMalformedContentMd5IsInvalidDigest(String md5) {
        String bucket = newBucket();
        assertS3Error(
                () -> s3.putObject(b -> b.bucket(bucket).key("md5").contentMD5(md5), RequestBody.fromString("body")),
                400,
                "InvalidDigest",
                "The Content-MD5 you specified was invalid.");
    }

    static String expectedChecksum(ChecksumAlgorithm alg, byte[] data) throws Exception {
        byte[] digest = switch (alg) {
            case CRC32 -> {
                CRC32 c = new CRC32();
                c.update(data);
                yield ByteBuffer.allocate(4).putInt((int) c.getValue()).array();
            }
            case CRC32_C -> {
                CRC32C c = new CRC32C();
                c.update(data);
                yield ByteBuffer.allocate(4).putInt((int) c.getValue()).array();
            }
            case SHA1 -> MessageDigest.getInstance("SHA-1").digest(data);
            case SHA256 -> MessageDigest.getInstance("SHA-256").digest(data);
            case CRC64_NVME -> ByteBuffer.allocate(8).putLong(crc64Nvme(data)).array();
            default -> throw new IllegalArgumentException(alg.toString());
        };
        return Base64.getEncoder().encodeToString(digest);
    }

    /** CRC-64/NVME, bit by bit from its definition (reflected polynomial 0x9A6C9329AC4BC9B5, init and xorout all ones). */
    static long crc64Nvme(byte[] data) {
        long crc = -1L;
        for (byte b : data) {
            crc ^= b & 0xFF;
            for (int i = 0; i < 8; i++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x9A6C9329AC4BC9B5L : crc >>> 1;
        }
        return ~crc;
    }

    static String checksumOf(
            ChecksumAlgorithm alg, String crc32, String crc32c, String sha1, String sha256, String crc64) {
        return switch (alg) {
            case CRC32 -> crc32;
            case CRC32_C -> crc32c;
            case SHA1 -> sha1;
            case SHA256 -> sha256;
            case CRC64_NVME -> crc64;
            default -> throw new IllegalArgumentException(alg.toString());
        };
    }

    @ParameterizedTest
    @EnumSource(
            value = ChecksumAlgorithm.class,
            names = {"CRC32", "CRC32_C", "SHA1", "SHA256", "CRC64_NVME"})
    void checksumSentOnPutIsReturnedByGetAndHeadWithChecksumModeEnabled(ChecksumAlgorithm alg) throws Exception {
        String bucket = newBucket();
        byte[] data = randomBytes(200_000);
        String expected = expectedChecksum(alg, data);
        PutObjectResponse put;
        if (alg == ChecksumAlgorithm.CRC64_NVME) {
            // The SDK computes CRC64NVME only with the AWS CRT, which is not on the test classpath: send the value.
            put = s3.putObject(
                    b -> b.bucket(bucket).key("sum").checksumCRC64NVME(expected), RequestBody.fromBytes(data));
        } else {
            put = s3.putObject(b -> b.bucket(bucket).key("sum").checksumAlgorithm(alg), RequestBody.fromBytes(data));
        }
        assertThat(checksumOf(
                        alg,
                        put.checksumCRC32(),
                        put.checksumCRC32C(),
                        put.checksumSHA1(),
                        put.checksumSHA256(),
                        put.checksumCRC64NVME()))
                .as("PutObject %s", alg)
                .isEqualTo(expected);

        HeadObjectResponse h = s3.headObject(b -> b.bucket(bucket).key("sum").checksumMode(ChecksumMode.ENABLED));
        assertThat(checksumOf(
                        alg,
                        h.checksumCRC32(),
                        h.checksumCRC32C(),
                        h.checksumSHA1(),
                        h.checksumSHA256(),
                        h.checksumCRC64NVME()))
                .as("HeadObject %s", alg)
                .isEqualTo(expected);
        assertThat(h.checksumType()).isEqualTo(ChecksumType.FULL_OBJECT);

        if (alg == ChecksumAlgorithm.CRC64_NVME) {
            // The SDK would validate the response CRC64NVME with the CRT too; read the header over raw HTTP.
            var r = raw.signed("GET", "/" + bucket + "/sum", Map.of("x-amz-checksum-mode", "ENABLED"), null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("x-amz-checksum-crc64nvme")).isEqualTo(expected);
            assertThat(r.body()).isEqualTo(data);
        } else {
            var g = s3.getObjectAsBytes(b -> b.bucket(bucket).key("sum").checksumMode(ChecksumMode.ENABLED));
            assertThat(g.asByteArray()).isEqualTo(data);
            GetObjectResponse gr = g.response();
            assertThat(checksumOf(
                            alg,
                            gr.checksumCRC32(),
                            gr.checksumCRC32C(),
                            gr.checksumSHA1(),
                            gr.checksumSHA256(),
                            gr.checksumCRC64NVME()))
                    .as("GetObject %s", alg)
                    .isEqualTo(expected);
        }
    }

    @Test
    void putWithChecksumThatDoesNotMatchTheBodyIsBadDigest() throws Exception {
        String bucket = newBucket();
        String wrong = expectedChecksum(ChecksumAlgorithm.SHA256, "something else".getBytes(StandardCharsets.UTF_8));
        assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(bucket).key("bad").checksumSHA256(wrong), RequestBody.fromString("body")),
                400,
                "BadDigest",
                "The SHA256 you specified did not match the calculated checksum.");
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(bucket).key("bad")))
                .isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void taggingHeaderOnPutIsReadableWithGetObjectTaggingAndCountedOnGet() {
        String bucket = newBucket();
        s3.putObject(
                b -> b.bucket(bucket).key("t").tagging("project=rampart&team=storage%20ops"),
                RequestBody.fromString("x"));
        var tags = s3.getObjectTagging(b -> b.bucket(bucket).key("t")).tagSet();
        assertThat(tags.stream().collect(Collectors.toMap(Tag::key, Tag::value)))
                .isEqualTo(Map.of("project", "rampart", "team", "storage ops"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("t"))
                        .response()
                        .tagCount())
                .isEqualTo(2);
    }

    @Test
    void putObjectTaggingReplacesTheTagSetAndDeleteObjectTaggingEmptiesIt() {
        String bucket = newBucket();
        s3.putObject(b -> b.bucket(bucket).key("t").tagging("old=1"), RequestBody.fromString("x"));
        s3.putObjectTagging(b -> b.bucket(bucket)
                .key("t")
                .tagging(t -> t.tagSet(
                        Tag.builder().key("a").value("1").build(),
                        Tag.builder().key("b").value("").build())));
        var tags = s3.getObjectTagging(b -> b.bucket(bucket).key("t")).tagSet();
        assertThat(tags.stream().collect(Collectors.toMap(Tag::key, Tag::value)))
                .isEqualTo(Map.of("a", "1", "b", ""));

        var deleted = s3.deleteObjectTagging(b -> b.bucket(bucket).key("t"));
        assertThat(deleted.sdkHttpResponse().statusCode()).isEqualTo(204);
        assertThat(s3.getObjectTagging(b -> b.bucket(bucket).key("t")).tagSet()).isEmpty();
        // The object itself is untouched.
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("t")).asUtf8String())
                .isEqualTo("x");
    }

    @Test
    void getObjectTaggingOfMissingKeyIsNoSuchKey() {
        String bucket = newBucket();
        assertS3Error(
                () -> s3.getObjectTagging(b -> b.bucket(bucket).key("missing")),
                404,
                "NoSuchKey",
                "The specified key does not exist.");
    }

    @Test
    void moreThanTenTagsIsBadRequest() {
        String bucket = newBucket();
        s3.putObject(b -> b.bucket(bucket).key("t"), RequestBody.fromString("x"));
        List<Tag> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++)
            eleven.add(Tag.builder().key("k" + i).value("v").build());
        assertS3Error(
                () -> s3.putObjectTagging(b -> b.bucket(bucket).key("t").tagging(t -> t.tagSet(eleven))),
                400,
                "BadRequest",
                "Object tags cannot be greater than 10");
    }

    @Test
    void getMissingKeyIsNoSuchKey() {
        String bucket = newBucket();
        assertS3Error(
                () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("nope")),
                404,
                "NoSuchKey",
                "The specified key does not exist.");
    }

    @Test
    void headMissingKeyIs404NoSuchKey() {
        String bucket = newBucket();
        var e = assertS3Error(() -> s3.headObject(b -> b.bucket(bucket).key("nope")), 404, null);
        assertThat(e).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void getFromMissingBucketIsNoSuchBucket() {
        assertS3Error(
                () -> s3.getObjectAsBytes(b -> b.bucket("no-such-bucket-here").key("k")),
                404,
                "NoSuchBucket",
                "The specified bucket does not exist");
    }

    @Test
    void deleteObjectRemovesItAndAnswers204() {
        String bucket = newBucket();
        s3.putObject(b -> b.bucket(bucket).key("gone"), RequestBody.fromBytes(randomBytes(100_000)));
        assertThat(s3.deleteObject(b -> b.bucket(bucket).key("gone"))
                        .sdkHttpResponse()
                        .statusCode())
                .isEqualTo(204);
        assertS3Error(
                () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("gone")),
                404,
                "NoSuchKey",
                "The specified key does not exist.");
    }

    @Test
    void deleteObjectOfMissingKeyAnswers204() {
        String bucket = newBucket();
        assertThat(s3.deleteObject(b -> b.bucket(bucket).key("never-existed"))
                        .sdkHttpResponse()
                        .statusCode())
                .isEqualTo(204);
    }

    @Test
    void deleteObjectsReportsExistingAndMissingKeysAsDeleted() {
        String bucket = newBucket();
        s3.putObject(b -> b.bucket(bucket).key("a"), RequestBody.fromString("a"));
        s3.putObject(b -> b.bucket(bucket).key("b/c"), RequestBody.fromBytes(randomBytes(70_000)));
        var r = s3.deleteObjects(b -> b.bucket(bucket)
                .delete(d -> d.objects(
                        ObjectIdentifier.builder().key("a").build(),
                        ObjectIdentifier.builder().key("b/c").build(),
                        ObjectIdentifier.builder().key("missing").build())));
        assertThat(r.deleted()).extracting(DeletedObject::key).containsExactlyInAnyOrder("a", "b/c", "missing");
        assertThat(r.errors()).isEmpty();
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
    }

    @Test
    void deleteObjectsInQuietModeReportsNothingButDeletes() {
        String bucket = newBucket();
        s3.putObject(b -> b.bucket(bucket).key("a"), RequestBody.fromString("a"));
        s3.putObject(b -> b.bucket(bucket).key("keep"), RequestBody.fromString("k"));
        var r = s3.deleteObjects(b -> b.bucket(bucket)
                .delete(d -> d.quiet(true)
                        .objects(
                                ObjectIdentifier.builder().key("a").build(),
                                ObjectIdentifier.builder().key("missing").build())));
        assertThat(r.deleted()).isEmpty();
        assertThat(r.errors()).isEmpty();
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents())
                .extracting(o -> o.key())
                .containsExactly("keep");
    }

    @Test
    void deleteObjectsWithMoreThan1000KeysIsMalformedXml() {
        String bucket = newBucket();
        s3.putObject(b -> b.bucket(bucket).key("k0"), RequestBody.fromString("x"));
        List<ObjectIdentifier> ids = new ArrayList<>();
        for (int i = 0; i < 1001; i++)
            ids.add(ObjectIdentifier.builder().key("k" + i).build());
        assertS3Error(
                () -> s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(ids))),
                400,
                "MalformedXML",
                "The XML you provided was not well-formed or did not validate against our published schema");
        // Nothing was deleted.
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k0")).contentLength())
                .isEqualTo(1);
    }

    @Test
    void deleteObjectsWithExactly1000KeysIsAccepted() {
        String bucket = newBucket();
        List<ObjectIdentifier> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++)
            ids.add(ObjectIdentifier.builder().key("k" + i).build());
        var r = s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(ids)));
        assertThat(r.deleted()).hasSize(1000);
    }

    @Test
    void putIntoMissingBucketIsNoSuchBucket() {
        assertS3Error(
                () -> s3.putObject(b -> b.bucket("no-such-bucket-put").key("k"), RequestBody.fromString("x")),
                404,
                "NoSuchBucket",
                "The specified bucket does not exist");
    }

    @Test
    void putWithoutContentTypeStoresBinaryOctetStream() {
        String bucket = newBucket();
        var r = raw.signed("PUT", "/" + bucket + "/untyped", Map.of(), "raw bytes".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(s3.headObject(b -> b.bucket(bucket).key("untyped")).contentType())
                .isEqualTo("binary/octet-stream");
    }

    @Test
    void taggingHeaderWithReservedAwsPrefixIsInvalidTag() {
        String bucket = newBucket();
        assertS3Error(
                () -> s3.putObject(b -> b.bucket(bucket).key("t").tagging("aws:owner=me"), RequestBody.fromString("x")),
                400,
                "InvalidTag",
                "Your TagKey cannot be prefixed with aws:");
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(bucket).key("t"))).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void putObjectTaggingOfMissingKeyIsNoSuchKey() {
        String bucket = newBucket();
        assertS3Error(
                () -> s3.putObjectTagging(b -> b.bucket(bucket)
                        .key("missing")
                        .tagging(t -> t.tagSet(Tag.builder().key("a").value("1").build()))),
                404,
                "NoSuchKey",
                "The specified key does not exist.");
    }
}

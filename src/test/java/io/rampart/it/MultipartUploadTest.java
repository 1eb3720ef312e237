package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The multipart upload family through the AWS SDK v2, against S3's documented behaviour. */
class MultipartUploadTest {
    static final int MIB = 1024 * 1024;
    static final String NO_SUCH_UPLOAD =
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.";
    static final String INVALID_PART =
            "One or more of the specified parts could not be found.  The part may not have been "
                    + "uploaded, or the specified entity tag may not match the part's entity tag.";
    static final String INVALID_PART_ORDER =
            "The list of parts was not in ascending order. Parts must be ordered by part number.";
    static final String BAD_PART_NUMBER = "Part number must be an integer between 1 and 10000, inclusive";

    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static S3Client s3;
    static final AtomicInteger BUCKETS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
    }

    // ---- helpers ----

    static String newBucket(String name) {
        String bucket = "mpu-" + BUCKETS.incrementAndGet() + "-" + name;
        s3.createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    static byte[] bytes(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] md5(byte[] data) {
        try {
            return MessageDigest.getInstance("MD5").digest(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** S3's multipart ETag: MD5 of the concatenated binary MD5s of the parts, a dash, and the part count. */
    static String multipartEtag(List<byte[]> partMd5s) throws Exception {
        MessageDigest md = MessageDigest.getInstance("MD5");
        for (byte[] m : partMd5s) md.update(m);
        return "\"" + hex(md.digest()) + "-" + partMd5s.size() + "\"";
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    static String create(String bucket, String key) {
        return s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
    }

    static CompletedPart upload(String bucket, String key, String uploadId, int n, byte[] data) {
        String etag = s3.uploadPart(
                        b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(n), RequestBody.fromBytes(data))
                .eTag();
        return CompletedPart.builder().partNumber(n).eTag(etag).build();
    }

    static CompleteMultipartUploadResponse complete(
            String bucket, String key, String uploadId, CompletedPart... parts) {
        return s3.completeMultipartUpload(
                b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
    }

    static CompletedPart part(int n, String etag) {
        return CompletedPart.builder().partNumber(n).eTag(etag).build();
    }

    static byte[] get(String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    /** A UTF-8 body sent as bytes (RequestBody.fromString adds "; charset=UTF-8" to the Content-Type). */
    static RequestBody text(String s) {
        return RequestBody.fromBytes(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static void assertS3Error(ThrowingCallable call, int status, String code, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            assertThat(e.statusCode()).isEqualTo(status);
            if (message != null) assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
        });
    }

    /**
     * An endless-looking stream of seeded random bytes, generated in fixed 64 KiB blocks so the same seed yields the
     * same bytes whatever the read sizes; lets the SDK re-read a part (retries, signing) without holding it in memory.
     */
    static final class SeededBytes extends InputStream {
        private final Random random;
        private final byte[] block = new byte[64 * 1024];
        private int blockPos = block.length;
        private long remaining;

        SeededBytes(long seed, long length) {
            this.random = new Random(seed);
            this.remaining = length;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining <= 0) return -1;
            if (len == 0) return 0;
            if (blockPos == block.length) {
                random.nextBytes(block);
                blockPos = 0;
            }
            int n = (int) Math.min(Math.min(len, block.length - blockPos), remaining);
            System.arraycopy(block, blockPos, b, off, n);
            blockPos += n;
            remaining -= n;
            return n;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }

    static byte[] digestOf(InputStream in, MessageDigest md) throws IOException {
        byte[] buf = new byte[256 * 1024];
        int r;
        while ((r = in.read(buf)) != -1) md.update(buf, 0, r);
        return md.digest();
    }

    // ---- create, upload, complete ----

    @Test
    void completeJoinsThePartsAndTheEtagIsTheMd5OfThePartMd5s() throws Exception {
        String bucket = newBucket("complete");
        byte[] p1 = bytes(1, 5 * MIB);
        byte[] p2 = bytes(2, 1234);
        String id = s3.createMultipartUpload(b -> b.bucket(bucket)
                        .key("joined")
                        .contentType("text/plain")
                        .metadata(java.util.Map.of("colour", "blue")))
                .uploadId();
        CompletedPart c1 = upload(bucket, "joined", id, 1, p1);
        CompletedPart c2 = upload(bucket, "joined", id, 2, p2);
        assertThat(c1.eTag()).isEqualTo("\"" + hex(md5(p1)) + "\"");
        assertThat(c2.eTag()).isEqualTo("\"" + hex(md5(p2)) + "\"");

        CompleteMultipartUploadResponse done = complete(bucket, "joined", id, c1, c2);
        String expectedEtag = multipartEtag(List.of(md5(p1), md5(p2)));
        assertThat(done.eTag()).isEqualTo(expectedEtag);
        assertThat(done.bucket()).isEqualTo(bucket);
        assertThat(done.key()).isEqualTo("joined");

        var head = s3.headObject(b -> b.bucket(bucket).key("joined"));
        assertThat(head.eTag()).isEqualTo(expectedEtag);
        assertThat(head.contentLength()).isEqualTo(p1.length + p2.length);
        assertThat(head.contentType()).isEqualTo("text/plain");
        assertThat(head.metadata()).containsEntry("colour", "blue");
        assertThat(get(bucket, "joined")).isEqualTo(concat(p1, p2));
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents().get(0).eTag())
                .isEqualTo(expectedEtag);
        assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void getWithPartNumberReturnsThatPartAsPartialContent() throws Exception {
        String bucket = newBucket("partnumber");
        byte[] p1 = bytes(11, 5 * MIB);
        byte[] p2 = bytes(12, 5 * MIB + 7);
        byte[] p3 = bytes(13, 100);
        String id = create(bucket, "k");
        complete(
                bucket,
                "k",
                id,
                upload(bucket, "k", id, 1, p1),
                upload(bucket, "k", id, 2, p2),
                upload(bucket, "k", id, 3, p3));
        long total = (long) p1.length + p2.length + p3.length;

        ResponseBytes<GetObjectResponse> second =
                s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").partNumber(2));
        assertThat(second.response().sdkHttpResponse().statusCode()).isEqualTo(206);
        assertThat(second.response().partsCount()).isEqualTo(3);
        assertThat(second.response().contentLength()).isEqualTo(p2.length);
        assertThat(second.response().contentRange())
                .isEqualTo("bytes " + p1.length + "-" + (p1.length + p2.length - 1) + "/" + total);
        assertThat(second.asByteArray()).isEqualTo(p2);

        ResponseBytes<GetObjectResponse> last =
                s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").partNumber(3));
        assertThat(last.asByteArray()).isEqualTo(p3);
        assertThat(last.response().partsCount()).isEqualTo(3);

        var headPart = s3.headObject(b -> b.bucket(bucket).key("k").partNumber(1));
        assertThat(headPart.partsCount()).isEqualTo(3);
        assertThat(headPart.contentLength()).isEqualTo(p1.length);

        assertS3Error(
                () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").partNumber(4)),
                416,
                "InvalidPartNumber",
                "The requested partnumber is not satisfiable");
        // Without partNumber S3 does not give the parts count.
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k")).partsCount()).isNull();
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("k"))
                        .response()
                        .partsCount())
                .isNull();
    }

    @Test
    void getWithPartNumberOneOfASimpleObjectIsTheWholeObjectWithoutAPartsCount() throws Exception {
        String bucket = newBucket("simplepart");
        byte[] data = bytes(41, 3000);
        String etag = s3.putObject(b -> b.bucket(bucket).key("s"), RequestBody.fromBytes(data))
                .eTag();

        ResponseBytes<GetObjectResponse> one =
                s3.getObjectAsBytes(b -> b.bucket(bucket).key("s").partNumber(1));
        assertThat(one.asByteArray()).isEqualTo(data);
        assertThat(one.response().eTag()).isEqualTo(etag);
        assertThat(one.response().partsCount()).isNull();
        assertThat(one.response().contentRange()).isEqualTo("bytes 0-2999/3000");
        var head = s3.headObject(b -> b.bucket(bucket).key("s").partNumber(1));
        assertThat(head.contentLength()).isEqualTo(3000L);
        assertThat(head.partsCount()).isNull();

        assertS3Error(
                () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("s").partNumber(2)),
                416,
                "InvalidPartNumber",
                "The requested partnumber is not satisfiable");
    }

    @Test
    void getWithAPartNumberOutsideOneTo10000OrWithARangeIsRefused() throws Exception {
        String bucket = newBucket("badpart");
        s3.putObject(b -> b.bucket(bucket).key("s"), RequestBody.fromString("data"));
        for (int n : new int[] {0, 10001}) {
            assertS3Error(
                    () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("s").partNumber(n)),
                    400,
                    "InvalidArgument",
                    "Part number must be an integer between 1 and 10000, inclusive");
        }
        assertS3Error(
                () -> s3.getObjectAsBytes(
                        b -> b.bucket(bucket).key("s").partNumber(1).range("bytes=0-1")),
                400,
                "InvalidRequest",
                "Cannot specify both Range header and partNumber query parameter");
    }

    @Test
    void reuploadingAPartNumberReplacesIt() throws Exception {
        String bucket = newBucket("replace");
        byte[] first = bytes(21, 2000);
        byte[] second = bytes(22, 3000);
        String id = create(bucket, "k");
        CompletedPart old = upload(bucket, "k", id, 1, first);
        CompletedPart fresh = upload(bucket, "k", id, 1, second);

        ListPartsResponse parts = s3.listParts(b -> b.bucket(bucket).key("k").uploadId(id));
        assertThat(parts.parts()).hasSize(1);
        assertThat(parts.parts().get(0).eTag()).isEqualTo(fresh.eTag());
        assertThat(parts.parts().get(0).size()).isEqualTo(3000L);

        assertS3Error(() -> complete(bucket, "k", id, old), 400, "InvalidPart", INVALID_PART);
        complete(bucket, "k", id, fresh);
        assertThat(get(bucket, "k")).isEqualTo(second);
    }

    @Test
    void completeWithASubsetOfUploadedPartsUsesOnlyThoseParts() throws Exception {
        String bucket = newBucket("subset");
        byte[] p1 = bytes(31, 5 * MIB);
        byte[] p2 = bytes(32, 5 * MIB);
        byte[] p3 = bytes(33, 4321);
        String id = create(bucket, "k");
        CompletedPart c1 = upload(bucket, "k", id, 1, p1);
        upload(bucket, "k", id, 2, p2);
        CompletedPart c3 = upload(bucket, "k", id, 3, p3);

        CompleteMultipartUploadResponse done = complete(bucket, "k", id, c1, c3);
        assertThat(done.eTag()).isEqualTo(multipartEtag(List.of(md5(p1), md5(p3))));
        assertThat(get(bucket, "k")).isEqualTo(concat(p1, p3));
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k")).contentLength())
                .isEqualTo(p1.length + p3.length);
    }

    @Test
    void aSinglePartUploadMayBeSmallerThanFiveMebibytes() throws Exception {
        String bucket = newBucket("single");
        byte[] p1 = bytes(35, 10);
        String id = create(bucket, "k");
        assertThat(complete(bucket, "k", id, upload(bucket, "k", id, 1, p1)).eTag())
                .isEqualTo(multipartEtag(List.of(md5(p1))));
        assertThat(get(bucket, "k")).isEqualTo(p1);
    }

    // ---- abort ----

    @Test
    void abortedUploadIsNoSuchUploadForEveryLaterCall() {
        String bucket = newBucket("abort");
        String id = create(bucket, "k");
        CompletedPart c1 = upload(bucket, "k", id, 1, bytes(41, 100));
        s3.abortMultipartUpload(b -> b.bucket(bucket).key("k").uploadId(id));

        assertS3Error(() -> upload(bucket, "k", id, 2, bytes(42, 100)), 404, "NoSuchUpload", NO_SUCH_UPLOAD);
        assertS3Error(
                () -> s3.listParts(b -> b.bucket(bucket).key("k").uploadId(id)), 404, "NoSuchUpload", NO_SUCH_UPLOAD);
        assertS3Error(() -> complete(bucket, "k", id, c1), 404, "NoSuchUpload", NO_SUCH_UPLOAD);
        assertS3Error(
                () -> s3.abortMultipartUpload(b -> b.bucket(bucket).key("k").uploadId(id)),
                404,
                "NoSuchUpload",
                NO_SUCH_UPLOAD);
        assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
        assertS3Error(() -> s3.headObject(b -> b.bucket(bucket).key("k")), 404, "NoSuchKey", null);
    }

    @Test
    void unknownUploadIdIsNoSuchUpload() {
        String bucket = newBucket("unknown");
        assertS3Error(
                () -> upload(bucket, "k", "not-an-upload", 1, bytes(43, 10)), 404, "NoSuchUpload", NO_SUCH_UPLOAD);
        String id = create(bucket, "k");
        assertS3Error(
                () -> s3.listParts(b -> b.bucket(bucket).key("other-key").uploadId(id)),
                404,
                "NoSuchUpload",
                NO_SUCH_UPLOAD);
    }

    // ---- ListParts ----

    @Test
    void listPartsPaginatesWithMaxPartsAndPartNumberMarker() {
        String bucket = newBucket("listparts");
        String id = create(bucket, "k");
        List<CompletedPart> uploaded = new ArrayList<>();
        for (int n = 1; n <= 5; n++) uploaded.add(upload(bucket, "k", id, n, bytes(50 + n, 10 * n)));

        ListPartsResponse p1 =
                s3.listParts(b -> b.bucket(bucket).key("k").uploadId(id).maxParts(2));
        assertThat(p1.parts()).extracting(p -> p.partNumber()).containsExactly(1, 2);
        assertThat(p1.isTruncated()).isTrue();
        assertThat(p1.nextPartNumberMarker()).isEqualTo(2);
        assertThat(p1.maxParts()).isEqualTo(2);
        assertThat(p1.uploadId()).isEqualTo(id);
        assertThat(p1.key()).isEqualTo("k");
        assertThat(p1.parts().get(1).eTag()).isEqualTo(uploaded.get(1).eTag());
        assertThat(p1.parts().get(1).size()).isEqualTo(20L);

        ListPartsResponse p2 = s3.listParts(
                b -> b.bucket(bucket).key("k").uploadId(id).maxParts(2).partNumberMarker(2));
        assertThat(p2.partNumberMarker()).isEqualTo(2);
        assertThat(p2.parts()).extracting(p -> p.partNumber()).containsExactly(3, 4);
        assertThat(p2.isTruncated()).isTrue();
        assertThat(p2.nextPartNumberMarker()).isEqualTo(4);

        ListPartsResponse p3 = s3.listParts(
                b -> b.bucket(bucket).key("k").uploadId(id).maxParts(2).partNumberMarker(4));
        assertThat(p3.parts()).extracting(p -> p.partNumber()).containsExactly(5);
        assertThat(p3.isTruncated()).isFalse();

        List<Integer> all = new ArrayList<>();
        s3.listPartsPaginator(b -> b.bucket(bucket).key("k").uploadId(id).maxParts(2))
                .parts()
                .forEach(p -> all.add(p.partNumber()));
        assertThat(all).containsExactly(1, 2, 3, 4, 5);
    }

    // ---- ListMultipartUploads ----

    @Test
    void listMultipartUploadsFiltersByPrefixAndRollsUpAtTheDelimiter() {
        String bucket = newBucket("listuploads");
        String a = create(bucket, "docs/a");
        create(bucket, "docs/sub/b");
        create(bucket, "docs/sub/c");
        create(bucket, "img/x");
        String top = create(bucket, "top");

        ListMultipartUploadsResponse byPrefix =
                s3.listMultipartUploads(b -> b.bucket(bucket).prefix("docs/"));
        assertThat(byPrefix.uploads())
                .extracting(MultipartUpload::key)
                .containsExactly("docs/a", "docs/sub/b", "docs/sub/c");
        assertThat(byPrefix.prefix()).isEqualTo("docs/");

        ListMultipartUploadsResponse rolled =
                s3.listMultipartUploads(b -> b.bucket(bucket).delimiter("/"));
        assertThat(rolled.uploads()).extracting(MultipartUpload::key).containsExactly("top");
        assertThat(rolled.uploads().get(0).uploadId()).isEqualTo(top);
        assertThat(rolled.commonPrefixes()).extracting(p -> p.prefix()).containsExactly("docs/", "img/");

        ListMultipartUploadsResponse under =
                s3.listMultipartUploads(b -> b.bucket(bucket).prefix("docs/").delimiter("/"));
        assertThat(under.uploads()).extracting(MultipartUpload::uploadId).containsExactly(a);
        assertThat(under.commonPrefixes()).extracting(p -> p.prefix()).containsExactly("docs/sub/");
    }

    @Test
    void listMultipartUploadsPaginatesWithKeyAndUploadIdMarkersVisitingEachUploadOnce() throws Exception {
        String bucket = newBucket("uploadpages");
        List<String> expected = new ArrayList<>();
        for (String key : List.of("a", "b", "b", "b", "b", "b", "c")) {
            expected.add(key + "|" + create(bucket, key));
            Thread.sleep(3); // distinct initiation times: uploads of one key are listed oldest first
        }
        List<String> seen = new ArrayList<>();
        String keyMarker = null;
        String idMarker = null;
        for (int page = 0; page < 20; page++) {
            String km = keyMarker;
            String im = idMarker;
            ListMultipartUploadsResponse r = s3.listMultipartUploads(
                    b -> b.bucket(bucket).maxUploads(2).keyMarker(km).uploadIdMarker(im));
            assertThat(r.uploads().size()).isLessThanOrEqualTo(2);
            r.uploads().forEach(u -> seen.add(u.key() + "|" + u.uploadId()));
            if (!r.isTruncated()) break;
            keyMarker = r.nextKeyMarker();
            idMarker = r.nextUploadIdMarker();
            MultipartUpload lastOnPage = r.uploads().get(r.uploads().size() - 1);
            assertThat(keyMarker).isEqualTo(lastOnPage.key());
            assertThat(idMarker).isEqualTo(lastOnPage.uploadId());
        }
        assertThat(seen).isEqualTo(expected);

        List<String> viaPaginator = new ArrayList<>();
        s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).maxUploads(3))
                .uploads()
                .forEach(u -> viaPaginator.add(u.key() + "|" + u.uploadId()));
        assertThat(viaPaginator).isEqualTo(expected);

        ListMultipartUploadsResponse afterKey =
                s3.listMultipartUploads(b -> b.bucket(bucket).keyMarker("b"));
        assertThat(afterKey.uploads()).extracting(MultipartUpload::key).containsExactly("c");
    }

    @Test
    void listMultipartUploadsWithDelimiterDoesNotRepeatACommonPrefixAcrossPages() {
        String bucket = newBucket("uploadprefixpages");
        create(bucket, "p/1");
        create(bucket, "p/2");
        create(bucket, "q/1");
        create(bucket, "r");
        List<String> items = new ArrayList<>();
        String keyMarker = null;
        String idMarker = null;
        for (int page = 0; page < 10; page++) {
            String km = keyMarker;
            String im = idMarker;
            ListMultipartUploadsResponse r = s3.listMultipartUploads(b ->
                    b.bucket(bucket).delimiter("/").maxUploads(1).keyMarker(km).uploadIdMarker(im));
            r.uploads().forEach(u -> items.add(u.key()));
            r.commonPrefixes().forEach(p -> items.add(p.prefix()));
            if (!r.isTruncated()) break;
            keyMarker = r.nextKeyMarker();
            idMarker = r.nextUploadIdMarker();
        }
        assertThat(items).containsExactly("p/", "q/", "r");
    }

    // ---- errors ----

    @Test
    void completeWithAWrongEtagOrAMissingPartIsInvalidPart() {
        String bucket = newBucket("invalidpart");
        String id = create(bucket, "k");
        CompletedPart c1 = upload(bucket, "k", id, 1, bytes(61, 5 * MIB));
        assertS3Error(
                () -> complete(bucket, "k", id, part(1, "\"0123456789abcdef0123456789abcdef\"")),
                400,
                "InvalidPart",
                INVALID_PART);
        assertS3Error(() -> complete(bucket, "k", id, c1, part(2, c1.eTag())), 400, "InvalidPart", INVALID_PART);
        // the failed completions left the upload intact
        assertThat(s3.listParts(b -> b.bucket(bucket).key("k").uploadId(id)).parts())
                .hasSize(1);
    }

    @Test
    void completeWithPartsOutOfOrderIsInvalidPartOrder() {
        String bucket = newBucket("order");
        String id = create(bucket, "k");
        CompletedPart c1 = upload(bucket, "k", id, 1, bytes(71, 5 * MIB));
        CompletedPart c2 = upload(bucket, "k", id, 2, bytes(72, 5 * MIB));
        assertS3Error(() -> complete(bucket, "k", id, c2, c1), 400, "InvalidPartOrder", INVALID_PART_ORDER);
        assertS3Error(() -> complete(bucket, "k", id, c1, c1), 400, "InvalidPartOrder", INVALID_PART_ORDER);
    }

    @Test
    void aNonLastPartSmallerThanFiveMebibytesIsEntityTooSmall() {
        String bucket = newBucket("toosmall");
        String id = create(bucket, "k");
        CompletedPart c1 = upload(bucket, "k", id, 1, bytes(81, 5 * MIB - 1));
        CompletedPart c2 = upload(bucket, "k", id, 2, bytes(82, 10));
        assertThatThrownBy(() -> complete(bucket, "k", id, c1, c2)).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("EntityTooSmall");
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorMessage())
                    .startsWith("Your proposed upload is smaller than the minimum allowed");
        });
        assertS3Error(() -> s3.headObject(b -> b.bucket(bucket).key("k")), 404, "NoSuchKey", null);
    }

    @Test
    void partNumberZeroOrAbove10000IsInvalidArgument() {
        String bucket = newBucket("partrange");
        String id = create(bucket, "k");
        assertS3Error(() -> upload(bucket, "k", id, 0, bytes(91, 10)), 400, "InvalidArgument", BAD_PART_NUMBER);
        assertS3Error(() -> upload(bucket, "k", id, 10001, bytes(92, 10)), 400, "InvalidArgument", BAD_PART_NUMBER);
        assertThat(upload(bucket, "k", id, 10000, bytes(93, 10)).eTag()).isNotBlank();
        assertThat(s3.listParts(b -> b.bucket(bucket).key("k").uploadId(id)).parts())
                .extracting(p -> p.partNumber())
                .containsExactly(10000);
    }

    // ---- UploadPartCopy ----

    @Test
    void uploadPartCopyCopiesAWholeObjectOrAByteRange() throws Exception {
        String bucket = newBucket("partcopy");
        byte[] big = bytes(101, 6 * MIB);
        byte[] small = bytes(102, 777);
        s3.putObject(b -> b.bucket(bucket).key("big"), RequestBody.fromBytes(big));
        s3.putObject(b -> b.bucket(bucket).key("small"), RequestBody.fromBytes(small));
        String id = create(bucket, "assembled");

        var r1 = s3.uploadPartCopy(b -> b.sourceBucket(bucket)
                .sourceKey("big")
                .destinationBucket(bucket)
                .destinationKey("assembled")
                .uploadId(id)
                .partNumber(1)
                .copySourceRange("bytes=100-" + (100 + 5 * MIB - 1)));
        byte[] range = java.util.Arrays.copyOfRange(big, 100, 100 + 5 * MIB);
        assertThat(r1.copyPartResult().eTag()).isEqualTo("\"" + hex(md5(range)) + "\"");
        assertThat(r1.copyPartResult().lastModified()).isNotNull();

        var r2 = s3.uploadPartCopy(b -> b.sourceBucket(bucket)
                .sourceKey("small")
                .destinationBucket(bucket)
                .destinationKey("assembled")
                .uploadId(id)
                .partNumber(2));
        assertThat(r2.copyPartResult().eTag()).isEqualTo("\"" + hex(md5(small)) + "\"");

        complete(
                bucket,
                "assembled",
                id,
                part(1, r1.copyPartResult().eTag()),
                part(2, r2.copyPartResult().eTag()));
        assertThat(get(bucket, "assembled")).isEqualTo(concat(range, small));
    }

    @Test
    void uploadPartCopyFromAMultipartObjectAcrossItsPartBoundary() throws Exception {
        String bucket = newBucket("partcopymp");
        byte[] p1 = bytes(111, 5 * MIB);
        byte[] p2 = bytes(112, 5 * MIB);
        String src = create(bucket, "src");
        complete(bucket, "src", src, upload(bucket, "src", src, 1, p1), upload(bucket, "src", src, 2, p2));
        String id = create(bucket, "dst");
        int first = 5 * MIB - 1000;
        int last = 5 * MIB + 999;
        var r = s3.uploadPartCopy(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("dst")
                .uploadId(id)
                .partNumber(1)
                .copySourceRange("bytes=" + first + "-" + last));
        complete(bucket, "dst", id, part(1, r.copyPartResult().eTag()));
        assertThat(get(bucket, "dst")).isEqualTo(java.util.Arrays.copyOfRange(concat(p1, p2), first, last + 1));
    }

    @Test
    void uploadPartCopyWithARangeBeyondTheSourceIsInvalidRange() {
        String bucket = newBucket("partcopyrange");
        s3.putObject(b -> b.bucket(bucket).key("src"), RequestBody.fromBytes(bytes(121, 100)));
        String id = create(bucket, "dst");
        assertS3Error(
                () -> s3.uploadPartCopy(b -> b.sourceBucket(bucket)
                        .sourceKey("src")
                        .destinationBucket(bucket)
                        .destinationKey("dst")
                        .uploadId(id)
                        .partNumber(1)
                        .copySourceRange("bytes=50-100")),
                416,
                "InvalidRange",
                "The requested range is not satisfiable");
    }

    // ---- conditional completion ----

    @Test
    void completeWithIfNoneMatchStarOnAnExistingKeyIsPreconditionFailedAndKeepsTheUpload() {
        String bucket = newBucket("ifnonematch");
        s3.putObject(b -> b.bucket(bucket).key("taken"), text("original"));
        String id = create(bucket, "taken");
        CompletedPart c1 = upload(bucket, "taken", id, 1, bytes(131, 10));
        assertS3Error(
                () -> s3.completeMultipartUpload(b -> b.bucket(bucket)
                        .key("taken")
                        .uploadId(id)
                        .ifNoneMatch("*")
                        .multipartUpload(m -> m.parts(c1))),
                412,
                "PreconditionFailed",
                "At least one of the pre-conditions you specified did not hold");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("taken")).asUtf8String())
                .isEqualTo("original");
        assertThat(s3.listParts(b -> b.bucket(bucket).key("taken").uploadId(id)).parts())
                .hasSize(1);

        String fresh = create(bucket, "free");
        CompletedPart f1 = upload(bucket, "free", fresh, 1, bytes(132, 10));
        s3.completeMultipartUpload(b ->
                b.bucket(bucket).key("free").uploadId(fresh).ifNoneMatch("*").multipartUpload(m -> m.parts(f1)));
        assertThat(get(bucket, "free")).isEqualTo(bytes(132, 10));
    }

    @Test
    void completeWithIfMatchReplacesOnlyTheObjectItNames() {
        String bucket = newBucket("ifmatch");
        String etag =
                s3.putObject(b -> b.bucket(bucket).key("k"), text("original")).eTag();
        String id = create(bucket, "k");
        CompletedPart c1 = upload(bucket, "k", id, 1, bytes(133, 10));
        assertS3Error(
                () -> s3.completeMultipartUpload(b -> b.bucket(bucket)
                        .key("k")
                        .uploadId(id)
                        .ifMatch("\"0123456789abcdef0123456789abcdef\"")
                        .multipartUpload(m -> m.parts(c1))),
                412,
                "PreconditionFailed",
                "At least one of the pre-conditions you specified did not hold");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asUtf8String())
                .isEqualTo("original");
        s3.completeMultipartUpload(
                b -> b.bucket(bucket).key("k").uploadId(id).ifMatch(etag).multipartUpload(m -> m.parts(c1)));
        assertThat(get(bucket, "k")).isEqualTo(bytes(133, 10));

        String other = create(bucket, "absent");
        CompletedPart o1 = upload(bucket, "absent", other, 1, bytes(134, 10));
        assertS3Error(
                () -> s3.completeMultipartUpload(b -> b.bucket(bucket)
                        .key("absent")
                        .uploadId(other)
                        .ifMatch(etag)
                        .multipartUpload(m -> m.parts(o1))),
                404,
                "NoSuchKey",
                "The specified key does not exist.");
    }

    @Test
    void conditionalCompleteAfterTheKeyWasDeletedDuringTheUploadIsConditionalRequestConflictAndEndsTheUpload() {
        String bucket = newBucket("conflict");
        s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
        s3.putObject(b -> b.bucket(bucket).key("k"), text("original"));
        String id = create(bucket, "k");
        CompletedPart c1 = upload(bucket, "k", id, 1, bytes(135, 10));
        s3.deleteObject(b -> b.bucket(bucket).key("k"));

        assertS3Error(
                () -> s3.completeMultipartUpload(b ->
                        b.bucket(bucket).key("k").uploadId(id).ifNoneMatch("*").multipartUpload(m -> m.parts(c1))),
                409,
                "ConditionalRequestConflict",
                "The conditional request cannot succeed due to a conflicting operation against this resource.");
        assertS3Error(() -> s3.listParts(b -> b.bucket(bucket).key("k").uploadId(id)), 404, "NoSuchUpload", null);

        // A new upload begun after the delete completes under the same condition.
        String again = create(bucket, "k");
        CompletedPart a1 = upload(bucket, "k", again, 1, bytes(136, 10));
        s3.completeMultipartUpload(
                b -> b.bucket(bucket).key("k").uploadId(again).ifNoneMatch("*").multipartUpload(m -> m.parts(a1)));
        assertThat(get(bucket, "k")).isEqualTo(bytes(136, 10));
    }

    // ---- a large object ----

    @Test
    void aHundredMegabyteObjectUploadedInPartsReadsBackByteIdentical() throws Exception {
        String bucket = newBucket("large");
        long total = 100L * MIB;
        long partSize = 8L * MIB;
        int count = (int) ((total + partSize - 1) / partSize);
        long seedBase = 4242;
        String id = create(bucket, "large.bin");

        List<CompletedPart> done = new ArrayList<>();
        List<byte[]> partMd5s = new ArrayList<>();
        MessageDigest whole = MessageDigest.getInstance("SHA-256");
        for (int n = 1; n <= count; n++) {
            long length = Math.min(partSize, total - (n - 1) * partSize);
            long seed = seedBase + n;
            MessageDigest partMd5 = MessageDigest.getInstance("MD5");
            try (InputStream in = new SeededBytes(seed, length)) {
                byte[] buf = new byte[256 * 1024];
                int r;
                while ((r = in.read(buf)) != -1) {
                    partMd5.update(buf, 0, r);
                    whole.update(buf, 0, r);
                }
            }
            partMd5s.add(partMd5.digest());
            int number = n;
            String etag = s3.uploadPart(
                            b -> b.bucket(bucket).key("large.bin").uploadId(id).partNumber(number),
                            RequestBody.fromContentProvider(
                                    () -> new SeededBytes(seed, length), length, "application/octet-stream"))
                    .eTag();
            assertThat(etag).isEqualTo("\"" + hex(partMd5s.get(n - 1)) + "\"");
            done.add(part(n, etag));
        }
        CompleteMultipartUploadResponse c = s3.completeMultipartUpload(
                b -> b.bucket(bucket).key("large.bin").uploadId(id).multipartUpload(m -> m.parts(done)));
        assertThat(c.eTag()).isEqualTo(multipartEtag(partMd5s));
        assertThat(c.eTag()).endsWith("-13\"");

        try (ResponseInputStream<GetObjectResponse> in =
                s3.getObject(b -> b.bucket(bucket).key("large.bin"))) {
            assertThat(in.response().contentLength()).isEqualTo(total);
            assertThat(hex(digestOf(in, MessageDigest.getInstance("SHA-256")))).isEqualTo(hex(whole.digest()));
        }

        // 100 bytes either side of the boundary between parts 1 and 2
        long first = partSize - 100;
        long last = partSize + 99;
        byte[] expected = new byte[200];
        try (InputStream p1 = new SeededBytes(seedBase + 1, partSize);
                InputStream p2 = new SeededBytes(seedBase + 2, partSize)) {
            p1.skipNBytes(partSize - 100);
            System.arraycopy(p1.readNBytes(100), 0, expected, 0, 100);
            System.arraycopy(p2.readNBytes(100), 0, expected, 100, 100);
        }
        ResponseBytes<GetObjectResponse> ranged =
                s3.getObjectAsBytes(b -> b.bucket(bucket).key("large.bin").range("bytes=" + first + "-" + last));
        assertThat(ranged.response().sdkHttpResponse().statusCode()).isEqualTo(206);
        assertThat(ranged.response().contentRange()).isEqualTo("bytes " + first + "-" + last + "/" + total);
        assertThat(ranged.asByteArray()).isEqualTo(expected);

        Set<String> distinct = new HashSet<>();
        for (byte[] m : partMd5s) distinct.add(hex(m));
        assertThat(distinct).as("parts are generated from different seeds").hasSize(count);
    }
}

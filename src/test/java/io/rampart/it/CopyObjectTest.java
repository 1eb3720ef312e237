package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.TaggingDirective;

/** CopyObject through the AWS SDK v2, against S3's documented behaviour, including blob sharing between copies. */
class CopyObjectTest {
    static final String PRECONDITION_FAILED = "At least one of the pre-conditions you specified did not hold";
    static final String ILLEGAL_SELF_COPY =
            "This copy request is illegal because it is trying to copy an object to itself "
                    + "without changing the object's metadata, storage class, website redirect location or encryption attributes.";
    /** Larger than Rampart's inline limit, so the bytes live in a blob file that copies share. */
    static final int BLOB_SIZE = 200 * 1024;

    // Window off: these tests see blobs released the moment their last version goes (RecoveryWindowTest: with it on).
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults().recoveryWindow(Duration.ZERO);

    static RampartServer server;
    static S3Client s3;
    static final AtomicInteger BUCKETS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
    }

    static String newBucket(String name) {
        String bucket = "copy-" + BUCKETS.incrementAndGet() + "-" + name;
        s3.createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    static byte[] bytes(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String md5Hex(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    }

    static byte[] get(String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    static HeadObjectResponse head(String bucket, String key) {
        return s3.headObject(b -> b.bucket(bucket).key(key));
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

    static Set<Path> blobFiles() throws IOException {
        Path blobs = server.dataDir().resolve("blobs");
        if (!Files.exists(blobs)) return Set.of();
        try (var files = Files.walk(blobs)) {
            return files.filter(Files::isRegularFile).collect(Collectors.toSet());
        }
    }

    /** Blob files are released after the metadata commit; give that a moment. */
    static void awaitBlobFilesExactly(Set<Path> expected) throws Exception {
        Await.until(
                "the blob files to be exactly " + expected, () -> blobFiles().equals(expected));
        assertThat(blobFiles()).isEqualTo(expected);
    }

    // ---- metadata and tagging directives ----

    @Test
    void copyDirectiveKeepsContentTypeAndUserMetadataAndIgnoresNewOnes() {
        String bucket = newBucket("copydirective");
        s3.putObject(
                b -> b.bucket(bucket)
                        .key("src")
                        .contentType("text/csv")
                        .contentDisposition("inline")
                        .metadata(Map.of("owner", "alice", "colour", "red")),
                text("a,b\n"));
        CopyObjectResponse r = s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("dst")
                .contentType("application/json")
                .metadata(Map.of("owner", "mallory")));
        assertThat(r.copyObjectResult().eTag()).isEqualTo(head(bucket, "src").eTag());
        assertThat(r.copyObjectResult().lastModified()).isNotNull();

        HeadObjectResponse h = head(bucket, "dst");
        assertThat(h.contentType()).isEqualTo("text/csv");
        assertThat(h.contentDisposition()).isEqualTo("inline");
        assertThat(h.metadata()).isEqualTo(Map.of("owner", "alice", "colour", "red"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("dst")).asUtf8String())
                .isEqualTo("a,b\n");

        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("dst2")
                .metadataDirective(MetadataDirective.COPY));
        assertThat(head(bucket, "dst2").metadata()).isEqualTo(Map.of("owner", "alice", "colour", "red"));
    }

    @Test
    void replaceDirectiveReplacesContentTypeAndUserMetadata() {
        String bucket = newBucket("replacedirective");
        s3.putObject(
                b -> b.bucket(bucket)
                        .key("src")
                        .contentType("text/csv")
                        .contentDisposition("inline")
                        .metadata(Map.of("owner", "alice", "colour", "red")),
                text("a,b\n"));
        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("dst")
                .metadataDirective(MetadataDirective.REPLACE)
                .contentType("application/json")
                .metadata(Map.of("owner", "bob")));
        HeadObjectResponse h = head(bucket, "dst");
        assertThat(h.contentType()).isEqualTo("application/json");
        assertThat(h.contentDisposition())
                .as("content headers not given on a REPLACE are dropped")
                .isNull();
        assertThat(h.metadata()).isEqualTo(Map.of("owner", "bob"));
        assertThat(head(bucket, "src").metadata()).isEqualTo(Map.of("owner", "alice", "colour", "red"));

        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("bare")
                .metadataDirective(MetadataDirective.REPLACE));
        assertThat(head(bucket, "bare").metadata()).isEmpty();
        assertThat(head(bucket, "bare").contentType()).isEqualTo("binary/octet-stream");
    }

    @Test
    void taggingDirectiveCopyKeepsTagsAndReplaceSetsTheGivenTags() {
        String bucket = newBucket("tagging");
        s3.putObject(b -> b.bucket(bucket).key("src").tagging("project=alpha&team=core"), text("t"));
        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("kept"));
        assertThat(s3.getObjectTagging(b -> b.bucket(bucket).key("kept")).tagSet())
                .containsExactlyInAnyOrder(
                        Tag.builder().key("project").value("alpha").build(),
                        Tag.builder().key("team").value("core").build());

        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("replaced")
                .taggingDirective(TaggingDirective.REPLACE)
                .tagging("stage=prod"));
        assertThat(s3.getObjectTagging(b -> b.bucket(bucket).key("replaced")).tagSet())
                .containsExactly(Tag.builder().key("stage").value("prod").build());

        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("cleared")
                .taggingDirective(TaggingDirective.REPLACE));
        assertThat(s3.getObjectTagging(b -> b.bucket(bucket).key("cleared")).tagSet())
                .isEmpty();
    }

    // ---- copying onto itself ----

    @Test
    void copyOntoItselfWithoutChangesIsInvalidRequest() {
        String bucket = newBucket("selfcopy");
        s3.putObject(b -> b.bucket(bucket).key("same"), text("x"));
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("same")
                        .destinationBucket(bucket)
                        .destinationKey("same")),
                400,
                "InvalidRequest",
                ILLEGAL_SELF_COPY);
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("same")
                        .destinationBucket(bucket)
                        .destinationKey("same")
                        .metadataDirective(MetadataDirective.COPY)),
                400,
                "InvalidRequest",
                ILLEGAL_SELF_COPY);
    }

    @Test
    void copyOntoItselfWithReplacedMetadataUpdatesItAndKeepsTheBytes() throws Exception {
        String bucket = newBucket("selfreplace");
        byte[] data = bytes(7, BLOB_SIZE);
        s3.putObject(
                b -> b.bucket(bucket).key("same").contentType("text/plain").metadata(Map.of("v", "1")),
                RequestBody.fromBytes(data));
        CopyObjectResponse r = s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("same")
                .destinationBucket(bucket)
                .destinationKey("same")
                .metadataDirective(MetadataDirective.REPLACE)
                .contentType("image/png")
                .metadata(Map.of("v", "2")));
        assertThat(r.copyObjectResult().eTag()).isEqualTo("\"" + md5Hex(data) + "\"");
        HeadObjectResponse h = head(bucket, "same");
        assertThat(h.contentType()).isEqualTo("image/png");
        assertThat(h.metadata()).isEqualTo(Map.of("v", "2"));
        assertThat(get(bucket, "same")).isEqualTo(data);

        // the same again, a little later: the shared blob must survive every metadata rewrite
        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("same")
                .destinationBucket(bucket)
                .destinationKey("same")
                .metadataDirective(MetadataDirective.REPLACE)
                .metadata(Map.of("v", "3")));
        assertThat(get(bucket, "same")).isEqualTo(data);
        assertThat(head(bucket, "same").metadata()).isEqualTo(Map.of("v", "3"));
    }

    // ---- copy-source conditions ----

    @Test
    void copySourceIfMatchWithAnotherEtagIsPreconditionFailed() {
        String bucket = newBucket("ifmatch");
        s3.putObject(b -> b.bucket(bucket).key("src"), text("data"));
        String etag = head(bucket, "src").eTag();
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("src")
                        .destinationBucket(bucket)
                        .destinationKey("dst")
                        .copySourceIfMatch("\"0123456789abcdef0123456789abcdef\"")),
                412,
                "PreconditionFailed",
                PRECONDITION_FAILED);
        assertS3Error(() -> head(bucket, "dst"), 404, "NoSuchKey", null);

        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("dst")
                .copySourceIfMatch(etag));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("dst")).asUtf8String())
                .isEqualTo("data");
    }

    @Test
    void copySourceIfNoneMatchWithTheCurrentEtagIsPreconditionFailed() {
        String bucket = newBucket("ifnonematch");
        s3.putObject(b -> b.bucket(bucket).key("src"), text("data"));
        String etag = head(bucket, "src").eTag();
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("src")
                        .destinationBucket(bucket)
                        .destinationKey("dst")
                        .copySourceIfNoneMatch(etag)),
                412,
                "PreconditionFailed",
                PRECONDITION_FAILED);

        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("dst")
                .copySourceIfNoneMatch("\"0123456789abcdef0123456789abcdef\""));
        assertThat(head(bucket, "dst").eTag()).isEqualTo(etag);
    }

    @Test
    void copySourceIfModifiedSinceNotModifiedIsPreconditionFailed() {
        String bucket = newBucket("ifmodified");
        s3.putObject(b -> b.bucket(bucket).key("src"), text("data"));
        Instant modified = head(bucket, "src").lastModified();
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("src")
                        .destinationBucket(bucket)
                        .destinationKey("dst")
                        .copySourceIfModifiedSince(modified)),
                412,
                "PreconditionFailed",
                PRECONDITION_FAILED);

        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("dst")
                .copySourceIfModifiedSince(modified.minus(Duration.ofHours(1))));
        assertThat(head(bucket, "dst").contentLength()).isEqualTo(4L);
    }

    @Test
    void copySourceIfUnmodifiedSinceBeforeTheLastChangeIsPreconditionFailed() {
        String bucket = newBucket("ifunmodified");
        s3.putObject(b -> b.bucket(bucket).key("src"), text("data"));
        Instant modified = head(bucket, "src").lastModified();
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("src")
                        .destinationBucket(bucket)
                        .destinationKey("dst")
                        .copySourceIfUnmodifiedSince(modified.minus(Duration.ofHours(1)))),
                412,
                "PreconditionFailed",
                PRECONDITION_FAILED);

        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("dst")
                .copySourceIfUnmodifiedSince(modified));
        assertThat(head(bucket, "dst").contentLength()).isEqualTo(4L);
    }

    @Test
    void copySourceIfMatchTrueOverridesAFailingIfUnmodifiedSince() {
        // S3: when x-amz-copy-source-if-match holds, x-amz-copy-source-if-unmodified-since is not evaluated.
        String bucket = newBucket("matchwins");
        s3.putObject(b -> b.bucket(bucket).key("src"), text("data"));
        HeadObjectResponse h = head(bucket, "src");
        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("dst")
                .copySourceIfMatch(h.eTag())
                .copySourceIfUnmodifiedSince(h.lastModified().minus(Duration.ofHours(1))));
        assertThat(head(bucket, "dst").eTag()).isEqualTo(h.eTag());
    }

    // ---- missing sources ----

    @Test
    void copyFromAMissingKeyIsNoSuchKey() {
        String bucket = newBucket("nokey");
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("absent")
                        .destinationBucket(bucket)
                        .destinationKey("dst")),
                404,
                "NoSuchKey",
                "The specified key does not exist.");
    }

    @Test
    void copyFromAMissingBucketIsNoSuchBucket() {
        String bucket = newBucket("nobucket");
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket("copy-absent-bucket")
                        .sourceKey("k")
                        .destinationBucket(bucket)
                        .destinationKey("dst")),
                404,
                "NoSuchBucket",
                "The specified bucket does not exist");
    }

    // ---- awkward keys ----

    @Test
    void copySourceKeysWithSpacesUnicodeAndPlusAreDecodedCorrectly() {
        String bucket = newBucket("awkward");
        List<String> keys = List.of(
                "dir/with space.txt",
                "a+b=c&d.txt",
                "\u00FCn\u00EFc\u00F6d\u00E9/\u043A\u043B\u044E\u0447 \uD83D\uDE00",
                "percent%2Fliteral",
                "question?mark#hash");
        for (String key : keys) {
            s3.putObject(b -> b.bucket(bucket).key(key), text("body of " + key));
            s3.copyObject(b -> b.sourceBucket(bucket)
                    .sourceKey(key)
                    .destinationBucket(bucket)
                    .destinationKey("copy/" + key));
            assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("copy/" + key))
                            .asUtf8String())
                    .as("copy of %s", key)
                    .isEqualTo("body of " + key);
        }
        // "a+b" must not be read as "a b"
        s3.putObject(b -> b.bucket(bucket).key("a b=c&d.txt"), text("the space one"));
        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("a+b=c&d.txt")
                .destinationBucket(bucket)
                .destinationKey("plus"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("plus")).asUtf8String())
                .isEqualTo("body of a+b=c&d.txt");
    }

    // ---- multipart sources ----

    @Test
    void copyOfAMultipartObjectIsByteIdenticalWithAnMd5Etag() throws Exception {
        String bucket = newBucket("multipart");
        byte[] p1 = bytes(21, 5 * 1024 * 1024);
        byte[] p2 = bytes(22, 1000);
        String id = s3.createMultipartUpload(b -> b.bucket(bucket).key("mp").contentType("application/x-mp"))
                .uploadId();
        String e1 = s3.uploadPart(b -> b.bucket(bucket).key("mp").uploadId(id).partNumber(1), RequestBody.fromBytes(p1))
                .eTag();
        String e2 = s3.uploadPart(b -> b.bucket(bucket).key("mp").uploadId(id).partNumber(2), RequestBody.fromBytes(p2))
                .eTag();
        s3.completeMultipartUpload(b -> b.bucket(bucket)
                .key("mp")
                .uploadId(id)
                .multipartUpload(m -> m.parts(
                        CompletedPart.builder().partNumber(1).eTag(e1).build(),
                        CompletedPart.builder().partNumber(2).eTag(e2).build())));
        byte[] whole = new byte[p1.length + p2.length];
        System.arraycopy(p1, 0, whole, 0, p1.length);
        System.arraycopy(p2, 0, whole, p1.length, p2.length);

        CopyObjectResponse r = s3.copyObject(b ->
                b.sourceBucket(bucket).sourceKey("mp").destinationBucket(bucket).destinationKey("mp-copy"));
        // S3: objects created by the Copy operation (unencrypted or SSE-S3) have an ETag that is the MD5 of their data.
        assertThat(r.copyObjectResult().eTag()).isEqualTo("\"" + md5Hex(whole) + "\"");
        assertThat(get(bucket, "mp-copy")).isEqualTo(whole);
        HeadObjectResponse h = head(bucket, "mp-copy");
        assertThat(h.contentType()).isEqualTo("application/x-mp");
        assertThat(h.contentLength()).isEqualTo(whole.length);
        assertThat(h.eTag()).isEqualTo("\"" + md5Hex(whole) + "\"");
    }

    // ---- shared blobs ----

    @Test
    void deletingTheSourceLeavesTheCopyReadableAndDeletingBothFreesTheBlob() throws Exception {
        String bucket = newBucket("shared");
        Set<Path> before = blobFiles();
        byte[] data = bytes(31, BLOB_SIZE);
        s3.putObject(b -> b.bucket(bucket).key("src"), RequestBody.fromBytes(data));
        assertThat(blobFiles()).hasSize(before.size() + 1);
        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("copy"));
        assertThat(blobFiles()).as("the copy shares the source's blob").hasSize(before.size() + 1);

        s3.deleteObject(b -> b.bucket(bucket).key("src"));
        assertThat(get(bucket, "copy")).isEqualTo(data);
        assertThat(blobFiles()).hasSize(before.size() + 1);

        s3.deleteObject(b -> b.bucket(bucket).key("copy"));
        awaitBlobFilesExactly(before);
    }

    @Test
    void overwritingEveryCopyOfAnObjectFreesItsBlob() throws Exception {
        String bucket = newBucket("overwrite");
        Set<Path> before = blobFiles();
        byte[] data = bytes(41, BLOB_SIZE);
        s3.putObject(b -> b.bucket(bucket).key("src"), RequestBody.fromBytes(data));
        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("c1"));
        s3.copyObject(b ->
                b.sourceBucket(bucket).sourceKey("c1").destinationBucket(bucket).destinationKey("c2"));
        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("src")
                .metadataDirective(MetadataDirective.REPLACE)
                .metadata(Map.of("rewritten", "yes")));

        s3.putObject(b -> b.bucket(bucket).key("src"), text("small"));
        s3.putObject(b -> b.bucket(bucket).key("c1"), text("small"));
        assertThat(get(bucket, "c2")).isEqualTo(data);
        s3.putObject(b -> b.bucket(bucket).key("c2"), text("small"));
        awaitBlobFilesExactly(before);
        for (String key : List.of("src", "c1", "c2"))
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        awaitBlobFilesExactly(before);
    }

    @Test
    void completedMultipartCopiesAndAbortedUploadsLeaveNoBlobFilesOnceDeleted() throws Exception {
        String bucket = newBucket("mpblobs");
        Set<Path> before = blobFiles();
        byte[] p1 = bytes(51, 5 * 1024 * 1024);
        byte[] p2 = bytes(52, 100);
        String id = s3.createMultipartUpload(b -> b.bucket(bucket).key("mp")).uploadId();
        String e1 = s3.uploadPart(b -> b.bucket(bucket).key("mp").uploadId(id).partNumber(1), RequestBody.fromBytes(p1))
                .eTag();
        s3.uploadPart(b -> b.bucket(bucket).key("mp").uploadId(id).partNumber(2), RequestBody.fromBytes(p2));
        s3.uploadPart(
                b -> b.bucket(bucket).key("mp").uploadId(id).partNumber(1), RequestBody.fromBytes(p1)); // replaced
        String e1b = s3.listParts(b -> b.bucket(bucket).key("mp").uploadId(id))
                .parts()
                .get(0)
                .eTag();
        assertThat(e1b).isEqualTo(e1);
        s3.completeMultipartUpload(b -> b.bucket(bucket)
                .key("mp")
                .uploadId(id)
                .multipartUpload(m ->
                        m.parts(CompletedPart.builder().partNumber(1).eTag(e1).build())));
        assertThat(get(bucket, "mp")).isEqualTo(p1);
        s3.copyObject(b ->
                b.sourceBucket(bucket).sourceKey("mp").destinationBucket(bucket).destinationKey("mp-copy"));

        String aborted =
                s3.createMultipartUpload(b -> b.bucket(bucket).key("gone")).uploadId();
        s3.uploadPart(b -> b.bucket(bucket).key("gone").uploadId(aborted).partNumber(1), RequestBody.fromBytes(p2));
        s3.abortMultipartUpload(b -> b.bucket(bucket).key("gone").uploadId(aborted));

        s3.deleteObject(b -> b.bucket(bucket).key("mp"));
        assertThat(get(bucket, "mp-copy")).isEqualTo(p1);
        s3.deleteObject(b -> b.bucket(bucket).key("mp-copy"));
        awaitBlobFilesExactly(before);
    }
}

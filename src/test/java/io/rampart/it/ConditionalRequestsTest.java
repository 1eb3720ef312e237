package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

class ConditionalRequestsTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static S3Client s3;
    static final AtomicInteger SEQ = new AtomicInteger();
    static final String PRECONDITION_MESSAGE = "At least one of the pre-conditions you specified did not hold";
    static final Instant LONG_AGO = Instant.parse("2000-01-01T00:00:00Z");
    static final Instant FUTURE = Instant.now().plusSeconds(24 * 3600);

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
    }

    /** A new bucket holding key "k" with body "v1"; returns {bucket, etag}. */
    static String[] bucketWithObject() {
        String bucket = "cond-" + SEQ.incrementAndGet();
        s3.createBucket(b -> b.bucket(bucket));
        String etag = s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("v1"))
                .eTag();
        return new String[] {bucket, etag};
    }

    static int getStatus(
            String bucket,
            java.util.function.Consumer<software.amazon.awssdk.services.s3.model.GetObjectRequest.Builder> c) {
        try {
            return s3.getObjectAsBytes(b -> c.accept(b.bucket(bucket).key("k")))
                    .response()
                    .sdkHttpResponse()
                    .statusCode();
        } catch (S3Exception e) {
            return e.statusCode();
        }
    }

    @Test
    void getWithMatchingIfMatchReturnsTheObject() {
        String[] o = bucketWithObject();
        assertThat(s3.getObjectAsBytes(b -> b.bucket(o[0]).key("k").ifMatch(o[1]))
                        .asUtf8String())
                .isEqualTo("v1");
    }

    @Test
    void getWithOtherIfMatchIsPreconditionFailed() {
        String[] o = bucketWithObject();
        assertS3Error(
                () -> s3.getObjectAsBytes(b -> b.bucket(o[0]).key("k").ifMatch("\"0123456789abcdef0123456789abcdef\"")),
                412,
                "PreconditionFailed",
                PRECONDITION_MESSAGE);
    }

    @Test
    void headWithOtherIfMatchIs412() {
        String[] o = bucketWithObject();
        assertS3Error(
                () -> s3.headObject(b -> b.bucket(o[0]).key("k").ifMatch("\"0123456789abcdef0123456789abcdef\"")),
                412,
                null);
    }

    @Test
    void getWithMatchingIfNoneMatchIsNotModified() {
        String[] o = bucketWithObject();
        var e = assertS3Error(
                () -> s3.getObjectAsBytes(b -> b.bucket(o[0]).key("k").ifNoneMatch(o[1])), 304, null);
        assertThat(e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("ETag"))
                .contains(o[1]);
    }

    @Test
    void getWithOtherIfNoneMatchReturnsTheObject() {
        String[] o = bucketWithObject();
        assertThat(getStatus(o[0], b -> b.ifNoneMatch("\"0123456789abcdef0123456789abcdef\"")))
                .isEqualTo(200);
    }

    @Test
    void getIfModifiedSinceAFutureDateIsNotModifiedAndSinceLongAgoReturnsTheObject() {
        String[] o = bucketWithObject();
        assertThat(getStatus(o[0], b -> b.ifModifiedSince(FUTURE))).isEqualTo(304);
        assertThat(getStatus(o[0], b -> b.ifModifiedSince(LONG_AGO))).isEqualTo(200);
    }

    @Test
    void getIfUnmodifiedSinceLongAgoIsPreconditionFailedAndSinceAFutureDateReturnsTheObject() {
        String[] o = bucketWithObject();
        assertS3Error(
                () -> s3.getObjectAsBytes(b -> b.bucket(o[0]).key("k").ifUnmodifiedSince(LONG_AGO)),
                412,
                "PreconditionFailed",
                PRECONDITION_MESSAGE);
        assertThat(getStatus(o[0], b -> b.ifUnmodifiedSince(FUTURE))).isEqualTo(200);
    }

    @Test
    void getIfModifiedSinceItsOwnLastModifiedIsNotModified() {
        String[] o = bucketWithObject();
        Instant lastModified = s3.headObject(b -> b.bucket(o[0]).key("k")).lastModified();
        assertThat(getStatus(o[0], b -> b.ifModifiedSince(lastModified))).isEqualTo(304);
        assertThat(getStatus(o[0], b -> b.ifUnmodifiedSince(lastModified))).isEqualTo(200);
    }

    // S3: If-Match true and If-Unmodified-Since false → 200.
    @Test
    void matchingIfMatchWinsOverFailingIfUnmodifiedSince() {
        String[] o = bucketWithObject();
        assertThat(getStatus(o[0], b -> b.ifMatch(o[1]).ifUnmodifiedSince(LONG_AGO)))
                .isEqualTo(200);
    }

    // S3: If-None-Match false (ETag matches) and If-Modified-Since true → 304.
    @Test
    void matchingIfNoneMatchIsNotModifiedEvenWhenModifiedSince() {
        String[] o = bucketWithObject();
        assertThat(getStatus(o[0], b -> b.ifNoneMatch(o[1]).ifModifiedSince(LONG_AGO)))
                .isEqualTo(304);
    }

    // If-None-Match present and true: If-Modified-Since is not evaluated.
    @Test
    void nonMatchingIfNoneMatchReturnsTheObjectEvenWhenNotModifiedSince() {
        String[] o = bucketWithObject();
        assertThat(getStatus(o[0], b -> b.ifNoneMatch("\"other\"").ifModifiedSince(FUTURE)))
                .isEqualTo(200);
    }

    // A failing If-Match is 412 whatever If-None-Match says.
    @Test
    void failingIfMatchIsPreconditionFailedBeforeIfNoneMatchIsConsidered() {
        String[] o = bucketWithObject();
        assertS3Error(
                () -> s3.getObjectAsBytes(
                        b -> b.bucket(o[0]).key("k").ifMatch("\"other\"").ifNoneMatch(o[1])),
                412,
                "PreconditionFailed",
                PRECONDITION_MESSAGE);
    }

    @Test
    void putWithIfNoneMatchStarOnExistingKeyIsPreconditionFailedAndKeepsTheObject() {
        String[] o = bucketWithObject();
        assertS3Error(
                () -> s3.putObject(b -> b.bucket(o[0]).key("k").ifNoneMatch("*"), RequestBody.fromString("v2")),
                412,
                "PreconditionFailed",
                PRECONDITION_MESSAGE);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(o[0]).key("k")).asUtf8String())
                .isEqualTo("v1");
    }

    @Test
    void putWithIfNoneMatchStarOnNewKeyCreatesIt() {
        String[] o = bucketWithObject();
        var put = s3.putObject(b -> b.bucket(o[0]).key("new").ifNoneMatch("*"), RequestBody.fromString("fresh"));
        assertThat(put.sdkHttpResponse().statusCode()).isEqualTo(200);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(o[0]).key("new")).asUtf8String())
                .isEqualTo("fresh");
    }

    @Test
    void putWithIfNoneMatchStarOnDeletedKeyCreatesIt() {
        String[] o = bucketWithObject();
        s3.deleteObject(b -> b.bucket(o[0]).key("k"));
        s3.putObject(b -> b.bucket(o[0]).key("k").ifNoneMatch("*"), RequestBody.fromString("again"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(o[0]).key("k")).asUtf8String())
                .isEqualTo("again");
    }

    @Test
    void putWithMatchingIfMatchReplacesTheObject() {
        String[] o = bucketWithObject();
        s3.putObject(b -> b.bucket(o[0]).key("k").ifMatch(o[1]), RequestBody.fromString("v2"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(o[0]).key("k")).asUtf8String())
                .isEqualTo("v2");
    }

    @Test
    void putWithStaleIfMatchIsPreconditionFailedAndKeepsTheObject() {
        String[] o = bucketWithObject();
        s3.putObject(b -> b.bucket(o[0]).key("k").ifMatch(o[1]), RequestBody.fromString("v2"));
        assertS3Error(
                () -> s3.putObject(b -> b.bucket(o[0]).key("k").ifMatch(o[1]), RequestBody.fromString("v3")),
                412,
                "PreconditionFailed",
                PRECONDITION_MESSAGE);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(o[0]).key("k")).asUtf8String())
                .isEqualTo("v2");
    }

    @Test
    void putWithIfMatchOnMissingKeyIsNoSuchKey() {
        String[] o = bucketWithObject();
        assertS3Error(
                () -> s3.putObject(b -> b.bucket(o[0]).key("absent").ifMatch(o[1]), RequestBody.fromString("v")),
                404,
                "NoSuchKey",
                "The specified key does not exist.");
    }

    @Test
    void concurrentIfNoneMatchStarPutsOfOneNewKeyLetExactlyOneWriterWin() throws Exception {
        String[] o = bucketWithObject();
        int writers = 16;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        try {
            for (int i = 0; i < writers; i++) {
                String body = "writer-" + i;
                Callable<String> c = () -> {
                    go.await();
                    try {
                        s3.putObject(b -> b.bucket(o[0]).key("race").ifNoneMatch("*"), RequestBody.fromString(body));
                        return "won:" + body;
                    } catch (S3Exception e) {
                        return e.statusCode() + ":" + e.awsErrorDetails().errorCode();
                    }
                };
                results.add(pool.submit(c));
            }
            go.countDown();
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : results) outcomes.add(f.get(60, TimeUnit.SECONDS));
            List<String> winners =
                    outcomes.stream().filter(s -> s.startsWith("won:")).toList();
            assertThat(winners).as("outcomes %s", outcomes).hasSize(1);
            // S3 answers the losers 412 PreconditionFailed, or 409 ConditionalRequestConflict while the winner is in
            // flight.
            assertThat(outcomes.stream().filter(s -> !s.startsWith("won:")))
                    .allMatch(s -> s.equals("412:PreconditionFailed") || s.equals("409:ConditionalRequestConflict"));
            String winner = winners.get(0).substring("won:".length());
            assertThat(s3.getObjectAsBytes(b -> b.bucket(o[0]).key("race")).asUtf8String())
                    .isEqualTo(winner);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- CopyObject onto a destination ----

    @Test
    void copyWithIfNoneMatchStarOntoAnExistingKeyIsPreconditionFailedAndOntoANewKeyCopies() {
        String[] o = bucketWithObject();
        s3.putObject(b -> b.bucket(o[0]).key("dst"), RequestBody.fromString("kept"));
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(o[0])
                        .sourceKey("k")
                        .destinationBucket(o[0])
                        .destinationKey("dst")
                        .ifNoneMatch("*")),
                412,
                "PreconditionFailed",
                PRECONDITION_MESSAGE);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(o[0]).key("dst")).asUtf8String())
                .isEqualTo("kept");
        s3.copyObject(b -> b.sourceBucket(o[0])
                .sourceKey("k")
                .destinationBucket(o[0])
                .destinationKey("new")
                .ifNoneMatch("*"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(o[0]).key("new")).asUtf8String())
                .isEqualTo("v1");
    }

    @Test
    void copyWithIfMatchReplacesOnlyTheDestinationItNames() {
        String[] o = bucketWithObject();
        String dstEtag = s3.putObject(b -> b.bucket(o[0]).key("dst"), RequestBody.fromString("old"))
                .eTag();
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(o[0])
                        .sourceKey("k")
                        .destinationBucket(o[0])
                        .destinationKey("dst")
                        .ifMatch(o[1])),
                412,
                "PreconditionFailed",
                PRECONDITION_MESSAGE);
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(o[0])
                        .sourceKey("k")
                        .destinationBucket(o[0])
                        .destinationKey("absent")
                        .ifMatch(dstEtag)),
                404,
                "NoSuchKey");
        s3.copyObject(b -> b.sourceBucket(o[0])
                .sourceKey("k")
                .destinationBucket(o[0])
                .destinationKey("dst")
                .ifMatch(dstEtag));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(o[0]).key("dst")).asUtf8String())
                .isEqualTo("v1");
    }

    // ---- DeleteObject and DeleteObjects ----

    @Test
    void deleteWithMatchingETagLastModifiedAndSizeDeletes() {
        String[] o = bucketWithObject();
        var head = s3.headObject(b -> b.bucket(o[0]).key("k"));
        s3.deleteObject(b -> b.bucket(o[0])
                .key("k")
                .ifMatch(o[1])
                .ifMatchLastModifiedTime(head.lastModified())
                .ifMatchSize(head.contentLength()));
        assertThat(getStatus(o[0], b -> {})).isEqualTo(404);
    }

    @Test
    void deleteWhoseConditionsDoNotHoldIsPreconditionFailedAndKeepsTheObject() {
        String[] o = bucketWithObject();
        var head = s3.headObject(b -> b.bucket(o[0]).key("k"));
        assertS3Error(
                () -> s3.deleteObject(b -> b.bucket(o[0]).key("k").ifMatch("\"0123456789abcdef0123456789abcdef\"")),
                412,
                "PreconditionFailed",
                PRECONDITION_MESSAGE);
        assertS3Error(
                () -> s3.deleteObject(b -> b.bucket(o[0]).key("k").ifMatchLastModifiedTime(LONG_AGO)),
                412,
                "PreconditionFailed",
                PRECONDITION_MESSAGE);
        assertS3Error(
                () -> s3.deleteObject(b -> b.bucket(o[0]).key("k").ifMatchSize(head.contentLength() + 1)),
                412,
                "PreconditionFailed",
                PRECONDITION_MESSAGE);
        assertS3Error(() -> s3.deleteObject(b -> b.bucket(o[0]).key("absent").ifMatchSize(2L)), 404, "NoSuchKey");
        assertThat(getStatus(o[0], b -> {})).isEqualTo(200);
    }

    @Test
    void deleteObjectsChecksEachEntrysETagLastModifiedTimeAndSize() {
        String[] o = bucketWithObject();
        for (String k : new String[] {"a", "b", "c", "d"})
            s3.putObject(b -> b.bucket(o[0]).key(k), RequestBody.fromString("xy"));
        var head = s3.headObject(b -> b.bucket(o[0]).key("a"));
        var r = s3.deleteObjects(b -> b.bucket(o[0])
                .delete(d -> d.objects(
                        software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder()
                                .key("k")
                                .eTag(o[1])
                                .build(),
                        software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder()
                                .key("a")
                                .eTag(head.eTag())
                                .lastModifiedTime(head.lastModified())
                                .size(2L)
                                .build(),
                        software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder()
                                .key("b")
                                .eTag("\"ffff\"")
                                .build(),
                        software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder()
                                .key("c")
                                .size(3L)
                                .build(),
                        software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder()
                                .key("d")
                                .lastModifiedTime(LONG_AGO)
                                .build())));
        assertThat(r.deleted()).extracting(d -> d.key()).containsExactlyInAnyOrder("k", "a");
        assertThat(r.errors())
                .extracting(e -> e.key() + ":" + e.code())
                .containsExactlyInAnyOrder("b:PreconditionFailed", "c:PreconditionFailed", "d:PreconditionFailed");
        for (String k : new String[] {"b", "c", "d"}) {
            assertThat(s3.getObjectAsBytes(b -> b.bucket(o[0]).key(k)).asUtf8String())
                    .isEqualTo("xy");
        }
    }

    // S3, like HTTP, ignores a date it cannot parse.
    @Test
    void unparseableIfModifiedSinceAndIfUnmodifiedSinceAreIgnored() {
        String[] o = bucketWithObject();
        RawS3 raw = new RawS3(server);
        for (String header : new String[] {"If-Modified-Since", "If-Unmodified-Since"}) {
            var r = raw.signed("GET", "/" + o[0] + "/k", java.util.Map.of(header, "not a date"), null);
            assertThat(r.status()).as(header).isEqualTo(200);
            assertThat(r.text()).isEqualTo("v1");
        }
    }

    @Test
    void notModifiedResponseHasNoBodyButCarriesETagAndLastModified() {
        String[] o = bucketWithObject();
        var r = new RawS3(server).signed("GET", "/" + o[0] + "/k", java.util.Map.of("If-None-Match", o[1]), null);
        assertThat(r.status()).isEqualTo(304);
        assertThat(r.body()).isEmpty();
        assertThat(r.header("etag")).isEqualTo(o[1]);
        assertThat(r.header("last-modified")).isNotBlank();
    }
}

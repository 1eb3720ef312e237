package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Writes that take data other rows already hold (a copy shares its source's blobs, a completion its parts'), racing
 * the request that lets that data go. With the recovery window off, a deleted version's blob is released at once: an
 * acknowledged copy or completion must still read back byte for byte, or the request must fail as S3 says.
 */
class WriteRaceTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults().recoveryWindow(Duration.ZERO);

    /** Larger than the inline limit: the bytes live in a blob file that a copy shares. */
    private static final int BLOB_SIZE = 100 * 1024;

    private static final int ROUNDS = 60;
    private static final int COPIES = 6;

    static S3Client s3;
    static ExecutorService pool;

    @BeforeAll
    static void start() {
        s3 = RAMPART.s3();
        pool = Executors.newFixedThreadPool(COPIES + 1);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    private static byte[] bytes(long seed) {
        byte[] b = new byte[BLOB_SIZE];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * Holds a request back by up to {@code maxMicros} (spinning, not sleeping: no scheduler granularity), so that over
     * the rounds the racing requests meet in every order, including inside each other's read-then-write window.
     */
    private static void jitter(Random random, int maxMicros) {
        long until = System.nanoTime() + random.nextInt(maxMicros + 1) * 1000L;
        while (System.nanoTime() < until) Thread.onSpinWait();
    }

    private static String code(Throwable t) {
        Throwable cause = t instanceof java.util.concurrent.ExecutionException ? t.getCause() : t;
        return cause instanceof S3Exception e ? e.awsErrorDetails().errorCode() : cause.toString();
    }

    /** Copies (by version id and of the latest) racing a delete of their source, in a versioned or unversioned bucket. */
    private void copiesRacingTheirSourcesDeletion(String bucket, boolean versioned) throws Exception {
        s3.createBucket(b -> b.bucket(bucket));
        if (versioned) {
            s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
        }
        Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            byte[] data = bytes(round);
            String versionId = s3.putObject(b -> b.bucket(bucket).key("src"), RequestBody.fromBytes(data))
                    .versionId();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> copies = new ArrayList<>();
            for (int i = 0; i < COPIES; i++) {
                String dest = "dst/" + round + "/" + i;
                boolean byVersion = versioned && i % 2 == 1;
                copies.add(pool.submit(() -> {
                    go.await();
                    try {
                        s3.copyObject(b -> {
                            b.sourceBucket(bucket)
                                    .sourceKey("src")
                                    .destinationBucket(bucket)
                                    .destinationKey(dest);
                            if (byVersion) b.sourceVersionId(versionId);
                        });
                        acknowledged.put(dest, data);
                        outcomes.computeIfAbsent("200", k -> new AtomicInteger())
                                .incrementAndGet();
                    } catch (S3Exception e) {
                        String code = e.awsErrorDetails().errorCode();
                        outcomes.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
                        assertThat(code)
                                .as("a copy whose source was deleted (by version id: %s)", byVersion)
                                .isEqualTo(byVersion ? "NoSuchVersion" : "NoSuchKey");
                    }
                    return null;
                }));
            }
            Random random = new Random(round);
            Future<?> delete = pool.submit(() -> {
                go.await();
                jitter(random, 4000);
                if (versioned) s3.deleteObject(b -> b.bucket(bucket).key("src").versionId(versionId));
                else s3.deleteObject(b -> b.bucket(bucket).key("src"));
                return null;
            });
            go.countDown();
            delete.get();
            for (Future<?> f : copies) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError("copy failed: " + code(e), e.getCause());
                }
            }
        }
        assertThat(acknowledged).as("outcomes %s", outcomes).isNotEmpty();
        for (Map.Entry<String, byte[]> e : acknowledged.entrySet()) {
            byte[] got;
            try {
                got = s3.getObjectAsBytes(b -> b.bucket(bucket).key(e.getKey())).asByteArray();
            } catch (S3Exception ex) {
                throw new AssertionError(
                        "acknowledged copy " + e.getKey() + " cannot be read: " + code(ex) + " (outcomes " + outcomes
                                + ")",
                        ex);
            }
            assertThat(got)
                    .as("acknowledged copy %s (outcomes %s)", e.getKey(), outcomes)
                    .isEqualTo(e.getValue());
        }
    }

    @Test
    void everyAcknowledgedCopyRacingADeleteOfItsSourceVersionReadsBackByteIdentical() throws Exception {
        copiesRacingTheirSourcesDeletion("race-versioned", true);
    }

    @Test
    void everyAcknowledgedCopyRacingADeleteOfItsUnversionedSourceReadsBackByteIdentical() throws Exception {
        copiesRacingTheirSourcesDeletion("race-unversioned", false);
    }

    @Test
    void aCompletionRacingAnUploadOfTheSamePartAgainReadsBackByteIdentical() throws Exception {
        String bucket = "race-multipart";
        s3.createBucket(b -> b.bucket(bucket));
        List<String> unreadable = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            String key = "mp/" + round;
            byte[] data = bytes(1000 + round);
            String uploadId =
                    s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
            String etag = s3.uploadPart(
                            b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
                            RequestBody.fromBytes(data))
                    .eTag();
            CountDownLatch go = new CountDownLatch(1);
            // The same bytes again (the same ETag), as a client retrying a part does: the completion's part list
            // stays valid, only the blob under part 1 changes (and the first one is released).
            Future<?> again = pool.submit(() -> {
                go.await();
                try {
                    s3.uploadPart(
                            b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
                            RequestBody.fromBytes(data));
                } catch (S3Exception e) {
                    assertThat(code(e))
                            .as("an upload of a part after the completion")
                            .isEqualTo("NoSuchUpload");
                }
                return null;
            });
            Random random = new Random(round);
            Future<?> complete = pool.submit(() -> {
                go.await();
                jitter(random, 12_000);
                s3.completeMultipartUpload(b -> b.bucket(bucket)
                        .key(key)
                        .uploadId(uploadId)
                        .multipartUpload(m -> m.parts(
                                CompletedPart.builder().partNumber(1).eTag(etag).build())));
                return null;
            });
            go.countDown();
            again.get();
            complete.get();
            try {
                byte[] got = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
                if (!java.util.Arrays.equals(got, data)) unreadable.add(key + ": other bytes");
            } catch (S3Exception e) {
                unreadable.add(key + ": " + code(e));
            }
        }
        assertThat(unreadable)
                .as("acknowledged completions that do not read back")
                .isEmpty();
    }
}

package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * GETs racing the request that removes the version they read. With the recovery window off, a deleted version's blob
 * is released as soon as the delete commits: a GET that read the version's row just before must still answer as S3
 * does (the version's exact bytes, or NoSuchKey / NoSuchVersion once it is gone, or the new current version's bytes
 * after an overwrite), never a 500 or bytes of another version.
 */
class ReadRaceTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults().recoveryWindow(Duration.ZERO);

    /** Larger than the inline limit: the bytes live in a blob file that the delete releases. */
    private static final int BLOB_SIZE = 100 * 1024;

    private static final int ROUNDS = 40;
    private static final int READERS = 6;

    static S3Client s3;
    /** Sees the server's first answer: the SDK's default strategy would retry a 500 and hide it. */
    static S3Client once;

    static ExecutorService pool;

    @BeforeAll
    static void start() {
        s3 = RAMPART.s3();
        once = S3Client.builder()
                .endpointOverride(RAMPART.server().endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)))
                .forcePathStyle(true)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        pool = Executors.newFixedThreadPool(READERS + 1);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
        once.close();
    }

    private static byte[] bytes(long seed) {
        byte[] b = new byte[BLOB_SIZE];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Holds a request back by up to {@code maxMicros}, spinning, so that the racers meet in every order. */
    private static void jitter(Random random, int maxMicros) {
        long until = System.nanoTime() + random.nextInt(maxMicros + 1) * 1000L;
        while (System.nanoTime() < until) Thread.onSpinWait();
    }

    /**
     * Rounds of: PUT a version, then {@link #READERS} GETs (of the latest, or by version id) racing {@code change}.
     * Each GET must answer one of {@code allowed} (the bytes of a version the key had, or an error code).
     */
    private void readsRacing(String bucket, boolean versioned, boolean byVersion, Change change) throws Exception {
        s3.createBucket(b -> b.bucket(bucket));
        if (versioned) {
            s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
        }
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int round = 0; round < ROUNDS; round++) {
            String key = "k" + round;
            byte[] data = bytes(round);
            byte[] next = bytes(10_000 + round);
            String versionId = s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data))
                    .versionId();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> reads = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                reads.add(pool.submit(() -> {
                    go.await();
                    String outcome;
                    try {
                        byte[] got = once.getObjectAsBytes(b -> {
                                    b.bucket(bucket).key(key);
                                    if (byVersion) b.versionId(versionId);
                                })
                                .asByteArray();
                        outcome = Arrays.equals(got, data)
                                ? "old bytes"
                                : Arrays.equals(got, next) ? "new bytes" : "other bytes";
                    } catch (S3Exception e) {
                        outcome = e.statusCode() + " " + e.awsErrorDetails().errorCode();
                    }
                    outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                    if (!change.allowed().contains(outcome)) wrong.add(key + ": " + outcome);
                    return null;
                }));
            }
            Random random = new Random(round);
            Future<?> writer = pool.submit(() -> {
                go.await();
                jitter(random, 3000);
                change.run(bucket, key, versionId, next);
                return null;
            });
            go.countDown();
            writer.get();
            for (Future<?> f : reads) f.get();
        }
        System.out.println(bucket + " outcomes " + outcomes);
        assertThat(wrong)
                .as("GETs that answered what S3 would not (outcomes %s)", outcomes)
                .isEmpty();
    }

    /** What races the GETs, and what S3 may answer them. */
    private interface Change {
        void run(String bucket, String key, String versionId, byte[] next);

        List<String> allowed();
    }

    /** Two parts: a range across their boundary reads the second part's blob after the response has begun. */
    @Test
    void aRangeGetAcrossPartsRacingTheDeleteOfItsMultipartObjectAnswersItsBytesWholeOrNoSuchKey() throws Exception {
        String bucket = "race-get-multipart";
        s3.createBucket(b -> b.bucket(bucket));
        int part = 5 * 1024 * 1024;
        byte[] first = new byte[part];
        new Random(7).nextBytes(first);
        byte[] second = new byte[4096];
        new Random(8).nextBytes(second);
        byte[] expected = new byte[2048];
        System.arraycopy(first, part - 1024, expected, 0, 1024);
        System.arraycopy(second, 0, expected, 1024, 1024);
        String range = "bytes=" + (part - 1024) + "-" + (part + 1023);
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int round = 0; round < ROUNDS / 2; round++) {
            String key = "mp" + round;
            String uploadId =
                    s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
            String e1 = s3.uploadPart(
                            b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
                            RequestBody.fromBytes(first))
                    .eTag();
            String e2 = s3.uploadPart(
                            b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(2),
                            RequestBody.fromBytes(second))
                    .eTag();
            s3.completeMultipartUpload(b -> b.bucket(bucket)
                    .key(key)
                    .uploadId(uploadId)
                    .multipartUpload(m -> m.parts(
                            software.amazon.awssdk.services.s3.model.CompletedPart.builder()
                                    .partNumber(1)
                                    .eTag(e1)
                                    .build(),
                            software.amazon.awssdk.services.s3.model.CompletedPart.builder()
                                    .partNumber(2)
                                    .eTag(e2)
                                    .build())));
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> reads = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                reads.add(pool.submit(() -> {
                    go.await();
                    String outcome;
                    try {
                        byte[] got = once.getObjectAsBytes(
                                        b -> b.bucket(bucket).key(key).range(range))
                                .asByteArray();
                        outcome = Arrays.equals(got, expected) ? "old bytes" : "other bytes";
                    } catch (S3Exception e) {
                        outcome = e.statusCode() + " " + e.awsErrorDetails().errorCode();
                    } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
                        outcome = "broken response: " + e.getMessage();
                    }
                    outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                    if (!List.of("old bytes", "404 NoSuchKey").contains(outcome)) wrong.add(key + ": " + outcome);
                    return null;
                }));
            }
            Random random = new Random(round);
            Future<?> delete = pool.submit(() -> {
                go.await();
                jitter(random, 3000);
                s3.deleteObject(b -> b.bucket(bucket).key(key));
                return null;
            });
            go.countDown();
            delete.get();
            for (Future<?> f : reads) f.get();
        }
        System.out.println(bucket + " outcomes " + outcomes);
        assertThat(wrong)
                .as("GETs that answered what S3 would not (outcomes %s)", outcomes)
                .isEmpty();
    }

    @Test
    void aGetRacingTheDeleteOfItsUnversionedObjectAnswersItsBytesOrNoSuchKey() throws Exception {
        readsRacing("race-get-delete", false, false, new Change() {
            @Override
            public void run(String bucket, String key, String versionId, byte[] next) {
                s3.deleteObject(b -> b.bucket(bucket).key(key));
            }

            @Override
            public List<String> allowed() {
                return List.of("old bytes", "404 NoSuchKey");
            }
        });
    }

    @Test
    void aGetByVersionIdRacingTheDeleteOfThatVersionAnswersItsBytesOrNoSuchVersion() throws Exception {
        readsRacing("race-get-delete-version", true, true, new Change() {
            @Override
            public void run(String bucket, String key, String versionId, byte[] next) {
                s3.deleteObject(b -> b.bucket(bucket).key(key).versionId(versionId));
            }

            @Override
            public List<String> allowed() {
                return List.of("old bytes", "404 NoSuchVersion");
            }
        });
    }

    @Test
    void aGetRacingAnOverwriteAnswersTheOldOrTheNewBytesWhole() throws Exception {
        readsRacing("race-get-overwrite", false, false, new Change() {
            @Override
            public void run(String bucket, String key, String versionId, byte[] next) {
                s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(next));
            }

            @Override
            public List<String> allowed() {
                return List.of("old bytes", "new bytes");
            }
        });
    }
}

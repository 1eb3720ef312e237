package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Concurrent writers: one key ends with one complete winner; different keys all land. */
class ConcurrencyTest {
    // Window off: these tests see blobs released the moment their last version goes (RecoveryWindowTest: with it on).
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults().recoveryWindow(java.time.Duration.ZERO);

    static RampartServer server;
    static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        s3.createBucket(b -> b.bucket("race"));
    }

    private static byte[] filled(int size, int value) {
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void concurrentPutsToOneKeyLeaveExactlyOneCompleteWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int v = i;
            // Large enough to be blobs, so a mix of two writers' bytes would be possible if writes were not atomic.
            futures.add(pool.submit(() ->
                    s3.putObject(b -> b.bucket("race").key("same"), RequestBody.fromBytes(filled(300_000 + v, v)))));
        }
        for (Future<?> f : futures) f.get();
        pool.shutdown();
        byte[] got = s3.getObjectAsBytes(b -> b.bucket("race").key("same")).asByteArray();
        int winner = got[0];
        assertThat(got).hasSize(300_000 + winner).containsOnly((byte) winner);
        try (var files = java.nio.file.Files.walk(server.dataDir().resolve("blobs"))) {
            assertThat(files.filter(java.nio.file.Files::isRegularFile).count())
                    .as("losers' blobs released")
                    .isEqualTo(1);
        }
    }

    @Test
    void concurrentPutsToDifferentKeysAllLand() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int v = i;
            futures.add(pool.submit(
                    () -> s3.putObject(b -> b.bucket("race").key("k/" + v), RequestBody.fromBytes(filled(v * 10, v)))));
        }
        for (Future<?> f : futures) f.get();
        pool.shutdown();
        assertThat(s3.listObjectsV2Paginator(b -> b.bucket("race").prefix("k/")).contents().stream()
                        .count())
                .isEqualTo(200);
        for (int i = 0; i < 200; i += 17) {
            int v = i;
            assertThat(s3.getObjectAsBytes(b -> b.bucket("race").key("k/" + v)).asByteArray())
                    .isEqualTo(filled(v * 10, v));
        }
    }
}

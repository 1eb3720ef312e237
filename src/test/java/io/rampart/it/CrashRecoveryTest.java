package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Durability under kill -9: the server runs as a child process, clients write concurrently, the process is killed
 * without warning, and after a restart every acknowledged write reads back byte-identical, nothing partial is visible,
 * and no orphan blob or temporary file is left.
 */
class CrashRecoveryTest {

    @TempDir
    Path dataDir;

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void killNineDuringConcurrentPutsLosesNoAcknowledgedWriteAndLeavesNoOrphans() throws Exception {
        int port = ChildServer.freePort();
        // Window off: the test counts blob files against live objects (the window's own blobs: RecoveryWindowTest).
        Process server = ChildServer.start(dataDir, port, "--recovery-window", "0");
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        Map<String, Set<String>> attempted = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (S3Client s3 = ChildServer.client(port)) {
            s3.createBucket(b -> b.bucket("crash"));
            for (int t = 0; t < 8; t++) {
                int thread = t;
                pool.submit(() -> {
                    Random rnd = new Random(thread);
                    int i = 0;
                    while (!stop.get()) {
                        // Mix inline-sized objects with blob-sized ones, and overwrite some keys.
                        String key = "t" + thread + "/k" + (i % 40 == 39 ? i - 20 : i);
                        int size = rnd.nextInt(4) == 0 ? 100_000 + rnd.nextInt(300_000) : rnd.nextInt(5_000);
                        byte[] data = new byte[size];
                        rnd.nextBytes(data);
                        try {
                            String digest = sha256(data);
                            attempted
                                    .computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet())
                                    .add(digest);
                            s3.putObject(b -> b.bucket("crash").key(key), RequestBody.fromBytes(data));
                            acknowledged.put(key, digest);
                        } catch (Exception e) {
                            // The kill interrupts in-flight writes; those were never acknowledged.
                        }
                        i++;
                    }
                    return null;
                });
            }
            Thread.sleep(2500);
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
            stop.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acknowledged).as("writes acknowledged before the kill").isNotEmpty();

        Process restarted = ChildServer.start(dataDir, port, "--recovery-window", "0");
        try (S3Client s3 = ChildServer.client(port)) {
            for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                byte[] got = s3.getObjectAsBytes(b -> b.bucket("crash").key(e.getKey()))
                        .asByteArray();
                // The acknowledged write, or a later attempt to the same key that also committed; never a mix.
                assertThat(attempted.get(e.getKey()))
                        .as("content of " + e.getKey())
                        .contains(sha256(got));
            }
            List<S3Object> listed = new ArrayList<>();
            s3.listObjectsV2Paginator(b -> b.bucket("crash")).contents().forEach(listed::add);
            long blobSized = 0;
            for (S3Object o : listed) {
                byte[] got;
                try {
                    got = s3.getObjectAsBytes(b -> b.bucket("crash").key(o.key()))
                            .asByteArray();
                } catch (NoSuchKeyException e) {
                    throw new AssertionError("listed but unreadable: " + o.key(), e);
                }
                assertThat(got).hasSize(o.size().intValue());
                assertThat(attempted.get(o.key()))
                        .as("listed object " + o.key() + " is one complete attempted write")
                        .contains(sha256(got));
                if (o.size() > 64 * 1024) blobSized++;
            }
            assertThat(listed.size()).isGreaterThanOrEqualTo(acknowledged.size());
            // Each blob-sized object owns exactly one blob; anything more is an orphan the start-up sweep missed.
            try (Stream<Path> files = Files.walk(dataDir.resolve("blobs"))) {
                assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(blobSized);
            }
            try (Stream<Path> temps = Files.list(dataDir.resolve("tmp"))) {
                assertThat(temps.count()).isZero();
            }
        } finally {
            restarted.destroy();
            assertThat(restarted.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(restarted.exitValue()).as("exit status after SIGTERM").isZero();
        }
    }
}

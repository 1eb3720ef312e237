package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import io.rampart.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The trail under kill -9 (server in a child process, as in {@link CrashRecoveryTest}): every PutObject acknowledged
 * before the kill has its record after a restart, the trail validates clean, and {@code rampart trail validate}
 * reports tampering with a non-zero exit.
 */
class TrailITCrashTest {

    @TempDir
    Path dataDir;

    private record Run(int exit, String out) {}

    private static Run cli(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int exit;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            exit = Main.commandLine().execute(args);
        } finally {
            System.setOut(saved);
        }
        return new Run(exit, buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyAcknowledgedPutHasItsRecordAfterKillNineAndTamperingIsReported() throws Exception {
        int port = ChildServer.freePort();
        Process server = ChildServer.start(dataDir, port);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (S3Client s3 = ChildServer.client(port)) {
            s3.createBucket(b -> b.bucket("audited"));
            for (int t = 0; t < 8; t++) {
                int thread = t;
                pool.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String key = "t" + thread + "/k" + i;
                        try {
                            s3.putObject(b -> b.bucket("audited").key(key), RequestBody.fromString(key));
                            acknowledged.add(key);
                        } catch (Exception e) {
                            // The kill interrupts in-flight writes; those were never acknowledged.
                        }
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

        // Restart (the leftover segment is sealed), then a clean stop (SIGTERM: a final digest signs everything).
        Process restarted = ChildServer.start(dataDir, port);
        restarted.destroy();
        assertThat(restarted.waitFor(60, TimeUnit.SECONDS)).isTrue();

        List<JsonNode> puts = new TrailQuery(null, null, null, null, "PutObject", "audited", null, null)
                .run(TrailLayout.ofDataDir(dataDir));
        Set<String> recorded = puts.stream()
                .filter(r -> !r.has("errorCode"))
                .map(r -> r.path("requestParameters").path("key").asText())
                .collect(Collectors.toSet());
        assertThat(recorded).as("acknowledged PutObjects with a record").containsAll(acknowledged);

        Run clean = cli("trail", "validate", "--data-dir", dataDir.toString());
        assertThat(clean.exit()).as(clean.out()).isZero();
        assertThat(clean.out()).contains("Trail valid");

        Run query = cli("trail", "query", "--data-dir", dataDir.toString(), "--event-name", "PutObject", "--json");
        assertThat(query.exit()).isZero();
        assertThat(query.out().lines().count()).isGreaterThanOrEqualTo(acknowledged.size());

        // Edit one byte of a log file: reported, exit 1.
        TrailLayout layout = TrailLayout.ofDataDir(dataDir);
        Path log = layout.resolve(layout.logFiles().get(0));
        byte[] original = Files.readAllBytes(log);
        byte[] edited = original.clone();
        edited[edited.length / 2] ^= 0x20;
        Files.write(log, edited);
        Run tampered = cli("trail", "validate", "--data-dir", dataDir.toString());
        assertThat(tampered.exit()).as(tampered.out()).isEqualTo(1);
        assertThat(tampered.out()).contains("modified").contains("Trail INVALID");
        Files.write(log, original);

        // Drop the newest digest: reported as missing.
        List<String> digests = layout.digestFiles();
        Path newest = layout.resolve(digests.get(digests.size() - 1));
        Files.delete(newest);
        Run dropped = cli("trail", "validate", "--data-dir", dataDir.toString(), "--json");
        assertThat(dropped.exit()).as(dropped.out()).isEqualTo(1);
        assertThat(dropped.out()).contains("\"status\" : \"missing\"");
    }
}

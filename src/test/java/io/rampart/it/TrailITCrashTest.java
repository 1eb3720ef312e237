package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import io.rampart.cli.Main;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The trail under kill -9 (server in a child process, as in {@link CrashRecoveryTest}): every PutObject acknowledged
 * before the kill has its record after a restart, the trail validates clean, and {@code rampart trail validate}
 * reports tampering with a non-zero exit.
 */
class TrailITCrashTest {

    @TempDir Path dataDir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Process startServer(int port) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.rampart.cli.Main",
                "server", "--data-dir", dataDir.toString(), "--port", Integer.toString(port));
        pb.environment().put("RAMPART_ROOT_ACCESS_KEY", RampartServer.ACCESS_KEY);
        pb.environment().put("RAMPART_ROOT_SECRET_KEY", RampartServer.SECRET_KEY);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while ((line = out.readLine()) != null) {
            if (line.contains("Rampart listening on")) break;
            if (System.nanoTime() > deadline) break;
        }
        assertThat(line).as("server start-up line").contains("Rampart listening on");
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) { /* keep the pipe from filling */ }
            } catch (java.io.IOException ignored) {
                // process ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    private static S3Client client(int port) {
        return S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)))
                .forcePathStyle(true)
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(30)))
                .build();
    }

    private record Run(int exit, String out) { }

    private static Run cli(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int exit;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            exit = new CommandLine(new Main()).execute(args);
        } finally {
            System.setOut(saved);
        }
        return new Run(exit, buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyAcknowledgedPutHasItsRecordAfterKillNineAndTamperingIsReported() throws Exception {
        int port = freePort();
        Process server = startServer(port);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (S3Client s3 = client(port)) {
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
        Process restarted = startServer(port);
        restarted.destroy();
        assertThat(restarted.waitFor(60, TimeUnit.SECONDS)).isTrue();

        List<JsonNode> puts = new TrailQuery(null, null, null, null, "PutObject", "audited", null)
                .run(TrailLayout.ofDataDir(dataDir));
        Set<String> recorded = puts.stream().filter(r -> !r.has("errorCode"))
                .map(r -> r.path("requestParameters").path("key").asText()).collect(Collectors.toSet());
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

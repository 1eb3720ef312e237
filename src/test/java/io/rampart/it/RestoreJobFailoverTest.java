package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.storage.MetadataLocation;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/**
 * Background restores are kept in the metadata database (issue 17): a job interrupted by a crash is taken up again
 * and completes, on the same node after a restart (SQLite) or on a surviving node (two server processes on one
 * PostgreSQL database, the one running the job killed with SIGKILL), and any node answers a job's status. Each job
 * brings back a few thousand deleted keys (several chunks), so that it is still running when its node dies; the test
 * checks that it was (the row still RUNNING, taken up again afterwards) rather than assuming it.
 */
class RestoreJobFailoverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEYS = 2_500;

    record Node(Path dir, int port, Process process, S3Client s3, RawS3 raw, List<String> output) {
        void stop() throws InterruptedException {
            s3.close();
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aJobInterruptedByACrashIsTakenUpAtTheNextStartAndCompletes(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("node"));
        int port = ChildServer.freePort();
        Node first = start(dir, port);
        Map<String, String> written;
        String id;
        try {
            written = deletedKeys(first.s3(), "jobs");
            id = startJob(first.raw(), "jobs");
        } finally {
            // A crash in the middle of the job.
            first.stop();
        }
        Path db = dir.resolve("rampart.db");
        assertThat(row(sqlite(db), id).state())
                .as("the job was still running when its server died")
                .isEqualTo("RUNNING");

        Node again = start(dir, port);
        try {
            JsonNode job = awaitDone(again.raw(), id, Duration.ofSeconds(90));
            assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertThat(job.path("bucket").asText()).isEqualTo("jobs");
            assertThat(job.path("apply").asBoolean()).isTrue();
            assertThat(row(sqlite(db), id).attempts())
                    .as("the restarted server took the job up again")
                    .isEqualTo(1);
            assertRestored(again.s3(), "jobs", written);
        } finally {
            again.stop();
        }
    }

    @Test
    void aJobRunningWhenTheServerStopsIsHandedBackAndFinishedAtTheNextStart(@TempDir Path tmp) throws Exception {
        io.rampart.http.Rampart.Config config = RampartServer.defaults(Files.createDirectories(tmp.resolve("node")))
                .build();
        Map<String, String> written;
        String id;
        try (io.rampart.http.Rampart r = io.rampart.http.Rampart.start(config);
                S3Client s3 = ChildServer.client(URI.create(r.endpoint()).getPort())) {
            written = deletedKeys(s3, "jobs");
            id = startJob(new RawS3(URI.create(r.endpoint())), "jobs");
        }
        // Stopped at its next chunk and handed back: unclaimed, due at once.
        try (io.rampart.http.Rampart r = io.rampart.http.Rampart.start(config);
                S3Client s3 = ChildServer.client(URI.create(r.endpoint()).getPort())) {
            RawS3 raw = new RawS3(URI.create(r.endpoint()));
            JsonNode job = awaitDone(raw, id, Duration.ofSeconds(90));
            assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertRestored(s3, "jobs", written);
        }
        Connect db = TestPostgres.selected()
                ? postgres((MetadataLocation.Postgres) config.metadata())
                : sqlite(config.dataDir().resolve("rampart.db"));
        assertThat(row(db, id).attempts())
                .as("the job was still running when the server stopped, and was taken up again")
                .isEqualTo(1);
    }

    @Test
    void aJobStartedOnANodeThatIsKilledIsPolledAndFinishedByAnother(@TempDir Path tmp) throws Exception {
        MetadataLocation.Postgres db = TestPostgres.freshDatabase();
        Path blobs = Files.createDirectories(tmp.resolve("shared-blobs"));
        byte[] masterKey = new byte[32];
        new SecureRandom().nextBytes(masterKey);
        Path keyFile = tmp.resolve("master.key.b64");
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(masterKey));
        String[] shared = {
            "--metadata", db.toString(), "--blobs", blobs.toString(), "--master-key-file", keyFile.toString()
        };
        Node a = start(Files.createDirectories(tmp.resolve("node-a")), ChildServer.freePort(), shared);
        Node b = start(Files.createDirectories(tmp.resolve("node-b")), ChildServer.freePort(), shared);
        try {
            Map<String, String> written = deletedKeys(a.s3(), "jobs");
            String id = startJob(a.raw(), "jobs");
            // A stops where it is (SIGSTOP), so that B is asked while the job is certainly unfinished; then it dies.
            signal(a.process(), "STOP");
            JsonNode polled = status(b.raw(), id);
            assertThat(polled.path("state").asText())
                    .as("node B answers for the job A runs: %s", polled)
                    .isEqualTo("RUNNING");
            assertThat(polled.path("bucket").asText()).isEqualTo("jobs");
            String nodeA = nodeId(a.dir());
            assertThat(row(postgres(db), id).node()).isEqualTo(nodeA);
            a.stop();

            JsonNode job = awaitDone(b.raw(), id, Duration.ofSeconds(120));
            assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
            Row finished = row(postgres(db), id);
            assertThat(finished.node()).as("the node that finished the job").isEqualTo(nodeId(b.dir()));
            assertThat(finished.attempts()).isEqualTo(1);
            assertRestored(b.s3(), "jobs", written);
            // The finished job is listed through the survivor too.
            RawS3.Reply list = b.raw().signed("GET", "/_rampart/admin/restore/jobs", Map.of(), null);
            assertThat(list.status()).isEqualTo(200);
            assertThat(JSON.readTree(list.body()).get("jobs").findValuesAsText("id"))
                    .contains(id);
        } catch (AssertionError | RuntimeException e) {
            for (Node n : List.of(a, b)) {
                List<String> out = n.output();
                System.err.println("---- node on port " + n.port() + " (last lines) ----");
                out.subList(Math.max(0, out.size() - 40), out.size()).forEach(System.err::println);
            }
            throw e;
        } finally {
            signal(a.process(), "CONT");
            a.stop();
            b.stop();
        }
    }

    private static Node start(Path dir, int port, String... options) throws Exception {
        List<String> output = new CopyOnWriteArrayList<>();
        Process p = ChildServer.start(dir, port, output, options);
        return new Node(
                dir, port, p, ChildServer.client(port), new RawS3(URI.create("http://127.0.0.1:" + port)), output);
    }

    /**
     * A versioned bucket of {@link #KEYS} small objects, each then deleted (a delete marker on top): the SHA-256 of
     * each key's bytes.
     */
    private static Map<String, String> deletedKeys(S3Client s3, String bucket) throws Exception {
        s3.createBucket(b -> b.bucket(bucket));
        s3.putBucketVersioning(
                b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        Map<String, String> written = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                puts.add(pool.submit(() -> {
                    for (int i = thread; i < KEYS; i += 8) {
                        String key = String.format("k/%05d", i);
                        byte[] body = new byte[ThreadLocalRandom.current().nextInt(1, 2048)];
                        ThreadLocalRandom.current().nextBytes(body);
                        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body));
                        written.put(key, sha256(body));
                    }
                    return null;
                }));
            }
            for (Future<?> f : puts) f.get(5, TimeUnit.MINUTES);
        } finally {
            pool.shutdown();
        }
        List<String> keys = new ArrayList<>(written.keySet());
        for (int i = 0; i < keys.size(); i += 1000) {
            List<ObjectIdentifier> batch = keys.subList(i, Math.min(keys.size(), i + 1000)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build())
                    .toList();
            s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(batch)));
        }
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).keyCount()).isZero();
        return written;
    }

    /** Starts "bring back what was deleted" as a background job: its id. */
    private static String startJob(RawS3 raw, String bucket) throws Exception {
        String body = "{\"bucket\": \"" + bucket + "\", \"deleted\": true, \"since\": \""
                + Instant.now().minus(Duration.ofHours(1)) + "\", \"apply\": true, \"async\": true}";
        RawS3.Reply r = raw.signed(
                "POST",
                "/_rampart/admin/restore",
                Map.of("Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        JsonNode job = JSON.readTree(r.body()).get("job");
        assertThat(job.path("state").asText()).isEqualTo("RUNNING");
        return job.path("id").asText();
    }

    private static JsonNode status(RawS3 raw, String id) throws Exception {
        RawS3.Reply r = raw.signed("GET", "/_rampart/admin/restore/jobs/" + id, Map.of(), null);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return JSON.readTree(r.body()).get("job");
    }

    private static JsonNode awaitDone(RawS3 raw, String id, Duration timeout) {
        JsonNode[] last = new JsonNode[1];
        Await.until("restore job " + id + " done", timeout, () -> {
            last[0] = status(raw, id);
            return !"RUNNING".equals(last[0].path("state").asText());
        });
        return last[0];
    }

    /** Every key is back, byte-identical. */
    private static void assertRestored(S3Client s3, String bucket, Map<String, String> written) {
        for (Map.Entry<String, String> e : written.entrySet()) {
            byte[] got =
                    s3.getObjectAsBytes(b -> b.bucket(bucket).key(e.getKey())).asByteArray();
            assertThat(sha256(got)).as("%s/%s", bucket, e.getKey()).isEqualTo(e.getValue());
        }
    }

    record Row(String state, String node, int attempts) {}

    @FunctionalInterface
    interface Connect {
        Connection open() throws Exception;
    }

    private static Connect sqlite(Path db) {
        return () -> DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
    }

    private static Connect postgres(MetadataLocation.Postgres db) {
        return () -> DriverManager.getConnection(db.jdbcUrl(), db.user(), "");
    }

    private static Row row(Connect connect, String id) throws Exception {
        try (Connection c = connect.open();
                PreparedStatement ps =
                        c.prepareStatement("SELECT state, node, attempts FROM restore_jobs WHERE job_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("restore_jobs row of %s", id).isTrue();
                return new Row(rs.getString(1), rs.getString(2), rs.getInt(3));
            }
        }
    }

    private static String nodeId(Path dataDir) throws Exception {
        return Files.readString(dataDir.resolve(io.rampart.storage.NodeId.FILE)).strip();
    }

    private static void signal(Process p, String signal) throws Exception {
        if (!p.isAlive()) return;
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid()))
                .inheritIO()
                .start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

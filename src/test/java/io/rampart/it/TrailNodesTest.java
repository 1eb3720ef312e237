package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import io.rampart.audit.TrailWriter;
import io.rampart.cli.Main;
import io.rampart.crypto.MasterKey;
import io.rampart.http.Rampart;
import io.rampart.storage.Database;
import io.rampart.storage.MetadataLocation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The audit trail on a cluster: every node writes its own files and its own signed digest chain into one shared trail
 * directory, keyed by node in the shared PostgreSQL database; {@code rampart trail validate} checks every node's chain
 * and names the node whose file was removed or changed, {@code rampart trail query} merges every node's records; and a
 * single server's trail from before node ids continues as its node's chain.
 */
class TrailNodesTest {
    @TempDir
    Path shared;

    private record Run(int exit, String out) {}

    private static Run cli(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        PrintStream savedErr = System.err;
        int exit;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            System.setErr(ps);
            exit = Main.commandLine().execute(args);
        } finally {
            System.setOut(saved);
            System.setErr(savedErr);
        }
        return new Run(exit, buf.toString(StandardCharsets.UTF_8));
    }

    private static String randomMasterKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    @Test
    void twoNodesShareOneTrailDirectoryEachWithItsOwnChainAndValidateAndQueryCoverBoth() throws Exception {
        MetadataLocation.Postgres db = TestPostgres.freshDatabase();
        Path trail = Files.createDirectories(shared.resolve("trail"));
        io.rampart.storage.BlobLocation blobs = io.rampart.storage.BlobLocation.parse(
                Files.createDirectories(shared.resolve("blobs")).toString(), java.util.Map.of());
        String masterKey = randomMasterKey();
        String nodeB;
        try (RampartServer a = RampartServer.start(c -> c.metadata(db)
                        .blobs(blobs)
                        .masterKey(masterKey)
                        .trailDir(trail)
                        .nodeId("node-a"));
                RampartServer b = RampartServer.start(
                        c -> c.metadata(db).blobs(blobs).masterKey(masterKey).trailDir(trail));
                S3Client s3a = a.s3();
                S3Client s3b = b.s3()) {
            nodeB = Files.readString(b.dataDir().resolve("node-id")).strip();
            assertThat(nodeB).isNotEqualTo("node-a").matches("[0-9a-f]{8}");
            assertThat(Files.readString(a.dataDir().resolve("node-id")).strip()).isEqualTo("node-a");
            s3a.createBucket(r -> r.bucket("both"));
            s3a.putObject(r -> r.bucket("both").key("through-a"), RequestBody.fromString("a"));
            s3b.putObject(r -> r.bucket("both").key("through-b"), RequestBody.fromString("b"));
            // A read through each node: records of both kinds on both nodes.
            assertThat(s3b.getObjectAsBytes(r -> r.bucket("both").key("through-a"))
                            .asUtf8String())
                    .isEqualTo("a");
            assertThat(s3a.getObjectAsBytes(r -> r.bucket("both").key("through-b"))
                            .asUtf8String())
                    .isEqualTo("b");
        }
        // Each node wrote only files carrying its id, and its own chain: no digest of one chains to the other's.
        TrailLayout layout = new TrailLayout(trail);
        List<String> digests = layout.digestFiles();
        assertThat(digests)
                .extracting(TrailLayout::nodeOf)
                .contains("node-a", nodeB)
                .doesNotContain("");
        assertThat(layout.logFiles()).extracting(TrailLayout::nodeOf).contains("node-a", nodeB);
        for (String d : digests) {
            JsonNode doc = digest(trail.resolve(d));
            String prev = doc.path("previousDigestS3Object").asText(null);
            if (prev != null && !doc.path("previousDigestS3Object").isNull())
                assertThat(TrailLayout.nodeOf(prev)).as(d).isEqualTo(TrailLayout.nodeOf(d));
            for (JsonNode log : doc.path("logFiles"))
                assertThat(TrailLayout.nodeOf(log.path("s3Object").asText())).isEqualTo(TrailLayout.nodeOf(d));
        }
        assertThat(trail.resolve("nodes/node-a/state.json")).exists();
        assertThat(trail.resolve("nodes/" + nodeB + "/state.json")).exists();

        // Query: both nodes' records, merged in time order.
        List<JsonNode> records = TrailQuery.all().run(layout);
        assertThat(records)
                .filteredOn(r -> r.path("eventName").asText().equals("PutObject"))
                .extracting(r -> r.path("requestParameters").path("key").asText())
                .contains("through-a", "through-b");
        assertThat(records).extracting(r -> r.path("eventTime").asText()).isSorted();
        Run query = cli("trail", "query", "--trail-dir", trail.toString(), "--event-name", "PutObject", "--json");
        assertThat(query.exit()).as(query.out()).isZero();
        assertThat(query.out()).contains("\"through-a\"").contains("\"through-b\"");

        // Validate: both chains, each reported, against the keys and heads PostgreSQL recorded per node.
        Run valid = cli("trail", "validate", "--trail-dir", trail.toString(), "--metadata", db.toString());
        assertThat(valid.exit()).as(valid.out()).isZero();
        assertThat(valid.out())
                .contains("node node-a: ")
                .contains("node " + nodeB + ": ")
                .contains("Trail valid");

        // One log file of node B removed: the report names it and its node; node A's chain stays whole.
        String bLog = layout.logFiles().stream()
                .filter(o -> TrailLayout.nodeOf(o).equals(nodeB))
                .findFirst()
                .orElseThrow();
        byte[] keptLog = Files.readAllBytes(trail.resolve(bLog));
        Files.delete(trail.resolve(bLog));
        Run deleted = cli("trail", "validate", "--trail-dir", trail.toString(), "--metadata", db.toString());
        assertThat(deleted.exit()).as(deleted.out()).isEqualTo(1);
        assertThat(deleted.out())
                .contains("[node " + nodeB + "] deleted log " + bLog)
                .containsPattern("node node-a: \\d+/\\d+ digest files valid, \\d+/\\d+ log files valid\\n")
                .contains("Trail INVALID");
        Files.write(trail.resolve(bLog), keptLog);

        // Node B's newest digest removed (the truncated trail): the database's head for B names it.
        String bNewest = layout.digestFiles().stream()
                .filter(o -> TrailLayout.nodeOf(o).equals(nodeB))
                .reduce((x, y) -> y)
                .orElseThrow();
        Files.delete(trail.resolve(bNewest));
        Files.deleteIfExists(trail.resolve(bNewest + TrailLayout.SIGNATURE_SUFFIX));
        Run truncated = cli("trail", "validate", "--trail-dir", trail.toString(), "--metadata", db.toString());
        assertThat(truncated.exit()).as(truncated.out()).isEqualTo(1);
        assertThat(truncated.out()).contains("[node " + nodeB + "] missing digest " + bNewest + ": truncated");

        // Every file of node B gone (the whole node's trail): still named, from the database's record.
        for (String o : layout.digestFiles()) {
            if (TrailLayout.nodeOf(o).equals(nodeB)) Files.delete(trail.resolve(o));
        }
        for (String o : layout.logFiles()) {
            if (TrailLayout.nodeOf(o).equals(nodeB)) Files.delete(trail.resolve(o));
        }
        Run wiped = cli("trail", "validate", "--trail-dir", trail.toString(), "--metadata", db.toString());
        assertThat(wiped.exit()).as(wiped.out()).isEqualTo(1);
        assertThat(wiped.out()).contains("[node " + nodeB + "] missing digest " + bNewest + ": truncated");
    }

    @Test
    void theConsoleRestoreAndPostureOfOneNodeReadEveryNodesTrailAndPublicKeyListsEveryNodesKeys() throws Exception {
        MetadataLocation.Postgres db = TestPostgres.freshDatabase();
        Path trail = Files.createDirectories(shared.resolve("trail"));
        io.rampart.storage.BlobLocation blobs = io.rampart.storage.BlobLocation.parse(
                Files.createDirectories(shared.resolve("blobs")).toString(), java.util.Map.of());
        String masterKey = randomMasterKey();
        try (RampartServer a = RampartServer.start(c -> c.metadata(db)
                        .blobs(blobs)
                        .masterKey(masterKey)
                        .trailDir(trail)
                        .nodeId("node-a"));
                S3Client s3a = a.s3()) {
            RampartServer b = RampartServer.start(c -> c.metadata(db)
                    .blobs(blobs)
                    .masterKey(masterKey)
                    .trailDir(trail)
                    .nodeId("node-b"));
            java.time.Instant since;
            io.rampart.iam.AccessKey mallory;
            try {
                Buckets.versioned(s3a, "shared");
                s3a.putObject(r -> r.bucket("shared").key("doc"), RequestBody.fromString("original"));
                since = java.time.Instant.now();
                mallory = a.userWithS3FullAccess("mallory");
                // The write to undo goes through node B: only B's trail records it.
                try (S3Client evil = b.s3(mallory.accessKeyId(), mallory.secretKey())) {
                    evil.putObject(r -> r.bucket("shared").key("doc"), RequestBody.fromString("ransomed"));
                }

                // The console of node A finds it in its trail search.
                ConsoleHttp console = new ConsoleHttp(a.endpoint());
                assertThat(console.signIn(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)
                                .statusCode())
                        .isEqualTo(303);
                var export = console.get("/trail/export?bucket=shared&key=doc&eventName=PutObject");
                assertThat(export.statusCode()).isEqualTo(200);
                assertThat(new ObjectMapper().readTree(export.body()).path("Records"))
                        .extracting(
                                r -> r.path("userIdentity").path("accessKeyId").asText())
                        .contains(mallory.accessKeyId(), RampartServer.ACCESS_KEY);

                // A restore through node A cross-checks its plan with that record.
                Run plan = cli(
                        "restore",
                        "--endpoint",
                        a.endpoint().toString(),
                        "--access-key",
                        RampartServer.ACCESS_KEY,
                        "--secret-key",
                        RampartServer.SECRET_KEY,
                        "--bucket",
                        "shared",
                        "--undo-access-key",
                        mallory.accessKeyId(),
                        "--since",
                        since.toString(),
                        "--json");
                assertThat(plan.exit()).as(plan.out()).isZero();
                JsonNode summary = new ObjectMapper()
                        .readTree(plan.out().strip().lines().reduce((x, y) -> y).orElseThrow())
                        .path("summary");
                assertThat(summary.path("trail").path("writes").asLong())
                        .as(plan.out())
                        .isEqualTo(1);
                assertThat(summary.path("trail").path("confirmed").asLong())
                        .as(plan.out())
                        .isEqualTo(1);
            } finally {
                b.close(); // a clean stop: B's final digest signs its files
            }

            // The posture of node A validates node B's chain too, and flags a change to one of B's log files.
            RawS3 raw = new RawS3(a);
            JsonNode before = posture(raw);
            assertThat(before.path("valid").asBoolean()).as(before.toString()).isTrue();
            assertThat(before.path("nodes"))
                    .extracting(n -> n.path("node").asText())
                    .contains("node-a", "node-b");
            assertThat(before.path("elsewhere")).as(before.toString()).isEmpty();
            TrailLayout layout = new TrailLayout(trail);
            String bLog = layout.logFiles().stream()
                    .filter(o -> TrailLayout.nodeOf(o).equals("node-b"))
                    .findFirst()
                    .orElseThrow();
            rewrite(trail.resolve(bLog), "\"eventVersion\"", "\"eventVersioN\"");
            JsonNode after = posture(raw);
            assertThat(after.path("valid").asBoolean()).as(after.toString()).isFalse();
            assertThat(after.path("problems"))
                    .extracting(p -> p.path("node").asText() + " "
                            + p.path("status").asText() + " " + p.path("file").asText())
                    .contains("node-b modified " + bLog);
            assertThat(after.path("nodes"))
                    .filteredOn(n -> n.path("node").asText().equals("node-a"))
                    .extracting(n -> n.path("valid").asBoolean())
                    .containsExactly(true);
        }

        // Every node's signing key, from the cluster's database.
        Run keys = cli("trail", "public-key", "--metadata", db.toString());
        assertThat(keys.exit()).as(keys.out()).isZero();
        assertThat(keys.out()).contains(", node node-a, current").contains(", node node-b, current");
        assertThat(keys.out().split("-----BEGIN PUBLIC KEY-----", -1)).hasSize(3);
    }

    @Test
    void aNodeWithItsOwnTrailDirectoryChecksItsOwnChainAndNamesTheOthersAsElsewhere() throws Exception {
        MetadataLocation.Postgres db = TestPostgres.freshDatabase();
        io.rampart.storage.BlobLocation blobs = io.rampart.storage.BlobLocation.parse(
                Files.createDirectories(shared.resolve("blobs")).toString(), java.util.Map.of());
        String masterKey = randomMasterKey();
        try (RampartServer a = RampartServer.start(
                c -> c.metadata(db).blobs(blobs).masterKey(masterKey).nodeId("own-a"))) {
            try (RampartServer b = RampartServer.start(c ->
                            c.metadata(db).blobs(blobs).masterKey(masterKey).nodeId("own-b"));
                    S3Client s3b = b.s3()) {
                s3b.createBucket(r -> r.bucket("on-b"));
            }
            JsonNode posture = posture(new RawS3(a));
            assertThat(posture.path("valid").asBoolean()).as(posture.toString()).isTrue();
            assertThat(posture.path("nodes"))
                    .extracting(n -> n.path("node").asText())
                    .containsExactly("own-a");
            assertThat(posture.path("elsewhere")).extracting(JsonNode::asText).containsExactly("own-b");
        }
    }

    /** The trail part of the admin API's posture. */
    private static JsonNode posture(RawS3 raw) throws Exception {
        RawS3.Reply reply = raw.signed("GET", "/_rampart/admin/posture", java.util.Map.of(), new byte[0]);
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return new ObjectMapper().readTree(reply.text()).path("trail");
    }

    /** Rewrites a gzip file with one string replaced, as someone editing the trail would. */
    private static void rewrite(Path file, String from, String to) throws Exception {
        String text;
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String changed = text.replace(from, to);
        assertThat(changed).as(text).isNotEqualTo(text);
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(changed.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aSingleServersTrailFromBeforeNodeIdsContinuesAsItsNodesChain(@TempDir Path dataDir) throws Exception {
        String masterKey = randomMasterKey();
        Rampart.Config config = Rampart.Config.builder(dataDir)
                .rootKey(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)
                .masterKey(masterKey)
                .build();
        // A data directory as the code before node ids left it: a trail written without a node, recorded as node "",
        // and the schema before the per-node tables.
        try (Rampart r = Rampart.start(config)) {
            assertThat(r.endpoint()).isNotEmpty();
        }
        wipe(dataDir.resolve("trail"));
        Files.delete(dataDir.resolve("node-id"));
        try (Database db = new Database(dataDir.resolve("rampart.db"), 1)) {
            db.write(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("DELETE FROM trail_signing_keys");
                    s.execute("DELETE FROM trail_heads");
                }
                return null;
            });
            TrailWriter old = TrailWriter.open(
                    dataDir.resolve("trail"),
                    TrailWriter.Options.defaults("111122223333", "us-east-1"),
                    MasterKey.load(masterKey, dataDir.resolve("unused.key")),
                    db,
                    Clock.systemUTC());
            old.append(
                    old.records()
                            .detectorEvent(
                                    java.time.Instant.now(), "us-east-1", "BeforeNodes", null, java.util.Map.of()),
                    true);
            old.digestNow();
            old.append(
                    old.records()
                            .detectorEvent(java.time.Instant.now(), "us-east-1", "Sealed", null, java.util.Map.of()),
                    true);
            old.close();
        }
        TrailLayout layout = TrailLayout.ofDataDir(dataDir);
        List<String> legacyDigests = layout.digestFiles();
        assertThat(legacyDigests).isNotEmpty().extracting(TrailLayout::nodeOf).containsOnly("");
        String legacyNewest = legacyDigests.getLast();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("rampart.db"));
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE trail_head(id INTEGER PRIMARY KEY CHECK (id = 1), digest_object TEXT NOT NULL,"
                    + " digest_end INTEGER NOT NULL, hash TEXT NOT NULL, digest_every INTEGER NOT NULL,"
                    + " stopped INTEGER NOT NULL)");
            s.execute("INSERT INTO trail_head SELECT 1, digest_object, digest_end, hash, digest_every, stopped"
                    + " FROM trail_heads WHERE node = ''");
            s.execute("DROP TABLE trail_heads");
            s.execute("CREATE TABLE trail_keys(fingerprint TEXT PRIMARY KEY, public_key BLOB NOT NULL,"
                    + " sealed_private BLOB, status TEXT NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER)");
            s.execute("INSERT INTO trail_keys SELECT fingerprint, public_key, sealed_private, status, valid_from,"
                    + " valid_to FROM trail_signing_keys WHERE node = ''");
            s.execute("DROP TABLE trail_signing_keys");
            s.execute("DELETE FROM schema_version WHERE version >= 12");
        }
        Run before = cli("trail", "validate", "--data-dir", dataDir.toString());
        assertThat(before.exit()).as(before.out()).isZero();

        // The upgraded server takes the chain over as its node's: no break, its first digest chains to the last one.
        String node;
        try (Rampart r = Rampart.start(config);
                S3Client s3 = S3Client.builder()
                        .endpointOverride(java.net.URI.create(r.endpoint()))
                        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                        RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)))
                        .forcePathStyle(true)
                        .build()) {
            s3.createBucket(b -> b.bucket("after"));
        }
        node = Files.readString(dataDir.resolve("node-id")).strip();
        assertThat(dataDir.resolve("trail/state.json")).doesNotExist();
        assertThat(dataDir.resolve("trail/nodes/" + node + "/state.json")).exists();
        List<String> nodeDigests = layout.digestFiles().stream()
                .filter(o -> TrailLayout.nodeOf(o).equals(node))
                .toList();
        assertThat(nodeDigests).isNotEmpty();
        JsonNode first = digest(dataDir.resolve("trail").resolve(nodeDigests.getFirst()));
        assertThat(first.path("previousDigestS3Object").asText()).isEqualTo(legacyNewest);
        assertThat(first.has("chainBreak")).as(first.toString()).isFalse();
        Run after = cli("trail", "validate", "--data-dir", dataDir.toString(), "--verbose");
        assertThat(after.exit()).as(after.out()).isZero();
        assertThat(after.out())
                .contains("node " + node + ": " + (legacyDigests.size() + nodeDigests.size()) + "/"
                        + (legacyDigests.size() + nodeDigests.size()) + " digest files valid")
                .doesNotContain("chain-break")
                .doesNotContain("(before node ids)");
        assertThat(TrailQuery.all().run(layout))
                .extracting(r -> r.path("eventName").asText())
                .contains("BeforeNodes", "Sealed", "CreateBucket");
    }

    private static JsonNode digest(Path file) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return new ObjectMapper().readTree(in.readAllBytes());
        }
    }

    private static void wipe(Path dir) throws Exception {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}

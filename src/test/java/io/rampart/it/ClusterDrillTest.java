package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import io.rampart.detect.DetectorSettings;
import io.rampart.detect.Finding;
import io.rampart.s3.S3Settings;
import io.rampart.storage.MetadataLocation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The ransomware drill against a 3-node cluster (one PostgreSQL, one blob directory) with the attacker's requests spread
 * round robin over the nodes: every node's records reach the one detector the cluster runs (through the detection
 * feed), so the attack is contained (key deactivated, SSE-C blocked on the bucket) with one finding, not one per node,
 * and the drill's own verification finds nothing lost.
 */
class ClusterDrillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<RampartServer> NODES = new ArrayList<>();
    private static Path blobDir;

    @BeforeAll
    static void startThreeNodes() throws Exception {
        MetadataLocation.Postgres db = TestPostgres.freshDatabase();
        blobDir = Files.createTempDirectory("rampart-cluster-drill-blobs");
        io.rampart.storage.BlobLocation blobs =
                io.rampart.storage.BlobLocation.parse(blobDir.toString(), java.util.Map.of());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String masterKey = Base64.getEncoder().encodeToString(key);
        for (int i = 0; i < 3; i++) {
            NODES.add(RampartServer.start(
                    c -> c.metadata(db)
                            .blobs(blobs)
                            .masterKey(masterKey)
                            .s3(new S3Settings(true, true))
                            .autoRespond(true),
                    DetectorSettings.defaults().withFeedPollMillis(50)));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (RampartServer n : NODES.reversed()) n.close();
        if (blobDir != null) {
            try (var files = Files.walk(blobDir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void anAttackSpreadOverThreeNodesIsContainedOnceWithOneFindingAndNothingLost() throws Exception {
        Await.until(
                "one node running the cluster's detector",
                () -> NODES.stream()
                                .filter(n -> n.rampart().detector().runsDetector())
                                .count()
                        == 1);
        String endpoints = NODES.stream().map(n -> n.endpoint().toString()).collect(Collectors.joining(","));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = io.rampart.cli.Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(
                "drill",
                "--endpoint",
                endpoints,
                "--access-key",
                RampartServer.ACCESS_KEY,
                "--secret-key",
                RampartServer.SECRET_KEY,
                "--allow-sse-c",
                "--keep",
                "--objects",
                "60",
                "--json");

        assertThat(exit).as(out + "\n" + err).isZero();
        JsonNode r = JSON.readTree(out.toString());
        assertThat(r.path("verdict").asText()).isEqualTo("contained");
        assertThat(r.path("objectsLost").asInt()).isZero();
        assertThat(r.path("objectsVerified").asInt()).isEqualTo(60);
        assertThat(r.path("attackerKeyStatus").asText()).isEqualTo("Inactive");
        assertThat(r.path("attackEndpoints")).hasSize(3);
        System.out.printf(
                "ClusterDrillTest: contained after %d malicious write(s) over 3 nodes, %.1f ms to the refusal%n",
                r.path("maliciousWritesSucceeded").asInt(),
                r.path("containmentMillis").asDouble());
        String attackerKey = r.path("attacker").path("accessKeyId").asText();
        String bucket = r.path("bucket").asText();

        // The attacker's requests reached every node: each node's own trail holds some of them.
        for (RampartServer n : NODES) {
            long mine = TrailQuery.all().run(TrailLayout.ofDataDir(n.dataDir())).stream()
                    .filter(rec -> attackerKey.equals(
                            rec.path("userIdentity").path("accessKeyId").asText()))
                    .count();
            assertThat(mine)
                    .as("attacker's records in the trail of %s", n.endpoint())
                    .isPositive();
        }

        // One finding for the in-place re-encryption, whichever node ran the detector, and its responses taken once.
        List<Finding> containment = Await.value("the in-place re-encryption finding for the attacker's key", () -> {
            List<Finding> f = NODES.get(0).rampart().findings().list().stream()
                    .filter(x -> attackerKey.equals(x.accessKeyId()))
                    .filter(x -> x.ruleId().equals("in-place-sse-c-reencryption"))
                    .toList();
            return f.isEmpty() ? null : f;
        });
        assertThat(containment).hasSize(1);
        Finding f = containment.get(0);
        assertThat(f.responses())
                .filteredOn(t -> t.action().equals("deactivate-key"))
                .hasSize(1);
        assertThat(f.responses())
                .filteredOn(t -> t.action().equals("block-sse-c"))
                .singleElement()
                .satisfies(t -> assertThat(t.target()).isEqualTo(bucket));
        // No rule raised the same finding twice (one per node would be the symptom of per-node detectors).
        List<String> rules = NODES.get(0).rampart().findings().list().stream()
                .filter(x -> attackerKey.equals(x.accessKeyId()))
                .map(Finding::ruleId)
                .toList();
        assertThat(rules).doesNotHaveDuplicates();

        // SSE-C is blocked on the sandbox bucket, through every node.
        for (RampartServer n : NODES) {
            try (var s3 = n.s3()) {
                var rules2 = s3.getBucketEncryption(b -> b.bucket(bucket))
                        .serverSideEncryptionConfiguration()
                        .rules();
                assertThat(rules2.get(0).blockedEncryptionTypes().encryptionTypeAsStrings())
                        .as("blocked encryption types through %s", n.endpoint())
                        .contains("SSE-C");
            }
        }
    }
}

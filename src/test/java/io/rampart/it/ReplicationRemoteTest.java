package io.rampart.it;

import static io.rampart.it.ReplicationTest.awaitStatus;
import static io.rampart.it.ReplicationTest.replicate;
import static io.rampart.it.ReplicationTest.rule;
import static io.rampart.it.ReplicationTest.status;
import static io.rampart.it.ReplicationTest.versionedBucket;
import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.http.Rampart;
import io.rampart.s3.ReplicationOptions;
import io.rampart.s3.ReplicationTargets;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * Replication to a bucket on another server (a second Rampart on another port, configured through a targets file with
 * the destination's credentials): what arrives, what never does, and that nothing is lost while the destination is
 * down or the source restarts with replications pending.
 */
class ReplicationRemoteTest {
    /** A server kept on one port and data directory across restarts. */
    static final class Node implements AutoCloseable {
        final Path dir;
        final int port;
        final ReplicationTargets targets;
        Rampart rampart;

        Node(Path dir, int port, ReplicationTargets targets) {
            this.dir = dir;
            this.port = port;
            this.targets = targets;
        }

        static Node start(ReplicationTargets targets) throws Exception {
            Node n = new Node(Files.createTempDirectory("rampart-repl"), 0, targets);
            n.rampart = Rampart.start(n.config(0));
            return new Node(n.dir, n.rampart.port(), targets).adopt(n.rampart);
        }

        private Node adopt(Rampart r) {
            this.rampart = r;
            return this;
        }

        Rampart.Config config(int p) {
            return Rampart.Config.builder(dir)
                    .rootKey(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)
                    .autoRespond(false)
                    .port(p)
                    // Short back-off, so a destination that comes back is noticed within a second.
                    .replication(ReplicationOptions.defaults()
                            .withTargets(targets)
                            .withRetry(Duration.ofMillis(50), Duration.ofMillis(500)))
                    .build();
        }

        void stop() {
            rampart.close();
            rampart = null;
        }

        void restart() throws Exception {
            rampart = Rampart.start(config(port));
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + port);
        }

        S3Client s3() {
            return S3Client.builder()
                    .endpointOverride(endpoint())
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)))
                    .forcePathStyle(true)
                    .build();
        }

        @Override
        public void close() {
            if (rampart != null) rampart.close();
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException ignored) {
                // temporary directory; best effort
            }
        }
    }

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    /** A targets file as the operator writes it, read the way the server command reads it. */
    private static ReplicationTargets targetsFile(String bucket, URI endpoint) throws Exception {
        Path f = Files.createTempFile("replication-targets", ".json");
        Files.writeString(f, """
                {"%s": {"endpoint": "%s", "region": "us-east-1", "accessKeyId": "%s", "secretAccessKey": "%s"}}
                """.formatted(bucket, endpoint, RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY));
        try {
            return ReplicationTargets.load(f);
        } finally {
            Files.delete(f);
        }
    }

    private static String body(S3Client c, String bucket, String key, String versionId) {
        return c.getObjectAsBytes(b -> b.bucket(bucket).key(key).versionId(versionId))
                .asString(StandardCharsets.UTF_8);
    }

    @Test
    void objectsVersionsAndDeleteMarkersArriveAtAnotherServerButVersionDeletesDoNot() throws Exception {
        Node dest = keep(Node.start(ReplicationTargets.none()));
        S3Client d = keep(dest.s3());
        versionedBucket(d, "backup");
        Node source = keep(Node.start(targetsFile("backup", dest.endpoint())));
        S3Client s = keep(source.s3());
        versionedBucket(s, "photos");
        replicate(s, "photos", rule("all", 1, "", "backup", true));

        String v1 = s.putObject(
                        b -> b.bucket("photos")
                                .key("cat.jpg")
                                .contentType("image/jpeg")
                                .metadata(Map.of("camera", "x100"))
                                .tagging("album=pets"),
                        RequestBody.fromString("meow-1"))
                .versionId();
        String v2 = s.putObject(
                        b -> b.bucket("photos").key("cat.jpg").contentType("image/jpeg"),
                        RequestBody.fromString("meow-2"))
                .versionId();
        byte[] big = new byte[200_000];
        new java.util.Random(3).nextBytes(big);
        String vBig = s.putObject(b -> b.bucket("photos").key("big.raw"), RequestBody.fromBytes(big))
                .versionId();
        awaitStatus(s, "photos", "cat.jpg", v1, "COMPLETED");
        awaitStatus(s, "photos", "cat.jpg", v2, "COMPLETED");
        awaitStatus(s, "photos", "big.raw", vBig, "COMPLETED");

        ListObjectVersionsResponse versions =
                d.listObjectVersions(b -> b.bucket("backup").prefix("cat.jpg"));
        assertThat(versions.versions()).hasSize(2);
        ObjectVersion older = versions.versions().get(1);
        assertThat(body(d, "backup", "cat.jpg", older.versionId())).isEqualTo("meow-1");
        assertThat(body(d, "backup", "cat.jpg", null)).isEqualTo("meow-2");
        HeadObjectResponse h =
                d.headObject(b -> b.bucket("backup").key("cat.jpg").versionId(older.versionId()));
        assertThat(h.contentType()).isEqualTo("image/jpeg");
        assertThat(h.metadata()).containsEntry("camera", "x100");
        assertThat(d.getObjectTagging(b -> b.bucket("backup").key("cat.jpg").versionId(older.versionId()))
                        .tagSet())
                .containsExactly(Tag.builder().key("album").value("pets").build());
        assertThat(d.getObjectAsBytes(b -> b.bucket("backup").key("big.raw")).asByteArray())
                .isEqualTo(big);

        String marker = s.deleteObject(b -> b.bucket("photos").key("cat.jpg")).versionId();
        Await.until(
                "the delete marker at the destination",
                () -> d.listObjectVersions(b -> b.bucket("backup").prefix("cat.jpg"))
                                .deleteMarkers()
                                .size()
                        == 1);

        // Deleting versions at the source (what an attacker with the source's keys would do) never reaches the replica.
        s.deleteObject(b -> b.bucket("photos").key("cat.jpg").versionId(marker));
        s.deleteObject(b -> b.bucket("photos").key("cat.jpg").versionId(v1));
        s.deleteObject(b -> b.bucket("photos").key("cat.jpg").versionId(v2));
        String sentinel = s.putObject(b -> b.bucket("photos").key("cat.jpg"), RequestBody.fromString("meow-3"))
                .versionId();
        awaitStatus(s, "photos", "cat.jpg", sentinel, "COMPLETED");
        ListObjectVersionsResponse after =
                d.listObjectVersions(b -> b.bucket("backup").prefix("cat.jpg"));
        assertThat(after.versions()).hasSize(3);
        assertThat(after.deleteMarkers()).hasSize(1);
        assertThat(body(d, "backup", "cat.jpg", older.versionId())).isEqualTo("meow-1");
    }

    @Test
    void nothingIsLostWhileTheDestinationIsDown() throws Exception {
        Node dest = keep(Node.start(ReplicationTargets.none()));
        try (S3Client d = dest.s3()) {
            versionedBucket(d, "offsite");
        }
        Node source = keep(Node.start(targetsFile("offsite", dest.endpoint())));
        S3Client s = keep(source.s3());
        versionedBucket(s, "ledger");
        replicate(s, "ledger", rule("all", 1, "", "offsite", true));
        String before = s.putObject(b -> b.bucket("ledger").key("day-0"), RequestBody.fromString("0"))
                .versionId();
        awaitStatus(s, "ledger", "day-0", before, "COMPLETED");

        dest.stop();
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            String key = "day-" + i;
            String body = Integer.toString(i);
            ids.add(s.putObject(b -> b.bucket("ledger").key(key), RequestBody.fromString(body))
                    .versionId());
        }
        s.deleteObject(b -> b.bucket("ledger").key("day-0"));
        var metrics = source.rampart.replication().metrics();
        Await.until("failed attempts against the stopped destination", () -> metrics.retries() >= 3);
        assertThat(status(s, "ledger", "day-1", ids.get(0))).isEqualTo("PENDING");
        assertThat(metrics.queueLength()).isEqualTo(6);
        assertThat(metrics.failed()).isZero();

        dest.restart();
        for (int i = 1; i <= 5; i++) awaitStatus(s, "ledger", "day-" + i, ids.get(i - 1), "COMPLETED");
        Await.until("the queue drained", () -> metrics.queueLength() == 0);
        try (S3Client d = dest.s3()) {
            for (int i = 1; i <= 5; i++)
                assertThat(body(d, "offsite", "day-" + i, null)).isEqualTo(Integer.toString(i));
            assertThat(d.listObjectVersions(b -> b.bucket("offsite").prefix("day-0"))
                            .deleteMarkers())
                    .hasSize(1);
        }
        assertThat(metrics.lag()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aSourceRestartedWithPendingReplicationsFinishesThem() throws Exception {
        Node dest = keep(Node.start(ReplicationTargets.none()));
        try (S3Client d = dest.s3()) {
            versionedBucket(d, "vault");
        }
        Node source = keep(Node.start(targetsFile("vault", dest.endpoint())));
        List<String> ids = new ArrayList<>();
        try (S3Client s = source.s3()) {
            versionedBucket(s, "docs");
            replicate(s, "docs", rule("all", 1, "", "vault", true));
            dest.stop();
            for (int i = 0; i < 4; i++) {
                String body = "v" + i;
                ids.add(s.putObject(b -> b.bucket("docs").key("contract.pdf"), RequestBody.fromString(body))
                        .versionId());
            }
            assertThat(status(s, "docs", "contract.pdf", ids.get(0))).isEqualTo("PENDING");
        }
        source.stop();
        dest.restart();
        source.restart();
        try (S3Client s = source.s3();
                S3Client d = dest.s3()) {
            for (String id : ids) awaitStatus(s, "docs", "contract.pdf", id, "COMPLETED");
            // In order per key: the destination's newest version is the source's newest.
            List<ObjectVersion> replicas =
                    d.listObjectVersions(b -> b.bucket("vault")).versions();
            assertThat(replicas).hasSize(4);
            assertThat(body(d, "vault", "contract.pdf", null)).isEqualTo("v3");
            for (int i = 0; i < 4; i++) {
                assertThat(body(d, "vault", "contract.pdf", replicas.get(3 - i).versionId()))
                        .isEqualTo("v" + i);
            }
        }
    }
}

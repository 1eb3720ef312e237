package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rampart.storage.MetadataLocation;
import io.rampart.storage.NodeClaim;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A node id is one live process's at a time across the cluster (issue 17): a second process with the same id (the same
 * {@code --node-id} twice, or a copied data directory) is refused with the id and the holder named, while the holder
 * lives; a node killed with SIGKILL starts again at once on its own data directory, and from anywhere else once its
 * claim expired.
 */
class NodeIdClaimTest {
    @TempDir
    Path tmp;

    private static String randomMasterKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    @Test
    void aSecondServerWithTheSameNodeIdOrACopiedDataDirectoryIsRefusedWhileTheFirstLives() throws Exception {
        MetadataLocation.Postgres db = TestPostgres.freshDatabase();
        io.rampart.storage.BlobLocation blobs = io.rampart.storage.BlobLocation.parse(
                Files.createDirectories(tmp.resolve("blobs")).toString(), java.util.Map.of());
        String masterKey = randomMasterKey();
        RampartServer first = RampartServer.start(
                c -> c.metadata(db).blobs(blobs).masterKey(masterKey).nodeId("twin"));
        try {
            String holder = "pid " + ProcessHandle.current().pid() + " on host ";
            String heldIn = "data dir " + first.dataDir().toAbsolutePath();
            // The same --node-id on another data directory.
            assertThatThrownBy(() -> RampartServer.start(c ->
                            c.metadata(db).blobs(blobs).masterKey(masterKey).nodeId("twin")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("node id 'twin' is in use by another live process: ")
                    .hasMessageContaining(holder)
                    .hasMessageContaining(heldIn);
            // A copy of the first node's data directory: the id comes from its node-id file.
            Path copy = Files.createDirectories(tmp.resolve("copy"));
            Files.copy(first.dataDir().resolve("node-id"), copy.resolve("node-id"));
            assertThatThrownBy(() -> RampartServer.start(
                            c -> c.dataDir(copy).metadata(db).blobs(blobs).masterKey(masterKey)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("node id 'twin' is in use by another live process: ")
                    .hasMessageContaining(heldIn);
            // The holder still serves.
            try (S3Client s3 = first.s3()) {
                s3.createBucket(r -> r.bucket("still-serving"));
                s3.putObject(r -> r.bucket("still-serving").key("k"), RequestBody.fromString("v"));
            }
        } finally {
            first.close();
        }
        // Stopped cleanly, the first gave its claim up: the next process with the id starts without waiting for it.
        long started = System.nanoTime();
        try (RampartServer next = RampartServer.start(
                c -> c.metadata(db).blobs(blobs).masterKey(masterKey).nodeId("twin"))) {
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(NodeClaim.LENGTH);
            assertThat(Files.readString(next.dataDir().resolve("node-id")).strip())
                    .isEqualTo("twin");
        }
    }

    @Test
    void aKilledNodeRestartsAtOnceOnItsDataDirectoryAndElsewhereOnlyAfterItsClaimExpired() throws Exception {
        MetadataLocation.Postgres db = TestPostgres.freshDatabase();
        Path blobs = Files.createDirectories(tmp.resolve("blobs"));
        Path keyFile = tmp.resolve("master.key.b64");
        Files.writeString(keyFile, randomMasterKey());
        String[] options = {
            "--metadata", db.toString(),
            "--blobs", blobs.toString(),
            "--master-key-file", keyFile.toString(),
            "--node-id", "solo"
        };
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path third = Files.createDirectories(tmp.resolve("third"));
        Process p = ChildServer.start(home, ChildServer.freePort(), options);
        try {
            kill(p);
            // The same data directory on the same machine: the lock its previous run held for its life is free, so
            // that run has ended and its claim is taken over at once.
            List<String> restart = new CopyOnWriteArrayList<>();
            p = ChildServer.start(home, ChildServer.freePort(), restart, options);
            assertThat(restart)
                    .as("restart on its own data directory")
                    .anyMatch(l -> l.contains(
                            "node id solo: took over at once the claim of this data directory's" + " previous run"))
                    .noneMatch(l -> l.contains("waiting up to"));
            kill(p);
            // Another data directory with the same id: the dead run's claim is waited out, then taken.
            List<String> moved = new CopyOnWriteArrayList<>();
            p = ChildServer.start(elsewhere, ChildServer.freePort(), moved, options);
            assertThat(moved)
                    .as("start on another data directory")
                    .anyMatch(l -> l.contains("node id solo is claimed by pid ")
                            && l.contains("data dir " + home.toAbsolutePath())
                            && l.contains("waiting up to " + NodeClaim.LENGTH.toSeconds() + " s"));
            // While it lives, a third process with its id is refused, naming the holder.
            ChildServer.Exited refused = ChildServer.startRefused(third, ChildServer.freePort(), options);
            assertThat(refused.status()).as(refused.output()).isEqualTo(1);
            assertThat(refused.output())
                    .contains("rampart: cannot start: node id 'solo' is in use by another live process: pid " + p.pid()
                            + " on host ")
                    .contains("data dir " + elsewhere.toAbsolutePath())
                    .doesNotContain("Rampart listening on");
            try (S3Client s3 = ChildServer.client(portOf(moved))) {
                s3.createBucket(r -> r.bucket("after-refusal"));
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** The port from the server's "Rampart listening on http://127.0.0.1:PORT" line. */
    private static int portOf(List<String> output) {
        String line = output.stream()
                .filter(l -> l.contains("Rampart listening on"))
                .findFirst()
                .orElseThrow();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("listening on https?://[^ ]+:(\\d+)")
                .matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return Integer.parseInt(m.group(1));
    }
}

package io.rampart.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.crypto.MasterKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrailKeysTest {
    @Test void aFirstStartCreatesTheKeyPairInTheBackgroundAndLaterStartsLoadItAtOnce(@TempDir Path dir) throws Exception {
        MasterKey master = MasterKey.of(new byte[32]);
        Path keys = dir.resolve("keys");
        // Left idle for an hour, the key is still made at once when asked for.
        TrailKeys.Pending created = TrailKeys.loadOrStartCreating(keys, master, Duration.ofHours(1));
        assertThat(created.ready()).isFalse();
        TrailKeys first = created.join();
        assertThat(keys.resolve(first.fingerprint() + ".pub")).exists();
        assertThat(keys.resolve(first.fingerprint() + ".key.sealed")).exists();
        // The private key is on disk only sealed.
        assertThat(Files.readAllBytes(keys.resolve(first.fingerprint() + ".key.sealed"))[0]).isEqualTo((byte) 1);

        TrailKeys.Pending loaded = TrailKeys.loadOrStartCreating(keys, master, Duration.ofHours(1));
        assertThat(loaded.ready()).isTrue();
        assertThat(loaded.join().fingerprint()).isEqualTo(first.fingerprint());
        String signature = loaded.join().sign("digest");
        assertThat(TrailKeys.verify(first.publicKey(), "digest", signature)).isTrue();
    }

    @Test void aKeyLeftIdleIsCreatedByItselfAfterTheIdleTime(@TempDir Path dir) throws Exception {
        TrailKeys.Pending pending = TrailKeys.loadOrStartCreating(dir.resolve("keys"), MasterKey.of(new byte[32]),
                Duration.ofMillis(50));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!pending.ready() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(pending.ready()).isTrue();
        try (var files = Files.list(dir.resolve("keys"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".key.sealed"));
        }
    }
}

package io.rampart.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.crypto.MasterKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrailKeysTest {
    @Test void aFirstStartCreatesTheKeyPairInTheBackgroundAndLaterStartsLoadItAtOnce(@TempDir Path dir) throws Exception {
        MasterKey master = MasterKey.of(new byte[32]);
        Path keys = dir.resolve("keys");
        CompletableFuture<TrailKeys> created = TrailKeys.loadOrStartCreating(keys, master);
        TrailKeys first = created.get();
        assertThat(keys.resolve(first.fingerprint() + ".pub")).exists();
        assertThat(keys.resolve(first.fingerprint() + ".key.sealed")).exists();
        // The private key is on disk only sealed.
        assertThat(Files.readAllBytes(keys.resolve(first.fingerprint() + ".key.sealed"))[0]).isEqualTo((byte) 1);

        CompletableFuture<TrailKeys> loaded = TrailKeys.loadOrStartCreating(keys, master);
        assertThat(loaded).isCompleted();
        assertThat(loaded.get().fingerprint()).isEqualTo(first.fingerprint());
        String signature = loaded.get().sign("digest");
        assertThat(TrailKeys.verify(first.publicKey(), "digest", signature)).isTrue();
    }
}

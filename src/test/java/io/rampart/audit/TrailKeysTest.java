package io.rampart.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.crypto.MasterKey;
import io.rampart.it.Await;
import io.rampart.storage.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrailKeysTest {
    private static final MasterKey MASTER = MasterKey.of(new byte[32]);

    @Test
    void aFirstStartCreatesTheKeyPairInTheBackgroundSealedInTheDatabaseAndLaterStartsLoadItAtOnce(@TempDir Path dir)
            throws Exception {
        Path keys = dir.resolve("keys");
        try (Database db = new Database(dir.resolve("rampart.db"), 2)) {
            TrailAnchor anchor = new TrailAnchor(db, MASTER);
            // Left idle for an hour, the key is still made at once when asked for.
            TrailKeys.Pending created =
                    TrailKeys.loadOrStartCreating(anchor, keys, MASTER, Duration.ofHours(1), Clock.systemUTC());
            assertThat(created.ready()).isFalse();
            assertThat(created.creating()).isTrue();
            TrailKeys first = created.join();
            // Nothing in the trail directory: the key lives in the database, its private half only sealed.
            assertThat(keys).doesNotExist();
            byte[] sealed = db.read(c -> {
                try (var rs = c.createStatement().executeQuery("SELECT sealed_private FROM trail_signing_keys")) {
                    rs.next();
                    return rs.getBytes(1);
                }
            });
            assertThat(sealed[0]).isEqualTo((byte) 1);

            TrailKeys.Pending loaded =
                    TrailKeys.loadOrStartCreating(anchor, keys, MASTER, Duration.ofHours(1), Clock.systemUTC());
            assertThat(loaded.ready()).isTrue();
            assertThat(loaded.creating()).isFalse();
            assertThat(loaded.join().fingerprint()).isEqualTo(first.fingerprint());
            String signature = loaded.join().sign("digest");
            assertThat(TrailKeys.verify(first.publicKey(), "digest", signature)).isTrue();
            assertThat(TrailKeys.parsePublicKeys(
                            TrailKeys.pem(first.publicKey()).getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                    .singleElement()
                    .extracting(TrailKeys::fingerprint)
                    .isEqualTo(first.fingerprint());
        }
    }

    @Test
    void aKeyLeftIdleIsCreatedByItselfAfterTheIdleTime(@TempDir Path dir) throws Exception {
        try (Database db = new Database(dir.resolve("rampart.db"), 2)) {
            TrailKeys.Pending pending = TrailKeys.loadOrStartCreating(
                    new TrailAnchor(db, MASTER), dir.resolve("keys"), MASTER, Duration.ofMillis(50), Clock.systemUTC());
            Await.until("the idle key created", Duration.ofSeconds(60), pending::ready);
            assertThat(pending.ready()).isTrue();
            assertThat(TrailAnchor.read(dir.resolve("rampart.db")).keys())
                    .singleElement()
                    .extracting(TrailAnchor.KeyRecord::status)
                    .isEqualTo(TrailAnchor.KeyStatus.CURRENT);
        }
    }

    @Test
    void aSealedKeyAnOlderVersionKeptInTheTrailIsImportedButAPlantedOneIsIgnored(@TempDir Path dir) throws Exception {
        Path keys = Files.createDirectories(dir.resolve("keys"));
        TrailKeys legacy = TrailKeys.generate();
        Files.write(
                keys.resolve(legacy.fingerprint() + ".pub"), legacy.publicKey().getEncoded());
        Files.write(
                keys.resolve(legacy.fingerprint() + ".key.sealed"),
                MASTER.seal(legacy.privateKeyEncoded(), "rampart-trail-signing-key"));
        // An attacker's key, sealed under another master key (the attacker does not have ours).
        TrailKeys planted = TrailKeys.generate();
        Files.write(
                keys.resolve(planted.fingerprint() + ".pub"),
                planted.publicKey().getEncoded());
        Files.write(
                keys.resolve(planted.fingerprint() + ".key.sealed"),
                MasterKey.of(new byte[] {
                            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
                            26, 27, 28, 29, 30, 31, 32
                        })
                        .seal(planted.privateKeyEncoded(), "rampart-trail-signing-key"));
        try (Database db = new Database(dir.resolve("rampart.db"), 2)) {
            TrailKeys.Pending loaded = TrailKeys.loadOrStartCreating(
                    new TrailAnchor(db, MASTER), keys, MASTER, Duration.ofHours(1), Clock.systemUTC());
            assertThat(loaded.ready()).isTrue();
            assertThat(loaded.join().fingerprint()).isEqualTo(legacy.fingerprint());
        }
        assertThat(TrailAnchor.read(dir.resolve("rampart.db")).keys())
                .extracting(TrailAnchor.KeyRecord::fingerprint)
                .containsExactly(legacy.fingerprint());
    }
}

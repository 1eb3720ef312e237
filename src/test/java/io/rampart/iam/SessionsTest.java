package io.rampart.iam;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.crypto.MasterKey;
import io.rampart.storage.Database;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STS sessions as stored: credentials sealed at rest, found by the verifier, ended early, purged a day after they end. */
class SessionsTest {
    static final MasterKey MASTER = MasterKey.of(new byte[32]);
    private static final String ACCOUNT = "111122223333";
    static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    @TempDir
    Path dir;

    Database db;
    Sessions sessions;

    /** The database the sessions live in (the same one each time within a test); SQLite here. */
    protected Database openDatabase() throws Exception {
        return new Database(dir.resolve("rampart.db"), 2);
    }

    @BeforeEach
    void open() throws Exception {
        db = openDatabase();
        sessions = new Sessions(db, MASTER);
    }

    @AfterEach
    void close() {
        db.close();
    }

    Sessions.Issued role(String owner, Instant issued, Duration lasting, boolean mfa, String sourceKey) {
        return sessions.create(
                ACCOUNT,
                "role",
                owner,
                "s-" + owner,
                "AROAEXAMPLE:" + owner,
                "arn:aws:sts::" + ACCOUNT + ":assumed-role/" + owner + "/s-" + owner,
                issued,
                issued.plus(lasting),
                Optional.empty(),
                List.of(),
                mfa,
                Optional.empty(),
                Map.of("team", "blue"),
                sourceKey);
    }

    @Test
    void anAssumedRoleSessionIsFoundWithItsCredentialsAndAnAssumedRolePrincipal() {
        Sessions.Issued issued = role("ops", NOW, Duration.ofHours(1), true, "AKIASOURCE");
        String id = issued.session().accessKeyId();
        assertThat(id).startsWith("ASIA").hasSize(20);
        assertThat(issued.secretKey()).hasSize(40);
        assertThat(issued.toString()).doesNotContain(issued.secretKey()).doesNotContain(issued.sessionToken());

        AccessKey key = sessions.find(id).orElseThrow();
        assertThat(key.secretKey()).isEqualTo(issued.secretKey());
        assertThat(key.sessionToken()).isEqualTo(issued.sessionToken());
        assertThat(key.expiration()).contains(NOW.plus(Duration.ofHours(1)));
        Principal p = key.principal();
        assertThat(p.type()).isEqualTo("AssumedRole");
        assertThat(p.userName()).isEmpty();
        assertThat(p.arn()).endsWith(":assumed-role/ops/s-ops");
        assertThat(p.sessionTokenIssued()).contains(NOW.toEpochMilli());
        assertThat(p.mfaAuthenticated()).isTrue();
        assertThat(p.tags()).containsEntry("team", "blue");
        assertThat(sessions.find("ASIANOSUCHSESSION000")).isEmpty();
    }

    @Test
    void aGetSessionTokenSessionIsTheUserItself() {
        Sessions.Issued issued = sessions.create(
                ACCOUNT,
                "user",
                "alice",
                "alice",
                "AIDAALICE",
                "arn:aws:iam::" + ACCOUNT + ":user/alice",
                NOW,
                NOW.plusSeconds(900),
                Optional.empty(),
                List.of(),
                false,
                Optional.empty(),
                Map.of(),
                "AKIAALICE");
        Principal p =
                sessions.find(issued.session().accessKeyId()).orElseThrow().principal();
        assertThat(p.type()).isEqualTo("IAMUser");
        assertThat(p.userName()).isEqualTo("alice");
        assertThat(p.mfaAuthenticated()).isFalse();
    }

    @Test
    void secretsAndTokensAreSealedInTheDatabaseFiles() throws Exception {
        Sessions.Issued issued = role("sealed", NOW, Duration.ofHours(1), false, null);
        db.close();
        db = openDatabase();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.getFileName().toString().startsWith("rampart.db"))
                    .toList();
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            assertThat(bytes)
                    .as(f.toString())
                    .doesNotContain(issued.secretKey())
                    .doesNotContain(issued.sessionToken());
        }
        // And they still open with the master key.
        assertThat(new Sessions(db, MASTER)
                        .find(issued.session().accessKeyId())
                        .orElseThrow()
                        .secretKey())
                .isEqualTo(issued.secretKey());
    }

    @Test
    void activeAndCreatedWithListOnlySessionsThatHaveNotEnded() {
        Sessions.Issued first = role("ops", NOW.minusSeconds(60), Duration.ofHours(1), false, "AKIASTOLEN");
        Sessions.Issued second = role("ops", NOW, Duration.ofHours(1), false, "AKIAOTHER");
        role("ops", NOW.minus(2, ChronoUnit.HOURS), Duration.ofHours(1), false, "AKIASTOLEN");
        role("dev", NOW, Duration.ofHours(1), false, "AKIASTOLEN");

        assertThat(sessions.active(ACCOUNT, "role", "ops", NOW))
                .extracting(Sessions.Session::accessKeyId)
                .containsExactly(first.session().accessKeyId(), second.session().accessKeyId());
        assertThat(sessions.createdWith("AKIASTOLEN", NOW))
                .extracting(Sessions.Session::owner)
                .containsExactly("ops", "dev");
    }

    @Test
    void expiringEndsASessionOnceAndTheVerifierSeesItAtOnce() {
        Sessions.Issued s = role("revoked", NOW.minusSeconds(10), Duration.ofHours(1), false, null);
        String id = s.session().accessKeyId();
        assertThat(sessions.find(id).orElseThrow().expiration())
                .contains(NOW.minusSeconds(10).plus(Duration.ofHours(1)));

        assertThat(sessions.expire(List.of(id), NOW)).isEqualTo(1);
        assertThat(sessions.expire(List.of(id), NOW)).as("already ended").isZero();
        assertThat(sessions.find(id).orElseThrow().expiration()).contains(NOW);
        assertThat(sessions.active(ACCOUNT, "role", "revoked", NOW)).isEmpty();
    }

    @Test
    void purgeDropsOnlySessionsThatEndedMoreThanADayAgo() {
        String old = role("old", NOW.minus(3, ChronoUnit.DAYS), Duration.ofHours(1), false, null)
                .session()
                .accessKeyId();
        String recent = role("recent", NOW.minus(20, ChronoUnit.HOURS), Duration.ofHours(1), false, null)
                .session()
                .accessKeyId();
        String live =
                role("live", NOW, Duration.ofHours(1), false, null).session().accessKeyId();

        assertThat(sessions.purgeExpired(NOW)).isEqualTo(1);
        assertThat(sessions.session(old)).isEmpty();
        assertThat(sessions.session(recent)).isPresent();
        assertThat(sessions.session(live)).isPresent();
        assertThat(sessions.find(old)).isEmpty();
    }
}

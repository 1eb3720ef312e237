package io.rampart.iam;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.it.TestPostgres;
import io.rampart.storage.Database;
import io.rampart.storage.MetadataLocation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link SessionsTest} with the sessions in PostgreSQL: a fresh database for each test. */
class SessionsOnPostgresTest extends SessionsTest {
    private final MetadataLocation.Postgres location = TestPostgres.freshDatabase();

    @Override
    protected Database openDatabase() throws Exception {
        return Database.open(location, Path.of("unused"));
    }

    /** What PostgreSQL holds of a session's secret and token is sealed: the rows, as any reader of the database sees them. */
    @Override
    @Test
    void secretsAndTokensAreSealedInTheDatabaseFiles() throws Exception {
        Sessions.Issued issued = role("sealed", NOW, Duration.ofHours(1), false, null);
        db.close();
        db = openDatabase();
        int rows = db.read(c -> {
            int n = 0;
            try (var ps = c.prepareStatement("SELECT secret, token FROM sts_sessions");
                    var rs = ps.executeQuery()) {
                while (rs.next()) {
                    n++;
                    for (int i = 1; i <= 2; i++) {
                        assertThat(new String(rs.getBytes(i), StandardCharsets.ISO_8859_1))
                                .doesNotContain(issued.secretKey())
                                .doesNotContain(issued.sessionToken());
                    }
                }
            }
            return n;
        });
        assertThat(rows).isEqualTo(1);
        assertThat(new Sessions(db, MASTER)
                        .find(issued.session().accessKeyId())
                        .orElseThrow()
                        .secretKey())
                .isEqualTo(issued.secretKey());
    }
}

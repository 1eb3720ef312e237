package io.rampart.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One numbered sequence of schema migrations: applied once, in order, never past what the code knows. */
class SchemaMigrationsTest {
    @TempDir
    Path dir;

    @Test
    void stepsAreNumberedOneByOneAndEachHasStatements() {
        for (int i = 0; i < SchemaMigrations.STEPS.size(); i++) {
            SchemaMigrations.Step step = SchemaMigrations.STEPS.get(i);
            // Increasing; gaps while several branches each hold an assigned number (the merge closes them).
            assertThat(step.version())
                    .isGreaterThan(
                            i == 0 ? 0 : SchemaMigrations.STEPS.get(i - 1).version());
            for (String dialect : SchemaMigrations.DIALECTS) {
                assertThat(SchemaMigrations.statements(step, dialect))
                        .isNotEmpty()
                        .allSatisfy(sql -> {
                            assertThat(sql).isNotBlank().doesNotEndWith(";");
                        });
            }
        }
        assertThat(SchemaMigrations.latest()).isGreaterThanOrEqualTo(SchemaMigrations.BASELINE);
    }

    /** A step added for SQLite only would leave a PostgreSQL node unable to start: each backend has every step, by name. */
    @Test
    void everySqliteStepHasAPostgresqlCounterpart() throws Exception {
        List<String> missing = new ArrayList<>();
        for (String dialect : SchemaMigrations.DIALECTS) {
            java.net.URL dir = SchemaMigrations.class.getResource("schema/" + dialect);
            assertThat(dir).as("schema directory for " + dialect).isNotNull();
            try (var files = java.nio.file.Files.list(Path.of(dir.toURI()))) {
                files.map(f -> f.getFileName().toString()).forEach(name -> {
                    for (String other : SchemaMigrations.DIALECTS) {
                        if (SchemaMigrations.class.getResource("schema/" + other + "/" + name) == null) {
                            missing.add("schema/" + other + "/" + name + " (" + dialect + " has it)");
                        }
                    }
                });
            }
            for (SchemaMigrations.Step step : SchemaMigrations.STEPS) {
                if (SchemaMigrations.class.getResource(step.resource(dialect)) == null)
                    missing.add(step.resource(dialect));
            }
        }
        assertThat(missing)
                .as("schema migration files without a counterpart in every dialect")
                .isEmpty();
    }

    @Test
    void newDatabaseIsAtLatestVersionAndReopeningAppliesNothing() throws Exception {
        Path file = dir.resolve("rampart.db");
        try (Database db = new Database(file, 1)) {
            assertThat(rows(db, "SELECT version || ' ' || owner FROM schema_version ORDER BY version"))
                    .containsExactly(
                            "1 storage",
                            "2 iam",
                            "3 audit",
                            "4 detect",
                            "5 notify",
                            "6 kms",
                            "7 cluster",
                            "8 iam",
                            "9 iam",
                            "10 iam",
                            "11 detect",
                            "12 audit",
                            "13 cluster",
                            "14 recovery",
                            "16 iam");
            assertThat(rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"))
                    .contains(
                            "buckets",
                            "objects",
                            "uploads",
                            "parts",
                            "blobs",
                            "users",
                            "access_keys",
                            "findings",
                            "trail_signing_keys",
                            "trail_heads",
                            "notification_queue",
                            "recovery_window",
                            "replication_queue",
                            "kms_keys",
                            "kms_key_material",
                            "detection_feed",
                            "detection_feed_position",
                            "restore_jobs");
        }
        List<String> applied;
        try (Database db = new Database(file, 1)) {
            applied = rows(db, "SELECT applied FROM schema_version ORDER BY version");
        }
        try (Database db = new Database(file, 1)) {
            assertThat(rows(db, "SELECT applied FROM schema_version ORDER BY version"))
                    .isEqualTo(applied);
        }
    }

    @Test
    void databaseOfANewerRampartIsRefused() throws Exception {
        Path file = dir.resolve("rampart.db");
        try (Database db = new Database(file, 1)) {
            db.write(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO schema_version(version, owner, name, applied) VALUES("
                            + (SchemaMigrations.latest() + 1) + ", 'storage', 'from-the-future', 0)");
                }
                return null;
            });
        }
        assertThatThrownBy(() -> new Database(file, 1))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("schema version " + (SchemaMigrations.latest() + 1));
    }

    @Test
    void firstDetectorSliceFindingsGainStatusAndDocAndKeepTheirRows() throws Exception {
        Path file = dir.resolve("rampart.db");
        try (Database old = new Database(file, 1, false)) {
            old.write(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("""
                            CREATE TABLE findings(id TEXT PRIMARY KEY, rule TEXT NOT NULL, severity TEXT NOT NULL,
                              principal_arn TEXT, access_key_id TEXT, bucket TEXT, first_time INTEGER NOT NULL,
                              last_time INTEGER NOT NULL, count INTEGER NOT NULL, evidence TEXT NOT NULL)""");
                    s.execute("INSERT INTO findings VALUES('f1', 'r', 'HIGH', NULL, NULL, 'b', 1, 2, 5, '[\"e\"]')");
                }
                return null;
            });
        }
        try (Database db = new Database(file, 1)) {
            assertThat(rows(db, "SELECT id || ' ' || count || ' ' || status || ' ' || IFNULL(doc, '-') FROM findings"))
                    .containsExactly("f1 5 OPEN -");
            assertThat(rows(db, "SELECT name FROM schema_version WHERE version = 4"))
                    .containsExactly("baseline (adopted)");
        }
    }

    private static List<String> rows(Database db, String sql) {
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        });
    }
}

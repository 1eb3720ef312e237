package io.rampart.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The metadata database, whichever backend holds it: reads in a consistent snapshot and write transactions that are
 * durable when {@link #write} returns, each as atomic as if it were the only writer. The embedded default is SQLite
 * in the data directory ({@link SqliteEngine}: one writer thread grouping concurrent writes into one commit); several
 * nodes share a PostgreSQL database ({@link PostgresEngine}: serializable transactions retried on conflict). Every
 * store runs its SQL through this class, with the few statements that differ in the backend's {@link SqlDialect}.
 */
public final class Database implements AutoCloseable {
    /** A unit of work run against a connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** How one backend runs reads and writes. */
    interface Engine extends AutoCloseable {
        <T> T read(Work<T> work);

        <T> T write(Work<T> work);

        /** A write that no other process runs at the same time (schema migrations). */
        <T> T exclusive(Work<T> work);

        /** Write transactions run again after a conflict with another transaction, since start. */
        default long retries() {
            return 0;
        }

        @Override
        void close();
    }

    private final Engine engine;
    private final SqlDialect dialect;

    /** Opens the SQLite database file and brings its schema to the latest numbered migration ({@link SchemaMigrations}). */
    public Database(Path file, int readConnections) throws SQLException {
        this(file, readConnections, true);
    }

    /** Without {@code migrate}, the schema is left as found: only to build an old layout in a test. */
    Database(Path file, int readConnections, boolean migrate) throws SQLException {
        this(new SqliteEngine(file, readConnections), SqliteDialect.INSTANCE, migrate);
    }

    Database(Engine engine, SqlDialect dialect, boolean migrate) {
        this.engine = engine;
        this.dialect = dialect;
        if (migrate) {
            try {
                SchemaMigrations.migrate(this);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }
    }

    /**
     * Opens the metadata database at {@code location}: the SQLite file {@code rampart.db} in {@code dataDir}, or a
     * PostgreSQL database (its schema migrated under an advisory lock, so nodes starting together do not race).
     */
    public static Database open(MetadataLocation location, Path dataDir) throws SQLException {
        int connections = Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
        if (location instanceof MetadataLocation.Postgres pg) {
            return new Database(new PostgresEngine(pg, connections), PostgresDialect.INSTANCE, true);
        }
        return new Database(dataDir.resolve("rampart.db"), connections);
    }

    /**
     * Whether other processes serve from this database at the same time (PostgreSQL): what a node caches of rows
     * another node can change must then expire within a bounded time.
     */
    public boolean shared() {
        return dialect != SqliteDialect.INSTANCE;
    }

    SqlDialect dialect() {
        return dialect;
    }

    /** Runs a read in a consistent snapshot on a pooled connection. */
    public <T> T read(Work<T> work) {
        return engine.read(work);
    }

    /**
     * Runs a write transaction and returns once it is durable. A RuntimeException thrown by the work (e.g. a failed
     * precondition) rolls back only this write and is rethrown. On PostgreSQL the work may run more than once (a
     * serialization conflict with another transaction is retried): it must not act outside the database before it
     * returns, or must be able to do so again.
     */
    public <T> T write(Work<T> work) {
        return engine.write(work);
    }

    /** Write transactions run again after a conflict with another (PostgreSQL), since start: contention. */
    public long retries() {
        return engine.retries();
    }

    /** A write transaction that no other process or node runs at the same time. */
    <T> T exclusive(Work<T> work) {
        return engine.exclusive(work);
    }

    @Override
    public void close() {
        engine.close();
    }
}

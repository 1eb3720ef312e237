package io.rampart.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata on PostgreSQL, shared by every node: two HikariCP pools, one for reads (read-only, REPEATABLE READ: one
 * snapshot per read, as SQLite's readers) and one for writes (SERIALIZABLE; object writes at READ COMMITTED under
 * per-key advisory locks instead, see {@link #keyed}). In a serializable write, the read-then-write logic
 * written for SQLite's single writer (an IAM name checked before it is inserted) stays atomic across connections and nodes
 * without an in-process lock: PostgreSQL aborts one of two transactions that would interleave (SQLSTATE 40001, or a
 * unique violation raised by a concurrent insert; 40P01 for a deadlock) and the work is run again on a fresh snapshot.
 * Commits of concurrent writers share WAL flushes in PostgreSQL itself (its own group commit).
 */
final class PostgresEngine implements Database.Engine {
    private static final Logger log = LoggerFactory.getLogger(PostgresEngine.class);
    /** Tries of one write before its conflict is reported; each waits a little longer, randomly, to break the tie. */
    private static final int MAX_ATTEMPTS = 20;
    /** A unique violation is retried a few times only: a genuine duplicate fails the same way each time. */
    private static final String UNIQUE_VIOLATION = "23505";
    /** The advisory lock key under which schema migrations run ("rampart" in ASCII). */
    private static final long MIGRATION_LOCK = 0x72616d70617274L;

    private final java.util.concurrent.atomic.AtomicLong retries = new java.util.concurrent.atomic.AtomicLong();
    private final HikariDataSource readers;
    private final HikariDataSource writers;

    PostgresEngine(MetadataLocation.Postgres location, int connections) throws SQLException {
        // Twice as many writers as readers: each write waits for its commit's WAL flush, and PostgreSQL shares one
        // flush among the commits that wait together (its group commit), as SQLite's single writer groups them here.
        this.writers = pool(location, "rampart-pg-write", connections * 2, false);
        try {
            this.readers = pool(location, "rampart-pg-read", connections, true);
        } catch (RuntimeException e) {
            writers.close();
            throw e;
        }
    }

    private static HikariDataSource pool(MetadataLocation.Postgres location, String name, int size, boolean readOnly)
            throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(location.jdbcUrl());
        config.setUsername(location.user());
        if (location.password() != null) config.setPassword(location.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(2, size));
        config.setAutoCommit(false);
        config.setReadOnly(readOnly);
        config.setTransactionIsolation(readOnly ? "TRANSACTION_REPEATABLE_READ" : "TRANSACTION_SERIALIZABLE");
        config.setConnectionTimeout(30_000);
        config.addDataSourceProperty("ApplicationName", "rampart");
        // Statements are prepared once per connection and reused by the server (pgjdbc's default threshold is 5).
        config.addDataSourceProperty("prepareThreshold", "1");
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            // Hikari's message names the URL, never the password; the cause says why (refused, authentication, ...).
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new SQLException(
                    "cannot connect to the metadata database " + location + ": " + cause.getMessage(), e);
        }
    }

    @Override
    public <T> T read(Database.Work<T> work) {
        try (Connection c = readers.getConnection()) {
            try {
                return work.run(c);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new StorageException("database read failed", e);
        }
    }

    @Override
    public <T> T write(Database.Work<T> work) {
        return write(null, work);
    }

    /**
     * Object writes at READ COMMITTED under per-key advisory locks (see {@link Database#writeKeyed}). In one round
     * trip, before anything is read: the transaction's isolation, the bucket's lock (shared by writes that add to
     * it, exclusive for DeleteBucket), each key's lock in ascending id order, and (shared) whether the bucket still
     * exists. Each statement after these sees what every earlier holder of the same locks committed, so the work's
     * read-then-write of a key is atomic across connections and nodes without SSI's predicate locks. The locks are
     * transaction-scoped: released at commit or rollback, and a work run again after a deadlock takes them anew.
     */
    @Override
    public <T> T keyed(Database.KeyLocks locks, Database.Work<T> work) {
        return write(locks, work);
    }

    private static void lock(Connection c, Database.KeyLocks locks) throws SQLException {
        long[] keys = locks.keyIds();
        StringBuilder sql = new StringBuilder("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
        // One statement per lock: statements of a multi-statement run in order, so the order is the one written here.
        switch (locks.bucketLock()) {
            case SHARED -> sql.append(";\nSELECT pg_advisory_xact_lock_shared(?)");
            case EXCLUSIVE -> sql.append(";\nSELECT pg_advisory_xact_lock(?)");
            case NONE -> {}
        }
        for (int i = 0; i < keys.length; i++) sql.append(";\nSELECT pg_advisory_xact_lock(?)");
        boolean check = locks.bucketLock() == Database.BucketLock.SHARED;
        if (check) sql.append(";\nSELECT 1 FROM buckets WHERE name = ?");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            if (locks.bucketLock() != Database.BucketLock.NONE) ps.setLong(p++, locks.bucketId());
            for (long k : keys) ps.setLong(p++, k);
            if (check) ps.setString(p, locks.bucket());
            // Results in statement order: the SET's, one row per lock, then the bucket check's (found or not).
            int results = 1 + (locks.bucketLock() == Database.BucketLock.NONE ? 0 : 1) + keys.length + (check ? 1 : 0);
            boolean resultSet = ps.execute();
            boolean exists = false;
            for (int i = 0; i < results; i++) {
                if (i > 0) resultSet = ps.getMoreResults();
                if (resultSet) {
                    try (ResultSet rs = ps.getResultSet()) {
                        exists = rs.next();
                    }
                }
            }
            if (check && !exists) throw new NoSuchBucketException(locks.bucket());
        }
    }

    private <T> T write(Database.@Nullable KeyLocks locks, Database.Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = writers.getConnection()) {
                try {
                    if (locks != null) lock(c, locks);
                    T result = work.run(c);
                    commit(c);
                    return result;
                } catch (SQLException | RuntimeException | Error e) {
                    rollback(c);
                    String conflict = conflict(e);
                    if (conflict != null && attempt < (conflict.equals(UNIQUE_VIOLATION) ? 3 : MAX_ATTEMPTS)) {
                        retries.incrementAndGet();
                        log.debug("write conflict (SQLSTATE {}), attempt {}: running it again", conflict, attempt);
                        pause(attempt);
                        continue;
                    }
                    if (e instanceof SQLException se) throw se;
                    if (e instanceof RuntimeException re) throw re;
                    throw (Error) e;
                }
            } catch (SQLException e) {
                throw new StorageException("database write failed", e);
            }
        }
    }

    /**
     * Commits; a failure other than a conflict (which PostgreSQL reports having rolled back) leaves the outcome unknown
     * (the connection may have gone after the commit was applied), so it is reported as such and not run again.
     */
    private static void commit(Connection c) throws SQLException {
        try {
            c.commit();
        } catch (SQLException e) {
            if (conflict(e) != null) throw e;
            throw new StorageException("database commit failed; the write may be durable", e, true);
        }
    }

    /** A READ COMMITTED transaction under a transaction-scoped advisory lock: each statement sees what the last holder committed. */
    @Override
    public <T> T exclusive(Database.Work<T> work) {
        try (Connection c = writers.getConnection()) {
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
                    s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
                }
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException("database write failed", e);
        }
    }

    /**
     * A conflict with a concurrent transaction, anywhere in the cause chain (a store may wrap the SQLException):
     * serialization failure, deadlock, or a unique violation (under SERIALIZABLE a concurrent insert of the same key
     * surfaces as one; run again, the work sees the other row and answers as it would have).
     */
    static String conflict(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof SQLException se) {
                String state = se.getSQLState();
                if ("40001".equals(state) || "40P01".equals(state) || UNIQUE_VIOLATION.equals(state)) return state;
            }
            if (e.getCause() == e) break;
        }
        return null;
    }

    private static void pause(int attempt) {
        long max = Math.min(50, 1L << Math.min(attempt, 6));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, max + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted retrying a conflicting write", e);
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            log.debug("rollback failed", e);
        }
    }

    @Override
    public long retries() {
        return retries.get();
    }

    @Override
    public void close() {
        readers.close();
        writers.close();
    }
}

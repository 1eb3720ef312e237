package io.rampart.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded SQLite database: a pool of read connections and a single writer thread that groups concurrent write
 * transactions into one commit (one WAL fsync acknowledges many writes). Each write runs inside its own savepoint, so
 * one failing write never undoes its neighbours in the group. Durability: WAL with synchronous=FULL.
 */
final class SqliteEngine implements Database.Engine {
    private static final Logger log = LoggerFactory.getLogger(SqliteEngine.class);
    private static final int MAX_GROUP = 256;

    private record Pending<T>(Database.Work<T> work, CompletableFuture<T> done) {}

    private final String url;
    private final BlockingQueue<Connection> readers;
    private final List<Connection> allReaders = new ArrayList<>();
    private final LinkedBlockingQueue<Pending<?>> writes = new LinkedBlockingQueue<>();
    private final Connection writer;
    private final Thread writerThread;
    private volatile boolean closed;

    /**
     * The database's generation, for {@link #readCached}: odd while the writer commits, moved on (by one before and
     * one after each commit, by two when another connection's commit is seen) whenever what a read can see may have
     * changed.
     */
    private final AtomicLong generation = new AtomicLong();

    private final ReadCache cache = new ReadCache();

    /** Each read connection's last {@code PRAGMA data_version} (-1: not read yet), by identity. */
    private final java.util.IdentityHashMap<Connection, long[]> dataVersions = new java.util.IdentityHashMap<>();

    SqliteEngine(Path file, int readConnections) throws SQLException {
        this.url = "jdbc:sqlite:" + file.toAbsolutePath();
        // SQLite gives the -wal and -shm files the database file's mode: make that 0600 before it first opens it.
        try {
            if (!java.nio.file.Files.exists(file)) java.nio.file.Files.createFile(file, OwnerOnly.file());
            else OwnerOnly.restrictFile(file);
            OwnerOnly.restrictFile(file.resolveSibling(file.getFileName() + "-wal"));
            OwnerOnly.restrictFile(file.resolveSibling(file.getFileName() + "-shm"));
        } catch (java.io.IOException e) {
            throw new SQLException("cannot create " + file + ": " + e.getMessage(), e);
        }
        this.writer = open(false);
        CachedStatements.keep(writer, CachedStatements.PER_WRITER);
        this.readers = new ArrayBlockingQueue<>(readConnections);
        for (int i = 0; i < readConnections; i++) {
            Connection c = open(true);
            CachedStatements.keep(c);
            dataVersions.put(c, new long[] {-1});
            allReaders.add(c);
            readers.add(c);
        }
        this.writerThread =
                Thread.ofPlatform().name("rampart-db-writer").daemon(true).start(this::writeLoop);
    }

    private Connection open(boolean readOnly) throws SQLException {
        java.util.Properties props = new java.util.Properties();
        // The writer begins every transaction IMMEDIATE: another process on the same file (`rampart admin`, a second
        // node) then waits in the busy handler for the write lock, instead of failing at once with SQLITE_BUSY when a
        // transaction that read first tries to write after the other process committed.
        if (!readOnly) props.setProperty("transaction_mode", "IMMEDIATE");
        Connection c = DriverManager.getConnection(url, props);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("PRAGMA foreign_keys=ON");
            s.execute("PRAGMA busy_timeout=10000");
            s.execute("PRAGMA cache_size=-16000");
            if (readOnly) s.execute("PRAGMA query_only=ON");
        }
        return c;
    }

    /**
     * A read in one snapshot: BEGIN (deferred: the snapshot is taken by the first SELECT) and ROLLBACK run as kept
     * statements on the connection, which stays in auto-commit; the driver's own way (setAutoCommit(false), then
     * rollback() and setAutoCommit(true)) parsed and ran four statements per read.
     */
    @Override
    public <T> T read(Database.Work<T> work) {
        Connection c = take();
        try {
            try (CachedStatements.Lease begin = CachedStatements.prepare(c, "BEGIN")) {
                begin.statement().execute();
            }
            try {
                return work.run(c);
            } finally {
                try (CachedStatements.Lease rollback = CachedStatements.prepare(c, "ROLLBACK")) {
                    rollback.statement().execute();
                }
            }
        } catch (SQLException e) {
            throw new StorageException("database read failed", e);
        } finally {
            readers.add(c);
        }
    }

    /** One statement reads one snapshot by itself: it runs in auto-commit, without BEGIN and ROLLBACK around it. */
    @Override
    public <T> T readStatement(Database.Work<T> work) {
        Connection c = take();
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw new StorageException("database read failed", e);
        } finally {
            readers.add(c);
        }
    }

    /**
     * A one-statement read served from memory when the same {@code key} was read in the current generation.
     *
     * <p>Why a served value is never older than a write that returned before the read began. The reader reads the
     * generation g (after the data-version check below), then reads the database, and keeps the value under g; a
     * value is served only to a reader that observed that same g, and never while g is odd. (a) A write of this
     * process commits on the writer thread, which moves the generation to odd before {@code commit()} and on again
     * after it, both before the write's caller is told it is done. A write whose commit the value's read did not see
     * had not committed when that read began, so it ended the generation g after g was observed: every read that
     * begins once it has returned observes a newer generation and misses. A read that can see a commit's effect (a
     * re-read after {@code stillStored} found a version gone) began after the odd step, so it cannot hit a value read
     * before that commit either. (b) Another connection's commit (the {@code rampart admin} process, a second server
     * on the same file, a second {@link Database} on it in this process) is seen by {@code PRAGMA data_version}, which
     * changes on a connection when any other connection has committed since that connection last asked: every read
     * here asks, first, on the connection it took, and a change moves the generation on. A foreign commit that
     * returned before this read began is therefore seen by this read's check, or was seen by an earlier check of
     * this connection made after that commit, which ended the generation current then; either way the generation
     * this read observes is newer than any value read before the commit. (c) Our own writer's commits also change
     * every reader's data version: they only move the generation on once more.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <T> T readCached(Object key, Database.Work<T> work, ToLongFunction<T> weight) {
        Connection c = take();
        try {
            long g = checkedGeneration(c);
            boolean stable = (g & 1) == 0;
            if (stable) {
                Object hit = cache.get(key, g);
                if (hit != null) return (T) hit;
            }
            T value = work.run(c);
            if (stable) cache.put(key, value, weight.applyAsLong(value), g, generation.get());
            return value;
        } catch (SQLException e) {
            throw new StorageException("database read failed", e);
        } finally {
            readers.add(c);
        }
    }

    /** The generation, after moving it on if another connection committed since {@code c} last asked. */
    private long checkedGeneration(Connection c) throws SQLException {
        long[] seen = dataVersions.get(c);
        long now;
        try (CachedStatements.Lease lease = CachedStatements.prepare(c, "PRAGMA data_version");
                ResultSet rs = lease.statement().executeQuery()) {
            if (!rs.next()) throw new SQLException("PRAGMA data_version returned no row");
            now = rs.getLong(1);
        }
        if (now != seen[0]) {
            generation.addAndGet(2);
            seen[0] = now;
        }
        return generation.get();
    }

    private Connection take() {
        Connection c;
        try {
            c = readers.poll(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted waiting for a database connection", e);
        }
        if (c == null) throw new StorageException("no database connection available", null);
        return c;
    }

    /** Writes from concurrent callers are committed together (group commit), each in its own savepoint. */
    @Override
    public <T> T write(Database.Work<T> work) {
        if (closed) throw new StorageException("database is closed", null);
        CompletableFuture<T> done = new CompletableFuture<>();
        writes.add(new Pending<>(work, done));
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted waiting for commit", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new StorageException("database write failed", cause);
        }
    }

    /**
     * The single writer already runs every write alone, so there is no lock to take; a write that adds to a bucket
     * checks, in its transaction, that the bucket is still there (a DeleteBucket may have committed after the request
     * looked the bucket up), as PostgreSQL's keyed write does, so no object is left in a deleted bucket.
     */
    @Override
    public <T> T keyed(Database.KeyLocks locks, Database.Work<T> work) {
        if (locks.bucketLock() != Database.BucketLock.SHARED) return write(work);
        return write(c -> {
            try (CachedStatements.Lease lease = CachedStatements.prepare(c, "SELECT 1 FROM buckets WHERE name = ?")) {
                PreparedStatement ps = lease.statement();
                ps.setString(1, locks.bucket());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) throw new NoSuchBucketException(locks.bucket());
                }
            }
            return work.run(c);
        });
    }

    private void writeLoop() {
        List<Pending<?>> batch = new ArrayList<>(MAX_GROUP);
        while (true) {
            try {
                Pending<?> first = writes.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closed) return;
                    continue;
                }
                batch.add(first);
                writes.drainTo(batch, MAX_GROUP - 1);
                runBatch(batch);
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                log.error("writer loop failure", t);
                for (Pending<?> p : batch) p.done.completeExceptionally(t);
            } finally {
                batch.clear();
            }
        }
    }

    private void runBatch(List<Pending<?>> batch) throws SQLException {
        Object[] results = new Object[batch.size()];
        Throwable[] failures = new Throwable[batch.size()];
        writer.setAutoCommit(false);
        try {
            for (int i = 0; i < batch.size(); i++) {
                run("SAVEPOINT w");
                try {
                    results[i] = batch.get(i).work.run(writer);
                    run("RELEASE w");
                } catch (Throwable t) {
                    run("ROLLBACK TO w");
                    run("RELEASE w");
                    failures[i] = t;
                }
            }
        } catch (SQLException e) {
            failAll(batch, e);
            return;
        }
        // Odd while committing, moved on again before any write of the group is completed (see readCached); a group
        // that fails to commit moves it on too, since the log may have reached the disk.
        SQLException commitFailure = null;
        generation.incrementAndGet();
        try {
            writer.commit();
        } catch (SQLException e) {
            commitFailure = e;
        } finally {
            generation.incrementAndGet();
        }
        if (commitFailure != null) {
            // The log may have reached the disk before the failure: the writes may be there after a restart.
            failAll(
                    batch,
                    new StorageException("database commit failed; the write may be durable", commitFailure, true));
            return;
        }
        writer.setAutoCommit(true);
        for (int i = 0; i < batch.size(); i++) complete(batch.get(i), results[i], failures[i]);
    }

    /** Runs one statement without parameters on the writer, as a kept statement. */
    private void run(String sql) throws SQLException {
        try (CachedStatements.Lease lease = CachedStatements.prepare(writer, sql)) {
            try {
                lease.statement().execute();
            } catch (SQLException e) {
                lease.failed();
                throw e;
            }
        }
    }

    /** Rolls the group back and fails every write in it with {@code reported}. */
    private void failAll(List<Pending<?>> batch, Throwable reported) throws SQLException {
        try {
            writer.rollback();
        } catch (SQLException ignored) {
            /* the original failure is reported */
        }
        writer.setAutoCommit(true);
        for (Pending<?> p : batch) p.done.completeExceptionally(reported);
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Pending<T> p, Object result, Throwable failure) {
        if (failure != null) p.done.completeExceptionally(failure);
        else p.done.complete((T) result);
    }

    /** The single writer already excludes every other write of this process; BEGIN IMMEDIATE the other processes. */
    @Override
    public <T> T exclusive(Database.Work<T> work) {
        return write(work);
    }

    @Override
    public void close() {
        closed = true;
        try {
            writerThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        CachedStatements.release(writer);
        try {
            writer.close();
        } catch (SQLException ignored) {
            /* closing anyway */
        }
        for (Connection c : allReaders) {
            CachedStatements.release(c);
            try {
                c.close();
            } catch (SQLException ignored) {
                /* closing anyway */
            }
        }
    }
}

package io.rampart.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The metadata database, whichever backend holds it: reads in a consistent snapshot and write transactions that are
 * durable when {@link #write} returns, each as atomic as if it were the only writer. The embedded default is SQLite
 * in the data directory ({@link SqliteEngine}: one writer thread grouping concurrent writes into one commit); several
 * nodes share a PostgreSQL database ({@link PostgresEngine}: serializable transactions retried on conflict, object
 * writes under per-key locks: {@link #writeKeyed}). Every
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

        /** A read whose work runs a single statement, which reads one snapshot by itself. */
        default <T> T readStatement(Work<T> work) {
            return read(work);
        }

        /**
         * A one-statement read whose value may be served from memory while nothing has committed since it was read
         * (the embedded SQLite, whose writes all go through this process's writer or are seen by its data version);
         * {@code weight} estimates a value's bytes. Other backends read every time.
         */
        default <T> T readCached(Object key, Work<T> work, java.util.function.ToLongFunction<T> weight) {
            return readStatement(work);
        }

        <T> T write(Work<T> work);

        /**
         * A write of object keys under {@code locks}: on PostgreSQL at READ COMMITTED behind the locks, taken before
         * the work's first read; SQLite's single writer already runs every write alone, so there it is {@link #write}.
         */
        default <T> T keyed(KeyLocks locks, Work<T> work) {
            return write(work);
        }

        /** A write that no other process runs at the same time (schema migrations). */
        <T> T exclusive(Work<T> work);

        /** Write transactions run again after a conflict with another transaction, since start. */
        default long retries() {
            return 0;
        }

        @Override
        void close();
    }

    /** What a keyed write's bucket lock guards: nothing, the bucket's existence while it adds rows, or its removal. */
    enum BucketLock {
        /** The write only changes or removes rows of its keys. */
        NONE,
        /** The write adds rows to the bucket: DeleteBucket waits for it, and it fails if the bucket is gone. */
        SHARED,
        /** DeleteBucket: waits for the writes adding rows to the bucket, and those after it find the bucket gone. */
        EXCLUSIVE
    }

    /**
     * What a write of object keys locks before it reads anything (PostgreSQL): each of its keys (one writer of a key
     * at a time, across nodes) and its bucket as {@code bucketLock} says. Keys are locked in a fixed order (their lock
     * ids ascending, after the bucket's), so two writes of several keys never wait on each other in a cycle.
     */
    record KeyLocks(String bucket, List<Key> keys, BucketLock bucketLock) {
        /** One object key, of {@code bucket} or (a copy's source) of another bucket. */
        record Key(String bucket, String key) {}

        KeyLocks {
            keys = List.copyOf(keys);
        }

        /** Keys of one bucket. */
        static KeyLocks of(String bucket, java.util.Collection<String> keys, BucketLock bucketLock) {
            return new KeyLocks(
                    bucket, keys.stream().map(k -> new Key(bucket, k)).toList(), bucketLock);
        }

        /** A write that adds a version of one key (PUT, delete marker, CompleteMultipartUpload). */
        static KeyLocks adding(String bucket, String key) {
            // Every PUT takes these: one key without a stream (0.8% of a PUT flood's samples went to of's).
            return new KeyLocks(bucket, List.of(new Key(bucket, key)), BucketLock.SHARED);
        }

        /** A write that changes or removes versions of one key (DeleteObject, tags, retention, legal hold). */
        static KeyLocks changing(String bucket, String key) {
            return new KeyLocks(bucket, List.of(new Key(bucket, key)), BucketLock.NONE);
        }

        /** The keys' advisory lock ids in the order they are taken (ascending, each once). */
        long[] keyIds() {
            return keys.stream()
                    .mapToLong(k -> lockId("key", k.bucket(), k.key()))
                    .distinct()
                    .sorted()
                    .toArray();
        }

        long bucketId() {
            return lockId("bucket", bucket, "");
        }

        /** A 64-bit id from SHA-256 of (kind, bucket, key): a collision only makes two writes wait for each other. */
        private static long lockId(String kind, String bucket, String key) {
            try {
                java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
                for (String part : new String[] {kind, bucket, key}) {
                    md.update(part.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    md.update((byte) 0);
                }
                return java.nio.ByteBuffer.wrap(md.digest()).getLong();
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
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
     * Runs a read whose work is one SQL statement (a join, a point lookup): the statement reads one consistent snapshot
     * by itself, so SQLite runs it without a transaction around it. Work of several statements uses {@link #read}.
     */
    public <T> T readStatement(Work<T> work) {
        return engine.readStatement(work);
    }

    /**
     * A {@link #readStatement} whose value may be served from memory (SQLite only): the same {@code key} must always
     * mean the same statement, and the value is shared, never mutated by a caller. Never older than a write that
     * returned before the read began ({@link SqliteEngine#readCached}).
     */
    <T> T readCached(Object key, Work<T> work, java.util.function.ToLongFunction<T> weight) {
        return engine.readCached(key, work, weight);
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

    /**
     * A write of object keys (versions, their blob references, the recovery window and the replication queue rows
     * that go with them), as {@link #write} but under {@code locks}: on PostgreSQL it runs at READ COMMITTED after
     * taking them, each statement seeing what the last holder committed, instead of SERIALIZABLE (whose predicate
     * locks on neighbouring index pages abort concurrent writes of different keys). Every write that changes a
     * key's versions must come through here, so that same-key writes queue on the key's lock whatever their node.
     * Fails with {@link NoSuchBucketException} when a {@link BucketLock#SHARED} bucket is gone.
     */
    <T> T writeKeyed(KeyLocks locks, Work<T> work) {
        return engine.keyed(locks, work);
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

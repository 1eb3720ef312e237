package io.rampart.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prepared statements kept open on SQLite's connections and reused: preparing costs the SQL's parse and the driver's
 * fetch of every column name, each time, which showed in the profile of small GETs (the read connections' hot reads)
 * and of small PUTs (every statement of a write runs on the single writer connection). A connection keeps at most
 * its capacity of statements (least recently used closed first); other connections (PostgreSQL's pools, whose driver
 * keeps its own server-side statements) prepare and close as before. A pooled read connection serves one read at a
 * time and the writer connection is used by the writer thread alone, so their statements need no lock. A statement
 * whose use failed is closed, not kept: the next use prepares it again, in a known state.
 */
final class CachedStatements {
    /** A read connection's statements: the few hot reads. */
    static final int PER_CONNECTION = 32;

    /** The writer's: every statement of the common writes (PUT, DELETE, multipart, IAM, the trail's state). */
    static final int PER_WRITER = 128;

    /** The connections that keep statements (SQLite's readers), by identity: connections do not override equals. */
    private static final Map<Connection, CachedStatements> KEPT = new ConcurrentHashMap<>();

    private final int capacity;
    private final Map<String, Entry> statements;

    private static final class Entry {
        final PreparedStatement statement;
        boolean inUse;

        Entry(PreparedStatement statement) {
            this.statement = statement;
        }
    }

    private CachedStatements(int capacity) {
        this.capacity = capacity;
        this.statements = new LinkedHashMap<>(capacity * 2, 0.75f, true);
    }

    /** A statement in use: its result sets are closed by the caller; closing the lease keeps or closes the statement. */
    static final class Lease implements AutoCloseable {
        private final PreparedStatement statement;
        private final CachedStatements owner;
        private final String sql;
        private final Entry kept;
        private boolean failed;

        private Lease(PreparedStatement statement, CachedStatements owner, String sql, Entry kept) {
            this.statement = statement;
            this.owner = owner;
            this.sql = sql;
            this.kept = kept;
        }

        PreparedStatement statement() {
            return statement;
        }

        /** The statement's use failed: closing the lease closes it instead of keeping it. */
        void failed() {
            failed = true;
        }

        @Override
        public void close() throws SQLException {
            if (kept == null) {
                statement.close();
            } else if (failed) {
                owner.statements.remove(sql, kept);
                statement.close();
            } else {
                kept.inUse = false;
            }
        }
    }

    /** Starts keeping statements for {@code c} (a pooled connection used by one thread at a time). */
    static void keep(Connection c) {
        keep(c, PER_CONNECTION);
    }

    /** The same, up to {@code capacity} statements. */
    static void keep(Connection c, int capacity) {
        KEPT.put(c, new CachedStatements(capacity));
    }

    /** Closes what {@code c} kept; called before the connection itself is closed. */
    static void release(Connection c) {
        CachedStatements kept = KEPT.remove(c);
        if (kept == null) return;
        for (Entry e : kept.statements.values()) {
            try {
                e.statement.close();
            } catch (SQLException ignored) {
                /* closing anyway */
            }
        }
        kept.statements.clear();
    }

    /**
     * {@code sql} prepared on {@code c}: the connection's kept statement when it keeps them (prepared on first use),
     * else a new one that the lease closes. A statement already in use on the connection (a nested read of the same
     * SQL) is not shared: the nested read gets a statement of its own.
     */
    static Lease prepare(Connection c, String sql) throws SQLException {
        CachedStatements kept = KEPT.get(c);
        if (kept == null) return new Lease(c.prepareStatement(sql), null, sql, null);
        Entry e = kept.statements.get(sql);
        if (e != null && e.inUse) return new Lease(c.prepareStatement(sql), null, sql, null);
        if (e != null && closedByDriver(e.statement)) {
            kept.statements.remove(sql);
            e.statement.close();
            e = null;
        }
        if (e == null) {
            e = new Entry(c.prepareStatement(sql));
            e.inUse = true;
            kept.statements.put(sql, e);
            if (kept.statements.size() > kept.capacity) kept.evictEldest();
        }
        e.inUse = true;
        return new Lease(e.statement, kept, sql, e);
    }

    /**
     * Whether sqlite-jdbc let go of the statement itself: it does on errors other than busy, locked, constraint and
     * misuse, and the statement then fails every later use.
     */
    private static boolean closedByDriver(PreparedStatement ps) {
        return ps instanceof org.sqlite.core.CoreStatement cs && cs.pointer.isClosed();
    }

    private void evictEldest() {
        var it = statements.entrySet().iterator();
        while (it.hasNext()) {
            Entry e = it.next().getValue();
            if (e.inUse) continue;
            it.remove();
            try {
                e.statement.close();
            } catch (SQLException ignored) {
                /* a statement we no longer keep */
            }
            return;
        }
    }
}

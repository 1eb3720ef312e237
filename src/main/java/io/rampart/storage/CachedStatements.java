package io.rampart.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prepared statements kept open on SQLite's pooled read connections and reused by the hot reads (a GET's bucket and
 * version rows): preparing costs the SQL's parse and the driver's fetch of every column name, each time, which showed
 * in the profile of small GETs. A connection keeps at most {@link #PER_CONNECTION} statements (least recently used
 * closed first); other connections (the writer, PostgreSQL's pools, whose driver keeps its own server-side statements)
 * prepare and close as before. A pooled connection serves one read at a time, so its statements need no lock.
 */
final class CachedStatements {
    static final int PER_CONNECTION = 32;

    /** The connections that keep statements (SQLite's readers), by identity: connections do not override equals. */
    private static final Map<Connection, CachedStatements> KEPT = new ConcurrentHashMap<>();

    private final Map<String, Entry> statements = new LinkedHashMap<>(PER_CONNECTION * 2, 0.75f, true);

    private static final class Entry {
        final PreparedStatement statement;
        boolean inUse;

        Entry(PreparedStatement statement) {
            this.statement = statement;
        }
    }

    private CachedStatements() {}

    /** A statement in use: its result sets are closed by the caller; closing the lease keeps or closes the statement. */
    static final class Lease implements AutoCloseable {
        private final PreparedStatement statement;
        private final Entry kept;

        private Lease(PreparedStatement statement, Entry kept) {
            this.statement = statement;
            this.kept = kept;
        }

        PreparedStatement statement() {
            return statement;
        }

        @Override
        public void close() throws SQLException {
            if (kept != null) kept.inUse = false;
            else statement.close();
        }
    }

    /** Starts keeping statements for {@code c} (a pooled connection used by one thread at a time). */
    static void keep(Connection c) {
        KEPT.put(c, new CachedStatements());
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
        if (kept == null) return new Lease(c.prepareStatement(sql), null);
        Entry e = kept.statements.get(sql);
        if (e != null && e.inUse) return new Lease(c.prepareStatement(sql), null);
        if (e == null) {
            e = new Entry(c.prepareStatement(sql));
            e.inUse = true;
            kept.statements.put(sql, e);
            if (kept.statements.size() > PER_CONNECTION) kept.evictEldest();
        }
        e.inUse = true;
        return new Lease(e.statement, e);
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

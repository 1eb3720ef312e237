package io.rampart.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Statements of one write transaction that need no answer before the next is sent (the write's reads are done, what
 * follows only writes), run in order, each seeing the effects of those before it. On PostgreSQL they go together as
 * one multi-statement prepared statement: one network round trip instead of one per statement; on SQLite, in
 * process, one after the other. A statement may take its update count (e.g. whether it deleted a row).
 */
final class StatementBatch {
    /** Statements sent per round trip at most: a CompleteMultipartUpload of 10,000 parts still goes in chunks. */
    private static final int MAX_TOGETHER = 64;

    /** Sets one statement's parameters in order. */
    @FunctionalInterface
    interface Binder {
        void bind(Params p) throws SQLException;
    }

    /** The parameters of one statement, set from the first, whatever its place in a multi-statement. */
    static final class Params {
        private final PreparedStatement ps;
        private int next;

        private Params(PreparedStatement ps, int first) {
            this.ps = ps;
            this.next = first;
        }

        Params text(String v) throws SQLException {
            ps.setString(next++, v);
            return this;
        }

        Params int64(long v) throws SQLException {
            ps.setLong(next++, v);
            return this;
        }

        Params int32(int v) throws SQLException {
            ps.setInt(next++, v);
            return this;
        }

        Params bytes(byte[] v) throws SQLException {
            ps.setBytes(next++, v);
            return this;
        }
    }

    private record Pending(String sql, Binder binder, IntConsumer onCount) {}

    private final Connection c;
    private final boolean together;
    private final List<Pending> pending = new ArrayList<>();

    StatementBatch(Connection c, SqlDialect dialect) {
        this(c, dialect.sendsStatementsTogether());
    }

    /** {@code together}: whether the connection takes several statements in one prepared statement (PostgreSQL). */
    StatementBatch(Connection c, boolean together) {
        this.c = c;
        this.together = together;
    }

    StatementBatch add(String sql, Binder binder) {
        return add(sql, StatementBatch::ignore, binder);
    }

    /** Adds a statement whose update count goes to {@code onCount} when it has run. */
    StatementBatch add(String sql, IntConsumer onCount, Binder binder) {
        pending.add(new Pending(sql, binder, onCount));
        return this;
    }

    private static void ignore(int count) {}

    /** Runs the statements added since the last run, in order; the first failure stops the rest (the write aborts). */
    void run() throws SQLException {
        List<Pending> todo = List.copyOf(pending);
        pending.clear();
        if (!together) {
            for (Pending p : todo) runAlone(p);
            return;
        }
        for (int from = 0; from < todo.size(); from += MAX_TOGETHER) {
            List<Pending> chunk = todo.subList(from, Math.min(todo.size(), from + MAX_TOGETHER));
            if (chunk.size() == 1) runAlone(chunk.get(0));
            else runTogether(chunk);
        }
    }

    /** One statement: on SQLite's writer the connection's kept statement ({@link CachedStatements}), not a new one. */
    private void runAlone(Pending p) throws SQLException {
        int count;
        try (CachedStatements.Lease lease = CachedStatements.prepare(c, p.sql)) {
            PreparedStatement ps = lease.statement();
            try {
                p.binder.bind(new Params(ps, 1));
                count = ps.executeUpdate();
            } catch (SQLException | RuntimeException e) {
                lease.failed();
                throw e;
            }
        }
        p.onCount.accept(count);
    }

    private void runTogether(List<Pending> chunk) throws SQLException {
        StringBuilder sql = new StringBuilder();
        for (Pending p : chunk) {
            if (!sql.isEmpty()) sql.append(";\n");
            sql.append(p.sql);
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            // pgjdbc numbers the parameters of a multi-statement across its statements, in order.
            Params params = new Params(ps, 1);
            for (Pending p : chunk) p.binder.bind(params);
            boolean resultSet = ps.execute();
            for (int i = 0; i < chunk.size(); i++) {
                if (i > 0) resultSet = ps.getMoreResults();
                chunk.get(i).onCount.accept(resultSet ? -1 : ps.getUpdateCount());
            }
        }
    }
}

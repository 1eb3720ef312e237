package io.rampart.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL's SQL: the listing queries without SQLite's {@code INDEXED BY} (the planner picks the covering indexes
 * of the postgresql migrations, whose key columns sort in byte order: {@code COLLATE "C"}), and the catalog through
 * {@code information_schema}.
 */
final class PostgresDialect implements SqlDialect {
    static final PostgresDialect INSTANCE = new PostgresDialect();

    private PostgresDialect() {}

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public boolean sendsStatementsTogether() {
        return true;
    }

    @Override
    public String rowLock(boolean exclusive, String ofTable) {
        return (exclusive ? " FOR UPDATE" : " FOR SHARE") + (ofTable.isEmpty() ? "" : " OF " + ofTable);
    }

    @Override
    public boolean tableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.tables"
                + " WHERE table_schema = current_schema() AND table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public boolean hasTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() LIMIT 1")) {
            return rs.next();
        }
    }

    /** Through jsonb: the text comes back with PostgreSQL's spacing and key order, which readers do not depend on. */
    @Override
    public String jsonWithField(String column, String field) {
        return "jsonb_set(" + column + "::jsonb, '{" + field + "}', to_jsonb(CAST(? AS text)))::text";
    }

    @Override
    public String putPart() {
        return "INSERT INTO parts(" + MultipartUploads.PART_COLUMNS + ") VALUES(?,?,?,?,?,?,?)"
                + " ON CONFLICT(upload_id, part_number) DO UPDATE SET size = excluded.size, etag = excluded.etag,"
                + " last_modified = excluded.last_modified, checksums = excluded.checksums, blob = excluded.blob";
    }

    @Override
    public String currentFrom(boolean inclusive) {
        return withoutIndexHint(ObjectsTable.currentFrom(inclusive));
    }

    @Override
    public String versionsFrom(boolean inclusive) {
        return withoutIndexHint(ObjectsTable.versionsFrom(inclusive));
    }

    @Override
    public String olderVersionsOfKey() {
        return withoutIndexHint(ObjectsTable.OLDER_VERSIONS_OF_KEY);
    }

    @Override
    public String versionRowsAfterKey(String columns) {
        return "SELECT " + columns + " FROM objects WHERE bucket = ? AND key > ? ORDER BY key, seq DESC LIMIT ?";
    }

    private static String withoutIndexHint(String sql) {
        return sql.replaceFirst(" INDEXED BY \\w+", "");
    }
}

package io.rampart.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * SQLite's SQL: upserts as {@code INSERT ... ON CONFLICT} / {@code INSERT OR REPLACE}, and listing queries pinned to
 * their covering indexes with {@code INDEXED BY} (see {@link ObjectsTable}).
 */
final class SqliteDialect implements SqlDialect {
    static final SqliteDialect INSTANCE = new SqliteDialect();

    private SqliteDialect() {}

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public boolean tableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
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
                        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 1")) {
            return rs.next();
        }
    }

    @Override
    public String jsonWithField(String column, String field) {
        return "json_set(" + column + ", '$." + field + "', ?)";
    }

    @Override
    public String putPart() {
        return "INSERT OR REPLACE INTO parts(" + MultipartUploads.PART_COLUMNS + ") VALUES(?,?,?,?,?,?,?)";
    }

    @Override
    public String currentFrom(boolean inclusive) {
        return ObjectsTable.currentFrom(inclusive);
    }

    @Override
    public String versionsFrom(boolean inclusive) {
        return ObjectsTable.versionsFrom(inclusive);
    }

    @Override
    public String olderVersionsOfKey() {
        return ObjectsTable.OLDER_VERSIONS_OF_KEY;
    }

    @Override
    public String versionRowsAfterKey(String columns) {
        return "SELECT " + columns + " FROM objects INDEXED BY objects_versions"
                + " WHERE bucket = ? AND key > ? ORDER BY key, seq DESC LIMIT ?";
    }
}

package io.rampart.storage;

/**
 * SQLite's SQL: upserts as {@code INSERT ... ON CONFLICT} / {@code INSERT OR REPLACE}, and listing queries pinned to
 * their covering indexes with {@code INDEXED BY} (see {@link ObjectsTable}).
 */
final class SqliteDialect implements SqlDialect {
    static final SqliteDialect INSTANCE = new SqliteDialect();

    private SqliteDialect() {
    }

    @Override public String addBlobRef() {
        return "INSERT INTO blobs(id, refs) VALUES(?, 1) ON CONFLICT(id) DO UPDATE SET refs = refs + 1";
    }

    @Override public String putPart() {
        return "INSERT OR REPLACE INTO parts(" + MultipartUploads.PART_COLUMNS + ") VALUES(?,?,?,?,?,?,?)";
    }

    @Override public String currentFrom(boolean inclusive) {
        return ObjectsTable.currentFrom(inclusive);
    }

    @Override public String versionsFrom(boolean inclusive) {
        return ObjectsTable.versionsFrom(inclusive);
    }

    @Override public String olderVersionsOfKey() {
        return ObjectsTable.OLDER_VERSIONS_OF_KEY;
    }

    @Override public String versionRowsAfterKey(String columns) {
        return "SELECT " + columns + " FROM objects INDEXED BY objects_versions"
                + " WHERE bucket = ? AND key > ? ORDER BY key, seq DESC LIMIT ?";
    }
}

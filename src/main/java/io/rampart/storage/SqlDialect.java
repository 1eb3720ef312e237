package io.rampart.storage;

/**
 * The SQL that differs between metadata backends; everything else the store runs is portable SQL (row-value
 * comparisons, {@code LIMIT}, {@code COALESCE}). SQLite's is {@link SqliteDialect}.
 */
interface SqlDialect {
    /** Adds one reference to a blob, creating its row at 1 (parameter: blob id). */
    String addBlobRef();

    /** Inserts a part or replaces the part with the same (upload_id, part_number); parameters in PART_COLUMNS order. */
    String putPart();

    /**
     * Current versions of a bucket in key order from a key (parameters: bucket, key, limit), inclusive or not:
     * columns {@link ObjectsTable#CURRENT_COLUMNS}.
     */
    String currentFrom(boolean inclusive);

    /**
     * Versions of a bucket in (key ascending, newest first) order from a key (parameters: bucket, key, limit),
     * inclusive or not: columns {@link ObjectsTable#VERSION_COLUMNS}.
     */
    String versionsFrom(boolean inclusive);

    /** Versions of one key older than a sequence number, newest first (parameters: bucket, key, seq, limit). */
    String olderVersionsOfKey();

    /**
     * Whole version rows (the given columns, without inline data) of a bucket's keys after a key, in (key ascending,
     * newest first) order (parameters: bucket, key, limit).
     */
    String versionRowsAfterKey(String columns);
}

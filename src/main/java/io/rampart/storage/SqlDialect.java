package io.rampart.storage;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The SQL that differs between metadata backends; everything else the stores run is portable SQL (row-value
 * comparisons, {@code LIMIT}, {@code COALESCE}, {@code INSERT ... ON CONFLICT}). SQLite's is {@link SqliteDialect},
 * PostgreSQL's {@link PostgresDialect}.
 */
interface SqlDialect {
    /** The directory of this backend's schema migrations: {@code schema/<name>/V<n>__...sql}. */
    String name();

    /**
     * Whether several statements go to the database as one multi-statement prepared statement, one round trip
     * ({@link StatementBatch}); an embedded database runs them one by one.
     */
    default boolean sendsStatementsTogether() {
        return false;
    }

    /**
     * The clause that locks the rows a SELECT reads until the transaction ends, {@code exclusive} (FOR UPDATE) or
     * shared (FOR SHARE), optionally of one table of a join: PostgreSQL's, where writes run concurrently; nothing
     * on SQLite, whose single writer runs every write alone.
     */
    default String rowLock(boolean exclusive, String ofTable) {
        return "";
    }

    /** Whether a table exists (schema migrations, to recognise an empty or unversioned database). */
    boolean tableExists(Connection c, String table) throws SQLException;

    /** Whether the database holds any table at all. */
    boolean hasTables(Connection c) throws SQLException;

    /**
     * An expression for the JSON text in {@code column} with its top-level string field {@code field} set to the
     * one parameter.
     */
    String jsonWithField(String column, String field);

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

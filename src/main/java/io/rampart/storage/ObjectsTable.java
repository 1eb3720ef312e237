package io.rampart.storage;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The layout of the {@code objects} table (one row per object version; created by the storage baseline migration)
 * and its upgrade from the first layout.
 * Listing reads only two covering indexes, never the rows: what a list entry shows (storage class, checksum
 * algorithms) has its own columns, copied out of the metadata JSON when a version is written. The inline data is
 * the last column, so reading any other column of a row never walks the data's overflow pages.
 */
final class ObjectsTable {
    private ObjectsTable() {}

    /**
     * Columns a ListObjects entry reads, in {@link #currentEntry} order; all in {@code objects_current}. Each column
     * fetched costs a JNI call per row, so only what the entry shows: latest and not a delete marker by the index's
     * condition, and ListObjects shows no version id.
     */
    static final String CURRENT_COLUMNS = "key, size, etag, last_modified, storage_class, checksum_algorithms";

    /** Columns a ListObjectVersions entry reads, in {@link #versionEntry} order; all in {@code objects_versions}. */
    static final String VERSION_COLUMNS =
            "key, size, etag, last_modified, storage_class, checksum_algorithms, version_id, seq, latest, delete_marker";

    /**
     * Current versions of a bucket in key order from a key (parameters: bucket, key, limit), inclusive or not. Reads
     * only the covering index {@code objects_current}, never the rows.
     */
    static String currentFrom(boolean inclusive) {
        return "SELECT " + CURRENT_COLUMNS + " FROM objects INDEXED BY objects_current WHERE bucket = ? AND key "
                + (inclusive ? ">=" : ">") + " ? AND latest = 1 AND delete_marker = 0 ORDER BY key LIMIT ?";
    }

    /**
     * Versions of a bucket in (key ascending, newest first) order from a key (parameters: bucket, key, limit),
     * inclusive or not. Reads only the covering index {@code objects_versions}.
     */
    static String versionsFrom(boolean inclusive) {
        return "SELECT " + VERSION_COLUMNS + " FROM objects INDEXED BY objects_versions WHERE bucket = ? AND key "
                + (inclusive ? ">=" : ">") + " ? ORDER BY key, seq DESC LIMIT ?";
    }

    /** Versions of one key older than a sequence number, newest first (parameters: bucket, key, seq, limit). */
    static final String OLDER_VERSIONS_OF_KEY = "SELECT " + VERSION_COLUMNS
            + " FROM objects INDEXED BY objects_versions WHERE bucket = ? AND key = ? AND seq < ? ORDER BY seq DESC LIMIT ?";

    /**
     * The first layout (until the listing branch): {@code inline} before the writer columns, no listing columns, and
     * indexes that made listing read every row. Kept to recognise it and to test the upgrade.
     */
    static final List<String> FIRST_LAYOUT = List.of(
            """
            CREATE TABLE IF NOT EXISTS objects(
              bucket TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, version_id TEXT NOT NULL,
              latest INTEGER NOT NULL, delete_marker INTEGER NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
              last_modified INTEGER NOT NULL, meta TEXT NOT NULL, segments TEXT NOT NULL, inline BLOB,
              writer_arn TEXT, writer_key TEXT,
              PRIMARY KEY(bucket, key, seq)) WITHOUT ROWID
            """,
            "CREATE INDEX IF NOT EXISTS objects_current ON objects(bucket, key) WHERE latest = 1 AND delete_marker = 0",
            "CREATE UNIQUE INDEX IF NOT EXISTS objects_version ON objects(bucket, key, version_id)",
            "CREATE INDEX IF NOT EXISTS objects_versions ON objects(bucket, key, seq DESC)");

    /**
     * Moves a first-layout table aside (its indexes dropped, their names are the current layout's), so that the
     * storage baseline migration creates the current table; {@link #FROM_FIRST_LAYOUT} then fills it.
     */
    static final List<String> SET_FIRST_LAYOUT_ASIDE = List.of(
            "DROP INDEX IF EXISTS objects_current", "DROP INDEX IF EXISTS objects_versions",
            "DROP INDEX IF EXISTS objects_version", "ALTER TABLE objects RENAME TO objects_first_layout");

    /**
     * Fills the current table from the first layout set aside, in SQL alone (one INSERT ... SELECT in key order, the
     * listing columns derived from the metadata JSON by SQLite's JSON functions), inside the migration's
     * transaction: an interruption leaves the old table whole.
     */
    static final List<String> FROM_FIRST_LAYOUT = List.of("""
                INSERT INTO objects(bucket, key, seq, version_id, latest, delete_marker, size, etag, last_modified,
                                    storage_class, checksum_algorithms, writer_arn, writer_key, meta, segments, inline)
                SELECT o.bucket, o.key, o.seq, o.version_id, o.latest, o.delete_marker, o.size, o.etag, o.last_modified,
                       COALESCE(json_extract(o.meta, '$.storageClass'), 'STANDARD'),
                       COALESCE((SELECT group_concat(j.key, ',' ORDER BY j.id) FROM json_each(o.meta, '$.checksums') j), ''),
                       o.writer_arn, o.writer_key, o.meta, o.segments, o.inline
                FROM objects_first_layout o ORDER BY o.bucket, o.key, o.seq""", "DROP TABLE objects_first_layout");

    /** The checksum_algorithms column for a version's metadata: its algorithms comma-joined, in stored order. */
    static String checksumAlgorithms(ObjectMeta meta) {
        return String.join(",", meta.checksums().keySet());
    }

    /**
     * A current version from a row of {@link #CURRENT_COLUMNS} whose key the caller has read already: no version id
     * (null) or sequence number (0).
     */
    static ListEntry currentEntry(String key, ResultSet rs) throws SQLException {
        return new ListEntry(
                key,
                null,
                0,
                true,
                false,
                rs.getLong(2),
                rs.getString(3),
                rs.getLong(4),
                rs.getString(5),
                algorithms(rs.getString(6)));
    }

    /** A version or delete marker from a row of {@link #VERSION_COLUMNS}. */
    static ListEntry versionEntry(ResultSet rs) throws SQLException {
        return new ListEntry(
                rs.getString(1),
                rs.getString(7),
                rs.getLong(8),
                rs.getInt(9) != 0,
                rs.getInt(10) != 0,
                rs.getLong(2),
                rs.getString(3),
                rs.getLong(4),
                rs.getString(5),
                algorithms(rs.getString(6)));
    }

    private static List<String> algorithms(String column) {
        return column.isEmpty() ? List.of() : List.of(column.split(","));
    }
}

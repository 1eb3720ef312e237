package io.rampart.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The listing scans: ListObjects (current versions), ListObjectVersions and ListMultipartUploads, each an index
 * range scan from a position that seeks past a whole common prefix instead of reading the keys under it. Run inside
 * the caller's read transaction.
 */
final class Listings {
    /** Largest code point: appended to a common prefix to seek past every key that rolls up into it. */
    private static final String AFTER_ALL = new String(Character.toChars(Character.MAX_CODE_POINT));

    private final SqlDialect dialect;

    Listings(SqlDialect dialect) {
        this.dialect = dialect;
    }

    ListPage<ListEntry> objects(Connection c, String bucket, String prefix, String delimiter, String after, int maxKeys)
            throws SQLException {
        String p = prefix == null ? "" : prefix;
        String d = delimiter == null || delimiter.isEmpty() ? null : delimiter;
        List<ListEntry> entries = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        if (maxKeys <= 0) return new ListPage<>(entries, prefixes, false, null);
        // Start at the later of the marker and the prefix; "strictly after" unless starting at the prefix itself.
        String from = after == null ? "" : after;
        // A marker that is a common prefix (v1 NextMarker, or a continuation token) resumes past every key under it.
        if (d != null && from.startsWith(p) && from.equals(rollUp(from, p, d))) from = from + AFTER_ALL;
        boolean inclusive = false;
        if (from.compareTo(p) < 0) {
            from = p;
            inclusive = true;
        }
        String lastAdded = null;
        int batch = Math.min(maxKeys + 1, 1000) + 1;
        while (true) {
            String sql = dialect.currentFrom(inclusive);
            boolean jumped = false;
            int seen = 0;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, bucket);
                ps.setString(2, from);
                ps.setInt(3, batch);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        seen++;
                        String key = Columns.text(rs, 1);
                        if (!key.startsWith(p)) {
                            return new ListPage<>(entries, prefixes, false, null);
                        }
                        String rolled = d == null ? null : rollUp(key, p, d);
                        if (entries.size() + prefixes.size() == maxKeys) {
                            if (rolled != null && rolled.equals(lastAdded)) continue;
                            return new ListPage<>(entries, prefixes, true, lastAdded);
                        }
                        if (rolled != null) {
                            if (!rolled.equals(lastAdded)) {
                                prefixes.add(rolled);
                                lastAdded = rolled;
                            }
                            // Seek past every key under this prefix instead of reading them.
                            from = rolled + AFTER_ALL;
                            inclusive = false;
                            jumped = true;
                            break;
                        }
                        entries.add(ObjectsTable.currentEntry(key, rs));
                        lastAdded = key;
                        from = key;
                        inclusive = false;
                    }
                }
            }
            if (!jumped && seen < batch) return new ListPage<>(entries, prefixes, false, null);
        }
    }

    ListPage<ListEntry> versions(
            Connection c,
            String bucket,
            String prefix,
            String delimiter,
            String keyMarker,
            String versionIdMarker,
            int maxKeys)
            throws SQLException {
        String p = prefix == null ? "" : prefix;
        String d = delimiter == null || delimiter.isEmpty() ? null : delimiter;
        List<ListEntry> entries = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        if (maxKeys <= 0) return new ListPage<>(entries, prefixes, false, null);
        // Position: after (keyMarker, the marker version's seq) in (key ASC, seq DESC) order.
        String fromKey = keyMarker == null ? "" : keyMarker;
        long fromSeq = -1; // -1: strictly after every version of fromKey
        if (versionIdMarker != null && !versionIdMarker.isEmpty() && !fromKey.isEmpty()) {
            Optional<ObjectVersion> m = ObjectVersions.versionIn(c, bucket, fromKey, versionIdMarker, false);
            if (m.isPresent()) fromSeq = m.get().seq();
        } else if (d != null && fromKey.startsWith(p) && fromKey.equals(rollUp(fromKey, p, d))) {
            fromKey = fromKey + AFTER_ALL;
        }
        boolean inclusiveKey = false;
        if (fromKey.compareTo(p) < 0) {
            fromKey = p;
            inclusiveKey = true;
        }
        String lastPrefix = null;
        ListEntry lastEntry = null;
        while (true) {
            List<ListEntry> batch = versionBatch(c, bucket, fromKey, inclusiveKey, fromSeq);
            boolean jumped = false;
            for (ListEntry v : batch) {
                if (!v.key().startsWith(p)) return new ListPage<>(entries, prefixes, false, null);
                String rolled = d == null ? null : rollUp(v.key(), p, d);
                if (rolled != null && rolled.equals(lastPrefix)) continue;
                if (entries.size() + prefixes.size() == maxKeys) {
                    String next = lastEntry != null
                                    && (lastPrefix == null || lastEntry.key().compareTo(lastPrefix) > 0)
                            ? lastEntry.key() + "\n" + lastEntry.versionId()
                            : lastPrefix + "\n";
                    return new ListPage<>(entries, prefixes, true, next);
                }
                if (rolled != null) {
                    prefixes.add(rolled);
                    lastPrefix = rolled;
                    fromKey = rolled + AFTER_ALL;
                    fromSeq = -1;
                    inclusiveKey = false;
                    jumped = true;
                    break;
                }
                entries.add(v);
                lastEntry = v;
                fromKey = v.key();
                fromSeq = v.seq();
                inclusiveKey = false;
            }
            if (!jumped && batch.size() < VERSION_BATCH) return new ListPage<>(entries, prefixes, false, null);
        }
    }

    private static final int VERSION_BATCH = 1001;

    /**
     * The next versions in (key ascending, newest first) order after a position: first the older versions of the
     * position's key, then later keys. Two range scans of the covering index {@code objects_versions}, never a sort
     * of the bucket, never a read of the rows.
     */
    private List<ListEntry> versionBatch(
            Connection c, String bucket, String fromKey, boolean inclusiveKey, long fromSeq) throws SQLException {
        List<ListEntry> out = new ArrayList<>();
        if (fromSeq >= 0) {
            try (PreparedStatement ps = c.prepareStatement(dialect.olderVersionsOfKey())) {
                ps.setString(1, bucket);
                ps.setString(2, fromKey);
                ps.setLong(3, fromSeq);
                ps.setInt(4, VERSION_BATCH);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(ObjectsTable.versionEntry(rs));
                }
            }
        }
        if (out.size() < VERSION_BATCH) {
            try (PreparedStatement ps = c.prepareStatement(dialect.versionsFrom(inclusiveKey))) {
                ps.setString(1, bucket);
                ps.setString(2, fromKey);
                ps.setInt(3, VERSION_BATCH - out.size());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(ObjectsTable.versionEntry(rs));
                }
            }
        }
        return out;
    }

    static ListPage<Upload> uploads(
            Connection c,
            String bucket,
            String prefix,
            String delimiter,
            String keyMarker,
            String uploadIdMarker,
            int maxUploads)
            throws SQLException {
        String p = prefix == null ? "" : prefix;
        String d = delimiter == null || delimiter.isEmpty() ? null : delimiter;
        List<Upload> entries = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        String km = keyMarker == null ? "" : keyMarker;
        // Listing resumes after a position in (key, initiated, upload_id) order, the order uploads are listed in.
        // S3: with an upload-id-marker, uploads of key-marker after that upload are included; otherwise strictly after
        // the key.
        String fromKey = km;
        long fromInitiated = Long.MAX_VALUE;
        String fromId = AFTER_ALL;
        if (uploadIdMarker != null && !uploadIdMarker.isEmpty()) {
            Optional<Upload> marker = MultipartUploads.get(c, uploadIdMarker)
                    .filter(u -> u.bucket().equals(bucket) && u.key().equals(km));
            if (marker.isPresent()) {
                fromInitiated = marker.get().initiated();
                fromId = uploadIdMarker;
            }
        } else if (d != null && km.startsWith(p) && km.equals(rollUp(km, p, d))) {
            fromKey = km + AFTER_ALL;
        }
        if (fromKey.compareTo(p) < 0) {
            fromKey = p;
            fromInitiated = Long.MIN_VALUE;
            fromId = "";
        }
        String sql = "SELECT " + MultipartUploads.UPLOAD_COLUMNS
                + " FROM uploads WHERE bucket = ? AND (key, initiated, upload_id) > (?, ?, ?)"
                + " ORDER BY key, initiated, upload_id LIMIT ?";
        boolean truncated = false;
        String nextKey = null;
        String nextId = null;
        outer:
        while (true) {
            int seen = 0;
            boolean jumped = false;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, bucket);
                ps.setString(2, fromKey);
                ps.setLong(3, fromInitiated);
                ps.setString(4, fromId);
                ps.setInt(5, 1001);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        seen++;
                        Upload u = MultipartUploads.row(rs);
                        // Scanning starts at the prefix, so the first key outside it is past all of it.
                        if (!u.key().startsWith(p)) break outer;
                        String rolled = d == null ? null : rollUp(u.key(), p, d);
                        if (entries.size() + prefixes.size() == maxUploads) {
                            truncated = true;
                            break outer;
                        }
                        if (rolled != null) {
                            prefixes.add(rolled);
                            nextKey = rolled;
                            nextId = null;
                            fromKey = rolled + AFTER_ALL;
                            fromInitiated = Long.MAX_VALUE;
                            fromId = AFTER_ALL;
                            jumped = true;
                            break;
                        }
                        entries.add(u);
                        nextKey = u.key();
                        nextId = u.uploadId();
                        fromKey = u.key();
                        fromInitiated = u.initiated();
                        fromId = u.uploadId();
                    }
                }
            }
            if (!jumped && seen < 1001) break;
        }
        return new ListPage<>(
                entries, prefixes, truncated, truncated ? nextKey + "\n" + (nextId == null ? "" : nextId) : null);
    }

    /** The common prefix {@code key} rolls up into (through the first delimiter after the prefix), or null. */
    private static String rollUp(String key, String prefix, String delimiter) {
        int idx = key.indexOf(delimiter, prefix.length());
        return idx < 0 ? null : key.substring(0, idx + delimiter.length());
    }
}

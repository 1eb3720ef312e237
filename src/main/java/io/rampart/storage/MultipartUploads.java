package io.rampart.storage;

import static io.rampart.storage.MetadataJson.STRING_MAP;
import static io.rampart.storage.MetadataJson.fromJson;
import static io.rampart.storage.MetadataJson.toJson;

import io.rampart.storage.MetadataStore.Precondition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Multipart uploads in progress ({@code uploads}) and their parts ({@code parts}, one blob reference each); completing
 * one turns it into an object version through {@link ObjectVersions}. Run inside the caller's transaction.
 */
final class MultipartUploads {
    static final String UPLOAD_COLUMNS = "upload_id, bucket, key, initiated, meta, initiator_arn, initiator_key";
    static final String PART_COLUMNS = "upload_id, part_number, size, etag, last_modified, checksums, blob";

    private final SqlDialect dialect;
    private final ObjectVersions versions;

    MultipartUploads(SqlDialect dialect, ObjectVersions versions) {
        this.dialect = dialect;
        this.versions = versions;
    }

    static void create(Connection c, Upload u) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO uploads(" + UPLOAD_COLUMNS + ") VALUES(?,?,?,?,?,?,?)")) {
            ps.setString(1, u.uploadId());
            ps.setString(2, u.bucket());
            ps.setString(3, u.key());
            ps.setLong(4, u.initiated());
            ps.setString(5, toJson(u.meta()));
            ps.setString(6, u.initiatorArn());
            ps.setString(7, u.initiatorKeyId());
            ps.executeUpdate();
        }
    }

    static Optional<Upload> get(Connection c, String uploadId) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT " + UPLOAD_COLUMNS + " FROM uploads WHERE upload_id = ?")) {
            ps.setString(1, uploadId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    static Upload row(ResultSet rs) throws SQLException {
        return new Upload(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getLong(4),
                fromJson(rs.getString(5), ObjectMeta.class),
                rs.getString(6),
                rs.getString(7));
    }

    /** Aborts every upload of a bucket (DeleteBucket), releasing their parts' blobs. */
    static void abortAllIn(Connection c, SqlDialect dialect, String bucket, List<String> freed) throws SQLException {
        // The uploads first, locked (a part being stored holds its upload's row shared): the parts are read after.
        try (PreparedStatement ps =
                c.prepareStatement("SELECT upload_id FROM uploads WHERE bucket = ?" + dialect.rowLock(true, ""))) {
            ps.setString(1, bucket);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // locked; nothing to read
                }
            }
        }
        List<String> blobs = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT p.blob FROM parts p JOIN uploads u ON u.upload_id = p.upload_id WHERE u.bucket = ?")) {
            ps.setString(1, bucket);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) blobs.add(rs.getString(1));
            }
        }
        for (String b : blobs) BlobRefs.drop(c, b, freed);
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM parts WHERE upload_id IN (SELECT upload_id FROM uploads WHERE bucket = ?)")) {
            ps.setString(1, bucket);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM uploads WHERE bucket = ?")) {
            ps.setString(1, bucket);
            ps.executeUpdate();
        }
    }

    boolean putPart(Connection c, Part part, List<String> freed) throws SQLException {
        // Whether the upload exists, and the blob of the part this one replaces: one read.
        // The upload's row is locked shared: Complete, Abort and DeleteBucket, which lock it exclusive, read the parts
        // after this part is in, or this write finds the upload gone (a serialization failure, run again).
        String replaced;
        try (PreparedStatement ps = c.prepareStatement("SELECT p.blob FROM uploads u LEFT JOIN parts p"
                + " ON p.upload_id = u.upload_id AND p.part_number = ? WHERE u.upload_id = ?"
                + dialect.rowLock(false, "u"))) {
            ps.setInt(1, part.partNumber());
            ps.setString(2, part.uploadId());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return false;
                replaced = rs.getString(1);
            }
        }
        String checksums = toJson(part.checksums());
        StatementBatch batch = new StatementBatch(c, dialect);
        batch.add(
                dialect.putPart(),
                p -> p.text(part.uploadId())
                        .int32(part.partNumber())
                        .int64(part.size())
                        .text(part.etag())
                        .int64(part.lastModified())
                        .text(checksums)
                        .text(part.blob()));
        BlobRefs.create(batch, part.blob());
        if (replaced != null) BlobRefs.drop(batch, replaced, freed);
        batch.run();
        return true;
    }

    /**
     * The blobs of an upload's parts by part number, or empty when there is no such upload, its row locked first
     * (exclusive: a part being stored holds it shared) and the parts read after, by a statement of their own.
     */
    private Optional<SortedMap<Integer, String>> partBlobs(Connection c, String uploadId) throws SQLException {
        String lock = dialect.rowLock(true, "");
        if (!lock.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM uploads WHERE upload_id = ?" + lock)) {
                ps.setString(1, uploadId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT p.part_number, p.blob FROM uploads u"
                + " LEFT JOIN parts p ON p.upload_id = u.upload_id WHERE u.upload_id = ?")) {
            ps.setString(1, uploadId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                SortedMap<Integer, String> blobs = new TreeMap<>();
                do {
                    String blob = rs.getString(2);
                    if (blob != null) blobs.put(rs.getInt(1), blob);
                } while (rs.next());
                return Optional.of(blobs);
            }
        }
    }

    /**
     * Whether the parts numbered {@code used} are, in ascending order, the blobs of {@code segments}: the parts the
     * completion was built from, not since uploaded again (whose earlier blob that upload released).
     */
    private static boolean sameParts(SortedMap<Integer, String> parts, Set<Integer> used, List<Segment> segments) {
        if (used.size() != segments.size()) return false;
        int i = 0;
        for (int number : new TreeSet<>(used)) {
            if (!segments.get(i++).blob().equals(parts.get(number))) return false;
        }
        return true;
    }

    private static Part partRow(ResultSet rs) throws SQLException {
        return new Part(
                rs.getString(1),
                rs.getInt(2),
                rs.getLong(3),
                rs.getString(4),
                rs.getLong(5),
                fromJson(rs.getString(6), STRING_MAP),
                rs.getString(7));
    }

    static ListPage<Part> parts(Connection c, String uploadId, int afterPartNumber, int maxParts) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + PART_COLUMNS
                + " FROM parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?")) {
            ps.setString(1, uploadId);
            ps.setInt(2, afterPartNumber);
            ps.setInt(3, maxParts + 1);
            List<Part> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(partRow(rs));
            }
            boolean truncated = out.size() > maxParts;
            if (truncated) out = out.subList(0, maxParts);
            String next = out.isEmpty()
                    ? null
                    : Integer.toString(out.get(out.size() - 1).partNumber());
            return new ListPage<>(out, List.of(), truncated, next);
        }
    }

    Optional<ObjectVersion> complete(
            Connection c,
            String uploadId,
            ObjectVersion v,
            ObjectVersions.Encoded json,
            Set<Integer> used,
            Precondition precondition,
            List<String> freed,
            Removal by)
            throws SQLException {
        Optional<SortedMap<Integer, String>> parts = partBlobs(c, uploadId);
        if (parts.isEmpty() || !sameParts(parts.get(), used, v.segments())) return Optional.empty();
        ObjectVersions.KeyState state =
                ObjectVersions.keyState(c, v.bucket(), v.key(), SqliteMetadataStore.NULL_VERSION.equals(v.versionId()));
        precondition.check(state.current());
        StatementBatch batch = new StatementBatch(c, dialect);
        ObjectVersion stored = versions.replaceCurrent(batch, v, json, true, state, freed, by);
        // The new version's references were added first: the parts it keeps do not reach zero.
        for (String blob : parts.get().values()) BlobRefs.drop(batch, blob, freed);
        deleteRows(batch, uploadId);
        batch.run();
        return Optional.of(stored);
    }

    private static void deleteRows(StatementBatch batch, String uploadId) {
        batch.add("DELETE FROM parts WHERE upload_id = ?", p -> p.text(uploadId));
        batch.add("DELETE FROM uploads WHERE upload_id = ?", p -> p.text(uploadId));
    }

    boolean abort(Connection c, String uploadId, List<String> freed) throws SQLException {
        Optional<SortedMap<Integer, String>> parts = partBlobs(c, uploadId);
        if (parts.isEmpty()) return false;
        StatementBatch batch = new StatementBatch(c, dialect);
        for (String b : parts.get().values()) BlobRefs.drop(batch, b, freed);
        deleteRows(batch, uploadId);
        batch.run();
        return true;
    }

    static List<Upload> initiatedBefore(
            Connection c,
            String bucket,
            long initiatedBefore,
            String afterKey,
            long afterInitiated,
            String afterUploadId,
            int limit)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + UPLOAD_COLUMNS + " FROM uploads"
                + " WHERE bucket = ? AND (key, initiated, upload_id) > (?, ?, ?) AND initiated < ?"
                + " ORDER BY key, initiated, upload_id LIMIT ?")) {
            ps.setString(1, bucket);
            ps.setString(2, afterKey);
            ps.setLong(3, afterInitiated);
            ps.setString(4, afterUploadId);
            ps.setLong(5, initiatedBefore);
            ps.setInt(6, limit);
            List<Upload> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row(rs));
            }
            return out;
        }
    }
}

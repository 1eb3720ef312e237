package io.rampart.storage;

import io.rampart.storage.MetadataStore.DeleteBucketResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The {@code buckets} table: a bucket's owner, region, versioning, Object Lock flag and configuration document. */
final class Buckets {
    private Buckets() {}

    static final String COLUMNS = "name, owner, region, created, versioning, object_lock, config";
    /** How many columns {@link #row(ResultSet, int)} reads. */
    static final int COLUMN_COUNT = 7;

    private static final String GET = "SELECT " + COLUMNS + " FROM buckets WHERE name = ?";

    static Optional<Bucket> get(Connection c, String name) throws SQLException {
        try (CachedStatements.Lease lease = CachedStatements.prepare(c, GET)) {
            PreparedStatement ps = lease.statement();
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static Bucket row(ResultSet rs) throws SQLException {
        return row(rs, 0);
    }

    /** A bucket from {@link #COLUMNS} read by index, after {@code offset} columns of a joined row. */
    static Bucket row(ResultSet rs, int offset) throws SQLException {
        return new Bucket(
                Columns.text(rs, offset + 1),
                Columns.text(rs, offset + 2),
                Columns.text(rs, offset + 3),
                rs.getLong(offset + 4),
                Columns.text(rs, offset + 5),
                rs.getInt(offset + 6) != 0,
                Columns.text(rs, offset + 7));
    }

    private static List<Bucket> rows(PreparedStatement ps) throws SQLException {
        List<Bucket> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(row(rs));
        }
        return out;
    }

    static List<Bucket> ofOwner(Connection c, String owner) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT " + COLUMNS + " FROM buckets WHERE owner = ? ORDER BY name")) {
            ps.setString(1, owner);
            return rows(ps);
        }
    }

    /** Up to {@code limit} buckets of every owner in name order after {@code afterName}. */
    static List<Bucket> after(Connection c, String afterName, int limit) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT " + COLUMNS + " FROM buckets WHERE name > ? ORDER BY name LIMIT ?")) {
            ps.setString(1, afterName == null ? "" : afterName);
            ps.setInt(2, limit);
            return rows(ps);
        }
    }

    static Optional<Bucket> create(Connection c, Bucket b) throws SQLException {
        Optional<Bucket> existing = get(c, b.name());
        if (existing.isPresent()) return existing;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO buckets(" + COLUMNS + ") VALUES(?,?,?,?,?,?,?)")) {
            ps.setString(1, b.name());
            ps.setString(2, b.owner());
            ps.setString(3, b.region());
            ps.setLong(4, b.created());
            ps.setString(5, b.versioning());
            ps.setInt(6, b.objectLock() ? 1 : 0);
            ps.setString(7, b.config());
            ps.executeUpdate();
        }
        return Optional.empty();
    }

    /**
     * Deletes an empty bucket; its in-progress multipart uploads do not keep it alive (as S3): they are aborted. Run
     * under the bucket's exclusive lock ({@link Database.BucketLock#EXCLUSIVE}): the writes that add to it have
     * committed (each statement here sees them) or wait and then find it gone.
     */
    static DeleteBucketResult delete(Connection c, SqlDialect dialect, String name, List<String> freed)
            throws SQLException {
        if (get(c, name).isEmpty()) return DeleteBucketResult.NOT_FOUND;
        if (ObjectVersions.hasObjects(c, name)) return DeleteBucketResult.NOT_EMPTY;
        MultipartUploads.abortAllIn(c, dialect, name, freed);
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM buckets WHERE name = ?")) {
            ps.setString(1, name);
            ps.executeUpdate();
        }
        return DeleteBucketResult.DELETED;
    }

    static Optional<Bucket> updateConfig(Connection c, String name, UnaryOperator<String> change) throws SQLException {
        Optional<Bucket> b = get(c, name);
        if (b.isEmpty()) return b;
        String config = change.apply(b.get().config());
        try (PreparedStatement ps = c.prepareStatement("UPDATE buckets SET config = ? WHERE name = ?")) {
            ps.setString(1, config);
            ps.setString(2, name);
            ps.executeUpdate();
        }
        Bucket old = b.get();
        return Optional.of(new Bucket(
                old.name(), old.owner(), old.region(), old.created(), old.versioning(), old.objectLock(), config));
    }

    static Optional<Bucket> setVersioning(Connection c, String name, UnaryOperator<Bucket> change) throws SQLException {
        Optional<Bucket> b = get(c, name);
        if (b.isEmpty()) return b;
        Bucket next = change.apply(b.get());
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE buckets SET versioning = ?, object_lock = ? WHERE name = ?")) {
            ps.setString(1, next.versioning());
            ps.setInt(2, next.objectLock() ? 1 : 0);
            ps.setString(3, name);
            ps.executeUpdate();
        }
        return Optional.of(next);
    }
}

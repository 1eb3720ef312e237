package io.rampart.storage;

import static io.rampart.storage.MetadataJson.toJson;
import static io.rampart.storage.SqliteMetadataStore.NULL_VERSION;

import io.rampart.storage.MetadataStore.Precondition;
import io.rampart.storage.MetadataStore.Promotion;
import io.rampart.storage.MetadataStore.PromotionOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Object versions and delete markers ({@code objects}, see {@link ObjectsTable}): which version is current, what
 * replacing or removing one does to the others, to blob references and to the recovery window. Every method runs
 * inside the caller's transaction.
 */
final class ObjectVersions {
    static final String OBJECT_COLUMNS =
            "bucket, key, version_id, seq, latest, delete_marker, size, etag, last_modified, meta, segments, writer_arn, writer_key";

    private final SqlDialect dialect;
    private final RecoveryWindow window;

    ObjectVersions(SqlDialect dialect, RecoveryWindow window) {
        this.dialect = dialect;
        this.window = window;
    }

    static boolean hasObjects(Connection c, String bucket) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM objects WHERE bucket = ? LIMIT 1")) {
            ps.setString(1, bucket);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static final String CURRENT =
            "SELECT " + OBJECT_COLUMNS + " FROM objects WHERE bucket = ? AND key = ? AND latest = 1";
    private static final String CURRENT_WITH_DATA =
            "SELECT " + OBJECT_COLUMNS + ", inline FROM objects WHERE bucket = ? AND key = ? AND latest = 1";
    private static final String VERSION =
            "SELECT " + OBJECT_COLUMNS + " FROM objects WHERE bucket = ? AND key = ? AND version_id = ?";
    private static final String VERSION_WITH_DATA =
            "SELECT " + OBJECT_COLUMNS + ", inline FROM objects WHERE bucket = ? AND key = ? AND version_id = ?";

    static Optional<ObjectVersion> currentIn(Connection c, String bucket, String key, boolean withData)
            throws SQLException {
        try (CachedStatements.Lease lease = CachedStatements.prepare(c, withData ? CURRENT_WITH_DATA : CURRENT)) {
            PreparedStatement ps = lease.statement();
            ps.setString(1, bucket);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(objectRow(rs, withData)) : Optional.empty();
            }
        }
    }

    static Optional<ObjectVersion> versionIn(
            Connection c, String bucket, String key, String versionId, boolean withData) throws SQLException {
        try (CachedStatements.Lease lease = CachedStatements.prepare(c, withData ? VERSION_WITH_DATA : VERSION)) {
            PreparedStatement ps = lease.statement();
            ps.setString(1, bucket);
            ps.setString(2, key);
            ps.setString(3, versionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(objectRow(rs, withData)) : Optional.empty();
            }
        }
    }

    private static String bucketAndVersion(String objectCondition) {
        return "SELECT "
                + java.util.Arrays.stream(Buckets.COLUMNS.split(", "))
                        .map(col -> "b." + col)
                        .collect(java.util.stream.Collectors.joining(", "))
                + ", "
                + java.util.Arrays.stream((OBJECT_COLUMNS + ", inline").split(", "))
                        .map(col -> "o." + col)
                        .collect(java.util.stream.Collectors.joining(", "))
                + " FROM buckets b LEFT JOIN objects o ON o.bucket = b.name AND o.key = ? AND " + objectCondition
                + " WHERE b.name = ?";
    }

    private static final String BUCKET_AND_CURRENT = bucketAndVersion("o.latest = 1");
    private static final String BUCKET_AND_VERSION = bucketAndVersion("o.version_id = ?");

    /**
     * A bucket's row and one version of a key with its inline data (the current one when {@code versionId} is null),
     * in one statement: what a GET reads, in one snapshot without a transaction around it.
     */
    static MetadataStore.ObjectRead bucketAndVersion(Connection c, String bucket, String key, String versionId)
            throws SQLException {
        try (CachedStatements.Lease lease =
                CachedStatements.prepare(c, versionId == null ? BUCKET_AND_CURRENT : BUCKET_AND_VERSION)) {
            PreparedStatement ps = lease.statement();
            int p = 1;
            ps.setString(p++, key);
            if (versionId != null) ps.setString(p++, versionId);
            ps.setString(p, bucket);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return new MetadataStore.ObjectRead(Optional.empty(), Optional.empty());
                Bucket b = Buckets.row(rs, 0);
                Optional<ObjectVersion> v = Columns.text(rs, Buckets.COLUMN_COUNT + 1) == null
                        ? Optional.empty()
                        : Optional.of(objectRow(rs, Buckets.COLUMN_COUNT, true));
                return new MetadataStore.ObjectRead(Optional.of(b), v);
            }
        }
    }

    /**
     * What a write needs to know of a key before it changes it: its current version (or delete marker), its "null"
     * version (wherever it is in the history) and the sequence number of a version added now.
     */
    record KeyState(Optional<ObjectVersion> current, Optional<ObjectVersion> nullVersion, long nextSeq) {}

    private static final String KEY_STATE = "SELECT "
            + java.util.Arrays.stream(OBJECT_COLUMNS.split(", "))
                    .map(col -> "o." + col)
                    .collect(java.util.stream.Collectors.joining(", "))
            + ", n.next_seq FROM (SELECT COALESCE(MAX(seq), 0) + 1 AS next_seq FROM objects WHERE bucket = ? AND key = ?) n"
            + " LEFT JOIN objects o ON o.bucket = ? AND o.key = ? AND (o.latest = 1 OR o.version_id = ?)";

    /** {@link KeyState} in one statement (one round trip on PostgreSQL); the null version only when asked for. */
    static KeyState keyState(Connection c, String bucket, String key, boolean withNullVersion) throws SQLException {
        try (CachedStatements.Lease lease = CachedStatements.prepare(c, KEY_STATE)) {
            PreparedStatement ps = lease.statement();
            ps.setString(1, bucket);
            ps.setString(2, key);
            ps.setString(3, bucket);
            ps.setString(4, key);
            // No version id is empty: without the null version, the join finds the current version alone.
            ps.setString(5, withNullVersion ? NULL_VERSION : "");
            Optional<ObjectVersion> current = Optional.empty();
            Optional<ObjectVersion> nullVersion = Optional.empty();
            long nextSeq = 1;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    nextSeq = rs.getLong(14);
                    if (Columns.text(rs, 1) == null) continue; // the key has no such version
                    ObjectVersion v = replacedRow(rs);
                    if (v.latest()) current = Optional.of(v);
                    if (withNullVersion && NULL_VERSION.equals(v.versionId())) nullVersion = Optional.of(v);
                }
            }
            return new KeyState(current, nullVersion, nextSeq);
        }
    }

    /**
     * A version a write reads of the key it changes ({@link #keyState}), its metadata left as the stored JSON until
     * asked for: the write itself needs only its id, sequence number, ETag and segments, and on SQLite it runs on the
     * single writer thread, where parsing every replaced version's metadata was 25-32% of the samples of a PUT flood.
     */
    private static ObjectVersion replacedRow(ResultSet rs) throws SQLException {
        return ObjectVersion.withStoredMeta(
                Columns.text(rs, 1),
                Columns.text(rs, 2),
                Columns.text(rs, 3),
                rs.getLong(4),
                rs.getInt(5) != 0,
                rs.getInt(6) != 0,
                rs.getLong(7),
                Columns.text(rs, 8),
                rs.getLong(9),
                Columns.text(rs, 10),
                MetadataJson.segments(Columns.text(rs, 11)),
                Columns.text(rs, 12),
                Columns.text(rs, 13));
    }

    static ObjectVersion objectRow(ResultSet rs, boolean withData) throws SQLException {
        return objectRow(rs, 0, withData);
    }

    /** A version from {@link #OBJECT_COLUMNS} (then inline, {@code withData}) read by index, after {@code offset}. */
    static ObjectVersion objectRow(ResultSet rs, int offset, boolean withData) throws SQLException {
        return new ObjectVersion(
                Columns.text(rs, offset + 1),
                Columns.text(rs, offset + 2),
                Columns.text(rs, offset + 3),
                rs.getLong(offset + 4),
                rs.getInt(offset + 5) != 0,
                rs.getInt(offset + 6) != 0,
                rs.getLong(offset + 7),
                Columns.text(rs, offset + 8),
                rs.getLong(offset + 9),
                MetadataJson.objectMeta(Columns.text(rs, offset + 10)),
                MetadataJson.segments(Columns.text(rs, offset + 11)),
                withData ? rs.getBytes(offset + 14) : null,
                Columns.text(rs, offset + 12),
                Columns.text(rs, offset + 13));
    }

    /**
     * A new version's JSON columns, encoded by the caller before it queues the write: on SQLite the write runs on the
     * single writer thread, where encoding them was a quarter of the samples of a PUT flood; there it only runs SQL.
     */
    record Encoded(String meta, String segments) {
        static Encoded of(ObjectVersion v) {
            // Most small objects are inline: no segments, and the text MetadataJson.segments reads without a parse.
            return new Encoded(
                    MetadataJson.objectMetaJson(v.meta()), v.segments().isEmpty() ? "[]" : toJson(v.segments()));
        }
    }

    ObjectVersion put(
            Connection c, ObjectVersion v, Encoded json, Precondition precondition, List<String> freed, Removal by)
            throws SQLException {
        KeyState state = keyState(c, v.bucket(), v.key(), NULL_VERSION.equals(v.versionId()));
        precondition.check(state.current());
        StatementBatch batch = new StatementBatch(c, dialect);
        ObjectVersion stored = replaceCurrent(batch, v, json, false, state, freed, by);
        batch.run();
        return stored;
    }

    /**
     * A copy ({@link MetadataStore#copyObject}): written only while its source is still the version the copy read, in
     * this transaction; its blobs are shared ({@link BlobRefs#share}: the write fails with {@link BlobRefs.Released}
     * should one have been let go all the same). Empty when the source changed.
     */
    Optional<ObjectVersion> copy(
            Connection c,
            ObjectVersion v,
            Encoded json,
            MetadataStore.CopySource source,
            Precondition precondition,
            List<String> freed,
            Removal by)
            throws SQLException {
        if (!v.segments().equals(source.segments())) {
            throw new IllegalArgumentException("a copy's segments are its source's");
        }
        Optional<ObjectVersion> now = versionIn(c, source.bucket(), source.key(), source.versionId(), false);
        if (now.isEmpty() || !source.isStill(now.get())) return Optional.empty();
        KeyState state = keyState(c, v.bucket(), v.key(), NULL_VERSION.equals(v.versionId()));
        precondition.check(state.current());
        StatementBatch batch = new StatementBatch(c, dialect);
        ObjectVersion stored = replaceCurrent(batch, v, json, true, state, freed, by);
        batch.run();
        return Optional.of(stored);
    }

    /**
     * Inserts v as the latest version of its key. One rule serves every versioning state: a "null" version id replaces
     * the key's existing "null" version wherever it is in the history (unversioned and suspended buckets); any other id
     * (enabled buckets) is added, and the previous latest version becomes noncurrent. {@code shared}: v's segments are
     * blobs committed rows reference (a copy's source, an upload's parts), each referenced once more only while it is
     * still live; otherwise they were written for v and their count rows are created. {@code json}: v's JSON columns.
     */
    ObjectVersion replaceCurrent(
            StatementBatch batch,
            ObjectVersion v,
            Encoded json,
            boolean shared,
            KeyState state,
            List<String> freed,
            Removal by) {
        // Reference the new segments first: a copy onto itself shares the old version's blobs, which must not hit zero.
        for (Segment s : v.segments()) {
            if (shared) BlobRefs.share(batch, s.blob());
            else BlobRefs.create(batch, s.blob());
        }
        long seq = state.nextSeq();
        Optional<ObjectVersion> replaced =
                NULL_VERSION.equals(v.versionId()) ? state.nullVersion() : Optional.<ObjectVersion>empty();
        if (replaced.isPresent()) removeVersion(batch, replaced.get(), freed, by);
        Optional<ObjectVersion> cur = state.current();
        // The current version becomes noncurrent, unless it was the null version just removed.
        if (cur.isPresent()
                && !(replaced.isPresent() && replaced.get().seq() == cur.get().seq())) {
            batch.add(
                    "UPDATE objects SET latest = 0 WHERE bucket = ? AND key = ? AND latest = 1",
                    p -> p.text(v.bucket()).text(v.key()));
        }
        batch.add(
                "INSERT INTO objects(" + OBJECT_COLUMNS
                        + ", inline, storage_class, checksum_algorithms) VALUES(?,?,?,?,1,?,?,?,?,?,?,?,?,?,?,?)",
                p -> p.text(v.bucket())
                        .text(v.key())
                        .text(v.versionId())
                        .int64(seq)
                        .int32(v.deleteMarker() ? 1 : 0)
                        .int64(v.size())
                        .text(v.etag())
                        .int64(v.lastModified())
                        .text(json.meta())
                        .text(json.segments())
                        .text(v.writerArn())
                        .text(v.writerKeyId())
                        .bytes(v.inline())
                        .text(v.meta().storageClass())
                        .text(ObjectsTable.checksumAlgorithms(v.meta())));
        ReplicationQueue.enqueueIfPending(batch, v);
        return new ObjectVersion(
                v.bucket(),
                v.key(),
                v.versionId(),
                seq,
                true,
                v.deleteMarker(),
                v.size(),
                v.etag(),
                v.lastModified(),
                v.meta(),
                v.segments(),
                v.inline(),
                v.writerArn(),
                v.writerKeyId());
    }

    /** Removes a version from view: into the recovery window when it holds it (keeping its blobs), else for good. */
    void removeVersion(Connection c, ObjectVersion old, List<String> freed, Removal by) throws SQLException {
        StatementBatch batch = new StatementBatch(c, dialect);
        removeVersion(batch, old, freed, by);
        batch.run();
    }

    /** The same, as statements of the write's batch. */
    void removeVersion(StatementBatch batch, ObjectVersion old, List<String> freed, Removal by) {
        boolean held = window.hold(batch, old, by, System.currentTimeMillis());
        batch.add(
                "DELETE FROM objects WHERE bucket = ? AND key = ? AND seq = ?",
                p -> p.text(old.bucket()).text(old.key()).int64(old.seq()));
        if (!held) for (Segment s : old.segments()) BlobRefs.drop(batch, s.blob(), freed);
    }

    Optional<ObjectVersion> deleteVersion(
            Connection c,
            String bucket,
            String key,
            String versionId,
            Precondition precondition,
            List<String> freed,
            Removal by)
            throws SQLException {
        Optional<ObjectVersion> v = versionIn(c, bucket, key, versionId, false);
        precondition.check(v);
        if (v.isEmpty()) return v;
        StatementBatch batch = new StatementBatch(c, dialect);
        removeVersion(batch, v.get(), freed, by);
        if (v.get().latest()) {
            // The newest remaining version (or delete marker) becomes current again.
            batch.add(
                    "UPDATE objects SET latest = 1 WHERE bucket = ? AND key = ? "
                            + "AND seq = (SELECT MAX(seq) FROM objects WHERE bucket = ? AND key = ?)",
                    p -> p.text(bucket).text(key).text(bucket).text(key));
        }
        batch.run();
        return v;
    }

    Optional<ObjectVersion> deleteCurrent(
            Connection c, String bucket, String key, Precondition precondition, List<String> freed, Removal by)
            throws SQLException {
        Optional<ObjectVersion> cur = currentIn(c, bucket, key, false);
        precondition.check(cur);
        if (cur.isPresent()) removeVersion(c, cur.get(), freed, by); // the window's copy and the delete: one batch
        return cur;
    }

    static Optional<ObjectVersion> updateMeta(
            Connection c, String bucket, String key, String versionId, UnaryOperator<ObjectMeta> change)
            throws SQLException {
        Optional<ObjectVersion> cur =
                versionId == null ? currentIn(c, bucket, key, false) : versionIn(c, bucket, key, versionId, false);
        if (cur.isEmpty() || cur.get().deleteMarker()) return Optional.empty();
        ObjectMeta meta = change.apply(cur.get().meta());
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE objects SET meta = ?, storage_class = ?, checksum_algorithms = ? WHERE bucket = ? AND key = ? AND seq = ?")) {
            ps.setString(1, toJson(meta));
            ps.setString(2, meta.storageClass());
            ps.setString(3, ObjectsTable.checksumAlgorithms(meta));
            ps.setString(4, bucket);
            ps.setString(5, key);
            ps.setLong(6, cur.get().seq());
            ps.executeUpdate();
        }
        return Optional.of(cur.get().withMeta(meta));
    }

    Optional<ObjectVersion> deleteSoleDeleteMarker(
            Connection c, String bucket, String key, String versionId, List<String> freed, Removal by)
            throws SQLException {
        Optional<ObjectVersion> v = versionIn(c, bucket, key, versionId, false);
        if (v.isEmpty() || !v.get().deleteMarker() || !v.get().latest()) return Optional.empty();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM (SELECT 1 FROM objects" + " WHERE bucket = ? AND key = ? LIMIT 2) AS head")) {
            ps.setString(1, bucket);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) != 1) return Optional.empty();
            }
        }
        removeVersion(c, v.get(), freed, by);
        return v;
    }

    List<ObjectVersion> versionsAfter(Connection c, String bucket, String afterKey, long beforeSeq, int limit)
            throws SQLException {
        List<ObjectVersion> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + OBJECT_COLUMNS
                + " FROM objects WHERE bucket = ? AND key = ? AND seq < ? ORDER BY seq DESC LIMIT ?")) {
            ps.setString(1, bucket);
            ps.setString(2, afterKey);
            ps.setLong(3, beforeSeq);
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(objectRow(rs, false));
            }
        }
        if (out.size() < limit) {
            try (PreparedStatement ps = c.prepareStatement(dialect.versionRowsAfterKey(OBJECT_COLUMNS))) {
                ps.setString(1, bucket);
                ps.setString(2, afterKey);
                ps.setInt(3, limit - out.size());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(objectRow(rs, false));
                }
            }
        }
        return out;
    }

    /**
     * Applies a batch of restore promotions ({@link MetadataStore#promote}); {@code json} holds each version's meta and
     * segments encoded before the transaction.
     */
    List<PromotionOutcome> promote(
            Connection c, List<Promotion> batch, List<String[]> json, List<Removal> removers, List<String> freed)
            throws SQLException {
        String columns =
                "bucket, key, version_id, seq, latest, delete_marker, size, etag, last_modified, meta, segments, "
                        + "writer_arn, writer_key, storage_class, checksum_algorithms, inline";
        List<PromotionOutcome> out = new ArrayList<>(batch.size());
        java.util.Map<String, Boolean> unversioned = new java.util.HashMap<>();
        try (PreparedStatement latest = c.prepareStatement(
                        "SELECT version_id FROM objects WHERE bucket = ? AND key = ? AND latest = 1");
                PreparedStatement maxSeq = c.prepareStatement(
                        "SELECT COALESCE(MAX(seq), 0) + 1 FROM objects WHERE bucket = ? AND key = ?");
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO objects(" + columns + ") VALUES(?,?,?,?,1,?,?,?,?,?,?,?,?,?,?,?)");
                PreparedStatement demote = c.prepareStatement(
                        "UPDATE objects SET latest = 0 WHERE bucket = ? AND key = ? AND latest = 1 AND seq <> ?")) {
            for (int i = 0; i < batch.size(); i++) {
                Promotion p = batch.get(i);
                ObjectVersion v = p.version();
                latest.setString(1, v.bucket());
                latest.setString(2, v.key());
                String current;
                try (ResultSet rs = latest.executeQuery()) {
                    current = rs.next() ? Columns.text(rs, 1) : null;
                }
                if (!java.util.Objects.equals(current, p.expectedLatestVersionId())) {
                    out.add(PromotionOutcome.CHANGED);
                    continue;
                }
                // The data: the inline bytes of an existing version or of a version the recovery window holds.
                byte[] inline = null;
                if (p.windowId() > 0) {
                    Optional<byte[]> held = RecoveryWindow.inlineIn(c, dialect, p.windowId());
                    if (held.isEmpty()) {
                        out.add(PromotionOutcome.SOURCE_GONE);
                        continue;
                    }
                    inline = held.get() == RecoveryWindow.NO_INLINE ? null : held.get();
                } else if (p.dataFromVersionId() != null) {
                    Optional<ObjectVersion> source = versionIn(c, v.bucket(), v.key(), p.dataFromVersionId(), true);
                    if (source.isEmpty()) {
                        out.add(PromotionOutcome.SOURCE_GONE);
                        continue;
                    }
                    inline = source.get().inline();
                }
                maxSeq.setString(1, v.bucket());
                maxSeq.setString(2, v.key());
                long seq;
                try (ResultSet rs = maxSeq.executeQuery()) {
                    rs.next();
                    seq = rs.getLong(1);
                }
                // Referenced before a replaced null version lets go of the same blobs; the source checked above holds
                // them, so sharing fails (BlobRefs.Released, the batch runs again) only if a purge let go regardless.
                for (Segment s : v.segments()) BlobRefs.share(c, s.blob());
                if (NULL_VERSION.equals(v.versionId())) {
                    // Unversioned and suspended buckets: the null version is replaced (kept by the recovery window).
                    Optional<ObjectVersion> nullVersion = versionIn(c, v.bucket(), v.key(), NULL_VERSION, false);
                    if (nullVersion.isPresent()) removeVersion(c, nullVersion.get(), freed, removers.get(i));
                    // A bucket that was never versioned has no delete markers: removing is deleting.
                    boolean never = unversioned.computeIfAbsent(v.bucket(), b -> {
                        try {
                            return Buckets.get(c, b)
                                    .map(x -> x.versioning().isEmpty())
                                    .orElse(false);
                        } catch (SQLException e) {
                            throw new StorageException("cannot read bucket " + b, e);
                        }
                    });
                    if (v.deleteMarker() && never) {
                        out.add(PromotionOutcome.WRITTEN);
                        continue;
                    }
                }
                insert.setString(1, v.bucket());
                insert.setString(2, v.key());
                insert.setString(3, v.versionId());
                insert.setLong(4, seq);
                insert.setInt(5, v.deleteMarker() ? 1 : 0);
                insert.setLong(6, v.size());
                insert.setString(7, v.etag());
                insert.setLong(8, v.lastModified());
                insert.setString(9, json.get(i)[0]);
                insert.setString(10, json.get(i)[1]);
                insert.setString(11, v.writerArn());
                insert.setString(12, v.writerKeyId());
                insert.setString(13, v.meta().storageClass());
                insert.setString(14, ObjectsTable.checksumAlgorithms(v.meta()));
                insert.setBytes(15, inline);
                insert.executeUpdate();
                demote.setString(1, v.bucket());
                demote.setString(2, v.key());
                demote.setLong(3, seq);
                demote.executeUpdate();
                ReplicationQueue.enqueueIfPending(c, v);
                out.add(PromotionOutcome.WRITTEN);
            }
        }
        return out;
    }
}

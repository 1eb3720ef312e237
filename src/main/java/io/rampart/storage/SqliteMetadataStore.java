package io.rampart.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** {@link MetadataStore} on the embedded SQLite {@link Database}. */
public final class SqliteMetadataStore implements MetadataStore {
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final TypeReference<List<Segment>> SEGMENTS = new TypeReference<>() { };
    private static final TypeReference<java.util.Map<String, String>> STRING_MAP = new TypeReference<>() { };

    /** Largest code point: appended to a common prefix to seek past every key that rolls up into it. */
    private static final String AFTER_ALL = new String(Character.toChars(Character.MAX_CODE_POINT));

    private static final String OBJECT_COLUMNS =
            "bucket, key, version_id, seq, latest, delete_marker, size, etag, last_modified, meta, segments, writer_arn, writer_key";

    private final Database db;
    private final Consumer<String> releaseBlob;
    private final RecoveryWindow window;

    public SqliteMetadataStore(Database db, Consumer<String> releaseBlob) throws SQLException {
        this.db = db;
        this.releaseBlob = releaseBlob;
        this.window = new RecoveryWindow(db, releaseBlob);
    }

    /** Where removed versions are kept for a time (on unless the server turns it off). */
    public RecoveryWindow recoveryWindow() {
        return window;
    }

    /** Who removes versions in a write that begins on this thread: its scope, else the given writer. */
    private static Removal remover(String arn, String keyId, String reason) {
        return Removal.currentOr(new Removal(arn, keyId, reason));
    }

    public static Database openDatabase(Path file) throws SQLException {
        return new Database(file, Math.max(4, Runtime.getRuntime().availableProcessors() * 2));
    }

    /** A write whose work may drop the last reference to blobs; those files are deleted only once the commit is durable. */
    @FunctionalInterface
    private interface ReleasingWork<T> {
        T run(Connection c, List<String> freed) throws SQLException;
    }

    private <T> T writeReleasing(ReleasingWork<T> work) {
        List<String> freed = new ArrayList<>();
        T result = db.write(c -> work.run(c, freed));
        freed.forEach(releaseBlob);
        return result;
    }

    // ---- buckets ----

    @Override public Optional<Bucket> bucket(String name) {
        return db.read(c -> bucketIn(c, name));
    }

    private static Optional<Bucket> bucketIn(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name, owner, region, created, versioning, object_lock, config FROM buckets WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(bucketRow(rs)) : Optional.empty();
            }
        }
    }

    private static Bucket bucketRow(ResultSet rs) throws SQLException {
        return new Bucket(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                rs.getInt(6) != 0, rs.getString(7));
    }

    @Override public List<Bucket> buckets(String owner) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT name, owner, region, created, versioning, object_lock, config FROM buckets WHERE owner = ? ORDER BY name")) {
                ps.setString(1, owner);
                List<Bucket> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(bucketRow(rs));
                }
                return out;
            }
        });
    }

    @Override public Optional<Bucket> createBucket(Bucket b) {
        return db.write(c -> {
            Optional<Bucket> existing = bucketIn(c, b.name());
            if (existing.isPresent()) return existing;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO buckets(name, owner, region, created, versioning, object_lock, config) VALUES(?,?,?,?,?,?,?)")) {
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
        });
    }

    @Override public DeleteBucketResult deleteBucket(String name) {
        return db.write(c -> {
            if (bucketIn(c, name).isEmpty()) return DeleteBucketResult.NOT_FOUND;
            if (exists(c, "SELECT 1 FROM objects WHERE bucket = ? LIMIT 1", name)
                    || exists(c, "SELECT 1 FROM uploads WHERE bucket = ? LIMIT 1", name)) {
                return DeleteBucketResult.NOT_EMPTY;
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM buckets WHERE name = ?")) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
            return DeleteBucketResult.DELETED;
        });
    }

    @Override public Optional<Bucket> updateBucketConfig(String name, UnaryOperator<String> change) {
        return db.write(c -> {
            Optional<Bucket> b = bucketIn(c, name);
            if (b.isEmpty()) return b;
            String config = change.apply(b.get().config());
            try (PreparedStatement ps = c.prepareStatement("UPDATE buckets SET config = ? WHERE name = ?")) {
                ps.setString(1, config);
                ps.setString(2, name);
                ps.executeUpdate();
            }
            Bucket old = b.get();
            return Optional.of(new Bucket(old.name(), old.owner(), old.region(), old.created(), old.versioning(),
                    old.objectLock(), config));
        });
    }

    private static boolean exists(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override public boolean hasObjects(String bucket) {
        return db.read(c -> exists(c, "SELECT 1 FROM objects WHERE bucket = ? LIMIT 1", bucket));
    }

    // ---- objects ----

    @Override public Optional<ObjectVersion> current(String bucket, String key) {
        return db.read(c -> currentIn(c, bucket, key, true));
    }

    private static Optional<ObjectVersion> currentIn(Connection c, String bucket, String key, boolean withData)
            throws SQLException {
        String sql = "SELECT " + OBJECT_COLUMNS + (withData ? ", inline" : "")
                + " FROM objects WHERE bucket = ? AND key = ? AND latest = 1";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, bucket);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(objectRow(rs, withData)) : Optional.empty();
            }
        }
    }

    /** The id S3 gives versions written while versioning is off or suspended. */
    public static final String NULL_VERSION = "null";

    private static Optional<ObjectVersion> versionIn(Connection c, String bucket, String key, String versionId,
                                                     boolean withData) throws SQLException {
        String sql = "SELECT " + OBJECT_COLUMNS + (withData ? ", inline" : "")
                + " FROM objects WHERE bucket = ? AND key = ? AND version_id = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, bucket);
            ps.setString(2, key);
            ps.setString(3, versionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(objectRow(rs, withData)) : Optional.empty();
            }
        }
    }

    @Override public Optional<ObjectVersion> version(String bucket, String key, String versionId) {
        return db.read(c -> versionIn(c, bucket, key, versionId, true));
    }

    @Override public Optional<ObjectVersion> deleteVersion(String bucket, String key, String versionId,
                                                           Precondition precondition) {
        Removal by = remover(null, null, "DeleteObject");
        return writeReleasing((c, freed) -> {
            Optional<ObjectVersion> v = versionIn(c, bucket, key, versionId, false);
            precondition.check(v);
            if (v.isEmpty()) return v;
            removeVersion(c, v.get(), freed, by);
            if (v.get().latest()) {
                // The newest remaining version (or delete marker) becomes current again.
                try (PreparedStatement ps = c.prepareStatement("UPDATE objects SET latest = 1 WHERE bucket = ? AND key = ? "
                        + "AND seq = (SELECT MAX(seq) FROM objects WHERE bucket = ? AND key = ?)")) {
                    ps.setString(1, bucket);
                    ps.setString(2, key);
                    ps.setString(3, bucket);
                    ps.setString(4, key);
                    ps.executeUpdate();
                }
            }
            return v;
        });
    }

    @Override public ListPage<ListEntry> listVersions(String bucket, String prefix, String delimiter, String keyMarker,
                                                      String versionIdMarker, int maxKeys) {
        String p = prefix == null ? "" : prefix;
        String d = delimiter == null || delimiter.isEmpty() ? null : delimiter;
        return db.read(c -> {
            List<ListEntry> entries = new ArrayList<>();
            List<String> prefixes = new ArrayList<>();
            if (maxKeys <= 0) return new ListPage<>(entries, prefixes, false, null);
            // Position: after (keyMarker, the marker version's seq) in (key ASC, seq DESC) order.
            String fromKey = keyMarker == null ? "" : keyMarker;
            long fromSeq = -1; // -1: strictly after every version of fromKey
            if (versionIdMarker != null && !versionIdMarker.isEmpty() && !fromKey.isEmpty()) {
                Optional<ObjectVersion> m = versionIn(c, bucket, fromKey, versionIdMarker, false);
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
                        String next = lastEntry != null && (lastPrefix == null || lastEntry.key().compareTo(lastPrefix) > 0)
                                ? lastEntry.key() + "\n" + lastEntry.versionId() : lastPrefix + "\n";
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
        });
    }

    private static final int VERSION_BATCH = 1001;

    /**
     * The next versions in (key ascending, newest first) order after a position: first the older versions of the
     * position's key, then later keys. Two range scans of the covering index {@code objects_versions}, never a sort
     * of the bucket, never a read of the rows.
     */
    private static List<ListEntry> versionBatch(Connection c, String bucket, String fromKey, boolean inclusiveKey,
                                                long fromSeq) throws SQLException {
        List<ListEntry> out = new ArrayList<>();
        if (fromSeq >= 0) {
            try (PreparedStatement ps = c.prepareStatement(ObjectsTable.OLDER_VERSIONS_OF_KEY)) {
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
            try (PreparedStatement ps = c.prepareStatement(ObjectsTable.versionsFrom(inclusiveKey))) {
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

    private static ObjectVersion objectRow(ResultSet rs, boolean withData) throws SQLException {
        return new ObjectVersion(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getInt(5) != 0,
                rs.getInt(6) != 0, rs.getLong(7), rs.getString(8), rs.getLong(9), fromJson(rs.getString(10), ObjectMeta.class),
                fromJson(rs.getString(11), SEGMENTS), withData ? rs.getBytes(14) : null, rs.getString(12), rs.getString(13));
    }

    @Override public ObjectVersion putObject(ObjectVersion v, Precondition precondition) {
        Removal by = remover(v.writerArn(), v.writerKeyId(), v.deleteMarker() ? "DeleteObject" : "PutObject");
        return writeReleasing((c, freed) -> {
            Optional<ObjectVersion> cur = currentIn(c, v.bucket(), v.key(), false);
            precondition.check(cur);
            return replaceCurrent(c, v, cur, freed, by);
        });
    }

    /** Inserts v as the latest version; the previous "null" version (unversioned buckets) is removed. */
    /**
     * Inserts v as the latest version of its key. One rule serves every versioning state: a "null" version id replaces
     * the key's existing "null" version wherever it is in the history (unversioned and suspended buckets); any other id
     * (enabled buckets) is added, and the previous latest version becomes noncurrent.
     */
    private ObjectVersion replaceCurrent(Connection c, ObjectVersion v, Optional<ObjectVersion> cur, List<String> freed,
                                         Removal by) throws SQLException {
        // Reference the new segments first: a copy onto itself shares the old version's blobs, which must not hit zero.
        for (Segment s : v.segments()) addRef(c, s.blob());
        long seq;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM objects WHERE bucket = ? AND key = ?")) {
            ps.setString(1, v.bucket());
            ps.setString(2, v.key());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                seq = rs.getLong(1);
            }
        }
        if (NULL_VERSION.equals(v.versionId())) {
            Optional<ObjectVersion> nullVersion = versionIn(c, v.bucket(), v.key(), NULL_VERSION, false);
            if (nullVersion.isPresent()) removeVersion(c, nullVersion.get(), freed, by);
        }
        if (cur.isPresent()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE objects SET latest = 0 WHERE bucket = ? AND key = ? AND latest = 1")) {
                ps.setString(1, v.bucket());
                ps.setString(2, v.key());
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO objects(" + OBJECT_COLUMNS
                + ", inline, storage_class, checksum_algorithms) VALUES(?,?,?,?,1,?,?,?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, v.bucket());
            ps.setString(2, v.key());
            ps.setString(3, v.versionId());
            ps.setLong(4, seq);
            ps.setInt(5, v.deleteMarker() ? 1 : 0);
            ps.setLong(6, v.size());
            ps.setString(7, v.etag());
            ps.setLong(8, v.lastModified());
            ps.setString(9, toJson(v.meta()));
            ps.setString(10, toJson(v.segments()));
            ps.setString(11, v.writerArn());
            ps.setString(12, v.writerKeyId());
            ps.setBytes(13, v.inline());
            ps.setString(14, v.meta().storageClass());
            ps.setString(15, ObjectsTable.checksumAlgorithms(v.meta()));
            ps.executeUpdate();
        }
        ReplicationQueue.enqueueIfPending(c, v);
        return new ObjectVersion(v.bucket(), v.key(), v.versionId(), seq, true, v.deleteMarker(), v.size(), v.etag(),
                v.lastModified(), v.meta(), v.segments(), v.inline(), v.writerArn(), v.writerKeyId());
    }

    /** Removes a version from view: into the recovery window when it holds it (keeping its blobs), else for good. */
    private void removeVersion(Connection c, ObjectVersion old, List<String> freed, Removal by) throws SQLException {
        boolean held = window.hold(c, old, by, System.currentTimeMillis());
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM objects WHERE bucket = ? AND key = ? AND seq = ?")) {
            ps.setString(1, old.bucket());
            ps.setString(2, old.key());
            ps.setLong(3, old.seq());
            ps.executeUpdate();
        }
        if (!held) for (Segment s : old.segments()) dropRef(c, s.blob(), freed);
    }

    private static void addRef(Connection c, String blob) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO blobs(id, refs) VALUES(?, 1) ON CONFLICT(id) DO UPDATE SET refs = refs + 1")) {
            ps.setString(1, blob);
            ps.executeUpdate();
        }
    }

    static void dropRef(Connection c, String blob, List<String> freed) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE blobs SET refs = refs - 1 WHERE id = ?")) {
            ps.setString(1, blob);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM blobs WHERE id = ? AND refs <= 0")) {
            ps.setString(1, blob);
            if (ps.executeUpdate() > 0) freed.add(blob);
        }
    }

    @Override public Optional<ObjectVersion> deleteObject(String bucket, String key, Precondition precondition) {
        Removal by = remover(null, null, "DeleteObject");
        return writeReleasing((c, freed) -> {
            Optional<ObjectVersion> cur = currentIn(c, bucket, key, false);
            precondition.check(cur);
            if (cur.isPresent()) removeVersion(c, cur.get(), freed, by);
            return cur;
        });
    }

    @Override public Optional<ObjectVersion> updateMeta(String bucket, String key, String versionId,
                                                        UnaryOperator<ObjectMeta> change) {
        return db.write(c -> {
            Optional<ObjectVersion> cur = versionId == null ? currentIn(c, bucket, key, false)
                    : versionIn(c, bucket, key, versionId, false);
            if (cur.isEmpty() || cur.get().deleteMarker()) return Optional.<ObjectVersion>empty();
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
        });
    }

    @Override public Optional<Bucket> setVersioning(String name, java.util.function.UnaryOperator<Bucket> change) {
        return db.write(c -> {
            Optional<Bucket> b = bucketIn(c, name);
            if (b.isEmpty()) return b;
            Bucket next = change.apply(b.get());
            try (PreparedStatement ps = c.prepareStatement("UPDATE buckets SET versioning = ?, object_lock = ? WHERE name = ?")) {
                ps.setString(1, next.versioning());
                ps.setInt(2, next.objectLock() ? 1 : 0);
                ps.setString(3, name);
                ps.executeUpdate();
            }
            return Optional.of(next);
        });
    }

    @Override public ListPage<ListEntry> listObjects(String bucket, String prefix, String delimiter, String after,
                                                     int maxKeys) {
        String p = prefix == null ? "" : prefix;
        String d = delimiter == null || delimiter.isEmpty() ? null : delimiter;
        return db.read(c -> {
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
                String sql = ObjectsTable.currentFrom(inclusive);
                boolean jumped = false;
                int seen = 0;
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, bucket);
                    ps.setString(2, from);
                    ps.setInt(3, batch);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            seen++;
                            String key = rs.getString(1);
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
        });
    }

    // ---- multipart ----

    @Override public void createUpload(Upload u) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO uploads(upload_id, bucket, key, initiated, meta, initiator_arn, initiator_key) VALUES(?,?,?,?,?,?,?)")) {
                ps.setString(1, u.uploadId());
                ps.setString(2, u.bucket());
                ps.setString(3, u.key());
                ps.setLong(4, u.initiated());
                ps.setString(5, toJson(u.meta()));
                ps.setString(6, u.initiatorArn());
                ps.setString(7, u.initiatorKeyId());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override public Optional<Upload> upload(String uploadId) {
        return db.read(c -> uploadIn(c, uploadId));
    }

    private static final String UPLOAD_COLUMNS = "upload_id, bucket, key, initiated, meta, initiator_arn, initiator_key";

    private static Optional<Upload> uploadIn(Connection c, String uploadId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + UPLOAD_COLUMNS + " FROM uploads WHERE upload_id = ?")) {
            ps.setString(1, uploadId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(uploadRow(rs)) : Optional.empty();
            }
        }
    }

    private static Upload uploadRow(ResultSet rs) throws SQLException {
        return new Upload(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                fromJson(rs.getString(5), ObjectMeta.class), rs.getString(6), rs.getString(7));
    }

    @Override public boolean putPart(Part part) {
        return writeReleasing((c, freed) -> {
            if (uploadIn(c, part.uploadId()).isEmpty()) return false;
            Optional<Part> old = partIn(c, part.uploadId(), part.partNumber());
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT OR REPLACE INTO parts(upload_id, part_number, size, etag, last_modified, checksums, blob) VALUES(?,?,?,?,?,?,?)")) {
                ps.setString(1, part.uploadId());
                ps.setInt(2, part.partNumber());
                ps.setLong(3, part.size());
                ps.setString(4, part.etag());
                ps.setLong(5, part.lastModified());
                ps.setString(6, toJson(part.checksums()));
                ps.setString(7, part.blob());
                ps.executeUpdate();
            }
            addRef(c, part.blob());
            if (old.isPresent()) dropRef(c, old.get().blob(), freed);
            return true;
        });
    }

    private static final String PART_COLUMNS = "upload_id, part_number, size, etag, last_modified, checksums, blob";

    private static Optional<Part> partIn(Connection c, String uploadId, int number) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + PART_COLUMNS + " FROM parts WHERE upload_id = ? AND part_number = ?")) {
            ps.setString(1, uploadId);
            ps.setInt(2, number);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(partRow(rs)) : Optional.empty();
            }
        }
    }

    private static Part partRow(ResultSet rs) throws SQLException {
        return new Part(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getString(4), rs.getLong(5),
                fromJson(rs.getString(6), STRING_MAP), rs.getString(7));
    }

    @Override public ListPage<Part> parts(String uploadId, int afterPartNumber, int maxParts) {
        return db.read(c -> {
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
                String next = out.isEmpty() ? null : Integer.toString(out.get(out.size() - 1).partNumber());
                return new ListPage<>(out, List.of(), truncated, next);
            }
        });
    }

    @Override public List<Part> allParts(String uploadId) {
        return parts(uploadId, 0, 10_001).entries();
    }

    @Override public Optional<ObjectVersion> completeUpload(String uploadId, ObjectVersion v, Set<Integer> usedParts,
                                                            Precondition precondition) {
        Removal by = remover(v.writerArn(), v.writerKeyId(), "CompleteMultipartUpload");
        return writeReleasing((c, freed) -> {
            if (uploadIn(c, uploadId).isEmpty()) return Optional.<ObjectVersion>empty();
            Optional<ObjectVersion> cur = currentIn(c, v.bucket(), v.key(), false);
            precondition.check(cur);
            ObjectVersion stored = replaceCurrent(c, v, cur, freed, by);
            List<Part> parts = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + PART_COLUMNS + " FROM parts WHERE upload_id = ?")) {
                ps.setString(1, uploadId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) parts.add(partRow(rs));
                }
            }
            for (Part p : parts) dropRef(c, p.blob(), freed);
            deleteUploadRows(c, uploadId);
            return Optional.of(stored);
        });
    }

    private static void deleteUploadRows(Connection c, String uploadId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM parts WHERE upload_id = ?")) {
            ps.setString(1, uploadId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM uploads WHERE upload_id = ?")) {
            ps.setString(1, uploadId);
            ps.executeUpdate();
        }
    }

    @Override public boolean abortUpload(String uploadId) {
        return writeReleasing((c, freed) -> {
            if (uploadIn(c, uploadId).isEmpty()) return false;
            try (PreparedStatement ps = c.prepareStatement("SELECT blob FROM parts WHERE upload_id = ?")) {
                ps.setString(1, uploadId);
                List<String> blobs = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) blobs.add(rs.getString(1));
                }
                for (String b : blobs) dropRef(c, b, freed);
            }
            deleteUploadRows(c, uploadId);
            return true;
        });
    }

    @Override public ListPage<Upload> uploads(String bucket, String prefix, String delimiter, String keyMarker,
                                              String uploadIdMarker, int maxUploads) {
        String p = prefix == null ? "" : prefix;
        String d = delimiter == null || delimiter.isEmpty() ? null : delimiter;
        return db.read(c -> {
            List<Upload> entries = new ArrayList<>();
            List<String> prefixes = new ArrayList<>();
            String km = keyMarker == null ? "" : keyMarker;
            // Listing resumes after a position in (key, initiated, upload_id) order, the order uploads are listed in.
            // S3: with an upload-id-marker, uploads of key-marker after that upload are included; otherwise strictly after the key.
            String fromKey = km;
            long fromInitiated = Long.MAX_VALUE;
            String fromId = AFTER_ALL;
            if (uploadIdMarker != null && !uploadIdMarker.isEmpty()) {
                Optional<Upload> marker = uploadIn(c, uploadIdMarker)
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
            String sql = "SELECT " + UPLOAD_COLUMNS + " FROM uploads WHERE bucket = ? AND (key, initiated, upload_id) > (?, ?, ?)"
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
                            Upload u = uploadRow(rs);
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
            return new ListPage<>(entries, prefixes, truncated, truncated ? nextKey + "\n" + (nextId == null ? "" : nextId) : null);
        });
    }

    /** The common prefix {@code key} rolls up into (through the first delimiter after the prefix), or null. */
    private static String rollUp(String key, String prefix, String delimiter) {
        int idx = key.indexOf(delimiter, prefix.length());
        return idx < 0 ? null : key.substring(0, idx + delimiter.length());
    }

    // ---- scans for background work ----

    @Override public List<Bucket> bucketsAfter(String afterName, int limit) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT name, owner, region, created, versioning, object_lock, config"
                    + " FROM buckets WHERE name > ? ORDER BY name LIMIT ?")) {
                ps.setString(1, afterName == null ? "" : afterName);
                ps.setInt(2, limit);
                List<Bucket> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(bucketRow(rs));
                }
                return out;
            }
        });
    }

    @Override public List<ObjectVersion> versionsAfter(String bucket, String afterKey, long beforeSeq, int limit) {
        return db.read(c -> {
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
                try (PreparedStatement ps = c.prepareStatement("SELECT " + OBJECT_COLUMNS + " FROM objects INDEXED BY objects_versions"
                        + " WHERE bucket = ? AND key > ? ORDER BY key, seq DESC LIMIT ?")) {
                    ps.setString(1, bucket);
                    ps.setString(2, afterKey);
                    ps.setInt(3, limit - out.size());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) out.add(objectRow(rs, false));
                    }
                }
            }
            return out;
        });
    }

    @Override public List<Upload> uploadsInitiatedBefore(String bucket, long initiatedBefore, String afterKey,
                                                         long afterInitiated, String afterUploadId, int limit) {
        return db.read(c -> {
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
                    while (rs.next()) out.add(uploadRow(rs));
                }
                return out;
            }
        });
    }

    @Override public Optional<ObjectVersion> deleteSoleDeleteMarker(String bucket, String key, String versionId) {
        Removal by = remover(null, null, "LifecycleExpiration");
        return writeReleasing((c, freed) -> {
            Optional<ObjectVersion> v = versionIn(c, bucket, key, versionId, false);
            if (v.isEmpty() || !v.get().deleteMarker() || !v.get().latest()) return Optional.<ObjectVersion>empty();
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM (SELECT 1 FROM objects"
                    + " WHERE bucket = ? AND key = ? LIMIT 2)")) {
                ps.setString(1, bucket);
                ps.setString(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) != 1) return Optional.<ObjectVersion>empty();
                }
            }
            removeVersion(c, v.get(), freed, by);
            return v;
        });
    }

    @Override public List<PromotionOutcome> promote(List<Promotion> batch) {
        if (batch.isEmpty()) return List.of();
        // JSON is encoded before the transaction: the single writer thread only runs SQL.
        List<String[]> json = new ArrayList<>(batch.size());
        List<Removal> removers = new ArrayList<>(batch.size());
        for (Promotion p : batch) {
            json.add(new String[] {toJson(p.version().meta()), toJson(p.version().segments())});
            removers.add(remover(p.version().writerArn(), p.version().writerKeyId(), "Restore"));
        }
        String columns = "bucket, key, version_id, seq, latest, delete_marker, size, etag, last_modified, meta, segments, "
                + "writer_arn, writer_key, storage_class, checksum_algorithms, inline";
        return writeReleasing((c, freed) -> {
            List<PromotionOutcome> out = new ArrayList<>(batch.size());
            java.util.Map<String, Boolean> unversioned = new java.util.HashMap<>();
            try (PreparedStatement latest = c.prepareStatement(
                         "SELECT version_id FROM objects WHERE bucket = ? AND key = ? AND latest = 1");
                 PreparedStatement maxSeq = c.prepareStatement(
                         "SELECT COALESCE(MAX(seq), 0) + 1 FROM objects WHERE bucket = ? AND key = ?");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO objects(" + columns + ") VALUES(?,?,?,?,1,?,?,?,?,?,?,?,?,?,?,?)");
                 PreparedStatement demote = c.prepareStatement(
                         "UPDATE objects SET latest = 0 WHERE bucket = ? AND key = ? AND latest = 1 AND seq <> ?")) {
                for (int i = 0; i < batch.size(); i++) {
                    Promotion p = batch.get(i);
                    ObjectVersion v = p.version();
                    latest.setString(1, v.bucket());
                    latest.setString(2, v.key());
                    String current;
                    try (ResultSet rs = latest.executeQuery()) {
                        current = rs.next() ? rs.getString(1) : null;
                    }
                    if (!java.util.Objects.equals(current, p.expectedLatestVersionId())) {
                        out.add(PromotionOutcome.CHANGED);
                        continue;
                    }
                    // The data: the inline bytes of an existing version or of a version the recovery window holds.
                    byte[] inline = null;
                    if (p.windowId() > 0) {
                        Optional<byte[]> held = RecoveryWindow.inlineIn(c, p.windowId());
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
                    // Referenced before a replaced null version lets go of the same blobs.
                    for (Segment s : v.segments()) addRef(c, s.blob());
                    if (NULL_VERSION.equals(v.versionId())) {
                        // Unversioned and suspended buckets: the null version is replaced (kept by the recovery window).
                        Optional<ObjectVersion> nullVersion = versionIn(c, v.bucket(), v.key(), NULL_VERSION, false);
                        if (nullVersion.isPresent()) removeVersion(c, nullVersion.get(), freed, removers.get(i));
                        // A bucket that was never versioned has no delete markers: removing is deleting.
                        boolean never = unversioned.computeIfAbsent(v.bucket(), b -> {
                            try {
                                return bucketIn(c, b).map(x -> x.versioning().isEmpty()).orElse(false);
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
        });
    }

    @Override public boolean isLiveBlob(String blobId) {
        return db.read(c -> exists(c, "SELECT 1 FROM blobs WHERE id = ? AND refs > 0", blobId));
    }

    @Override public void close() {
        db.close();
    }

    // ---- JSON columns ----

    static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new StorageException("cannot encode metadata", e);
        }
    }

    static <T> T fromJson(String s, Class<T> type) {
        try {
            return JSON.readValue(s, type);
        } catch (JsonProcessingException e) {
            throw new StorageException("cannot decode metadata", e);
        }
    }

    static <T> T fromJson(String s, TypeReference<T> type) {
        try {
            return JSON.readValue(s, type);
        } catch (JsonProcessingException e) {
            throw new StorageException("cannot decode metadata", e);
        }
    }
}

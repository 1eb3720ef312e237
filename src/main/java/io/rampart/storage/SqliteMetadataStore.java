package io.rampart.storage;

import static io.rampart.storage.MetadataJson.toJson;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * {@link MetadataStore} on the {@link Database} (the embedded SQLite, or PostgreSQL): the transaction boundaries (which calls read, which
 * write, blobs released after the commit) over the per-concern classes that run the SQL on a connection —
 * {@link Buckets}, {@link ObjectVersions}, {@link MultipartUploads}, {@link BlobRefs}, {@link Listings} and the
 * {@link RecoveryWindow} — with each backend's own SQL in its {@link SqlDialect}.
 */
public final class SqliteMetadataStore implements MetadataStore {
    /** The id S3 gives versions written while versioning is off or suspended. */
    public static final String NULL_VERSION = "null";

    private final Database db;
    private final Consumer<String> releaseBlob;
    private final RecoveryWindow window;
    private final ObjectVersions versions;
    private final MultipartUploads uploads;
    private final Listings listings;

    public SqliteMetadataStore(Database db, Consumer<String> releaseBlob) throws SQLException {
        this.db = db;
        this.releaseBlob = releaseBlob;
        this.window = new RecoveryWindow(db, releaseBlob);
        SqlDialect dialect = db.dialect();
        this.versions = new ObjectVersions(dialect, window);
        this.uploads = new MultipartUploads(dialect, versions);
        this.listings = new Listings(dialect);
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
        return writeReleasing(null, work);
    }

    /** The same, as a write of object keys under {@code locks} ({@link Database#writeKeyed}) when given. */
    private <T> T writeReleasing(Database.@Nullable KeyLocks locks, ReleasingWork<T> work) {
        List<String> freed = new ArrayList<>();
        Database.Work<T> once = c -> {
            freed.clear(); // a write retried after a conflict (PostgreSQL) frees only what its last run freed
            return work.run(c, freed);
        };
        T result = locks == null ? db.write(once) : db.writeKeyed(locks, once);
        freed.forEach(releaseBlob);
        return result;
    }

    // ---- buckets ----

    @Override
    public Optional<Bucket> bucket(String name) {
        return db.readStatement(c -> Buckets.get(c, name));
    }

    @Override
    public List<Bucket> buckets(String owner) {
        return db.read(c -> Buckets.ofOwner(c, owner));
    }

    @Override
    public Optional<Bucket> createBucket(Bucket b) {
        return db.write(c -> Buckets.create(c, b));
    }

    @Override
    public DeleteBucketResult deleteBucket(String name) {
        // Waits for the writes adding to the bucket; those after it find it gone (NoSuchBucket).
        Database.KeyLocks locks = Database.KeyLocks.of(name, List.of(), Database.BucketLock.EXCLUSIVE);
        return writeReleasing(locks, (c, freed) -> Buckets.delete(c, db.dialect(), name, freed));
    }

    @Override
    public Optional<Bucket> updateBucketConfig(String name, UnaryOperator<String> change) {
        return db.write(c -> Buckets.updateConfig(c, name, change));
    }

    @Override
    public Optional<Bucket> setVersioning(String name, UnaryOperator<Bucket> change) {
        return db.write(c -> Buckets.setVersioning(c, name, change));
    }

    @Override
    public boolean hasObjects(String bucket) {
        return db.read(c -> ObjectVersions.hasObjects(c, bucket));
    }

    // ---- objects ----

    @Override
    public Optional<ObjectVersion> current(String bucket, String key) {
        return db.readStatement(c -> ObjectVersions.currentIn(c, bucket, key, true));
    }

    @Override
    public Optional<ObjectVersion> version(String bucket, String key, String versionId) {
        return db.readStatement(c -> ObjectVersions.versionIn(c, bucket, key, versionId, true));
    }

    /** What {@link #read} keeps in memory a value under ({@link Database#readCached}). */
    private record ReadKey(
            String bucket, String key, @Nullable String versionId) {}

    /**
     * Served from memory while nothing has committed since it was read (on SQLite: {@link Database#readCached}); the
     * value is shared, so the version's inline data (encrypted, as stored) is never written to by its readers.
     */
    @Override
    public ObjectRead read(String bucket, String key, String versionId) {
        return db.readCached(
                new ReadKey(bucket, key, versionId),
                c -> ObjectVersions.bucketAndVersion(c, bucket, key, versionId),
                SqliteMetadataStore::weight);
    }

    /** About what a read's value holds in memory: its inline data and its longest texts, plus a fixed overhead. */
    private static long weight(ObjectRead r) {
        long w = 512;
        if (r.bucket().isPresent() && r.bucket().get().config() != null)
            w += 2L * r.bucket().get().config().length();
        if (r.version().isPresent()) {
            ObjectVersion v = r.version().get();
            w += 2L * v.key().length() + 128L * v.segments().size();
            if (v.inline() != null) w += v.inline().length;
        }
        return w;
    }

    @Override
    public Optional<ObjectVersion> deleteVersion(
            String bucket, String key, String versionId, Precondition precondition) {
        Removal by = remover(null, null, "DeleteObject");
        return writeReleasing(
                Database.KeyLocks.changing(bucket, key),
                (c, freed) -> versions.deleteVersion(c, bucket, key, versionId, precondition, freed, by));
    }

    @Override
    public ObjectVersion putObject(ObjectVersion v, Precondition precondition) {
        Removal by = remover(v.writerArn(), v.writerKeyId(), v.deleteMarker() ? "DeleteObject" : "PutObject");
        ObjectVersions.Encoded json = ObjectVersions.Encoded.of(v); // here, not on the single writer thread
        return writeReleasing(
                Database.KeyLocks.adding(v.bucket(), v.key()),
                (c, freed) -> versions.put(c, v, json, precondition, freed, by));
    }

    @Override
    public Optional<ObjectVersion> copyObject(ObjectVersion v, CopySource source, Precondition precondition) {
        Removal by = remover(v.writerArn(), v.writerKeyId(), "CopyObject");
        ObjectVersions.Encoded json = ObjectVersions.Encoded.of(v);
        try {
            return writeReleasing(
                    Database.KeyLocks.adding(v.bucket(), v.key()),
                    (c, freed) -> versions.copy(c, v, json, source, precondition, freed, by));
        } catch (BlobRefs.Released e) {
            return Optional.empty(); // the source's data was let go: the caller reads the source again
        }
    }

    @Override
    public Optional<ObjectVersion> deleteObject(String bucket, String key, Precondition precondition) {
        Removal by = remover(null, null, "DeleteObject");
        return writeReleasing(
                Database.KeyLocks.changing(bucket, key),
                (c, freed) -> versions.deleteCurrent(c, bucket, key, precondition, freed, by));
    }

    @Override
    public Optional<ObjectVersion> updateMeta(
            String bucket, String key, String versionId, UnaryOperator<ObjectMeta> change) {
        return db.writeKeyed(
                Database.KeyLocks.changing(bucket, key),
                c -> ObjectVersions.updateMeta(c, bucket, key, versionId, change));
    }

    @Override
    public ListPage<ListEntry> listObjects(String bucket, String prefix, String delimiter, String after, int maxKeys) {
        return db.read(c -> listings.objects(c, bucket, prefix, delimiter, after, maxKeys));
    }

    @Override
    public ListPage<ListEntry> listVersions(
            String bucket, String prefix, String delimiter, String keyMarker, String versionIdMarker, int maxKeys) {
        return db.read(c -> listings.versions(c, bucket, prefix, delimiter, keyMarker, versionIdMarker, maxKeys));
    }

    // ---- multipart ----

    @Override
    public void createUpload(Upload u) {
        // No key lock: the upload adds no version; the bucket's shared lock keeps DeleteBucket from missing it.
        db.writeKeyed(Database.KeyLocks.of(u.bucket(), List.of(), Database.BucketLock.SHARED), c -> {
            MultipartUploads.create(c, u);
            return null;
        });
    }

    @Override
    public Optional<Upload> upload(String uploadId) {
        return db.read(c -> MultipartUploads.get(c, uploadId));
    }

    @Override
    public boolean putPart(Part part) {
        return writeReleasing((c, freed) -> uploads.putPart(c, part, freed));
    }

    @Override
    public ListPage<Part> parts(String uploadId, int afterPartNumber, int maxParts) {
        return db.read(c -> MultipartUploads.parts(c, uploadId, afterPartNumber, maxParts));
    }

    @Override
    public List<Part> allParts(String uploadId) {
        return parts(uploadId, 0, 10_001).entries();
    }

    @Override
    public Optional<ObjectVersion> completeUpload(
            String uploadId, ObjectVersion v, Set<Integer> usedParts, Precondition precondition) {
        Removal by = remover(v.writerArn(), v.writerKeyId(), "CompleteMultipartUpload");
        ObjectVersions.Encoded json = ObjectVersions.Encoded.of(v);
        try {
            return writeReleasing(
                    Database.KeyLocks.adding(v.bucket(), v.key()),
                    (c, freed) -> uploads.complete(c, uploadId, v, json, usedParts, precondition, freed, by));
        } catch (BlobRefs.Released e) {
            return Optional.empty(); // a part's blob was let go (the part replaced or the upload aborted meanwhile)
        }
    }

    @Override
    public boolean abortUpload(String uploadId) {
        return writeReleasing((c, freed) -> uploads.abort(c, uploadId, freed));
    }

    @Override
    public ListPage<Upload> uploads(
            String bucket, String prefix, String delimiter, String keyMarker, String uploadIdMarker, int maxUploads) {
        return db.read(c -> Listings.uploads(c, bucket, prefix, delimiter, keyMarker, uploadIdMarker, maxUploads));
    }

    // ---- scans for background work ----

    @Override
    public List<Bucket> bucketsAfter(String afterName, int limit) {
        return db.read(c -> Buckets.after(c, afterName, limit));
    }

    @Override
    public List<ObjectVersion> versionsAfter(String bucket, String afterKey, long beforeSeq, int limit) {
        return db.read(c -> versions.versionsAfter(c, bucket, afterKey, beforeSeq, limit));
    }

    @Override
    public List<Upload> uploadsInitiatedBefore(
            String bucket,
            long initiatedBefore,
            String afterKey,
            long afterInitiated,
            String afterUploadId,
            int limit) {
        return db.read(c -> MultipartUploads.initiatedBefore(
                c, bucket, initiatedBefore, afterKey, afterInitiated, afterUploadId, limit));
    }

    @Override
    public Optional<ObjectVersion> deleteSoleDeleteMarker(String bucket, String key, String versionId) {
        Removal by = remover(null, null, "LifecycleExpiration");
        return writeReleasing(
                Database.KeyLocks.changing(bucket, key),
                (c, freed) -> versions.deleteSoleDeleteMarker(c, bucket, key, versionId, freed, by));
    }

    @Override
    public List<PromotionOutcome> promote(List<Promotion> batch) {
        if (batch.isEmpty()) return List.of();
        // JSON is encoded before the transaction: the single writer thread only runs SQL.
        List<String[]> json = new ArrayList<>(batch.size());
        List<Removal> removers = new ArrayList<>(batch.size());
        for (Promotion p : batch) {
            json.add(
                    new String[] {toJson(p.version().meta()), toJson(p.version().segments())});
            removers.add(remover(p.version().writerArn(), p.version().writerKeyId(), "Restore"));
        }
        Database.KeyLocks locks = promotionLocks(batch);
        for (int attempt = 1; ; attempt++) {
            try {
                return writeReleasing(locks, (c, freed) -> versions.promote(c, batch, json, removers, freed));
            } catch (BlobRefs.Released e) {
                // A purge let go of a source's data between its check and its reference (possible only where the
                // database does not serialize the two): run again, and that promotion finds its source gone.
                if (attempt == 3) throw new StorageException("restore sources keep changing", e);
            }
        }
    }

    /** Every key of a restore batch (one bucket's, as {@link #promote} says; several buckets are locked in turn). */
    private static Database.KeyLocks promotionLocks(List<Promotion> batch) {
        java.util.Set<String> buckets = new java.util.TreeSet<>();
        List<String> keys = new ArrayList<>();
        for (Promotion p : batch) {
            buckets.add(p.version().bucket());
            keys.add(p.version().key());
        }
        if (buckets.size() != 1) throw new IllegalArgumentException("a restore batch writes one bucket: " + buckets);
        return Database.KeyLocks.of(buckets.iterator().next(), keys, Database.BucketLock.SHARED);
    }

    // ---- blobs ----

    @Override
    public boolean isLiveBlob(String blobId) {
        return db.read(c -> BlobRefs.isLive(c, blobId));
    }

    @Override
    public void close() {
        db.close();
    }
}

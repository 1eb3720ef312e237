package io.rampart.storage;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Buckets, object versions and multipart uploads. Every write is one durable transaction; preconditions are checked
 * inside it, so conditional writes are atomic. Listing is an index range scan. Blobs whose last reference a write removes
 * are handed to the blob releaser after the commit.
 */
public interface MetadataStore extends AutoCloseable {

    /** Checked inside the write transaction against the current version; throws to abort the write. */
    @FunctionalInterface
    interface Precondition {
        Precondition NONE = current -> {};

        void check(Optional<ObjectVersion> current);
    }

    enum DeleteBucketResult {
        DELETED,
        NOT_FOUND,
        NOT_EMPTY
    }

    Optional<Bucket> bucket(String name);

    List<Bucket> buckets(String owner);

    /** Creates the bucket; when the name is taken nothing is written and the existing bucket is returned. */
    Optional<Bucket> createBucket(Bucket bucket);

    DeleteBucketResult deleteBucket(String name);

    /** Replaces a bucket's configuration document; empty when the bucket does not exist. */
    Optional<Bucket> updateBucketConfig(String name, java.util.function.UnaryOperator<String> change);

    /** The current version of a key with its inline data, or empty (also when the current version is a delete marker is not filtered here). */
    Optional<ObjectVersion> current(String bucket, String key);

    /** One version of a key by its id ("null" for the null version), with its inline data. */
    Optional<ObjectVersion> version(String bucket, String key, String versionId);

    /** A bucket and one version of one of its keys, read in one snapshot; no version when there is no bucket. */
    record ObjectRead(Optional<Bucket> bucket, Optional<ObjectVersion> version) {}

    /**
     * The bucket and, in the same snapshot, the key's version {@code versionId} (null: the current version, a delete
     * marker included) with its inline data: what a read authorises is then what it serves, whatever is written
     * meanwhile, and one read transaction serves both.
     */
    ObjectRead read(String bucket, String key, String versionId);

    /**
     * Whether version {@code v} (the same row: its key, version id and sequence number) is still stored, in a snapshot
     * taken now. A reader that pinned v's blobs ({@link BlobStore#pin}) and then finds it still stored knows that no
     * blob of v had been released before the pin, and that none is deleted until it lets go.
     */
    default boolean stillStored(ObjectVersion v) {
        return version(v.bucket(), v.key(), v.versionId())
                .filter(now -> now.seq() == v.seq())
                .isPresent();
    }

    /**
     * Permanently removes one version (or delete marker) after the precondition accepts it; when it was the latest,
     * the newest remaining version becomes current. Empty when there is no such version.
     */
    Optional<ObjectVersion> deleteVersion(String bucket, String key, String versionId, Precondition precondition);

    /**
     * All versions and delete markers in (key ascending, newest first) order after the (keyMarker, versionIdMarker)
     * position, rolling keys up to the delimiter. {@code nextMarker} is "key\nversionId" (versionId empty after a prefix).
     */
    ListPage<ListEntry> listVersions(
            String bucket, String prefix, String delimiter, String keyMarker, String versionIdMarker, int maxKeys);

    /**
     * Makes {@code v} the latest version of its key: a "null" version id replaces the key's existing null version
     * (unversioned and suspended buckets), any other id is added and the previous latest becomes noncurrent.
     * Delete markers are written the same way. Its segments are blobs written for it that no row references yet (a
     * copy shares another version's through {@link #copyObject}). Returns v with its sequence number.
     */
    ObjectVersion putObject(ObjectVersion v, Precondition precondition);

    /**
     * The version a copy takes its data from, as the copy read it (its id, sequence number, ETag, time and segments
     * identify it: a "null" version id and a sequence number can be given again to a later version), and whether it
     * was read as the key's latest version (a copy source without a version id).
     */
    record CopySource(
            String bucket,
            String key,
            String versionId,
            long seq,
            String etag,
            long lastModified,
            List<Segment> segments,
            boolean asLatest) {
        public static CopySource of(ObjectVersion source, boolean asLatest) {
            return new CopySource(
                    source.bucket(),
                    source.key(),
                    source.versionId(),
                    source.seq(),
                    source.etag(),
                    source.lastModified(),
                    source.segments(),
                    asLatest);
        }

        /** Whether {@code v} (read inside the copy's write) is still the version the copy read. */
        public boolean isStill(ObjectVersion v) {
            return !v.deleteMarker()
                    && v.versionId().equals(versionId)
                    && v.seq() == seq
                    && v.etag().equals(etag)
                    && v.lastModified() == lastModified
                    && v.segments().equals(segments)
                    && (!asLatest || v.latest());
        }
    }

    /**
     * {@link #putObject} for a copy: {@code v} takes the data of {@code source} (its segments, whose blobs it then
     * shares, and its inline bytes). Inside the write transaction the source must still be the version the copy read
     * (and still the latest when read as such) and its blobs still referenced; otherwise nothing is written and the
     * result is empty: the caller reads the source again (it may be gone: NoSuchKey, NoSuchVersion). So a copy never
     * commits a version whose data a concurrent delete or purge has released.
     */
    Optional<ObjectVersion> copyObject(ObjectVersion v, CopySource source, Precondition precondition);

    /** Removes the current version in an unversioned bucket; returns what was removed. */
    Optional<ObjectVersion> deleteObject(String bucket, String key, Precondition precondition);

    /**
     * Changes the metadata (tags, retention, legal hold) of one version, the latest when {@code versionId} is null;
     * empty when there is no such version or it is a delete marker.
     */
    Optional<ObjectVersion> updateMeta(
            String bucket, String key, String versionId, java.util.function.UnaryOperator<ObjectMeta> change);

    /** Changes a bucket's versioning state and Object Lock flag atomically (the change sees the current row). */
    Optional<Bucket> setVersioning(String name, java.util.function.UnaryOperator<Bucket> change);

    /**
     * Current, non-deleted versions in key order after {@code after}, rolling keys up to the delimiter; entries
     * without version ids (ListObjects shows none).
     */
    ListPage<ListEntry> listObjects(String bucket, String prefix, String delimiter, String after, int maxKeys);

    boolean hasObjects(String bucket);

    void createUpload(Upload upload);

    Optional<Upload> upload(String uploadId);

    /** Stores a part, replacing one with the same number; false when the upload no longer exists (nothing written). */
    boolean putPart(Part part);

    ListPage<Part> parts(String uploadId, int afterPartNumber, int maxParts);

    List<Part> allParts(String uploadId);

    /**
     * Atomically turns an upload into the current version {@code v} (whose segments reference the used parts' blobs),
     * drops the upload and its parts, and releases the blobs of parts not used. Empty, with nothing written, when the
     * upload is gone, or when a used part is no longer the one in {@code v}'s segments (uploaded again since the caller
     * read the parts): the caller reads the parts again.
     */
    Optional<ObjectVersion> completeUpload(
            String uploadId, ObjectVersion v, Set<Integer> usedParts, Precondition precondition);

    boolean abortUpload(String uploadId);

    /** Uploads in (key, initiated) order after the (keyMarker, uploadIdMarker) position. */
    ListPage<Upload> uploads(
            String bucket, String prefix, String delimiter, String keyMarker, String uploadIdMarker, int maxUploads);

    boolean isLiveBlob(String blobId);

    // ---- scans for background work (lifecycle): index range scans in batches, never a whole-table load ----

    /** Up to {@code limit} buckets of every owner in name order after {@code afterName} ("" for the first page). */
    List<Bucket> bucketsAfter(String afterName, int limit);

    /**
     * Up to {@code limit} versions and delete markers of a bucket in (key ascending, newest first) order strictly after
     * the position (afterKey, beforeSeq): first the versions of {@code afterKey} with a sequence number below
     * {@code beforeSeq}, then later keys. Start with ("", Long.MAX_VALUE). Without inline data.
     */
    List<ObjectVersion> versionsAfter(String bucket, String afterKey, long beforeSeq, int limit);

    /**
     * Up to {@code limit} uploads of a bucket initiated before {@code initiatedBefore}, in (key, initiated, upload id)
     * order strictly after the given position. Start with ("", Long.MIN_VALUE, "").
     */
    List<Upload> uploadsInitiatedBefore(
            String bucket, long initiatedBefore, String afterKey, long afterInitiated, String afterUploadId, int limit);

    /**
     * Removes a delete marker that is the only remaining version of its key (S3's "expired object delete marker"),
     * checking both inside the transaction; empty when it is not (anymore).
     */
    Optional<ObjectVersion> deleteSoleDeleteMarker(String bucket, String key, String versionId);

    // ---- restore ----

    /**
     * One write of a restore: {@code version} becomes the latest version of its key, provided the key's latest version
     * is still {@code expectedLatestVersionId}. With {@code dataFromVersionId} set, the new version takes that existing
     * version's inline bytes (its segments must be {@code version.segments()}), so no data passes through the caller;
     * with {@code windowId} (above 0) instead, those of a version the recovery window holds. A "null" version id
     * replaces the key's null version (unversioned and suspended buckets; in a never-versioned bucket a delete marker
     * only removes it).
     */
    record Promotion(ObjectVersion version, String dataFromVersionId, String expectedLatestVersionId, long windowId) {
        public Promotion(ObjectVersion version, String dataFromVersionId, String expectedLatestVersionId) {
            this(version, dataFromVersionId, expectedLatestVersionId, 0);
        }
    }

    enum PromotionOutcome {
        WRITTEN,
        /** The key's latest version is no longer the expected one: nothing written. */
        CHANGED,
        /** The version to take the data from no longer exists: nothing written. */
        SOURCE_GONE
    }

    /**
     * Applies promotions of one bucket's keys in a single transaction (one commit for the batch); outcomes in order.
     * Versions carry new version ids, or "null" in buckets whose versioning is not Enabled.
     */
    List<PromotionOutcome> promote(List<Promotion> batch);

    @Override
    void close();
}

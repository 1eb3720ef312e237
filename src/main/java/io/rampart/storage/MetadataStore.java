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
        Precondition NONE = current -> { };

        void check(Optional<ObjectVersion> current);
    }

    enum DeleteBucketResult { DELETED, NOT_FOUND, NOT_EMPTY }

    Optional<Bucket> bucket(String name);

    List<Bucket> buckets(String owner);

    /** Creates the bucket; when the name is taken nothing is written and the existing bucket is returned. */
    Optional<Bucket> createBucket(Bucket bucket);

    DeleteBucketResult deleteBucket(String name);

    /** Replaces a bucket's configuration document; empty when the bucket does not exist. */
    Optional<Bucket> updateBucketConfig(String name, java.util.function.UnaryOperator<String> change);

    /** The current version of a key with its inline data, or empty (also when the current version is a delete marker is not filtered here). */
    Optional<ObjectVersion> current(String bucket, String key);

    /** Makes {@code v} the current version of its key, replacing the "null" version; returns it with its sequence number. */
    ObjectVersion putObject(ObjectVersion v, Precondition precondition);

    /** Removes the current version in an unversioned bucket; returns what was removed. */
    Optional<ObjectVersion> deleteObject(String bucket, String key, Precondition precondition);

    /** Replaces the tags of the current version; empty when there is no such key. */
    Optional<ObjectVersion> updateMeta(String bucket, String key, java.util.function.UnaryOperator<ObjectMeta> change);

    /** Current, non-deleted versions in key order after {@code after}, rolling keys up to the delimiter. */
    ListPage<ObjectVersion> listObjects(String bucket, String prefix, String delimiter, String after, int maxKeys);

    boolean hasObjects(String bucket);

    void createUpload(Upload upload);

    Optional<Upload> upload(String uploadId);

    /** Stores a part, replacing one with the same number; false when the upload no longer exists (nothing written). */
    boolean putPart(Part part);

    ListPage<Part> parts(String uploadId, int afterPartNumber, int maxParts);

    List<Part> allParts(String uploadId);

    /**
     * Atomically turns an upload into the current version {@code v} (whose segments reference the used parts' blobs),
     * drops the upload and its parts, and releases the blobs of parts not used. Empty when the upload is gone.
     */
    Optional<ObjectVersion> completeUpload(String uploadId, ObjectVersion v, Set<Integer> usedParts, Precondition precondition);

    boolean abortUpload(String uploadId);

    /** Uploads in (key, initiated) order after the (keyMarker, uploadIdMarker) position. */
    ListPage<Upload> uploads(String bucket, String prefix, String delimiter, String keyMarker, String uploadIdMarker, int maxUploads);

    boolean isLiveBlob(String blobId);

    @Override void close();
}

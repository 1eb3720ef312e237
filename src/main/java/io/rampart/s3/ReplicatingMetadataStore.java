package io.rampart.s3;

import io.rampart.storage.Bucket;
import io.rampart.storage.ListEntry;
import io.rampart.storage.ListPage;
import io.rampart.storage.MetadataStore;
import io.rampart.storage.ObjectMeta;
import io.rampart.storage.ObjectVersion;
import io.rampart.storage.Part;
import io.rampart.storage.Upload;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A {@link MetadataStore} that marks every new version its bucket's replication rules select as PENDING before it is
 * written, which makes the store queue it for replication in the same transaction. Writes through it: the S3 API and
 * restores. Not through it: lifecycle actions (AWS does not replicate lifecycle delete markers) and replicas themselves
 * (status REPLICA, never replicated again). Deletes of a specific version add nothing to the queue: they are never
 * replicated, so deleting versions at the source cannot reach the replica.
 */
public final class ReplicatingMetadataStore implements MetadataStore {
    /** Replication status of a version written by replication. */
    public static final String REPLICA = "REPLICA";

    /** Beyond this many buckets the cache of configurations starts over rather than grow without bound. */
    private static final int MAX_CACHED = 4_096;

    private final MetadataStore delegate;
    private final Runnable onEnqueued;
    private final long maxAgeNanos;

    /**
     * Each bucket's replication configuration as last read, so that a PUT does not read its bucket's row a second
     * time (2.5% of a PUT flood's samples). An entry serves while it is younger than {@link #maxAgeNanos} (another
     * node's change applies here within that bound, as the other cluster caches do) and while no bucket was changed
     * through this store since it was read ({@link #generation}): this node's PutBucketReplication applies to the next
     * PUT.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Cached> configurations =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Bumped after every bucket change through this store; an entry read before the last bump is not used. */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    private record Cached(Optional<ReplicationConfiguration> configuration, long generation, long readAt) {}

    /**
     * {@code onEnqueued} runs after a write that queued a replication (it wakes the worker); a bucket's configuration
     * is read again once it is {@code maxAge} old (what another process may have changed meanwhile applies then).
     */
    public ReplicatingMetadataStore(MetadataStore delegate, Runnable onEnqueued, java.time.Duration maxAge) {
        this.delegate = delegate;
        this.onEnqueued = onEnqueued;
        this.maxAgeNanos = maxAge.toNanos();
    }

    private ObjectVersion stamp(ObjectVersion v) {
        return stamp(v, configuration(v.bucket()));
    }

    private Optional<ReplicationConfiguration> configuration(String bucket) {
        // Taken before the read: a change committed while it runs makes the entry stale at once, and its age counts
        // from before the read.
        long gen = generation.get();
        long now = System.nanoTime();
        Cached c = configurations.get(bucket);
        if (c != null && c.generation() == gen && now - c.readAt() < maxAgeNanos) return c.configuration();
        // Most buckets have no replication: a glance at the stored document spares parsing it.
        Optional<ReplicationConfiguration> read = delegate.bucket(bucket)
                .filter(b -> b.config().contains("\"replication\""))
                .map(BucketSettings::of)
                .map(BucketSettings::replication);
        if (configurations.size() >= MAX_CACHED) configurations.clear();
        configurations.put(bucket, new Cached(read, gen, now));
        return read;
    }

    /** After a bucket changed through this store (committed, or perhaps committed when it failed). */
    private void bucketsChanged() {
        generation.incrementAndGet();
    }

    private static ObjectVersion stamp(ObjectVersion v, Optional<ReplicationConfiguration> configuration) {
        String current = v.meta().replicationStatus();
        if (REPLICA.equals(current)) return v;
        ReplicationConfiguration config = configuration.orElse(null);
        String status = config != null && !config.rulesFor(v).isEmpty() ? ObjectMeta.REPLICATION_PENDING : null;
        if (java.util.Objects.equals(status, current)) return v;
        return v.withMeta(v.meta().withReplicationStatus(status));
    }

    private static boolean pending(ObjectVersion v) {
        return ObjectMeta.REPLICATION_PENDING.equals(v.meta().replicationStatus());
    }

    @Override
    public ObjectVersion putObject(ObjectVersion v, Precondition precondition) {
        ObjectVersion stamped = stamp(v);
        ObjectVersion stored = delegate.putObject(stamped, precondition);
        if (pending(stamped)) onEnqueued.run();
        return stored;
    }

    @Override
    public Optional<ObjectVersion> copyObject(ObjectVersion v, CopySource source, Precondition precondition) {
        ObjectVersion stamped = stamp(v);
        Optional<ObjectVersion> stored = delegate.copyObject(stamped, source, precondition);
        if (stored.isPresent() && pending(stamped)) onEnqueued.run();
        return stored;
    }

    @Override
    public Optional<ObjectVersion> completeUpload(
            String uploadId, ObjectVersion v, Set<Integer> usedParts, Precondition precondition) {
        ObjectVersion stamped = stamp(v);
        Optional<ObjectVersion> stored = delegate.completeUpload(uploadId, stamped, usedParts, precondition);
        if (stored.isPresent() && pending(stamped)) onEnqueued.run();
        return stored;
    }

    @Override
    public List<PromotionOutcome> promote(List<Promotion> batch) {
        List<Promotion> stamped = new ArrayList<>(batch.size());
        boolean any = false;
        // A batch is one bucket's keys: its configuration is read once, not per key.
        java.util.Map<String, Optional<ReplicationConfiguration>> configs = new java.util.HashMap<>();
        for (Promotion p : batch) {
            ObjectVersion v =
                    stamp(p.version(), configs.computeIfAbsent(p.version().bucket(), this::configuration));
            any |= pending(v);
            stamped.add(new Promotion(v, p.dataFromVersionId(), p.expectedLatestVersionId(), p.windowId()));
        }
        List<PromotionOutcome> out = delegate.promote(stamped);
        if (any) onEnqueued.run();
        return out;
    }

    // ---- everything else as the store does it ----

    @Override
    public Optional<Bucket> bucket(String name) {
        return delegate.bucket(name);
    }

    @Override
    public List<Bucket> buckets(String owner) {
        return delegate.buckets(owner);
    }

    @Override
    public Optional<Bucket> createBucket(Bucket bucket) {
        try {
            return delegate.createBucket(bucket);
        } finally {
            bucketsChanged();
        }
    }

    @Override
    public DeleteBucketResult deleteBucket(String name) {
        try {
            return delegate.deleteBucket(name);
        } finally {
            bucketsChanged();
        }
    }

    @Override
    public Optional<Bucket> updateBucketConfig(String name, UnaryOperator<String> change) {
        try {
            return delegate.updateBucketConfig(name, change);
        } finally {
            bucketsChanged();
        }
    }

    @Override
    public Optional<ObjectVersion> current(String bucket, String key) {
        return delegate.current(bucket, key);
    }

    @Override
    public ObjectRead read(String bucket, String key, String versionId) {
        return delegate.read(bucket, key, versionId);
    }

    @Override
    public Optional<ObjectVersion> version(String bucket, String key, String versionId) {
        return delegate.version(bucket, key, versionId);
    }

    @Override
    public Optional<ObjectVersion> deleteVersion(
            String bucket, String key, String versionId, Precondition precondition) {
        return delegate.deleteVersion(bucket, key, versionId, precondition);
    }

    @Override
    public ListPage<ListEntry> listVersions(
            String bucket, String prefix, String delimiter, String keyMarker, String versionIdMarker, int maxKeys) {
        return delegate.listVersions(bucket, prefix, delimiter, keyMarker, versionIdMarker, maxKeys);
    }

    @Override
    public Optional<ObjectVersion> deleteObject(String bucket, String key, Precondition precondition) {
        return delegate.deleteObject(bucket, key, precondition);
    }

    @Override
    public Optional<ObjectVersion> updateMeta(
            String bucket, String key, String versionId, UnaryOperator<ObjectMeta> change) {
        return delegate.updateMeta(bucket, key, versionId, change);
    }

    @Override
    public Optional<Bucket> setVersioning(String name, UnaryOperator<Bucket> change) {
        try {
            return delegate.setVersioning(name, change);
        } finally {
            bucketsChanged();
        }
    }

    @Override
    public ListPage<ListEntry> listObjects(String bucket, String prefix, String delimiter, String after, int maxKeys) {
        return delegate.listObjects(bucket, prefix, delimiter, after, maxKeys);
    }

    @Override
    public boolean hasObjects(String bucket) {
        return delegate.hasObjects(bucket);
    }

    @Override
    public void createUpload(Upload upload) {
        delegate.createUpload(upload);
    }

    @Override
    public Optional<Upload> upload(String uploadId) {
        return delegate.upload(uploadId);
    }

    @Override
    public boolean putPart(Part part) {
        return delegate.putPart(part);
    }

    @Override
    public ListPage<Part> parts(String uploadId, int afterPartNumber, int maxParts) {
        return delegate.parts(uploadId, afterPartNumber, maxParts);
    }

    @Override
    public List<Part> allParts(String uploadId) {
        return delegate.allParts(uploadId);
    }

    @Override
    public boolean abortUpload(String uploadId) {
        return delegate.abortUpload(uploadId);
    }

    @Override
    public ListPage<Upload> uploads(
            String bucket, String prefix, String delimiter, String keyMarker, String uploadIdMarker, int maxUploads) {
        return delegate.uploads(bucket, prefix, delimiter, keyMarker, uploadIdMarker, maxUploads);
    }

    @Override
    public boolean isLiveBlob(String blobId) {
        return delegate.isLiveBlob(blobId);
    }

    @Override
    public List<Bucket> bucketsAfter(String afterName, int limit) {
        return delegate.bucketsAfter(afterName, limit);
    }

    @Override
    public List<ObjectVersion> versionsAfter(String bucket, String afterKey, long beforeSeq, int limit) {
        return delegate.versionsAfter(bucket, afterKey, beforeSeq, limit);
    }

    @Override
    public List<Upload> uploadsInitiatedBefore(
            String bucket,
            long initiatedBefore,
            String afterKey,
            long afterInitiated,
            String afterUploadId,
            int limit) {
        return delegate.uploadsInitiatedBefore(bucket, initiatedBefore, afterKey, afterInitiated, afterUploadId, limit);
    }

    @Override
    public Optional<ObjectVersion> deleteSoleDeleteMarker(String bucket, String key, String versionId) {
        return delegate.deleteSoleDeleteMarker(bucket, key, versionId);
    }

    @Override
    public void close() {
        delegate.close();
    }
}

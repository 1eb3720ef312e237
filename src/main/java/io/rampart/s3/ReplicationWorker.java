package io.rampart.s3;

import io.rampart.crypto.MasterKey;
import io.rampart.s3.ReplicationConfiguration.Rule;
import io.rampart.storage.BlobStore;
import io.rampart.storage.Bucket;
import io.rampart.storage.MetadataStore;
import io.rampart.storage.MetadataStore.Precondition;
import io.rampart.storage.ObjectMeta;
import io.rampart.storage.ObjectVersion;
import io.rampart.storage.ReplicationQueue;
import io.rampart.storage.ReplicationQueue.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Replicates queued versions on one {@link PeriodicWorker} (on one node of a cluster, under a lease): reads each version's plaintext (SSE-S3 data is
 * decrypted here and encrypted again by the destination) and writes it, with its content headers, user metadata and
 * tags, to every destination its bucket's rules select: a bucket on this server (same version id, status REPLICA) or a
 * remote S3 endpoint from the operator's targets file (through the AWS SDK, with the operator's credentials). Versions
 * of one key replicate in the order they were written. Unreachable destinations and server errors are retried with
 * exponential back-off, for as long as it takes; the queue is durable, so a restart resumes where it stopped. What
 * cannot succeed (the destination is gone or refuses, an SSE-C object) ends with status FAILED.
 */
public final class ReplicationWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicationWorker.class);
    private static final int BATCH = 64;
    private static final long IDLE_WAIT_MILLIS = 30_000;
    public static final String COMPLETED = "COMPLETED";
    public static final String FAILED = "FAILED";

    /**
     * One replication outcome for one destination: {@code status} COMPLETED or FAILED (with a {@code reason}).
     * {@code destination} is the destination bucket's ARN (null when no rule applied any more).
     */
    public record Event(
            Instant time,
            String bucket,
            String key,
            String versionId,
            boolean deleteMarker,
            String destination,
            String status,
            String reason) {}

    /** A failure retrying cannot fix. */
    private static final class Permanent extends Exception {
        Permanent(String reason) {
            super(reason, null, false, false);
        }
    }

    private final MetadataStore meta;
    private final BlobStore blobs;
    private final Sse sse;
    private final ReplicationQueue queue;
    private final ReplicationOptions options;
    private final Clock clock;
    private final ReplicationMetrics metrics;
    private final Map<String, S3Client> clients = new ConcurrentHashMap<>();
    /**
     * Destinations that just failed with a transient error, until when: their other tasks wait without trying, so an
     * outage costs one attempt per back-off period, not one per queued version.
     */
    private final Map<String, Hold> held = new ConcurrentHashMap<>();

    /** A destination's consecutive transient failures and when it may be tried again. */
    private record Hold(long until, int failures) {}

    private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
    private final PeriodicWorker worker;

    /** {@code meta}: the plain store (replicas must not be stamped for replication again). */
    public ReplicationWorker(
            MetadataStore meta,
            BlobStore blobs,
            MasterKey masterKey,
            ReplicationQueue queue,
            ReplicationOptions options,
            Clock clock) {
        this.meta = meta;
        this.blobs = blobs;
        this.sse = new Sse(masterKey, false);
        this.queue = queue;
        this.options = options;
        this.clock = clock;
        this.metrics = new ReplicationMetrics(queue, clock);
        this.worker = PeriodicWorker.adaptive(
                "rampart-replication", "replication pass", Duration.ofMillis(IDLE_WAIT_MILLIS), this::pass);
        // Tasks a stopped run (or a dead node) had claimed are due again once this node has the work.
        worker.onAcquire(() -> queue.rows().releaseClaims(clock.millis()));
    }

    /**
     * Replicates only while this node holds the lease "rampart-replication" (several nodes on one database): one
     * node works through the queue; another takes over within about {@code length} after it dies.
     */
    public void leased(io.rampart.storage.Leases leases, Duration length) {
        worker.leased(leases, "rampart-replication", length);
    }

    /** Reads SSE-KMS sources through this key service (as S3 itself, no caller). */
    public void kms(io.rampart.kms.SseKms kms) {
        sse.kms(kms);
    }

    public ReplicationMetrics metrics() {
        return metrics;
    }

    /** Called for every outcome, on the worker's thread (the audit trail subscribes here). */
    public void addListener(Consumer<Event> listener) {
        listeners.add(listener);
    }

    public void start() {
        worker.start();
    }

    /** A write queued something: look at the queue now rather than at the next poll. */
    public void wake() {
        worker.wake();
    }

    @Override
    public void close() {
        worker.close();
        clients.values().forEach(S3Client::close);
        clients.clear();
    }

    /** One pass: the tasks due now; then at once again if there were some, else until the next is due. */
    private Duration pass() {
        if (runOnce() > 0) return Duration.ZERO;
        long now = clock.millis();
        return Duration.ofMillis(
                queue.nextAttempt().map(next -> Math.max(10, next - now)).orElse(IDLE_WAIT_MILLIS));
    }

    /** Runs the tasks due now, one after the other; returns how many it took up. */
    int runOnce() {
        List<Task> tasks = queue.due(clock.millis(), BATCH);
        for (Task t : tasks) {
            if (worker.closed()) break;
            // Another node took it first (or it is no longer due): it is theirs.
            if (!queue.claim(t, clock.millis())) continue;
            process(t);
        }
        return tasks.size();
    }

    private void process(Task t) {
        Optional<Bucket> source = meta.bucket(t.bucket());
        Optional<ObjectVersion> found =
                source.isEmpty() ? Optional.empty() : meta.version(t.bucket(), t.key(), t.versionId());
        if (found.isEmpty()) {
            // Deleted before it could be replicated (a version delete is never replicated): nothing left to copy.
            queue.finish(t, null);
            return;
        }
        ObjectVersion v = found.get();
        ReplicationConfiguration config = BucketSettings.of(source.get()).replication();
        List<Rule> rules = config == null ? List.of() : config.rulesFor(v);
        if (rules.isEmpty()) {
            fail(t, v, null, "no replication rule applies to this version any more");
            return;
        }
        if (!v.deleteMarker()
                && v.meta().encryption() != null
                && v.meta().encryption().customerKey()) {
            // The data key is sealed under a customer key the server never keeps: there is nothing it could replicate.
            metrics.sseCSkipped.incrementAndGet();
            fail(t, v, rules.get(0).destination().arn(), "objects encrypted with SSE-C are not replicated");
            return;
        }
        List<Event> done = new ArrayList<>();
        for (Rule r : rules) {
            String destination = r.destination().bucket();
            if (t.done().contains(destination)) continue;
            Hold hold = held.get(destination);
            if (hold != null && hold.until() > clock.millis()) {
                queue.deferUntil(t, hold.until());
                return;
            }
            try {
                Optional<ReplicationTargets.Target> remote = options.targets().forBucket(destination);
                if (remote.isPresent()) {
                    if (!remote.get().allows(source.get().owner())) {
                        throw new Permanent("replication target " + destination + " is reserved for another account");
                    }
                    replicateRemote(remote.get(), v, r);
                } else {
                    replicateLocal(source.get(), v, r);
                }
                held.remove(destination);
                if (rules.size() > 1) queue.markDone(t, destination);
                done.add(event(v, r.destination().arn(), COMPLETED, null));
            } catch (Permanent p) {
                fail(t, v, r.destination().arn(), p.getMessage());
                return;
            } catch (IOException | RuntimeException e) {
                retryLater(t, v, destination, e);
                return;
            }
        }
        queue.finish(t, COMPLETED);
        if (v.deleteMarker()) metrics.deleteMarkersReplicated.incrementAndGet();
        else metrics.replicated.incrementAndGet();
        done.forEach(this::publish);
    }

    private void fail(Task t, ObjectVersion v, String destinationArn, String reason) {
        log.warn("replication of {}/{} version {} failed: {}", v.bucket(), v.key(), v.versionId(), reason);
        queue.finish(t, FAILED);
        metrics.failed.incrementAndGet();
        publish(event(v, destinationArn, FAILED, reason));
    }

    private void retryLater(Task t, ObjectVersion v, String destination, Exception e) {
        long base = options.retryBase().toMillis();
        long max = options.retryMax().toMillis();
        Hold hold = held.get(destination);
        int failures = Math.max(t.attempts(), hold == null ? 0 : hold.failures());
        int shift = Math.min(failures, 30);
        long delay = Math.min(max, base << shift);
        if (delay <= 0) delay = max;
        String error = e.getClass().getSimpleName() + ": " + e.getMessage();
        long next = clock.millis() + delay;
        queue.retryLater(t, next, error.length() > 500 ? error.substring(0, 500) : error);
        held.put(destination, new Hold(next, failures + 1));
        metrics.retries.incrementAndGet();
        if (t.attempts() == 0 || Integer.bitCount(t.attempts()) == 1) {
            log.warn(
                    "replication of {}/{} version {} to {} failed (attempt {}), retrying in {} ms: {}",
                    v.bucket(),
                    v.key(),
                    v.versionId(),
                    destination,
                    t.attempts() + 1,
                    delay,
                    error);
        }
    }

    private Event event(ObjectVersion v, String destinationArn, String status, String reason) {
        return new Event(
                clock.instant(), v.bucket(), v.key(), v.versionId(), v.deleteMarker(), destinationArn, status, reason);
    }

    private void publish(Event e) {
        for (Consumer<Event> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                log.warn("replication listener failed: {}", ex.toString());
            }
        }
    }

    // ---- a bucket on this server ----

    private void replicateLocal(Bucket source, ObjectVersion v, Rule r) throws Permanent, IOException {
        String name = r.destination().bucket();
        Bucket dest = meta.bucket(name)
                .filter(b -> b.owner().equals(source.owner()))
                .orElseThrow(() -> new Permanent("destination bucket " + name + " does not exist"));
        if (!"Enabled".equals(dest.versioning()))
            throw new Permanent("destination bucket " + name + " is not versioned");
        // Already there: the previous attempt wrote it, then stopped before recording so.
        if (meta.version(name, v.key(), v.versionId()).isPresent()) return;
        if (v.deleteMarker()) {
            ObjectMeta markerMeta = ObjectMeta.builder()
                    .replicationStatus(ReplicatingMetadataStore.REPLICA)
                    .build();
            meta.putObject(
                    new ObjectVersion(
                            name,
                            v.key(),
                            v.versionId(),
                            0,
                            true,
                            true,
                            0,
                            "",
                            v.lastModified(),
                            markerMeta,
                            List.of(),
                            null,
                            v.writerArn(),
                            v.writerKeyId()),
                    Precondition.NONE);
            return;
        }
        // S3 itself reads the source (an SSE-KMS source's key must be usable); the replica is SSE-S3.
        byte[] sourceKey = sse.open(v.meta().encryption(), Optional.empty(), null);
        Sse.DataKey replicaKey = sse.newDataKey(Optional.empty());
        StoredData data;
        try (InputStream in = plaintext(v, sourceKey)) {
            data = StoredData.store(blobs, in, v.size(), true, replicaKey.key());
        }
        try {
            ObjectMeta m = v.meta();
            String storageClass =
                    r.destination().storageClass() != null ? r.destination().storageClass() : m.storageClass();
            ObjectMeta replicaMeta = ObjectMeta.builder()
                    .contentHeaders(m.contentHeaders())
                    .userMetadata(m.userMetadata())
                    .checksums(m.checksums())
                    .checksumType(m.checksumType())
                    .partSizes(m.partSizes())
                    .tags(m.tags())
                    .storageClass(storageClass)
                    .encryption(replicaKey.envelope())
                    .lock(dest.objectLock() ? m.lock() : null)
                    .replicationStatus(ReplicatingMetadataStore.REPLICA)
                    .build();
            meta.putObject(
                    new ObjectVersion(
                            name,
                            v.key(),
                            v.versionId(),
                            0,
                            true,
                            false,
                            data.size(),
                            v.etag(),
                            v.lastModified(),
                            replicaMeta,
                            data.segments(),
                            data.inline(),
                            v.writerArn(),
                            v.writerKeyId()),
                    Precondition.NONE);
        } catch (RuntimeException e) {
            data.discardAfter(blobs, e);
            throw e;
        }
    }

    private InputStream plaintext(ObjectVersion v, byte[] dataKey) throws IOException {
        return v.size() == 0 ? InputStream.nullInputStream() : ObjectBytes.open(blobs, v, dataKey, 0, v.size() - 1);
    }

    // ---- a bucket on another S3 endpoint ----

    private void replicateRemote(ReplicationTargets.Target target, ObjectVersion v, Rule r) throws Permanent {
        S3Client s3 = clients.computeIfAbsent(target.bucket(), b -> client(target));
        try {
            if (v.deleteMarker()) {
                // A delete without a version id: the destination adds its own delete marker, as S3 replication does.
                s3.deleteObject(d -> d.bucket(target.bucket()).key(v.key()));
                return;
            }
            byte[] dataKey = sse.open(v.meta().encryption(), Optional.empty(), null);
            ObjectMeta m = v.meta();
            Map<String, String> h = m.contentHeaders();
            PutObjectRequest.Builder req = PutObjectRequest.builder()
                    .bucket(target.bucket())
                    .key(v.key())
                    .metadata(m.userMetadata())
                    .contentType(h.get("Content-Type"))
                    .contentEncoding(h.get("Content-Encoding"))
                    .contentDisposition(h.get("Content-Disposition"))
                    .contentLanguage(h.get("Content-Language"))
                    .cacheControl(h.get("Cache-Control"));
            if (!m.tags().isEmpty()) {
                req.tagging(software.amazon.awssdk.services.s3.model.Tagging.builder()
                        .tagSet(m.tags().entrySet().stream()
                                .map(e -> software.amazon.awssdk.services.s3.model.Tag.builder()
                                        .key(e.getKey())
                                        .value(e.getValue())
                                        .build())
                                .toList())
                        .build());
            }
            String storageClass = r.destination().storageClass() != null
                    ? r.destination().storageClass()
                    : "STANDARD".equals(m.storageClass()) ? null : m.storageClass();
            if (storageClass != null) req.storageClass(storageClass);
            s3.putObject(
                    req.build(),
                    RequestBody.fromContentProvider(
                            () -> {
                                try {
                                    return plaintext(v, dataKey);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            },
                            v.size(),
                            h.getOrDefault("Content-Type", "binary/octet-stream")));
        } catch (AwsServiceException e) {
            int status = e.statusCode();
            if (status >= 500 || status == 429 || status == 408) throw e;
            throw new Permanent(target.endpoint() + " refused the replica: " + status + " "
                    + (e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode()));
        }
        // SdkClientException (unreachable, timed out) propagates: retried later.
    }

    private static S3Client client(ReplicationTargets.Target t) {
        return S3Client.builder()
                .endpointOverride(t.endpoint())
                .region(Region.of(t.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(t.accessKeyId(), t.secretAccessKey())))
                .forcePathStyle(t.pathStyle())
                // The worker's own back-off retries, across restarts: the SDK must not hold the queue with its own.
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .build();
    }
}

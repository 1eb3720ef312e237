package io.rampart.recovery;

import io.rampart.audit.TrailLayout;
import io.rampart.iam.Principal;
import io.rampart.s3.DefaultRetention;
import io.rampart.s3.S3ErrorCode;
import io.rampart.s3.S3Exception;
import io.rampart.storage.Bucket;
import io.rampart.storage.MetadataStore;
import io.rampart.storage.ObjectMeta;
import io.rampart.storage.ObjectVersion;
import io.rampart.storage.RecoveryWindow;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Point-in-time restore and undo-by-identity over one bucket or prefix. Plans each key from its versions' writers and
 * times, then promotes the chosen version server-side: a new latest version sharing the target's stored data and
 * encryption envelope, so nothing is decrypted or copied and SSE-C versions restore too. Keys whose latest version
 * already has the target's content are ALREADY_CURRENT, which makes a re-run after an interruption finish the job
 * without adding versions.
 */
public final class Restore {
    /** Versions read per index range scan. */
    static final int SCAN_BATCH = 2_000;
    /** Keys planned before their writes go to the store together, in one transaction. */
    static final int APPLY_BATCH = 1_024;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger log = LoggerFactory.getLogger(Restore.class);

    /** What the bucket should look like afterwards. */
    public sealed interface Mode permits ToTime, Undo, Deleted {}

    /**
     * Bring back what was deleted since {@code since}: keys whose current version is a delete marker written since then,
     * or that have no current version and a version the recovery window took since then, each get their newest version
     * back. Keys that have a current version are left alone.
     */
    public record Deleted(Instant since) implements Mode {
        public Deleted {
            Objects.requireNonNull(since, "since");
        }
    }

    /** Every key as it was at {@code time}: the newest version written at or before it (a delete marker or none: absent). */
    public record ToTime(Instant time) implements Mode {
        public ToTime {
            Objects.requireNonNull(time, "time");
        }
    }

    /**
     * Undo what one identity wrote since {@code since}: only keys with such a version, each back to its newest version
     * not written by that identity since then (later writes by others stay current). Exactly one of
     * {@code principalArn} and {@code accessKeyId} is set.
     */
    public record Undo(String principalArn, String accessKeyId, Instant since) implements Mode {
        public Undo {
            Objects.requireNonNull(since, "since");
            if ((principalArn == null) == (accessKeyId == null)) {
                throw new IllegalArgumentException("undo names exactly one of a principal ARN and an access key id");
            }
        }

        boolean wrote(ObjectVersion v) {
            if (v.lastModified() < since.toEpochMilli()) return false;
            return principalArn != null ? principalArn.equals(v.writerArn()) : accessKeyId.equals(v.writerKeyId());
        }

        /** Whether this identity removed the held version from view (overwrote or deleted it) since {@code since}. */
        boolean removed(RecoveryWindow.Entry e) {
            if (e.removedAt() < since.toEpochMilli()) return false;
            return principalArn != null ? principalArn.equals(e.removedByArn()) : accessKeyId.equals(e.removedByKey());
        }
    }

    /** A restore of {@code bucket} (keys under {@code prefix}); {@code removeNew} deletes keys absent at the target. */
    public record Request(String bucket, String prefix, Mode mode, boolean removeNew, boolean apply) {
        public Request {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(mode, "mode");
            prefix = prefix == null ? "" : prefix;
        }
    }

    public enum Action {
        /** The target version is promoted to latest. */
        RESTORE,
        /** The key did not exist at the target: a delete marker hides it (only with removeNew). */
        REMOVE_NEW,
        /** The key did not exist at the target and is left alone (without removeNew). */
        SKIP_NEW,
        /** The latest version already has the target's content (or the key is already absent). */
        ALREADY_CURRENT,
        /**
         * Object Lock keeps the key from being restored. Restore only adds versions, which Object Lock never forbids,
         * so this stays 0 today; it is kept so reports and clients have a stable shape when removal is added.
         */
        SKIPPED_LOCKED,
        /** Planned, but its write failed (e.g. the key changed after it was planned). */
        FAILED
    }

    /**
     * One key's plan or outcome. {@code currentVersionId} is the latest version when planned, {@code targetVersionId}
     * the version whose content the key gets back (null when the key should be absent), {@code newVersionId} the
     * version (or delete marker) the restore wrote.
     */
    public record KeyResult(
            String key,
            Action action,
            String currentVersionId,
            String targetVersionId,
            String newVersionId,
            String error) {}

    /** Totals. {@code keysScanned}: every key under the prefix; {@code keysPlanned}: those with an action. */
    public record Summary(
            String bucket,
            String prefix,
            boolean applied,
            long keysScanned,
            long keysPlanned,
            Map<Action, Long> counts,
            long millis) {
        public long count(Action a) {
            return counts.getOrDefault(a, 0L);
        }
    }

    /** Receives results in key order, one chunk at a time, after the chunk's writes are durable. */
    @FunctionalInterface
    public interface Listener {
        void results(List<KeyResult> chunk);
    }

    private final MetadataStore meta;
    private final Clock clock;
    private final TrailLayout trail;
    private final RecoveryWindow window;

    public Restore(MetadataStore meta, Clock clock) {
        this(meta, clock, null);
    }

    /** With the audit trail to cross-check undo-by-identity plans against ({@link TrailCrossCheck}). */
    public Restore(MetadataStore meta, Clock clock, TrailLayout trail) {
        this(meta, clock, trail, null);
    }

    /** Drawing on what the recovery window holds too (null: on the versions alone). */
    public Restore(MetadataStore meta, Clock clock, TrailLayout trail, RecoveryWindow window) {
        this.meta = meta;
        this.clock = clock;
        this.trail = trail;
        this.window = window;
    }

    /** The trail's view of an undo plan, when the request undoes an identity and this server keeps a trail. */
    public Optional<TrailCrossCheck.Result> crossCheck(Request r, java.util.Set<String> plannedKeys) {
        if (trail == null || !(r.mode() instanceof Undo undo)) return Optional.empty();
        try {
            return Optional.of(TrailCrossCheck.check(trail, r, undo, plannedKeys));
        } catch (java.io.IOException e) {
            log.warn("could not read the audit trail to cross-check the restore of {}: {}", r.bucket(), e.toString());
            return Optional.empty();
        }
    }

    /**
     * Plans (and with {@code apply}, executes) the restore, calling {@code listener} for each chunk of keys. The new
     * versions name {@code writer} as their writer: in a bucket whose versioning is Enabled they are new versions, in
     * an unversioned or suspended one they replace the "null" version (which the recovery window then keeps). Throws
     * S3Exception NoSuchBucket.
     */
    public Summary run(Request r, Principal writer, Listener listener) {
        long started = System.nanoTime();
        Bucket bucket = meta.bucket(r.bucket())
                .orElseThrow(() -> new S3Exception(S3ErrorCode.NO_SUCH_BUCKET).with("BucketName", r.bucket()));
        Map<Action, Long> counts = new EnumMap<>(Action.class);
        for (Action a : Action.values()) counts.put(a, 0L);
        long scanned = 0;
        long planned = 0;
        List<Planned> pending = new ArrayList<>();
        KeyScan scan = new KeyScan(r, bucket.created());
        // While one chunk is written (and reported), the next is scanned and planned: at most one chunk in flight, so
        // memory stays bounded and the listener sees chunks in key order.
        try (ExecutorService chunkWriter = Executors.newSingleThreadExecutor(
                Thread.ofVirtual().name("restore-apply").factory())) {
            Future<?> inFlight = null;
            boolean more = true;
            while (more) {
                KeyScan.Key k = scan.next();
                more = k != null;
                if (k != null) {
                    scanned++;
                    Planned p = plan(r, k.key(), k.versions(), k.held());
                    if (p != null) pending.add(p);
                }
                if (pending.size() >= APPLY_BATCH || (!more && !pending.isEmpty())) {
                    planned += pending.size();
                    List<Planned> chunk = pending;
                    pending = new ArrayList<>();
                    await(inFlight);
                    inFlight = chunkWriter.submit(() -> {
                        List<KeyResult> done = r.apply() ? apply(bucket, chunk, writer) : dryRun(chunk);
                        for (KeyResult kr : done) counts.merge(kr.action(), 1L, Long::sum);
                        listener.results(Collections.unmodifiableList(done));
                    });
                }
            }
            await(inFlight);
        }
        return new Summary(
                r.bucket(), r.prefix(), r.apply(), scanned, planned, counts, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * The keys under a prefix in key order, each with its versions (newest first) and what the recovery window holds of
     * it: two batched index range scans merged, never a whole bucket in memory.
     */
    private final class KeyScan {
        record Key(String key, List<ObjectVersion> versions, List<RecoveryWindow.Entry> held) {}

        private final String bucket;
        private final String prefix;
        private final java.util.ArrayDeque<ObjectVersion> live = new java.util.ArrayDeque<>();
        private final java.util.ArrayDeque<RecoveryWindow.Entry> kept = new java.util.ArrayDeque<>();
        private String liveAfterKey;
        private long liveBeforeSeq = Long.MAX_VALUE;
        private boolean liveDone;
        private String keptAfterKey;
        private long keptAfterId;
        private boolean keptDone;

        private final Mode mode;
        private final long bucketCreated;

        KeyScan(Request r, long bucketCreated) {
            this.bucket = r.bucket();
            this.prefix = r.prefix();
            this.mode = r.mode();
            this.bucketCreated = bucketCreated;
            this.liveAfterKey = prefix;
            this.keptAfterKey = prefix;
            this.keptDone = window == null;
        }

        private ObjectVersion peekLive() {
            if (live.isEmpty() && !liveDone) {
                List<ObjectVersion> batch = meta.versionsAfter(bucket, liveAfterKey, liveBeforeSeq, SCAN_BATCH);
                for (ObjectVersion v : batch) {
                    // Keys under the prefix are contiguous from the prefix on: the first key outside it ends the scan.
                    if (!v.key().startsWith(prefix)) {
                        liveDone = true;
                        break;
                    }
                    live.add(v);
                    liveAfterKey = v.key();
                    liveBeforeSeq = v.seq();
                }
                if (batch.size() < SCAN_BATCH) liveDone = true;
            }
            return live.peek();
        }

        private RecoveryWindow.Entry peekKept() {
            if (kept.isEmpty() && !keptDone) {
                // (key, id) > (prefix, 0) starts at the prefix itself: ids start at 1.
                List<RecoveryWindow.Entry> batch = window.after(bucket, keptAfterKey, keptAfterId, SCAN_BATCH);
                for (RecoveryWindow.Entry e : batch) {
                    if (!e.version().key().startsWith(prefix)) {
                        keptDone = true;
                        break;
                    }
                    kept.add(e);
                    keptAfterKey = e.version().key();
                    keptAfterId = e.id();
                }
                if (batch.size() < SCAN_BATCH) keptDone = true;
            }
            return kept.peek();
        }

        /** The next key, or null at the end. */
        Key next() {
            ObjectVersion l = peekLive();
            RecoveryWindow.Entry h = peekKept();
            if (l == null && h == null) return null;
            String key = l == null
                    ? h.version().key()
                    : h == null
                            ? l.key()
                            : l.key().compareTo(h.version().key()) <= 0
                                    ? l.key()
                                    : h.version().key();
            List<ObjectVersion> versions = new ArrayList<>();
            while ((l = peekLive()) != null && l.key().equals(key)) versions.add(live.poll());
            List<RecoveryWindow.Entry> held = new ArrayList<>();
            // A key overwritten all day can have thousands of held versions: only two matter to the plan, the newest
            // the mode may bring back and one showing the key was touched. Versions removed before the bucket was
            // (re)created belong to an earlier bucket of that name, maybe another account's: never brought back.
            RecoveryWindow.Entry best = null;
            RecoveryWindow.Entry touch = null;
            while ((h = peekKept()) != null && h.version().key().equals(key)) {
                RecoveryWindow.Entry e = kept.poll();
                if (e.removedAt() < bucketCreated) continue;
                if (touch == null && touches(mode, e)) touch = e;
                if (candidate(mode, e)
                        && (best == null
                                || e.version().lastModified() >= best.version().lastModified())) best = e;
            }
            if (best != null) held.add(best);
            if (touch != null && !touch.equals(best)) held.add(touch);
            return new Key(key, versions, held);
        }
    }

    /** Waits for the chunk in flight; its failure (a listener's or the store's) is the restore's. */
    private static void await(Future<?> f) {
        if (f == null) return;
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("restore interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * One key's decision: the latest version (null when the key has none) and the one to promote (null: the key should
     * be absent), which the recovery window holds when {@code windowId} is above 0.
     */
    private record Planned(String key, Action action, ObjectVersion current, ObjectVersion target, long windowId) {}

    /** Whether a held version shows that the mode's subject touched its key (undo: the identity removed it). */
    private static boolean touches(Mode mode, RecoveryWindow.Entry e) {
        return switch (mode) {
            case ToTime t -> false;
            case Undo u -> u.removed(e);
            case Deleted d -> e.removedAt() >= d.since().toEpochMilli();
        };
    }

    /** Whether the mode may bring a held version back. */
    private static boolean candidate(Mode mode, RecoveryWindow.Entry e) {
        return switch (mode) {
            case ToTime t ->
                e.version().lastModified() <= t.time().toEpochMilli()
                        && e.removedAt() > t.time().toEpochMilli();
            case Undo u -> u.removed(e) && !u.wrote(e.version());
            case Deleted d -> e.removedAt() >= d.since().toEpochMilli();
        };
    }

    /** A version restore may bring back: live ({@code windowId} 0) or held by the recovery window. */
    private record Candidate(ObjectVersion v, long windowId) {}

    /**
     * Decides one key from its versions (newest first) and what the recovery window holds of it; null when the mode
     * leaves the key out of the plan.
     */
    private Planned plan(Request r, String key, List<ObjectVersion> versions, List<RecoveryWindow.Entry> held) {
        ObjectVersion current = versions.isEmpty() ? null : versions.get(0);
        List<ObjectVersion> live = new ArrayList<>();
        switch (r.mode()) {
            case ToTime t -> {
                long at = t.time().toEpochMilli();
                for (ObjectVersion v : versions) if (v.lastModified() <= at) live.add(v);
            }
            case Undo u -> {
                if (versions.stream().noneMatch(u::wrote) && held.stream().noneMatch(u::removed)) return null;
                for (ObjectVersion v : versions) if (!u.wrote(v)) live.add(v);
            }
            case Deleted d -> {
                long since = d.since().toEpochMilli();
                if (current != null && !current.deleteMarker()) return null;
                boolean deleted = (current != null && current.lastModified() >= since)
                        || held.stream().anyMatch(e -> e.removedAt() >= since);
                if (!deleted) return null;
                for (ObjectVersion v : versions) if (!v.deleteMarker()) live.add(v);
            }
        }
        List<RecoveryWindow.Entry> kept = new ArrayList<>();
        // Held versions that existed at T (to-time), that the identity overwrote or deleted (undo: what others removed,
        // lifecycle or a restore, stays), or deleted since (deleted).
        for (RecoveryWindow.Entry e : held) if (candidate(r.mode(), e)) kept.add(e);
        // The newest candidate: the first live one in version order, unless the window holds one written later.
        Candidate target = live.isEmpty() ? null : new Candidate(live.get(0), 0);
        for (RecoveryWindow.Entry e : kept) {
            if (target == null
                    || e.version().lastModified() > target.v().lastModified()
                    || (target.windowId() > 0
                            && e.version().lastModified() == target.v().lastModified())) {
                target = new Candidate(e.version(), e.id());
            }
        }
        if (target == null || target.v().deleteMarker()) {
            if (current == null || current.deleteMarker())
                return new Planned(key, Action.ALREADY_CURRENT, current, null, 0);
            return new Planned(key, r.removeNew() ? Action.REMOVE_NEW : Action.SKIP_NEW, current, null, 0);
        }
        if (current != null && sameContent(r.bucket(), current, target)) {
            return new Planned(key, Action.ALREADY_CURRENT, current, target.v(), target.windowId());
        }
        return new Planned(key, Action.RESTORE, current, target.v(), target.windowId());
    }

    /**
     * Whether {@code current} already is (a promotion of) {@code target}: the same stored data under the same
     * encryption envelope, with the same ETag, size, content headers, user metadata and tags. The envelope matters: an
     * in-place SSE-C copy shares the original's blobs but seals the data key anew.
     */
    private boolean sameContent(String bucket, ObjectVersion current, Candidate candidate) {
        ObjectVersion target = candidate.v();
        if (candidate.windowId() == 0 && current.versionId().equals(target.versionId())) return true;
        if (current.deleteMarker() || target.deleteMarker()) return false;
        ObjectMeta a = current.meta();
        ObjectMeta b = target.meta();
        boolean same = current.size() == target.size()
                && current.etag().equals(target.etag())
                && current.segments().equals(target.segments())
                && Objects.equals(a.encryption(), b.encryption())
                && a.contentHeaders().equals(b.contentHeaders())
                && a.userMetadata().equals(b.userMetadata())
                && a.tags().equals(b.tags());
        if (!same || !current.segments().isEmpty() || a.encryption() != null) return same;
        // Unencrypted inline data: the listing carries no bytes, so compare them.
        byte[] x = meta.version(bucket, current.key(), current.versionId())
                .map(ObjectVersion::inline)
                .orElse(null);
        byte[] y = candidate.windowId() > 0
                ? window.entry(candidate.windowId())
                        .map(e -> e.version().inline())
                        .orElse(null)
                : meta.version(bucket, target.key(), target.versionId())
                        .map(ObjectVersion::inline)
                        .orElse(null);
        return Arrays.equals(x, y);
    }

    private static List<KeyResult> dryRun(List<Planned> pending) {
        List<KeyResult> out = new ArrayList<>(pending.size());
        for (Planned p : pending) out.add(result(p, null, null));
        return out;
    }

    private static KeyResult result(Planned p, String newVersionId, String error) {
        return new KeyResult(
                p.key(),
                error == null ? p.action() : Action.FAILED,
                p.current() == null ? null : p.current().versionId(),
                p.target() == null ? null : p.target().versionId(),
                newVersionId,
                error);
    }

    /**
     * Writes the chunk's promotions and delete markers in one transaction: one commit for up to {@link #APPLY_BATCH}
     * keys, each checked inside it against the latest version it was planned from.
     */
    private List<KeyResult> apply(Bucket bucket, List<Planned> pending, Principal writer) {
        long now = clock.millis();
        // Object Lock as any new write would get it (restoring does not carry the old version's retention over).
        ObjectMeta.LockState lock = DefaultRetention.forNewVersion(bucket, now);
        List<MetadataStore.Promotion> writes = new ArrayList<>();
        List<Planned> written = new ArrayList<>();
        // Versioning Enabled: new versions; unversioned or suspended: the "null" version is replaced (and kept).
        boolean versioned = "Enabled".equals(bucket.versioning());
        for (Planned p : pending) {
            String expected = p.current() == null ? null : p.current().versionId();
            if (p.action() == Action.REMOVE_NEW) {
                ObjectVersion marker = new ObjectVersion(
                        bucket.name(),
                        p.key(),
                        versioned ? newVersionId() : "null",
                        0,
                        true,
                        true,
                        0,
                        "",
                        now,
                        ObjectMeta.empty(),
                        List.of(),
                        null,
                        writer.arn(),
                        writer.accessKeyId());
                writes.add(new MetadataStore.Promotion(marker, null, expected));
                written.add(p);
            } else if (p.action() == Action.RESTORE) {
                ObjectVersion t = p.target();
                // The same data (shared blobs or the row's inline bytes), envelope, headers, metadata and tags.
                ObjectVersion v = new ObjectVersion(
                        bucket.name(),
                        p.key(),
                        versioned ? newVersionId() : "null",
                        0,
                        true,
                        false,
                        t.size(),
                        t.etag(),
                        now,
                        t.meta().withLock(lock),
                        t.segments(),
                        null,
                        writer.arn(),
                        writer.accessKeyId());
                writes.add(new MetadataStore.Promotion(
                        v, p.windowId() > 0 ? null : t.versionId(), expected, p.windowId()));
                written.add(p);
            }
        }
        // By identity: two planned writes may be equal as values and still have an outcome each.
        @SuppressWarnings("IdentityHashMapUsage")
        java.util.Map<Planned, KeyResult> outcomes = new java.util.IdentityHashMap<>();
        try {
            List<MetadataStore.PromotionOutcome> results = meta.promote(writes);
            for (int i = 0; i < written.size(); i++) {
                Planned p = written.get(i);
                outcomes.put(
                        p,
                        switch (results.get(i)) {
                            case WRITTEN -> result(p, writes.get(i).version().versionId(), null);
                            case CHANGED ->
                                result(
                                        p,
                                        null,
                                        "the key changed after it was planned (a concurrent write); run the restore again");
                            case SOURCE_GONE ->
                                result(p, null, "version " + p.target().versionId() + " no longer exists");
                        });
            }
        } catch (RuntimeException e) {
            log.error("restore of {} keys in bucket {} failed", written.size(), bucket.name(), e);
            for (Planned p : written) outcomes.put(p, result(p, null, "write failed: " + e));
        }
        List<KeyResult> out = new ArrayList<>(pending.size());
        for (Planned p : pending) out.add(outcomes.getOrDefault(p, result(p, null, null)));
        return out;
    }

    /** A version id in S3's shape (32 URL-safe characters), as the S3 service mints them. */
    private static String newVersionId() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}

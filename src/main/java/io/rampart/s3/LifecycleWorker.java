package io.rampart.s3;

import io.rampart.s3.LifecycleConfiguration.Rule;
import io.rampart.storage.Bucket;
import io.rampart.storage.MetadataStore;
import io.rampart.storage.MetadataStore.Precondition;
import io.rampart.storage.ObjectMeta;
import io.rampart.storage.ObjectVersion;
import io.rampart.storage.Upload;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the enabled lifecycle rules of every bucket, periodically, on one background thread: expires current
 * versions (deletes them in unversioned buckets, adds a delete marker in versioned ones, as S3 does), removes expired
 * object delete markers, expires noncurrent versions beyond NewerNoncurrentVersions, aborts stale multipart uploads.
 * It never removes a version Object Lock protects. Buckets, versions and uploads are read by index range scans in
 * batches; every change is a transaction that re-checks what the scan saw, so a concurrent write wins.
 * A lifecycle "day" is {@code day} long (a real day unless a test shortens it); due times are rounded up to the next
 * day boundary, as S3 rounds to the next midnight UTC.
 */
public final class LifecycleWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LifecycleWorker.class);
    private static final int BATCH = 500;
    private static final int RECENT = 1000;
    /** Writer recorded on delete markers the worker creates: the service, not a user, made them. */
    public static final String LIFECYCLE_PRINCIPAL = "s3.amazonaws.com";

    /** What the worker did, with the operation name S3's server access log gives lifecycle actions. */
    public enum Action {
        EXPIRE_OBJECT("S3.EXPIRE.OBJECT"),
        CREATE_DELETE_MARKER("S3.CREATE.DELETEMARKER"),
        EXPIRE_NONCURRENT_VERSION("S3.EXPIRE.OBJECT"),
        EXPIRE_DELETE_MARKER("S3.EXPIRE.OBJECT"),
        ABORT_MULTIPART_UPLOAD("S3.DELETE.UPLOAD");

        private final String accessLogOperation;

        Action(String op) {
            this.accessLogOperation = op;
        }

        public String accessLogOperation() {
            return accessLogOperation;
        }
    }

    /** One action: {@code versionId} is the version removed or the marker created, or the upload id for an abort. */
    public record Event(Instant time, String bucket, String key, String versionId, String ruleId, Action action) {}

    private final MetadataStore meta;
    private final Clock clock;
    private final long dayMillis;
    private final ArrayDeque<Event> recent = new ArrayDeque<>();
    private final Map<Action, AtomicLong> counts = new EnumMap<>(Action.class);
    private final AtomicLong skippedLocked = new AtomicLong();
    private final AtomicLong runs = new AtomicLong();
    private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
    private final PeriodicWorker worker;

    public LifecycleWorker(MetadataStore meta, Clock clock, Duration day, Duration interval) {
        if (day.toMillis() <= 0 || interval.toMillis() <= 0)
            throw new IllegalArgumentException("day and interval must be positive");
        this.meta = meta;
        this.clock = clock;
        this.dayMillis = day.toMillis();
        for (Action a : Action.values()) counts.put(a, new AtomicLong());
        // A first pass soon after start-up (at most a minute), then one every interval: at most a quarter of a
        // lifecycle
        // day, so that a shortened day (tests, drills) is honoured within one day whatever the configured interval.
        Duration every = passInterval(day, interval);
        this.worker = new PeriodicWorker(
                "rampart-lifecycle",
                "lifecycle pass",
                Duration.ofMillis(
                        Math.min(every.toMillis(), Duration.ofMinutes(1).toMillis())),
                every,
                this::runOnce);
    }

    /** The time between passes: the configured interval, or a quarter of the lifecycle day if that is shorter. */
    public static Duration passInterval(Duration day, Duration interval) {
        long quarter = Math.max(1, day.toMillis() / 4);
        return Duration.ofMillis(Math.min(interval.toMillis(), quarter));
    }

    /** Starts the background thread: a first pass soon after start-up (at most a minute), then one every interval. */
    public void start() {
        worker.start();
    }

    /** Runs passes only while this node holds the "rampart-lifecycle" lease (several nodes on one database). */
    public void leased(io.rampart.storage.Leases leases) {
        worker.leased(leases);
    }

    /** Stops the thread, letting a pass in progress stop at its next batch. */
    @Override
    public void close() {
        worker.close();
    }

    /** Called for every action, on the worker's thread (the audit trail will subscribe here). */
    public void addListener(Consumer<Event> listener) {
        listeners.add(listener);
    }

    /** The most recent actions (up to 1000), oldest first. */
    public List<Event> recentEvents() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    public long count(Action a) {
        return counts.get(a).get();
    }

    /** Versions an expiry rule would have removed had Object Lock not protected them. */
    public long skippedLocked() {
        return skippedLocked.get();
    }

    /** Completed passes. */
    public long runs() {
        return runs.get();
    }

    /** One pass over every bucket that has enabled rules, now. */
    public void runOnce() {
        // What a pass removes is kept by the recovery window as the lifecycle service's expirations.
        try (io.rampart.storage.Removal.Scope removal = io.rampart.storage.Removal.open(
                new io.rampart.storage.Removal(LIFECYCLE_PRINCIPAL, null, "LifecycleExpiration"))) {
            pass();
        }
    }

    private void pass() {
        long now = clock.millis();
        String after = "";
        while (!worker.closed()) {
            List<Bucket> page = meta.bucketsAfter(after, 100);
            for (Bucket b : page) {
                if (worker.closed()) return;
                try {
                    apply(b, now);
                } catch (RuntimeException e) {
                    log.warn("lifecycle: bucket {} skipped this pass: {}", b.name(), e.toString(), e);
                }
            }
            if (page.size() < 100) break;
            after = page.get(page.size() - 1).name();
        }
        runs.incrementAndGet();
    }

    private void apply(Bucket b, long now) {
        LifecycleConfiguration config = BucketSettings.of(b).lifecycle();
        if (config == null || !config.hasEnabledRules()) return;
        List<Rule> rules = config.rules().stream().filter(Rule::enabled).toList();
        // Only rules with version actions need the (batched) scan of every version; abort-only rules read uploads.
        if (rules.stream().anyMatch(r -> r.expiration() != null || r.noncurrent() != null))
            applyToVersions(b, rules, now);
        applyToUploads(b, rules, now);
    }

    // ---- versions ----

    /** The scan's memory of the key it is in: the version just visited (the next one's successor) and counts. */
    private static final class KeyScan {
        final String key;
        ObjectVersion newer;
        ObjectVersion latestMarker;
        int seen;
        int removed;
        int noncurrentObjects;

        KeyScan(String key) {
            this.key = key;
        }
    }

    private void applyToVersions(Bucket b, List<Rule> rules, long now) {
        String afterKey = "";
        long beforeSeq = Long.MAX_VALUE;
        KeyScan scan = null;
        while (!worker.closed()) {
            List<ObjectVersion> batch = meta.versionsAfter(b.name(), afterKey, beforeSeq, BATCH);
            for (ObjectVersion v : batch) {
                if (scan == null || !scan.key.equals(v.key())) {
                    if (scan != null) finishKey(b, rules, scan, now);
                    scan = new KeyScan(v.key());
                }
                visit(b, rules, scan, v, now);
                afterKey = v.key();
                beforeSeq = v.seq();
            }
            if (batch.size() < BATCH) break;
        }
        if (scan != null && !worker.closed()) finishKey(b, rules, scan, now);
    }

    private void visit(Bucket b, List<Rule> rules, KeyScan scan, ObjectVersion v, long now) {
        scan.seen++;
        if (v.latest()) {
            if (v.deleteMarker()) {
                scan.latestMarker = v;
            } else {
                expireCurrent(b, rules, v, now);
            }
        } else if (!v.deleteMarker() && scan.newer != null) {
            // Noncurrent since its successor was written; the newest noncurrent versions come first in this order.
            int newerNoncurrent = scan.noncurrentObjects++;
            long noncurrentSince = scan.newer.lastModified();
            for (Rule r : rules) {
                LifecycleConfiguration.NoncurrentExpiration n = r.noncurrent();
                if (n == null
                        || newerNoncurrent < n.keep()
                        || now < due(noncurrentSince, n.noncurrentDays())
                        || !r.filter().matches(v.key(), v.size(), v.meta().tags())) {
                    continue;
                }
                if (removeNoncurrent(b, v, r, now)) scan.removed++;
                break;
            }
        }
        scan.newer = v;
    }

    private void expireCurrent(Bucket b, List<Rule> rules, ObjectVersion v, long now) {
        for (Rule r : rules) {
            LifecycleConfiguration.Expiration e = r.expiration();
            if (e == null || !e.expiresCurrent()) continue;
            boolean dueNow = e.days() != null ? now >= due(v.lastModified(), e.days()) : now >= e.date();
            if (!dueNow || !r.filter().matches(v.key(), v.size(), v.meta().tags())) continue;
            Precondition stillCurrent = cur -> {
                if (cur.isEmpty() || cur.get().seq() != v.seq() || cur.get().deleteMarker()) throw new Changed();
            };
            try {
                if (b.versioning().isEmpty()) {
                    // Unversioned: the object goes, unless Object Lock holds it (not possible today without
                    // versioning).
                    Precondition unlocked = cur -> {
                        stillCurrent.check(cur);
                        ObjectLock.check(cur.get().meta().lock(), false, now);
                    };
                    if (meta.deleteObject(b.name(), v.key(), unlocked).isPresent()) {
                        record(b, v.key(), v.versionId(), r, Action.EXPIRE_OBJECT);
                    }
                } else {
                    // Versioned: a delete marker becomes current and the data stays as a noncurrent version, as on S3
                    // (also for a locked version: a delete marker removes nothing).
                    ObjectVersion marker = new ObjectVersion(
                            b.name(),
                            v.key(),
                            Versions.idForWrite(b),
                            0,
                            true,
                            true,
                            0,
                            "",
                            now,
                            ObjectMeta.empty(),
                            List.of(),
                            null,
                            LIFECYCLE_PRINCIPAL,
                            null);
                    ObjectVersion stored = meta.putObject(marker, stillCurrent);
                    record(b, v.key(), stored.versionId(), r, Action.CREATE_DELETE_MARKER);
                }
            } catch (Changed changed) {
                log.debug("lifecycle: {}/{} changed during the pass; left for the next one", b.name(), v.key());
            } catch (S3Exception locked) {
                skippedLocked.incrementAndGet();
                log.debug(
                        "lifecycle: {}/{} version {} is protected by Object Lock; kept",
                        b.name(),
                        v.key(),
                        v.versionId());
            }
            return;
        }
    }

    private boolean removeNoncurrent(Bucket b, ObjectVersion v, Rule r, long now) {
        try {
            var removed = meta.deleteVersion(b.name(), v.key(), v.versionId(), cur -> {
                if (cur.isEmpty() || cur.get().seq() != v.seq() || cur.get().latest()) throw new Changed();
                ObjectLock.check(cur.get().meta().lock(), false, now);
            });
            if (removed.isEmpty()) return false;
            record(b, v.key(), v.versionId(), r, Action.EXPIRE_NONCURRENT_VERSION);
            return true;
        } catch (Changed changed) {
            return false;
        } catch (S3Exception locked) {
            skippedLocked.incrementAndGet();
            log.debug(
                    "lifecycle: {}/{} version {} is protected by Object Lock; kept", b.name(), v.key(), v.versionId());
            return false;
        }
    }

    /**
     * A delete marker left as the only version of its key is an "expired object delete marker": removed at once by
     * ExpiredObjectDeleteMarker, and by an Expiration with Days (or Date) once the marker is old enough for it (S3).
     */
    private void finishKey(Bucket b, List<Rule> rules, KeyScan scan, long now) {
        ObjectVersion m = scan.latestMarker;
        if (m == null || scan.seen - scan.removed != 1) return;
        for (Rule r : rules) {
            LifecycleConfiguration.Expiration e = r.expiration();
            if (e == null || !r.filter().matchesWithoutObject(m.key())) continue;
            boolean expired = e.removesExpiredDeleteMarkers()
                    || (e.days() != null && now >= due(m.lastModified(), e.days()))
                    || (e.date() != null && now >= e.date());
            if (!expired) continue;
            if (meta.deleteSoleDeleteMarker(b.name(), m.key(), m.versionId()).isPresent()) {
                record(b, m.key(), m.versionId(), r, Action.EXPIRE_DELETE_MARKER);
            }
            return;
        }
    }

    // ---- multipart uploads ----

    private void applyToUploads(Bucket b, List<Rule> rules, long now) {
        int minDays = Integer.MAX_VALUE;
        for (Rule r : rules) {
            if (r.abortDaysAfterInitiation() != null) minDays = Math.min(minDays, r.abortDaysAfterInitiation());
        }
        if (minDays == Integer.MAX_VALUE) return;
        // Rounding up to a day boundary only delays: every upload due now was initiated before this bound.
        long initiatedBefore = now - minDays * dayMillis + 1;
        String afterKey = "";
        long afterInitiated = Long.MIN_VALUE;
        String afterId = "";
        while (!worker.closed()) {
            List<Upload> batch =
                    meta.uploadsInitiatedBefore(b.name(), initiatedBefore, afterKey, afterInitiated, afterId, BATCH);
            for (Upload u : batch) {
                for (Rule r : rules) {
                    Integer days = r.abortDaysAfterInitiation();
                    if (days == null
                            || now < due(u.initiated(), days)
                            || !r.filter().matchesWithoutObject(u.key())) continue;
                    if (meta.abortUpload(u.uploadId()))
                        record(b, u.key(), u.uploadId(), r, Action.ABORT_MULTIPART_UPLOAD);
                    break;
                }
                afterKey = u.key();
                afterInitiated = u.initiated();
                afterId = u.uploadId();
            }
            if (batch.size() < BATCH) break;
        }
    }

    // ---- time and records ----

    /** When something that started at {@code since} is {@code days} old: rounded up to the next day boundary. */
    long due(long since, int days) {
        return Math.ceilDiv(since + days * dayMillis, dayMillis) * dayMillis;
    }

    private void record(Bucket b, String key, String versionId, Rule r, Action action) {
        Event e = new Event(clock.instant(), b.name(), key, versionId, r.id(), action);
        counts.get(action).incrementAndGet();
        synchronized (recent) {
            if (recent.size() == RECENT) recent.removeFirst();
            recent.addLast(e);
        }
        log.info("lifecycle: {} bucket={} key={} versionId={} rule={}", action, b.name(), key, versionId, r.id());
        for (Consumer<Event> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                log.warn("lifecycle listener failed: {}", ex.toString(), ex);
            }
        }
    }

    /** What the scan saw changed before the transaction: leave it to the next pass. */
    private static final class Changed extends RuntimeException {
        Changed() {
            super(null, null, false, false);
        }
    }
}

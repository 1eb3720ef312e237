package io.rampart.s3;

import io.rampart.storage.ReplicationQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replication counters and gauges, for a metrics registry to read: versions waiting (lag in versions), the age of the
 * oldest waiting one (lag in time), and counts of what was replicated, what failed for good, and retried attempts.
 */
public final class ReplicationMetrics {
    final AtomicLong replicated = new AtomicLong();
    final AtomicLong deleteMarkersReplicated = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong sseCSkipped = new AtomicLong();
    private final ReplicationQueue queue;
    private final Clock clock;

    ReplicationMetrics(ReplicationQueue queue, Clock clock) {
        this.queue = queue;
        this.clock = clock;
    }

    /** Gauge: versions and delete markers waiting to be replicated (also those waiting for a retry). */
    public long queueLength() {
        return queue.length();
    }

    /** Gauge: how long the oldest waiting version has waited (zero when the queue is empty). */
    public Duration lag() {
        return queue.oldestEnqueued()
                .map(t -> Duration.ofMillis(Math.max(0, clock.millis() - t)))
                .orElse(Duration.ZERO);
    }

    /** Counter: object versions replicated to every destination their rules name. */
    public long replicated() {
        return replicated.get();
    }

    /** Counter: delete markers replicated. */
    public long deleteMarkersReplicated() {
        return deleteMarkersReplicated.get();
    }

    /** Counter: versions whose replication ended FAILED (not retried). */
    public long failed() {
        return failed.get();
    }

    /** Counter: attempts that failed and were scheduled again (destination unreachable, server errors). */
    public long retries() {
        return retries.get();
    }

    /** Counter: SSE-C versions not replicated (part of {@link #failed()}). */
    public long sseCSkipped() {
        return sseCSkipped.get();
    }
}

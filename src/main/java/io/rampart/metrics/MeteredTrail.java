package io.rampart.metrics;

import io.rampart.audit.AuditTrail;
import io.rampart.audit.RequestFacts;

/**
 * The audit trail, metered: every S3 request's facts pass through here exactly once (allowed, denied or failed), so
 * this is the one place request metrics are taken, together with the trail's own write latency and failures.
 */
public final class MeteredTrail implements AuditTrail {
    private final AuditTrail delegate;
    private final ServerMetrics metrics;

    public MeteredTrail(AuditTrail delegate, ServerMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public void record(RequestFacts facts) {
        long start = count(facts);
        try {
            delegate.record(facts);
        } catch (RuntimeException e) {
            metrics.trailFailure();
            throw e;
        } finally {
            metrics.trailWritten(System.nanoTime() - start);
        }
    }

    @Override
    public void recordDurably(RequestFacts facts) {
        long start = count(facts);
        try {
            delegate.recordDurably(facts);
        } catch (RuntimeException e) {
            metrics.trailFailure();
            throw e;
        } finally {
            metrics.trailWritten(System.nanoTime() - start);
        }
    }

    /** Counts the request; returns when the trail write starts ({@link System#nanoTime}). */
    private long count(RequestFacts facts) {
        // From when the request was parsed to now (reads: after the body was sent; writes: before the durable record).
        java.time.Instant now = java.time.Instant.now();
        java.time.Instant t = facts.time();
        long nanos = (now.getEpochSecond() - t.getEpochSecond()) * 1_000_000_000L + (now.getNano() - t.getNano());
        metrics.request(facts, Math.max(0, nanos));
        return System.nanoTime();
    }

    @Override
    public void close() {
        delegate.close();
    }
}

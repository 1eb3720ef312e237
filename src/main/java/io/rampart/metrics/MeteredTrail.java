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
        count(facts);
        metrics.trailWrite(() -> delegate.record(facts));
    }

    @Override
    public void recordDurably(RequestFacts facts) {
        count(facts);
        metrics.trailWrite(() -> delegate.recordDurably(facts));
    }

    private void count(RequestFacts facts) {
        // From when the request was parsed to now (reads: after the body was sent; writes: before the durable record).
        long nanos = Math.max(0, java.time.temporal.ChronoUnit.NANOS.between(facts.time(), java.time.Instant.now()));
        metrics.request(facts, nanos);
    }

    @Override
    public void close() {
        delegate.close();
    }
}

package io.rampart.detect;

import io.rampart.audit.AuditTrail;
import io.rampart.audit.RequestFacts;

/**
 * The audit trail, plus a nudge to the detector's {@link TrailTailer} after each record: the tailer reads the records
 * from the trail's files itself, so the request thread never waits for detection and nothing depends on a queue
 * that could overflow or vanish in a crash.
 */
public final class DetectingTrail implements AuditTrail {
    private final AuditTrail delegate;
    private final TrailTailer tailer;

    public DetectingTrail(AuditTrail delegate, TrailTailer tailer) {
        this.delegate = delegate;
        this.tailer = tailer;
    }

    @Override
    public void record(RequestFacts facts) {
        delegate.record(facts);
        tailer.wake();
    }

    @Override
    public void recordDurably(RequestFacts facts) {
        delegate.recordDurably(facts);
        tailer.wake();
    }

    public TrailTailer tailer() {
        return tailer;
    }

    /**
     * Stops the detector after its current pass (records it has not read are read at the next start), then closes the
     * trail.
     */
    @Override
    public void close() {
        tailer.close();
        delegate.close();
    }
}

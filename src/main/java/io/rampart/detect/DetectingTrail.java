package io.rampart.detect;

import io.rampart.audit.AuditTrail;
import io.rampart.audit.RequestFacts;

/**
 * The audit trail with the detector attached: the writer hands the detector's {@link TrailTailer} each batch of records
 * once written ({@code TrailWriter.Listener}), so the request thread never waits for detection, and the tailer keeps
 * its position in the trail's files, so a record not handed over (a full queue, a restart, a crash) is read from them.
 * This class only orders the shutdown.
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
    }

    @Override
    public void recordDurably(RequestFacts facts) {
        delegate.recordDurably(facts);
    }

    public TrailTailer tailer() {
        return tailer;
    }

    /**
     * Stops the detector after its current pass (records it has not taken are read at the next start), then closes the
     * trail.
     */
    @Override
    public void close() {
        tailer.close();
        delegate.close();
    }
}

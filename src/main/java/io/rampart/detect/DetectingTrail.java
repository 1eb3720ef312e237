package io.rampart.detect;

import io.rampart.audit.AuditTrail;
import io.rampart.audit.RequestFacts;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail, plus a detector that sees every record the trail accepted. The request thread only offers the
 * record to a bounded queue after the trail has it; one detector thread takes from the queue. When the queue is full
 * the record is dropped for detection (never for the trail) and counted, with a WARN: detection must never slow or
 * block a request. (Tailing the trail files from a persisted offset, so nothing is missed across a restart or an
 * overflow, is the planned replacement.)
 */
public final class DetectingTrail implements AuditTrail {
    private static final Logger log = LoggerFactory.getLogger(DetectingTrail.class);
    public static final int DEFAULT_CAPACITY = 65_536;

    private final AuditTrail delegate;
    private final Detector detector;
    private final BlockingQueue<RequestFacts> queue;
    private final Thread thread;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();
    private volatile boolean closed;

    public DetectingTrail(AuditTrail delegate, Detector detector, int capacity) {
        this.delegate = delegate;
        this.detector = detector;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = Thread.ofPlatform().name("rampart-detector").daemon(true).start(this::run);
    }

    @Override public void record(RequestFacts facts) {
        delegate.record(facts);
        hand(facts);
    }

    @Override public void recordDurably(RequestFacts facts) {
        delegate.recordDurably(facts);
        hand(facts);
    }

    private void hand(RequestFacts facts) {
        if (closed) return;
        if (!queue.offer(facts)) {
            long n = dropped.incrementAndGet();
            // One line per power of two: a flood of drops must not become a flood of log lines.
            if (Long.bitCount(n) == 1) {
                log.warn("detector queue full: {} record(s) not inspected so far (latest request {})", n, facts.requestId());
            }
        }
    }

    private void run() {
        while (true) {
            RequestFacts f;
            try {
                f = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (f == null) {
                if (closed) return;
                continue;
            }
            try {
                detector.accept(f);
            } catch (RuntimeException e) {
                log.error("detector failed on request {}", f.requestId(), e);
            }
            processed.incrementAndGet();
        }
    }

    /** Records not inspected because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Records inspected so far. */
    public long processed() {
        return processed.get();
    }

    /** Lets the detector finish what is queued (up to a few seconds), then closes the trail. */
    @Override public void close() {
        closed = true;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("detector still busy at shutdown: {} queued record(s) not inspected", queue.size());
            thread.interrupt();
        }
        delegate.close();
    }
}

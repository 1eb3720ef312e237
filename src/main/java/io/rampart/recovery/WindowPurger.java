package io.rampart.recovery;

import io.rampart.s3.PeriodicWorker;
import io.rampart.storage.RecoveryWindow;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background purge of the recovery window: every interval, frees the versions removed from view longer ago than
 * the window (Object Lock still keeps what it protects), releasing blobs whose last reference goes. The only
 * automatic way anything leaves the window.
 */
public final class WindowPurger implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WindowPurger.class);

    private final RecoveryWindow window;
    private final Clock clock;
    private final Duration keep;
    private final AtomicLong purged = new AtomicLong();
    private final AtomicLong runs = new AtomicLong();
    private final PeriodicWorker worker;

    public WindowPurger(RecoveryWindow window, Clock clock, Duration keep, Duration interval) {
        this.window = window;
        this.clock = clock;
        this.keep = keep;
        // A first pass at start-up, then one every interval.
        this.worker = new PeriodicWorker(
                "rampart-window-purge", "recovery window purge", Duration.ZERO, interval, this::runOnce);
    }

    public void start() {
        worker.start();
    }

    /** Runs passes only while this node holds the "rampart-window-purge" lease (several nodes on one database). */
    public void leased(io.rampart.storage.Leases leases) {
        worker.leased(leases);
    }

    /** One pass, now: frees what was removed from view before now minus the window. */
    public RecoveryWindow.Purge runOnce() {
        long now = clock.millis();
        RecoveryWindow.Purge p = window.purge(null, now - keep.toMillis(), now);
        purged.addAndGet(p.purged().size());
        runs.incrementAndGet();
        if (!p.purged().isEmpty()) {
            log.info(
                    "recovery window: freed {} versions removed more than {} ago{}",
                    p.purged().size(),
                    keep,
                    p.keptLocked() > 0 ? " (" + p.keptLocked() + " kept by Object Lock)" : "");
        }
        return p;
    }

    /** Versions freed since start. */
    public long purged() {
        return purged.get();
    }

    /** Completed passes. */
    public long runs() {
        return runs.get();
    }

    @Override
    public void close() {
        worker.close();
    }
}

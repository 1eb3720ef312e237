package io.rampart.recovery;

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
    private final Duration interval;
    private final Object monitor = new Object();
    private final AtomicLong purged = new AtomicLong();
    private final AtomicLong runs = new AtomicLong();
    private volatile boolean closed;
    private Thread thread;

    public WindowPurger(RecoveryWindow window, Clock clock, Duration keep, Duration interval) {
        this.window = window;
        this.clock = clock;
        this.keep = keep;
        this.interval = interval;
    }

    public synchronized void start() {
        if (thread != null) return;
        thread = Thread.ofPlatform().daemon().name("rampart-window-purge").start(this::loop);
    }

    private void loop() {
        while (!closed) {
            try {
                runOnce();
            } catch (RuntimeException e) {
                if (closed) return;
                log.warn("recovery window purge failed: {}", e.toString(), e);
            }
            synchronized (monitor) {
                if (closed) return;
                try {
                    monitor.wait(interval.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One pass, now: frees what was removed from view before now minus the window. */
    public RecoveryWindow.Purge runOnce() {
        long now = clock.millis();
        RecoveryWindow.Purge p = window.purge(null, now - keep.toMillis(), now);
        purged.addAndGet(p.purged().size());
        runs.incrementAndGet();
        if (!p.purged().isEmpty()) {
            log.info("recovery window: freed {} versions removed more than {} ago{}", p.purged().size(), keep,
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

    @Override public void close() {
        closed = true;
        synchronized (monitor) {
            monitor.notifyAll();
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

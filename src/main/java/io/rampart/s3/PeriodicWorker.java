package io.rampart.s3;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One background thread that runs a pass, then waits an interval, until closed: the loop the lifecycle worker and the
 * recovery window's purge share. A failed pass is logged and the next one runs on time; closing wakes the wait and
 * lets a pass in progress stop at its next check of {@link #closed()}.
 */
public final class PeriodicWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeriodicWorker.class);

    private final String threadName;
    private final String what;
    private final Duration firstDelay;
    private final Duration interval;
    private final Runnable pass;
    private final Object monitor = new Object();
    private volatile boolean closed;
    private Thread thread;
    private volatile io.rampart.storage.Leases leases;

    /** {@code what} names a pass in the log ("lifecycle pass"); the first pass runs {@code firstDelay} after start. */
    public PeriodicWorker(String threadName, String what, Duration firstDelay, Duration interval, Runnable pass) {
        this.threadName = threadName;
        this.what = what;
        this.firstDelay = firstDelay;
        this.interval = interval;
        this.pass = pass;
    }

    /**
     * Runs passes only while this node holds the lease named after the thread, so that several nodes on one database
     * run the work once: taken or renewed before each pass for the interval plus half a minute, given up on close; a
     * node that dies without giving it up is taken over once it expires.
     */
    public void leased(io.rampart.storage.Leases leases) {
        this.leases = leases;
    }

    private boolean mayRun() {
        io.rampart.storage.Leases l = leases;
        return l == null || l.hold(threadName, interval.plusSeconds(30));
    }

    public synchronized void start() {
        if (thread != null) return;
        thread = Thread.ofPlatform().daemon().name(threadName).start(this::loop);
    }

    /** True once closed: a long pass checks it between batches. */
    public boolean closed() {
        return closed;
    }

    private void loop() {
        if (!pause(firstDelay.toMillis())) return;
        while (!closed) {
            try {
                if (mayRun()) pass.run();
            } catch (RuntimeException e) {
                if (closed) return;
                log.warn("{} failed: {}", what, e.toString(), e);
            }
            if (!pause(interval.toMillis())) return;
        }
    }

    /** Waits, unless closed first; false when closed. */
    private boolean pause(long millis) {
        long until = System.nanoTime() + millis * 1_000_000L;
        synchronized (monitor) {
            while (!closed) {
                long left = (until - System.nanoTime()) / 1_000_000L;
                if (left <= 0) return true;
                try {
                    monitor.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    /** Stops the thread, waiting (up to 30 s) for a pass in progress to reach its next check. */
    @Override
    public void close() {
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
        io.rampart.storage.Leases l = leases;
        if (l != null && t != null) {
            try {
                l.release(threadName);
            } catch (RuntimeException e) {
                log.warn("could not give up the {} lease: {} (it expires on its own)", threadName, e.toString());
            }
        }
    }
}

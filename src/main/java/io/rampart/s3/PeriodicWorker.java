package io.rampart.s3;

import io.rampart.storage.Leases;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one background loop of the server's workers (lifecycle, the recovery window's purge, replication, webhook
 * delivery, the key service's pass, cache expiry): one thread runs a pass, then waits until the next, until closed.
 * A pass either runs at a fixed interval or says itself how long to wait ({@link #adaptive}: a queue's worker sleeps
 * until its next task is due); {@link #wake} cuts a wait short (a queue just got work). A failed pass is logged and
 * the loop goes on. Closing wakes the wait and lets a pass in progress stop at its next check of {@link #closed()}.
 *
 * <p>On a shared database a worker may run under a lease ({@link #leased(Leases, String, Duration)}): its passes
 * then run on one node of the cluster at a time, the lease is renewed before each pass, given up on close, and taken
 * over by another node once it expires when its holder dies.
 */
public final class PeriodicWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeriodicWorker.class);

    /** A pass that says how long to wait before the next one. */
    @FunctionalInterface
    public interface Pass {
        Duration run();
    }

    private record Lease(Leases leases, String name, Duration length) {}

    private final String threadName;
    private final String what;
    private final Duration firstDelay;
    private final Duration interval;
    private final Duration afterFailure;
    private final Pass pass;
    private final boolean adaptive;
    private final Object monitor = new Object();
    private volatile boolean closed;
    private boolean woken;
    private boolean interruptOnClose;
    private Thread thread;
    private volatile Lease lease;
    private volatile Runnable onAcquire;

    /** {@code what} names a pass in the log ("lifecycle pass"); the first pass runs {@code firstDelay} after start. */
    public PeriodicWorker(String threadName, String what, Duration firstDelay, Duration interval, Runnable pass) {
        this(threadName, what, firstDelay, interval, interval, false, () -> {
            pass.run();
            return interval;
        });
    }

    private PeriodicWorker(
            String threadName,
            String what,
            Duration firstDelay,
            Duration interval,
            Duration afterFailure,
            boolean adaptive,
            Pass pass) {
        this.threadName = threadName;
        this.adaptive = adaptive;
        this.what = what;
        this.firstDelay = firstDelay;
        this.interval = interval;
        this.afterFailure = afterFailure;
        this.pass = pass;
    }

    /**
     * A worker whose pass returns the wait before the next pass (at most {@code maxWait}); one second after a failed
     * pass. For queues: the pass works through what is due and answers when the next task will be.
     */
    public static PeriodicWorker adaptive(String threadName, String what, Duration maxWait, Pass pass) {
        return new PeriodicWorker(threadName, what, Duration.ZERO, maxWait, Duration.ofSeconds(1), true, pass);
    }

    /**
     * Runs passes only while this node holds the lease named after the thread, for the interval plus half a minute
     * (a pass must fit in it).
     */
    public void leased(Leases leases) {
        leased(leases, threadName, interval.plusSeconds(30));
    }

    /**
     * Runs passes only while this node holds the lease {@code name}, taken or renewed for {@code length} before each
     * pass. An adaptive worker renews, and a node without the lease asks again, every third of the length (so a
     * survivor takes over within about 4/3 of it after the holder died); a fixed one at its interval, which must be
     * shorter than the length.
     */
    public void leased(Leases leases, String name, Duration length) {
        this.lease = new Lease(leases, name, length);
    }

    /**
     * Runs {@code action} before the first pass on a node without a lease, and each time this node takes the lease
     * (not when it renews it): the moment work another run or node had claimed may be taken up again.
     */
    public void onAcquire(Runnable action) {
        this.onAcquire = action;
    }

    /** Interrupts a pass in progress on close (one that waits on the network, e.g. an HTTP delivery). */
    public void interruptOnClose() {
        this.interruptOnClose = true;
    }

    public synchronized void start() {
        if (thread != null || closed) return;
        thread = Thread.ofPlatform().daemon().name(threadName).start(this::loop);
    }

    /** Runs a pass soon rather than after the current wait (a queue just got work). */
    public void wake() {
        synchronized (monitor) {
            woken = true;
            monitor.notifyAll();
        }
    }

    /** True once closed: a long pass checks it between batches. */
    public boolean closed() {
        return closed;
    }

    private void loop() {
        if (!pause(firstDelay.toMillis())) return;
        boolean first = true;
        while (!closed) {
            long wait;
            try {
                if (mayRun(first)) {
                    first = false;
                    wait = pass.run().toMillis();
                } else {
                    wait = interval.toMillis();
                }
            } catch (RuntimeException e) {
                if (closed) return;
                log.warn("{} failed: {}", what, e.toString(), e);
                wait = afterFailure.toMillis();
            }
            Lease l = lease;
            // A queue's holder renews (and polls for work queued through other nodes), and a node without the lease
            // asks for it, well within the lease's length; a fixed pass renews at each pass (its lease outlasts it).
            if (l != null && adaptive) wait = Math.min(wait, l.length().toMillis() / 3);
            if (!pause(Math.max(0, Math.min(wait, interval.toMillis())))) return;
        }
    }

    private boolean mayRun(boolean first) {
        Lease l = lease;
        Runnable acquired = onAcquire;
        if (l == null) {
            if (first && acquired != null) acquired.run();
            return true;
        }
        Leases.Hold hold = l.leases().acquire(l.name(), l.length());
        if (hold == Leases.Hold.TAKEN && acquired != null) {
            try {
                acquired.run();
            } catch (RuntimeException e) {
                // Given up, so that the next attempt takes it again and runs the action again.
                l.leases().release(l.name());
                throw e;
            }
        }
        return hold != Leases.Hold.REFUSED;
    }

    /** Waits, unless woken or closed first; false when closed. */
    private boolean pause(long millis) {
        long until = System.nanoTime() + millis * 1_000_000L;
        synchronized (monitor) {
            while (!closed && !woken) {
                long left = (until - System.nanoTime()) / 1_000_000L;
                if (left <= 0) break;
                try {
                    monitor.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            woken = false;
        }
        return !closed;
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
            if (interruptOnClose) t.interrupt();
            try {
                t.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Lease l = lease;
        if (l != null && t != null) {
            try {
                l.leases().release(l.name());
            } catch (RuntimeException e) {
                log.warn("could not give up the {} lease: {} (it expires on its own)", l.name(), e.toString());
            }
        }
    }
}

package io.rampart.it;

import java.time.Duration;

/**
 * The one way tests wait for something the server does in the background (a worker pass, the detector, a delivery):
 * poll a condition until it holds or a deadline passes, then fail saying what was awaited and for how long.
 *
 * <p>Never sleep and then assert that nothing happened: wait for the thing that would have made it happen (for the
 * detector, {@link RampartServer#awaitDetectorCaughtUp()}), then assert.
 */
public final class Await {
    /** Long enough for a loaded machine; a passing test waits only as long as the condition takes. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final long FIRST_PAUSE_MILLIS = 10;
    private static final long MAX_PAUSE_MILLIS = 200;

    private Await() {}

    /** A condition to poll; it may read files or call the server (checked exceptions fail the wait at once). */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** A probe to poll: null means "not yet". */
    @FunctionalInterface
    public interface Probe<T> {
        T get() throws Exception;
    }

    /** Polls until {@code condition} holds, for up to {@link #DEFAULT_TIMEOUT}. Exceptions it throws fail the wait at once. */
    public static void until(String what, Condition condition) {
        until(what, DEFAULT_TIMEOUT, condition);
    }

    public static void until(String what, Duration timeout, Condition condition) {
        value(what, timeout, () -> condition.holds() ? Boolean.TRUE : null);
    }

    /** Polls until {@code probe} returns something other than null, and returns it. */
    public static <T> T value(String what, Probe<T> probe) {
        return value(what, DEFAULT_TIMEOUT, probe);
    }

    public static <T> T value(String what, Duration timeout, Probe<T> probe) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long pause = FIRST_PAUSE_MILLIS;
        int polls = 0;
        while (true) {
            T v;
            try {
                v = probe.get();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError("failed while waiting for: " + what, e);
            }
            polls++;
            if (v != null) return v;
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after "
                        + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms (" + polls
                        + " polls) waiting for: " + what);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
            pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
        }
    }
}

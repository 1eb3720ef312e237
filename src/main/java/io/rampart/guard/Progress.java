package io.rampart.guard;

import java.io.PrintWriter;

/** One updating line of progress for long scans, on a terminal only; silent otherwise. */
public final class Progress {
    private final PrintWriter out;
    private long lastPrinted;

    private Progress(PrintWriter out) {
        this.out = out;
    }

    public static Progress none() {
        return new Progress(null);
    }

    /** Progress on {@code err} when a console is attached (never in a pipe or a file). */
    public static Progress onTerminal(PrintWriter err) {
        return new Progress(interactive() ? err : null);
    }

    /**
     * Whether a person is at a terminal: since JDK 22 {@code System.console()} is not null in a pipe either, so its
     * {@code isTerminal()} (JDK 22+, called by name while the code targets 21) decides; on 21 a console means a terminal.
     */
    @SuppressWarnings("SystemConsoleNull") // the null check is the JDK 21 answer; isTerminal() the newer one
    public static boolean interactive() {
        java.io.Console c = System.console();
        if (c == null) return false;
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** Shows {@code line}, at most ten times a second unless {@code force}. */
    synchronized void show(String line, boolean force) {
        if (out == null) return;
        long now = System.nanoTime();
        if (!force && now - lastPrinted < 100_000_000L) return;
        lastPrinted = now;
        String l = line.length() > 100 ? line.substring(0, 99) + "…" : line;
        out.print("\r\033[2K" + l);
        out.flush();
    }

    synchronized void done() {
        if (out == null) return;
        out.print("\r\033[2K");
        out.flush();
    }
}

package io.rampart.storage;

/**
 * Who removes object versions from view, and why: recorded with each version the recovery window keeps. The S3
 * service and the background workers open a scope around their work on the thread that runs it; the store reads it
 * when a write begins (on that thread, before the write is handed to the database's writer thread).
 * {@code reason} is the operation's name (PutObject, DeleteObjects, LifecycleExpiration, Restore...).
 */
public record Removal(String principalArn, String accessKeyId, String reason) {
    private static final ThreadLocal<Removal> CURRENT = new ThreadLocal<>();

    /** Ends a scope, restoring the one around it. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Sets the removal context of this thread until the scope is closed. */
    public static Scope open(Removal r) {
        Removal before = CURRENT.get();
        CURRENT.set(r);
        return () -> {
            if (before == null) CURRENT.remove();
            else CURRENT.set(before);
        };
    }

    /** This thread's context, or {@code fallback} when no scope is open. */
    public static Removal currentOr(Removal fallback) {
        Removal r = CURRENT.get();
        return r != null ? r : fallback;
    }
}

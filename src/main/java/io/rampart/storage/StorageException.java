package io.rampart.storage;

/** An unexpected failure of the metadata database or the blob files; answered as InternalError. */
public class StorageException extends RuntimeException {
    private final boolean mayHaveCommitted;

    public StorageException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * {@code mayHaveCommitted}: the commit itself failed, so whether the write is durable is unknown (a connection lost
     * while PostgreSQL committed, an I/O error while SQLite synced its log).
     */
    StorageException(String message, Throwable cause, boolean mayHaveCommitted) {
        super(message, cause);
        this.mayHaveCommitted = mayHaveCommitted;
    }

    /**
     * Whether a write that failed with {@code t} may all the same have committed: then what its rows reference (the
     * blob a PutObject wrote) must be left in place, never deleted, for the row may be there; the start-up sweep
     * collects it if it is not. False for failures that surely wrote nothing (a failed precondition, a statement).
     */
    public static boolean mayHaveCommitted(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof StorageException s && s.mayHaveCommitted) return true;
            if (e.getCause() == e) break;
        }
        return false;
    }
}

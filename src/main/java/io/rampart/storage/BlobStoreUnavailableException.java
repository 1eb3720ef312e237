package io.rampart.storage;

import java.io.IOException;

/**
 * The blob backend could not be reached or kept failing after the bounded retries: a transient outage, answered to
 * clients as 503 SlowDown (retry later), never as a written object.
 */
public final class BlobStoreUnavailableException extends IOException {
    public BlobStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether {@code e} or one of its causes is a blob backend outage. */
    public static boolean isCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BlobStoreUnavailableException) return true;
            for (Throwable s : t.getSuppressed()) {
                if (s instanceof BlobStoreUnavailableException) return true;
            }
        }
        return false;
    }
}

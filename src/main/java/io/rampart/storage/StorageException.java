package io.rampart.storage;

/** An unexpected failure of the metadata database or the blob files; answered as InternalError. */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}

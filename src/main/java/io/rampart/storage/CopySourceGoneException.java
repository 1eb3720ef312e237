package io.rampart.storage;

/**
 * A copy's source blobs were freed between the copy reading its source and writing the copy (the source was
 * deleted for good meanwhile): nothing was written; the copy answers as if the source had never been found.
 */
public final class CopySourceGoneException extends StorageException {
    private static final long serialVersionUID = 1L;

    public CopySourceGoneException(String blob) {
        super("copy source blob " + blob + " was freed", null);
    }
}

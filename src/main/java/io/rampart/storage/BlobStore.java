package io.rampart.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Predicate;

/** Immutable blobs named by random ids, never by object key. A blob is visible only once it is durable. */
public interface BlobStore extends AutoCloseable {

    /** A blob being written: write the bytes, then {@link #commit()} makes it durable; close() without commit discards it. */
    interface PendingBlob extends AutoCloseable {
        OutputStream out();

        /** fsyncs the data, moves it into place, fsyncs the directory; returns the blob id. */
        String commit() throws IOException;

        @Override
        void close();
    }

    /** Blobs a read holds, until closed (see {@link #pin}). */
    interface Pin extends AutoCloseable {
        @Override
        void close();
    }

    PendingBlob create() throws IOException;

    /**
     * Holds blobs for a read: until the pin is closed, this process deletes none of them ({@link #delete} of one waits
     * for its last reader). A reader that pins a version's blobs and then finds the version still stored knows they
     * stay readable to the end, however long its response takes. Stores whose deletes cannot wait hold nothing.
     */
    default Pin pin(java.util.Collection<String> blobIds) {
        return () -> {};
    }

    /** Opens {@code length} bytes of a blob from {@code offset}. Throws NoSuchFileException when it is gone. */
    InputStream open(String blobId, long offset, long length) throws IOException;

    void delete(String blobId);

    /**
     * Removes temporary files and every blob for which {@code isLive} is false; returns how many were removed. A store
     * that other nodes may share leaves what is younger than its grace period: it may be another node's write in flight.
     */
    int sweep(Predicate<String> isLive) throws IOException;

    /** Releases connections; blobs stay. */
    @Override
    default void close() {}
}

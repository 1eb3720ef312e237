package io.rampart.s3;

import io.rampart.crypto.EncryptedStream;
import io.rampart.storage.BlobStore;
import io.rampart.storage.Segment;
import io.rampart.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An object's bytes once durably stored, encrypted: inline (small objects live in the metadata row and are durable
 * when it commits) or one blob fsynced and renamed into place before the row is written. Segment lengths and
 * {@code size} count plaintext bytes.
 */
record StoredData(long size, String md5Hex, byte[] md5, List<Segment> segments, byte[] inline) {
    private static final Logger log = LoggerFactory.getLogger(StoredData.class);

    /** Objects up to this size are kept inline in the metadata row. */
    static final int INLINE_LIMIT = 64 * 1024;

    /**
     * Reads {@code in} to EOF and stores it encrypted under {@code dataKey} in the stream format of
     * {@link EncryptedStream}. The size and MD5 are of the plaintext. When {@code expected} is not -1 the body must have
     * exactly that many bytes (IncompleteBody otherwise). On any failure nothing is left behind.
     */
    static StoredData store(BlobStore blobs, InputStream in, long expected, boolean allowInline, byte[] dataKey)
            throws IOException {
        MessageDigest md5 = newMd5();
        // One byte more than the body may have (a longer one fails below either way); a small object's buffer is its
        // size, not the inline limit: a 4 KiB PUT allocated and cleared 64 KiB.
        byte[] first = new byte[expected >= 0 && expected < INLINE_LIMIT ? (int) expected + 1 : INLINE_LIMIT + 1];
        int n = readFully(in, first, first.length);
        if (allowInline && n <= INLINE_LIMIT) {
            checkLength(n, expected);
            md5.update(first, 0, n);
            byte[] digest = md5.digest();
            // Sealed straight from the read buffer into the stored form (one chunk: no stream, no copies).
            byte[] sealed = EncryptedStream.encryptSmall(first, 0, n, dataKey);
            Arrays.fill(first, 0, n, (byte) 0);
            return new StoredData(n, HexFormat.of().formatHex(digest), digest, List.of(), sealed);
        }
        try (BlobStore.PendingBlob pending = blobs.create()) {
            long total = n;
            try (OutputStream out = EncryptedStream.encrypt(pending.out(), dataKey)) {
                md5.update(first, 0, n);
                out.write(first, 0, n);
                byte[] buf = new byte[256 * 1024];
                if (n == first.length) {
                    int r;
                    while ((r = in.read(buf)) != -1) {
                        md5.update(buf, 0, r);
                        out.write(buf, 0, r);
                        total += r;
                    }
                }
                checkLength(total, expected);
            }
            String id = pending.commit();
            byte[] digest = md5.digest();
            return new StoredData(
                    total, HexFormat.of().formatHex(digest), digest, List.of(new Segment(id, total)), null);
        }
    }

    private static void checkLength(long actual, long expected) {
        if (expected >= 0 && actual != expected) throw new S3Exception(S3ErrorCode.INCOMPLETE_BODY);
    }

    static int readFully(InputStream in, byte[] b, int len) throws IOException {
        int off = 0;
        while (off < len) {
            int r = in.read(b, off, len - off);
            if (r < 0) break;
            off += r;
        }
        return off;
    }

    /** Cloned for each body: cheaper than a provider lookup per request. Never updated itself. */
    private static final MessageDigest MD5 = md5Instance();

    static MessageDigest newMd5() {
        try {
            return (MessageDigest) MD5.clone();
        } catch (CloneNotSupportedException e) {
            return md5Instance();
        }
    }

    private static MessageDigest md5Instance() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Releases the blob if this data was never referenced by a committed row. */
    void discard(BlobStore blobs) {
        for (Segment s : segments) blobs.delete(s.blob());
    }

    /**
     * Releases the blob after the metadata write that was to reference it failed, unless that write may have committed
     * all the same (its commit failed, outcome unknown): a row may then name the blob, which must stay. Left in place,
     * a blob no row took is an orphan the start-up sweep collects.
     */
    void discardAfter(BlobStore blobs, RuntimeException failure) {
        if (StorageException.mayHaveCommitted(failure)) {
            log.warn("kept blob(s) {} of a write whose commit outcome is unknown: {}", segments, failure.toString());
            return;
        }
        discard(blobs);
    }
}

package io.rampart.s3;

import io.rampart.crypto.EncryptedStream;
import io.rampart.storage.BlobStore;
import io.rampart.storage.ObjectVersion;
import io.rampart.storage.Segment;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a plaintext byte range of a stored version, across its segments, decrypting only the chunks the range
 * touches. Each segment (the whole object, or one multipart part) is its own encrypted stream. A null data key reads
 * data written before encryption existed.
 */
final class ObjectBytes {
    /** Objects up to this size kept inline are read whole into memory ({@link #small}): one encrypted chunk. */
    static final long SMALL = EncryptedStream.CHUNK;

    private ObjectBytes() {}

    /**
     * Plaintext bytes [first, last] (inclusive) of an inline version of at most {@link #SMALL} bytes, decrypted straight
     * from its stored form (authenticated before anything is returned).
     */
    static byte[] small(ObjectVersion v, byte[] dataKey, long first, long last) throws IOException {
        byte[] stored = v.inline();
        if (stored == null || v.size() > SMALL) throw new IllegalArgumentException("not a small inline version");
        if (dataKey != null) return EncryptedStream.decryptSmall(stored, dataKey, v.size(), first, last);
        if (first == 0 && last == stored.length - 1) return stored;
        return java.util.Arrays.copyOfRange(stored, (int) first, (int) last + 1);
    }

    /** Writes plaintext bytes [first, last] (inclusive) of {@code v} to {@code out}. */
    static void write(BlobStore blobs, ObjectVersion v, byte[] dataKey, long first, long last, OutputStream out)
            throws IOException {
        if (last < first) return;
        try (InputStream in = open(blobs, v, dataKey, first, last)) {
            in.transferTo(out);
        }
    }

    /**
     * An input stream over plaintext bytes [first, last] of {@code v}. The first chunk is opened and authenticated
     * here, so damaged or vanished data fails before a response is committed.
     */
    static InputStream open(BlobStore blobs, ObjectVersion v, byte[] dataKey, long first, long last)
            throws IOException {
        if (v.inline() != null) {
            byte[] stored = v.inline();
            if (dataKey == null) return new ByteArrayInputStream(stored, (int) first, (int) (last - first + 1));
            EncryptedStream.Source src =
                    (off, len) -> new ByteArrayInputStream(stored, (int) off, (int) Math.min(len, stored.length - off));
            return EncryptedStream.decrypt(src, dataKey, v.size(), first, last);
        }
        List<long[]> ranges = new ArrayList<>();
        List<Segment> touched = new ArrayList<>();
        long segStart = 0;
        for (Segment s : v.segments()) {
            long segEnd = segStart + s.length() - 1;
            if (segEnd >= first && segStart <= last) {
                touched.add(s);
                ranges.add(new long[] {Math.max(first, segStart) - segStart, Math.min(last, segEnd) - segStart});
            }
            segStart += s.length();
            if (segStart > last) break;
        }
        return new Segments(blobs, dataKey, touched, ranges);
    }

    /** Opens one segment at a time, so a 10,000-part object costs one open file and one chunk buffer. */
    private static final class Segments extends InputStream {
        private final BlobStore blobs;
        private final byte[] dataKey;
        private final List<Segment> segments;
        private final List<long[]> ranges;
        private int next;
        private InputStream current;

        Segments(BlobStore blobs, byte[] dataKey, List<Segment> segments, List<long[]> ranges) throws IOException {
            this.blobs = blobs;
            this.dataKey = dataKey;
            this.segments = segments;
            this.ranges = ranges;
            advance();
        }

        private boolean advance() throws IOException {
            if (current != null) current.close();
            current = null;
            if (next >= segments.size()) return false;
            long[] r = ranges.get(next);
            current = segment(blobs, segments.get(next), dataKey, r[0], r[1]);
            next++;
            return true;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (current != null) {
                int n = current.read(b, off, len);
                if (n >= 0) return n;
                if (!advance()) return -1;
            }
            return -1;
        }

        /** Each segment transfers itself, so a decrypting segment writes whole chunks (see EncryptedStream). */
        @Override
        public long transferTo(OutputStream out) throws IOException {
            long total = 0;
            while (current != null) {
                total += current.transferTo(out);
                if (!advance()) break;
            }
            return total;
        }

        @Override
        public void close() throws IOException {
            if (current != null) current.close();
            current = null;
            next = segments.size();
        }
    }

    private static InputStream segment(BlobStore blobs, Segment s, byte[] dataKey, long from, long to)
            throws IOException {
        if (dataKey == null) return blobs.open(s.blob(), from, to - from + 1);
        return EncryptedStream.decrypt((off, len) -> blobs.open(s.blob(), off, len), dataKey, s.length(), from, to);
    }
}

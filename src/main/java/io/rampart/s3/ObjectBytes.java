package io.rampart.s3;

import io.rampart.storage.BlobStore;
import io.rampart.storage.ObjectVersion;
import io.rampart.storage.Segment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Reads a byte range of a stored version, across its segments, without loading it whole. */
final class ObjectBytes {
    private ObjectBytes() { }

    /** Writes bytes [first, last] (inclusive) of {@code v} to {@code out}. */
    static void write(BlobStore blobs, ObjectVersion v, long first, long last, OutputStream out) throws IOException {
        if (last < first) return;
        if (v.inline() != null) {
            out.write(v.inline(), (int) first, (int) (last - first + 1));
            return;
        }
        long segStart = 0;
        byte[] buf = new byte[256 * 1024];
        for (Segment s : v.segments()) {
            long segEnd = segStart + s.length() - 1;
            if (segEnd >= first && segStart <= last) {
                long from = Math.max(first, segStart) - segStart;
                long to = Math.min(last, segEnd) - segStart;
                try (InputStream in = blobs.open(s.blob(), from, to - from + 1)) {
                    long remaining = to - from + 1;
                    while (remaining > 0) {
                        int r = in.read(buf, 0, (int) Math.min(buf.length, remaining));
                        if (r < 0) throw new IOException("blob " + s.blob() + " is shorter than recorded");
                        out.write(buf, 0, r);
                        remaining -= r;
                    }
                }
            }
            segStart += s.length();
            if (segStart > last) break;
        }
    }

    /** An input stream over bytes [first, last] of {@code v}, for copies. */
    static InputStream open(BlobStore blobs, ObjectVersion v, long first, long last) throws IOException {
        if (v.inline() != null) {
            return new java.io.ByteArrayInputStream(v.inline(), (int) first, (int) (last - first + 1));
        }
        java.util.List<InputStream> parts = new java.util.ArrayList<>();
        long segStart = 0;
        try {
            for (Segment s : v.segments()) {
                long segEnd = segStart + s.length() - 1;
                if (segEnd >= first && segStart <= last) {
                    long from = Math.max(first, segStart) - segStart;
                    long to = Math.min(last, segEnd) - segStart;
                    parts.add(blobs.open(s.blob(), from, to - from + 1));
                }
                segStart += s.length();
            }
        } catch (IOException e) {
            for (InputStream in : parts) in.close();
            throw e;
        }
        return new java.io.SequenceInputStream(java.util.Collections.enumeration(parts));
    }
}

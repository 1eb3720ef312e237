package io.rampart.s3;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Free space kept on the data directory's filesystem. A write that would start while less than the reserve is free is
 * refused with 503 ServiceUnavailable (a code every SDK retries with back-off), so a full disk never forces the
 * recovery window to be purged early and never leaves a half-written object. Reads, deletes and configuration changes
 * are still served. The reserve is bytes ({@code 1GiB}, {@code 500MiB}, {@code 0}) or a share of the filesystem
 * ({@code 1%}).
 */
public final class SpaceReserve {
    /** The default: 1 GiB, or 1% of the filesystem when that is smaller. */
    public static final String DEFAULT = "default";

    private static final long GIB = 1L << 30;

    private final FileStore store;
    private final long reserveBytes;

    private SpaceReserve(FileStore store, long reserveBytes) {
        this.store = store;
        this.reserveBytes = reserveBytes;
    }

    /** The reserve {@code spec} (see the class comment, or {@link #DEFAULT}) on the filesystem holding {@code dir}. */
    public static SpaceReserve of(Path dir, String spec) throws IOException {
        FileStore store = Files.getFileStore(dir);
        long total = store.getTotalSpace();
        String s = spec == null ? DEFAULT : spec.trim().toLowerCase(Locale.ROOT);
        long bytes;
        if (s.equals(DEFAULT)) {
            bytes = Math.min(GIB, total / 100);
        } else if (s.endsWith("%")) {
            double pct = Double.parseDouble(s.substring(0, s.length() - 1));
            if (pct < 0 || pct > 100) throw new IllegalArgumentException("a percentage from 0 to 100: " + spec);
            bytes = (long) (total * pct / 100);
        } else {
            bytes = parseBytes(s);
        }
        return new SpaceReserve(store, bytes);
    }

    /** {@code 123}, {@code 10k}, {@code 500MiB}, {@code 1GiB}, {@code 2TB} (binary multiples either way). */
    static long parseBytes(String s) {
        String t = s.toLowerCase(Locale.ROOT).replace("ib", "").replace("b", "");
        long mult = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> mult = 1L << 10;
                case 'm' -> mult = 1L << 20;
                case 'g' -> mult = 1L << 30;
                case 't' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult > 1) t = t.substring(0, t.length() - 1);
        }
        try {
            long n = Long.parseLong(t.trim());
            if (n < 0) throw new NumberFormatException();
            return Math.multiplyExact(n, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a size (e.g. 1GiB, 500MiB, 5%): " + s);
        }
    }

    public long reserveBytes() {
        return reserveBytes;
    }

    /** Refuses the write (503 ServiceUnavailable) when the free space is at or below the reserve. */
    void check() {
        long free;
        try {
            free = store.getUsableSpace();
        } catch (IOException e) {
            return; // an unreadable filesystem size must not stop writes; the write itself reports a real failure
        }
        if (free <= reserveBytes) {
            throw new S3Exception(
                    S3ErrorCode.SERVICE_UNAVAILABLE,
                    "The server is low on disk space; writes are refused until space is freed. Please try again later.");
        }
    }
}

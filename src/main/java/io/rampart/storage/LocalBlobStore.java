package io.rampart.storage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blobs as files under {@code blobs/ab/cd/<id>}: written to {@code tmp/}, fsynced, renamed into place, and the target
 * directory fsynced, so a blob either exists completely and durably or not at all. The directory may be shared by
 * several nodes: the sweep then removes only files older than its grace period.
 */
public final class LocalBlobStore implements BlobStore {
    private static final Logger log = LoggerFactory.getLogger(LocalBlobStore.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path blobs;
    private final Path tmp;
    private final boolean fsync;
    private final Duration sweepGrace;
    private final ConcurrentHashMap<Path, Boolean> knownDirs = new ConcurrentHashMap<>();
    private final BlobPins pins = new BlobPins();

    /** The data directory's own store ({@code root/blobs}, {@code root/tmp}), private to this node: no sweep grace. */
    public LocalBlobStore(Path root, boolean fsync) throws IOException {
        this(root.resolve("blobs"), root.resolve("tmp"), fsync, Duration.ZERO);
    }

    /**
     * Blobs under {@code blobs}, temporary files in {@code tmp} (on the same filesystem, for the atomic rename); the
     * sweep leaves files younger than {@code sweepGrace} (by modification time) alone.
     */
    public LocalBlobStore(Path blobs, Path tmp, boolean fsync, Duration sweepGrace) throws IOException {
        this.blobs = Files.createDirectories(blobs, OwnerOnly.directory());
        this.tmp = Files.createDirectories(tmp, OwnerOnly.directory());
        this.fsync = fsync;
        this.sweepGrace = sweepGrace;
    }

    static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private Path pathOf(String id) {
        if (id.length() < 8 || !id.chars().allMatch(ch -> (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
            throw new IllegalArgumentException("bad blob id");
        }
        return blobs.resolve(id.substring(0, 2)).resolve(id.substring(2, 4)).resolve(id);
    }

    @Override
    public PendingBlob create() throws IOException {
        String id = newId();
        Path temp = tmp.resolve(id);
        FileChannel ch = FileChannel.open(
                temp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OwnerOnly.file());
        return new LocalPending(id, temp, ch);
    }

    private final class LocalPending implements PendingBlob {
        private final String id;
        private final Path temp;
        private final FileChannel channel;
        private final OutputStream out;
        private boolean committed;

        LocalPending(String id, Path temp, FileChannel channel) {
            this.id = id;
            this.temp = temp;
            this.channel = channel;
            this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 256 * 1024);
        }

        @Override
        public OutputStream out() {
            return out;
        }

        @Override
        public String commit() throws IOException {
            out.flush();
            if (fsync) channel.force(true);
            channel.close();
            Path target = pathOf(id);
            Path dir = target.getParent();
            ensureDir(dir);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            if (fsync) fsyncDir(dir);
            committed = true;
            return id;
        }

        @Override
        public void close() {
            if (committed) return;
            try {
                channel.close();
            } catch (IOException ignored) {
                /* discarding */
            }
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                log.warn("could not remove temp blob {}", temp);
            }
        }
    }

    private void ensureDir(Path dir) throws IOException {
        if (knownDirs.containsKey(dir)) return;
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, OwnerOnly.directory());
            if (fsync) {
                fsyncDir(dir.getParent());
                fsyncDir(dir.getParent().getParent());
            }
        }
        knownDirs.put(dir, Boolean.TRUE);
    }

    private static void fsyncDir(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    @Override
    public InputStream open(String blobId, long offset, long length) throws IOException {
        FileChannel ch = FileChannel.open(pathOf(blobId), StandardOpenOption.READ);
        try {
            ch.position(offset);
            InputStream in = Channels.newInputStream(ch);
            return new BoundedInputStream(in, length);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public Pin pin(java.util.Collection<String> blobIds) {
        return pins.pin(blobIds, this::deleteNow);
    }

    /** Deletes the file now, or when the last read that pinned it is done. */
    @Override
    public void delete(String blobId) {
        pins.release(blobId, this::deleteNow);
    }

    private void deleteNow(String blobId) {
        try {
            Files.deleteIfExists(pathOf(blobId));
        } catch (IOException e) {
            log.warn("could not delete blob {}: {} (the start-up sweep will retry)", blobId, e.toString());
        }
    }

    @Override
    public int sweep(Predicate<String> isLive) throws IOException {
        int removed = 0;
        Instant before = Instant.now().minus(sweepGrace);
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(tmp)) {
            for (Path p : temps) {
                if (!olderThan(p, before)) continue;
                Files.deleteIfExists(p);
                removed++;
            }
        }
        try (Stream<Path> files = Files.walk(blobs)) {
            for (Path p : (Iterable<Path>) files.filter(p -> !p.startsWith(tmp) && Files.isRegularFile(p))::iterator) {
                String id = p.getFileName().toString();
                // Younger files may be another node's, committed but not yet referenced by its metadata row.
                if (olderThan(p, before) && !isLive.test(id)) {
                    try {
                        Files.deleteIfExists(p);
                        removed++;
                    } catch (NoSuchFileException ignored) {
                        // already gone
                    }
                }
            }
        }
        return removed;
    }

    private boolean olderThan(Path p, Instant before) throws IOException {
        if (sweepGrace.isZero()) return true;
        try {
            return Files.getLastModifiedTime(p).toInstant().isBefore(before);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Limits a stream to a byte count. */
    static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) return -1;
            int b = in.read();
            if (b >= 0) remaining--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) remaining -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}

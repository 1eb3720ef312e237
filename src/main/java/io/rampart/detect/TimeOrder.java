package io.rampart.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Puts records in time order with bounded memory (an external merge sort): records are held serialised, up to
 * {@link #RUN_BYTES} of JSON at a time; a full buffer is sorted and written to a temporary run file (a private 0700
 * folder, deleted on {@link #close}), and {@link #drain} merges the runs, one record per run in memory. Records with
 * equal times keep their input order. Memory: about {@code RUN_BYTES} plus 64 KiB per run (one run per 64 MiB of input).
 */
final class TimeOrder implements AutoCloseable {
    static final long RUN_BYTES = 64L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Comparator<Item> ORDER =
            Comparator.comparingLong(Item::t).thenComparingLong(Item::seq);

    private record Item(long t, long seq, byte[] json) {}

    private final long runBytes;
    private final List<Item> buffer = new ArrayList<>();
    private final List<Path> runs = new ArrayList<>();
    private long buffered;
    private long seq;
    private Path dir;

    TimeOrder() {
        this(RUN_BYTES);
    }

    TimeOrder(long runBytes) {
        this.runBytes = runBytes;
    }

    void add(JsonNode record, long time) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buffer.add(new Item(time, seq++, json));
        buffered += json.length + 64;
        if (buffered >= runBytes) {
            try {
                spill();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Runs written so far (for tests: how much went to disk). */
    int runs() {
        return runs.size();
    }

    private void spill() throws IOException {
        if (buffer.isEmpty()) return;
        if (dir == null) {
            dir = Files.createTempDirectory(
                    "rampart-detect-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        buffer.sort(ORDER);
        Path run = dir.resolve("run-" + runs.size());
        try (DataOutputStream out =
                new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16))) {
            for (Item i : buffer) write(out, i);
        }
        runs.add(run);
        buffer.clear();
        buffered = 0;
    }

    private static void write(DataOutputStream out, Item i) throws IOException {
        out.writeLong(i.t());
        out.writeLong(i.seq());
        out.writeInt(i.json().length);
        out.write(i.json());
    }

    private static Item next(DataInputStream in) throws IOException {
        long t;
        try {
            t = in.readLong();
        } catch (EOFException e) {
            return null;
        }
        long s = in.readLong();
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new Item(t, s, b);
    }

    /** Hands every record to {@code sink} in time order. */
    void drain(Consumer<JsonNode> sink) throws IOException {
        if (runs.isEmpty()) {
            buffer.sort(ORDER);
            for (Item i : buffer) sink.accept(JSON.readTree(i.json()));
            buffer.clear();
            return;
        }
        spill();
        record Head(Item item, DataInputStream in) {}
        PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing(Head::item, ORDER));
        List<DataInputStream> open = new ArrayList<>();
        try {
            for (Path run : runs) {
                DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), 1 << 16));
                open.add(in);
                Item first = next(in);
                if (first != null) heads.add(new Head(first, in));
            }
            Head h;
            while ((h = heads.poll()) != null) {
                sink.accept(JSON.readTree(h.item().json()));
                Item n = next(h.in());
                if (n != null) heads.add(new Head(n, h.in()));
            }
        } finally {
            for (DataInputStream in : open) in.close();
        }
    }

    @Override
    public void close() {
        buffer.clear();
        if (dir == null) return;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary folder left behind; nothing else to do
        }
    }
}

package io.rampart.storage;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * What one-statement reads of the embedded SQLite database returned, kept in memory for one generation of the
 * database ({@link SqliteEngine}: the generation changes with every commit, and whenever another connection or
 * process is seen to have committed). A value is served only to a read that observed the very generation the value
 * was read in; all values of one generation share one map, dropped whole when the generation moves on.
 *
 * <p>Bounded: at most {@link #maxEntries} values and {@link #maxBytes} of their estimated weight; a value heavier than
 * {@link #maxEntryBytes} is not kept, and a full map is dropped whole (a new, empty one takes its place): no eviction
 * order to maintain on the read path, and a flood of distinct keys costs only misses. Values are shared by every
 * reader that hits them: callers store only values nobody mutates.
 */
final class ReadCache {
    /** The default bounds: entries, total weight, and the weight of one entry above which it is not kept. */
    static final int MAX_ENTRIES = 10_000;

    static final long MAX_BYTES = 32L << 20;
    static final long MAX_ENTRY_BYTES = 256L << 10;

    private record Entry(Object value, long weight) {}

    /** The values read in one generation. */
    private static final class Slab {
        final long generation;
        final ConcurrentHashMap<Object, Entry> map = new ConcurrentHashMap<>();
        final AtomicLong bytes = new AtomicLong();

        Slab(long generation) {
            this.generation = generation;
        }
    }

    private final int maxEntries;
    private final long maxBytes;
    private final long maxEntryBytes;
    private final AtomicReference<Slab> slab = new AtomicReference<>(new Slab(-1));

    ReadCache() {
        this(MAX_ENTRIES, MAX_BYTES, MAX_ENTRY_BYTES);
    }

    ReadCache(int maxEntries, long maxBytes, long maxEntryBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.maxEntryBytes = maxEntryBytes;
    }

    /** The value kept for {@code key} in {@code generation}, or null. */
    @Nullable
    Object get(Object key, long generation) {
        Slab s = slab.get();
        if (s.generation != generation) return null;
        Entry e = s.map.get(key);
        return e == null ? null : e.value;
    }

    /**
     * Keeps {@code value}, read (wholly) after the reader observed {@code generation}; {@code current} is the
     * generation now: a value whose generation has already passed is not kept.
     */
    void put(Object key, Object value, long weight, long generation, long current) {
        if (generation != current || weight > maxEntryBytes) return;
        Slab s = slab.get();
        if (s.generation != generation || s.map.size() >= maxEntries || s.bytes.get() + weight > maxBytes) {
            // An older generation's map (or this one's, full): replace it, unless a newer one is already there.
            if (s.generation > generation) return;
            Slab fresh = new Slab(generation);
            if (!slab.compareAndSet(s, fresh)) return;
            s = fresh;
        }
        // Concurrent puts may each pass the checks above: the bounds are exceeded by at most one entry per thread.
        Entry previous = s.map.put(key, new Entry(value, weight));
        s.bytes.addAndGet(weight - (previous == null ? 0 : previous.weight));
    }

    /** Values kept now (of the newest generation a value was kept in). */
    int size() {
        return slab.get().map.size();
    }

    /** Their total weight. */
    long bytes() {
        return slab.get().bytes.get();
    }
}

package io.rampart.cli.bench;

import java.util.Arrays;

/**
 * Every latency sample of one operation, in nanoseconds: a growable {@code long[]} owned by one worker (no locking),
 * merged and sorted once at the end for exact percentiles. Eight bytes per operation: a million operations cost 8 MB.
 */
public final class LatencySamples {
    private long[] values = new long[1024];
    private int size;
    private boolean sorted;

    public void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = nanos;
        sorted = false;
    }

    public void addAll(LatencySamples other) {
        if (size + other.size > values.length) {
            values = Arrays.copyOf(values, Math.max(values.length * 2, size + other.size));
        }
        System.arraycopy(other.values, 0, values, size, other.size);
        size += other.size;
        sorted = false;
    }

    public int count() {
        return size;
    }

    /** The sample at quantile {@code q} (0..1) by the nearest-rank method; 0 when there is none. */
    public long percentile(double q) {
        if (size == 0) {
            return 0;
        }
        sort();
        int rank = (int) Math.ceil(q * size);
        return values[Math.min(size - 1, Math.max(0, rank - 1))];
    }

    public long max() {
        if (size == 0) {
            return 0;
        }
        sort();
        return values[size - 1];
    }

    public long min() {
        if (size == 0) {
            return 0;
        }
        sort();
        return values[0];
    }

    public long mean() {
        if (size == 0) {
            return 0;
        }
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += values[i];
        }
        return Math.round(sum / size);
    }

    private void sort() {
        if (!sorted) {
            Arrays.sort(values, 0, size);
            sorted = true;
        }
    }
}

package io.rampart.cli.bench;

import java.util.Map;
import java.util.TreeMap;

/** Successes (latency, bytes) and failures (by S3 error code) of one operation, owned by one worker until merged. */
final class OpStats {
    final String name;
    final LatencySamples latencies = new LatencySamples();
    long bytes;
    long items;
    final Map<String, Long> errors = new TreeMap<>();
    final Map<String, String> errorExamples = new TreeMap<>();

    OpStats(String name) {
        this.name = name;
    }

    void success(long nanos, long bytes) {
        latencies.add(nanos);
        this.bytes += bytes;
    }

    void items(long n) {
        items += n;
    }

    void error(Throwable e) {
        String code = BenchRunner.code(e);
        errors.merge(code, 1L, Long::sum);
        errorExamples.putIfAbsent(
                code,
                e instanceof software.amazon.awssdk.services.s3.model.S3Exception s
                        ? BenchRunner.describe(s)
                        : BenchRunner.rootMessage(e));
    }

    void merge(OpStats other) {
        latencies.addAll(other.latencies);
        bytes += other.bytes;
        items += other.items;
        other.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
        other.errorExamples.forEach(errorExamples::putIfAbsent);
    }

    BenchReport.OpResult result(long elapsedNanos) {
        double secs = elapsedNanos / 1e9;
        long ops = latencies.count();
        long errorCount = errors.values().stream().mapToLong(Long::longValue).sum();
        return new BenchReport.OpResult(
                name,
                ops,
                errorCount,
                bytes,
                items,
                secs <= 0 ? 0 : ops / secs,
                secs <= 0 ? 0 : bytes / 1e6 / secs,
                latencies.percentile(0.50),
                latencies.percentile(0.90),
                latencies.percentile(0.99),
                latencies.max(),
                latencies.mean(),
                new TreeMap<>(errors),
                new TreeMap<>(errorExamples));
    }
}

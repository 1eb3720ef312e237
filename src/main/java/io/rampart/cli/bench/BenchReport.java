package io.rampart.cli.bench;

import java.io.PrintWriter;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The outcome of one bench run, printed as a human table or as one JSON document. */
public final class BenchReport {

    /** One operation's figures; latencies in nanoseconds, MB = 10^6 bytes. */
    public record OpResult(
            String op,
            long ops,
            long errors,
            long bytes,
            long items,
            double opsPerSec,
            double mbPerSec,
            long p50,
            long p90,
            long p99,
            long max,
            long mean,
            Map<String, Long> errorsByCode,
            Map<String, String> errorExamples) {}

    final BenchRunner.Config config;
    final String prefix;
    String bucket;
    boolean bucketCreated;
    OpResult prepare;
    String skipped;
    long warmupOps;
    long elapsedNanos;
    final Map<String, OpResult> results = new LinkedHashMap<>();
    int availableProcessors = Runtime.getRuntime().availableProcessors();
    long clientCpuNanos = -1;
    double clientCpuLoadAvg = -1;
    boolean cleanedUp;
    String cleanupError;

    BenchReport(BenchRunner.Config config, String prefix) {
        this.config = config;
        this.prefix = prefix;
    }

    public long totalOps() {
        return results.values().stream().mapToLong(OpResult::ops).sum();
    }

    public long totalErrors() {
        return results.values().stream().mapToLong(OpResult::errors).sum() + (prepare == null ? 0 : prepare.errors());
    }

    public Map<String, Long> errorsByCode() {
        Map<String, Long> all = new TreeMap<>();
        results.values().forEach(r -> r.errorsByCode().forEach((k, v) -> all.merge(k, v, Long::sum)));
        if (prepare != null) {
            prepare.errorsByCode().forEach((k, v) -> all.merge(k, v, Long::sum));
        }
        return all;
    }

    public boolean cleanedUp() {
        return cleanedUp;
    }

    public String cleanupError() {
        return cleanupError;
    }

    public String skipped() {
        return skipped;
    }

    /** Client CPU in cores (CPU seconds per wall second) over the timed run; -1 when the JVM cannot tell. */
    public double clientCpuCores() {
        return clientCpuNanos < 0 || elapsedNanos <= 0 ? -1 : (double) clientCpuNanos / elapsedNanos;
    }

    /** The JSON document as ordered maps (rendered by Jackson). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tool", "rampart bench");
        m.put("endpoint", config.endpoint().toString());
        if (config.endpoints().size() > 1) {
            m.put("endpoints", config.endpoints().stream().map(URI::toString).toList());
        }
        m.put("bucket", bucket);
        m.put("bucketCreated", bucketCreated);
        m.put("prefix", prefix);
        m.put("op", config.op().name().toLowerCase(Locale.ROOT));
        m.put("size", Units.formatSize(config.size()));
        m.put("sizeBytes", config.size());
        m.put("objects", config.objects());
        m.put("concurrency", config.concurrency());
        m.put("durationRequestedSeconds", config.duration().toMillis() / 1e3);
        m.put("warmupSeconds", config.warmup().toMillis() / 1e3);
        m.put("warmupOps", warmupOps);
        m.put("elapsedSeconds", round(elapsedNanos / 1e9, 3));
        m.put("sseC", config.sseC());
        m.put("pathStyle", config.pathStyle());
        if (skipped != null) {
            m.put("skipped", skipped);
        }
        if (prepare != null) {
            m.put("prepare", opMap(prepare));
        }
        Map<String, Object> ops = new LinkedHashMap<>();
        results.forEach((k, v) -> ops.put(k, opMap(v)));
        m.put("results", ops);
        Map<String, Object> totals = new LinkedHashMap<>();
        long totalOps = totalOps();
        totals.put("ops", totalOps);
        totals.put("opsPerSec", round(elapsedNanos <= 0 ? 0 : totalOps / (elapsedNanos / 1e9), 1));
        totals.put(
                "mbPerSec",
                round(
                        elapsedNanos <= 0
                                ? 0
                                : results.values().stream()
                                                .mapToLong(OpResult::bytes)
                                                .sum()
                                        / 1e6
                                        / (elapsedNanos / 1e9),
                        2));
        totals.put("errors", totalErrors());
        totals.put("errorsByCode", errorsByCode());
        m.put("totals", totals);
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("availableProcessors", availableProcessors);
        client.put("cpuSeconds", clientCpuNanos < 0 ? null : round(clientCpuNanos / 1e9, 3));
        client.put("cpuCores", clientCpuCores() < 0 ? null : round(clientCpuCores(), 3));
        client.put(
                "cpuPercentOfMachine",
                clientCpuCores() < 0 ? null : round(100 * clientCpuCores() / availableProcessors, 1));
        client.put("processCpuLoadAvgPercent", clientCpuLoadAvg < 0 ? null : round(100 * clientCpuLoadAvg, 1));
        m.put("client", client);
        Map<String, Object> cleanup = new LinkedHashMap<>();
        cleanup.put("kept", config.keep());
        cleanup.put("cleanedUp", cleanedUp);
        cleanup.put("bucketDeleted", cleanedUp && bucketCreated);
        if (cleanupError != null) {
            cleanup.put("error", cleanupError);
        }
        m.put("cleanup", cleanup);
        return m;
    }

    private static Map<String, Object> opMap(OpResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ops", r.ops());
        m.put("opsPerSec", round(r.opsPerSec(), 1));
        m.put("bytes", r.bytes());
        m.put("mbPerSec", round(r.mbPerSec(), 2));
        if (r.items() > 0) {
            m.put("itemsListed", r.items());
        }
        Map<String, Object> lat = new LinkedHashMap<>();
        lat.put("p50", ms(r.p50()));
        lat.put("p90", ms(r.p90()));
        lat.put("p99", ms(r.p99()));
        lat.put("max", ms(r.max()));
        lat.put("mean", ms(r.mean()));
        m.put("latencyMs", lat);
        m.put("errors", r.errors());
        m.put("errorsByCode", r.errorsByCode());
        if (!r.errorExamples().isEmpty()) {
            m.put("errorExamples", r.errorExamples());
        }
        return m;
    }

    private static double ms(long nanos) {
        return round(nanos / 1e6, 3);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    public void printTable(PrintWriter out) {
        out.printf(
                Locale.ROOT,
                "rampart bench: %s %s, %d workers, %s against %s%n",
                config.op().name().toLowerCase(Locale.ROOT),
                Units.formatSize(config.size()),
                config.concurrency(),
                config.duration().isZero()
                        ? config.objects() + " ops"
                        : String.format(Locale.ROOT, "%.1f s", elapsedNanos / 1e9),
                config.endpoints().stream().map(URI::toString).collect(java.util.stream.Collectors.joining(", ")));
        out.printf(
                Locale.ROOT,
                "bucket %s%s, prefix %s, %d objects, SSE-C %s, %s%n",
                bucket,
                bucketCreated ? " (created)" : "",
                prefix,
                config.objects(),
                config.sseC() ? "on" : "off",
                config.pathStyle() ? "path-style" : "virtual-host-style");
        if (prepare != null) {
            out.printf(
                    Locale.ROOT,
                    "prepared %d of %d objects in %.1f s%s%n",
                    prepare.ops(),
                    config.objects(),
                    prepare.ops() == 0 ? 0 : prepare.ops() / Math.max(1e-9, prepare.opsPerSec()),
                    prepare.errors() == 0 ? "" : ", " + prepare.errors() + " errors " + prepare.errorsByCode());
        }
        if (warmupOps > 0) {
            out.printf(
                    Locale.ROOT,
                    "warmed up for %.1f s (%d ops, not counted)%n",
                    config.warmup().toMillis() / 1e3,
                    warmupOps);
        }
        if (skipped != null) {
            out.println("run skipped: " + skipped);
        }
        out.println();
        String header = String.format(
                Locale.ROOT,
                "%-8s %9s %10s %9s %9s %9s %9s %9s %7s",
                "op",
                "ops",
                "ops/s",
                "MB/s",
                "p50 ms",
                "p90 ms",
                "p99 ms",
                "max ms",
                "errors");
        out.println(header);
        out.println("-".repeat(header.length()));
        for (OpResult r : results.values()) {
            out.printf(
                    Locale.ROOT,
                    "%-8s %9d %10.1f %9.2f %9s %9s %9s %9s %7d%n",
                    r.op(),
                    r.ops(),
                    r.opsPerSec(),
                    r.mbPerSec(),
                    Units.formatMillis(r.p50()),
                    Units.formatMillis(r.p90()),
                    Units.formatMillis(r.p99()),
                    Units.formatMillis(r.max()),
                    r.errors());
        }
        out.println();
        Map<String, Long> errs = errorsByCode();
        if (errs.isEmpty()) {
            out.println("errors: none");
        } else {
            out.println("errors by code:");
            Map<String, String> examples = new TreeMap<>();
            results.values().forEach(r -> r.errorExamples().forEach(examples::putIfAbsent));
            if (prepare != null) {
                prepare.errorExamples().forEach(examples::putIfAbsent);
            }
            errs.forEach(
                    (k, v) -> out.printf(Locale.ROOT, "  %-28s %8d   e.g. %s%n", k, v, examples.getOrDefault(k, "")));
        }
        if (clientCpuCores() >= 0) {
            out.printf(
                    Locale.ROOT,
                    "client CPU: %.2f cores (%.0f%% of %d)%s%n",
                    clientCpuCores(),
                    100 * clientCpuCores() / availableProcessors,
                    availableProcessors,
                    clientCpuLoadAvg < 0
                            ? ""
                            : String.format(Locale.ROOT, ", process CPU load avg %.0f%%", 100 * clientCpuLoadAvg));
        }
        if (config.keep()) {
            out.println("kept: bucket " + bucket + ", prefix " + prefix);
        } else if (cleanedUp) {
            out.println("cleaned up: objects under " + prefix + (bucketCreated ? " and bucket " + bucket : "")
                    + " deleted");
        } else {
            out.println("clean-up FAILED: " + cleanupError);
        }
    }
}

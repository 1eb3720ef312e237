package io.rampart.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rampart.cli.bench.BenchReport;
import io.rampart.cli.bench.BenchRunner;
import io.rampart.cli.bench.Units;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rampart bench}: load-tests any S3 endpoint (Rampart or another) and reports throughput, latency and errors. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Benchmark an S3 endpoint (Rampart or another): ops/s, MB/s (10^6 bytes), latency p50/p90/p99/max per "
                    + "operation, errors by S3 error code, and this client's own CPU use, so you can see it is not the bottleneck.",
            "Creates its bucket if absent (a random name unless --bucket), works under a unique key prefix, and deletes "
                    + "what it created unless --keep.",
            "Credentials: --access-key/--secret-key, else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, "
                    + "else AWS_PROFILE (or the default profile).",
            "Ops: put (overwrites keys 0..N-1 in turn); get (random reads of N prepared objects); mixed (60%% GET, "
                    + "25%% PUT, 10%% HEAD, 5%% DELETE); list (one ListObjectsV2 page of up to 1000 keys over N prepared "
                    + "objects); delete (deletes the N prepared objects).",
            "Several nodes of a cluster: --endpoint http://a:9000,http://b:9000,http://c:9000 (worker i sends to "
                    + "endpoint i modulo their number; set up and clean up go through the first)."
        },
        footer = {
            "",
            "Example: rampart bench --endpoint http://127.0.0.1:9000 --op get --size 1MiB --objects 100 --concurrency 8 --duration 10s"
        })
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServerConnection connection;

    @Option(
            names = "--bucket",
            description = "Bucket to use; created if absent (default: a new random rampart-bench-... bucket).")
    String bucket;

    @Option(
            names = "--op",
            defaultValue = "put",
            description = "put, get, mixed, list or delete (default: ${DEFAULT-VALUE}).")
    String op;

    @Option(
            names = "--size",
            defaultValue = "4KiB",
            description = "Object size, e.g. 4KiB, 1MiB, 64MiB (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(
            names = "--objects",
            defaultValue = "100",
            description =
                    "Objects to prepare (get/list/mixed/delete), keys to cycle through (put), or ops to run with --duration 0 (default: ${DEFAULT-VALUE}).")
    int objects;

    @Option(
            names = "--concurrency",
            defaultValue = "8",
            description = "Concurrent workers, one connection each (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
            names = "--duration",
            defaultValue = "10s",
            description =
                    "How long to run, e.g. 10s, 500ms, 2m; 0 runs --objects operations instead (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(
            names = "--warmup",
            defaultValue = "0s",
            description =
                    "Run the workload unmeasured for this long first, e.g. 3s (not for delete) (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(
            names = "--sse-c",
            description = "Send a random SSE-C (customer-provided) key with every PUT, GET and HEAD.")
    boolean sseC;

    @Option(names = "--json", description = "Print one JSON document instead of the table.")
    boolean json;

    @Option(names = "--keep", description = "Keep the objects (and bucket) the run created.")
    boolean keep;

    @Option(
            names = "--path-style",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Address buckets in the path, not the host name (default: ${DEFAULT-VALUE}; --no-path-style for virtual hosts).")
    boolean pathStyle;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BenchRunner.Config config;
        try {
            config = config();
        } catch (IllegalArgumentException | ArithmeticException e) {
            err.println("rampart bench: " + e.getMessage());
            return 2;
        }
        BenchReport report;
        try {
            report = new BenchRunner(config, err).run();
        } catch (BenchRunner.FatalException e) {
            err.println("rampart bench: " + e.getMessage());
            return 1;
        }
        if (json) {
            try {
                out.println(new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(report.toMap()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                err.println("rampart bench: cannot write JSON: " + e.getMessage());
                return 1;
            }
        } else {
            report.printTable(out);
        }
        out.flush();
        if (!report.cleanedUp() && !keep) {
            err.println("rampart bench: clean-up failed: " + report.cleanupError());
            return 1;
        }
        if (report.skipped() != null) {
            err.println("rampart bench: " + report.skipped() + ": " + report.errorsByCode());
            return 3;
        }
        if (report.totalOps() == 0 && report.totalErrors() > 0) {
            err.println("rampart bench: every operation failed: " + report.errorsByCode());
            return 3;
        }
        return 0;
    }

    private BenchRunner.Config config() {
        // Several endpoints, comma-separated (the nodes of a cluster): the workers take them in turn.
        List<URI> endpoints = connection.endpointUris();
        URI uri = endpoints.get(0);
        BenchRunner.Op theOp;
        try {
            theOp = BenchRunner.Op.valueOf(op.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid --op '" + op + "' (put, get, mixed, list or delete)");
        }
        long bytes = Units.parseSize(size);
        if (bytes > (1L << 30)) {
            throw new IllegalArgumentException("--size is at most 1GiB");
        }
        if (objects < 1) {
            throw new IllegalArgumentException("--objects must be at least 1");
        }
        if (concurrency < 1 || concurrency > 1024) {
            throw new IllegalArgumentException("--concurrency must be between 1 and 1024");
        }
        Duration d = Units.parseDuration(duration);
        Duration w = Units.parseDuration(warmup);
        return new BenchRunner.Config(
                uri,
                connection.credentials(),
                connection.region,
                bucket,
                theOp,
                bytes,
                objects,
                concurrency,
                d,
                w,
                sseC,
                keep,
                pathStyle,
                io.rampart.guard.Progress.interactive(),
                endpoints);
    }
}

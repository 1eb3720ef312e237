package io.rampart.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rampart.audit.RequestFacts;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The server's Prometheus metrics: per-request counters and latency from each request's {@link RequestFacts}, the audit
 * trail's write latency and failures, lifecycle actions and the JVM. Meters are cached per label combination, so the
 * request path does a map lookup and an increment, not a registry lookup with tag building.
 */
public final class ServerMetrics implements AutoCloseable {
    /** Label value for buckets not (yet) seen in a successful authenticated request, and past the cardinality cap. */
    public static final String OTHER_BUCKET = "_other";
    /** At most this many distinct bucket label values: bucket names are chosen by clients. */
    static final int MAX_BUCKETS = 2_000;

    /** Operations that write object data, for the SSE-C and long-lived-key write series. */
    private static final Set<String> DATA_WRITES = Set.of(
            "PutObject",
            "CopyObject",
            "CreateMultipartUpload",
            "UploadPart",
            "UploadPartCopy",
            "CompleteMultipartUpload",
            "DeleteObject",
            "DeleteObjects",
            "PutObjectRetention",
            "PutObjectLegalHold",
            "PutObjectTagging",
            "DeleteObjectTagging");

    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2_500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60)
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Set<String> knownBuckets = ConcurrentHashMap.newKeySet();

    private record RequestKey(String operation, int status, String bucket) {}

    private record OpBucket(String operation, String bucket) {}

    /** The meters one (operation, status, bucket) combination touches, built once. */
    private record RequestMeters(
            Counter requests,
            Counter bytesIn,
            Counter bytesOut,
            Timer latency,
            Counter sseC,
            Counter denied,
            Counter longLived) {}

    private final Map<RequestKey, RequestMeters> requestMeters = new ConcurrentHashMap<>();
    private final Map<String, Counter> authFailures = new ConcurrentHashMap<>();
    private final Map<OpBucket, Counter> lifecycleActions = new ConcurrentHashMap<>();
    private final Timer trailWrite;
    private final Counter trailFailures;

    public ServerMetrics() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        trailWrite = Timer.builder("rampart.trail.write")
                .description("Time for an audit record to be accepted by the trail (durable records: until on disk)")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        trailFailures = Counter.builder("rampart.trail.write.failures")
                .description("Audit records the trail failed to write")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Text exposition for a scrape. */
    public String scrape() {
        return registry.scrape();
    }

    /** Registers a gauge over a value the server keeps elsewhere (queue depths...). */
    public void gauge(String name, String description, Supplier<Number> value) {
        io.micrometer.core.instrument.Gauge.builder(name, value)
                .description(description)
                .register(registry);
    }

    /** Counts one finished S3 request; {@code nanos} is how long it took. */
    public void request(RequestFacts f, long nanos) {
        String op = f.eventName();
        String bucket = bucketLabel(f);
        RequestMeters m = requestMeters.computeIfAbsent(new RequestKey(op, f.status(), bucket), this::newRequestMeters);
        m.requests().increment();
        if (f.bytesIn() > 0) m.bytesIn().increment((double) f.bytesIn());
        if (f.bytesOut() > 0) m.bytesOut().increment((double) f.bytesOut());
        m.latency().record(nanos, TimeUnit.NANOSECONDS);
        Map<String, String> p = f.requestParameters();
        if (p.containsKey("x-amz-server-side-encryption-customer-algorithm")
                || p.containsKey("x-amz-copy-source-server-side-encryption-customer-algorithm")) {
            m.sseC().increment();
        }
        if ("AccessDenied".equals(f.errorCode())) m.denied().increment();
        if (f.principal().isLongLivedKey()) m.longLived().increment();
        if (f.status() == 403 && !"AccessDenied".equals(f.errorCode()) && f.errorCode() != null) {
            authFailures
                    .computeIfAbsent(
                            f.errorCode(),
                            code -> Counter.builder("rampart.s3.authentication.failures")
                                    .description(
                                            "Requests refused before authorization (bad signature, unknown or inactive key...)")
                                    .tag("code", code)
                                    .register(registry))
                    .increment();
        }
    }

    private RequestMeters newRequestMeters(RequestKey k) {
        String status = Integer.toString(k.status());
        String write = Boolean.toString(DATA_WRITES.contains(k.operation()));
        return new RequestMeters(
                Counter.builder("rampart.s3.requests")
                        .description("S3 requests by operation, status and bucket")
                        .tags("operation", k.operation(), "status", status, "bucket", k.bucket())
                        .register(registry),
                Counter.builder("rampart.s3.received.bytes")
                        .description("Request body bytes received")
                        .baseUnit("bytes")
                        .tags("operation", k.operation(), "bucket", k.bucket())
                        .register(registry),
                Counter.builder("rampart.s3.sent.bytes")
                        .description("Response body bytes sent")
                        .baseUnit("bytes")
                        .tags("operation", k.operation(), "bucket", k.bucket())
                        .register(registry),
                Timer.builder("rampart.s3.request.duration")
                        .description("S3 request latency by operation")
                        .tags("operation", k.operation())
                        .serviceLevelObjectives(LATENCY_BUCKETS)
                        .register(registry),
                Counter.builder("rampart.s3.sse.c.requests")
                        .description("Requests carrying an SSE-C customer key (allowed or refused)")
                        .tags("operation", k.operation(), "bucket", k.bucket(), "write", write)
                        .register(registry),
                Counter.builder("rampart.s3.authorization.denied")
                        .description("Requests refused with AccessDenied (policy, BlockedEncryptionTypes...)")
                        .tags("operation", k.operation(), "bucket", k.bucket())
                        .register(registry),
                Counter.builder("rampart.s3.long.lived.key.requests")
                        .description("Requests signed with a long-lived access key (no session token)")
                        .tags("operation", k.operation(), "bucket", k.bucket(), "write", write)
                        .register(registry));
    }

    /**
     * The bucket label: a bucket becomes a label value once an authenticated request on it succeeded, so anonymous or
     * failing callers cannot mint label values (and memory) with made-up bucket names.
     */
    private String bucketLabel(RequestFacts f) {
        String b = f.bucket();
        if (b == null || b.isEmpty()) return "";
        if (knownBuckets.contains(b)) return b;
        if (f.status() < 400 && !f.principal().isAnonymous() && knownBuckets.size() < MAX_BUCKETS) {
            knownBuckets.add(b);
            return b;
        }
        return OTHER_BUCKET;
    }

    /** Times one audit trail write; failures are counted and rethrown. */
    public void trailWrite(Runnable write) {
        long start = System.nanoTime();
        try {
            write.run();
        } catch (RuntimeException e) {
            trailFailures.increment();
            throw e;
        } finally {
            trailWrite.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** Records how long one audit trail write took (failed or not: see {@link #trailFailure}). */
    public void trailWritten(long nanos) {
        trailWrite.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Counts a trail write that failed (in a request, or outside one, e.g. a lifecycle record). */
    public void trailFailure() {
        trailFailures.increment();
    }

    /** Counts one action of the lifecycle worker ({@code action} as in the access log, e.g. S3.EXPIRE.OBJECT). */
    public void lifecycleAction(String action, String bucket) {
        String b = knownBuckets.contains(bucket) || knownBuckets.size() < MAX_BUCKETS ? bucket : OTHER_BUCKET;
        lifecycleActions
                .computeIfAbsent(
                        new OpBucket(action, b),
                        k -> Counter.builder("rampart.lifecycle.actions")
                                .description(
                                        "Versions expired, delete markers created and uploads aborted by lifecycle rules")
                                .tags("action", k.operation(), "bucket", k.bucket())
                                .register(registry))
                .increment();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}

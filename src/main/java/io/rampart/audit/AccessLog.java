package io.rampart.audit;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3 server access logs: lines of requests on buckets with logging enabled are buffered in memory and delivered
 * periodically as objects {@code TargetPrefix + YYYY-mm-DD-HH-MM-SS-UniqueString} in the target bucket. Like AWS's,
 * the logs are best effort: lines buffered when the process dies are lost (the audit trail is the complete record).
 * The delivery writes do not go through the S3 endpoint, so they are not logged themselves.
 */
public final class AccessLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);
    private static final DateTimeFormatter KEY_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss").withZone(ZoneOffset.UTC);
    /** How long a bucket's logging configuration is cached; PutBucketLogging through this server invalidates at once. */
    private static final long CACHE_MILLIS = 10_000;

    private static final int MAX_CACHED = 10_000;
    /** Lines buffered per target before an early delivery. */
    private static final int MAX_BUFFERED_LINES = 50_000;

    /**
     * Where a source bucket's lines go, and the source bucket owner's canonical id (the line's first field).
     * {@code partitionedPrefix} is null for SimplePrefix keys ({@code prefix + time}); for PartitionedPrefix it is
     * {@code TargetPrefix + SourceAccountId/SourceRegion/SourceBucket/}, and {@code eventTime} says whether the date in
     * the key is the requests' day (EventTime) or the delivery's (DeliveryTime).
     */
    public record Target(
            String ownerCanonicalId, String bucket, String prefix, String partitionedPrefix, boolean eventTime) {
        public Target(String ownerCanonicalId, String bucket, String prefix) {
            this(ownerCanonicalId, bucket, prefix, null, false);
        }
    }

    /** Writes one log object into a bucket, as the service. */
    @FunctionalInterface
    public interface Delivery {
        void put(String bucket, String key, byte[] body) throws Exception;
    }

    private record Cached(Optional<Target> target, long until) {}

    /** One log object's worth of lines: {@code eventDay} set for PartitionedPrefix by EventTime (one object per day). */
    private record Destination(String bucket, String prefix, boolean partitioned, java.time.LocalDate eventDay) {}

    private static final DateTimeFormatter DAY_PATH =
            DateTimeFormatter.ofPattern("yyyy/MM/dd/").withZone(ZoneOffset.UTC);

    private final Function<String, Optional<Target>> lookup;
    private final Delivery delivery;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<Destination, List<String>> buffers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;

    public AccessLog(Function<String, Optional<Target>> lookup, Delivery delivery, Clock clock, Duration every) {
        this.lookup = lookup;
        this.delivery = delivery;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("rampart-access-log").daemon(true).unstarted(r));
        var unused = scheduler.scheduleWithFixedDelay(
                this::deliverSafely, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Buffers the request's line when its bucket has logging enabled. Cheap when it has not (a cached lookup): the entry
     * ({@code request}, its request line and times) is built only for a bucket that logs.
     */
    public void served(RequestFacts facts, java.util.function.Supplier<ServedRequest> request) {
        String bucket = facts.bucket();
        if (bucket == null || bucket.isEmpty()) return;
        String event = facts.eventName();
        if (facts.status() < 300
                && ("PutBucketLogging".equals(event) || "DeleteBucket".equals(event) || "CreateBucket".equals(event))) {
            cache.remove(bucket);
        }
        Optional<Target> target = target(bucket);
        if (target.isEmpty()) return;
        Target t = target.get();
        ServedRequest r = request.get();
        String line = AccessLogFormat.line(r, t.ownerCanonicalId());
        Destination destination = t.partitionedPrefix() == null
                ? new Destination(t.bucket(), t.prefix(), false, null)
                : new Destination(
                        t.bucket(),
                        t.partitionedPrefix(),
                        true,
                        t.eventTime() ? java.time.LocalDate.ofInstant(r.facts().time(), ZoneOffset.UTC) : null);
        List<String> buffer = buffers.computeIfAbsent(destination, d -> new ArrayList<>());
        boolean full;
        synchronized (buffer) {
            buffer.add(line);
            full = buffer.size() >= MAX_BUFFERED_LINES;
        }
        if (full) scheduler.execute(this::deliverSafely);
    }

    private Optional<Target> target(String bucket) {
        long now = System.currentTimeMillis();
        Cached c = cache.get(bucket);
        if (c != null && c.until() > now) return c.target();
        Optional<Target> t;
        try {
            t = lookup.apply(bucket);
        } catch (RuntimeException e) {
            log.warn("could not read the logging configuration of bucket {}: {}", bucket, e.toString());
            return Optional.empty();
        }
        // Made-up bucket names would grow the cache without bound: start over past the cap.
        if (cache.size() >= MAX_CACHED) cache.clear();
        cache.put(bucket, new Cached(t, now + CACHE_MILLIS));
        return t;
    }

    /** Delivers every buffered line now (tests; also at shutdown). */
    public void deliverNow() {
        try {
            scheduler.submit(this::deliverSafely).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            log.warn("access log delivery failed: {}", e.getCause().toString());
        }
    }

    private void deliverSafely() {
        for (Map.Entry<Destination, List<String>> e : buffers.entrySet()) {
            List<String> lines;
            List<String> buffer = e.getValue();
            synchronized (buffer) {
                if (buffer.isEmpty()) continue;
                lines = new ArrayList<>(buffer);
                buffer.clear();
            }
            Destination d = e.getKey();
            StringBuilder body = new StringBuilder(lines.size() * 300);
            for (String l : lines) body.append(l).append('\n');
            String key = key(d, clock.instant());
            try {
                delivery.put(d.bucket(), key, body.toString().getBytes(StandardCharsets.UTF_8));
            } catch (Exception ex) {
                // Best effort, as AWS: a target that is gone or refuses the write loses these lines, loudly.
                log.warn(
                        "could not deliver {} access log line(s) to s3://{}/{}: {}",
                        lines.size(),
                        d.bucket(),
                        key,
                        ex.toString());
            }
        }
    }

    /**
     * SimplePrefix: {@code prefix YYYY-MM-DD-hh-mm-ss-UniqueString}. PartitionedPrefix: {@code prefix
     * SourceAccountId/SourceRegion/SourceBucket/YYYY/MM/DD/YYYY-MM-DD-hh-mm-ss-UniqueString}, dated by the delivery, or by
     * the requests' day with the time 00-00-00 (EventTime), as AWS names them.
     */
    private static String key(Destination d, Instant now) {
        if (!d.partitioned()) return d.prefix() + KEY_TIME.format(now) + "-" + uniqueString();
        if (d.eventDay() == null)
            return d.prefix() + DAY_PATH.format(now) + KEY_TIME.format(now) + "-" + uniqueString();
        Instant day = d.eventDay().atStartOfDay(ZoneOffset.UTC).toInstant();
        return d.prefix() + DAY_PATH.format(day) + KEY_TIME.format(day) + "-" + uniqueString();
    }

    private static String uniqueString() {
        byte[] b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().withUpperCase().formatHex(b);
    }

    @Override
    public void close() {
        try {
            scheduler.execute(this::deliverSafely);
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            return;
        }
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS))
                log.warn("access log delivery did not finish at shutdown");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

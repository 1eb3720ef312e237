package io.rampart.cli.bench;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateBucketConfiguration;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Runs one benchmark against any S3 endpoint with the AWS SDK v2's synchronous Apache client and a pool of platform
 * threads: preflight (reachability, credentials), bucket, preparation of the objects the operation needs, the timed
 * run, and clean-up. Payloads come from one random buffer generated before the clock starts; only the S3 call itself
 * is inside the timed region.
 */
public final class BenchRunner {

    public enum Op {
        PUT,
        GET,
        MIXED,
        LIST,
        DELETE
    }

    /**
     * What to run. {@code duration} zero means "run {@code objects} operations, then stop"; {@code warmup} runs the same
     * workload first, unmeasured, so neither side's JIT compiler is in the figures (not for delete, which would spend its objects).
     */
    public record Config(
            URI endpoint,
            AwsCredentialsProvider credentials,
            String region,
            String bucket,
            Op op,
            long size,
            int objects,
            int concurrency,
            Duration duration,
            Duration warmup,
            boolean sseC,
            boolean keep,
            boolean pathStyle,
            boolean progress,
            List<URI> endpoints) {
        /** Several endpoints (nodes of a cluster): worker i sends to endpoint i modulo their number; the first sets up. */
        public Config {
            endpoints = endpoints == null || endpoints.isEmpty() ? List.of(endpoint) : List.copyOf(endpoints);
        }
    }

    /** A failure that ends the run: its message is the one line the command prints. */
    public static final class FatalException extends Exception {
        private static final long serialVersionUID = 1L;

        public FatalException(String message) {
            super(message);
        }
    }

    private static final int LIST_PAGE = 1000;

    private final Config config;
    private final Progress progress;
    private final String runId;
    private final String prefix;
    private byte[] payload;
    private String sseKey;
    private String sseKeyMd5;

    public BenchRunner(Config config, PrintWriter err) {
        this.config = config;
        this.progress = new Progress(config.progress(), err);
        this.runId = HexFormat.of().formatHex(randomBytes(5));
        this.prefix = "bench-" + runId + "/";
    }

    public BenchReport run() throws FatalException {
        BenchReport report = new BenchReport(config, prefix);
        // Two clients: the measured one never retries (errors are counted, not hidden); the one that sets up and cleans
        // up retries the SDK's standard way, so a connection the server closed does not leave objects behind.
        List<S3Client> measured = new ArrayList<>();
        for (URI e : config.endpoints()) measured.add(client(e, false));
        try (S3Client setup = client(config.endpoint(), true)) {
            S3Client s3 = measured.get(0);
            preflight(s3);
            String bucket = config.bucket() != null ? config.bucket() : "rampart-bench-" + runId;
            boolean created = ensureBucket(setup, bucket);
            report.bucket = bucket;
            report.bucketCreated = created;
            payload = randomBytes((int) config.size());
            if (config.sseC()) {
                byte[] key = randomBytes(32);
                sseKey = Base64.getEncoder().encodeToString(key);
                sseKeyMd5 = Base64.getEncoder().encodeToString(md5(key));
            }
            try {
                List<String> prepared = List.of();
                if (config.op() != Op.PUT) {
                    prepared = prepare(setup, bucket, report);
                }
                if (config.op() != Op.PUT && prepared.isEmpty()) {
                    report.skipped = "no object could be prepared";
                } else {
                    measure(measured, bucket, prepared, report);
                }
            } finally {
                progress.stop();
                if (!config.keep()) {
                    cleanUp(setup, bucket, created, report);
                }
            }
        } finally {
            measured.forEach(S3Client::close);
        }
        return report;
    }

    private S3Client client(URI endpoint, boolean retries) {
        int connections = Math.max(8, config.concurrency() * 2 + 4);
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(config.region()))
                .credentialsProvider(config.credentials())
                .forcePathStyle(config.pathStyle())
                // The bench measures the server: no SDK retries hiding errors or stretching latencies, and no
                // optional CRC32 on every body (the SigV4 payload hash still covers it).
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(
                        retries ? AwsRetryStrategy.standardRetryStrategy() : AwsRetryStrategy.doNotRetry()))
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(connections)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofMinutes(2))
                        .connectionAcquisitionTimeout(Duration.ofMinutes(1))
                        .tcpKeepAlive(true))
                .build();
    }

    private void preflight(S3Client s3) throws FatalException {
        try {
            s3.listBuckets();
        } catch (S3Exception e) {
            if (e.statusCode() == 403 || e.statusCode() == 401) {
                throw new FatalException("credentials rejected by " + config.endpoint() + ": " + describe(e));
            }
            throw new FatalException(config.endpoint() + " answered ListBuckets with " + describe(e));
        } catch (SdkClientException e) {
            throw new FatalException("cannot reach " + config.endpoint() + ": " + rootMessage(e));
        }
    }

    private boolean ensureBucket(S3Client s3, String bucket) throws FatalException {
        try {
            s3.headBucket(b -> b.bucket(bucket));
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw new FatalException("cannot use bucket '" + bucket + "': " + describe(e));
            }
        } catch (SdkClientException e) {
            throw new FatalException("cannot reach " + config.endpoint() + ": " + rootMessage(e));
        }
        try {
            s3.createBucket(b -> {
                b.bucket(bucket);
                if (!"us-east-1".equals(config.region())) {
                    b.createBucketConfiguration(CreateBucketConfiguration.builder()
                            .locationConstraint(config.region())
                            .build());
                }
            });
            return true;
        } catch (S3Exception e) {
            if ("BucketAlreadyOwnedByYou".equals(code(e))) {
                return false;
            }
            throw new FatalException("cannot create bucket '" + bucket + "': " + describe(e));
        } catch (SdkClientException e) {
            throw new FatalException("cannot create bucket '" + bucket + "': " + rootMessage(e));
        }
    }

    // ---------------------------------------------------------------- preparation

    private List<String> prepare(S3Client s3, String bucket, BenchReport report) throws FatalException {
        int n = config.objects();
        String[] keys = new String[n];
        boolean[] ok = new boolean[n];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        OpStats stats = new OpStats("PREPARE");
        progress.start(() -> String.format(
                Locale.ROOT, "preparing %d/%d objects of %s", done.get(), n, Units.formatSize(config.size())));
        long start = System.nanoTime();
        runWorkers(config.concurrency(), worker -> {
            OpStats mine = new OpStats("PREPARE");
            int i;
            while ((i = next.getAndIncrement()) < n) {
                keys[i] = objectKey(i);
                long t0 = System.nanoTime();
                try {
                    s3.putObject(putRequest(bucket, keys[i]), body());
                    mine.success(System.nanoTime() - t0, config.size());
                    ok[i] = true;
                } catch (RuntimeException e) {
                    mine.error(e);
                }
                done.incrementAndGet();
            }
            synchronized (stats) {
                stats.merge(mine);
            }
        });
        progress.stop();
        report.prepare = stats.result(System.nanoTime() - start);
        List<String> prepared = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (ok[i]) {
                prepared.add(keys[i]);
            }
        }
        return prepared;
    }

    // ---------------------------------------------------------------- the timed run

    /** The keys and counters the workers of one run share. */
    private static final class Workload {
        final AtomicLong putSeq = new AtomicLong();
        final ConcurrentLinkedQueue<String> toDelete;
        final ConcurrentLinkedDeque<String> mixedPuts = new ConcurrentLinkedDeque<>();
        final String[] getKeys;
        final LongAdder liveOps = new LongAdder();
        final LongAdder liveBytes = new LongAdder();
        final LongAdder liveErrors = new LongAdder();

        Workload(Op op, List<String> prepared) {
            toDelete = new ConcurrentLinkedQueue<>(op == Op.DELETE ? prepared : List.of());
            getKeys = prepared.toArray(String[]::new);
        }
    }

    private void measure(List<S3Client> s3, String bucket, List<String> prepared, BenchReport report)
            throws FatalException {
        Workload w = new Workload(config.op(), prepared);
        if (!config.warmup().isZero() && config.op() != Op.DELETE) {
            long warmEnd = System.nanoTime() + config.warmup().toNanos();
            progress.start(() -> String.format(Locale.ROOT, "warming up: %d ops", w.liveOps.sum()));
            Map<String, OpStats> warm = phase(s3, bucket, w, warmEnd, new AtomicLong(Long.MAX_VALUE));
            progress.stop();
            report.warmupOps =
                    warm.values().stream().mapToLong(s -> s.latencies.count()).sum();
            w.liveOps.reset();
            w.liveBytes.reset();
            w.liveErrors.reset();
        }
        boolean timed = !config.duration().isZero();
        long budget = config.op() == Op.DELETE ? prepared.size() : config.objects();
        AtomicLong remaining = new AtomicLong(timed ? Long.MAX_VALUE : budget);

        var os = ManagementFactory.getOperatingSystemMXBean();
        com.sun.management.OperatingSystemMXBean sunOs =
                os instanceof com.sun.management.OperatingSystemMXBean s ? s : null;
        double[] loadSum = new double[1];
        int[] loadSamples = new int[1];
        if (sunOs != null) {
            sunOs.getProcessCpuLoad(); // the first call only primes the measurement
        }
        long cpu0 = sunOs == null ? -1 : sunOs.getProcessCpuTime();
        long start = System.nanoTime();
        long deadline = timed ? start + config.duration().toNanos() : Long.MAX_VALUE;
        long[] lastOps = {0};
        long[] lastAt = {start};
        progress.start(() -> {
            long now = System.nanoTime();
            long ops = w.liveOps.sum();
            double rate = (ops - lastOps[0]) / Math.max(1e-9, (now - lastAt[0]) / 1e9);
            lastOps[0] = ops;
            lastAt[0] = now;
            if (sunOs != null) {
                double load = sunOs.getProcessCpuLoad();
                if (load >= 0) {
                    loadSum[0] += load;
                    loadSamples[0]++;
                }
            }
            double secs = (now - start) / 1e9;
            String of = timed
                    ? String.format(Locale.ROOT, "/%.0fs", config.duration().toMillis() / 1e3)
                    : "";
            return String.format(
                    Locale.ROOT,
                    "%s %s  %.0fs%s  %d ops  %.0f ops/s  %.1f MB/s  %d errors",
                    config.op().name().toLowerCase(Locale.ROOT),
                    Units.formatSize(config.size()),
                    secs,
                    of,
                    ops,
                    rate,
                    w.liveBytes.sum() / 1e6 / Math.max(1e-9, secs),
                    w.liveErrors.sum());
        });
        Map<String, OpStats> total = phase(s3, bucket, w, deadline, remaining);
        long elapsed = System.nanoTime() - start;
        long cpu1 = sunOs == null ? -1 : sunOs.getProcessCpuTime();
        progress.stop();
        if (sunOs != null && loadSamples[0] == 0) {
            double load = sunOs.getProcessCpuLoad();
            if (load >= 0) {
                loadSum[0] += load;
                loadSamples[0]++;
            }
        }
        report.elapsedNanos = elapsed;
        for (String name : List.of("PUT", "GET", "HEAD", "LIST", "DELETE")) {
            OpStats s = total.get(name);
            if (s != null) {
                report.results.put(name, s.result(elapsed));
            }
        }
        report.availableProcessors = Runtime.getRuntime().availableProcessors();
        report.clientCpuNanos = cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0;
        report.clientCpuLoadAvg = loadSamples[0] == 0 ? -1 : loadSum[0] / loadSamples[0];
    }

    /** Runs the workers until {@code deadline} or until {@code remaining} operations are spent; returns their merged stats. */
    private Map<String, OpStats> phase(
            List<S3Client> clients, String bucket, Workload w, long deadline, AtomicLong remaining)
            throws FatalException {
        Map<String, OpStats> total = new LinkedHashMap<>();
        runWorkers(config.concurrency(), worker -> {
            S3Client s3 = clients.get(worker % clients.size());
            Map<String, OpStats> mine = new LinkedHashMap<>();
            byte[] buffer = new byte[(int) Math.min(256 * 1024, Math.max(8 * 1024, config.size()))];
            SplittableRandom random =
                    new SplittableRandom(ThreadLocalRandom.current().nextLong());
            Op op = config.op();
            while (System.nanoTime() < deadline && remaining.getAndDecrement() > 0) {
                try {
                    switch (op) {
                        case PUT -> {
                            String key = objectKey((int) (w.putSeq.getAndIncrement() % config.objects()));
                            long t0 = System.nanoTime();
                            s3.putObject(putRequest(bucket, key), body());
                            record(mine, "PUT", t0, config.size(), w);
                        }
                        case GET -> {
                            long t0 = System.nanoTime();
                            long n = get(s3, bucket, w.getKeys[random.nextInt(w.getKeys.length)], buffer);
                            record(mine, "GET", t0, n, w);
                        }
                        case LIST -> {
                            long t0 = System.nanoTime();
                            ListObjectsV2Response r = s3.listObjectsV2(ListObjectsV2Request.builder()
                                    .bucket(bucket)
                                    .prefix(prefix)
                                    .maxKeys(LIST_PAGE)
                                    .build());
                            record(mine, "LIST", t0, 0, w);
                            mine.get("LIST")
                                    .items(r.keyCount() == null ? r.contents().size() : r.keyCount());
                        }
                        case DELETE -> {
                            String key = w.toDelete.poll();
                            if (key != null) {
                                long t0 = System.nanoTime();
                                s3.deleteObject(b -> b.bucket(bucket).key(key));
                                record(mine, "DELETE", t0, 0, w);
                            }
                        }
                        case MIXED -> mixed(s3, bucket, w, random, buffer, mine);
                        default -> throw new IllegalStateException(op.name());
                    }
                } catch (OpFailure f) {
                    w.liveErrors.increment();
                    mine.computeIfAbsent(f.op, OpStats::new).error(f.getCause());
                } catch (RuntimeException e) {
                    w.liveErrors.increment();
                    mine.computeIfAbsent(op.name(), OpStats::new).error(e);
                }
                if (op == Op.DELETE && w.toDelete.isEmpty()) {
                    break;
                }
            }
            synchronized (total) {
                mine.forEach((k, v) -> total.computeIfAbsent(k, OpStats::new).merge(v));
            }
        });
        return total;
    }

    /** Mixed: 60% GET of prepared objects, 25% PUT of new keys, 10% HEAD, 5% DELETE of a key this run put. */
    private void mixed(
            S3Client s3, String bucket, Workload w, SplittableRandom random, byte[] buffer, Map<String, OpStats> mine) {
        String[] getKeys = w.getKeys;
        ConcurrentLinkedDeque<String> mixedPuts = w.mixedPuts;
        AtomicLong putSeq = w.putSeq;
        int dice = random.nextInt(100);
        String deleteKey = dice >= 95 ? mixedPuts.pollFirst() : null;
        if (dice < 60) {
            long t0 = System.nanoTime();
            long n = attempt("GET", () -> get(s3, bucket, getKeys[random.nextInt(getKeys.length)], buffer));
            record(mine, "GET", t0, n, w);
        } else if (dice < 70) {
            String key = getKeys[random.nextInt(getKeys.length)];
            long t0 = System.nanoTime();
            attempt("HEAD", () -> s3.headObject(headRequest(bucket, key)).contentLength());
            record(mine, "HEAD", t0, 0, w);
        } else if (dice < 95 || deleteKey == null) {
            String key = prefix + "mixed/" + String.format(Locale.ROOT, "%010d", putSeq.getAndIncrement());
            long t0 = System.nanoTime();
            attempt("PUT", () -> {
                s3.putObject(putRequest(bucket, key), body());
                return 0L;
            });
            record(mine, "PUT", t0, config.size(), w);
            mixedPuts.addLast(key);
        } else {
            long t0 = System.nanoTime();
            attempt("DELETE", () -> {
                s3.deleteObject(b -> b.bucket(bucket).key(deleteKey));
                return 0L;
            });
            record(mine, "DELETE", t0, 0, w);
        }
    }

    private interface Call {
        long run();
    }

    /** Tags a failure with the operation it belongs to, for the mixed workload. */
    private static final class OpFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String op;

        OpFailure(String op, RuntimeException cause) {
            super(cause);
            this.op = op;
        }
    }

    private static long attempt(String op, Call call) {
        try {
            return call.run();
        } catch (RuntimeException e) {
            throw new OpFailure(op, e);
        }
    }

    private static void record(Map<String, OpStats> mine, String name, long t0, long bytes, Workload w) {
        long latency = System.nanoTime() - t0;
        mine.computeIfAbsent(name, OpStats::new).success(latency, bytes);
        w.liveOps.increment();
        w.liveBytes.add(bytes);
    }

    private long get(S3Client s3, String bucket, String key, byte[] buffer) {
        GetObjectRequest.Builder b = GetObjectRequest.builder().bucket(bucket).key(key);
        if (sseKey != null) {
            b.sseCustomerAlgorithm("AES256").sseCustomerKey(sseKey).sseCustomerKeyMD5(sseKeyMd5);
        }
        long n = 0;
        try (InputStream in = s3.getObject(b.build())) {
            int r;
            while ((r = in.read(buffer)) >= 0) {
                n += r;
            }
        } catch (java.io.IOException e) {
            throw SdkClientException.create("reading GET body: " + e.getMessage(), e);
        }
        if (n != config.size()) {
            throw SdkClientException.create("GET returned " + n + " bytes instead of " + config.size());
        }
        return n;
    }

    private PutObjectRequest putRequest(String bucket, String key) {
        PutObjectRequest.Builder b =
                PutObjectRequest.builder().bucket(bucket).key(key).contentLength(config.size());
        if (sseKey != null) {
            b.sseCustomerAlgorithm("AES256").sseCustomerKey(sseKey).sseCustomerKeyMD5(sseKeyMd5);
        }
        return b.build();
    }

    private HeadObjectRequest headRequest(String bucket, String key) {
        HeadObjectRequest.Builder b = HeadObjectRequest.builder().bucket(bucket).key(key);
        if (sseKey != null) {
            b.sseCustomerAlgorithm("AES256").sseCustomerKey(sseKey).sseCustomerKeyMD5(sseKeyMd5);
        }
        return b.build();
    }

    /** The shared random payload, streamed without a copy (RequestBody.fromBytes would copy it on every call). */
    private RequestBody body() {
        byte[] p = payload;
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(p), p.length, "application/octet-stream");
    }

    private String objectKey(int i) {
        return prefix + String.format(Locale.ROOT, "obj-%08d", i);
    }

    // ---------------------------------------------------------------- clean-up

    private void cleanUp(S3Client s3, String bucket, boolean deleteBucket, BenchReport report) {
        try {
            AtomicLong deleted = new AtomicLong();
            progress.start(() -> "cleaning up: " + deleted.get() + " objects deleted");
            String token = null;
            boolean batch = true;
            do {
                String t = token;
                ListObjectsV2Response page = s3.listObjectsV2(
                        b -> b.bucket(bucket).prefix(prefix).maxKeys(1000).continuationToken(t));
                List<String> keys = page.contents().stream().map(S3Object::key).toList();
                if (batch && !keys.isEmpty()) {
                    try {
                        DeleteObjectsResponse r = s3.deleteObjects(b -> b.bucket(bucket)
                                .delete(Delete.builder()
                                        .quiet(true)
                                        .objects(keys.stream()
                                                .map(k -> ObjectIdentifier.builder()
                                                        .key(k)
                                                        .build())
                                                .toList())
                                        .build()));
                        if (!r.errors().isEmpty()) {
                            throw new IllegalStateException(
                                    "DeleteObjects left " + r.errors().size() + " objects, first: "
                                            + r.errors().get(0).code() + " "
                                            + r.errors().get(0).key());
                        }
                        deleted.addAndGet(keys.size());
                    } catch (S3Exception e) {
                        batch = false; // the endpoint has no DeleteObjects: one by one below
                    }
                }
                if (!batch && !keys.isEmpty()) {
                    ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(keys);
                    runWorkers(config.concurrency(), w -> {
                        String k;
                        while ((k = queue.poll()) != null) {
                            String key = k;
                            s3.deleteObject(b -> b.bucket(bucket).key(key));
                            deleted.incrementAndGet();
                        }
                    });
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
            if (deleteBucket) {
                s3.deleteBucket(b -> b.bucket(bucket));
            }
            report.cleanedUp = true;
        } catch (RuntimeException | FatalException e) {
            report.cleanupError = e instanceof S3Exception s ? describe(s) : rootMessage(e);
        } finally {
            progress.stop();
        }
    }

    // ---------------------------------------------------------------- helpers

    private interface Worker {
        void run(int index) throws Exception;
    }

    /** Runs {@code n} platform threads to completion; a worker that throws ends the run with its message. */
    private static void runWorkers(int n, Worker body) throws FatalException {
        List<Thread> threads = new ArrayList<>(n);
        Throwable[] failure = new Throwable[1];
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < n; i++) {
            int index = i;
            Thread t = new Thread(
                    () -> {
                        try {
                            go.await();
                            body.run(index);
                        } catch (Throwable e) {
                            synchronized (failure) {
                                if (failure[0] == null) {
                                    failure[0] = e;
                                }
                            }
                        }
                    },
                    "bench-worker-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FatalException("interrupted");
            }
        }
        if (failure[0] != null) {
            throw new FatalException(failure[0] instanceof S3Exception s ? describe(s) : rootMessage(failure[0]));
        }
    }

    static String code(Throwable e) {
        if (e instanceof S3Exception s3) {
            String c =
                    s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            return c == null || c.isBlank() ? "HTTP" + s3.statusCode() : c;
        }
        if (e instanceof SdkServiceException s) {
            return "HTTP" + s.statusCode();
        }
        if (e instanceof SdkClientException) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root == e ? "ClientError" : "Client:" + root.getClass().getSimpleName();
        }
        return e.getClass().getSimpleName();
    }

    static String describe(S3Exception e) {
        String message =
                e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        return code(e) + " (HTTP " + e.statusCode() + ")"
                + (message == null || message.isBlank() ? "" : ": " + message);
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        if (m == null || m.isBlank()) {
            m = root.getClass().getSimpleName();
        }
        return m.replace('\n', ' ');
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SplittableRandom(System.nanoTime() ^ ThreadLocalRandom.current().nextLong()).nextBytes(b);
        return b;
    }

    private static byte[] md5(byte[] b) {
        try {
            return MessageDigest.getInstance("MD5").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A one-line, self-overwriting status on stderr, refreshed every second while a phase runs. */
    static final class Progress {
        private final boolean enabled;
        private final PrintWriter err;
        private Thread thread;

        Progress(boolean enabled, PrintWriter err) {
            this.enabled = enabled;
            this.err = err;
        }

        synchronized void start(java.util.function.Supplier<String> line) {
            stop();
            if (!enabled) {
                return;
            }
            thread = new Thread(
                    () -> {
                        try {
                            while (!Thread.currentThread().isInterrupted()) {
                                TimeUnit.SECONDS.sleep(1);
                                String s = line.get();
                                err.print("\r" + s + "\u001b[K");
                                err.flush();
                            }
                        } catch (InterruptedException e) {
                            // stopped
                        }
                    },
                    "bench-progress");
            thread.setDaemon(true);
            thread.start();
        }

        synchronized void stop() {
            if (thread != null) {
                thread.interrupt();
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                thread = null;
                err.print("\r\u001b[K");
                err.flush();
            }
        }
    }
}

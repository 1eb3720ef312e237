package io.rampart.guard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.s3.model.Bucket;

/** A posture scan: the account-wide checks, then every bucket's (a few at a time), optionally with an SSE-C inventory. */
public final class Guard {
    static final int BUCKET_CONCURRENCY = 8;

    /**
     * What to scan. {@code buckets} empty means every bucket the caller can list; {@code now} dates key ages;
     * {@code manifests} S3 Inventory manifest.json locations (s3://bucket/key) to use for the buckets they list.
     */
    public record Options(List<String> buckets, boolean inventory, Instant now, List<String> manifests) {
        public Options(List<String> buckets, boolean inventory, Instant now) {
            this(buckets, inventory, now, List.of());
        }
    }

    /** The scan: account id, checks in a stable order, and what was read of each bucket (for --fix). */
    public record Scan(String endpoint, String accountId, List<Check> checks, List<BucketChecks.Result> buckets) {
        public Report report() {
            return new Report(endpoint, accountId, checks);
        }
    }

    private final Target target;
    private final Progress progress;
    private volatile Inventory inventory;

    public Guard(Target target, Progress progress) {
        this.target = target;
        this.progress = progress;
    }

    public Scan scan(Options options) {
        String account = accountId();
        PolicyProbes probes = new PolicyProbes(account, options.now());
        List<Check> checks = new ArrayList<>();

        List<String> names = options.buckets();
        if (names.isEmpty()) {
            // Listing buckets is the one read guard cannot do without: a failure here is the whole scan's failure.
            Read<List<String>> listed = Read.of(
                    "s3:ListAllMyBuckets",
                    () -> target.s3.listBucketsPaginator().buckets().stream()
                            .map(Bucket::name)
                            .toList());
            if (!(listed instanceof Read.Got<List<String>> g)) {
                throw new IllegalStateException(
                        "cannot list the buckets: " + listed.why() + "; name them with --bucket");
            }
            names = g.value();
        } else {
            for (String name : names) {
                Read<Boolean> exists = Read.of(
                        "s3:ListBucket",
                        java.util.Set.of("NoSuchBucket"),
                        () -> target.s3.headBucket(b -> b.bucket(name)) != null);
                // HEAD has no error body: a 404 is the bucket's absence (a 403 leaves the checks to say what is
                // missing).
                if (exists instanceof Read.Absent<Boolean>
                        || (exists instanceof Read.Failed<Boolean> f
                                && f.detail().contains("404"))) {
                    throw new IllegalArgumentException("no such bucket '" + name + "'");
                }
            }
        }
        Optional<RampartApi> rampart = RampartApi.detect(target);
        this.inventory = new Inventory(target.s3, progress, manifests(options.manifests()), rampart, target.isAws());
        progress.show("account checks (IAM, CloudTrail, Organizations)", true);
        checks.addAll(new AccountChecks(target, probes, account, options.now(), rampart.isPresent()).all());
        rampart.ifPresent(api -> checks.addAll(RampartChecks.of(api, target.describe())));

        List<BucketChecks.Result> results = scanBuckets(names, options.inventory(), probes);
        for (BucketChecks.Result r : results) checks.addAll(r.checks());
        progress.done();
        return new Scan(target.describe(), account, checks, results);
    }

    List<BucketChecks.Result> scanBuckets(List<String> names, boolean inventory, PolicyProbes probes) {
        BucketChecks bucketChecks = new BucketChecks(target.s3, probes, target.isAws());
        Inventory inv = this.inventory;
        AtomicInteger done = new AtomicInteger();
        Semaphore slots = new Semaphore(BUCKET_CONCURRENCY);
        List<Future<BucketChecks.Result>> futures = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String name : names) {
                futures.add(pool.submit(() -> {
                    slots.acquireUninterruptibly();
                    try {
                        Optional<Inventory.Result> found = inventory ? Optional.of(inv.scan(name)) : Optional.empty();
                        return bucketChecks.check(name, found);
                    } finally {
                        slots.release();
                        progress.show("buckets " + done.incrementAndGet() + "/" + names.size(), true);
                    }
                }));
            }
            List<BucketChecks.Result> out = new ArrayList<>();
            for (var f : futures) out.add(f.get());
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    /** The manifests named with --inventory-manifest, by the bucket each lists; IllegalArgumentException when one is unreadable. */
    private Map<String, InventoryReports.Manifest> manifests(List<String> locations) {
        Map<String, InventoryReports.Manifest> out = new HashMap<>();
        InventoryReports reports = new InventoryReports(target.s3);
        for (String uri : locations) {
            String[] bk = InventoryReports.parseS3Uri(uri);
            Read<InventoryReports.Manifest> m = reports.read(bk[0], bk[1]);
            if (!(m instanceof Read.Got<InventoryReports.Manifest> g)) {
                throw new IllegalArgumentException("cannot read --inventory-manifest " + uri + ": " + m.why());
            }
            out.put(g.value().sourceBucket(), g.value());
        }
        return out;
    }

    /** How the last scan found SSE-C objects (--fix asks again on buckets scanned without --inventory). */
    Inventory inventory() {
        return inventory;
    }

    /** The caller's account (STS GetCallerIdentity); "000000000000" when the endpoint cannot say. */
    String accountId() {
        Read<String> id = Read.of(
                "sts:GetCallerIdentity", () -> target.sts.getCallerIdentity().account());
        return id instanceof Read.Got<String> g && g.value() != null ? g.value() : "000000000000";
    }

    Target target() {
        return target;
    }
}

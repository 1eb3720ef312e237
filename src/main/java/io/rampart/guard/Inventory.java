package io.rampart.guard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * Every version's encryption, current and noncurrent: ListObjectVersions, then HeadObject on each version (bounded
 * concurrency). An SSE-C version answers HEAD without its key with 400, as S3 does; that answer is the finding.
 */
final class Inventory {
    static final int CONCURRENCY = 16;
    private static final int EVIDENCE_LIMIT = 10;

    /** One SSE-C version. */
    record SseCVersion(String key, String versionId, boolean latest, Instant lastModified) {
        @Override public String toString() {
            return key + " (version " + versionId + (latest ? ", current" : ", noncurrent") + ", " + lastModified + ")";
        }
    }

    /** What the inventory found; {@code denied} names the missing permission when some HEADs were refused. */
    record Result(int versions, List<SseCVersion> sseC, Map<String, Integer> byEncryption, int denied, String deniedDetail,
                  String failure) {
        Check check(String bucket) {
            String res = BucketChecks.arn(bucket);
            if (failure != null) return Check.unknown(Rule.SSEC_OBJECTS, res, failure, "");
            if (!sseC.isEmpty()) {
                StringBuilder ev = new StringBuilder(sseC.size() + " of " + versions + " versions are SSE-C: ");
                ev.append(String.join(", ", sseC.stream().limit(EVIDENCE_LIMIT).map(Object::toString).toList()));
                if (sseC.size() > EVIDENCE_LIMIT) ev.append(", … (").append(sseC.size() - EVIDENCE_LIMIT).append(" more)");
                return Check.fail(Rule.SSEC_OBJECTS, res, ev.toString(),
                        "only the holder of each customer key can read these versions: if the keys are not yours, restore the "
                                + "versions written before them (rampart restore, or aws s3api copy-object --copy-source "
                                + bucket + "/KEY?versionId=PREVIOUS --key KEY); if they are yours, copy each to SSE-S3 with "
                                + "its key, then block SSE-C");
            }
            if (denied > 0) {
                return Check.unknown(Rule.SSEC_OBJECTS, res, denied + " of " + versions + " versions could not be read: permission "
                        + "s3:GetObjectVersion missing (" + deniedDetail + ")", "grant s3:GetObject and s3:GetObjectVersion to "
                        + "the auditing principal and re-run");
            }
            return Check.pass(Rule.SSEC_OBJECTS, res, versions + " versions, none SSE-C " + byEncryption);
        }
    }

    private final S3Client s3;
    private final Progress progress;

    Inventory(S3Client s3, Progress progress) {
        this.s3 = s3;
        this.progress = progress;
    }

    Result scan(String bucket) {
        List<ObjectVersion> versions = new ArrayList<>();
        Read<Integer> listed = Read.of("s3:ListBucketVersions", () -> {
            for (var page : s3.listObjectVersionsPaginator(b -> b.bucket(bucket))) {
                versions.addAll(page.versions());
                progress.show("inventory " + bucket + ": listed " + versions.size() + " versions", false);
            }
            return versions.size();
        });
        if (!(listed instanceof Read.Got<Integer>)) return new Result(0, List.of(), Map.of(), 0, "", listed.why());

        ConcurrentLinkedQueue<SseCVersion> sseC = new ConcurrentLinkedQueue<>();
        Map<String, Integer> byEnc = new TreeMap<>();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger denied = new AtomicInteger();
        AtomicReference<String> deniedDetail = new AtomicReference<>("");
        AtomicReference<String> failure = new AtomicReference<>();
        Semaphore slots = new Semaphore(CONCURRENCY);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (ObjectVersion v : versions) {
                slots.acquireUninterruptibly();
                pool.execute(() -> {
                    try {
                        String enc = head(bucket, v, sseC, denied, deniedDetail);
                        synchronized (byEnc) {
                            byEnc.merge(enc, 1, Integer::sum);
                        }
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, "HeadObject " + v.key() + ": " + e.getMessage());
                    } finally {
                        slots.release();
                        progress.show("inventory " + bucket + ": " + done.incrementAndGet() + "/" + versions.size()
                                + " versions, " + sseC.size() + " SSE-C", false);
                    }
                });
            }
        }
        List<SseCVersion> found = new ArrayList<>(sseC);
        found.sort(java.util.Comparator.comparing(SseCVersion::key).thenComparing(SseCVersion::lastModified));
        return new Result(versions.size(), found, byEnc, denied.get(), deniedDetail.get(), failure.get());
    }

    private String head(String bucket, ObjectVersion v, ConcurrentLinkedQueue<SseCVersion> sseC, AtomicInteger denied,
                        AtomicReference<String> deniedDetail) {
        SseCVersion found = new SseCVersion(v.key(), v.versionId(), Boolean.TRUE.equals(v.isLatest()), v.lastModified());
        try {
            HeadObjectResponse h = s3.headObject(b -> b.bucket(bucket).key(v.key()).versionId(v.versionId()));
            if (h.sseCustomerAlgorithm() != null) {
                sseC.add(found);
                return "SSE-C";
            }
            return h.serverSideEncryption() == null ? "none" : h.serverSideEncryptionAsString();
        } catch (AwsServiceException e) {
            if (e.statusCode() == 400) {
                // S3 refuses HEAD of an SSE-C object without its key with 400 Bad Request (no body).
                sseC.add(found);
                return "SSE-C";
            }
            if (e.statusCode() == 403) {
                denied.incrementAndGet();
                deniedDetail.set("HTTP 403 on HeadObject");
                return "unreadable";
            }
            throw e;
        }
    }
}

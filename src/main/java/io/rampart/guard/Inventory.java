package io.rampart.guard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /** One SSE-C version; {@code writer} who wrote it, when the trail says (else empty). */
    record SseCVersion(String key, String versionId, boolean latest, Instant lastModified, String writer) {
        SseCVersion(String key, String versionId, boolean latest, Instant lastModified) {
            this(key, versionId, latest, lastModified, "");
        }

        SseCVersion withWriter(String w) {
            return new SseCVersion(key, versionId, latest, lastModified, w);
        }

        @Override
        public String toString() {
            return key + " (version " + versionId + (latest ? ", current" : ", noncurrent") + ", " + lastModified
                    + (writer.isEmpty() ? "" : ", written by " + writer) + ")";
        }
    }

    /**
     * What the inventory found; {@code denied} names the missing permission when some HEADs were refused; {@code source}
     * says how (HEAD of each version or an S3 Inventory report); {@code writers} why writers are unknown, if they are.
     */
    record Result(
            int versions,
            List<SseCVersion> sseC,
            Map<String, Integer> byEncryption,
            int denied,
            String deniedDetail,
            String failure,
            String source,
            String writers) {
        Result(
                int versions,
                List<SseCVersion> sseC,
                Map<String, Integer> byEncryption,
                int denied,
                String deniedDetail,
                String failure) {
            this(versions, sseC, byEncryption, denied, deniedDetail, failure, HEAD_SOURCE, "");
        }

        Result with(String src, String writerNote, List<SseCVersion> found) {
            return new Result(versions, found, byEncryption, denied, deniedDetail, failure, src, writerNote);
        }

        Check check(String bucket) {
            String res = BucketChecks.arn(bucket);
            if (failure != null) return Check.unknown(Rule.SSEC_OBJECTS, res, failure, "");
            if (!sseC.isEmpty()) {
                StringBuilder ev =
                        new StringBuilder(sseC.size() + " of " + versions + " versions are SSE-C (" + source + "): ");
                ev.append(String.join(
                        ", ",
                        sseC.stream()
                                .limit(EVIDENCE_LIMIT)
                                .map(Object::toString)
                                .toList()));
                if (sseC.size() > EVIDENCE_LIMIT)
                    ev.append(", … (").append(sseC.size() - EVIDENCE_LIMIT).append(" more)");
                if (!writers.isEmpty()) ev.append("; writers UNKNOWN: ").append(writers);
                return Check.fail(
                        Rule.SSEC_OBJECTS,
                        res,
                        ev.toString(),
                        "only the holder of each customer key can read these versions: if the keys are not yours, restore the "
                                + "versions written before them (rampart restore, or aws s3api copy-object --copy-source "
                                + bucket
                                + "/KEY?versionId=PREVIOUS --key KEY); if they are yours, copy each to SSE-S3 with "
                                + "its key, then block SSE-C");
            }
            if (denied > 0) {
                return Check.unknown(
                        Rule.SSEC_OBJECTS,
                        res,
                        denied + " of " + versions + " versions could not be read: permission "
                                + "s3:GetObjectVersion missing (" + deniedDetail + ")",
                        "grant s3:GetObject and s3:GetObjectVersion to " + "the auditing principal and re-run");
            }
            return Check.pass(
                    Rule.SSEC_OBJECTS, res, versions + " versions, none SSE-C " + byEncryption + " (" + source + ")");
        }
    }

    static final String HEAD_SOURCE = "HeadObject of every version";

    private final S3Client s3;
    private final Progress progress;
    private final InventoryReports reports;
    private final Map<String, InventoryReports.Manifest> manifests;
    private final Optional<RampartApi> rampart;
    private final boolean aws;

    /**
     * @param manifests S3 Inventory manifests named explicitly, by the bucket they list
     * @param rampart   the endpoint's admin API when it is a Rampart (writers from its trail)
     * @param aws       talking to AWS itself
     */
    Inventory(
            S3Client s3,
            Progress progress,
            Map<String, InventoryReports.Manifest> manifests,
            Optional<RampartApi> rampart,
            boolean aws) {
        this.s3 = s3;
        this.progress = progress;
        this.reports = new InventoryReports(s3);
        this.manifests = Map.copyOf(manifests);
        this.rampart = rampart;
        this.aws = aws;
    }

    /** Every version's encryption, from an S3 Inventory report when there is a usable one, else by HEAD; then the SSE-C writers. */
    Result scan(String bucket) {
        String note;
        Read<Optional<InventoryReports.Manifest>> report = manifests.containsKey(bucket)
                ? new Read.Got<>(Optional.of(manifests.get(bucket)))
                : reports.configured(bucket);
        Result r = null;
        if (report instanceof Read.Got<Optional<InventoryReports.Manifest>> g
                && g.value().isPresent()) {
            InventoryReports.Manifest m = g.value().get();
            try {
                r = fromReport(bucket, m);
                note = "";
            } catch (RuntimeException e) {
                note = "; the S3 Inventory report " + m.location() + " was unreadable (" + e.getMessage() + ")";
            }
        } else if (report instanceof Read.Denied<Optional<InventoryReports.Manifest>> d) {
            // Not fatal: HEAD finds the same, only slower. Said so the owner can grant it.
            note = "; S3 Inventory reports not read: permission " + d.action() + " missing";
        } else {
            note = "";
        }
        if (r == null) {
            r = heads(bucket);
            if (!note.isEmpty()) r = r.with(HEAD_SOURCE + note, r.writers(), r.sseC());
        }
        return r.sseC().isEmpty() ? r : writers(bucket, r);
    }

    /** The versions of an S3 Inventory report (delete markers are not versions with data). */
    Result fromReport(String bucket, InventoryReports.Manifest m) {
        if (!m.hasEncryptionStatus()) throw new IllegalStateException("it has no EncryptionStatus column");
        List<SseCVersion> sseC = new ArrayList<>();
        Map<String, Integer> byEnc = new TreeMap<>();
        int[] versions = {0};
        reports.rows(m, row -> {
            if (row.deleteMarker()) return;
            versions[0]++;
            byEnc.merge(row.encryption(), 1, Integer::sum);
            if (row.encryption().equals("SSE-C"))
                sseC.add(new SseCVersion(row.key(), row.versionId(), row.latest(), row.lastModified()));
            progress.show("inventory " + bucket + ": " + versions[0] + " versions from the S3 Inventory report", false);
        });
        sseC.sort(java.util.Comparator.comparing(SseCVersion::key).thenComparing(SseCVersion::lastModified));
        return new Result(
                versions[0],
                sseC,
                byEnc,
                0,
                "",
                null,
                "S3 Inventory report " + m.location() + " of " + m.created() + "; versions written since are not in it",
                "");
    }

    /** Who wrote each SSE-C version: Rampart's trail through its admin API; elsewhere the reason it cannot be said. */
    Result writers(String bucket, Result r) {
        if (rampart.isEmpty()) {
            return r.with(
                    r.source(),
                    aws
                            ? "CloudTrail LookupEvents returns management events only; S3 data events (PutObject, "
                                    + "CopyObject) are in the trail's log files in S3 or in CloudTrail Lake: search them for these version ids"
                            : "the endpoint has no audit trail guard can read",
                    r.sseC());
        }
        Read<com.fasterxml.jackson.databind.JsonNode> writes = rampart.get().sseCWrites(bucket);
        if (!(writes instanceof Read.Got<com.fasterxml.jackson.databind.JsonNode> g)) {
            String why = writes instanceof Read.Denied<?> d
                    ? RampartApi.ADMIN_ACTION + " refused this caller (" + d.detail() + ")"
                    : writes.why();
            return r.with(r.source(), why, r.sseC());
        }
        // Oldest first: in a bucket never versioned (version "null", no x-amz-version-id) the last write of a key wins.
        Map<String, String> byVersion = new java.util.HashMap<>();
        for (var w : g.value().path("writes")) {
            String v = w.path("versionId").asText();
            byVersion.put(
                    w.path("key").asText() + "\u0000" + (v.isEmpty() ? "null" : v),
                    w.path("principal").asText()
                            + (w.path("accessKeyId").asText().isEmpty()
                                    ? ""
                                    : " with key " + w.path("accessKeyId").asText())
                            + " ("
                            + w.path("eventName").asText() + " at "
                            + w.path("eventTime").asText() + " from "
                            + w.path("sourceIPAddress").asText() + ")");
        }
        List<SseCVersion> found = new ArrayList<>();
        int unknown = 0;
        for (SseCVersion v : r.sseC()) {
            String w = byVersion.get(v.key() + "\u0000" + v.versionId());
            if (w == null) unknown++;
            found.add(w == null ? v : v.withWriter(w));
        }
        String note = unknown == 0
                ? ""
                : unknown + " version(s) have no write record in the trail"
                        + (g.value().path("truncated").asBoolean()
                                ? " (over " + 10_000 + " SSE-C writes in the trail; the first were read)"
                                : "");
        return r.with(r.source(), note, found);
    }

    /** ListObjectVersions, then HeadObject on each version. */
    Result heads(String bucket) {
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
                        progress.show(
                                "inventory " + bucket + ": " + done.incrementAndGet() + "/" + versions.size()
                                        + " versions, " + sseC.size() + " SSE-C",
                                false);
                    }
                });
            }
        }
        List<SseCVersion> found = new ArrayList<>(sseC);
        found.sort(java.util.Comparator.comparing(SseCVersion::key).thenComparing(SseCVersion::lastModified));
        return new Result(versions.size(), found, byEnc, denied.get(), deniedDetail.get(), failure.get());
    }

    private String head(
            String bucket,
            ObjectVersion v,
            ConcurrentLinkedQueue<SseCVersion> sseC,
            AtomicInteger denied,
            AtomicReference<String> deniedDetail) {
        SseCVersion found =
                new SseCVersion(v.key(), v.versionId(), Boolean.TRUE.equals(v.isLatest()), v.lastModified());
        try {
            HeadObjectResponse h =
                    s3.headObject(b -> b.bucket(bucket).key(v.key()).versionId(v.versionId()));
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

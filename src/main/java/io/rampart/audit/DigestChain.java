package io.rampart.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trail's digest chain: every digest interval (and at a clean stop) a digest file listing the log files sealed
 * since the previous one, chained to it by hash and signature and signed SHA256withRSA over CloudTrail's signing
 * string, with the key the database keeps ({@link TrailAnchor}), which also records each digest written. Owns the
 * check at start-up of the trail against what the database recorded, the new chain begun after a break, and the
 * signing key's rotation. Runs on the trail's sealer thread (and at start-up); shares {@link TrailState} with the
 * sealer, both changing it holding its monitor.
 */
final class DigestChain {
    private static final Logger log = LoggerFactory.getLogger(DigestChain.class);

    private final TrailLayout layout;
    private final TrailWriter.Options options;
    private final Clock clock;
    private final TrailState state;
    private final TrailAnchor anchor;
    /** Complete at once when the key pair exists; on a first start, created in the background (see TrailKeys). */
    private volatile TrailKeys.Pending keys;
    /** Why the trail did not match what the database recorded at start-up; null when it did. */
    private volatile String integrityBreak;

    DigestChain(
            TrailLayout layout,
            TrailWriter.Options options,
            Clock clock,
            TrailKeys.Pending keys,
            TrailState state,
            TrailAnchor anchor) {
        this.layout = layout;
        this.options = options;
        this.clock = clock;
        this.keys = keys;
        this.state = state;
        this.anchor = anchor;
    }

    /**
     * At start-up: compares the trail with the database's record and either finishes the digest a crash interrupted
     * or, when something went backwards or vanished, begins a new chain recording {@code problem} (or what the
     * comparison found).
     */
    void open(String unreadableState, boolean stateExisted) throws IOException {
        synchronized (state) {
            String problem = unreadableState != null
                    ? unreadableState
                    : keys.creating() && anchor.head().isPresent()
                            ? "the trail signing key is gone from the database, though it recorded digests up to "
                                    + anchor.head().get().digestObject()
                            : checkAgainstAnchor(stateExisted);
            if (problem == null) {
                finishPendingDigest();
                if (!stateExisted) state.save(layout.state());
            } else {
                startNewChain(problem);
            }
        }
    }

    /** See {@link TrailWriter#integrityBreak}. */
    Optional<String> integrityBreak() {
        return Optional.ofNullable(integrityBreak);
    }

    /** On a first start, the signing key being created. */
    Optional<CompletableFuture<TrailKeys>> createdKey() {
        TrailKeys.Pending k = keys;
        return k.creating() ? Optional.of(k.whenReady()) : Optional.empty();
    }

    /** The signing key pair, waiting for its creation on a first start. */
    TrailKeys keys() {
        try {
            return keys.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new IllegalStateException("the trail signing key could not be created", e.getCause());
        }
    }

    /** When the newest digest ended (or the trail began): the next digest is due an interval later. */
    Instant lastEnd() {
        synchronized (state) {
            return state.lastDigest != null
                    ? Instant.parse(state.lastDigest.path("endTime").asText())
                    : state.created;
        }
    }

    /** Starts a key rotation and writes the digest that announces it now. */
    String rotateSigningKey() throws IOException {
        synchronized (state) {
            if (anchor.next().isEmpty())
                anchor.store(TrailKeys.generate(), TrailAnchor.KeyStatus.NEXT, clock.instant());
            return digest(clock.instant(), false);
        }
    }

    // ---------------------------------------------------------------- integrity against the database

    /**
     * Compares the trail with the newest digest the database recorded; returns what went backwards or vanished, or
     * null. A state.json newer than the database (a restored database) is accepted when its digest file is intact.
     */
    private String checkAgainstAnchor(boolean stateExisted) throws IOException {
        Optional<TrailAnchor.Head> recorded = anchor.head();
        if (state.pendingDigest != null) {
            // A digest prepared before a crash is written as it stands: only when our own key signed it.
            String forged = unsignedPendingDigest();
            if (forged != null) return forged;
        }
        if (recorded.isEmpty()) {
            // First start, or a trail from before the database kept its head: nothing to compare with yet.
            if (state.lastDigest != null && state.pendingDigest == null) adoptStateHead();
            return null;
        }
        TrailAnchor.Head head = recorded.get();
        String when = head.digestObject() + " (end " + head.digestEnd() + ")";
        if (!stateExisted) return "state.json is missing; the database recorded the newest digest " + when;
        ObjectNode last = state.pendingDigest != null ? pendingAsLast(state.pendingDigest) : state.lastDigest;
        if (last == null) return "state.json names no digest; the database recorded the newest digest " + when;
        Instant stateEnd = Instant.parse(last.path("endTime").asText());
        if (stateEnd.isBefore(head.digestEnd().truncatedTo(ChronoUnit.SECONDS))) {
            return "the trail went backwards: state.json's newest digest ends " + stateEnd + ", the database recorded "
                    + when;
        }
        boolean sameDigest = last.path("s3Object").asText().equals(head.digestObject());
        if (sameDigest && state.pendingDigest != null) return null;
        Path file = layout.resolve(head.digestObject());
        if (!Files.exists(file)) return "the newest digest the database recorded is missing: " + when;
        String hash;
        try {
            hash = TrailLayout.sha256Hex(TrailLayout.gunzip(file));
        } catch (IOException e) {
            return "the newest digest the database recorded is unreadable: " + when;
        }
        if (!hash.equals(head.hash())) return "the newest digest the database recorded was modified: " + when;
        for (JsonNode l :
                CloudTrailRecord.JSON.readTree(TrailLayout.gunzip(file)).path("logFiles")) {
            String logObject = l.path("s3Object").asText();
            if (!Files.exists(layout.resolve(logObject))) {
                return "the log file " + logObject + " listed in the newest digest the database recorded is missing: "
                        + when;
            }
        }
        if (!sameDigest && state.pendingDigest == null) {
            log.warn(
                    "the trail's state names a digest newer than the database recorded ({} after {}); the database "
                            + "was probably restored from a backup: recording the trail's newest digest",
                    last.path("s3Object").asText(),
                    when);
            adoptStateHead();
        }
        return null;
    }

    private static ObjectNode pendingAsLast(ObjectNode pending) throws IOException {
        JsonNode content =
                CloudTrailRecord.JSON.readTree(pending.path("content").asText());
        ObjectNode last = JsonNodeFactory.instance.objectNode();
        last.put("s3Object", pending.path("s3Object").asText());
        last.put("endTime", content.path("digestEndTime").asText());
        return last;
    }

    /** Null when the digest state.json holds for a redo is signed by the trail's key; else why it is not. */
    private String unsignedPendingDigest() {
        try {
            ObjectNode p = state.pendingDigest;
            byte[] content = p.path("content").asText().getBytes(StandardCharsets.UTF_8);
            JsonNode d = CloudTrailRecord.JSON.readTree(content);
            String prev = d.path("previousDigestSignature").isNull()
                    ? null
                    : d.path("previousDigestSignature").asText(null);
            String signing = DigestSigning.signingString(
                    d.path("digestEndTime").asText(),
                    d.path("digestS3Bucket").asText(),
                    p.path("s3Object").asText(),
                    TrailLayout.sha256Hex(content),
                    prev);
            if (p.path("s3Object").asText().equals(d.path("digestS3Object").asText())
                    && TrailKeys.verify(
                            keys().publicKey(), signing, p.path("signature").asText())) {
                return null;
            }
        } catch (IOException | RuntimeException e) {
            // Unreadable: not ours either.
        }
        return "state.json holds a digest to finish that the trail's signing key did not sign";
    }

    /** Records state.json's newest digest in the database when its file is intact (the first start with the anchor). */
    private void adoptStateHead() throws IOException {
        String object = state.lastDigest.path("s3Object").asText();
        Path file = layout.resolve(object);
        if (!Files.exists(file)) return;
        String hash = TrailLayout.sha256Hex(TrailLayout.gunzip(file));
        if (!hash.equals(state.lastDigest.path("hashValue").asText())) return;
        anchor.recordHead(new TrailAnchor.Head(
                object, Instant.parse(state.lastDigest.path("endTime").asText()), hash, options.digestEvery(), false));
    }

    /**
     * The trail no longer matches the database: says so loudly, forgets the state the trail directory held (it cannot
     * be trusted) and begins a new chain at once, its first digest recording the break and what the database knew.
     */
    private void startNewChain(String problem) throws IOException {
        Instant now = clock.instant();
        log.error(
                "AUDIT TRAIL TAMPERED OR LOST: {}. Starting a new digest chain that records the break; run "
                        + "'rampart trail validate' to see what is missing.",
                problem);
        ObjectNode br = JsonNodeFactory.instance.objectNode();
        br.put("detectedTime", CloudTrailRecord.EVENT_TIME.format(now));
        br.put("reason", problem);
        anchor.head().ifPresent(h -> {
            br.put("lastRecordedDigestS3Object", h.digestObject());
            br.put("lastRecordedDigestEndTime", CloudTrailRecord.EVENT_TIME.format(h.digestEnd()));
            br.put("lastRecordedDigestHashValue", h.hash());
        });
        // Never before the recorded head: the new chain's first digest must not take an old digest's name.
        Instant headEnd = anchor.head().map(TrailAnchor.Head::digestEnd).orElse(now);
        state.created = headEnd.isAfter(now) ? headEnd : now;
        state.lastDigest = null;
        state.pendingLogs = JsonNodeFactory.instance.arrayNode();
        state.pendingDigest = null;
        state.chainBreak = br;
        state.save(layout.state());
        integrityBreak = problem;
        digest(state.created, false);
    }

    /** Prepares a rotation (announced by the digest being written) when the current key has signed for {@link TrailWriter#KEY_LIFETIME}. */
    private void rotateWhenDue(Instant now) {
        for (TrailAnchor.KeyRecord k : anchor.keys()) {
            if (k.status() == TrailAnchor.KeyStatus.NEXT) return;
        }
        for (TrailAnchor.KeyRecord k : anchor.keys()) {
            if (k.status() == TrailAnchor.KeyStatus.CURRENT
                    && !k.validFrom().equals(Instant.EPOCH)
                    && k.validFrom().plus(TrailWriter.KEY_LIFETIME).isBefore(now)) {
                anchor.store(TrailKeys.generate(), TrailAnchor.KeyStatus.NEXT, now);
                log.info(
                        "the trail signing key {} has signed for {} days: the next digest announces its successor",
                        k.fingerprint(),
                        TrailWriter.KEY_LIFETIME.toDays());
            }
        }
    }

    /**
     * Writes the digest covering every log file sealed since the previous digest, chained to and signed after it;
     * {@code stopping} for the last one before a clean stop (the database notes that no newer digest is due).
     */
    String digest(Instant now, boolean stopping) throws IOException {
        synchronized (state) {
            return digestLocked(now, stopping);
        }
    }

    private String digestLocked(Instant now, boolean stopping) throws IOException {
        finishPendingDigest();
        rotateWhenDue(now);
        Instant start = state.lastDigest != null
                ? Instant.parse(state.lastDigest.path("endTime").asText())
                : state.created;
        start = start.truncatedTo(ChronoUnit.SECONDS);
        Instant end = now.truncatedTo(ChronoUnit.SECONDS);
        // Digest names have one-second resolution: never reuse the previous one's.
        if (!end.isAfter(start)) end = start.plusSeconds(1);
        String object =
                TrailLayout.digestObject(options.account(), options.region(), options.trailName(), end, options.node());
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("awsAccountId", options.account());
        d.put("digestStartTime", CloudTrailRecord.EVENT_TIME.format(start));
        d.put("digestEndTime", CloudTrailRecord.EVENT_TIME.format(end));
        d.put("digestS3Bucket", options.bucketName());
        d.put("digestS3Object", object);
        d.put("digestPublicKeyFingerprint", keys().fingerprint());
        d.put("digestSignatureAlgorithm", TrailKeys.ALGORITHM);
        String newest = null;
        String oldest = null;
        for (JsonNode l : state.pendingLogs) {
            String n = l.path("newestEventTime").asText();
            String o = l.path("oldestEventTime").asText();
            if (newest == null || n.compareTo(newest) > 0) newest = n;
            if (oldest == null || o.compareTo(oldest) < 0) oldest = o;
        }
        d.put("newestEventTime", newest);
        d.put("oldestEventTime", oldest);
        ObjectNode prev = state.lastDigest;
        d.put("previousDigestS3Bucket", prev == null ? null : options.bucketName());
        d.put(
                "previousDigestS3Object",
                prev == null ? null : prev.path("s3Object").asText());
        d.put(
                "previousDigestHashValue",
                prev == null ? null : prev.path("hashValue").asText());
        d.put("previousDigestHashAlgorithm", prev == null ? null : "SHA-256");
        String prevSignature = prev == null ? null : prev.path("signature").asText();
        d.put("previousDigestSignature", prevSignature);
        ArrayNode logs = d.putArray("logFiles");
        state.pendingLogs.forEach(logs::add);
        // Rampart's additions (CloudTrail has no field for them): the successor key, announced under the current key's
        // signature, and the break a new chain began with.
        Optional<TrailKeys> next = anchor.next();
        next.ifPresent(k -> {
            d.put("nextDigestPublicKeyFingerprint", k.fingerprint());
            d.put(
                    "nextDigestPublicKey",
                    java.util.Base64.getEncoder().encodeToString(k.publicKey().getEncoded()));
        });
        if (state.chainBreak != null) d.set("chainBreak", state.chainBreak);
        byte[] content = CloudTrailRecord.JSON.writeValueAsBytes(d);
        String hash = TrailLayout.sha256Hex(content);
        String signature = keys().sign(DigestSigning.signingString(
                CloudTrailRecord.EVENT_TIME.format(end), options.bucketName(), object, hash, prevSignature));
        // Redo record first: if the process dies before the files are written, the next start writes them.
        ObjectNode pending = JsonNodeFactory.instance.objectNode();
        pending.put("s3Object", object);
        pending.put("content", new String(content, StandardCharsets.UTF_8));
        pending.put("signature", signature);
        pending.put("stopped", stopping);
        ObjectNode last = JsonNodeFactory.instance.objectNode();
        last.put("s3Object", object);
        last.put("signature", signature);
        last.put("hashValue", hash);
        last.put("endTime", end.toString());
        state.pendingDigest = pending;
        state.lastDigest = last;
        state.pendingLogs = JsonNodeFactory.instance.arrayNode();
        state.chainBreak = null;
        state.save(layout.state());
        finishPendingDigest();
        return object;
    }

    void finishPendingDigest() throws IOException {
        synchronized (state) {
            finishPendingDigestLocked();
        }
    }

    private void finishPendingDigestLocked() throws IOException {
        ObjectNode p = state.pendingDigest;
        if (p == null) return;
        String object = p.path("s3Object").asText();
        byte[] content = p.path("content").asText().getBytes(StandardCharsets.UTF_8);
        Durable.write(layout.resolve(object), TrailLayout.gzip(content));
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        meta.put("signature", p.path("signature").asText());
        meta.put("signature-algorithm", TrailKeys.ALGORITHM);
        Durable.write(
                layout.resolve(object + TrailLayout.SIGNATURE_SUFFIX), CloudTrailRecord.JSON.writeValueAsBytes(meta));
        // The database learns of the digest only once its files are durable; a redo after a crash records it again.
        JsonNode d = CloudTrailRecord.JSON.readTree(content);
        Instant end = Instant.parse(d.path("digestEndTime").asText());
        anchor.recordHead(new TrailAnchor.Head(
                object,
                end,
                TrailLayout.sha256Hex(content),
                options.digestEvery(),
                p.path("stopped").asBoolean(false)));
        if (d.hasNonNull("nextDigestPublicKeyFingerprint")) {
            anchor.completeRotation(end);
            TrailKeys signer =
                    anchor.current().orElseThrow(() -> new IOException("the trail's new signing key is gone"));
            keys = TrailKeys.Pending.of(signer);
            log.info(
                    "the trail signing key is now {}; keep its public key with the previous one:\n{}",
                    signer.fingerprint(),
                    TrailKeys.pem(signer.publicKey()));
        }
        state.pendingDigest = null;
        state.save(layout.state());
    }
}

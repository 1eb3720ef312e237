package io.rampart.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a trail the way {@code aws cloudtrail validate-logs} does: walks the digest chain from the newest digest
 * back through previousDigestS3Object, verifies each digest's SHA256withRSA signature over CloudTrail's signing string
 * with a trusted public key (pinned: given by the operator, or recorded in the database, never a file of the trail
 * directory; a key the chain announces under a trusted key's signature is trusted from then on), checks each listed
 * log file's SHA-256, and reports log files that no digest vouches for, every stretch of the requested time that no
 * digest covers (digests are written every interval, also when nothing happened), a chain that began after a break,
 * and truncation: the newest digest the database recorded missing or changed. Reads files only: the server may run.
 *
 * <p>A directory several nodes write into (or a copy of the bucket their files are delivered to) holds one chain per
 * node: each is checked on its own, against that node's record in the database, and every result names its node, so
 * a node whose files were removed is reported even while the other nodes' chains are whole. Digests from before node
 * ids belong to the node whose chain continues from them.
 */
public final class TrailValidator {
    /** How late a digest may be before its hour is reported missing. */
    static final Duration GRACE = Duration.ofMinutes(10);

    public enum Status {
        VALID("valid", false),
        PENDING("pending", false),
        MODIFIED("modified", true),
        DELETED("deleted", true),
        MISSING("missing", true),
        OUT_OF_CHAIN("out-of-chain", true),
        INVALID("invalid", true),
        BREAK("chain-break", true),
        STOPPED("stopped", false);

        private final String label;
        private final boolean problem;

        Status(String label, boolean problem) {
            this.label = label;
            this.problem = problem;
        }

        public String label() {
            return label;
        }

        public boolean problem() {
            return problem;
        }
    }

    /**
     * One checked file or time span: {@code kind} "log", "digest" or "hour"; {@code time} what the range filters on;
     * {@code node} the node whose chain it belongs to ("" for a trail from before node ids).
     */
    public record Result(String kind, String file, Status status, String detail, Instant time, String node) {
        public Result(String kind, String file, Status status, String detail, Instant time) {
            this(kind, file, status, detail, time, "");
        }
    }

    /** The range checked: as requested, or from the oldest digest and up to now. */
    public record Report(List<Result> results, Instant from, Instant to) {
        public boolean clean() {
            return results.stream().noneMatch(r -> r.status().problem());
        }

        /** The nodes whose chains were checked, in order. */
        public List<String> nodes() {
            return results.stream().map(Result::node).distinct().sorted().toList();
        }

        /** The results of one node's chain. */
        public List<Result> of(String node) {
            return results.stream().filter(r -> r.node().equals(node)).toList();
        }

        public long count(String kind, Status status) {
            return results.stream()
                    .filter(r -> r.kind().equals(kind) && r.status() == status)
                    .count();
        }
    }

    private record Digest(String object, JsonNode json, byte[] content, String signature) {
        Instant end() {
            return parse(json.path("digestEndTime").asText());
        }

        Instant start() {
            return parse(json.path("digestStartTime").asText());
        }
    }

    /** A key trusted for digests that end within [from, to] (either may be null: unbounded), and where trust came from. */
    private record TrustedKey(PublicKey key, Instant from, Instant to, String source) {
        boolean covers(Instant t) {
            return t == null || ((from == null || !t.isBefore(from)) && (to == null || !t.isAfter(to)));
        }
    }

    /**
     * What the validator trusts: the operator's pinned public keys when given (then only those), else the keys the
     * database recorded; and the database's record of the newest digest, when there is one.
     */
    public record Trust(List<PublicKey> pinned, TrailAnchor.Recorded recorded) {
        public static Trust recorded(TrailAnchor.Recorded recorded) {
            return new Trust(List.of(), recorded);
        }

        public static Trust pinned(List<PublicKey> keys, TrailAnchor.Recorded recorded) {
            return new Trust(List.copyOf(keys), recorded);
        }
    }

    private final TrailLayout layout;
    private final Trust trust;

    public TrailValidator(TrailLayout layout, Trust trust) {
        this.layout = layout;
        this.trust = trust;
    }

    public Report validate(Instant from, Instant to) throws IOException {
        return validate(from, to, Instant.now());
    }

    public Report validate(Instant from, Instant to, Instant now) throws IOException {
        List<Result> out = new ArrayList<>();
        Map<String, TrustedKey> keys = new HashMap<>();
        if (!trust.pinned().isEmpty()) {
            for (PublicKey k : trust.pinned())
                keys.put(TrailKeys.fingerprint(k), new TrustedKey(k, null, null, "pinned"));
        } else {
            for (TrailAnchor.KeyRecord k : trust.recorded().keys()) {
                keys.put(
                        k.fingerprint(),
                        new TrustedKey(
                                k.publicKey(),
                                k.validFrom().equals(Instant.EPOCH) ? null : k.validFrom(),
                                k.validTo(),
                                "recorded in the database"));
            }
        }
        Map<String, Digest> all = new HashMap<>();
        for (String object : layout.digestFiles()) {
            Path file = layout.resolve(object);
            try {
                byte[] content = TrailLayout.gunzip(file);
                JsonNode json = CloudTrailRecord.JSON.readTree(content);
                Path sig = layout.resolve(object + TrailLayout.SIGNATURE_SUFFIX);
                String signature = Files.exists(sig)
                        ? CloudTrailRecord.JSON
                                .readTree(sig.toFile())
                                .path("signature")
                                .asText(null)
                        : null;
                all.put(object, new Digest(object, json, content, signature));
            } catch (IOException | RuntimeException e) {
                out.add(new Result(
                        "digest",
                        object,
                        Status.INVALID,
                        "unreadable: " + e.getMessage(),
                        stampOf(object),
                        TrailLayout.nodeOf(object)));
            }
        }
        learnRotations(all, keys);
        Map<String, String> nodeOf = nodesOf(all);
        // Every node the database, the files or the directory knows: a node whose files are all gone still has a head.
        Set<String> nodes = new java.util.TreeSet<>(trust.recorded().heads().keySet());
        nodes.addAll(nodeOf.values());
        for (String object : layout.logFiles()) nodes.add(TrailLayout.nodeOf(object));
        nodes.addAll(layout.nodeDirs());
        if (Files.exists(layout.state(""))) nodes.add("");
        // A node's own layout: its chain (and the one it continued from before node ids), not its neighbours'.
        layout.node().ifPresent(own -> nodes.removeIf(n -> !n.equals(own) && !n.isEmpty()));
        Set<String> referenced = new HashSet<>();
        Map<String, TrailState> states = new HashMap<>();
        Instant rangeFrom = null;
        for (String node : nodes) {
            Map<String, Digest> digests = new HashMap<>();
            all.forEach((object, d) -> {
                if (nodeOf.get(object).equals(node)) digests.put(object, d);
            });
            TrailState state = TrailState.peek(layout.state(node));
            if (state != null) states.put(node, state);
            List<Result> mine = new ArrayList<>();
            Instant nodeFrom = validateChain(
                    digests,
                    Optional.ofNullable(trust.recorded().heads().get(node)),
                    state,
                    keys,
                    from,
                    to,
                    now,
                    mine,
                    referenced);
            for (Result r : mine) out.add(new Result(r.kind(), r.file(), r.status(), r.detail(), r.time(), node));
            if (rangeFrom == null || nodeFrom.isBefore(rangeFrom)) rangeFrom = nodeFrom;
        }
        if (rangeFrom == null) rangeFrom = from != null ? from : now;
        Instant rangeTo = to != null ? to : now;
        for (String object : layout.logFiles()) {
            if (referenced.contains(object)) continue;
            String node = TrailLayout.nodeOf(object);
            TrailState state = states.get(node);
            if (node.isEmpty()) {
                // A file from before node ids that a node sealed when it took the trail over: that node's next digest.
                for (Map.Entry<String, TrailState> e : states.entrySet()) {
                    if (e.getValue().pending(object)) {
                        node = e.getKey();
                        state = e.getValue();
                    }
                }
            }
            boolean pending = state != null && state.pending(object);
            out.add(new Result(
                    "log",
                    object,
                    pending ? Status.PENDING : Status.OUT_OF_CHAIN,
                    pending
                            ? "sealed after the last digest; the next digest will sign it"
                            : "no digest lists this file",
                    stampOf(object),
                    node));
        }
        Set<String> seen = new HashSet<>();
        List<Result> filtered = out.stream()
                .filter(r -> r.time() == null
                        || ((from == null || !r.time().isBefore(from))
                                && (to == null || !r.time().isAfter(to))))
                .filter(r -> r.status() != Status.MISSING || seen.add(r.node() + " " + r.kind() + " " + r.file()))
                .sorted(Comparator.comparing(Result::node)
                        .thenComparing((Result r) -> r.time() == null ? Instant.MAX : r.time())
                        .thenComparing(Result::file))
                .toList();
        return new Report(filtered, rangeFrom, rangeTo);
    }

    /**
     * The node of every digest: the one its name carries; for a digest from before node ids, the node whose chain
     * continues from it ("" when none does).
     */
    private static Map<String, String> nodesOf(Map<String, Digest> digests) {
        Map<String, String> out = new HashMap<>();
        for (String object : digests.keySet()) out.put(object, TrailLayout.nodeOf(object));
        List<Digest> newestFirst = new ArrayList<>(digests.values());
        newestFirst.sort(Comparator.comparing(
                        (Digest d) -> d.json().path("digestEndTime").asText())
                .reversed());
        for (Digest d : newestFirst) {
            String node = out.get(d.object());
            if (node.isEmpty()) continue;
            Digest current = d;
            Set<String> walked = new HashSet<>();
            while (walked.add(current.object())) {
                JsonNode prev = current.json().get("previousDigestS3Object");
                if (prev == null || prev.isNull()) break;
                Digest previous = digests.get(prev.asText());
                if (previous == null || !TrailLayout.nodeOf(previous.object()).isEmpty()) break;
                if (!out.get(previous.object()).isEmpty()) break;
                out.put(previous.object(), node);
                current = previous;
            }
        }
        return out;
    }

    /** Checks one node's chain; returns where its range begins. */
    private Instant validateChain(
            Map<String, Digest> digests,
            Optional<TrailAnchor.Head> head,
            TrailState state,
            Map<String, TrustedKey> keys,
            Instant from,
            Instant to,
            Instant now,
            List<Result> out,
            Set<String> referenced) {
        // Truncation first: of the reports naming the same missing digest, this one says the most.
        Duration every = head.map(TrailAnchor.Head::digestEvery).orElse(Duration.ofHours(1));
        head.ifPresent(h -> {
            Digest d = digests.get(h.digestObject());
            if (d == null) {
                out.add(new Result(
                        "digest",
                        h.digestObject(),
                        Status.MISSING,
                        "truncated: the newest digest the database " + "recorded (end " + h.digestEnd() + ") is gone",
                        h.digestEnd()));
            } else if (!TrailLayout.sha256Hex(d.content()).equals(h.hash())) {
                out.add(new Result(
                        "digest",
                        h.digestObject(),
                        Status.INVALID,
                        "hash differs from the one the database recorded for the newest digest",
                        h.digestEnd()));
            }
        });
        Set<String> visited = new HashSet<>();
        // The state file names the newest digest: if that digest is gone, the chain's head was dropped.
        if (state != null && state.lastDigest != null && state.pendingDigest == null) {
            String newest = state.lastDigest.path("s3Object").asText();
            if (!digests.containsKey(newest) && !Files.exists(layout.resolve(newest))) {
                out.add(new Result(
                        "digest",
                        newest,
                        Status.MISSING,
                        "the newest digest the trail wrote is gone",
                        stampOf(newest)));
            }
        }
        List<Digest> byEnd = new ArrayList<>(digests.values());
        byEnd.sort(Comparator.comparing(
                        (Digest d) -> d.json().path("digestEndTime").asText())
                .reversed());
        for (Digest chainHead : byEnd) {
            if (visited.contains(chainHead.object())) continue;
            Digest current = chainHead;
            Digest newer = null;
            while (current != null && visited.add(current.object())) {
                checkDigest(current, newer, keys, out, referenced);
                JsonNode prev = current.json().get("previousDigestS3Object");
                if (prev == null || prev.isNull()) break;
                Digest previous = digests.get(prev.asText());
                if (previous == null) {
                    if (!Files.exists(layout.resolve(prev.asText()))) {
                        out.add(new Result(
                                "digest",
                                prev.asText(),
                                Status.MISSING,
                                "referenced by " + fileName(current.object()) + " but absent",
                                stampOf(prev.asText())));
                    }
                    break;
                }
                newer = current;
                current = previous;
            }
        }
        Instant rangeFrom = from;
        if (rangeFrom == null) {
            rangeFrom = digests.values().stream()
                    .map(Digest::start)
                    .filter(java.util.Objects::nonNull)
                    .min(Comparator.naturalOrder())
                    .orElse(head.map(TrailAnchor.Head::digestEnd).orElse(now));
        }
        Instant rangeTo = to != null ? to : now;
        // A node that never wrote a digest (and of which nothing says it did) has no time to account for yet.
        if (!digests.isEmpty() || head.isPresent() || (state != null && state.lastDigest != null))
            uncovered(digests, rangeFrom, rangeTo, every, head, out);
        return rangeFrom;
    }

    /**
     * A key announced (nextDigestPublicKey) by a digest that a trusted key signed is trusted from that digest's end;
     * the announcing key is trusted only up to it. Oldest first, so that a chain of rotations is followed.
     */
    private static void learnRotations(Map<String, Digest> digests, Map<String, TrustedKey> keys) {
        List<Digest> byEnd = new ArrayList<>(digests.values());
        byEnd.sort(Comparator.comparing(
                (Digest d) -> d.json().path("digestEndTime").asText()));
        for (Digest d : byEnd) {
            JsonNode j = d.json();
            if (!j.hasNonNull("nextDigestPublicKey") || d.signature() == null) continue;
            String signerFp = j.path("digestPublicKeyFingerprint").asText();
            TrustedKey signer = keys.get(signerFp);
            if (signer == null
                    || !signer.covers(d.end())
                    || !TrailKeys.verify(signer.key(), signingString(d), d.signature())) continue;
            PublicKey announced;
            try {
                announced = TrailAnchor.publicKey(java.util.Base64.getDecoder()
                        .decode(j.path("nextDigestPublicKey").asText()));
            } catch (java.sql.SQLException | IllegalArgumentException e) {
                continue;
            }
            String fp = TrailKeys.fingerprint(announced);
            if (!fp.equals(j.path("nextDigestPublicKeyFingerprint").asText())) continue;
            keys.putIfAbsent(fp, new TrustedKey(announced, d.end(), null, "announced by " + fileName(d.object())));
            Instant until = signer.to() == null || d.end().isBefore(signer.to()) ? d.end() : signer.to();
            keys.put(signerFp, new TrustedKey(signer.key(), signer.from(), until, signer.source()));
        }
    }

    private static String signingString(Digest d) {
        JsonNode j = d.json();
        String prevSig = j.path("previousDigestSignature").isNull()
                ? null
                : j.path("previousDigestSignature").asText(null);
        return DigestSigning.signingString(
                j.path("digestEndTime").asText(),
                j.path("digestS3Bucket").asText(),
                j.path("digestS3Object").asText(),
                TrailLayout.sha256Hex(d.content()),
                prevSig);
    }

    /**
     * Every stretch of [from, to] no digest covers, one result per hour (or part of one). The stretch after the newest
     * digest is not reported while its digest is not due yet, nor when the database says the server stopped cleanly
     * after that digest.
     */
    private static void uncovered(
            Map<String, Digest> digests,
            Instant from,
            Instant to,
            Duration every,
            Optional<TrailAnchor.Head> head,
            List<Result> out) {
        if (!from.isBefore(to)) return;
        List<Instant[]> spans = new ArrayList<>();
        for (Digest d : digests.values()) {
            if (d.start() != null
                    && d.end() != null
                    && d.object().equals(d.json().path("digestS3Object").asText())) {
                spans.add(new Instant[] {d.start(), d.end()});
            }
        }
        spans.sort(Comparator.comparing((Instant[] a) -> a[0]));
        Instant newestEnd =
                spans.stream().map(a -> a[1]).max(Comparator.naturalOrder()).orElse(null);
        List<Instant[]> gaps = new ArrayList<>();
        Instant cursor = from;
        // Before the first digest of the trail (one that chains to nothing and records no break) there was no trail.
        Digest oldest = digests.values().stream()
                .filter(d -> d.start() != null)
                .min(Comparator.comparing(Digest::start))
                .orElse(null);
        if (oldest != null
                && oldest.json().path("previousDigestS3Object").isNull()
                && !oldest.json().hasNonNull("chainBreak")
                && oldest.start().isAfter(cursor)) {
            cursor = oldest.start();
        }
        for (Instant[] span : spans) {
            if (span[0].isAfter(cursor)) gaps.add(new Instant[] {cursor, span[0].isBefore(to) ? span[0] : to});
            if (span[1].isAfter(cursor)) cursor = span[1];
            if (!cursor.isBefore(to)) break;
        }
        if (cursor.isBefore(to)) gaps.add(new Instant[] {cursor, to});
        for (Instant[] gap : gaps) {
            if (!gap[1].isAfter(gap[0]) || Duration.between(gap[0], gap[1]).compareTo(Duration.ofSeconds(2)) < 0)
                continue;
            boolean trailing = gap[1].equals(to) && newestEnd != null && !gap[0].isBefore(newestEnd);
            if (trailing) {
                if (Duration.between(gap[0], gap[1]).compareTo(every.plus(GRACE)) <= 0) continue;
                if (head.isPresent()
                        && head.get().stopped()
                        && digests.containsKey(head.get().digestObject())
                        && !head.get()
                                .digestEnd()
                                .isBefore(newestEnd.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))) {
                    out.add(new Result(
                            "hour",
                            gap[0] + " .. " + gap[1],
                            Status.STOPPED,
                            "the server stopped cleanly at " + head.get().digestEnd()
                                    + "; no digest is due until it starts",
                            gap[0]));
                    continue;
                }
            }
            for (Instant t = gap[0]; t.isBefore(gap[1]); t = t.plus(Duration.ofHours(1))) {
                Instant end = t.plus(Duration.ofHours(1)).isBefore(gap[1]) ? t.plus(Duration.ofHours(1)) : gap[1];
                out.add(new Result(
                        "hour",
                        t + " .. " + end,
                        Status.MISSING,
                        trailing
                                ? "no digest covers this time: the newest digests were removed or the server stopped writing them"
                                : "no digest covers this time",
                        t));
            }
        }
    }

    private void checkDigest(
            Digest d, Digest newer, Map<String, TrustedKey> keys, List<Result> out, Set<String> referenced) {
        JsonNode j = d.json();
        String end = j.path("digestEndTime").asText();
        Instant time = parse(end);
        String problem = null;
        if (!d.object().equals(j.path("digestS3Object").asText())) {
            problem = "moved: it says it is " + j.path("digestS3Object").asText();
        } else if (d.signature() == null) {
            problem = "no signature (" + fileName(d.object()) + TrailLayout.SIGNATURE_SUFFIX + " is missing)";
        } else {
            String fp = j.path("digestPublicKeyFingerprint").asText();
            TrustedKey key = keys.get(fp);
            if (key == null) {
                problem = Files.exists(layout.keys().resolve(fp + ".pub"))
                        ? "signed by key " + fp + ", which is not trusted: it is only in "
                                + layout.keys().getFileName()
                                + "/, where anyone with file access can put a key; only pinned keys and rotations the chain "
                                + "records are trusted"
                        : "signed by key " + fp
                                + ", which is not trusted (not pinned, no rotation in the chain names it)";
            } else if (!key.covers(time)) {
                problem = "signed by key " + fp + " outside the time it was valid (" + key.from() + " .. " + key.to()
                        + ")";
            } else if (!TrailKeys.verify(key.key(), signingString(d), d.signature())) {
                problem = "signature does not match the content";
            }
        }
        if (problem == null && newer != null) {
            JsonNode nj = newer.json();
            if (!TrailLayout.sha256Hex(d.content())
                    .equals(nj.path("previousDigestHashValue").asText())) {
                problem = "hash differs from the one " + fileName(newer.object()) + " recorded";
            } else if (!d.signature().equals(nj.path("previousDigestSignature").asText())) {
                problem = "signature differs from the one " + fileName(newer.object()) + " recorded";
            }
        }
        out.add(new Result(
                "digest",
                d.object(),
                problem == null ? Status.VALID : Status.INVALID,
                problem == null ? "signature valid" : problem,
                time));
        if (j.hasNonNull("chainBreak")) {
            JsonNode b = j.path("chainBreak");
            out.add(new Result(
                    "digest",
                    d.object(),
                    Status.BREAK,
                    "a new chain began here after the server found at "
                            + b.path("detectedTime").asText() + ": "
                            + b.path("reason").asText(),
                    time));
        }
        for (JsonNode log : j.path("logFiles")) {
            String object = log.path("s3Object").asText();
            referenced.add(object);
            Instant logTime = parse(log.path("newestEventTime").asText());
            Path file = layout.resolve(object);
            if (!Files.exists(file)) {
                out.add(new Result(
                        "log", object, Status.DELETED, "listed in " + fileName(d.object()) + " but absent", logTime));
                continue;
            }
            String hash;
            try {
                hash = TrailLayout.sha256Hex(TrailLayout.gunzip(file));
            } catch (IOException | RuntimeException e) {
                out.add(new Result("log", object, Status.MODIFIED, "unreadable: " + e.getMessage(), logTime));
                continue;
            }
            boolean ok = hash.equals(log.path("hashValue").asText());
            out.add(new Result(
                    "log",
                    object,
                    ok ? Status.VALID : Status.MODIFIED,
                    ok
                            ? "hash matches " + fileName(d.object())
                            : "SHA-256 differs from the one " + fileName(d.object()) + " signed",
                    logTime));
        }
    }

    private static String fileName(String object) {
        return object.substring(object.lastIndexOf('/') + 1);
    }

    private static Instant parse(String t) {
        try {
            return Instant.parse(t);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The time stamp in a CloudTrail file name (..._20250101T1200Z_... or ..._20250101T120000Z.json.gz). */
    static Instant stampOf(String object) {
        String name = fileName(object);
        for (String part : name.replace(".json.gz", "").split("_")) {
            try {
                if (part.matches("\\d{8}T\\d{4}Z")) {
                    return LocalDateTime.parse(part, java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'"))
                            .toInstant(ZoneOffset.UTC);
                }
                if (part.matches("\\d{8}T\\d{6}Z")) {
                    return LocalDateTime.parse(
                                    part, java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
                            .toInstant(ZoneOffset.UTC);
                }
            } catch (RuntimeException e) {
                return null;
            }
        }
        return null;
    }
}

package io.rampart.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a trail the way {@code aws cloudtrail validate-logs} does: walks the digest chain from the newest digest
 * back through previousDigestS3Object, verifies each digest's SHA256withRSA signature over CloudTrail's signing string
 * with the public key its fingerprint names, checks each listed log file's SHA-256, and reports log files that no
 * digest vouches for. Reads files only: the server may be stopped.
 */
public final class TrailValidator {

    public enum Status {
        VALID("valid", false), PENDING("pending", false), MODIFIED("modified", true), DELETED("deleted", true),
        MISSING("missing", true), OUT_OF_CHAIN("out-of-chain", true), INVALID("invalid", true);

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

    /** One checked file: {@code kind} "log" or "digest"; {@code time} what --from/--to filter on (may be null). */
    public record Result(String kind, String file, Status status, String detail, Instant time) { }

    public record Report(List<Result> results) {
        public boolean clean() {
            return results.stream().noneMatch(r -> r.status().problem());
        }

        public long count(String kind, Status status) {
            return results.stream().filter(r -> r.kind().equals(kind) && r.status() == status).count();
        }
    }

    private record Digest(String object, JsonNode json, byte[] content, String signature) { }

    private final TrailLayout layout;

    public TrailValidator(TrailLayout layout) {
        this.layout = layout;
    }

    public Report validate(Instant from, Instant to) throws IOException {
        List<Result> out = new ArrayList<>();
        Map<String, PublicKey> keys = TrailKeys.publicKeys(layout.keys());
        Map<String, Digest> digests = new HashMap<>();
        for (String object : layout.digestFiles()) {
            Path file = layout.resolve(object);
            try {
                byte[] content = TrailLayout.gunzip(file);
                JsonNode json = CloudTrailRecord.JSON.readTree(content);
                Path sig = layout.resolve(object + TrailLayout.SIGNATURE_SUFFIX);
                String signature = Files.exists(sig) ? CloudTrailRecord.JSON.readTree(sig.toFile()).path("signature").asText(null) : null;
                digests.put(object, new Digest(object, json, content, signature));
            } catch (IOException | RuntimeException e) {
                out.add(new Result("digest", object, Status.INVALID, "unreadable: " + e.getMessage(), stampOf(object)));
            }
        }
        TrailState state = TrailState.peek(layout.state());
        Set<String> visited = new HashSet<>();
        Set<String> referenced = new HashSet<>();
        // The state file names the newest digest: if that digest is gone, the chain's head was dropped.
        if (state != null && state.lastDigest != null && state.pendingDigest == null) {
            String newest = state.lastDigest.path("s3Object").asText();
            if (!digests.containsKey(newest) && !Files.exists(layout.resolve(newest))) {
                out.add(new Result("digest", newest, Status.MISSING, "the newest digest the trail wrote is gone", stampOf(newest)));
            }
        }
        List<Digest> byEnd = new ArrayList<>(digests.values());
        byEnd.sort(Comparator.comparing((Digest d) -> d.json().path("digestEndTime").asText()).reversed());
        for (Digest head : byEnd) {
            if (visited.contains(head.object())) continue;
            Digest current = head;
            Digest newer = null;
            while (current != null && visited.add(current.object())) {
                checkDigest(current, newer, keys, out, referenced);
                JsonNode prev = current.json().get("previousDigestS3Object");
                if (prev == null || prev.isNull()) break;
                Digest previous = digests.get(prev.asText());
                if (previous == null) {
                    if (!Files.exists(layout.resolve(prev.asText()))) {
                        out.add(new Result("digest", prev.asText(), Status.MISSING,
                                "referenced by " + fileName(current.object()) + " but absent", stampOf(prev.asText())));
                    }
                    break;
                }
                newer = current;
                current = previous;
            }
        }
        for (String object : layout.logFiles()) {
            if (referenced.contains(object)) continue;
            boolean pending = state != null && state.pending(object);
            out.add(new Result("log", object, pending ? Status.PENDING : Status.OUT_OF_CHAIN,
                    pending ? "sealed after the last digest; the next digest will sign it" : "no digest lists this file",
                    stampOf(object)));
        }
        List<Result> filtered = out.stream()
                .filter(r -> r.time() == null || ((from == null || !r.time().isBefore(from)) && (to == null || !r.time().isAfter(to))))
                .sorted(Comparator.comparing((Result r) -> r.time() == null ? Instant.MAX : r.time()).thenComparing(Result::file))
                .toList();
        return new Report(filtered);
    }

    private void checkDigest(Digest d, Digest newer, Map<String, PublicKey> keys, List<Result> out, Set<String> referenced) {
        JsonNode j = d.json();
        String end = j.path("digestEndTime").asText();
        Instant time = parse(end);
        String problem = null;
        if (!d.object().equals(j.path("digestS3Object").asText())) {
            problem = "moved: it says it is " + j.path("digestS3Object").asText();
        } else if (d.signature() == null) {
            problem = "no signature (" + fileName(d.object()) + TrailLayout.SIGNATURE_SUFFIX + " is missing)";
        } else {
            PublicKey key = keys.get(j.path("digestPublicKeyFingerprint").asText());
            String prevSig = j.path("previousDigestSignature").isNull() ? null : j.path("previousDigestSignature").asText(null);
            String signing = DigestSigning.signingString(end, j.path("digestS3Bucket").asText(), j.path("digestS3Object").asText(),
                    TrailLayout.sha256Hex(d.content()), prevSig);
            if (key == null) {
                problem = "no public key with fingerprint " + j.path("digestPublicKeyFingerprint").asText();
            } else if (!TrailKeys.verify(key, signing, d.signature())) {
                problem = "signature does not match the content";
            }
        }
        if (problem == null && newer != null) {
            JsonNode nj = newer.json();
            if (!TrailLayout.sha256Hex(d.content()).equals(nj.path("previousDigestHashValue").asText())) {
                problem = "hash differs from the one " + fileName(newer.object()) + " recorded";
            } else if (!d.signature().equals(nj.path("previousDigestSignature").asText())) {
                problem = "signature differs from the one " + fileName(newer.object()) + " recorded";
            }
        }
        out.add(new Result("digest", d.object(), problem == null ? Status.VALID : Status.INVALID,
                problem == null ? "signature valid" : problem, time));
        for (JsonNode log : j.path("logFiles")) {
            String object = log.path("s3Object").asText();
            referenced.add(object);
            Instant logTime = parse(log.path("newestEventTime").asText());
            Path file = layout.resolve(object);
            if (!Files.exists(file)) {
                out.add(new Result("log", object, Status.DELETED, "listed in " + fileName(d.object()) + " but absent", logTime));
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
            out.add(new Result("log", object, ok ? Status.VALID : Status.MODIFIED,
                    ok ? "hash matches " + fileName(d.object()) : "SHA-256 differs from the one " + fileName(d.object()) + " signed",
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
                    return LocalDateTime.parse(part, java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
                            .toInstant(ZoneOffset.UTC);
                }
            } catch (RuntimeException e) {
                return null;
            }
        }
        return null;
    }
}

package io.rampart.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.audit.TrailAnchor;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import io.rampart.audit.TrailValidator;
import io.rampart.s3.S3ErrorCode;
import io.rampart.s3.S3Exception;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The read-only server posture part of the admin API, what {@code rampart guard} checks on a Rampart beyond the S3 API:
 * {@code GET /_rampart/admin/posture} (recovery window, detector and automatic response, trail validation over the
 * last day, metrics endpoint) and {@code GET /_rampart/admin/trail/writes?bucket=B[&sse=SSE_C]} (who wrote each object
 * version, from the audit trail).
 *
 * <p>On several nodes both read every node's trail in the trail directory: the validation checks each node's chain
 * against that node's keys and newest digest in the database when other nodes write into this node's directory (a
 * shared {@code --trail-dir}); a node with a directory of its own checks its own chain and lists the other nodes the
 * database knows as {@code elsewhere} (their chains are checked where their files are).
 */
final class AdminPosture {
    /** Write events that create an object version, as the trail names them. */
    static final Set<String> OBJECT_WRITES =
            Set.of("PutObject", "CopyObject", "CompleteMultipartUpload", "RestoreObjectVersion");

    static final int MAX_WRITES = 10_000;
    static final Duration VALIDATED = Duration.ofDays(1);

    /** What the server runs with; the suppliers are read at each request (the metrics port opens after start-up). */
    record Settings(
            boolean recoveryEnabled,
            Duration recoveryWindow,
            boolean autoRespond,
            BooleanSupplier detectorRunning,
            IntSupplier detectorRules,
            int findingWebhooks,
            Supplier<Optional<Integer>> metricsPort,
            boolean metricsToken,
            TrailLayout trail,
            Supplier<TrailAnchor.Recorded> recorded) {}

    private final Settings settings;

    AdminPosture(Settings settings) {
        this.settings = settings;
    }

    static boolean handles(String key) {
        return key.equals("admin/posture") || key.equals("admin/trail/writes");
    }

    record Answer(ObjectNode body, String eventName, Map<String, String> params) {}

    Answer handle(String method, String key, Map<String, String> query) throws IOException {
        if (!"GET".equals(method))
            throw new S3Exception(S3ErrorCode.METHOD_NOT_ALLOWED, "Use GET for /_rampart/" + key);
        if (key.equals("admin/posture")) return new Answer(posture(), "GetServerPosture", Map.of());
        String bucket = query.get("bucket");
        if (bucket == null || bucket.isEmpty())
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "bucket is required");
        String sse = query.get("sse");
        return new Answer(
                writes(bucket, sse),
                "ListObjectWriters",
                sse == null ? Map.of("bucketName", bucket) : Map.of("bucketName", bucket, "sse", sse));
    }

    private ObjectNode posture() throws IOException {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("server", "rampart");
        root.putObject("recoveryWindow")
                .put("enabled", settings.recoveryEnabled())
                .put("seconds", settings.recoveryWindow().toSeconds());
        root.putObject("detector")
                .put("running", settings.detectorRunning().getAsBoolean())
                .put("rules", settings.detectorRules().getAsInt())
                .put("autoRespond", settings.autoRespond())
                .put("findingWebhooks", settings.findingWebhooks());
        Optional<Integer> port = settings.metricsPort().get();
        ObjectNode metrics = root.putObject("metrics")
                .put("enabled", port.isPresent())
                .put("tokenRequired", settings.metricsToken());
        port.ifPresent(p -> metrics.put("port", p));
        ObjectNode trail = root.putObject("trail");
        Instant now = Instant.now();
        TrailLayout own = settings.trail();
        String node = own.node().orElse("");
        Set<String> others = new java.util.TreeSet<>(own.everyNode().nodesPresent());
        others.remove(node);
        // Other nodes' files here: a shared directory, so every node's chain is checked (one whose files all went
        // missing still has its head in the database). Else this node's own, and the rest are checked elsewhere.
        TrailLayout checked = others.isEmpty() ? own : own.everyNode();
        TrailAnchor.Recorded recorded = settings.recorded().get();
        // Not before the trail began (its first signing key): a server younger than a day has no missing hours
        // before it.
        Instant began = recorded.keys().stream()
                .map(TrailAnchor.KeyRecord::validFrom)
                .filter(t -> !t.equals(Instant.EPOCH))
                .min(Instant::compareTo)
                .orElse(Instant.EPOCH);
        Instant from = now.minus(VALIDATED).isAfter(began) ? now.minus(VALIDATED) : began;
        TrailValidator.Report r =
                new TrailValidator(checked, TrailValidator.Trust.recorded(recorded)).validate(from, now);
        trail.put("valid", r.clean())
                .put("from", r.from().toString())
                .put("to", r.to().toString())
                .put(
                        "digestFiles",
                        r.results().stream()
                                .filter(x -> x.kind().equals("digest"))
                                .count())
                .put(
                        "logFiles",
                        r.results().stream().filter(x -> x.kind().equals("log")).count());
        trail.put(
                "problemCount",
                r.results().stream().filter(x -> x.status().problem()).count());
        // The nodes whose chains were checked (with or without a file in the range), and those checked elsewhere.
        Set<String> chains = new java.util.TreeSet<>(r.nodes());
        chains.add(node);
        if (!others.isEmpty()) {
            chains.addAll(others);
            chains.addAll(recorded.heads().keySet());
        }
        chains.remove("");
        ArrayNode nodes = trail.putArray("nodes");
        for (String n : chains) {
            long problems = r.of(n).stream().filter(x -> x.status().problem()).count();
            nodes.addObject().put("node", n).put("valid", problems == 0).put("problemCount", problems);
        }
        ArrayNode elsewhere = trail.putArray("elsewhere");
        recorded.heads().keySet().stream()
                .filter(n -> !n.isEmpty() && !chains.contains(n))
                .forEach(elsewhere::add);
        ArrayNode problems = trail.putArray("problems");
        r.results().stream()
                .filter(x -> x.status().problem())
                .limit(5)
                .forEach(x -> problems.addObject()
                        .put("node", x.node())
                        .put("type", x.kind())
                        .put("file", x.file())
                        .put("status", x.status().label())
                        .put("detail", x.detail()));
        return root;
    }

    /** Successful object writes in {@code bucket} (only those with SSEApplied {@code sse} when given), newest last. */
    private ObjectNode writes(String bucket, String sse) throws IOException {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode list = root.putArray("writes");
        int n = 0;
        boolean truncated = false;
        for (JsonNode r : new TrailQuery(null, null, null, null, null, bucket, null, null)
                .run(settings.trail().everyNode())) {
            if (!OBJECT_WRITES.contains(r.path("eventName").asText()) || r.hasNonNull("errorCode")) continue;
            if (sse != null
                    && !sse.equals(
                            r.path("additionalEventData").path("SSEApplied").asText())) continue;
            if (n++ >= MAX_WRITES) {
                truncated = true;
                continue;
            }
            JsonNode id = r.path("userIdentity");
            ObjectNode w = list.addObject()
                    .put("eventTime", r.path("eventTime").asText())
                    .put("eventName", r.path("eventName").asText())
                    .put("key", r.path("requestParameters").path("key").asText())
                    .put(
                            "versionId",
                            r.path("responseElements").path("x-amz-version-id").asText(""))
                    .put("principal", id.path("arn").asText())
                    .put("accessKeyId", id.path("accessKeyId").asText(""))
                    .put("sourceIPAddress", r.path("sourceIPAddress").asText());
            if (id.path("sessionContext").has("attributes")) w.put("session", true);
        }
        root.put("truncated", truncated);
        return root;
    }
}

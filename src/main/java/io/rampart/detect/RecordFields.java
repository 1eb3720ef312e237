package io.rampart.detect;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a CloudTrail record's fields by dotted path ({@code requestParameters.bucketName},
 * {@code requestParameters.LifecycleConfiguration.Rule.Expiration.Days}); arrays on the way are flattened, so a path
 * has zero, one or many values. A few derived fields, named with a leading {@code @}, normalise what CloudTrail spells
 * in several ways: {@code @bucket}, {@code @principal}, {@code @accessKey}, {@code @object} (bucket/key) and
 * {@code @copySource} (x-amz-copy-source decoded, without version and leading slash), {@code @publicPolicy}
 * ("true" or "false": whether {@code requestParameters.bucketPolicy} is public as S3 Block Public Access defines it,
 * conditions included; see {@link io.rampart.policy.PublicPolicy}).
 */
public final class RecordFields {
    private RecordFields() {}

    /** Every value at {@code path}, as text (numbers and booleans included; objects and nulls are not values). */
    public static List<String> values(JsonNode record, String path) {
        if (path.startsWith("@")) {
            String v = derived(record, path);
            return v == null ? List.of() : List.of(v);
        }
        List<String> out = new ArrayList<>(1);
        collect(record, parts(path), 0, out);
        return out;
    }

    /** The nodes at {@code path} (arrays flattened), objects included. */
    public static List<JsonNode> nodes(JsonNode record, String path) {
        List<JsonNode> out = new ArrayList<>(1);
        collectNodes(record, parts(path), 0, out);
        return out;
    }

    /** Whether {@link #nodes} would find any node at {@code path}, without collecting them. */
    static boolean hasNode(JsonNode record, String path) {
        return hasNode(record, parts(path), 0);
    }

    private static boolean hasNode(JsonNode node, String[] parts, int i) {
        if (node == null || node.isNull() || node.isMissingNode()) return false;
        if (node.isArray()) {
            for (JsonNode n : node) if (hasNode(n, parts, i)) return true;
            return false;
        }
        if (i == parts.length) return true;
        return node.isObject() && hasNode(node.get(parts[i]), parts, i + 1);
    }

    /** Paths split at their dots, kept: the rules ask for the same few paths for every record. Never modified. */
    private static final java.util.concurrent.ConcurrentHashMap<String, String[]> PARTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    static String[] parts(String path) {
        String[] p = PARTS.get(path);
        if (p != null) return p;
        p = path.split("\\.");
        // Bounded: paths also come from queries typed by people, not only from rule packs.
        if (PARTS.size() < 4096) PARTS.put(path, p);
        return p;
    }

    /** The last input and output of a pure function of one text: a flood of records repeats the same values. */
    private record Memo(String in, String out) {}

    private static volatile Memo lastUserAgent = new Memo(null, null);
    private static volatile Memo lastNetwork = new Memo(null, null);

    private static void collectNodes(JsonNode node, String[] parts, int i, List<JsonNode> out) {
        if (node == null || node.isNull() || node.isMissingNode()) return;
        if (node.isArray()) {
            for (JsonNode n : node) collectNodes(n, parts, i, out);
            return;
        }
        if (i == parts.length) {
            out.add(node);
            return;
        }
        if (node.isObject()) collectNodes(node.get(parts[i]), parts, i + 1, out);
    }

    /** The first value at {@code path}, or null. */
    public static String first(JsonNode record, String path) {
        List<String> v = values(record, path);
        return v.isEmpty() ? null : v.get(0);
    }

    private static void collect(JsonNode node, String[] parts, int i, List<String> out) {
        if (node == null || node.isNull() || node.isMissingNode()) return;
        if (node.isArray()) {
            for (JsonNode n : node) collect(n, parts, i, out);
            return;
        }
        if (i == parts.length) {
            if (node.isValueNode()) out.add(node.asText());
            return;
        }
        if (!node.isObject()) return;
        collect(node.get(parts[i]), parts, i + 1, out);
    }

    private static String derived(JsonNode r, String name) {
        return switch (name) {
            case "@bucket" -> bucket(r);
            case "@principal" -> principal(r);
            case "@accessKey" -> text(r.path("userIdentity").path("accessKeyId"));
            case "@object" -> {
                String b = bucket(r);
                String k = text(r.path("requestParameters").path("key"));
                yield b == null || k == null ? null : b + "/" + k;
            }
            case "@copySource" -> copySource(text(r.path("requestParameters").path("x-amz-copy-source")));
            case "@publicPolicy" -> publicPolicy(r.path("requestParameters").path("bucketPolicy"));
            case "@lifecycleExpirationDays" -> lifecycleExpirationDays(r);
            case "@userAgentProduct" -> userAgentProductOf(text(r.path("userAgent")));
            case "@sourceNetwork" -> sourceNetworkOf(text(r.path("sourceIPAddress")));
            case "@targetBucket" -> targetBucket(r);
            default ->
                throw new IllegalArgumentException(
                        "unknown derived field " + name + " (known: " + String.join(", ", DERIVED) + ")");
        };
    }

    /** {@link #userAgentProduct}, remembering the last answer. */
    static String userAgentProductOf(String ua) {
        Memo m = lastUserAgent;
        if (java.util.Objects.equals(m.in(), ua)) return m.out();
        String out = userAgentProduct(ua);
        lastUserAgent = new Memo(ua, out);
        return out;
    }

    /** {@link #sourceNetwork}, remembering the last answer. */
    static String sourceNetworkOf(String ip) {
        Memo m = lastNetwork;
        if (java.util.Objects.equals(m.in(), ip)) return m.out();
        String out = sourceNetwork(ip);
        lastNetwork = new Memo(ip, out);
        return out;
    }

    static boolean knownDerived(String name) {
        return DERIVED.contains(name);
    }

    private static final List<String> DERIVED = List.of(
            "@bucket",
            "@principal",
            "@accessKey",
            "@object",
            "@copySource",
            "@publicPolicy",
            "@lifecycleExpirationDays",
            "@userAgentProduct",
            "@sourceNetwork",
            "@targetBucket");

    /** The source address's network: an IPv4 /24 ("203.0.113.0/24"), an IPv6 /48; null when it is not an address. */
    static String sourceNetwork(String ip) {
        if (ip == null) return null;
        if (ip.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"))
            return ip.substring(0, ip.lastIndexOf('.')) + ".0/24";
        if (ip.contains(":") && ip.matches("[0-9A-Fa-f:.]+")) {
            String[] g = ip.split(":", -1);
            if (g.length >= 3 && !ip.startsWith("::"))
                return (g[0] + ":" + g[1] + ":" + g[2] + "::/48").toLowerCase(java.util.Locale.ROOT);
            return ip.toLowerCase(java.util.Locale.ROOT);
        }
        return null;
    }

    /**
     * The bucket a record writes logs to when it configures logging (PutBucketLogging's TargetBucket; CloudTrail's
     * CreateTrail/UpdateTrail s3BucketName), else the record's bucket: a log bucket's later changes group with it.
     */
    static String targetBucket(JsonNode r) {
        JsonNode p = r.path("requestParameters");
        String t = text(p.path("BucketLoggingStatus").path("LoggingEnabled").path("TargetBucket"));
        if (t == null && r.path("eventSource").asText().startsWith("cloudtrail.")) t = text(p.path("s3BucketName"));
        return t != null ? t : bucket(r);
    }

    /**
     * The shortest expiration, in days, of the lifecycle configuration's enabled rules (current versions' Expiration
     * Days or Date, noncurrent versions' NoncurrentDays); null when no enabled rule expires anything. A rule with
     * {@code Status: Disabled} deletes nothing.
     */
    static String lifecycleExpirationDays(JsonNode r) {
        JsonNode config = r.path("requestParameters").path("LifecycleConfiguration");
        double min = Double.NaN;
        for (JsonNode rule : nodes(config, "Rule")) {
            if (!"Enabled".equalsIgnoreCase(rule.path("Status").asText())) continue;
            List<String> days = new ArrayList<>(values(rule, "Expiration.Days"));
            days.addAll(values(rule, "NoncurrentVersionExpiration.NoncurrentDays"));
            for (String date : values(rule, "Expiration.Date")) {
                long t = EventTimes.parse(date.length() == 10 ? date + "T00:00:00Z" : date);
                long at = EventTimes.of(r);
                if (t > EventTimes.INVALID && at > EventTimes.INVALID)
                    days.add(Long.toString(Math.max(0, (t - at) / 86_400_000L)));
            }
            for (String d : days) {
                try {
                    double v = Double.parseDouble(d.trim());
                    if (Double.isNaN(min) || v < min) min = v;
                } catch (NumberFormatException ignored) {
                    // not a number: not an expiration this can compare
                }
            }
        }
        return Double.isNaN(min) ? null : Long.toString((long) min);
    }

    /** User-agent tokens that are metadata (features, OS, language, config), not the product and its version. */
    private static final java.util.Set<String> UA_METADATA = java.util.Set.of(
            "m",
            "md",
            "ua",
            "os",
            "lang",
            "cfg",
            "exec-env",
            "api",
            "ft",
            "sdk-metrics",
            "app",
            "vendor",
            "io",
            "http");

    /**
     * The product/version tokens of a user agent, sorted ("Boto3/1.35.0 Botocore/1.35.0"): boto3 reorders its
     * {@code m/} feature codes between processes, and the AWS CLI adds {@code md/command#...}; neither is a new client.
     * The whole string when it has no such token.
     */
    static String userAgentProduct(String ua) {
        if (ua == null) return null;
        java.util.TreeSet<String> kept = new java.util.TreeSet<>();
        for (String token : ua.replace('[', ' ').replace(']', ' ').trim().split("\\s+")) {
            int slash = token.indexOf('/');
            if (slash <= 0 || token.startsWith("(")) continue;
            if (UA_METADATA.contains(token.substring(0, slash).toLowerCase(java.util.Locale.ROOT))) continue;
            kept.add(token);
        }
        return kept.isEmpty() ? ua : String.join(" ", kept);
    }

    /** A policy as CloudTrail records it (an object; some exports keep it as JSON text). */
    private static String publicPolicy(JsonNode policy) {
        if (policy.isObject()) return Boolean.toString(io.rampart.policy.PublicPolicy.isPublic(policy));
        if (policy.isTextual()) return Boolean.toString(io.rampart.policy.PublicPolicy.isPublic(policy.asText()));
        return null;
    }

    public static String bucket(JsonNode r) {
        String b = text(r.path("requestParameters").path("bucketName"));
        if (b != null) return b;
        for (JsonNode res : r.path("resources")) {
            String arn = text(res.path("ARN"));
            if ("AWS::S3::Bucket".equals(text(res.path("type"))) && arn != null && arn.startsWith("arn:aws:s3:::")) {
                return arn.substring("arn:aws:s3:::".length());
            }
        }
        return null;
    }

    /** The ARN of who acted; for an assumed role the session's ARN. Falls back to the principal id. */
    public static String principal(JsonNode r) {
        JsonNode id = r.path("userIdentity");
        String arn = text(id.path("arn"));
        if (arn != null) return arn;
        String pid = text(id.path("principalId"));
        if (pid != null) return pid;
        return text(id.path("invokedBy"));
    }

    /** The KMS key a KMS record acted on: its AWS::KMS::Key resource, else requestParameters.keyId. */
    public static String kmsKey(JsonNode r) {
        for (JsonNode res : r.path("resources")) {
            if ("AWS::KMS::Key".equals(res.path("type").asText()) && res.hasNonNull("ARN"))
                return res.get("ARN").asText();
        }
        JsonNode k = r.path("requestParameters").path("keyId");
        return k.isTextual() && !k.asText().isEmpty() ? k.asText() : null;
    }

    public static String accessKey(JsonNode r) {
        return text(r.path("userIdentity").path("accessKeyId"));
    }

    /** The event's id for evidence: CloudTrail's eventID, else the requestID. */
    public static String eventId(JsonNode r) {
        String id = text(r.path("eventID"));
        return id != null ? id : text(r.path("requestID"));
    }

    static String copySource(String source) {
        if (source == null) return null;
        int q = source.indexOf('?');
        // The versionId of the source does not matter: copying any version over the current key rewrites it in place.
        String path = q < 0 ? source : source.substring(0, q);
        String decoded;
        try {
            decoded = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = path;
        }
        return decoded.startsWith("/") ? decoded.substring(1) : decoded;
    }

    private static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode() || !n.isValueNode()) return null;
        String s = n.asText();
        return s.isEmpty() ? null : s;
    }
}

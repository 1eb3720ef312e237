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
 * {@code @copySource} (x-amz-copy-source decoded, without version and leading slash).
 */
public final class RecordFields {
    private RecordFields() { }

    /** Every value at {@code path}, as text (numbers and booleans included; objects and nulls are not values). */
    public static List<String> values(JsonNode record, String path) {
        if (path.startsWith("@")) {
            String v = derived(record, path);
            return v == null ? List.of() : List.of(v);
        }
        List<String> out = new ArrayList<>(1);
        collect(record, path.split("\\."), 0, out);
        return out;
    }

    /** The nodes at {@code path} (arrays flattened), objects included. */
    public static List<JsonNode> nodes(JsonNode record, String path) {
        List<JsonNode> out = new ArrayList<>(1);
        collectNodes(record, path.split("\\."), 0, out);
        return out;
    }

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
            default -> throw new IllegalArgumentException("unknown derived field " + name
                    + " (known: @bucket, @principal, @accessKey, @object, @copySource)");
        };
    }

    static boolean knownDerived(String name) {
        return List.of("@bucket", "@principal", "@accessKey", "@object", "@copySource").contains(name);
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

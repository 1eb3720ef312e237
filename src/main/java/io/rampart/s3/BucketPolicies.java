package io.rampart.s3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.policy.PolicyDocument;
import io.rampart.policy.PolicyKind;
import io.rampart.storage.Bucket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bucket policies compiled once and kept per bucket, so authorising a request never parses JSON. An entry is keyed by
 * the bucket's configuration text it was read from: any change to the configuration (here or on another node sharing
 * the metadata store), and a bucket deleted and created again, is seen on the next request and read anew.
 */
final class BucketPolicies {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Beyond this many buckets the cache starts over rather than grow without bound. */
    private static final int MAX_ENTRIES = 10_000;

    /** A bucket's compiled policy (empty without one), and what GetBucketPolicyStatus and the authorizer need of it. */
    record Compiled(String config, Optional<PolicyDocument> policy, boolean usesExistingObjectTags, boolean isPublic) { }

    private final ConcurrentHashMap<String, Compiled> byBucket = new ConcurrentHashMap<>();

    /** The bucket's compiled policy, compiled at most once per configuration change. */
    Compiled of(Bucket b) {
        Compiled c = byBucket.get(b.name());
        String config = b.config();
        // String.equals checks identity and length first: a hit costs at most one comparison of the text.
        if (c != null && c.config().equals(config)) return c;
        c = compile(b);
        if (byBucket.size() >= MAX_ENTRIES) byBucket.clear();
        byBucket.put(b.name(), c);
        return c;
    }

    void invalidate(String bucket) {
        byBucket.remove(bucket);
    }

    private static Compiled compile(Bucket b) {
        String text = b.config() == null || b.config().isEmpty() ? null : BucketSettings.of(b).policy();
        if (text == null) return new Compiled(b.config() == null ? "" : b.config(), Optional.empty(), false, false);
        PolicyDocument doc = PolicyDocument.parse(text, PolicyKind.RESOURCE, b.name());
        return new Compiled(b.config(), Optional.of(doc),
                text.toLowerCase(Locale.ROOT).contains("s3:existingobjecttag/"), isPublic(text));
    }

    // ---- validation beyond the grammar ----

    /** Every Resource / NotResource must name this bucket or objects in it, as S3 requires of a bucket policy. */
    static boolean resourcesReferTo(String json, String bucket) {
        String arn = S3Actions.bucketArn(bucket);
        for (JsonNode s : statements(json)) {
            for (String field : List.of("Resource", "NotResource")) {
                for (String r : strings(s.get(field))) {
                    if (!r.equals(arn) && !r.startsWith(arn + "/")) return false;
                }
            }
        }
        return true;
    }

    // ---- "The meaning of public" (S3 Block Public Access) ----

    /**
     * Condition keys whose fixed values make a grant to "*" non-public, as S3's "The meaning of public" lists them.
     * aws:SourceIp counts only for ranges narrower than /8 (IPv4) or /32 (IPv6).
     */
    private static final Set<String> RESTRICTING_KEYS = Set.of("aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce",
            "aws:sourceaccount", "aws:sourceowner", "aws:sourceorgid", "aws:sourceorgpaths", "aws:principalorgid",
            "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn", "aws:userid",
            "aws:principalservicename", "aws:principalservicenameslist", "s3:dataaccesspointarn",
            "s3:dataaccesspointaccount", "aws:sourceip");

    /** Whether some Allow statement grants to everyone ("*" or a NotPrincipal) without a restricting condition. */
    static boolean isPublic(String json) {
        for (JsonNode s : statements(json)) {
            if (!"Allow".equals(s.path("Effect").asText())) continue;
            if (!grantsToEveryone(s)) continue;
            if (!restricted(s.get("Condition"))) return true;
        }
        return false;
    }

    private static boolean grantsToEveryone(JsonNode s) {
        if (s.has("NotPrincipal")) return true;
        JsonNode p = s.get("Principal");
        if (p == null) return false;
        if (p.isTextual()) return p.asText().equals("*");
        for (String v : strings(p.get("AWS"))) if (v.equals("*")) return true;
        return false;
    }

    private static boolean restricted(JsonNode condition) {
        if (condition == null || !condition.isObject()) return false;
        for (Iterator<Map.Entry<String, JsonNode>> ops = condition.fields(); ops.hasNext(); ) {
            Map.Entry<String, JsonNode> op = ops.next();
            String operator = op.getKey();
            // Negated operators and IfExists variants let requests without the key (or with any other value) through.
            if (operator.endsWith("IfExists") || operator.contains("Not") || operator.equals("Null")) continue;
            String bare = operator.contains(":") ? operator.substring(operator.indexOf(':') + 1) : operator;
            if (!(bare.startsWith("StringEquals") || bare.startsWith("StringLike") || bare.startsWith("ArnEquals")
                    || bare.startsWith("ArnLike") || bare.equals("IpAddress"))) continue;
            for (Iterator<Map.Entry<String, JsonNode>> keys = op.getValue().fields(); keys.hasNext(); ) {
                Map.Entry<String, JsonNode> k = keys.next();
                String key = k.getKey().toLowerCase(Locale.ROOT);
                if (!RESTRICTING_KEYS.contains(key)) continue;
                List<String> values = strings(k.getValue());
                if (values.isEmpty()) continue;
                boolean fixed = true;
                for (String v : values) {
                    if (key.equals("aws:sourceip") ? !narrowRange(v) : (v.contains("*") || v.contains("?"))) fixed = false;
                }
                if (fixed) return true;
            }
        }
        return false;
    }

    private static boolean narrowRange(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) return true;
        try {
            int bits = Integer.parseInt(cidr.substring(slash + 1).trim());
            return cidr.contains(":") ? bits >= 32 : bits >= 8;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    // ---- JSON helpers (write path only) ----

    private static List<JsonNode> statements(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return List.of();
        }
        JsonNode st = root == null ? null : root.get("Statement");
        if (st == null) return List.of();
        List<JsonNode> out = new ArrayList<>();
        if (st.isArray()) st.forEach(out::add);
        else out.add(st);
        return out;
    }

    private static List<String> strings(JsonNode n) {
        if (n == null || n.isNull()) return List.of();
        if (n.isTextual()) return List.of(n.asText());
        List<String> out = new ArrayList<>();
        if (n.isArray()) n.forEach(e -> out.add(e.asText()));
        return out;
    }
}

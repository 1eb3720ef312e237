package io.rampart.s3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.policy.PolicyDocument;
import io.rampart.policy.PolicyKind;
import io.rampart.storage.Bucket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
    record Compiled(String config, Optional<PolicyDocument> policy, boolean usesExistingObjectTags, boolean isPublic) {}

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
        String text = b.config() == null || b.config().isEmpty()
                ? null
                : BucketSettings.of(b).policy();
        if (text == null) return new Compiled(b.config() == null ? "" : b.config(), Optional.empty(), false, false);
        PolicyDocument doc = PolicyDocument.parse(text, PolicyKind.RESOURCE, b.name());
        return new Compiled(
                b.config(),
                Optional.of(doc),
                text.toLowerCase(Locale.ROOT).contains("s3:existingobjecttag/"),
                isPublic(text));
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

    // ---- "The meaning of public" (S3 Block Public Access): one definition, shared with the detector ----

    static boolean isPublic(String json) {
        return io.rampart.policy.PublicPolicy.isPublic(json);
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

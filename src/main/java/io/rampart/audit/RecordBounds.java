package io.rampart.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The size limits of one trail record, applied to every record before it is written, so that nothing a client sends
 * can make a record that a reader (the detector, a SIEM) cannot take. As CloudTrail does ("CloudTrail truncates a field
 * if the field's contents exceeds the maximum field size. If a field is truncated, omitted is present with a value of
 * true"): a string longer than {@link #MAX_STRING} characters is cut there, nesting deeper than {@link #MAX_DEPTH} is
 * cut, and while the record is still over {@link #MAX_RECORD_BYTES} the largest entries of {@code requestParameters},
 * {@code responseElements}, {@code additionalEventData} and {@code serviceEventDetails} are dropped, largest first, so
 * the small identifying ones (bucketName, key, userName...) that detection rules read stay. A container that lost
 * anything says {@code "omitted": true}.
 */
public final class RecordBounds {
    /** The largest record the trail writes, serialised (CloudTrail's per-field limit is 100 KB). */
    public static final int MAX_RECORD_BYTES = 100 * 1024;
    /** The longest string value kept whole, in characters. */
    public static final int MAX_STRING = 16 * 1024;
    /** How deep objects and arrays may nest (a record itself uses four levels). */
    public static final int MAX_DEPTH = 32;
    /** The longest field name kept (parameter names come from clients too). */
    public static final int MAX_NAME = 256;

    private static final List<String> SHRINKABLE =
            List.of("requestParameters", "responseElements", "additionalEventData", "serviceEventDetails");
    /**
     * What detection rules and investigations read: dropped only when nothing else is left to drop, so that padding a
     * request with junk parameters cannot push a lifecycle rule or an SSE-C header out of its record.
     */
    private static final java.util.Set<String> KEPT = java.util.Set.of(
            "bucketName",
            "key",
            "Host",
            "x-amz-copy-source",
            "x-amz-server-side-encryption",
            "x-amz-server-side-encryption-customer-algorithm",
            "x-amz-copy-source-server-side-encryption-customer-algorithm",
            "x-amz-bypass-governance-retention",
            "bucketPolicy",
            "LifecycleConfiguration",
            "VersioningConfiguration",
            "ServerSideEncryptionConfiguration",
            "ObjectLockConfiguration",
            "PublicAccessBlockConfiguration",
            "userName",
            "roleName",
            "groupName",
            "policyArn",
            "policyName",
            "accessKeyId",
            "status",
            "roleArn",
            "SSEApplied",
            "SignatureVersion",
            "AuthenticationMethod");

    private RecordBounds() {}

    /** Bounds {@code record} in place; returns its serialised form (at most {@link #MAX_RECORD_BYTES} bytes). */
    public static byte[] bounded(ObjectNode record) {
        // Each top-level field is its own container for the "omitted" marker.
        for (Iterator<Map.Entry<String, JsonNode>> it = record.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isTextual()) {
                String t = clean(v.asText());
                if (t != null) e.setValue(JsonNodeFactory.instance.textNode(t));
            } else if (v.isContainerNode() && trim(v, 1) && v.isObject()) {
                ((ObjectNode) v).put("omitted", true);
            }
        }
        byte[] json = write(record);
        while (json.length > MAX_RECORD_BYTES) {
            if (!dropLargest(record, false) && !dropLargest(record, true)) {
                // Nothing left to drop: keep only what says who did what, when.
                for (String f : SHRINKABLE) {
                    if (record.has(f)) record.putObject(f).put("omitted", true);
                }
                for (Iterator<Map.Entry<String, JsonNode>> it =
                                record.properties().iterator();
                        it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getValue().isTextual() && e.getValue().asText().length() > 1024) {
                        e.setValue(JsonNodeFactory.instance.textNode(
                                e.getValue().asText().substring(0, 1024)));
                    }
                }
                json = write(record);
                break;
            }
            json = write(record);
        }
        return json;
    }

    /** Cuts long strings and names, lone surrogates and deep nesting under {@code node}; true when anything was cut. */
    private static boolean trim(JsonNode node, int depth) {
        boolean cut = false;
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            List<String> badNames = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().length() > MAX_NAME || clean(e.getKey()) != null) {
                    badNames.add(e.getKey());
                    continue;
                }
                JsonNode v = e.getValue();
                JsonNode r = bound(v, depth);
                if (r != null) {
                    e.setValue(r);
                    cut = true;
                } else if (v.isContainerNode()) {
                    cut |= trim(v, depth + 1);
                }
            }
            badNames.forEach(o::remove);
            cut |= !badNames.isEmpty();
        } else if (node.isArray()) {
            ArrayNode a = (ArrayNode) node;
            for (int i = 0; i < a.size(); i++) {
                JsonNode v = a.get(i);
                JsonNode r = bound(v, depth);
                if (r != null) {
                    a.set(i, r);
                    cut = true;
                } else if (v.isContainerNode()) {
                    cut |= trim(v, depth + 1);
                }
            }
        }
        return cut;
    }

    /** The replacement for a value that breaks a bound at {@code depth}, or null when it keeps none (yet). */
    private static JsonNode bound(JsonNode v, int depth) {
        if (v.isTextual()) {
            String t = clean(v.asText());
            return t == null ? null : JsonNodeFactory.instance.textNode(t);
        }
        if (v.isContainerNode() && depth + 1 > MAX_DEPTH) return JsonNodeFactory.instance.textNode("[nested too deep]");
        return null;
    }

    /** {@code s} cut to {@link #MAX_STRING} with lone surrogates replaced, or null when it is fine as it is. */
    static String clean(String s) {
        boolean changed = s.length() > MAX_STRING;
        String t = changed ? s.substring(0, MAX_STRING) : s;
        StringBuilder out = null;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            boolean lone = Character.isHighSurrogate(c)
                    ? i + 1 >= t.length() || !Character.isLowSurrogate(t.charAt(i + 1))
                    : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(t.charAt(i - 1)));
            if (lone && out == null) out = new StringBuilder(t.length()).append(t, 0, i);
            if (out != null) out.append(lone ? '\uFFFD' : c);
        }
        if (out != null) return out.toString();
        return changed ? t : null;
    }

    /** Removes the single largest entry of the shrinkable fields (of the kept ones too, with {@code kept}); false when none. */
    private static boolean dropLargest(ObjectNode record, boolean kept) {
        ObjectNode owner = null;
        String name = null;
        int largest = -1;
        for (String f : SHRINKABLE) {
            JsonNode c = record.get(f);
            if (!(c instanceof ObjectNode o)) continue;
            for (Iterator<Map.Entry<String, JsonNode>> it = o.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("omitted") || (!kept && KEPT.contains(e.getKey()))) continue;
                int size = e.getKey().length() + e.getValue().toString().length();
                if (size > largest) {
                    largest = size;
                    owner = o;
                    name = e.getKey();
                }
            }
        }
        if (owner == null) return false;
        owner.remove(name);
        owner.put("omitted", true);
        return true;
    }

    private static byte[] write(ObjectNode record) {
        try {
            return CloudTrailRecord.JSON.writeValueAsBytes(record);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

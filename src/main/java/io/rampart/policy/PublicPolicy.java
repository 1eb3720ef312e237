package io.rampart.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * "The meaning of public" for a bucket policy, as S3 Block Public Access defines it: a policy is public when an Allow
 * statement grants to everyone ({@code Principal "*"}, {@code {"AWS": "*"}} or a {@code NotPrincipal}) unless a
 * condition pins it to fixed values of one of the restricting keys (aws:SourceArn, aws:SourceVpc(e), aws:SourceAccount,
 * aws:PrincipalOrgID, aws:PrincipalArn, aws:userid, aws:SourceIp narrower than /8, ...). Used by S3 (refusing public
 * policies, GetBucketPolicyStatus) and by the detector (a policy made public).
 */
public final class PublicPolicy {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PublicPolicy() {}

    /**
     * Condition keys whose fixed values make a grant to "*" non-public, as S3's "The meaning of public" lists them.
     * aws:SourceIp counts only for ranges narrower than /8 (IPv4) or /32 (IPv6).
     */
    private static final Set<String> RESTRICTING_KEYS = Set.of(
            "aws:sourcearn",
            "aws:sourcevpc",
            "aws:sourcevpce",
            "aws:sourceaccount",
            "aws:sourceowner",
            "aws:sourceorgid",
            "aws:sourceorgpaths",
            "aws:principalorgid",
            "aws:principalorgpaths",
            "aws:principalaccount",
            "aws:principalarn",
            "aws:userid",
            "aws:principalservicename",
            "aws:principalservicenameslist",
            "s3:dataaccesspointarn",
            "s3:dataaccesspointaccount",
            "aws:sourceip");

    /** Whether the policy document (JSON text) is public. */
    public static boolean isPublic(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return false;
        }
        return isPublic(root);
    }

    /** Whether the policy document is public: some Allow statement grants to everyone without a restricting condition. */
    public static boolean isPublic(JsonNode policy) {
        for (JsonNode s : statements(policy)) {
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
        for (Iterator<Map.Entry<String, JsonNode>> ops = condition.properties().iterator(); ops.hasNext(); ) {
            Map.Entry<String, JsonNode> op = ops.next();
            String operator = op.getKey();
            // Negated operators and IfExists variants let requests without the key (or with any other value) through.
            if (operator.endsWith("IfExists") || operator.contains("Not") || operator.equals("Null")) continue;
            String bare = operator.contains(":") ? operator.substring(operator.indexOf(':') + 1) : operator;
            if (!(bare.startsWith("StringEquals")
                    || bare.startsWith("StringLike")
                    || bare.startsWith("ArnEquals")
                    || bare.startsWith("ArnLike")
                    || bare.equals("IpAddress"))) continue;
            for (Iterator<Map.Entry<String, JsonNode>> keys =
                            op.getValue().properties().iterator();
                    keys.hasNext(); ) {
                Map.Entry<String, JsonNode> k = keys.next();
                String key = k.getKey().toLowerCase(Locale.ROOT);
                if (!RESTRICTING_KEYS.contains(key)) continue;
                List<String> values = strings(k.getValue());
                if (values.isEmpty()) continue;
                boolean fixed = true;
                for (String v : values) {
                    if (key.equals("aws:sourceip") ? !narrowRange(v) : (v.contains("*") || v.contains("?")))
                        fixed = false;
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

    private static List<JsonNode> statements(JsonNode root) {
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

package io.rampart.iam;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One call of an AWS Query-protocol API (IAM, STS): the action, its flattened parameters ({@code Tags.member.1.Key}),
 * who calls and the connection facts policies may test.
 */
public record QueryRequest(
        String action,
        Map<String, String> params,
        Principal caller,
        String requestId,
        String sourceIp,
        boolean secure,
        Instant now,
        Map<String, String> trailResponse) {

    public QueryRequest(
            String action,
            Map<String, String> params,
            Principal caller,
            String requestId,
            String sourceIp,
            boolean secure,
            Instant now) {
        this(action, params, caller, requestId, sourceIp, secure, now, new LinkedHashMap<>());
    }

    /**
     * Notes a field of the answer for the audit trail's responseElements ("credentials.accessKeyId" nests). Never a
     * secret: no secret key, no session token.
     */
    public void traceResponse(String path, String value) {
        if (value != null) trailResponse.put(path, value);
    }

    /** Parameters from an {@code application/x-www-form-urlencoded} body and the query string (body wins). */
    public static Map<String, String> parseForm(String query, byte[] body) {
        Map<String, String> out = new LinkedHashMap<>();
        addPairs(out, query);
        if (body != null && body.length > 0) addPairs(out, new String(body, StandardCharsets.UTF_8));
        return out;
    }

    private static void addPairs(Map<String, String> out, String form) {
        if (form == null || form.isEmpty()) return;
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.put(name, value);
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw IamException.invalidInput("The request is not correctly form-encoded");
        }
    }

    public String required(String name) {
        String v = params.get(name);
        if (v == null || v.isEmpty()) throw IamException.missingParameter(name);
        return v;
    }

    public Optional<String> optional(String name) {
        String v = params.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    public int intParam(String name, int dflt, int min, int max) {
        Optional<String> v = optional(name);
        if (v.isEmpty()) return dflt;
        int n;
        try {
            n = Integer.parseInt(v.get());
        } catch (NumberFormatException e) {
            throw IamException.validation("1 validation error detected: Value '" + v.get() + "' at '" + lowerFirst(name)
                    + "' failed to satisfy constraint: Member must be a number");
        }
        if (n < min || n > max) {
            throw IamException.validation("1 validation error detected: Value '" + n + "' at '" + lowerFirst(name)
                    + "' failed to satisfy constraint: Member must have value "
                    + (n < min ? "greater than or equal to " + min : "less than or equal to " + max));
        }
        return n;
    }

    public boolean boolParam(String name) {
        return optional(name).map(Boolean::parseBoolean).orElse(false);
    }

    /** {@code Prefix.member.1}, {@code Prefix.member.2}... (or {@code .member.N.field} with {@code field}). */
    public List<String> list(String prefix, @Nullable String field) {
        List<String> out = new ArrayList<>();
        for (int i = 1; ; i++) {
            String v = params.get(prefix + ".member." + i + (field == null ? "" : "." + field));
            if (v == null) break;
            out.add(v);
        }
        return out;
    }

    /** {@code Tags.member.N.Key} / {@code .Value} pairs, in order. */
    public Map<String, String> tags(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> keys = list(prefix, "Key");
        List<String> values = list(prefix, "Value");
        for (int i = 0; i < keys.size(); i++) out.put(keys.get(i), i < values.size() ? values.get(i) : "");
        return out;
    }

    static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}

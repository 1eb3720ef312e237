package io.rampart.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The policy of a browser-based upload, checked as S3 checks it: a base64 JSON document with an {@code expiration}
 * and {@code conditions}; each condition is an exact match ({@code {"acl": "public-read"}} or
 * {@code ["eq", "$acl", "public-read"]}), a prefix ({@code ["starts-with", "$key", "user/"]}) or the file's size
 * ({@code ["content-length-range", min, max]}); every form field but the signature, the policy, the file and
 * {@code x-ignore-*} fields must be named by a condition. Field names and operators are case-insensitive, values are
 * not. The signature over the policy is checked before, by the auth layer.
 */
final class PostPolicy {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fields no condition needs to name (AWS's list, with the SigV2 form's own). */
    private static final Set<String> EXEMPT =
            Set.of("policy", "x-amz-signature", "signature", "awsaccesskeyid", "file");

    private PostPolicy() {}

    /** The sizes the file may have (content-length-range), inclusive. */
    record LengthRange(long min, long max) {
        static final LengthRange ANY = new LengthRange(0, Long.MAX_VALUE);

        /** The file stream, refused with EntityTooLarge past {@code max} and EntityTooSmall below {@code min} at its end. */
        InputStream bound(InputStream in) {
            if (this.equals(ANY)) return in;
            return new FilterInputStream(in) {
                private long seen;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n < 0) {
                        if (seen < min) {
                            throw new S3Exception(S3ErrorCode.ENTITY_TOO_SMALL)
                                    .with("ProposedSize", Long.toString(seen))
                                    .with("MinSizeAllowed", Long.toString(min));
                        }
                        return n;
                    }
                    seen += n;
                    if (seen > max) {
                        throw new S3Exception(S3ErrorCode.ENTITY_TOO_LARGE)
                                .with("ProposedSize", Long.toString(seen))
                                .with("MaxSizeAllowed", Long.toString(max));
                    }
                    return n;
                }
            };
        }
    }

    /**
     * Checks the policy against the form (its {@code key} already with ${filename} replaced, the bucket from the URL) at
     * {@code now}; returns the allowed file sizes.
     */
    static LengthRange check(String policyBase64, PostForm form, String bucket, String key, long now) {
        JsonNode doc;
        try {
            byte[] json = Base64.getDecoder().decode(policyBase64.replaceAll("\\s", ""));
            doc = JSON.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw invalid("Invalid Policy: Invalid 'Base64' encoding.");
        } catch (IOException e) {
            throw invalid("Invalid Policy: Invalid JSON.");
        }
        if (doc == null || !doc.isObject()) throw invalid("Invalid Policy: Invalid JSON.");
        JsonNode expiration = doc.get("expiration");
        if (expiration == null) throw invalid("Invalid Policy: Policy missing expiration.");
        Instant expires;
        try {
            expires = Instant.parse(expiration.asText());
        } catch (DateTimeParseException e) {
            throw invalid("Invalid Policy: Invalid 'expiration' value: '" + expiration.asText() + "'");
        }
        JsonNode conditions = doc.get("conditions");
        if (conditions == null) throw invalid("Invalid Policy: Policy missing conditions.");
        if (!conditions.isArray()) throw invalid("Invalid Policy: Invalid JSON.");
        if (!Instant.ofEpochMilli(now).isBefore(expires)) throw denied("Policy expired.");

        Set<String> named = new HashSet<>();
        LengthRange range = LengthRange.ANY;
        for (JsonNode c : conditions) {
            if (c.isObject()) {
                if (c.size() != 1) {
                    throw invalid(
                            "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.");
                }
                Map.Entry<String, JsonNode> e = c.properties().iterator().next();
                String field =
                        PostForm.lower(e.getKey().startsWith("$") ? e.getKey().substring(1) : e.getKey());
                named.add(field);
                if (!value(form, bucket, key, field).equals(e.getValue().asText())) {
                    throw denied("Policy Condition failed: [\"eq\", \"$" + e.getKey() + "\", \""
                            + e.getValue().asText() + "\"]");
                }
            } else if (c.isArray() && c.size() == 3) {
                String op = PostForm.lower(c.get(0).asText());
                if (op.equals("content-length-range")) {
                    long min = number(c.get(1));
                    long max = number(c.get(2));
                    range = new LengthRange(min, max);
                    continue;
                }
                String ref = c.get(1).asText();
                if (!ref.startsWith("$")) throw invalid("Invalid Policy: Invalid Condition: " + c);
                String field = PostForm.lower(ref.substring(1));
                named.add(field);
                String expected = c.get(2).asText();
                String actual = value(form, bucket, key, field);
                boolean ok = switch (op) {
                    case "eq" -> actual.equals(expected);
                    case "starts-with" -> startsWith(field, actual, expected);
                    default ->
                        throw invalid("Invalid Policy: Invalid Condition: unknown operation '"
                                + c.get(0).asText() + "'");
                };
                if (!ok) {
                    throw denied("Policy Condition failed: [\"" + c.get(0).asText() + "\", \"" + ref + "\", \""
                            + expected + "\"]");
                }
            } else {
                throw invalid("Invalid Policy: Invalid JSON.");
            }
        }
        List<String> extra = new ArrayList<>();
        for (PostForm.Field f : form.fields()) {
            String name = PostForm.lower(f.name());
            if (EXEMPT.contains(name) || name.startsWith("x-ignore-") || named.contains(name)) continue;
            extra.add(f.name());
        }
        if (!extra.isEmpty()) throw denied("Extra input fields: " + String.join(", ", extra));
        return range;
    }

    /** The value a condition tests: the bucket from the URL, the key after ${filename}, else the form field ("" if absent). */
    private static String value(PostForm form, String bucket, String key, String field) {
        if (field.equals("bucket")) return bucket;
        if (field.equals("key")) return key;
        return form.field(field).orElse("");
    }

    /** Content-Type may list several types: each must start with the prefix, as S3 reads it. */
    private static boolean startsWith(String field, String actual, String prefix) {
        if (!field.equals("content-type") || prefix.isEmpty()) return actual.startsWith(prefix);
        for (Iterator<String> it = List.of(actual.split(",")).iterator(); it.hasNext(); ) {
            if (!it.next().trim().startsWith(prefix)) return false;
        }
        return true;
    }

    private static long number(JsonNode n) {
        try {
            long v = n.isNumber() ? n.asLong() : Long.parseLong(n.asText().trim());
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw invalid("Invalid Policy: Invalid content-length-range.");
        }
    }

    private static S3Exception invalid(String message) {
        return new S3Exception(S3ErrorCode.INVALID_POLICY_DOCUMENT, message);
    }

    private static S3Exception denied(String why) {
        return new S3Exception(S3ErrorCode.ACCESS_DENIED, "Invalid according to Policy: " + why);
    }
}

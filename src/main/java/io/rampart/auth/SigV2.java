package io.rampart.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * AWS Signature Version 2 as S3 documents it ("Signing and authenticating REST requests"): the Authorization header
 * {@code AWS AKID:signature}, or the query parameters AWSAccessKeyId, Expires and Signature. The string to sign is the
 * method, Content-MD5, Content-Type, the Date (empty when x-amz-date is sent; Expires for a query), the canonicalized
 * x-amz-* headers and the canonicalized resource (the bucket, the path as sent, and the sub-resources).
 */
final class SigV2 {
    private SigV2() {}

    /** The sub-resources botocore (boto3, the AWS CLI) puts in the canonicalized resource. */
    static final Set<String> SUBRESOURCES = Set.of(
            "accelerate",
            "acl",
            "cors",
            "defaultObjectAcl",
            "location",
            "logging",
            "partNumber",
            "policy",
            "requestPayment",
            "torrent",
            "versioning",
            "versionId",
            "versions",
            "website",
            "uploads",
            "uploadId",
            "response-content-type",
            "response-content-language",
            "response-expires",
            "response-cache-control",
            "response-content-disposition",
            "response-content-encoding",
            "delete",
            "lifecycle",
            "tagging",
            "restore",
            "storageClass",
            "notification",
            "replication",
            "analytics",
            "metrics",
            "inventory",
            "select",
            "select-type",
            "object-lock");
    /** Sub-resources other SigV2 signers (the AWS SDK for Java v1, s3cmd) add: tried when the first reading fails. */
    private static final Set<String> MORE_SUBRESOURCES = union(
            SUBRESOURCES,
            Set.of(
                    "encryption",
                    "retention",
                    "legal-hold",
                    "publicAccessBlock",
                    "ownershipControls",
                    "policyStatus",
                    "intelligent-tiering",
                    "attributes",
                    "id"));

    /**
     * What a SigV2 request claims: who signed, the signature, and the Date line of its string to sign.
     *
     * @param time when the request was signed (header) or when it expires (query)
     */
    record Claim(String accessKeyId, String signature, boolean presigned, String dateLine, Instant time) {}

    static boolean isHeader(String authorization) {
        return authorization != null && authorization.startsWith("AWS ") && !authorization.startsWith("AWS4-");
    }

    static boolean isQuery(QueryString query) {
        return query.contains("AWSAccessKeyId") || (query.contains("Signature") && query.contains("Expires"));
    }

    static Claim fromHeader(String authorization, SignedRequest request) throws AuthException {
        String value = authorization.substring("AWS ".length()).strip();
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new AuthException(
                    AuthError.INVALID_ARGUMENT,
                    "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature");
        }
        String amzDate = request.header("x-amz-date");
        String date = request.header("date");
        Instant time = null;
        // With x-amz-date the Date line is empty: the time is signed among the x-amz-* headers.
        String dateLine = "";
        if (amzDate != null) {
            time = parseDate(amzDate.strip());
        } else if (date != null) {
            time = parseDate(date.strip());
            dateLine = date;
        }
        if (time == null) {
            throw new AuthException(
                    AuthError.ACCESS_DENIED, "AWS authentication requires a valid Date or x-amz-date header");
        }
        return new Claim(value.substring(0, colon), value.substring(colon + 1), false, dateLine, time);
    }

    static Claim fromQuery(QueryString query) throws AuthException {
        String key = query.first("AWSAccessKeyId").orElse(null);
        String signature = query.first("Signature").orElse(null);
        String expires = query.first("Expires").orElse(null);
        if (key == null || signature == null || expires == null) {
            throw new AuthException(
                    AuthError.ACCESS_DENIED,
                    "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters");
        }
        long seconds;
        try {
            seconds = Long.parseLong(expires.strip());
        } catch (NumberFormatException e) {
            throw new AuthException(
                    AuthError.ACCESS_DENIED, "Invalid date (should be seconds since epoch): " + expires);
        }
        return new Claim(key, signature, true, expires, Instant.ofEpochSecond(seconds));
    }

    /** True when the signature matches one of the readings of the request clients sign. */
    static boolean verify(
            Claim claim, SignedRequest request, QueryString query, @Nullable String virtualHostBucket, String secret) {
        byte[] provided = claim.signature().getBytes(StandardCharsets.UTF_8);
        for (String resource : resources(request.rawPath(), query, virtualHostBucket)) {
            String text = stringToSign(request, query, claim, resource);
            // As for SigV4: header bytes as ISO-8859-1 characters (the SDKs' form), or re-read as UTF-8 (curl's).
            String utf8 = SigV4Verifier.rereadAsUtf8(text);
            for (String candidate : utf8 == null ? List.of(text) : List.of(text, utf8)) {
                String expected = SigV2Signature.sign(secret, candidate);
                if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), provided)) return true;
            }
        }
        return false;
    }

    static String stringToSign(SignedRequest request, QueryString query, Claim claim, String resource) {
        StringBuilder s = new StringBuilder();
        s.append(request.method()).append('\n');
        s.append(headerOrQuery(request, query, "content-md5", claim.presigned()))
                .append('\n');
        s.append(headerOrQuery(request, query, "content-type", claim.presigned()))
                .append('\n');
        s.append(claim.dateLine()).append('\n');
        TreeMap<String, List<String>> amz = new TreeMap<>();
        for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
            if (h.getKey().startsWith("x-amz-"))
                amz.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).addAll(h.getValue());
        }
        if (claim.presigned()) {
            // Presigning clients move the x-amz-* headers they signed (the session token above all) into the query.
            for (QueryString.Param p : query.params()) {
                String name = p.name().toLowerCase(Locale.ROOT);
                if (name.startsWith("x-amz-") && !amz.containsKey(name)) {
                    amz.computeIfAbsent(name, k -> new ArrayList<>())
                            .add(p.rawValue() == null ? "" : UriEncoding.decodeToString(p.rawValue(), false));
                }
            }
        }
        for (Map.Entry<String, List<String>> e : amz.entrySet()) {
            List<String> values = new ArrayList<>();
            for (String v : e.getValue())
                values.add(v.replaceAll("\\s*\\r?\\n\\s*", " ").strip());
            s.append(e.getKey()).append(':').append(String.join(",", values)).append('\n');
        }
        return s.append(resource).toString();
    }

    private static String headerOrQuery(SignedRequest request, QueryString query, String name, boolean presigned) {
        String v = request.header(name);
        if (v == null && presigned) {
            for (QueryString.Param p : query.params()) {
                if (p.name().equalsIgnoreCase(name))
                    return p.rawValue() == null ? "" : UriEncoding.decodeToString(p.rawValue(), false);
            }
        }
        return v == null ? "" : v.strip();
    }

    /** The canonicalized resources clients compute: path as sent (and as re-encoded, and decoded) with each sub-resource list. */
    private static Set<String> resources(String rawPath, QueryString query, @Nullable String virtualHostBucket) {
        String prefix = virtualHostBucket == null ? "" : "/" + virtualHostBucket;
        String path = rawPath.isEmpty() ? "/" : rawPath;
        Set<String> paths = new LinkedHashSet<>();
        paths.add(path);
        if (virtualHostBucket == null && path.length() > 1 && path.indexOf('/', 1) < 0) {
            // botocore signs a path-style bucket request as "/bucket/" while it sends "/bucket": the same resource.
            paths.add(path + "/");
        }
        try {
            paths.add(UriEncoding.reencode(path, false, true));
            paths.add(UriEncoding.decodeToString(path, false));
        } catch (RuntimeException e) {
            // A path that does not decode is signed as sent or not at all.
        }
        Set<String> out = new LinkedHashSet<>();
        for (Set<String> names : List.of(SUBRESOURCES, MORE_SUBRESOURCES)) {
            String sub = subresources(query, names);
            for (String p : paths) out.add(prefix + p + sub);
        }
        return out;
    }

    private static String subresources(QueryString query, Set<String> names) {
        TreeMap<String, String> sorted = new TreeMap<>();
        for (QueryString.Param p : query.params()) {
            String name = p.name();
            if (!names.contains(name)) continue;
            sorted.putIfAbsent(
                    name, p.rawValue() == null ? name : name + "=" + UriEncoding.decodeToString(p.rawValue(), true));
        }
        return sorted.isEmpty() ? "" : "?" + String.join("&", sorted.values());
    }

    private static @Nullable Instant parseDate(String text) {
        try {
            return Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(text));
        } catch (DateTimeParseException e) {
            return SignatureClaim.parseAmzDate(text);
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        out.addAll(b);
        return Set.copyOf(out);
    }
}

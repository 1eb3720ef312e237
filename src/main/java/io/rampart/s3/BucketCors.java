package io.rampart.s3;

import io.rampart.storage.Bucket;
import io.rampart.storage.MetadataStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PutBucketCors, GetBucketCors, DeleteBucketCors, the unauthenticated preflight ({@code OPTIONS}) and the
 * Access-Control-* headers of actual requests from a browser (those with an Origin header, presigned or not).
 */
final class BucketCors {
    private BucketCors() {}

    static S3Response get(Context ctx, AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        CorsConfiguration c = BucketSettings.of(b).cors();
        if (c == null) throw new S3Exception(S3ErrorCode.NO_SUCH_CORS_CONFIGURATION).with("BucketName", b.name());
        return S3Response.xml(c.toXml());
    }

    static S3Response put(Context ctx, AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        CorsConfiguration c = CorsConfiguration.parse(call.body().readAllBytes());
        BucketSettings.update(ctx, b, s -> s.withCors(c));
        return S3Response.ok();
    }

    static S3Response delete(Context ctx, AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        BucketSettings.update(ctx, b, s -> s.withCors(null));
        return S3Response.noContent();
    }

    /** A browser's preflight: 200 with the matching rule's headers, or S3's 400/403 when no rule allows the request. */
    static S3Response preflight(MetadataStore meta, String bucket, Map<String, List<String>> headers) {
        String origin = first(headers, "origin");
        if (origin == null) {
            throw new S3Exception(
                    S3ErrorCode.BAD_REQUEST_TAGS, "Insufficient information. Origin request header needed.");
        }
        String method = first(headers, "access-control-request-method");
        if (method == null || !method.equals(method.trim()) || method.isEmpty()) {
            throw new S3Exception(S3ErrorCode.BAD_REQUEST_TAGS, "Invalid Access-Control-Request-Method: " + method);
        }
        Bucket b = meta.bucket(bucket)
                .orElseThrow(() -> new S3Exception(S3ErrorCode.NO_SUCH_BUCKET).with("BucketName", bucket));
        CorsConfiguration c = BucketSettings.of(b).cors();
        if (c == null)
            throw new S3Exception(S3ErrorCode.ACCESS_FORBIDDEN, "CORSResponse: CORS is not enabled for this bucket.");
        List<String> requested = requestHeaders(first(headers, "access-control-request-headers"));
        CorsConfiguration.Rule rule =
                c.match(origin, method, requested).orElseThrow(() -> new S3Exception(S3ErrorCode.ACCESS_FORBIDDEN));
        S3Response r = S3Response.ok();
        rule.responseHeaders(origin, requested, true).forEach(r::header);
        return r;
    }

    /** The Access-Control-* headers for an actual request with an Origin header, when a rule allows it. */
    static Map<String, String> actualRequestHeaders(
            MetadataStore meta, String bucket, String method, Map<String, List<String>> headers) {
        String origin = first(headers, "origin");
        if (origin == null || bucket == null) return Map.of();
        Optional<CorsConfiguration> c =
                meta.bucket(bucket).map(b -> BucketSettings.of(b).cors());
        if (c.isEmpty()) return Map.of();
        return c.get()
                .match(origin, method, List.of())
                .map(r -> r.responseHeaders(origin, List.of(), false))
                .orElse(Map.of());
    }

    private static List<String> requestHeaders(String value) {
        List<String> out = new ArrayList<>();
        if (value == null) return out;
        for (String h : value.split(",")) if (!h.isBlank()) out.add(h.trim());
        return out;
    }

    private static String first(Map<String, List<String>> h, String name) {
        List<String> v = h.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}

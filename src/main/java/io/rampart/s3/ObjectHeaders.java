package io.rampart.s3;

import io.rampart.storage.ObjectMeta;
import io.rampart.storage.ObjectVersion;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Reads what a write stores from request headers, and writes a version's headers onto a response. */
final class ObjectHeaders {
    private ObjectHeaders() {}

    static final List<String> CONTENT_HEADERS = List.of(
            "Content-Type", "Content-Encoding", "Content-Disposition", "Content-Language", "Cache-Control", "Expires");
    private static final int USER_METADATA_LIMIT = 2048;
    static final int MAX_KEY_BYTES = 1024;

    static void checkKey(String key) {
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new S3Exception(S3ErrorCode.KEY_TOO_LONG).with("MaxSizeAllowed", "1024");
        }
    }

    static Map<String, String> contentHeaders(S3Call call) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String h : CONTENT_HEADERS) {
            call.header(h.toLowerCase(Locale.ROOT)).ifPresent(v -> {
                boolean chunked = h.equals("Content-Encoding")
                        && java.util.Arrays.stream(v.split(","))
                                .anyMatch(e -> e.trim().equalsIgnoreCase("aws-chunked"));
                if (chunked) {
                    // aws-chunked is transport framing, not a property of the object; any other value is kept verbatim.
                    String kept = String.join(
                            ",",
                            java.util.Arrays.stream(v.split(","))
                                    .map(String::trim)
                                    .filter(e -> !e.isEmpty() && !e.equalsIgnoreCase("aws-chunked"))
                                    .toList());
                    if (!kept.isEmpty()) out.put(h, kept);
                } else {
                    out.put(h, v);
                }
            });
        }
        out.putIfAbsent("Content-Type", "binary/octet-stream");
        return out;
    }

    static Map<String, String> userMetadata(S3Call call) {
        Map<String, String> out = new TreeMap<>();
        int size = 0;
        for (Map.Entry<String, List<String>> e : call.headers().entrySet()) {
            if (e.getKey().startsWith("x-amz-meta-")) {
                String name = e.getKey().substring("x-amz-meta-".length());
                String value = String.join(",", e.getValue());
                out.put(name, value);
                size += name.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        if (size > USER_METADATA_LIMIT) {
            throw new S3Exception(S3ErrorCode.METADATA_TOO_LARGE)
                    .with("Size", Integer.toString(size))
                    .with("MaxSizeAllowed", Integer.toString(USER_METADATA_LIMIT));
        }
        return out;
    }

    static String storageClass(S3Call call) {
        String sc = call.header("x-amz-storage-class").orElse("STANDARD");
        return switch (sc) {
            case "STANDARD",
                    "REDUCED_REDUNDANCY",
                    "STANDARD_IA",
                    "ONEZONE_IA",
                    "INTELLIGENT_TIERING",
                    "GLACIER",
                    "DEEP_ARCHIVE",
                    "GLACIER_IR",
                    "OUTPOSTS",
                    "SNOW",
                    "EXPRESS_ONEZONE" -> sc;
            default -> throw new S3Exception(S3ErrorCode.INVALID_STORAGE_CLASS).with("StorageClassRequested", sc);
        };
    }

    /** Tags from the x-amz-tagging header (URL query form), validated as S3 does. */
    static Map<String, String> taggingHeader(S3Call call) {
        return call.header("x-amz-tagging").map(ObjectHeaders::parseTagQuery).orElse(Map.of());
    }

    static Map<String, String> parseTagQuery(String q) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (q.isEmpty()) return tags;
        for (String pair : q.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (tags.put(k, v) != null) {
                throw new S3Exception(S3ErrorCode.INVALID_TAG, "Cannot provide multiple Tags with the same key");
            }
        }
        Tagging.validate(tags);
        return tags;
    }

    /** The headers GET and HEAD return for a version (not Content-Length/Range, which depend on the request). */
    static void write(S3Response r, ObjectVersion v, S3Call call) {
        ObjectMeta m = v.meta();
        r.header("Last-Modified", Formats.httpDate(v.lastModified()));
        r.header("ETag", Formats.quoted(v.etag()));
        r.header("Accept-Ranges", "bytes");
        for (String h : CONTENT_HEADERS) r.header(h, m.contentHeaders().get(h));
        for (Map.Entry<String, String> e : m.userMetadata().entrySet())
            r.header("x-amz-meta-" + e.getKey(), e.getValue());
        if (!m.tags().isEmpty())
            r.header("x-amz-tagging-count", Integer.toString(m.tags().size()));
        if (!"STANDARD".equals(m.storageClass())) r.header("x-amz-storage-class", m.storageClass());
        if (m.replicationStatus() != null) r.header("x-amz-replication-status", m.replicationStatus());
        // response-* overrides (S3 refuses them for anonymous requests; auth already required here).
        override(r, call, "response-content-type", "Content-Type");
        override(r, call, "response-content-language", "Content-Language");
        override(r, call, "response-expires", "Expires");
        override(r, call, "response-cache-control", "Cache-Control");
        override(r, call, "response-content-disposition", "Content-Disposition");
        override(r, call, "response-content-encoding", "Content-Encoding");
    }

    private static void override(S3Response r, S3Call call, String param, String header) {
        call.query(param).ifPresent(v -> r.header(header, v));
    }

    static void writeChecksums(S3Response r, ObjectMeta m) {
        for (Map.Entry<String, String> e : m.checksums().entrySet()) {
            r.header("x-amz-checksum-" + e.getKey().toLowerCase(Locale.ROOT), e.getValue());
        }
        if (!m.checksums().isEmpty())
            r.header("x-amz-checksum-type", m.checksumType() == null ? "FULL_OBJECT" : m.checksumType());
    }
}

package io.rampart.s3;

import io.rampart.storage.MetadataStore.Precondition;
import io.rampart.storage.ObjectVersion;
import java.util.Optional;

/** The If-* request headers: on reads (304/412 in S3's precedence), on copy sources, and as atomic write preconditions. */
final class Conditions {
    private Conditions() {}

    /** GET/HEAD: If-Match and If-Unmodified-Since → 412; If-None-Match and If-Modified-Since → 304. */
    static void checkRead(S3Call call, ObjectVersion v, String prefix) {
        Optional<String> ifMatch = header(call, prefix, "if-match");
        Optional<String> ifNoneMatch = header(call, prefix, "if-none-match");
        Optional<Long> ifModifiedSince =
                header(call, prefix, "if-modified-since").flatMap(Formats::parseHttpDate);
        Optional<Long> ifUnmodifiedSince =
                header(call, prefix, "if-unmodified-since").flatMap(Formats::parseHttpDate);
        long modifiedSecond = v.lastModified() / 1000 * 1000;
        boolean copy = !prefix.isEmpty();
        if (ifMatch.isPresent()) {
            if (!etagMatches(ifMatch.get(), v.etag())) throw preconditionFailed(copy ? null : "If-Match");
        } else if (ifUnmodifiedSince.isPresent() && modifiedSecond > ifUnmodifiedSince.get()) {
            throw preconditionFailed(copy ? null : "If-Unmodified-Since");
        }
        if (ifNoneMatch.isPresent()) {
            if (etagMatches(ifNoneMatch.get(), v.etag())) {
                if (copy) throw preconditionFailed(null);
                throw notModified(v);
            }
        } else if (ifModifiedSince.isPresent() && modifiedSecond <= ifModifiedSince.get()) {
            if (copy) throw preconditionFailed(null);
            throw notModified(v);
        }
    }

    /** A GET's own condition headers are looked up by their constant names: no name is built per request. */
    private static Optional<String> header(S3Call call, String prefix, String name) {
        return call.header(prefix.isEmpty() ? name : prefix + name);
    }

    private static S3Exception notModified(ObjectVersion v) {
        return new S3Exception(S3ErrorCode.NOT_MODIFIED)
                .header("ETag", Formats.quoted(v.etag()))
                .header("Last-Modified", Formats.httpDate(v.lastModified()));
    }

    private static S3Exception preconditionFailed(String condition) {
        return new S3Exception(S3ErrorCode.PRECONDITION_FAILED).with("Condition", condition);
    }

    static boolean etagMatches(String header, String etag) {
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || Formats.unquote(c).equals(etag)) return true;
        }
        return false;
    }

    /**
     * DeleteObject's If-Match, x-amz-if-match-last-modified-time and x-amz-if-match-size (and the ETag, LastModifiedTime
     * and Size of a DeleteObjects entry): 412 when the object differs, 404 when there is none. Checked in the delete
     * transaction.
     */
    static Precondition forDelete(String key, Optional<String> etag, Optional<Long> lastModified, Optional<Long> size) {
        if (etag.isEmpty() && lastModified.isEmpty() && size.isEmpty()) return Precondition.NONE;
        return current -> {
            if (current.isEmpty() || current.get().deleteMarker()) {
                throw new S3Exception(S3ErrorCode.NO_SUCH_KEY).with("Key", key);
            }
            ObjectVersion v = current.get();
            if (etag.isPresent() && !etagMatches(etag.get(), v.etag())) throw preconditionFailed("If-Match");
            if (lastModified.isPresent() && v.lastModified() / 1000 != lastModified.get() / 1000) {
                throw preconditionFailed("x-amz-if-match-last-modified-time");
            }
            if (size.isPresent() && v.size() != size.get()) throw preconditionFailed("x-amz-if-match-size");
        };
    }

    /** The DeleteObject headers' conditions. */
    static Precondition forDelete(S3Call call) {
        Optional<Long> lastModified = call.header("x-amz-if-match-last-modified-time")
                .map(v -> Formats.parseHttpDate(v)
                        .orElseThrow(() -> invalidCondition("x-amz-if-match-last-modified-time", v)));
        Optional<Long> size = call.header("x-amz-if-match-size").map(v -> parseSize("x-amz-if-match-size", v));
        return forDelete(call.key(), call.header("if-match"), lastModified, size);
    }

    static long parseSize(String name, String v) {
        try {
            long n = Long.parseLong(v.trim());
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalidCondition(name, v);
    }

    static S3Exception invalidCondition(String name, String value) {
        return new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid value for " + name)
                .with("ArgumentName", name)
                .with("ArgumentValue", value);
    }

    /**
     * PutObject / CompleteMultipartUpload: If-None-Match: * fails when the key exists; If-Match fails when it does not
     * exist (NoSuchKey) or has another ETag. Checked inside the write transaction, so two racing writers cannot both win.
     */
    static Precondition forWrite(S3Call call) {
        Optional<String> ifNoneMatch = call.header("if-none-match");
        Optional<String> ifMatch = call.header("if-match");
        if (ifNoneMatch.isPresent() && !ifNoneMatch.get().trim().equals("*")) {
            throw new S3Exception(
                            S3ErrorCode.NOT_IMPLEMENTED,
                            "A header you provided implies functionality that is not implemented")
                    .with("Header", "If-None-Match");
        }
        if (ifNoneMatch.isEmpty() && ifMatch.isEmpty()) return Precondition.NONE;
        return current -> {
            Optional<ObjectVersion> live = current.filter(v -> !v.deleteMarker());
            if (ifNoneMatch.isPresent() && live.isPresent()) throw preconditionFailed("If-None-Match");
            if (ifMatch.isPresent()) {
                if (live.isEmpty()) throw new S3Exception(S3ErrorCode.NO_SUCH_KEY).with("Key", call.key());
                if (!etagMatches(ifMatch.get(), live.get().etag())) throw preconditionFailed("If-Match");
            }
        };
    }
}

package io.rampart.s3;

import io.rampart.storage.MetadataStore.Precondition;
import io.rampart.storage.ObjectVersion;
import java.util.Optional;

/** The If-* request headers: on reads (304/412 in S3's precedence), on copy sources, and as atomic write preconditions. */
final class Conditions {
    private Conditions() { }

    /** GET/HEAD: If-Match and If-Unmodified-Since → 412; If-None-Match and If-Modified-Since → 304. */
    static void checkRead(S3Call call, ObjectVersion v, String prefix) {
        Optional<String> ifMatch = call.header(prefix + "if-match");
        Optional<String> ifNoneMatch = call.header(prefix + "if-none-match");
        Optional<Long> ifModifiedSince = call.header(prefix + "if-modified-since").flatMap(Formats::parseHttpDate);
        Optional<Long> ifUnmodifiedSince = call.header(prefix + "if-unmodified-since").flatMap(Formats::parseHttpDate);
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

    private static S3Exception notModified(ObjectVersion v) {
        return new S3Exception(S3ErrorCode.NOT_MODIFIED).header("ETag", Formats.quoted(v.etag()))
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
     * PutObject / CompleteMultipartUpload: If-None-Match: * fails when the key exists; If-Match fails when it does not
     * exist (NoSuchKey) or has another ETag. Checked inside the write transaction, so two racing writers cannot both win.
     */
    static Precondition forWrite(S3Call call) {
        Optional<String> ifNoneMatch = call.header("if-none-match");
        Optional<String> ifMatch = call.header("if-match");
        if (ifNoneMatch.isPresent() && !ifNoneMatch.get().trim().equals("*")) {
            throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED, "A header you provided implies functionality that is not implemented")
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

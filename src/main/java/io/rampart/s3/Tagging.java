package io.rampart.s3;

import io.rampart.storage.ObjectVersion;
import io.rampart.xml.XmlElement;
import io.rampart.xml.XmlWriter;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** GetObjectTagging, PutObjectTagging, DeleteObjectTagging, and the tag rules S3 enforces. */
final class Tagging {
    private final Context ctx;

    Tagging(Context ctx) {
        this.ctx = ctx;
    }

    static void validate(Map<String, String> tags) {
        if (tags.size() > 10)
            throw new S3Exception(S3ErrorCode.BAD_REQUEST_TAGS, "Object tags cannot be greater than 10");
        validateEach(tags);
    }

    /** Bucket tags: up to 50, with the same key and value rules as object tags (AWS's limits). */
    static void validateBucketTags(Map<String, String> tags) {
        if (tags.size() > 50)
            throw new S3Exception(S3ErrorCode.INVALID_TAG, "Bucket tag count cannot be greater than 50");
        validateEach(tags);
    }

    private static void validateEach(Map<String, String> tags) {
        for (Map.Entry<String, String> e : tags.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().codePointCount(0, e.getKey().length()) > 128) {
                throw new S3Exception(S3ErrorCode.INVALID_TAG, "The TagKey you have provided is too long, max 128");
            }
            if (e.getValue().codePointCount(0, e.getValue().length()) > 256) {
                throw new S3Exception(S3ErrorCode.INVALID_TAG, "The TagValue you have provided is too long, max 256");
            }
            if (e.getKey().startsWith("aws:")) {
                throw new S3Exception(S3ErrorCode.INVALID_TAG, "Your TagKey cannot be prefixed with aws:");
            }
        }
    }

    S3Response get(AuthorizedCall call) {
        var b = ctx.ownedBucket(call);
        ObjectVersion v = Versions.resolve(ctx, call);
        XmlWriter x = new XmlWriter().start("Tagging", XmlWriter.S3_NAMESPACE).start("TagSet");
        for (Map.Entry<String, String> e : v.meta().tags().entrySet()) {
            x.start("Tag")
                    .element("Key", e.getKey())
                    .element("Value", e.getValue())
                    .end();
        }
        S3Response r = S3Response.xml(x);
        Versions.header(r, b, v.versionId());
        return r;
    }

    S3Response put(AuthorizedCall call) throws IOException {
        ctx.ownedBucket(call);
        Map<String, String> tags = parse(call.body().readAllBytes());
        Optional<String> versionId = Versions.requested(call);
        Optional<ObjectVersion> v =
                ctx.meta().updateMeta(call.bucket(), call.key(), versionId.orElse(null), m -> m.withTags(tags));
        if (v.isEmpty()) throw missing(call);
        S3Response r = S3Response.ok();
        Versions.header(r, ctx.ownedBucket(call), v.get().versionId());
        return r;
    }

    S3Response delete(AuthorizedCall call) {
        ctx.ownedBucket(call);
        Optional<String> versionId = Versions.requested(call);
        Optional<ObjectVersion> v =
                ctx.meta().updateMeta(call.bucket(), call.key(), versionId.orElse(null), m -> m.withTags(Map.of()));
        if (v.isEmpty()) throw missing(call);
        S3Response r = S3Response.noContent();
        Versions.header(r, ctx.ownedBucket(call), v.get().versionId());
        return r;
    }

    /** Why a tagging change found nothing: S3 re-resolves to report NoSuchKey, NoSuchVersion or MethodNotAllowed. */
    private S3Exception missing(AuthorizedCall call) {
        Versions.resolve(ctx, call);
        return new S3Exception(S3ErrorCode.NO_SUCH_KEY).with("Key", call.key());
    }

    static Map<String, String> parse(byte[] body) {
        Map<String, String> tags = parseTagSet(body);
        validate(tags);
        return tags;
    }

    /** A Tagging document's TagSet, keys unique, not yet checked against a limit. */
    static Map<String, String> parseTagSet(byte[] body) {
        XmlElement root = RequestXml.parse(body, "Tagging");
        XmlElement set = root.child("TagSet").orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
        Map<String, String> tags = new LinkedHashMap<>();
        for (XmlElement t : set.all("Tag")) {
            String k = t.childText("Key").orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
            String v = t.childText("Value").orElse("");
            if (tags.put(k, v) != null) {
                throw new S3Exception(S3ErrorCode.INVALID_TAG, "Cannot provide multiple Tags with the same key");
            }
        }
        return tags;
    }
}

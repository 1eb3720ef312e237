package io.rampart.s3;

import io.rampart.storage.Bucket;
import io.rampart.storage.MetadataStore.Precondition;
import io.rampart.xml.XmlElement;
import io.rampart.xml.XmlWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** DeleteObjects: up to 1000 keys in one request, each reported deleted or failed, Quiet mode reporting only failures. */
final class DeleteObjects {
    private static final int MAX_KEYS = 1000;
    private final Context ctx;

    private final Objects objects;

    DeleteObjects(Context ctx, Objects objects) {
        this.ctx = ctx;
        this.objects = objects;
    }

    S3Response handle(AuthorizedCall call) throws IOException {
        Bucket bucket = ctx.ownedBucket(call);
        if (call.header("content-md5").isEmpty()
                && call.verifiedChecksums().isEmpty()
                && call.headers().keySet().stream()
                        .noneMatch(h -> h.startsWith("x-amz-checksum-")
                                || h.equals("x-amz-trailer")
                                || h.equals("x-amz-sdk-checksum-algorithm"))) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "Missing required header for this request: Content-MD5 OR x-amz-checksum-*");
        }
        byte[] body = call.body().readAllBytes();
        XmlElement root = RequestXml.parse(body, "Delete");
        List<XmlElement> entries = root.all("Object");
        if (entries.isEmpty() || entries.size() > MAX_KEYS) throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        boolean quiet = root.childText("Quiet")
                .map(s -> s.trim().equalsIgnoreCase("true"))
                .orElse(false);
        XmlWriter x = new XmlWriter().start("DeleteResult", XmlWriter.S3_NAMESPACE);
        for (XmlElement o : entries) {
            if (o.child("Key").isEmpty()) throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            conditions(o, ""); // a malformed LastModifiedTime or Size fails the whole request
        }
        for (XmlElement o : entries) {
            String key = o.childText("Key").orElseThrow();
            String versionId = o.childText("VersionId").orElse(null);
            try {
                if (key.getBytes(StandardCharsets.UTF_8).length > ObjectHeaders.MAX_KEY_BYTES) {
                    throw new S3Exception(S3ErrorCode.KEY_TOO_LONG);
                }
                if (versionId != null && !Versions.valid(versionId)) {
                    throw new S3Exception(S3ErrorCode.NO_SUCH_VERSION, "The specified version does not exist.");
                }
                // Each key is authorised on its own (s3:DeleteObject / s3:DeleteObjectVersion); a denied key is
                // reported.
                call.authorizeDelete(key, versionId);
                Objects.Deleted d =
                        objects.deleteOne(bucket, call, key, Optional.ofNullable(versionId), conditions(o, key));
                if (!quiet) {
                    x.start("Deleted").element("Key", key).element("VersionId", versionId);
                    if (d.deleteMarker()) {
                        x.element("DeleteMarker", true).element("DeleteMarkerVersionId", d.versionId());
                    }
                    x.end();
                }
            } catch (S3Exception e) {
                x.start("Error")
                        .element("Key", key)
                        .element("VersionId", versionId)
                        .element("Code", e.code().code())
                        .element("Message", e.getMessage())
                        .end();
            }
        }
        return S3Response.xml(x);
    }

    /** An entry's ETag, LastModifiedTime and Size: the conditions DeleteObject takes as headers. */
    private static Precondition conditions(XmlElement o, String key) {
        // The SDKs send the element in the header's HTTP-date form; ISO 8601 is accepted too.
        Optional<Long> lastModified = o.childText("LastModifiedTime")
                .map(String::trim)
                .map(v -> Formats.parseHttpDate(v).orElseGet(() -> {
                    try {
                        return java.time.Instant.parse(v).toEpochMilli();
                    } catch (java.time.format.DateTimeParseException e) {
                        throw new S3Exception(S3ErrorCode.MALFORMED_XML);
                    }
                }));
        Optional<Long> size = o.childText("Size").map(v -> {
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
        });
        return Conditions.forDelete(key, o.childText("ETag").map(String::trim), lastModified, size);
    }
}

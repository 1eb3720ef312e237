package io.rampart.s3;

import io.rampart.storage.MetadataStore.Precondition;
import io.rampart.xml.XmlElement;
import io.rampart.xml.XmlWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** DeleteObjects: up to 1000 keys in one request, each reported deleted or failed, Quiet mode reporting only failures. */
final class DeleteObjects {
    private static final int MAX_KEYS = 1000;
    private final Context ctx;

    DeleteObjects(Context ctx) {
        this.ctx = ctx;
    }

    S3Response handle(S3Call call) throws IOException {
        ctx.ownedBucket(call);
        if (call.header("content-md5").isEmpty() && call.verifiedChecksums().isEmpty()
                && call.headers().keySet().stream().noneMatch(h -> h.startsWith("x-amz-checksum-") || h.equals("x-amz-trailer")
                        || h.equals("x-amz-sdk-checksum-algorithm"))) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Missing required header for this request: Content-MD5 OR x-amz-checksum-*");
        }
        byte[] body = call.body().readAllBytes();
        XmlElement root;
        try {
            root = XmlElement.parse(body);
        } catch (XmlElement.MalformedXmlException e) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        if (!root.name().equals("Delete")) throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        List<XmlElement> objects = root.all("Object");
        if (objects.isEmpty() || objects.size() > MAX_KEYS) throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        boolean quiet = root.childText("Quiet").map(s -> s.trim().equalsIgnoreCase("true")).orElse(false);
        XmlWriter x = new XmlWriter().start("DeleteResult", XmlWriter.S3_NAMESPACE);
        for (XmlElement o : objects) {
            if (o.child("Key").isEmpty()) throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        for (XmlElement o : objects) {
            String key = o.childText("Key").orElseThrow();
            String versionId = o.childText("VersionId").orElse(null);
            try {
                if (key.getBytes(StandardCharsets.UTF_8).length > ObjectHeaders.MAX_KEY_BYTES) {
                    throw new S3Exception(S3ErrorCode.KEY_TOO_LONG);
                }
                if (versionId != null && !versionId.equals("null")) {
                    // Unversioned buckets hold only the "null" version; any other id names nothing, which S3 reports as deleted.
                    if (!quiet) x.start("Deleted").element("Key", key).element("VersionId", versionId).end();
                    continue;
                }
                ctx.meta().deleteObject(call.bucket(), key, Precondition.NONE);
                if (!quiet) x.start("Deleted").element("Key", key).element("VersionId", versionId).end();
            } catch (S3Exception e) {
                x.start("Error").element("Key", key).element("VersionId", versionId).element("Code", e.code().code())
                        .element("Message", e.getMessage()).end();
            }
        }
        return S3Response.xml(x);
    }
}

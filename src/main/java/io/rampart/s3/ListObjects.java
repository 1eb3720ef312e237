package io.rampart.s3;

import io.rampart.storage.Bucket;
import io.rampart.storage.ListEntry;
import io.rampart.storage.ListPage;
import io.rampart.xml.XmlWriter;
import java.util.function.UnaryOperator;

/** ListObjects (v1) and ListObjectsV2: one index range scan per page, delimiters rolled up by seeking past prefixes. */
final class ListObjects {
    private final Context ctx;

    ListObjects(Context ctx) {
        this.ctx = ctx;
    }

    private static UnaryOperator<String> encoder(S3Call call) {
        String enc = call.query("encoding-type").orElse(null);
        if (enc == null) return s -> s;
        if (!enc.equals("url")) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid Encoding Method specified in Request")
                    .with("ArgumentName", "encoding-type")
                    .with("ArgumentValue", enc);
        }
        return Formats::urlEncode;
    }

    private static int maxKeys(S3Call call) {
        return call.query("max-keys")
                .map(v -> Buckets.parseInt(v, "max-keys", 0, 1000))
                .orElse(1000);
    }

    S3Response v1(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        UnaryOperator<String> enc = encoder(call);
        String prefix = call.query("prefix").orElse("");
        String delimiter = call.query("delimiter").orElse("");
        String marker = call.query("marker").orElse("");
        int max = maxKeys(call);
        ListPage<ListEntry> page = ctx.meta().listObjects(b.name(), prefix, delimiter, marker, max);
        XmlWriter x = new XmlWriter()
                .start("ListBucketResult", XmlWriter.S3_NAMESPACE)
                .element("Name", b.name())
                .element("Prefix", enc.apply(prefix))
                .element("Marker", enc.apply(marker));
        if (page.truncated() && !delimiter.isEmpty()) x.element("NextMarker", enc.apply(page.nextMarker()));
        x.element("MaxKeys", max);
        if (!delimiter.isEmpty()) x.element("Delimiter", enc.apply(delimiter));
        x.element("IsTruncated", page.truncated());
        if (call.hasQuery("encoding-type")) x.element("EncodingType", "url");
        contents(x, page, enc, true, b.owner());
        return S3Response.xml(x);
    }

    S3Response v2(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        UnaryOperator<String> enc = encoder(call);
        String prefix = call.query("prefix").orElse("");
        String delimiter = call.query("delimiter").orElse("");
        String startAfter = call.query("start-after").orElse("");
        String token = call.query("continuation-token").orElse(null);
        if (token != null && token.isEmpty()) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "The continuation token provided is incorrect")
                    .with("ArgumentName", "continuation-token");
        }
        boolean fetchOwner =
                call.query("fetch-owner").map("true"::equalsIgnoreCase).orElse(false);
        int max = maxKeys(call);
        String after = token != null ? Buckets.decodeToken(token) : startAfter;
        ListPage<ListEntry> page = ctx.meta().listObjects(b.name(), prefix, delimiter, after, max);
        XmlWriter x = new XmlWriter()
                .start("ListBucketResult", XmlWriter.S3_NAMESPACE)
                .element("Name", b.name())
                .element("Prefix", enc.apply(prefix));
        if (call.hasQuery("start-after")) x.element("StartAfter", enc.apply(startAfter));
        if (token != null) x.element("ContinuationToken", token);
        if (page.truncated()) x.element("NextContinuationToken", Buckets.encodeToken(page.nextMarker()));
        x.element("KeyCount", page.entries().size() + page.commonPrefixes().size())
                .element("MaxKeys", max);
        if (!delimiter.isEmpty()) x.element("Delimiter", enc.apply(delimiter));
        x.element("IsTruncated", page.truncated());
        if (call.hasQuery("encoding-type")) x.element("EncodingType", "url");
        contents(x, page, enc, fetchOwner, b.owner());
        return S3Response.xml(x);
    }

    private static void contents(
            XmlWriter x, ListPage<ListEntry> page, UnaryOperator<String> enc, boolean owner, String account) {
        for (ListEntry v : page.entries()) {
            x.start("Contents")
                    .element("Key", enc.apply(v.key()))
                    .element("LastModified", Formats.isoDate(v.lastModified()))
                    .element("ETag", Formats.quoted(v.etag()));
            for (String alg : v.checksumAlgorithms()) x.element("ChecksumAlgorithm", alg);
            if (!v.checksumAlgorithms().isEmpty()) x.element("ChecksumType", "FULL_OBJECT");
            x.element("Size", v.size());
            if (owner) Owners.write(x, "Owner", account);
            x.element("StorageClass", v.storageClass());
            x.end();
        }
        for (String p : page.commonPrefixes()) {
            x.start("CommonPrefixes").element("Prefix", enc.apply(p)).end();
        }
    }
}

package io.rampart.s3;

import io.rampart.storage.Bucket;
import io.rampart.storage.ObjectVersion;
import io.rampart.xml.XmlWriter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * GetObjectAttributes: an object's ETag, checksum, parts, storage class and size in one call, without its data
 * (aws s3api get-object-attributes, boto3's get_object_attributes). The attributes asked for come in
 * x-amz-object-attributes; only those are answered.
 */
final class ObjectAttributes {
    private ObjectAttributes() {}

    private static final Set<String> NAMES = Set.of("ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize");

    static S3Response get(Context ctx, AuthorizedCall call) {
        Bucket bucket = ctx.ownedBucket(call);
        Set<String> wanted = new LinkedHashSet<>();
        for (String value : call.headers().getOrDefault("x-amz-object-attributes", List.of())) {
            for (String name : value.split(",")) {
                String n = name.trim();
                if (n.isEmpty()) continue;
                if (!NAMES.contains(n)) {
                    throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid attribute name specified.")
                            .with("ArgumentName", "x-amz-object-attributes")
                            .with("ArgumentValue", n);
                }
                wanted.add(n);
            }
        }
        if (wanted.isEmpty()) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty");
        }
        int maxParts = call.header("x-amz-max-parts")
                .map(v -> Buckets.parseInt(v, "x-amz-max-parts", 0, Integer.MAX_VALUE))
                .orElse(1000);
        int marker = call.header("x-amz-part-number-marker")
                .map(v -> Buckets.parseInt(v, "x-amz-part-number-marker", 0, 10000))
                .orElse(0);
        ObjectVersion v = Versions.resolve(ctx, call);
        // An SSE-C object's attributes need its key, as its metadata does on HEAD.
        Optional<Sse.CustomerKey> customer = ctx.sse().customerKey(call, Sse.SSE_C_PREFIX);
        try {
            ctx.sse().open(v.meta().encryption(), customer, call);
        } finally {
            Sse.forget(customer);
        }
        XmlWriter x = new XmlWriter().start("GetObjectAttributesResponse", XmlWriter.S3_NAMESPACE);
        if (wanted.contains("ETag")) x.element("ETag", v.etag());
        Map<String, String> sums = v.meta().checksums();
        if (wanted.contains("Checksum") && !sums.isEmpty()) {
            x.start("Checksum");
            for (Map.Entry<String, String> e : sums.entrySet()) {
                x.element("Checksum" + e.getKey().toUpperCase(Locale.ROOT), e.getValue());
            }
            x.element(
                    "ChecksumType",
                    v.meta().checksumType() == null ? "FULL_OBJECT" : v.meta().checksumType());
            x.end();
        }
        List<Long> parts = v.meta().partSizes();
        if (wanted.contains("ObjectParts") && !parts.isEmpty()) {
            x.start("ObjectParts").element("PartsCount", parts.size()).element("PartNumberMarker", marker);
            int last = Math.min(parts.size(), marker + maxParts);
            if (last > marker) x.element("NextPartNumberMarker", last);
            x.element("MaxParts", maxParts).element("IsTruncated", last < parts.size());
            for (int n = marker + 1; n <= last; n++) {
                x.start("Part")
                        .element("PartNumber", n)
                        .element("Size", parts.get(n - 1))
                        .end();
            }
            x.end();
        }
        if (wanted.contains("StorageClass")) x.element("StorageClass", v.meta().storageClass());
        if (wanted.contains("ObjectSize")) x.element("ObjectSize", v.size());
        S3Response r = S3Response.xml(x.end());
        r.header("Last-Modified", Formats.httpDate(v.lastModified()));
        Versions.header(r, bucket, v.versionId());
        return r;
    }
}

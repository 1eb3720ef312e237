package io.rampart.s3;

import io.rampart.storage.Bucket;
import io.rampart.xml.XmlWriter;
import java.io.IOException;
import java.util.Map;

/** PutBucketTagging, GetBucketTagging, DeleteBucketTagging: the bucket's tag set, with AWS's limits. */
final class BucketTagging {
    private BucketTagging() {}

    static S3Response get(Context ctx, AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        Map<String, String> tags = BucketSettings.of(b).tags();
        if (tags == null) throw new S3Exception(S3ErrorCode.NO_SUCH_TAG_SET).with("BucketName", b.name());
        XmlWriter x = new XmlWriter().start("Tagging", XmlWriter.S3_NAMESPACE).start("TagSet");
        tags.forEach(
                (k, v) -> x.start("Tag").element("Key", k).element("Value", v).end());
        return S3Response.xml(x);
    }

    static S3Response put(Context ctx, AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        Map<String, String> tags = Tagging.parseTagSet(call.body().readAllBytes());
        Tagging.validateBucketTags(tags);
        BucketSettings.update(ctx, b, s -> s.withTags(new java.util.LinkedHashMap<>(tags)));
        return S3Response.noContent();
    }

    static S3Response delete(Context ctx, AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        BucketSettings.update(ctx, b, s -> s.withTags(null));
        return S3Response.noContent();
    }
}

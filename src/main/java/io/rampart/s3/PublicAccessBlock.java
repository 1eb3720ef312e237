package io.rampart.s3;

import io.rampart.storage.Bucket;
import io.rampart.xml.XmlElement;
import io.rampart.xml.XmlWriter;
import java.io.IOException;
import java.util.Optional;

/**
 * Put/Get/DeletePublicAccessBlock at bucket level. BlockPublicPolicy refuses a public bucket policy (403) and
 * RestrictPublicBuckets confines a public policy to the owner's account (see {@link Authorizer}); BlockPublicAcls refuses
 * setting a public ACL and IgnorePublicAcls makes public grants count for nothing (see {@link Acls}).
 */
final class PublicAccessBlock {
    private final Context ctx;
    private final BucketPolicies policies;

    PublicAccessBlock(Context ctx, BucketPolicies policies) {
        this.ctx = ctx;
        this.policies = policies;
    }

    S3Response get(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        BucketSettings.PublicAccess p = Optional.ofNullable(BucketSettings.of(b).publicAccessBlock())
                .orElseThrow(() -> new S3Exception(S3ErrorCode.NO_SUCH_PUBLIC_ACCESS_BLOCK_CONFIGURATION)
                        .with("BucketName", b.name()));
        return S3Response.xml(new XmlWriter()
                .start("PublicAccessBlockConfiguration", XmlWriter.S3_NAMESPACE)
                .element("BlockPublicAcls", p.blockPublicAcls())
                .element("IgnorePublicAcls", p.ignorePublicAcls())
                .element("BlockPublicPolicy", p.blockPublicPolicy())
                .element("RestrictPublicBuckets", p.restrictPublicBuckets()));
    }

    S3Response put(AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        XmlElement root = RequestXml.parse(call.body().readAllBytes(), "PublicAccessBlockConfiguration");
        BucketSettings.PublicAccess p = new BucketSettings.PublicAccess(
                flag(root, "BlockPublicAcls"),
                flag(root, "IgnorePublicAcls"),
                flag(root, "BlockPublicPolicy"),
                flag(root, "RestrictPublicBuckets"));
        BucketSettings.update(ctx, b, s -> s.withPublicAccessBlock(p));
        policies.invalidate(b.name());
        return S3Response.ok();
    }

    S3Response delete(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        BucketSettings.update(ctx, b, s -> s.withPublicAccessBlock(null));
        policies.invalidate(b.name());
        return S3Response.noContent();
    }

    /** An absent switch is false, as S3 reads it; anything but true/false is malformed. */
    private static boolean flag(XmlElement root, String name) {
        Optional<String> v = root.childText(name).map(String::trim);
        if (v.isEmpty()) return false;
        if (v.get().equalsIgnoreCase("true")) return true;
        if (v.get().equalsIgnoreCase("false")) return false;
        throw new S3Exception(S3ErrorCode.MALFORMED_XML);
    }
}

package io.rampart.s3;

import io.rampart.policy.MalformedPolicyException;
import io.rampart.policy.PolicyDocument;
import io.rampart.policy.PolicyKind;
import io.rampart.storage.Bucket;
import io.rampart.xml.XmlWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy and GetBucketPolicyStatus. */
final class BucketPolicy {
    /** Read no more than this before refusing: four times the limit leaves room for indentation. */
    private static final int MAX_BODY = 4 * PolicyDocument.MAX_BUCKET_POLICY_BYTES;

    private final Context ctx;
    private final BucketPolicies policies;

    BucketPolicy(Context ctx, BucketPolicies policies) {
        this.ctx = ctx;
        this.policies = policies;
    }

    S3Response put(AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        if (call.contentLength() > MAX_BODY) {
            throw new S3Exception(S3ErrorCode.MALFORMED_POLICY, "Policy exceeds the maximum allowed document size.");
        }
        byte[] body = call.body().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new S3Exception(S3ErrorCode.MALFORMED_POLICY, "Policy exceeds the maximum allowed document size.");
        }
        String text;
        try {
            // Not U+FFFD for what is not UTF-8: the policy stored must be the policy sent.
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(body))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new S3Exception(S3ErrorCode.MALFORMED_POLICY, "Policies must be valid UTF-8 JSON");
        }
        try {
            PolicyDocument.parse(text, PolicyKind.RESOURCE, b.name());
        } catch (MalformedPolicyException e) {
            throw new S3Exception(S3ErrorCode.MALFORMED_POLICY, e.getMessage());
        }
        if (!BucketPolicies.resourcesReferTo(text, b.name())) {
            throw new S3Exception(S3ErrorCode.MALFORMED_POLICY, "Policy has invalid resource");
        }
        if (BucketSettings.of(b).blocksPublicPolicy() && BucketPolicies.isPublic(text)) {
            // S3 Block Public Access: BlockPublicPolicy refuses any policy that grants public access.
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
        BucketSettings.update(ctx, b, s -> s.withPolicy(text));
        policies.invalidate(b.name());
        return S3Response.noContent();
    }

    S3Response get(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        String text = BucketSettings.of(b).policy();
        if (text == null) throw noPolicy(b);
        return S3Response.ok().bytes(text.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    S3Response delete(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        BucketSettings.update(ctx, b, s -> s.withPolicy(null));
        policies.invalidate(b.name());
        return S3Response.noContent();
    }

    S3Response status(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        BucketPolicies.Compiled c = policies.of(b);
        if (c.policy().isEmpty()) throw noPolicy(b);
        return S3Response.xml(
                new XmlWriter().start("PolicyStatus", XmlWriter.S3_NAMESPACE).element("IsPublic", c.isPublic()));
    }

    private static S3Exception noPolicy(Bucket b) {
        return new S3Exception(S3ErrorCode.NO_SUCH_BUCKET_POLICY).with("BucketName", b.name());
    }
}

package io.rampart.s3;

import io.rampart.xml.XmlWriter;

/**
 * Bucket sub-resources Rampart has no configuration for (website hosting, CORS, transfer acceleration, requester
 * pays, bucket tags), answered the way AWS answers for a bucket that never had them, so that clients
 * which read every sub-resource (s3cmd info and ws-info, Terraform's refresh, the console-like tools) see "not
 * configured" instead of a 501. Writing them stays NotImplemented.
 */
final class UnconfiguredSubresources {
    private UnconfiguredSubresources() { }

    static S3Response handle(Context ctx, Operation op, AuthorizedCall call) {
        String bucket = ctx.ownedBucket(call).name();
        return switch (op) {
            case GET_BUCKET_WEBSITE -> throw new S3Exception(S3ErrorCode.NO_SUCH_WEBSITE_CONFIGURATION).with("BucketName", bucket);
            case GET_BUCKET_CORS -> throw new S3Exception(S3ErrorCode.NO_SUCH_CORS_CONFIGURATION).with("BucketName", bucket);
            case GET_BUCKET_TAGGING -> throw new S3Exception(S3ErrorCode.NO_SUCH_TAG_SET).with("BucketName", bucket);
            // Deleting a configuration the bucket does not have succeeds on AWS: 204.
            case DELETE_BUCKET_WEBSITE, DELETE_BUCKET_CORS, DELETE_BUCKET_TAGGING -> S3Response.noContent();
            // Never enabled: an empty AccelerateConfiguration (no Status), as AWS answers.
            case GET_BUCKET_ACCELERATE_CONFIGURATION ->
                    S3Response.xml(new XmlWriter().start("AccelerateConfiguration", XmlWriter.S3_NAMESPACE).end());
            case GET_BUCKET_REQUEST_PAYMENT -> S3Response.xml(new XmlWriter()
                    .start("RequestPaymentConfiguration", XmlWriter.S3_NAMESPACE).element("Payer", "BucketOwner").end());
            default -> throw new IllegalArgumentException("not an unconfigured sub-resource: " + op);
        };
    }

    /** PutBucketRequestPayment: BucketOwner (what every bucket has) is accepted; Requester Pays is not implemented. */
    static S3Response putRequestPayment(Context ctx, AuthorizedCall call) throws java.io.IOException {
        ctx.ownedBucket(call);
        String payer = RequestXml.parse(call.body().readAllBytes(), "RequestPaymentConfiguration").childText("Payer")
                .map(String::trim).orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
        return switch (payer) {
            case "BucketOwner" -> S3Response.ok().header("Content-Length", "0");
            case "Requester" -> throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED, "Requester Pays buckets are not implemented");
            default -> throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        };
    }
}

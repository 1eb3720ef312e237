package io.rampart.s3;

import io.rampart.xml.XmlWriter;

/**
 * Bucket sub-resources Rampart has no configuration for (transfer acceleration, requester pays),
 * answered the way AWS answers for a bucket that never had them, so that clients
 * which read every sub-resource (s3cmd info and ws-info, Terraform's refresh, the console-like tools) see "not
 * configured" instead of a 501. Writing them stays NotImplemented.
 */
final class UnconfiguredSubresources {
    private UnconfiguredSubresources() {}

    static S3Response handle(Context ctx, Operation op, AuthorizedCall call) {
        ctx.ownedBucket(call);
        return switch (op) {
            // Never enabled: an empty AccelerateConfiguration (no Status), as AWS answers.
            case GET_BUCKET_ACCELERATE_CONFIGURATION ->
                S3Response.xml(new XmlWriter()
                        .start("AccelerateConfiguration", XmlWriter.S3_NAMESPACE)
                        .end());
            case GET_BUCKET_REQUEST_PAYMENT ->
                S3Response.xml(new XmlWriter()
                        .start("RequestPaymentConfiguration", XmlWriter.S3_NAMESPACE)
                        .element("Payer", "BucketOwner")
                        .end());
            default -> throw new IllegalArgumentException("not an unconfigured sub-resource: " + op);
        };
    }

    /** PutBucketRequestPayment: BucketOwner (what every bucket has) is accepted; Requester Pays is not implemented. */
    static S3Response putRequestPayment(Context ctx, AuthorizedCall call) throws java.io.IOException {
        ctx.ownedBucket(call);
        String payer = RequestXml.parse(call.body().readAllBytes(), "RequestPaymentConfiguration")
                .childText("Payer")
                .map(String::trim)
                .orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
        return switch (payer) {
            case "BucketOwner" -> S3Response.ok().header("Content-Length", "0");
            case "Requester" ->
                throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED, "Requester Pays buckets are not implemented");
            default -> throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        };
    }
}

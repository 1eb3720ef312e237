package io.rampart.auth;

import io.rampart.iam.Principal;

/**
 * A request whose signature checked out (or an anonymous one), with its body wrapped for verification.
 *
 * @param accessKeyId the key that signed, or "" when anonymous
 * @param service     the service of the credential scope ("s3", "iam", "sts", ...); "s3" when anonymous
 * @param presigned   true when the signature came from the query string
 * @param signatureVersion "SigV4" or "SigV2" (CloudTrail's additionalEventData.SignatureVersion)
 */
public record Authenticated(
        Principal principal,
        String accessKeyId,
        String service,
        boolean presigned,
        VerifiedBody body,
        String signatureVersion) {
    public static final String SIGV4 = "SigV4";
    public static final String SIGV2 = "SigV2";

    /** A SigV4-signed (or anonymous) request. */
    public Authenticated(
            Principal principal, String accessKeyId, String service, boolean presigned, VerifiedBody body) {
        this(principal, accessKeyId, service, presigned, body, SIGV4);
    }
}

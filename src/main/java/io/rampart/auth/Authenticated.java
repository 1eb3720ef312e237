package io.rampart.auth;

import io.rampart.iam.Principal;

/**
 * A request whose signature checked out (or an anonymous one), with its body wrapped for verification.
 *
 * @param accessKeyId the key that signed, or "" when anonymous
 * @param service     the service of the credential scope ("s3", "iam", "sts", ...); "s3" when anonymous
 * @param presigned   true when the signature came from the query string
 */
public record Authenticated(Principal principal, String accessKeyId, String service, boolean presigned,
                            VerifiedBody body) {
}

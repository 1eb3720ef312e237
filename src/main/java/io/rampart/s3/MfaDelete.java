package io.rampart.s3;

import io.rampart.storage.Bucket;

/**
 * MFA delete: once a bucket's versioning has MfaDelete Enabled, permanently deleting a version and changing the
 * versioning state need the x-amz-mfa header ("serial code") with a valid code from an MFA device of the bucket
 * owner's account.
 */
final class MfaDelete {

    /** Checks an MFA device's current code; implemented by IAM's device store. */
    @FunctionalInterface
    interface Verifier {
        boolean verify(String serial, String accountId, String code);
    }

    private final Verifier verifier;

    MfaDelete(Verifier verifier) {
        this.verifier = verifier;
    }

    static boolean enabled(Bucket b) {
        return BucketSettings.of(b).mfaDeleteEnabled();
    }

    /** Requires a valid x-amz-mfa header from the bucket owner's account. */
    void require(S3Call call, Bucket b) {
        String header = call.header("x-amz-mfa").orElse(null);
        if (header == null) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED, "Mfa Authentication must be used for this request");
        }
        String[] parts = header.trim().split(" +");
        if (parts.length != 2 || parts[0].isEmpty() || !parts[1].matches("\\d{6}")) {
            throw new S3Exception(
                            S3ErrorCode.INVALID_ARGUMENT,
                            "Mfa header is invalid -- the header should be formatted as {serialNumber}(space){tokenCode}")
                    .with("ArgumentName", "x-amz-mfa");
        }
        if (!verifier.verify(parts[0], b.owner(), parts[1])) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED, "Mfa Authentication must be used for this request");
        }
    }
}

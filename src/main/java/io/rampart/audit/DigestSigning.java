package io.rampart.audit;

/** CloudTrail's digest signing string, the same for the writer that signs and the validator that checks. */
final class DigestSigning {
    private DigestSigning() {}

    /**
     * {@code digestEndTime \n digestS3Bucket/digestS3Object \n hex(SHA-256(uncompressed digest)) \n previousDigestSignature},
     * the previous signature being the text "null" for the first digest of a chain.
     */
    static String signingString(
            String digestEndTime, String bucket, String object, String hexHash, String previousSignature) {
        return digestEndTime + "\n" + bucket + "/" + object + "\n" + hexHash + "\n"
                + (previousSignature == null ? "null" : previousSignature);
    }
}

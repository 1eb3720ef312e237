package io.rampart.storage;

/**
 * How a version's data is encrypted: {@code type} "AES256" (SSE-S3, data key sealed under the master key), "SSE-C"
 * (data key sealed under the customer's key, which is never stored; {@code keySalt}/{@code keyHmac} tell a right key
 * from a wrong one) or "aws:kms" (SSE-KMS: {@code sealedKey} is the KMS ciphertext blob of the data key, or of the
 * bucket key when {@code bucketKeySealed} holds the data key sealed under it; {@code kmsKeyArn} names the KMS key and
 * {@code kmsContext} is the encryption context, base64 JSON). All values base64.
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record Encryption(
        String type,
        String sealedKey,
        String keySalt,
        String keyHmac,
        String kmsKeyArn,
        String kmsContext,
        String bucketKeySealed) {
    public static final String SSE_S3 = "AES256";
    public static final String SSE_C = "SSE-C";
    public static final String SSE_KMS = "aws:kms";

    public Encryption(String type, String sealedKey, String keySalt, String keyHmac) {
        this(type, sealedKey, keySalt, keyHmac, null, null, null);
    }

    public boolean customerKey() {
        return SSE_C.equals(type);
    }

    public boolean kms() {
        return SSE_KMS.equals(type);
    }
}

package io.rampart.storage;

/**
 * How a version's data is encrypted: {@code type} "AES256" (SSE-S3, data key sealed under the master key) or "SSE-C"
 * (data key sealed under the customer's key, which is never stored; {@code keySalt}/{@code keyHmac} tell a right key
 * from a wrong one). All values base64.
 */
public record Encryption(String type, String sealedKey, String keySalt, String keyHmac) {
    public static final String SSE_S3 = "AES256";
    public static final String SSE_C = "SSE-C";

    public boolean customerKey() {
        return SSE_C.equals(type);
    }
}

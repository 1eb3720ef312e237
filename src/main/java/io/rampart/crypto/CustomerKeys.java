package io.rampart.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SSE-C key handling that never keeps the key: a random salt and an HMAC-SHA256 of the key under it tell a later
 * request's key right from wrong (constant-time), and the data key is sealed under the customer key itself.
 */
public final class CustomerKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SEAL_CONTEXT = "rampart-sse-c-data-key";

    private CustomerKeys() {}

    public static byte[] newSalt() {
        byte[] s = new byte[16];
        RANDOM.nextBytes(s);
        return s;
    }

    public static byte[] keyCheck(byte[] salt, byte[] customerKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            return mac.doFinal(customerKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code customerKey} is the key whose check value was stored; constant time. */
    public static boolean matches(byte[] salt, byte[] storedCheck, byte[] customerKey) {
        return MessageDigest.isEqual(keyCheck(salt, customerKey), storedCheck);
    }

    public static byte[] sealDataKey(byte[] dataKey, byte[] customerKey) {
        return MasterKey.of(customerKey).seal(dataKey, SEAL_CONTEXT);
    }

    public static byte[] unsealDataKey(byte[] sealed, byte[] customerKey) {
        return MasterKey.of(customerKey).unseal(sealed, SEAL_CONTEXT);
    }
}

package io.rampart.it;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** A customer key as an SSE-C client holds it: the raw bytes, their base64 and the base64 MD5 S3 wants alongside. */
record SseCKey(byte[] raw) {
    static SseCKey random() {
        return ofLength(32);
    }

    /** A key of any length (S3 wants exactly 32 bytes), with a correct MD5. */
    static SseCKey ofLength(int length) {
        byte[] b = new byte[length];
        new SecureRandom().nextBytes(b);
        return new SseCKey(b);
    }

    String base64() {
        return Base64.getEncoder().encodeToString(raw);
    }

    String md5() {
        try {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("MD5").digest(raw));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

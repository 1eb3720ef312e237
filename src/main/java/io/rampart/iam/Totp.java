package io.rampart.iam;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** RFC 6238 time-based one-time passwords as virtual MFA devices compute them: HMAC-SHA1, 30-second steps, 6 digits. */
public final class Totp {
    public static final int STEP_SECONDS = 30;

    private Totp() {}

    /** The code for the 30-second window containing {@code epochSeconds}. */
    public static String code(byte[] secret, long epochSeconds) {
        return codeForStep(secret, Math.floorDiv(epochSeconds, STEP_SECONDS));
    }

    static String codeForStep(byte[] secret, long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = h[h.length - 1] & 0x0f;
            int binary = ((h[offset] & 0x7f) << 24)
                    | ((h[offset + 1] & 0xff) << 16)
                    | ((h[offset + 2] & 0xff) << 8)
                    | (h[offset + 3] & 0xff);
            return String.format("%06d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether {@code code} is valid at {@code epochSeconds}, allowing one step of clock drift either way as AWS does.
     * Compared in constant time.
     */
    public static boolean verify(byte[] secret, String code, long epochSeconds) {
        if (code == null || !code.matches("\\d{6}")) return false;
        long step = Math.floorDiv(epochSeconds, STEP_SECONDS);
        boolean ok = false;
        for (long s = step - 1; s <= step + 1; s++) {
            ok |= MessageDigest.isEqual(
                    codeForStep(secret, s).getBytes(StandardCharsets.US_ASCII),
                    code.getBytes(StandardCharsets.US_ASCII));
        }
        return ok;
    }

    /**
     * Whether {@code code1} then {@code code2} are two consecutive codes near {@code epochSeconds} (EnableMFADevice /
     * ResyncMFADevice), allowing a few steps of drift.
     */
    @SuppressWarnings("ShortCircuitBoolean") // & on purpose: every candidate step is compared, in constant time
    public static boolean verifyConsecutive(byte[] secret, String code1, String code2, long epochSeconds) {
        if (code1 == null || code2 == null || !code1.matches("\\d{6}") || !code2.matches("\\d{6}")) return false;
        long step = Math.floorDiv(epochSeconds, STEP_SECONDS);
        boolean ok = false;
        for (long s = step - 3; s <= step + 1; s++) {
            ok |= MessageDigest.isEqual(
                            codeForStep(secret, s).getBytes(StandardCharsets.US_ASCII),
                            code1.getBytes(StandardCharsets.US_ASCII))
                    & MessageDigest.isEqual(
                            codeForStep(secret, s + 1).getBytes(StandardCharsets.US_ASCII),
                            code2.getBytes(StandardCharsets.US_ASCII));
        }
        return ok;
    }

    /** RFC 4648 base32 without padding: the seed as authenticator apps take it. */
    public static String base32(byte[] data) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        return out.toString();
    }
}

package io.rampart.iam;

import java.security.SecureRandom;

/** AWS-shaped identifiers: unique ids with their type prefix (AIDA, AGPA, AROA, ANPA, AKIA, ASIA), secrets, accounts. */
final class IamIds {
    private IamIds() {}

    private static final SecureRandom RANDOM = new SecureRandom();
    static final String KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    static final String SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    static String entityId(String kind) {
        String prefix = switch (kind) {
            case "user" -> "AIDA";
            case "group" -> "AGPA";
            case "role" -> "AROA";
            case "policy" -> "ANPA";
            default -> throw new IllegalArgumentException(kind);
        };
        return prefix + random(KEY_ALPHABET, 17);
    }

    static String longLivedKeyId() {
        return "AKIA" + random(KEY_ALPHABET, 16);
    }

    static String temporaryKeyId() {
        return "ASIA" + random(KEY_ALPHABET, 16);
    }

    static String secret() {
        return random(SECRET_ALPHABET, 40);
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static String random(String alphabet, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        return sb.toString();
    }

    static String randomDigits(int n) {
        StringBuilder sb = new StringBuilder(n);
        sb.append((char) ('1' + RANDOM.nextInt(9)));
        for (int i = 1; i < n; i++) sb.append((char) ('0' + RANDOM.nextInt(10)));
        return sb.toString();
    }
}

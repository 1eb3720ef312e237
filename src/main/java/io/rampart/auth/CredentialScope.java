package io.rampart.auth;

import org.jspecify.annotations.Nullable;

/**
 * The scope a signature was made for: "date/region/service/aws4_request" under one access key.
 *
 * @param date yyyyMMdd
 */
record CredentialScope(String accessKeyId, String date, String region, String service) {

    static final String TERMINATOR = "aws4_request";

    /** The scope string as it appears in the string to sign. */
    String scope() {
        return date + "/" + region + "/" + service + "/" + TERMINATOR;
    }

    /** Appends {@link #scope()}'s UTF-8 bytes without building the string (the separators are ASCII). */
    CanonicalRequest.Utf8Bytes appendScope(CanonicalRequest.Utf8Bytes out) {
        return out.add(date).add('/').add(region).add('/').add(service).add('/').add(TERMINATOR);
    }

    /**
     * Parses "AKID/yyyyMMdd/region/service/aws4_request"; returns null when it has any other shape so each
     * caller can raise its own error code (header vs. query authentication differ).
     */
    static @Nullable CredentialScope parse(String credential) {
        // By hand rather than split("/"): every signed request passes here.
        int a = credential.indexOf('/');
        int b = a < 0 ? -1 : credential.indexOf('/', a + 1);
        int c = b < 0 ? -1 : credential.indexOf('/', b + 1);
        int d = c < 0 ? -1 : credential.indexOf('/', c + 1);
        if (d < 0
                || credential.indexOf('/', d + 1) >= 0
                || a == 0
                || c == b + 1
                || d == c + 1
                || !credential.startsWith(TERMINATOR, d + 1)
                || credential.length() != d + 1 + TERMINATOR.length()
                || b - a - 1 != 8) {
            return null;
        }
        String date = credential.substring(a + 1, b);
        if (!isDate(date)) {
            return null;
        }
        return new CredentialScope(
                credential.substring(0, a), date, credential.substring(b + 1, c), credential.substring(c + 1, d));
    }

    private static boolean isDate(String s) {
        if (s.length() != 8) {
            return false;
        }
        for (int i = 0; i < 8; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}

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

    /**
     * Parses "AKID/yyyyMMdd/region/service/aws4_request"; returns null when it has any other shape so each
     * caller can raise its own error code (header vs. query authentication differ).
     */
    static @Nullable CredentialScope parse(String credential) {
        String[] parts = credential.split("/", -1);
        if (parts.length != 5
                || parts[0].isEmpty()
                || parts[2].isEmpty()
                || parts[3].isEmpty()
                || !TERMINATOR.equals(parts[4])
                || !isDate(parts[1])) {
            return null;
        }
        return new CredentialScope(parts[0], parts[1], parts[2], parts[3]);
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

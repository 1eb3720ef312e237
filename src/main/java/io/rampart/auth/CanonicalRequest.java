package io.rampart.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The SigV4 canonical request and the string to sign derived from it. S3 paths are not normalised and are
 * encoded once; since clients differ in how they encode a path on the wire, the verifier tries the path
 * rebuilt from its decoded form and then the path exactly as sent ({@link #uriCandidates}).
 */
record CanonicalRequest(
        String method, String uri, String query, String headers, String signedHeaders, String payloadHash) {

    static final HexFormat HEX = HexFormat.of();

    String text() {
        return method + '\n' + uri + '\n' + query + '\n' + headers + '\n' + signedHeaders + '\n' + payloadHash;
    }

    String stringToSign(String amzDate, String scope) {
        return SignatureClaim.ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + HEX.formatHex(sha256(text()));
    }

    /** The canonical URI from the decoded path first, then the raw path when that differs. */
    static List<String> uriCandidates(String rawPath) {
        if (rawPath.isEmpty()) {
            return List.of("/");
        }
        String rebuilt = UriEncoding.reencode(rawPath, false, true);
        return rebuilt.equals(rawPath) ? List.of(rebuilt) : List.of(rebuilt, rawPath);
    }

    /**
     * "name:value\n" for every signed header in the order signed: values trimmed, inner runs of blanks
     * collapsed, several values joined with ','.
     */
    static String canonicalHeaders(SignedRequest request, List<String> signedHeaders) {
        StringBuilder out = new StringBuilder(256);
        for (String name : signedHeaders) {
            out.append(name).append(':');
            List<String> values = request.headers().get(name);
            if (values != null) {
                for (int i = 0; i < values.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    appendTrimmed(out, values.get(i));
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    static void appendTrimmed(StringBuilder out, String value) {
        int start = 0;
        int end = value.length();
        while (start < end && isBlank(value.charAt(start))) start++;
        while (end > start && isBlank(value.charAt(end - 1))) end--;
        boolean inBlank = false;
        for (int i = start; i < end; i++) {
            char c = value.charAt(i);
            if (isBlank(c)) {
                if (!inBlank) {
                    out.append(' ');
                }
                inBlank = true;
            } else {
                out.append(c);
                inBlank = false;
            }
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    static byte[] sha256(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        MessageDigest d = IDLE_SHA256.poll();
        if (d == null) d = newSha256();
        try {
            return d.digest(bytes); // digest() resets it for the next user
        } finally {
            IDLE_SHA256.offer(d);
        }
    }

    /**
     * Idle SHA-256 digests: MessageDigest.getInstance walks the provider list on every signature check (request threads
     * are virtual, so a thread-local would be per request).
     */
    private static final java.util.concurrent.ArrayBlockingQueue<MessageDigest> IDLE_SHA256 =
            new java.util.concurrent.ArrayBlockingQueue<>(64);

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // SHA-256 is mandatory on every Java runtime.
            throw new IllegalStateException(e);
        }
    }
}

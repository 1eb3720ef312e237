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

    /**
     * The SHA-256 of {@link #text()}'s UTF-8 form into {@code out} (32 bytes), written piece by piece into
     * {@code scratch} rather than through the joined text and its bytes: the signature check of every request does
     * this once per candidate.
     */
    void digest(MessageDigest d, Utf8Bytes scratch, byte[] out) {
        scratch.clear();
        scratch.add(method)
                .add('\n')
                .add(uri)
                .add('\n')
                .add(query)
                .add('\n')
                .add(headers)
                .add('\n');
        scratch.add(signedHeaders).add('\n').add(payloadHash);
        d.update(scratch.bytes(), 0, scratch.length());
        try {
            d.digest(out, 0, 32);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e); // 32 bytes is SHA-256's length
        }
    }

    /** A growable byte buffer that text is appended to as UTF-8 (ASCII character by character). */
    static final class Utf8Bytes {
        private byte[] bytes;
        private int length;

        Utf8Bytes(int capacity) {
            bytes = new byte[capacity];
        }

        void clear() {
            length = 0;
        }

        byte[] bytes() {
            return bytes;
        }

        int length() {
            return length;
        }

        Utf8Bytes add(char c) {
            if (c >= 0x80) {
                return add(String.valueOf(c));
            }
            ensure(1);
            bytes[length++] = (byte) c;
            return this;
        }

        /** Appends {@code text.getBytes(UTF_8)}: ASCII as is, anything else through the JDK's encoder. */
        Utf8Bytes add(String text) {
            int n = text.length();
            ensure(n);
            for (int i = 0; i < n; i++) {
                char c = text.charAt(i);
                if (c >= 0x80) {
                    // Written past length so far: overwritten by the whole text's bytes.
                    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                    ensure(utf8.length);
                    System.arraycopy(utf8, 0, bytes, length, utf8.length);
                    length += utf8.length;
                    return this;
                }
                bytes[length + i] = (byte) c;
            }
            length += n;
            return this;
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }

    private static final byte[] LOWER_HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** Lower-case hex of {@code bytes} into {@code out} (twice as long), as SigV4 writes hashes and signatures. */
    static void hex(byte[] bytes, byte[] out) {
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = LOWER_HEX[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = LOWER_HEX[bytes[i] & 0xf];
        }
    }

    /** A digest from the idle ones (or a new one); hand it back with {@link #release}. */
    static MessageDigest borrowSha256() {
        MessageDigest d = IDLE_SHA256.poll();
        return d == null ? newSha256() : d;
    }

    /** Resets the digest and keeps it for the next user. */
    static void release(MessageDigest d) {
        d.reset();
        IDLE_SHA256.offer(d);
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

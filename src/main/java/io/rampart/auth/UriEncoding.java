package io.rampart.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Percent-encoding exactly as SigV4 defines it: unreserved characters (A-Z a-z 0-9 - . _ ~) stay, every
 * other byte of the UTF-8 form becomes %XX with upper-case hex. Decoding is lenient on purpose: a '%' not
 * followed by two hex digits is kept literally, since the signature check decides whether it was meant.
 */
final class UriEncoding {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final boolean[] UNRESERVED = new boolean[128];

    static {
        for (char c = 'A'; c <= 'Z'; c++) UNRESERVED[c] = true;
        for (char c = 'a'; c <= 'z'; c++) UNRESERVED[c] = true;
        for (char c = '0'; c <= '9'; c++) UNRESERVED[c] = true;
        UNRESERVED['-'] = true;
        UNRESERVED['.'] = true;
        UNRESERVED['_'] = true;
        UNRESERVED['~'] = true;
    }

    private UriEncoding() {}

    static String encode(byte[] bytes, boolean keepSlash) {
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c < 128 && UNRESERVED[c]) || (keepSlash && c == '/')) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    static String encode(String text, boolean keepSlash) {
        return isCanonical(text, keepSlash) ? text : encode(text.getBytes(StandardCharsets.UTF_8), keepSlash);
    }

    /** True when encoding would leave the text unchanged (the common case for keys and parameters). */
    private static boolean isCanonical(String text, boolean keepSlash) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c < 128 && UNRESERVED[c]) || (keepSlash && c == '/'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when {@code encode(decode(text))} is the text itself, for either reading of '+' (the text has none): every
     * character is unreserved (or '/' when kept), or starts an escape of two upper-case hex digits for a byte that
     * encoding escapes too. Decoding reads the text escape by escape and encoding writes each byte back the same way,
     * so the result equals the text exactly when each escape and character maps to itself.
     */
    static boolean isEncodedCanonical(String text, boolean keepSlash) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 128 && (UNRESERVED[c] || (keepSlash && c == '/'))) {
                continue;
            }
            if (c != '%' || i + 2 >= n) {
                return false;
            }
            int high = upperHexValue(text.charAt(i + 1));
            int low = upperHexValue(text.charAt(i + 2));
            if ((high | low) < 0) {
                return false;
            }
            int b = (high << 4) | low;
            if ((b < 128 && UNRESERVED[b]) || (keepSlash && b == '/')) {
                return false; // decodes to a character that encoding writes as itself
            }
            i += 2;
        }
        return true;
    }

    private static int upperHexValue(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    /** Percent-decodes to bytes; characters outside ASCII that arrived unencoded count as their UTF-8 bytes. */
    static byte[] decode(String text, boolean plusAsSpace) {
        byte[] out = new byte[text.length()];
        int length = decodeAscii(text, plusAsSpace, out);
        if (length >= 0) {
            return length == out.length ? out : Arrays.copyOf(out, length);
        }
        return decodeAny(text, plusAsSpace);
    }

    /**
     * Percent-decodes ASCII text into {@code out} (at least {@code text.length()} long: decoding never lengthens) and
     * returns the byte count, or -1 when the text has a character outside ASCII, which {@link #decodeAny} handles.
     */
    private static int decodeAscii(String text, boolean plusAsSpace, byte[] out) {
        int n = text.length();
        int length = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 128) {
                return -1;
            }
            int high;
            int low;
            if (c == '%'
                    && i + 2 < n
                    && (high = hexValue(text.charAt(i + 1))) >= 0
                    && (low = hexValue(text.charAt(i + 2))) >= 0) {
                out[length++] = (byte) ((high << 4) | low);
                i += 2;
            } else if (c == '+' && plusAsSpace) {
                out[length++] = ' ';
            } else {
                out[length++] = (byte) c;
            }
        }
        return length;
    }

    private static byte[] decodeAny(String text, boolean plusAsSpace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < n && hexValue(text.charAt(i + 1)) >= 0 && hexValue(text.charAt(i + 2)) >= 0) {
                out.write((hexValue(text.charAt(i + 1)) << 4) | hexValue(text.charAt(i + 2)));
                i += 3;
            } else if (c == '+' && plusAsSpace) {
                out.write(' ');
                i++;
            } else if (c < 128) {
                out.write(c);
                i++;
            } else {
                int end = i + Character.charCount(text.codePointAt(i));
                out.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
            }
        }
        return out.toByteArray();
    }

    static String decodeToString(String text, boolean plusAsSpace) {
        if (isCanonical(text, false)) {
            return text;
        }
        byte[] out = new byte[text.length()];
        int length = decodeAscii(text, plusAsSpace, out);
        if (length >= 0) {
            return new String(out, 0, length, StandardCharsets.UTF_8);
        }
        return new String(decodeAny(text, plusAsSpace), StandardCharsets.UTF_8);
    }

    /** Decodes then re-encodes: the SigV4 form of a name or value whatever encoding the client used. */
    static String reencode(String raw, boolean plusAsSpace, boolean keepSlash) {
        // Text already in SigV4 form decodes and encodes to itself: most parameters and keys, and values such as a
        // presigned URL's X-Amz-Credential ("AKID%2F20261207%2F...") that clients send encoded exactly so.
        if (isEncodedCanonical(raw, keepSlash)) {
            return raw;
        }
        // ASCII text in one pass (what encode(decode(raw)) gives, without the bytes in between).
        int n = raw.length();
        StringBuilder out = new StringBuilder(n + 16);
        for (int i = 0; i < n; i++) {
            char c = raw.charAt(i);
            if (c >= 128) {
                return encode(decodeAny(raw, plusAsSpace), keepSlash);
            }
            int b = c;
            int high;
            int low;
            if (c == '%'
                    && i + 2 < n
                    && (high = hexValue(raw.charAt(i + 1))) >= 0
                    && (low = hexValue(raw.charAt(i + 2))) >= 0) {
                b = (high << 4) | low;
                i += 2;
            } else if (c == '+' && plusAsSpace) {
                b = ' ';
            }
            if ((b < 128 && UNRESERVED[b]) || (keepSlash && b == '/')) {
                out.append((char) b);
            } else {
                out.append('%').append(HEX[b >>> 4]).append(HEX[b & 0xf]);
            }
        }
        return out.toString();
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
}

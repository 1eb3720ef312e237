package io.rampart.json;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * JSON written as UTF-8 bytes into a growing array, the bytes Jackson's {@code UTF8JsonGenerator} writes with its
 * default settings: strings escaped as {@link JsonText} says, other characters in UTF-8, except that every surrogate
 * (paired or not) is written as its own {@code \\uXXXX} escape, as that generator does; numbers in decimal. The caller
 * writes the punctuation and field names itself ({@link #ascii} constants). It notes whether a string held a lone
 * surrogate ({@link #loneSurrogate}), which a caller that must replace them (the trail's record bounds) checks once at
 * the end.
 */
public final class JsonBytes {
    private static final byte[] NULL = ascii("null");

    private byte[] buf;
    private int size;
    private boolean lone;

    public JsonBytes(int capacity) {
        buf = new byte[capacity];
    }

    /** A constant's bytes: ASCII text (punctuation, field names) that needs no escape. */
    public static byte[] ascii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) throw new IllegalArgumentException("not ASCII: " + text);
        }
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Appends bytes as they are (an {@link #ascii} constant). */
    public JsonBytes raw(byte[] bytes) {
        room(bytes.length);
        System.arraycopy(bytes, 0, buf, size, bytes.length);
        size += bytes.length;
        return this;
    }

    /** Appends one ASCII character as it is. */
    public JsonBytes raw(char c) {
        room(1);
        buf[size++] = (byte) c;
        return this;
    }

    /** {@code s} as a JSON string, quoted, or {@code null} for null. */
    public JsonBytes string(@Nullable String s) {
        if (s == null) return raw(NULL);
        raw('"');
        chars(s);
        return raw('"');
    }

    /**
     * {@code s} escaped, without quotes: one piece of a string value written in pieces. A surrogate pair split between
     * two pieces counts as two lone surrogates.
     */
    public JsonBytes chars(String s) {
        int n = s.length();
        room(6 * n);
        byte[] b = buf;
        int p = size;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                byte e = JsonText.ESCAPES[c];
                if (e == 0) {
                    b[p++] = (byte) c;
                } else {
                    b[p++] = '\\';
                    b[p++] = e;
                    if (e == 'u') {
                        b[p++] = '0';
                        b[p++] = '0';
                        b[p++] = JsonText.HEX[c >> 4];
                        b[p++] = JsonText.HEX[c & 0xf];
                    }
                }
            } else if (c < 0x800) {
                b[p++] = (byte) (0xc0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3f));
            } else if (!Character.isSurrogate(c)) {
                b[p++] = (byte) (0xe0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                b[p++] = (byte) (0x80 | (c & 0x3f));
            } else {
                if (Character.isHighSurrogate(c)
                        ? i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))
                        : i == 0 || !Character.isHighSurrogate(s.charAt(i - 1))) {
                    lone = true;
                }
                b[p++] = '\\';
                b[p++] = 'u';
                b[p++] = JsonText.HEX[c >> 12];
                b[p++] = JsonText.HEX[(c >> 8) & 0xf];
                b[p++] = JsonText.HEX[(c >> 4) & 0xf];
                b[p++] = JsonText.HEX[c & 0xf];
            }
        }
        size = p;
        return this;
    }

    /** {@code n} in decimal, as {@link Long#toString(long)} writes it. */
    public JsonBytes number(long n) {
        if (n < 0) {
            if (n == Long.MIN_VALUE) return raw(ascii(Long.toString(n)));
            raw('-');
            n = -n;
        }
        int digits = 1;
        for (long t = n; t >= 10; t /= 10) digits++;
        room(digits);
        int end = size + digits;
        for (int p = end - 1; p >= size; p--) {
            buf[p] = (byte) ('0' + (n % 10));
            n /= 10;
        }
        size = end;
        return this;
    }

    /** Whether a string written so far held a surrogate without its other half. */
    public boolean loneSurrogate() {
        return lone;
    }

    /** The bytes written so far. */
    public int size() {
        return size;
    }

    /** The bytes written and a newline, in an array of exactly that length (a trail line). */
    public byte[] line() {
        byte[] line = Arrays.copyOf(buf, size + 1);
        line[size] = '\n';
        return line;
    }

    /** The bytes written, in an array of exactly that length. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void room(int n) {
        if (size + n > buf.length) buf = Arrays.copyOf(buf, Math.max(size + n, buf.length * 2));
    }
}

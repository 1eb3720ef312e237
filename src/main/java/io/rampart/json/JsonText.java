package io.rampart.json;

import org.jspecify.annotations.Nullable;

/**
 * JSON strings escaped exactly as Jackson's generators escape them with their default settings, the one escaper of
 * the JSON Rampart writes by hand (object metadata, trail records): {@code "} and {@code \} with a backslash, the
 * control characters below U+0020 as {@code \b \t \n \f \r} or {@code \\u00XX} (upper-case hex), everything else as
 * it is, U+2028, U+007F and {@code /} included. Text goes to a {@link StringBuilder} as characters (Jackson's
 * {@code writeValueAsString}); {@link JsonBytes} writes the same escapes as UTF-8 bytes.
 */
public final class JsonText {
    private JsonText() {}

    /**
     * What follows the backslash for each ASCII character Jackson escapes: its short escape ({@code b t n f r " \}), or
     * {@code u} for {@code \\u00XX}; 0 for a character written as it is.
     */
    static final byte[] ESCAPES = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) ESCAPES[c] = 'u';
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
    }

    /** Jackson's hex digits (upper case, its default). */
    static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};

    /** {@code s} as a JSON string (quoted and escaped), or {@code null} for null, as Jackson's writer writes it. */
    public static void string(StringBuilder out, @Nullable String s) {
        if (s == null) {
            out.append("null");
            return;
        }
        out.append('"');
        int n = s.length();
        int from = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || ESCAPES[c] == 0) continue;
            out.append(s, from, i);
            from = i + 1;
            byte e = ESCAPES[c];
            out.append('\\').append((char) e);
            if (e == 'u') out.append("00").append((char) HEX[c >> 4]).append((char) HEX[c & 0xf]);
        }
        out.append(s, from, n).append('"');
    }
}

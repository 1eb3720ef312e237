package io.rampart.xml;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Builds the XML documents of the AWS wire protocols. Element order and names are the caller's; this class only
 * guarantees well-formed, correctly escaped output (including characters XML 1.0 cannot carry, which S3 keys may hold).
 */
public final class XmlWriter {
    public static final String S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";

    private final StringBuilder out = new StringBuilder(256);
    private final java.util.ArrayDeque<String> open = new java.util.ArrayDeque<>();

    public XmlWriter() {
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    }

    public XmlWriter start(String name) {
        out.append('<').append(name).append('>');
        open.push(name);
        return this;
    }

    public XmlWriter start(String name, String xmlns) {
        out.append('<').append(name).append(" xmlns=\"").append(xmlns).append("\">");
        open.push(name);
        return this;
    }

    /** Opens an element with arbitrary attributes given as name/value pairs. */
    public XmlWriter startWithAttributes(String name, String... attrs) {
        out.append('<').append(name);
        for (int i = 0; i + 1 < attrs.length; i += 2) {
            out.append(' ').append(attrs[i]).append("=\"");
            escape(attrs[i + 1], true);
            out.append('"');
        }
        out.append('>');
        open.push(name);
        return this;
    }

    public XmlWriter end() {
        out.append("</").append(open.pop()).append('>');
        return this;
    }

    /** A leaf element; a null value writes nothing, so optional fields are one call. */
    public XmlWriter element(String name, @Nullable String value) {
        if (value == null) return this;
        out.append('<').append(name).append('>');
        escape(value, false);
        out.append("</").append(name).append('>');
        return this;
    }

    public XmlWriter element(String name, long value) {
        return element(name, Long.toString(value));
    }

    public XmlWriter element(String name, boolean value) {
        return element(name, Boolean.toString(value));
    }

    public byte[] toBytes() {
        while (!open.isEmpty()) end();
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /**
     * {@code s} with every character XML 1.0 cannot carry at all (controls other than tab, CR and LF, U+FFFE, U+FFFF,
     * lone surrogates) replaced by U+FFFD: for documents, such as errors, that must parse everywhere.
     */
    public static @Nullable String xml10(@Nullable String s) {
        if (s == null) return null;
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                    || c == 0xFFFE
                    || c == 0xFFFF
                    || (Character.isHighSurrogate(c)
                            && (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))))
                    || (Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1))));
            if (bad && out == null) out = new StringBuilder(s.length()).append(s, 0, i);
            if (out != null) out.append(bad ? '\uFFFD' : c);
        }
        return out == null ? s : out.toString();
    }

    private void escape(String s, boolean attr) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append(attr ? "&quot;" : "\"");
                case '\'' -> out.append(attr ? "&apos;" : "'");
                case '\r' -> out.append("&#13;");
                case '\n' -> out.append(attr ? "&#10;" : "\n");
                case '\t' -> out.append(attr ? "&#9;" : "\t");
                default -> {
                    if (c < 0x20 || c == 0xFFFE || c == 0xFFFF) {
                        // Not representable in XML 1.0 even as a reference; S3 requires encoding-type=url for such
                        // keys.
                        out.append("&#x").append(Integer.toHexString(c)).append(';');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}

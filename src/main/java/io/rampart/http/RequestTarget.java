package io.rampart.http;

import io.rampart.auth.QueryString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a request points: bucket and key from the path (path style) or the Host header (virtual-host style under the
 * configured domain), and the decoded query. Keys are taken verbatim: "../", "//" and newlines are ordinary characters.
 * {@code virtualHost} says the bucket came from the Host header; {@code website} that the host is the bucket's website
 * endpoint ({@code <bucket>.s3-website.<domain>}, {@code <bucket>.s3-website-<region>.<domain>} or
 * {@code <bucket>.s3-website.<region>.<domain>}).
 */
record RequestTarget(String bucket, String key, Map<String, String> query, boolean virtualHost, boolean website) {
    private static final java.util.regex.Pattern WEBSITE_HOST =
            java.util.regex.Pattern.compile("(.+)\\.s3-website(?:[.-][a-z0-9-]+)?");

    static RequestTarget parse(String rawPath, String rawQuery, String host, String domain) {
        return parse(rawPath, QueryString.parse(rawQuery), host, domain);
    }

    /** {@code query}: the request's query as sent, split once and shared with the signature check. */
    static RequestTarget parse(String rawPath, QueryString query, String host, String domain) {
        String path = percentDecode(rawPath == null || rawPath.isEmpty() ? "/" : rawPath, false);
        String bucket = null;
        String key = null;
        String vhostBucket = virtualHostBucket(host, domain);
        boolean website = false;
        if (vhostBucket != null) {
            java.util.regex.Matcher m = WEBSITE_HOST.matcher(vhostBucket);
            if (m.matches()) {
                website = true;
                vhostBucket = m.group(1);
            }
        }
        int start = path.startsWith("/") ? 1 : 0; // the path without its leading '/'
        int end = path.length();
        if (vhostBucket != null) {
            bucket = vhostBucket;
            key = start == end ? null : path.substring(start);
        } else if (start < end) {
            int slash = path.indexOf('/', start);
            if (slash < 0) {
                bucket = path.substring(start);
            } else {
                bucket = path.substring(start, slash);
                key = slash + 1 == end ? null : path.substring(slash + 1);
            }
        }
        return new RequestTarget(bucket, key, parseQuery(query), vhostBucket != null, website);
    }

    private static String virtualHostBucket(String host, String domain) {
        if (host == null || domain == null || domain.isEmpty()) return null;
        String h = host;
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon) h = h.substring(0, colon);
        String suffix = "." + domain;
        if (h.length() > suffix.length()
                && h.regionMatches(true, h.length() - suffix.length(), suffix, 0, suffix.length())) {
            return h.substring(0, h.length() - suffix.length());
        }
        return null;
    }

    static Map<String, String> parseQuery(String rawQuery) {
        return parseQuery(QueryString.parse(rawQuery));
    }

    /** The parameters decoded as S3 reads them ('+' is a space), the first of a repeated name kept, in order sent. */
    static Map<String, String> parseQuery(QueryString query) {
        Map<String, String> q = new LinkedHashMap<>();
        for (QueryString.Param p : query.params()) {
            String name = percentDecode(p.rawName(), true);
            String value = p.rawValue() == null ? "" : percentDecode(p.rawValue(), true);
            q.putIfAbsent(name, value);
        }
        return q;
    }

    /** Percent-decodes UTF-8; '+' means space only in the query, as S3 reads it. Malformed escapes stay literal. */
    static String percentDecode(String s, boolean plusIsSpace) {
        if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) return s;
        // ASCII text (what clients send): its bytes are its characters, decoded in one pass into one array.
        int n = s.length();
        byte[] out = new byte[n];
        int length = 0;
        boolean nonAscii = false;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) return percentDecodeAny(s, plusIsSpace);
            int high;
            int low;
            byte b;
            if (c == '%' && i + 2 < n && (high = hex(s.charAt(i + 1))) >= 0 && (low = hex(s.charAt(i + 2))) >= 0) {
                b = (byte) (high * 16 + low);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                b = ' ';
            } else {
                b = (byte) c;
            }
            nonAscii |= b < 0;
            out[length++] = b;
        }
        return nonAscii ? strictUtf8(out, length) : new String(out, 0, length, StandardCharsets.ISO_8859_1);
    }

    /** {@link #percentDecode} of text with characters outside ASCII, which count as their UTF-8 bytes. */
    private static String percentDecodeAny(String s, boolean plusIsSpace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else if (c < 0x80) {
                out.write(c); // ASCII is its own UTF-8: no String and byte[] per character
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.write(b, 0, b.length);
            }
        }
        byte[] bytes = out.toByteArray();
        return strictUtf8(bytes, bytes.length);
    }

    private static String strictUtf8(byte[] bytes, int length) {
        try {
            // Strictly: two different byte strings must never become the same key through U+FFFD.
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes, 0, length))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InvalidUri();
        }
    }

    /** A request target whose percent-decoded bytes are not UTF-8: S3's 400 InvalidURI. */
    static final class InvalidUri extends IllegalArgumentException {
        InvalidUri() {
            super("Couldn't parse the specified URI.");
        }
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
}

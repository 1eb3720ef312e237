package io.rampart.s3;

import io.rampart.xml.XmlElement;
import io.rampart.xml.XmlWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A bucket's CORS configuration (PutBucketCors's CORSConfiguration) and how a browser's request is matched against it:
 * the first rule whose AllowedOrigin (one {@code *} wildcard allowed), AllowedMethod and AllowedHeader (for a preflight's
 * Access-Control-Request-Headers) all match decides, as S3 evaluates it.
 */
record CorsConfiguration(List<Rule> rules) {
    static final int MAX_RULES = 100;
    private static final Set<String> METHODS = Set.of("GET", "PUT", "HEAD", "POST", "DELETE");

    record Rule(
            String id,
            List<String> allowedMethods,
            List<String> allowedOrigins,
            List<String> allowedHeaders,
            List<String> exposeHeaders,
            Integer maxAgeSeconds) {
        boolean matches(String origin, String method, List<String> requestHeaders) {
            if (!allowedMethods.contains(method)) return false;
            if (allowedOrigins.stream().noneMatch(o -> wildcard(o, origin, false))) return false;
            for (String h : requestHeaders) {
                if (allowedHeaders.stream().noneMatch(a -> wildcard(a, h, true))) return false;
            }
            return true;
        }

        /** The headers S3 answers for a request this rule matched ({@code requestHeaders} echoed for a preflight). */
        Map<String, String> responseHeaders(String origin, List<String> requestHeaders, boolean preflight) {
            Map<String, String> h = new LinkedHashMap<>();
            boolean any = allowedOrigins.contains("*");
            h.put("Access-Control-Allow-Origin", any ? "*" : origin);
            h.put("Access-Control-Allow-Methods", String.join(", ", allowedMethods));
            if (preflight && !requestHeaders.isEmpty())
                h.put("Access-Control-Allow-Headers", String.join(", ", requestHeaders));
            if (!exposeHeaders.isEmpty()) h.put("Access-Control-Expose-Headers", String.join(", ", exposeHeaders));
            if (maxAgeSeconds != null) h.put("Access-Control-Max-Age", maxAgeSeconds.toString());
            if (!any) h.put("Access-Control-Allow-Credentials", "true");
            h.put("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
            return h;
        }
    }

    /** The first rule allowing this origin, method and (preflight) request headers. */
    Optional<Rule> match(String origin, String method, List<String> requestHeaders) {
        return rules.stream()
                .filter(r -> r.matches(origin, method, requestHeaders))
                .findFirst();
    }

    /** "*" matches anything; one "*" inside a pattern matches any run of characters. Headers compare case-insensitively. */
    static boolean wildcard(String pattern, String value, boolean ignoreCase) {
        String p = ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern;
        String v = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
        int star = p.indexOf('*');
        if (star < 0) return p.equals(v);
        String head = p.substring(0, star);
        String tail = p.substring(star + 1);
        return v.length() >= head.length() + tail.length() && v.startsWith(head) && v.endsWith(tail);
    }

    static CorsConfiguration parse(byte[] body) {
        XmlElement root = RequestXml.parse(body, "CORSConfiguration");
        List<XmlElement> rules = root.all("CORSRule");
        if (rules.isEmpty() || rules.size() > MAX_RULES) throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        List<Rule> out = new ArrayList<>();
        for (XmlElement r : rules) {
            List<String> methods = texts(r, "AllowedMethod");
            List<String> origins = texts(r, "AllowedOrigin");
            if (methods.isEmpty() || origins.isEmpty()) throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            for (String m : methods) {
                if (!METHODS.contains(m)) {
                    throw new S3Exception(
                            S3ErrorCode.INVALID_REQUEST,
                            "Found unsupported HTTP method in CORS config. Unsupported method is " + m);
                }
            }
            for (String o : origins) {
                if (o.indexOf('*') != o.lastIndexOf('*')) {
                    throw new S3Exception(
                            S3ErrorCode.INVALID_REQUEST,
                            "AllowedOrigin \"" + o + "\" can not have more than one wildcard.");
                }
            }
            List<String> headers = texts(r, "AllowedHeader");
            for (String h : headers) {
                if (h.indexOf('*') != h.lastIndexOf('*')) {
                    throw new S3Exception(
                            S3ErrorCode.INVALID_REQUEST,
                            "AllowedHeader \"" + h + "\" can not have more than one wildcard.");
                }
            }
            Integer maxAge = null;
            Optional<String> age = r.childText("MaxAgeSeconds").map(String::trim);
            if (age.isPresent()) {
                try {
                    maxAge = Integer.parseInt(age.get());
                } catch (NumberFormatException e) {
                    throw new S3Exception(S3ErrorCode.MALFORMED_XML);
                }
            }
            String id = r.childText("ID").orElse(null);
            if (id != null && id.length() > 255) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "ID length should not exceed allowed limit of 255");
            }
            out.add(new Rule(id, methods, origins, headers, texts(r, "ExposeHeader"), maxAge));
        }
        return new CorsConfiguration(List.copyOf(out));
    }

    private static List<String> texts(XmlElement parent, String name) {
        List<String> out = new ArrayList<>();
        for (XmlElement e : parent.all(name))
            out.add(e.text() == null ? "" : e.text().trim());
        return out;
    }

    XmlWriter toXml() {
        XmlWriter x = new XmlWriter().start("CORSConfiguration", XmlWriter.S3_NAMESPACE);
        for (Rule r : rules) {
            x.start("CORSRule");
            if (r.id() != null) x.element("ID", r.id());
            r.allowedHeaders().forEach(h -> x.element("AllowedHeader", h));
            r.allowedMethods().forEach(m -> x.element("AllowedMethod", m));
            r.allowedOrigins().forEach(o -> x.element("AllowedOrigin", o));
            r.exposeHeaders().forEach(h -> x.element("ExposeHeader", h));
            if (r.maxAgeSeconds() != null) x.element("MaxAgeSeconds", r.maxAgeSeconds());
            x.end();
        }
        return x.end();
    }
}

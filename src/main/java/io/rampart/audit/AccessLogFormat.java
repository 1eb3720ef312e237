package io.rampart.audit;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One S3 server access log line, field for field as AWS writes them
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html): bucket owner, bucket, [time], remote IP,
 * requester, request id, operation, key, "request-URI", status, error code, bytes sent, object size, total time,
 * turn-around time, "referer", "user-agent", version id, host id, signature version, cipher suite, authentication type,
 * host header, TLS version, access point ARN, ACL required. Missing values are "-".
 */
public final class AccessLogFormat {
    private AccessLogFormat() {}

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    public static String line(ServedRequest r, String bucketOwnerCanonicalId) {
        RequestFacts f = r.facts();
        StringBuilder b = new StringBuilder(400);
        field(b, bucketOwnerCanonicalId);
        field(b, f.bucket());
        b.append('[').append(TIME.format(f.time())).append("] ");
        field(b, f.sourceIp());
        field(b, f.principal().isAnonymous() ? null : f.principal().arn());
        field(b, f.requestId());
        field(b, r.operation());
        field(b, f.key() == null ? null : encodeKey(f.key()));
        quoted(b, r.requestLine());
        field(b, Integer.toString(f.status()));
        field(b, f.errorCode());
        field(b, f.bytesOut() > 0 ? Long.toString(f.bytesOut()) : null);
        field(b, r.objectSize() >= 0 ? Long.toString(r.objectSize()) : null);
        field(b, Long.toString(r.totalMillis()));
        field(b, r.turnAroundMillis() >= 0 ? Long.toString(r.turnAroundMillis()) : null);
        quoted(b, r.referer());
        quoted(b, f.userAgent());
        String version = f.responseElements().get("x-amz-version-id");
        if (version == null) version = f.requestParameters().get("versionId");
        field(b, version);
        field(b, f.hostId());
        field(
                b,
                f.authMethod() == null
                        ? null
                        : String.valueOf(f.additional().getOrDefault("SignatureVersion", "SigV4")));
        field(b, f.cipherSuite());
        field(b, f.authMethod());
        field(b, f.requestParameters().get("Host"));
        field(b, f.tlsVersion());
        field(b, null); // access point ARN: Rampart has no access points
        b.append('-'); // aclRequired: ACLs are disabled (bucket owner enforced), so no request needed one
        return b.toString();
    }

    private static void field(StringBuilder b, String value) {
        b.append(value == null || value.isEmpty() ? "-" : clean(value).replace(" ", "%20"))
                .append(' ');
    }

    private static void quoted(StringBuilder b, String value) {
        if (value == null || value.isEmpty()) {
            b.append("\"-\" ");
        } else {
            b.append('"').append(clean(value).replace("\"", "\\\"")).append("\" ");
        }
    }

    /** Log lines are split on spaces and newlines: neither may come from a client unescaped. */
    private static String clean(String v) {
        StringBuilder out = null;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (out == null) out = new StringBuilder(v.substring(0, i));
                out.append(String.format("\\x%02X", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? v : out.toString();
    }

    /** Keys are logged URL-encoded (slashes kept), so spaces and quotes in keys cannot break the line. */
    static String encodeKey(String key) {
        StringBuilder out = new StringBuilder(key.length() + 8);
        for (byte x : key.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~'
                    || c == '/') {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }
}

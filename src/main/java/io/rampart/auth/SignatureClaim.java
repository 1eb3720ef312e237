package io.rampart.auth;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What a request claims about its signature, parsed either from the Authorization header or from the
 * presigned-URL query parameters: the scope, the signed headers, the signature and the signing time.
 *
 * @param signedHeadersText the SignedHeaders list exactly as sent, which is what the canonical request repeats
 * @param amzDate           the signing time in ISO 8601 basic form, as it goes into the string to sign
 * @param expiresSeconds    X-Amz-Expires for presigned URLs, else 0
 */
record SignatureClaim(
        CredentialScope scope,
        String signedHeadersText,
        List<String> signedHeaders,
        String signature,
        String amzDate,
        Instant time,
        boolean presigned,
        long expiresSeconds) {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    static final long MAX_EXPIRES_SECONDS = 604800;

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC)
            .withResolverStyle(ResolverStyle.STRICT);

    private static final String MALFORMED = "The authorization header is malformed; ";
    private static final String CREDENTIAL_SHAPE =
            "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";
    static final String UNSUPPORTED_MECHANISM =
            "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.";

    boolean signs(String lowerCaseHeader) {
        return signedHeaders.contains(lowerCaseHeader);
    }

    /** Parses "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." (commas and spaces optional). */
    static SignatureClaim fromHeader(String authorization, SignedRequest request) throws AuthException {
        String value = authorization.strip();
        if (!value.startsWith(ALGORITHM)
                || value.length() == ALGORITHM.length()
                || !isSeparator(value.charAt(ALGORITHM.length()))) {
            throw new AuthException(AuthError.INVALID_REQUEST, UNSUPPORTED_MECHANISM);
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        int i = ALGORITHM.length();
        int n = value.length();
        while (i < n) {
            while (i < n && isSeparator(value.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isSeparator(value.charAt(i))) {
                i++;
            }
            if (start == i) {
                break;
            }
            String token = value.substring(start, i);
            int eq = token.indexOf('=');
            if (eq <= 0) {
                throw malformed("the authorization component \"" + token + "\" is malformed.");
            }
            String key = token.substring(0, eq);
            String v = token.substring(eq + 1);
            switch (key) {
                case "Credential" -> credential = once(credential, v, key);
                case "SignedHeaders" -> signedHeaders = once(signedHeaders, v, key);
                case "Signature" -> signature = once(signature, v, key);
                default -> throw malformed("the authorization component \"" + token + "\" is malformed.");
            }
        }
        if (credential == null || signedHeaders == null || signature == null) {
            throw malformed("the authorization header requires three components: Credential, SignedHeaders, "
                    + "and Signature.");
        }
        CredentialScope scope = CredentialScope.parse(credential);
        if (scope == null) {
            throw malformed(CREDENTIAL_SHAPE);
        }
        List<String> headers = splitSignedHeaders(signedHeaders);
        if (headers.isEmpty()) {
            throw malformed("the SignedHeaders component is empty.");
        }
        if (!headers.contains("host")) {
            throw malformed("the SignedHeaders component must include the host header.");
        }

        String amzDateHeader = request.header("x-amz-date");
        Instant time = amzDateHeader == null ? null : parseAmzDate(amzDateHeader.strip());
        String amzDate;
        if (amzDateHeader != null && time != null) {
            amzDate = amzDateHeader.strip();
        } else {
            // SigV4 allows the Date header instead; the string to sign then carries it in ISO 8601 basic form.
            String date = request.header("date");
            time = date == null ? null : parseHttpDate(date.strip());
            if (time == null) {
                throw new AuthException(
                        AuthError.ACCESS_DENIED, "AWS authentication requires a valid Date or x-amz-date header");
            }
            amzDate = AMZ_DATE.format(time);
        }
        if (!amzDate.startsWith(scope.date())) {
            throw malformed("Invalid credential date. Date is not the same as X-Amz-Date.");
        }
        return new SignatureClaim(scope, signedHeaders, headers, signature, amzDate, time, false, 0);
    }

    /** Parses the X-Amz-* parameters of a presigned URL. */
    static SignatureClaim fromQuery(QueryString query) throws AuthException {
        String algorithm = query.first("X-Amz-Algorithm").orElse(null);
        String credential = query.first("X-Amz-Credential").orElse(null);
        String signature = query.first("X-Amz-Signature").orElse(null);
        String date = query.first("X-Amz-Date").orElse(null);
        String signedHeaders = query.first("X-Amz-SignedHeaders").orElse(null);
        String expires = query.first("X-Amz-Expires").orElse(null);
        if (algorithm == null
                || credential == null
                || signature == null
                || date == null
                || signedHeaders == null
                || expires == null) {
            throw queryError("Query-string authentication version 4 requires the X-Amz-Algorithm, "
                    + "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires "
                    + "parameters.");
        }
        if (!ALGORITHM.equals(algorithm)) {
            throw queryError("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        }
        CredentialScope scope = CredentialScope.parse(credential);
        if (scope == null) {
            throw queryError("Error parsing the X-Amz-Credential parameter; " + CREDENTIAL_SHAPE);
        }
        Instant time = parseAmzDate(date);
        if (time == null) {
            throw queryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        }
        if (!date.startsWith(scope.date())) {
            throw queryError("Invalid credential date \"" + scope.date()
                    + "\". This date is not the same as X-Amz-Date: \"" + date.substring(0, 8) + "\".");
        }
        long expiresSeconds;
        try {
            expiresSeconds = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            throw queryError("X-Amz-Expires should be a number");
        }
        if (expiresSeconds < 0) {
            throw queryError("X-Amz-Expires must be non-negative");
        }
        if (expiresSeconds > MAX_EXPIRES_SECONDS) {
            throw queryError("X-Amz-Expires must be less than a week (in seconds) that is; 604800");
        }
        List<String> headers = splitSignedHeaders(signedHeaders);
        if (!headers.contains("host")) {
            throw queryError("X-Amz-SignedHeaders must include the host header.");
        }
        return new SignatureClaim(scope, signedHeaders, headers, signature, date, time, true, expiresSeconds);
    }

    /** The names between ';', lower-cased, empty ones left out. */
    static List<String> splitSignedHeaders(String text) {
        List<String> out = new ArrayList<>(8);
        int start = 0;
        int n = text.length();
        while (start <= n) {
            int semicolon = text.indexOf(';', start);
            int end = semicolon < 0 ? n : semicolon;
            if (end > start) {
                out.add(text.substring(start, end).toLowerCase(Locale.ROOT));
            }
            start = end + 1;
        }
        return out;
    }

    /**
     * {@code yyyyMMdd'T'HHmmss'Z'} in UTC, strictly (what {@link #AMZ_DATE} accepts), or null; parsed by hand: every
     * signed request passes here, and the formatter's general parser was ~3 % of a small GET's CPU.
     */
    static @Nullable Instant parseAmzDate(String text) {
        if (text.length() != 16 || text.charAt(8) != 'T' || text.charAt(15) != 'Z') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 4, 6);
        int day = digits(text, 6, 8);
        int hour = digits(text, 9, 11);
        int minute = digits(text, 11, 13);
        int second = digits(text, 13, 15);
        if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        if (month < 1
                || month > 12
                || day < 1
                || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second);
    }

    /** The ASCII decimal number in {@code text[from, to)}, or -1 when any character is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') return -1;
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static @Nullable Instant parseHttpDate(String text) {
        try {
            return Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(text));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == ',' || c == '\t';
    }

    private static String once(@Nullable String previous, String value, String key) throws AuthException {
        if (previous != null) {
            throw malformed("the authorization component \"" + key + "\" appears more than once.");
        }
        return value;
    }

    private static AuthException malformed(String detail) {
        return new AuthException(AuthError.AUTHORIZATION_HEADER_MALFORMED, MALFORMED + detail);
    }

    private static AuthException queryError(String message) {
        return new AuthException(AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR, message);
    }
}

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
        String[] values = queryParameters(query);
        String algorithm = values[0];
        String credential = values[1];
        String signature = values[2];
        String date = values[3];
        String signedHeaders = values[4];
        String expires = values[5];
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

    /** The parameters {@link #fromQuery} reads, in the order of {@link #QUERY_PARAMETERS}. */
    static final List<String> QUERY_PARAMETERS = List.of(
            "X-Amz-Algorithm",
            "X-Amz-Credential",
            "X-Amz-Signature",
            "X-Amz-Date",
            "X-Amz-SignedHeaders",
            "X-Amz-Expires");

    /**
     * The value of the first of each of {@link #QUERY_PARAMETERS} as {@link QueryString#first} gives it (null when
     * absent), in one pass over the parameters rather than one per name: every presigned request reads them.
     */
    static @Nullable String[] queryParameters(QueryString query) {
        String[] values = new String[6];
        for (QueryString.Param p : query.array()) {
            int i = switch (p.name()) {
                case "X-Amz-Algorithm" -> 0;
                case "X-Amz-Credential" -> 1;
                case "X-Amz-Signature" -> 2;
                case "X-Amz-Date" -> 3;
                case "X-Amz-SignedHeaders" -> 4;
                case "X-Amz-Expires" -> 5;
                default -> -1;
            };
            if (i >= 0 && values[i] == null) values[i] = p.value();
        }
        return values;
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
        boolean leap = (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
        if (month < 1 || month > 12 || day < 1 || day > (month == 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[month])) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay(year, month, day, leap) * 86_400 + hour * 3_600L + minute * 60L + second);
    }

    private static final int[] DAYS_IN_MONTH = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    /** Days from 0000-01-01 to 1970-01-01 in the proleptic ISO calendar (LocalDate's DAYS_0000_TO_1970). */
    private static final long DAYS_0000_TO_1970 = 719_528;

    /**
     * LocalDate.of(year, month, day).toEpochDay() for a valid date of a year 0-9999, by its own arithmetic: LocalDate's
     * validation (and YearMonth's) showed in the profile of every presigned request.
     */
    private static long epochDay(long year, int month, int day, boolean leap) {
        long total = 365 * year + (year + 3) / 4 - (year + 99) / 100 + (year + 399) / 400;
        total += (367L * month - 362) / 12;
        total += day - 1;
        if (month > 2) {
            total--;
            if (!leap) total--;
        }
        return total - DAYS_0000_TO_1970;
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

package io.rampart.auth;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * All that the verifier needs from an HTTP request, free of any server framework.
 *
 * @param rawPath the path exactly as on the request line, still percent-encoded
 * @param query   the query string exactly as sent (without '?', "" if none), split into its parameters
 * @param headers header names lower-cased; values as received, several values in order
 */
public record SignedRequest(String method, String rawPath, QueryString query, Map<String, List<String>> headers) {
    public SignedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(headers, "headers");
    }

    /** {@code rawQuery}: the query string exactly as sent, without '?'; null or "" if none. */
    public SignedRequest(String method, String rawPath, @Nullable String rawQuery, Map<String, List<String>> headers) {
        this(method, rawPath, QueryString.parse(rawQuery), headers);
    }

    /** The query string exactly as sent, without '?', or "" if none. */
    public String rawQuery() {
        return query.raw();
    }

    /** The first value of a header (name in lower case), or null when absent. */
    @Nullable
    String header(String lowerCaseName) {
        List<String> values = headers.get(lowerCaseName);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}

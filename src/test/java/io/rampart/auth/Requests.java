package io.rampart.auth;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Small builders for hand-written requests in tests. */
final class Requests {
    private Requests() {}

    /** Headers from name/value pairs; names are lower-cased, repeated names accumulate values. */
    static Map<String, List<String>> headers(String... nameValues) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            headers.computeIfAbsent(nameValues[i].toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(nameValues[i + 1]);
        }
        return headers;
    }

    static SignedRequest request(String method, String path, String query, String... nameValues) {
        return new SignedRequest(method, path, query, headers(nameValues));
    }

    /** The same request with one header replaced (or removed, when value is null). */
    static SignedRequest withHeader(SignedRequest request, String name, String value) {
        Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
        if (value == null) {
            headers.remove(name);
        } else {
            headers.put(name, List.of(value));
        }
        return new SignedRequest(request.method(), request.rawPath(), request.rawQuery(), headers);
    }

    static SignedRequest withQuery(SignedRequest request, String rawQuery) {
        return new SignedRequest(request.method(), request.rawPath(), rawQuery, request.headers());
    }

    static InputStream body(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    /** Reads to EOF in small, odd-sized reads, as a slow client would deliver it. */
    static byte[] drain(InputStream in) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[8191];
        int n;
        while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}

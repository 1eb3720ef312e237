package io.rampart.auth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A raw query string split into parameters, and its SigV4 canonical form. */
record QueryString(List<Param> params) {

    /** One parameter as sent: value null when there was no '='. */
    record Param(String rawName, @Nullable String rawValue) {
        String name() {
            return UriEncoding.decodeToString(rawName, false);
        }
    }

    static QueryString parse(String rawQuery) {
        List<Param> params = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return new QueryString(params);
        }
        int start = 0;
        int n = rawQuery.length();
        while (start <= n) {
            int amp = rawQuery.indexOf('&', start);
            int end = amp < 0 ? n : amp;
            if (end > start) {
                int eq = rawQuery.indexOf('=', start);
                if (eq >= 0 && eq < end) {
                    params.add(new Param(rawQuery.substring(start, eq), rawQuery.substring(eq + 1, end)));
                } else {
                    params.add(new Param(rawQuery.substring(start, end), null));
                }
            }
            start = end + 1;
        }
        return new QueryString(params);
    }

    boolean contains(String name) {
        for (Param p : params) {
            if (p.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The decoded value of the first parameter with this name. '+' stays '+': the values read this way
     * (credentials, dates, base64 tokens) never contain spaces, while tokens do contain '+'.
     */
    Optional<String> first(String name) {
        for (Param p : params) {
            if (p.name().equals(name)) {
                return Optional.of(p.rawValue() == null ? "" : UriEncoding.decodeToString(p.rawValue(), false));
            }
        }
        return Optional.empty();
    }

    /** True when some parameter would decode differently depending on how '+' is read. */
    boolean hasPlus() {
        for (Param p : params) {
            if (p.rawName().indexOf('+') >= 0
                    || (p.rawValue() != null && p.rawValue().indexOf('+') >= 0)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The canonical query: every name and value decoded then re-encoded per SigV4, sorted by name then value,
     * joined with '&'. {@code excluded} (the signature parameter of a presigned URL) is left out.
     */
    String canonical(boolean plusAsSpace, @Nullable String excluded) {
        if (params.isEmpty()) {
            return "";
        }
        String[][] pairs = new String[params.size()][];
        int count = 0;
        for (Param p : params) {
            String name = UriEncoding.reencode(p.rawName(), plusAsSpace, false);
            if (excluded != null && name.equals(excluded)) {
                continue;
            }
            String value = p.rawValue() == null ? "" : UriEncoding.reencode(p.rawValue(), plusAsSpace, false);
            pairs[count++] = new String[] {name, value};
        }
        String[][] used = Arrays.copyOf(pairs, count);
        Arrays.sort(used, (a, b) -> {
            int byName = a[0].compareTo(b[0]);
            return byName != 0 ? byName : a[1].compareTo(b[1]);
        });
        StringBuilder out = new StringBuilder(128);
        for (String[] pair : used) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(pair[0]).append('=').append(pair[1]);
        }
        return out.toString();
    }
}

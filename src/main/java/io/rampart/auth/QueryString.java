package io.rampart.auth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A raw query string split into parameters once per request, and its SigV4 canonical form. The HTTP layer parses it
 * for routing ({@code http.RequestTarget} decodes the parameters S3's way) and hands the same value to the verifier
 * in {@link SignedRequest}, so a presigned URL's query is split only once.
 */
public final class QueryString {
    private static final QueryString EMPTY = new QueryString("", new Param[0]);

    private final String raw;
    /** The parameters; walked by index on the signature path (every lookup there, without an iterator). */
    private final Param[] array;

    private final List<Param> params;

    private QueryString(String raw, Param[] array) {
        this.raw = raw;
        this.array = array;
        this.params = java.util.Collections.unmodifiableList(Arrays.asList(array));
    }

    /** The query exactly as sent, without '?', or "". */
    public String raw() {
        return raw;
    }

    /** The parameters in the order sent; empty ones ("&&") left out. */
    public List<Param> params() {
        return params;
    }

    /**
     * One parameter as sent: value null when there was no '='. {@code name} is the name percent-decoded with '+'
     * kept as '+' (how the signature parameters are looked up), decoded once when the query is parsed.
     */
    public record Param(String rawName, @Nullable String rawValue, String name) {
        Param(String rawName, @Nullable String rawValue) {
            this(rawName, rawValue, UriEncoding.decodeToString(rawName, false));
        }

        /** The value percent-decoded with '+' kept ('' when there was no '='), as {@link QueryString#first} reads it. */
        String value() {
            return rawValue == null ? "" : UriEncoding.decodeToString(rawValue, false);
        }
    }

    public static QueryString parse(@Nullable String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return EMPTY;
        }
        List<Param> params = new ArrayList<>(8);
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
        return new QueryString(rawQuery, params.toArray(new Param[0]));
    }

    boolean contains(String name) {
        for (Param p : array) {
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
        return Optional.ofNullable(firstOrNull(name));
    }

    /** {@link #first}'s value, or null when there is no such parameter. */
    @Nullable
    String firstOrNull(String name) {
        for (Param p : array) {
            if (p.name().equals(name)) {
                return p.value();
            }
        }
        return null;
    }

    /** The parameters, shared (callers only read it): the signature parameters are picked out in one pass. */
    Param[] array() {
        return array;
    }

    /**
     * True when some parameter would decode differently depending on how '+' is read. Every character of the raw
     * query but the '&' separators belongs to some parameter's name, '=' or value, so this is the raw text's '+'.
     */
    boolean hasPlus() {
        return raw.indexOf('+') >= 0;
    }

    /**
     * The canonical query: every name and value decoded then re-encoded per SigV4, sorted by name then value,
     * joined with '&'. {@code excluded} (the signature parameter of a presigned URL) is left out.
     */
    String canonical(boolean plusAsSpace, @Nullable String excluded) {
        if (params.isEmpty()) {
            return "";
        }
        int size = array.length;
        String[] names = new String[size];
        String[] values = new String[size];
        int count = 0;
        int length = 0;
        for (Param p : array) {
            String name = UriEncoding.reencode(p.rawName(), plusAsSpace, false);
            if (excluded != null && name.equals(excluded)) {
                continue;
            }
            String value = p.rawValue() == null ? "" : UriEncoding.reencode(p.rawValue(), plusAsSpace, false);
            names[count] = name;
            values[count] = value;
            length += name.length() + value.length() + 2;
            count++;
        }
        sortByNameThenValue(names, values, count);
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.append('&');
            }
            out.append(names[i]).append('=').append(values[i]);
        }
        return out.toString();
    }

    /**
     * Sorts the first {@code count} pairs by name then value. Queries are short and usually sent sorted (the SDKs sort
     * them): an insertion sort does that in one pass without allocating; a long one goes through Arrays.sort.
     */
    private static void sortByNameThenValue(String[] names, String[] values, int count) {
        if (count > 16) {
            Integer[] order = new Integer[count];
            for (int i = 0; i < count; i++) order[i] = i;
            Arrays.sort(order, (a, b) -> compare(names[a], values[a], names[b], values[b]));
            String[] n = Arrays.copyOf(names, count);
            String[] v = Arrays.copyOf(values, count);
            for (int i = 0; i < count; i++) {
                names[i] = n[order[i]];
                values[i] = v[order[i]];
            }
            return;
        }
        for (int i = 1; i < count; i++) {
            String name = names[i];
            String value = values[i];
            int j = i - 1;
            while (j >= 0 && compare(names[j], values[j], name, value) > 0) {
                names[j + 1] = names[j];
                values[j + 1] = values[j];
                j--;
            }
            names[j + 1] = name;
            values[j + 1] = value;
        }
    }

    private static int compare(String nameA, String valueA, String nameB, String valueB) {
        int byName = nameA.compareTo(nameB);
        return byName != 0 ? byName : valueA.compareTo(valueB);
    }
}

package io.rampart.policy;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A policy string that may contain policy variables ({@code ${aws:username}},
 * {@code ${aws:username, 'default'}}) and the escapes {@code ${*}}, {@code ${?}}, {@code ${$}}.
 * Variables resolve against the request context; substituted text and escapes are literal, never
 * wildcards. With Version 2008-10-17 variables are not recognised and the text is literal.
 */
final class Template {
    private sealed interface Part permits Text, Escape, Variable {}

    private record Text(String text) implements Part {}

    private record Escape(char c) implements Part {}

    /** {@code fallback}: the text after the comma ({@code ${key, 'fallback'}}), null when there is none. */
    private record Variable(String lowerKey, @Nullable String fallback) implements Part {}

    /**
     * A template without variables, resolved once: its literal text (escapes applied), its wildcard codes and its
     * case-sensitive glob.
     */
    private record Fixed(String text, int[] codes, Glob globCs) {}

    private final String raw;
    private final boolean arnScoped; // wildcards scoped to ARN segments (Resource / NotResource)
    private final List<Part> parts;
    private final @Nullable Fixed fixed; // null when the template has a variable

    private Template(String raw, List<Part> parts, boolean arnScoped) {
        this.raw = raw;
        this.arnScoped = arnScoped;
        this.parts = List.copyOf(parts);
        boolean dynamic = parts.stream().anyMatch(p -> p instanceof Variable);
        if (dynamic) {
            this.fixed = null;
        } else {
            StringBuilder sb = new StringBuilder();
            IntList codes = new IntList();
            for (Part p : parts) append(p, null, sb, codes);
            int[] staticCodes = codes.toArray();
            int[] globCodes = staticCodes.clone();
            this.fixed = new Fixed(
                    sb.toString(),
                    staticCodes,
                    Glob.of(arnScoped ? Glob.scopeToArnSegments(globCodes) : globCodes, false));
        }
    }

    static Template parse(String raw, boolean variables) {
        return parse(raw, variables, false);
    }

    /** A Resource / NotResource ARN: its wildcards stay within a segment (see {@link Glob#scopeToArnSegments}). */
    static Template parseResource(String raw, boolean variables) {
        return parse(raw, variables, true);
    }

    private static Template parse(String raw, boolean variables, boolean arnScoped) {
        List<Part> parts = new ArrayList<>();
        if (!variables) {
            parts.add(new Text(raw));
            return new Template(raw, parts, arnScoped);
        }
        int i = 0;
        StringBuilder text = new StringBuilder();
        while (i < raw.length()) {
            int open = raw.indexOf("${", i);
            int close = open < 0 ? -1 : raw.indexOf('}', open + 2);
            if (open < 0 || close < 0) {
                text.append(raw, i, raw.length());
                break;
            }
            text.append(raw, i, open);
            String body = raw.substring(open + 2, close);
            Part part = variablePart(body);
            if (part == null) {
                text.append(raw, open, close + 1);
            } else {
                if (!text.isEmpty()) {
                    parts.add(new Text(text.toString()));
                    text.setLength(0);
                }
                parts.add(part);
            }
            i = close + 1;
        }
        if (!text.isEmpty()) parts.add(new Text(text.toString()));
        return new Template(raw, parts, arnScoped);
    }

    /** The part a {@code ${...}} body stands for; null when it is neither an escape nor a variable (literal text). */
    private static @Nullable Part variablePart(String body) {
        switch (body) {
            case "*":
                return new Escape('*');
            case "?":
                return new Escape('?');
            case "$":
                return new Escape('$');
            default:
                break;
        }
        String key = body;
        String fallback = null;
        int comma = body.indexOf(',');
        if (comma >= 0) {
            key = body.substring(0, comma);
            String def = body.substring(comma + 1).trim();
            if (def.length() >= 2 && def.startsWith("'") && def.endsWith("'")) {
                fallback = def.substring(1, def.length() - 1);
            } else {
                return null;
            }
        }
        key = key.trim();
        if (key.isEmpty() || key.indexOf(':') <= 0) return null;
        return new Variable(RequestContext.normalize(key), fallback);
    }

    boolean isStatic() {
        return fixed != null;
    }

    /** The wildcard codes of a template without variables. */
    int[] staticCodes() {
        if (fixed == null) throw new IllegalStateException("template has variables: " + raw);
        return fixed.codes().clone();
    }

    String raw() {
        return raw;
    }

    /** The literal text after substitution, or null when a variable cannot be resolved. */
    @Nullable
    String resolveText(RequestContext ctx) {
        if (fixed != null) return fixed.text();
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            if (!append(p, ctx, sb, null)) return null;
        }
        return sb.toString();
    }

    /**
     * Wildcard codes after substitution (substituted text and escapes literal), or null when a variable cannot be
     * resolved.
     */
    int @Nullable [] resolveCodes(RequestContext ctx) {
        if (fixed != null) return fixed.codes().clone();
        IntList codes = new IntList();
        for (Part p : parts) {
            if (!append(p, ctx, null, codes)) return null;
        }
        return codes.toArray();
    }

    /**
     * Case-sensitive wildcard match after substitution without building a {@link Glob}; false when a
     * variable cannot be resolved (AWS: that element does not match).
     */
    boolean matchesGlob(RequestContext ctx, String s) {
        if (fixed != null) return fixed.globCs().matches(s);
        int len = 0;
        int nParts = parts.size();
        String[] resolved = new String[nParts];
        for (int i = 0; i < nParts; i++) {
            Part p = parts.get(i);
            if (p instanceof Text t) {
                len += t.text().length();
            } else if (p instanceof Escape) {
                len++;
            } else {
                Variable v = (Variable) p;
                String value = ctx.singleValue(v.lowerKey());
                if (value == null) value = v.fallback();
                if (value == null) return false;
                resolved[i] = value;
                len += value.length();
            }
        }
        int[] codes = new int[len];
        int k = 0;
        for (int i = 0; i < nParts; i++) {
            Part p = parts.get(i);
            if (p instanceof Text t) {
                String x = t.text();
                for (int j = 0; j < x.length(); j++) {
                    char c = x.charAt(j);
                    codes[k++] = c == '*' ? Glob.STAR : c == '?' ? Glob.QMARK : c;
                }
            } else if (p instanceof Escape e) {
                codes[k++] = e.c();
            } else {
                String x = resolved[i];
                for (int j = 0; j < x.length(); j++) codes[k++] = x.charAt(j);
            }
        }
        return Glob.matchCodes(arnScoped ? Glob.scopeToArnSegments(codes) : codes, false, s);
    }

    /**
     * Appends one part's text to {@code sb} and its wildcard codes to {@code codes} (either may be null: not
     * wanted); false when a variable cannot be resolved. {@code ctx} is null while a template without variables is
     * resolved once.
     */
    private static boolean append(
            Part p, @Nullable RequestContext ctx, @Nullable StringBuilder sb, @Nullable IntList codes) {
        switch (p) {
            case Text t -> {
                if (sb != null) sb.append(t.text());
                if (codes != null) {
                    for (int i = 0; i < t.text().length(); i++) {
                        char c = t.text().charAt(i);
                        codes.add(c == '*' ? Glob.STAR : c == '?' ? Glob.QMARK : c);
                    }
                }
            }
            case Escape e -> {
                if (sb != null) sb.append(e.c());
                if (codes != null) codes.add(e.c());
            }
            case Variable v -> {
                String value = ctx == null ? null : ctx.singleValue(v.lowerKey());
                if (value == null) value = v.fallback();
                if (value == null) return false;
                if (sb != null) sb.append(value);
                if (codes != null) {
                    for (int i = 0; i < value.length(); i++) codes.add(value.charAt(i));
                }
            }
        }
        return true;
    }

    private static final class IntList {
        private int[] a = new int[32];
        private int n;

        void add(int v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}

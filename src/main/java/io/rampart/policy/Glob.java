package io.rampart.policy;

/**
 * A compiled IAM wildcard pattern ({@code *} any run, {@code ?} one character). Patterns are
 * code arrays so that escaped {@code ${*}} and substituted variable text stay literal.
 * Matching is a linear two-pointer scan with single-star backtracking; no regex, no allocation.
 */
final class Glob {
    static final int STAR = -1;
    static final int QMARK = -2;

    private enum Shape { ANY, LITERAL, PREFIX, GENERAL }

    private final int[] codes;
    private final boolean ignoreCase;
    private final Shape shape;
    private final String literal;

    private Glob(int[] codes, boolean ignoreCase) {
        this.ignoreCase = ignoreCase;
        if (ignoreCase) {
            for (int i = 0; i < codes.length; i++) {
                if (codes[i] >= 0) codes[i] = Character.toLowerCase((char) codes[i]);
            }
        }
        this.codes = codes;
        int wild = 0;
        int firstWild = -1;
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] < 0) {
                wild++;
                if (firstWild < 0) firstWild = i;
            }
        }
        if (codes.length == 1 && codes[0] == STAR) {
            shape = Shape.ANY;
            literal = null;
        } else if (wild == 0) {
            shape = Shape.LITERAL;
            literal = text(codes, codes.length);
        } else if (wild == 1 && firstWild == codes.length - 1 && codes[firstWild] == STAR) {
            shape = Shape.PREFIX;
            literal = text(codes, codes.length - 1);
        } else {
            shape = Shape.GENERAL;
            literal = null;
        }
    }

    /** Every {@code *} and {@code ?} in {@code pattern} is a wildcard. */
    static Glob compile(String pattern, boolean ignoreCase) {
        int[] codes = new int[pattern.length()];
        for (int i = 0; i < codes.length; i++) {
            char c = pattern.charAt(i);
            codes[i] = c == '*' ? STAR : c == '?' ? QMARK : c;
        }
        return new Glob(codes, ignoreCase);
    }

    static Glob of(int[] codes, boolean ignoreCase) {
        return new Glob(codes, ignoreCase);
    }

    private static String text(int[] codes, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append((char) codes[i]);
        return sb.toString();
    }

    boolean matches(String s) {
        switch (shape) {
            case ANY:
                return true;
            case LITERAL:
                return ignoreCase ? literal.equalsIgnoreCase(s) : literal.equals(s);
            case PREFIX:
                return s.regionMatches(ignoreCase, 0, literal, 0, literal.length());
            default:
                return general(s);
        }
    }

    private boolean general(String s) {
        return matchCodes(codes, ignoreCase, s);
    }

    /** Matches without building a Glob; {@code p} must already be lower-cased when ignoring case. */
    static boolean matchCodes(int[] p, boolean ignoreCase, String s) {
        final int m = p.length;
        final int n = s.length();
        int pi = 0;
        int si = 0;
        int star = -1;
        int mark = 0;
        while (si < n) {
            if (pi < m && p[pi] != STAR && (p[pi] == QMARK || same(p[pi], s.charAt(si), ignoreCase))) {
                pi++;
                si++;
            } else if (pi < m && p[pi] == STAR) {
                star = pi++;
                mark = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < m && p[pi] == STAR) pi++;
        return pi == m;
    }

    private static boolean same(int pc, char c, boolean ignoreCase) {
        return pc == c || (ignoreCase && pc == Character.toLowerCase(c));
    }
}

package io.rampart.policy;

/**
 * A compiled IAM wildcard pattern ({@code *} any run, {@code ?} one character). Patterns are
 * code arrays so that escaped {@code ${*}} and substituted variable text stay literal.
 * Matching is a linear two-pointer scan with single-star backtracking; no regex, no allocation.
 */
final class Glob {
    static final int STAR = -1;
    static final int QMARK = -2;
    /** {@code *} inside one of an ARN's first five segments: any run without a colon. */
    static final int SEG_STAR = -3;
    /** {@code ?} inside one of an ARN's first five segments: one character that is not a colon. */
    static final int SEG_QMARK = -4;

    private enum Shape {
        ANY,
        LITERAL,
        PREFIX,
        GENERAL
    }

    private final int[] codes;
    private final boolean ignoreCase;
    private final Shape shape;
    private final String literal; // the text before any wildcard: LITERAL and PREFIX shapes only, else empty

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
            literal = "";
        } else if (wild == 0) {
            shape = Shape.LITERAL;
            literal = text(codes, codes.length);
        } else if (wild == 1 && firstWild == codes.length - 1 && codes[firstWild] == STAR) {
            shape = Shape.PREFIX;
            literal = text(codes, codes.length - 1);
        } else {
            shape = Shape.GENERAL;
            literal = "";
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

    /**
     * Resource-ARN wildcard scope ("IAM JSON policy elements: Resource", using wildcards in resource ARNs):
     * wildcards stay within one colon-separated segment, except that a {@code *} that is the last character of
     * a segment may expand beyond the colon; in the resource part (after the fifth colon, which may itself hold
     * colons and slashes) wildcards match anything. Applies only to a pattern that starts with {@code arn:};
     * rewrites {@code codes} in place and returns it.
     */
    static int[] scopeToArnSegments(int[] codes) {
        if (codes.length < 4 || codes[0] != 'a' || codes[1] != 'r' || codes[2] != 'n' || codes[3] != ':') return codes;
        int colons = 0;
        for (int i = 0; i < codes.length && colons < 5; i++) {
            int c = codes[i];
            if (c == ':') {
                colons++;
            } else if (c == QMARK) {
                codes[i] = SEG_QMARK;
            } else if (c == STAR && i + 1 < codes.length && codes[i + 1] != ':') {
                codes[i] = SEG_STAR;
            }
        }
        return codes;
    }

    /** Matches without building a Glob; {@code p} must already be lower-cased when ignoring case. */
    static boolean matchCodes(int[] p, boolean ignoreCase, String s) {
        for (int c : p) {
            if (c < QMARK) return matchScoped(p, ignoreCase, s);
        }
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

    /** Dynamic programming over pattern and text for patterns with segment-scoped wildcards (rare, short). */
    private static boolean matchScoped(int[] p, boolean ignoreCase, String s) {
        final int n = s.length();
        boolean[] cur = new boolean[n + 1];
        boolean[] next = new boolean[n + 1];
        cur[0] = true;
        for (int c : p) {
            for (int j = 0; j <= n; j++) {
                boolean v;
                if (c == STAR) {
                    v = cur[j] || (j > 0 && next[j - 1]);
                } else if (c == SEG_STAR) {
                    v = cur[j] || (j > 0 && next[j - 1] && s.charAt(j - 1) != ':');
                } else if (j == 0) {
                    v = false;
                } else if (c == QMARK) {
                    v = cur[j - 1];
                } else if (c == SEG_QMARK) {
                    v = cur[j - 1] && s.charAt(j - 1) != ':';
                } else {
                    v = cur[j - 1] && same(c, s.charAt(j - 1), ignoreCase);
                }
                next[j] = v;
            }
            boolean[] t = cur;
            cur = next;
            next = t;
        }
        return cur[n];
    }

    private static boolean same(int pc, char c, boolean ignoreCase) {
        return pc == c || (ignoreCase && pc == Character.toLowerCase(c));
    }
}

package io.rampart.policy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One condition test: operator (with optional {@code ForAnyValue:}/{@code ForAllValues:} set
 * qualifier and {@code IfExists}), one key, and the policy values (ORed; NOR for negated operators).
 * Policy values are compiled once at parse time.
 */
public final class Condition {

    public enum SetQualifier {
        NONE,
        FOR_ANY_VALUE,
        FOR_ALL_VALUES
    }

    private final ConditionOperator operator;
    private final SetQualifier qualifier;
    private final boolean ifExists;
    private final String key;
    private final String lowerKey;
    private final List<String> values;
    private final Object[] compiled;

    private Condition(
            ConditionOperator operator,
            SetQualifier qualifier,
            boolean ifExists,
            String key,
            List<String> values,
            Object[] compiled) {
        this.operator = operator;
        this.qualifier = qualifier;
        this.ifExists = ifExists;
        this.key = key;
        this.lowerKey = RequestContext.normalize(key);
        this.values = values;
        this.compiled = compiled;
    }

    public ConditionOperator operator() {
        return operator;
    }

    public SetQualifier qualifier() {
        return qualifier;
    }

    public boolean ifExists() {
        return ifExists;
    }

    public String key() {
        return key;
    }

    public List<String> values() {
        return values;
    }

    /** Compiles values; empty when the operator cannot interpret a value (a malformed policy). */
    static Optional<Condition> compile(
            ConditionOperator op,
            SetQualifier q,
            boolean ifExists,
            String key,
            List<String> values,
            boolean variables) {
        Object[] c = new Object[values.size()];
        boolean vars = variables && op.supportsVariables();
        for (int i = 0; i < c.length; i++) {
            String v = values.get(i);
            Object o = switch (op.family) {
                case STRING, STRING_IGNORE_CASE, STRING_LIKE, BOOL -> Template.parse(v, vars);
                case ARN -> ArnPattern.of(Template.parse(v, vars));
                case NUMERIC -> number(v);
                case DATE -> date(v);
                case BINARY -> binary(v);
                case IP -> IpCidr.parse(v);
                case NULL ->
                    v.equalsIgnoreCase("true") ? Boolean.TRUE : v.equalsIgnoreCase("false") ? Boolean.FALSE : null;
            };
            if (o == null) return Optional.empty();
            c[i] = o;
        }
        return Optional.of(new Condition(op, q, ifExists, key, List.copyOf(values), c));
    }

    boolean evaluate(RequestContext ctx) {
        List<String> present = ctx.valuesLower(lowerKey);
        if (present == null) present = List.of();
        boolean absent = present.isEmpty();
        if (operator.family == ConditionOperator.Family.NULL) {
            for (Object o : compiled) {
                if ((Boolean) o == absent) return true;
            }
            return false;
        }
        if (absent) {
            if (ifExists) return true;
            return switch (qualifier) {
                case FOR_ALL_VALUES -> true;
                case FOR_ANY_VALUE -> false;
                case NONE -> operator.negated;
            };
        }
        switch (qualifier) {
            case FOR_ANY_VALUE: {
                for (int i = 0, n = present.size(); i < n; i++) {
                    int r = matchesAny(present.get(i), ctx);
                    if (r != INVALID && (r == MATCH) != operator.negated) return true;
                }
                return false;
            }
            case FOR_ALL_VALUES: {
                for (int i = 0, n = present.size(); i < n; i++) {
                    int r = matchesAny(present.get(i), ctx);
                    if (r == INVALID || (r == MATCH) == operator.negated) return false;
                }
                return true;
            }
            default: {
                boolean any = false;
                boolean invalid = false;
                for (int i = 0, n = present.size(); i < n && !any; i++) {
                    int r = matchesAny(present.get(i), ctx);
                    any = r == MATCH;
                    invalid |= r == INVALID;
                }
                // A request value that cannot be read as the operator's type (number, date, IP, binary, ARN)
                // matches neither the operator nor its negation.
                if (operator.negated) return !any && !invalid;
                return any;
            }
        }
    }

    private static final int NO_MATCH = 0;
    private static final int MATCH = 1;
    private static final int INVALID = -1;

    /**
     * Whether the request value matches at least one policy value under the positive operator: {@link #MATCH},
     * {@link #NO_MATCH}, or {@link #INVALID} when the request value is not of the operator's type.
     */
    private int matchesAny(String requestValue, RequestContext ctx) {
        switch (operator.family) {
            case STRING: {
                for (Object o : compiled) {
                    String s = ((Template) o).resolveText(ctx);
                    if (s != null && s.equals(requestValue)) return MATCH;
                }
                return NO_MATCH;
            }
            case STRING_IGNORE_CASE:
            case BOOL: {
                for (Object o : compiled) {
                    String s = ((Template) o).resolveText(ctx);
                    if (s != null && s.equalsIgnoreCase(requestValue)) return MATCH;
                }
                return NO_MATCH;
            }
            case STRING_LIKE: {
                for (Object o : compiled) {
                    if (((Template) o).matchesGlob(ctx, requestValue)) return MATCH;
                }
                return NO_MATCH;
            }
            case ARN: {
                String[] r = requestValue.split(":", 6);
                if (r.length != 6 || !r[0].equals("arn")) return INVALID;
                for (Object o : compiled) {
                    if (((ArnPattern) o).matches(requestValue, r, ctx)) return MATCH;
                }
                return NO_MATCH;
            }
            case NUMERIC: {
                BigDecimal r = number(requestValue);
                if (r == null) return INVALID;
                for (Object o : compiled) {
                    if (compare(r.compareTo((BigDecimal) o))) return MATCH;
                }
                return NO_MATCH;
            }
            case DATE: {
                Long r = date(requestValue);
                if (r == null) return INVALID;
                for (Object o : compiled) {
                    if (compare(Long.compare(r, (Long) o))) return MATCH;
                }
                return NO_MATCH;
            }
            case BINARY: {
                byte[] r = binary(requestValue);
                if (r == null) return INVALID;
                for (Object o : compiled) {
                    if (Arrays.equals(r, (byte[]) o)) return MATCH;
                }
                return NO_MATCH;
            }
            case IP: {
                byte[] ip = IpCidr.parseAddress(requestValue.trim());
                if (ip == null) return INVALID;
                for (Object o : compiled) {
                    if (((IpCidr) o).contains(ip)) return MATCH;
                }
                return NO_MATCH;
            }
            default:
                return NO_MATCH;
        }
    }

    private boolean compare(int c) {
        return switch (operator.cmp) {
            case EQ -> c == 0;
            case LT -> c < 0;
            case LE -> c <= 0;
            case GT -> c > 0;
            case GE -> c >= 0;
        };
    }

    /** Null when {@code s} is not a number. */
    static @Nullable BigDecimal number(String s) {
        try {
            return new BigDecimal(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** ISO 8601 (date, date-time with or without offset) or epoch seconds, as epoch milliseconds; null when neither. */
    static @Nullable Long date(String s) {
        String t = s.trim();
        if (t.isEmpty()) return null;
        if (t.chars().allMatch(ch -> (ch >= '0' && ch <= '9') || ch == '-' || ch == '.') && t.indexOf('-', 1) < 0) {
            BigDecimal secs = number(t);
            return secs == null ? null : secs.movePointRight(3).longValue();
        }
        Long fast = fastIsoInstant(t);
        if (fast != null) return fast;
        try {
            return OffsetDateTime.parse(t).toInstant().toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // try the next ISO 8601 form
        }
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // try the next ISO 8601 form
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // try the next ISO 8601 form
        }
        try {
            return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException ignored) {
            return null;
        }
    }

    /**
     * The common {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z} form (aws:CurrentTime, aws:TokenIssueTime)
     * without java.time's parser, which dominates evaluation time otherwise. Null for other forms.
     */
    private static @Nullable Long fastIsoInstant(String t) {
        int n = t.length();
        if (n < 20
                || t.charAt(n - 1) != 'Z'
                || t.charAt(4) != '-'
                || t.charAt(7) != '-'
                || t.charAt(10) != 'T'
                || t.charAt(13) != ':'
                || t.charAt(16) != ':') {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || day > 31
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59) {
            return null;
        }
        int millis = 0;
        if (n > 20) {
            if (t.charAt(19) != '.' || n == 21) return null;
            int scale = 100;
            for (int i = 20; i < n - 1; i++) {
                char c = t.charAt(i);
                if (c < '0' || c > '9') return null;
                millis += (c - '0') * scale;
                scale /= 10;
            }
        } else if (n != 20) {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (java.time.DateTimeException e) {
            return null;
        }
        return ((epochDay * 86_400L + hour * 3_600L + minute * 60L + second) * 1_000L) + millis;
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Null when {@code s} is not base64. */
    static byte @Nullable [] binary(String s) {
        try {
            return Base64.getDecoder().decode(s.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * ArnEquals/ArnLike ("IAM JSON policy elements: Condition operators", ARN condition operators): each of the six
     * colon-delimited parts of the ARN is matched separately, so a wildcard never runs into the next part; the
     * sixth part (the resource) may itself contain colons. Substituted variable text stays literal. A policy value
     * that is not a six-part ARN (such as "*") is matched against the whole request value.
     */
    static final class ArnPattern {
        private final Template template;
        private final Glob @Nullable [] staticParts; // null when the template has a variable

        private ArnPattern(Template template) {
            this.template = template;
            this.staticParts = template.isStatic() ? compileParts(template.staticCodes()) : null;
        }

        static ArnPattern of(Template t) {
            return new ArnPattern(t);
        }

        boolean matches(String requestValue, String[] requestParts, RequestContext ctx) {
            Glob[] parts = staticParts;
            if (parts == null) {
                int[] resolved = template.resolveCodes(ctx);
                if (resolved == null) return false;
                parts = compileParts(resolved);
            }
            if (parts.length == 1) return parts[0].matches(requestValue);
            for (int i = 0; i < 6; i++) {
                if (!parts[i].matches(requestParts[i])) return false;
            }
            return true;
        }

        private static Glob[] compileParts(int[] codes) {
            int[] cuts = new int[5];
            int found = 0;
            for (int i = 0; i < codes.length && found < 5; i++) {
                if (codes[i] == ':') cuts[found++] = i;
            }
            if (found < 5) return new Glob[] {Glob.of(codes, false)};
            Glob[] g = new Glob[6];
            int from = 0;
            for (int i = 0; i < 6; i++) {
                int to = i < 5 ? cuts[i] : codes.length;
                g[i] = Glob.of(java.util.Arrays.copyOfRange(codes, from, to), false);
                from = to + 1;
            }
            return g;
        }
    }
}

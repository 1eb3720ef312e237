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

/**
 * One condition test: operator (with optional {@code ForAnyValue:}/{@code ForAllValues:} set
 * qualifier and {@code IfExists}), one key, and the policy values (ORed; NOR for negated operators).
 * Policy values are compiled once at parse time.
 */
public final class Condition {

    public enum SetQualifier { NONE, FOR_ANY_VALUE, FOR_ALL_VALUES }

    private final ConditionOperator operator;
    private final SetQualifier qualifier;
    private final boolean ifExists;
    private final String key;
    private final String lowerKey;
    private final List<String> values;
    private final Object[] compiled;

    private Condition(ConditionOperator operator, SetQualifier qualifier, boolean ifExists, String key,
                      List<String> values, Object[] compiled) {
        this.operator = operator;
        this.qualifier = qualifier;
        this.ifExists = ifExists;
        this.key = key;
        this.lowerKey = RequestContext.normalize(key);
        this.values = values;
        this.compiled = compiled;
    }

    public ConditionOperator operator() { return operator; }
    public SetQualifier qualifier() { return qualifier; }
    public boolean ifExists() { return ifExists; }
    public String key() { return key; }
    public List<String> values() { return values; }

    /** Compiles values; returns null for a value the operator cannot interpret (a malformed policy). */
    static Condition compile(ConditionOperator op, SetQualifier q, boolean ifExists, String key, List<String> values,
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
                case NULL -> v.equalsIgnoreCase("true") ? Boolean.TRUE : v.equalsIgnoreCase("false") ? Boolean.FALSE : null;
            };
            if (o == null) return null;
            c[i] = o;
        }
        return new Condition(op, q, ifExists, key, List.copyOf(values), c);
    }

    boolean evaluate(RequestContext ctx) {
        List<String> present = ctx.valuesLower(lowerKey);
        boolean absent = present == null || present.isEmpty();
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
                    if (matchesAny(present.get(i), ctx) != operator.negated) return true;
                }
                return false;
            }
            case FOR_ALL_VALUES: {
                for (int i = 0, n = present.size(); i < n; i++) {
                    if (matchesAny(present.get(i), ctx) == operator.negated) return false;
                }
                return true;
            }
            default: {
                boolean any = false;
                for (int i = 0, n = present.size(); i < n && !any; i++) {
                    any = matchesAny(present.get(i), ctx);
                }
                return any != operator.negated;
            }
        }
    }

    /** Whether the request value matches at least one policy value under the positive operator. */
    private boolean matchesAny(String requestValue, RequestContext ctx) {
        switch (operator.family) {
            case STRING: {
                for (Object o : compiled) {
                    String s = ((Template) o).resolveText(ctx);
                    if (s != null && s.equals(requestValue)) return true;
                }
                return false;
            }
            case STRING_IGNORE_CASE:
            case BOOL: {
                for (Object o : compiled) {
                    String s = ((Template) o).resolveText(ctx);
                    if (s != null && s.equalsIgnoreCase(requestValue)) return true;
                }
                return false;
            }
            case STRING_LIKE: {
                for (Object o : compiled) {
                    if (((Template) o).matchesGlob(ctx, requestValue)) return true;
                }
                return false;
            }
            case ARN: {
                for (Object o : compiled) {
                    if (((ArnPattern) o).matches(requestValue, ctx)) return true;
                }
                return false;
            }
            case NUMERIC: {
                BigDecimal r = number(requestValue);
                if (r == null) return false;
                for (Object o : compiled) {
                    if (compare(r.compareTo((BigDecimal) o))) return true;
                }
                return false;
            }
            case DATE: {
                Long r = date(requestValue);
                if (r == null) return false;
                for (Object o : compiled) {
                    if (compare(Long.compare(r, (Long) o))) return true;
                }
                return false;
            }
            case BINARY: {
                byte[] r = binary(requestValue);
                for (Object o : compiled) {
                    if (r != null && Arrays.equals(r, (byte[]) o)) return true;
                }
                return false;
            }
            case IP: {
                byte[] ip = IpCidr.parseAddress(requestValue.trim());
                if (ip == null) return false;
                for (Object o : compiled) {
                    if (((IpCidr) o).contains(ip)) return true;
                }
                return false;
            }
            default:
                return false;
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

    static BigDecimal number(String s) {
        try {
            return new BigDecimal(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** ISO 8601 (date, date-time with or without offset) or epoch seconds, as epoch milliseconds. */
    static Long date(String s) {
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
    private static Long fastIsoInstant(String t) {
        int n = t.length();
        if (n < 20 || t.charAt(n - 1) != 'Z' || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T'
                || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59) {
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

    static byte[] binary(String s) {
        try {
            return Base64.getDecoder().decode(s.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** ArnEquals/ArnLike: each of the six colon-separated ARN parts is matched separately, with wildcards. */
    static final class ArnPattern {
        private final Template template;
        private final Glob[] staticParts;

        private ArnPattern(Template template) {
            this.template = template;
            this.staticParts = template.isStatic() ? compileParts(template.resolveText(null)) : null;
        }

        static ArnPattern of(Template t) {
            return new ArnPattern(t);
        }

        boolean matches(String requestValue, RequestContext ctx) {
            Glob[] parts = staticParts;
            if (parts == null) {
                String resolved = template.resolveText(ctx);
                if (resolved == null) return false;
                // Substituted text must stay literal; a resolved value with wildcards is rare, and
                // matching it per part as a pattern mirrors how AWS treats ARN condition values.
                parts = compileParts(resolved);
            }
            if (parts.length == 1) return parts[0].matches(requestValue);
            String[] r = requestValue.split(":", 6);
            if (r.length != 6) return false;
            for (int i = 0; i < 6; i++) {
                if (!parts[i].matches(r[i])) return false;
            }
            return true;
        }

        private static Glob[] compileParts(String value) {
            if (value.equals("*")) return new Glob[] {Glob.compile("*", false)};
            String[] p = value.split(":", 6);
            if (p.length != 6) return new Glob[] {Glob.compile(value, false)};
            Glob[] g = new Glob[6];
            for (int i = 0; i < 6; i++) g[i] = Glob.compile(p[i], false);
            return g;
        }
    }
}

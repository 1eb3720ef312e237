package io.rampart.detect;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A rule's test on one CloudTrail record, parsed from the rule pack. Every entry must hold. An entry is a field path
 * (see {@link RecordFields}) with a scalar (equals), a list (any of) or an object of operators ({@code equals},
 * {@code in}, {@code notIn}, {@code present}, {@code prefix}, {@code suffix}, {@code contains}, {@code regex},
 * {@code sameAs} another field, {@code lessThan}, {@code greaterThan}, {@code some}: a match that at least one object at
 * the path satisfies, to test a policy statement's fields together); or {@code any:} a list of matches of which one
 * must hold, {@code all:} a list that must all hold, {@code not:} a match that must not hold. A field with several
 * values (a path through an array) satisfies an operator when any value does; {@code present: false} holds when it
 * has none (no value, object or list there).
 */
public interface Match {
    boolean test(RecordView record);

    /** {@link #test} of a parsed record (or of an object inside one, for {@code some}). */
    default boolean test(JsonNode record) {
        return test(RecordView.of(record));
    }

    Match ALWAYS = r -> true;

    static Match parse(JsonNode spec, String where) {
        if (spec == null || spec.isNull() || spec.isMissingNode()) return ALWAYS;
        if (!spec.isObject()) throw new IllegalArgumentException(where + ": a match must be a mapping of field: test");
        List<Match> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : spec.properties()) {
            String k = e.getKey();
            JsonNode v = e.getValue();
            switch (k) {
                case "any", "all" -> {
                    if (!v.isArray())
                        throw new IllegalArgumentException(where + ": '" + k + "' takes a list of matches");
                    List<Match> subs = new ArrayList<>();
                    for (JsonNode s : v) subs.add(parse(s, where + "." + k));
                    parts.add(k.equals("any") ? new Any(subs) : new All(subs));
                }
                case "not" -> parts.add(new Not(parse(v, where + ".not")));
                default -> parts.add(Field.parse(k, v, where));
            }
        }
        return parts.size() == 1 ? parts.get(0) : new All(parts);
    }

    record All(List<Match> parts) implements Match {
        @Override
        public boolean test(RecordView r) {
            for (Match m : parts) if (!m.test(r)) return false;
            return true;
        }
    }

    record Any(List<Match> parts) implements Match {
        @Override
        public boolean test(RecordView r) {
            for (Match m : parts) if (m.test(r)) return true;
            return false;
        }
    }

    record Not(Match inner) implements Match {
        @Override
        public boolean test(RecordView r) {
            return !inner.test(r);
        }
    }

    /** One field's operators, all of which must hold. */
    record Field(
            String path,
            Set<String> in,
            Set<String> notIn,
            Boolean present,
            String prefix,
            String suffix,
            String contains,
            Pattern regex,
            String sameAs,
            Double lessThan,
            Double greaterThan,
            Match some)
            implements Match {

        static Field parse(String path, JsonNode v, String where) {
            if (path.startsWith("@") && !RecordFields.knownDerived(path)) {
                throw new IllegalArgumentException(where + ": unknown derived field " + path);
            }
            if (v.isValueNode())
                return new Field(path, Set.of(v.asText()), null, null, null, null, null, null, null, null, null, null);
            if (v.isArray())
                return new Field(path, strings(v), null, null, null, null, null, null, null, null, null, null);
            Set<String> in = null;
            Set<String> notIn = null;
            Boolean present = null;
            String prefix = null, suffix = null, contains = null, sameAs = null;
            Pattern regex = null;
            Double lt = null, gt = null;
            Match some = null;
            for (Map.Entry<String, JsonNode> op : v.properties()) {
                JsonNode a = op.getValue();
                switch (op.getKey()) {
                    case "equals", "in" -> in = a.isArray() ? strings(a) : Set.of(a.asText());
                    case "notIn", "notEquals" -> notIn = a.isArray() ? strings(a) : Set.of(a.asText());
                    case "present" -> present = a.asBoolean();
                    case "prefix" -> prefix = a.asText();
                    case "suffix" -> suffix = a.asText();
                    case "contains" -> contains = a.asText();
                    case "regex" -> regex = Pattern.compile(a.asText());
                    case "sameAs" -> sameAs = a.asText();
                    case "lessThan" -> lt = a.asDouble();
                    case "greaterThan" -> gt = a.asDouble();
                    case "some" -> some = Match.parse(a, where + "." + path + ".some");
                    default ->
                        throw new IllegalArgumentException(
                                where + ": unknown operator '" + op.getKey() + "' on " + path);
                }
            }
            return new Field(path, in, notIn, present, prefix, suffix, contains, regex, sameAs, lt, gt, some);
        }

        private static Set<String> strings(JsonNode a) {
            Set<String> s = new HashSet<>();
            for (JsonNode n : a) s.add(n.asText());
            return Set.copyOf(s);
        }

        @Override
        public boolean test(RecordView r) {
            if (some != null) {
                boolean found = false;
                for (JsonNode n : r.nodes(path)) {
                    if (n.isObject() && some.test(n)) {
                        found = true;
                        break;
                    }
                }
                if (!found) return false;
            }
            boolean valueTests = in != null
                    || prefix != null
                    || suffix != null
                    || contains != null
                    || regex != null
                    || sameAs != null
                    || lessThan != null
                    || greaterThan != null;
            boolean derived = path.startsWith("@");
            if (!valueTests && notIn == null && present != null && !derived) {
                // A value is a node too: whether any node is there decides it, without collecting the values.
                return present == r.hasNode(path);
            }
            List<String> values = r.values(path);
            // present: an object or a list is there too (a Condition block, a configuration), not only a value.
            if (present != null && present == (values.isEmpty() && (derived || !r.hasNode(path)))) {
                return false;
            }
            if (!valueTests && notIn == null) return true;
            if (notIn != null) {
                for (String s : values) if (notIn.contains(s)) return false;
            }
            if (!valueTests) return true;
            List<String> other = sameAs == null ? List.of() : r.values(sameAs);
            for (String s : values) {
                if (holds(s, other)) return true;
            }
            return false;
        }

        private boolean holds(String s, List<String> other) {
            if (in != null && !in.contains(s)) return false;
            if (prefix != null && !s.startsWith(prefix)) return false;
            if (suffix != null && !s.endsWith(suffix)) return false;
            if (contains != null && !s.contains(contains)) return false;
            if (regex != null && !regex.matcher(s).find()) return false;
            if (sameAs != null && !other.contains(s)) return false;
            if (lessThan != null || greaterThan != null) {
                double d;
                try {
                    d = Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    return false;
                }
                if (lessThan != null && !(d < lessThan)) return false;
                if (greaterThan != null && !(d > greaterThan)) return false;
            }
            return true;
        }
    }
}

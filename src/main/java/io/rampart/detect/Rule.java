package io.rampart.detect;

import java.time.Duration;
import java.util.List;

/**
 * One detection rule as data (loaded by {@link RulePack}): which records it looks at ({@code match}), which of those
 * may raise it ({@code trigger}, default all), what it counts per ({@code groupBy}: accessKey, principal, bucket or
 * any field path), how many qualifying records within what window make a finding, and the responses. At most one
 * stateful primitive refines which records qualify:
 * <ul>
 *   <li>{@code firstSeen}: the value of {@code fields} was never seen for the group before, and the group has a
 *   baseline of at least {@code baseline} earlier matching records (a new source IP for a key; SSE-C on a bucket whose
 *   writes never used it);</li>
 *   <li>{@code lowers}: the smallest number at {@code fields} is present and lower than the group's previous one, or
 *   the previous record had none (an expiration added or shortened);</li>
 *   <li>{@code after}: a record matching {@code after.match} was seen for the group within {@code after.within} before
 *   (a sequence: policy made public, then bulk reads).</li>
 * </ul>
 * The engine ({@link Detector}) knows nothing about any particular attack.
 */
public record Rule(
        String id,
        Severity severity,
        String description,
        Match match,
        Match trigger,
        List<String> groupBy,
        Duration window,
        int threshold,
        FirstSeen firstSeen,
        Lowers lowers,
        After after,
        List<ResponseAction> responses) {

    public record FirstSeen(List<String> fields, int baseline) {
        public FirstSeen {
            fields = List.copyOf(fields);
        }
    }

    public record Lowers(List<String> fields) {
        public Lowers {
            fields = List.copyOf(fields);
        }
    }

    public record After(Match match, Duration within) {}

    public Rule {
        groupBy = List.copyOf(groupBy);
        responses = List.copyOf(responses);
        if (trigger == null) trigger = Match.ALWAYS;
        if (threshold < 1) throw new IllegalArgumentException("rule " + id + ": threshold must be at least 1");
        if (window.isNegative() || window.isZero())
            throw new IllegalArgumentException("rule " + id + ": window must be positive");
        int stateful = (firstSeen != null ? 1 : 0) + (lowers != null ? 1 : 0) + (after != null ? 1 : 0);
        if (stateful > 1)
            throw new IllegalArgumentException("rule " + id + ": use at most one of firstSeen, lowers, after");
    }

    /** The group a record belongs to: its groupBy values joined; "-" for a missing one. */
    public String groupOf(RecordView r) {
        if (groupBy.size() == 1) {
            String v = r.first(groupBy.get(0));
            return v == null ? "-" : v;
        }
        StringBuilder sb = new StringBuilder();
        for (String g : groupBy) {
            if (!sb.isEmpty()) sb.append('|');
            String v = r.first(g);
            sb.append(v == null ? "-" : v);
        }
        return sb.isEmpty() ? "*" : sb.toString();
    }

    /** The built-in pack, shipped in the jar. */
    public static List<Rule> builtIn() {
        return RulePack.builtIn();
    }
}

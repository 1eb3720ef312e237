package io.rampart.detect;

import io.rampart.audit.RequestFacts;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One detection rule as data: which records match (event names and named conditions, all of which must hold), what
 * they are counted per, how many within what window make a finding, and the responses to take. The engine
 * ({@link Detector}) knows nothing about any particular attack.
 */
public record Rule(String id, Severity severity, String description, Set<String> eventNames, List<Condition> conditions,
                   GroupBy groupBy, Duration window, int threshold, List<ResponseAction> responses) {
    public Rule {
        eventNames = Set.copyOf(eventNames);
        conditions = List.copyOf(conditions);
        responses = List.copyOf(responses);
        if (threshold < 1) throw new IllegalArgumentException("rule " + id + ": threshold must be at least 1");
        if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("rule " + id + ": window must be positive");
    }

    public boolean matches(RequestFacts f) {
        if (!eventNames.contains(f.eventName())) return false;
        for (Condition c : conditions) if (!c.test(f)) return false;
        return true;
    }

    /** The built-in pack (to become a YAML file shipped in the jar, overridable with --rules). */
    public static List<Rule> builtIn() {
        List<ResponseAction> contain = List.of(ResponseAction.DEACTIVATE_ACCESS_KEY, ResponseAction.BLOCK_SSE_C);
        return List.of(
                new Rule("in-place-sse-c-reencryption", Severity.HIGH,
                        "CopyObject onto itself with an SSE-C key: the object is now readable only with the caller's key",
                        Set.of("CopyObject"),
                        List.of(Condition.SUCCEEDED, Condition.SSE_C, Condition.COPY_SOURCE_IS_DESTINATION),
                        GroupBy.ACCESS_KEY, Duration.ofSeconds(60), 1, contain),
                // Notify only: SSE-C is also a legitimate feature, and a user who relies on it writes many SSE-C
                // objects; containment is reserved for the unambiguous in-place re-encryption above.
                new Rule("sse-c-write-burst", Severity.MEDIUM,
                        "Several SSE-C writes by one access key within a minute",
                        Set.of("PutObject", "CopyObject", "CreateMultipartUpload"),
                        List.of(Condition.SUCCEEDED, Condition.SSE_C),
                        GroupBy.ACCESS_KEY, Duration.ofSeconds(60), 3, List.of()));
    }
}

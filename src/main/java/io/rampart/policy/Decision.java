package io.rampart.policy;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of evaluating a request. {@code by} names the deciding statement for ALLOW and
 * EXPLICIT_DENY (empty when the account root user is allowed by default); for IMPLICIT_DENY
 * {@code noAllowIn} names the policy type that lacked an Allow, as AWS's "because no ... policy
 * allows" messages do.
 */
public record Decision(Outcome outcome, Optional<Deciding> by, Optional<PolicyKind> noAllowIn) {

    public Decision(Outcome outcome, Optional<Deciding> by) {
        this(outcome, by, Optional.empty());
    }

    static final Decision ROOT_ALLOW = new Decision(Outcome.ALLOW, Optional.empty());

    /** One implicit deny for every policy kind. */
    private static final Map<PolicyKind, Decision> IMPLICIT = new EnumMap<>(PolicyKind.class);

    static {
        for (PolicyKind k : PolicyKind.values()) {
            IMPLICIT.put(k, new Decision(Outcome.IMPLICIT_DENY, Optional.empty(), Optional.of(k)));
        }
    }

    public static Decision implicitDeny(PolicyKind lacking) {
        return Objects.requireNonNull(IMPLICIT.get(lacking)); // filled for every kind above
    }

    public boolean allowed() {
        return outcome == Outcome.ALLOW;
    }
}

package io.rampart.policy;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One compiled policy statement. Action patterns are case-insensitive, resource patterns
 * case-sensitive and may hold policy variables; conditions are ANDed.
 */
public final class Statement {
    private final Optional<String> sid;
    private final int index;
    private final Effect effect;
    private final @Nullable PrincipalMatcher principal; // null: the policy kind has no Principal element
    private final boolean notPrincipal;
    private final Glob[] actions;
    private final boolean notAction;
    private final Template @Nullable [] resources; // null: no Resource element (trust policy)
    private final boolean notResource;
    private final Condition[] conditions;
    private final Decision decision;

    Statement(
            Optional<String> sid,
            int index,
            Effect effect,
            @Nullable PrincipalMatcher principal,
            boolean notPrincipal,
            List<Glob> actions,
            boolean notAction,
            @Nullable List<Template> resources,
            boolean notResource,
            List<Condition> conditions,
            Deciding deciding) {
        this.sid = sid;
        this.index = index;
        this.effect = effect;
        this.principal = principal;
        this.notPrincipal = notPrincipal;
        this.actions = actions.toArray(new Glob[0]);
        this.notAction = notAction;
        this.resources = resources == null ? null : resources.toArray(new Template[0]);
        this.notResource = notResource;
        this.conditions = conditions.toArray(new Condition[0]);
        this.decision =
                new Decision(effect == Effect.ALLOW ? Outcome.ALLOW : Outcome.EXPLICIT_DENY, Optional.of(deciding));
    }

    public Optional<String> sid() {
        return sid;
    }

    public int index() {
        return index;
    }

    public Effect effect() {
        return effect;
    }

    public List<Condition> conditions() {
        return List.of(conditions);
    }

    Decision decision() {
        return decision;
    }

    /**
     * Grade of the principal match: {@link PrincipalMatcher#NONE} when the statement does not apply
     * to the caller; statements without a Principal element apply to everyone as INDIRECT.
     */
    int principalGrade(RequestContext ctx) {
        if (principal == null) return PrincipalMatcher.INDIRECT;
        int g = principal.match(ctx.principal());
        if (notPrincipal) return g == PrincipalMatcher.NONE ? PrincipalMatcher.INDIRECT : PrincipalMatcher.NONE;
        return g;
    }

    /**
     * Whether a Deny statement's Principal/NotPrincipal reaches the caller. AWS ("AWS JSON policy elements:
     * NotPrincipal", key points): a NotPrincipal with Deny always denies an IAM principal that has a
     * permissions boundary attached, whatever NotPrincipal names.
     */
    boolean denyReaches(RequestContext ctx, boolean callerHasBoundary) {
        if (notPrincipal && callerHasBoundary) {
            PrincipalType t = ctx.principal().type();
            if (t == PrincipalType.IAM_USER || t == PrincipalType.ASSUMED_ROLE) return true;
        }
        return principalGrade(ctx) != PrincipalMatcher.NONE;
    }

    /** Action, resource and conditions apply (principal checked separately). */
    boolean appliesTo(RequestContext ctx) {
        return actionMatches(ctx.action()) && resourceMatches(ctx) && conditionsHold(ctx);
    }

    private boolean actionMatches(String action) {
        boolean hit = false;
        for (Glob g : actions) {
            if (g.matches(action)) {
                hit = true;
                break;
            }
        }
        return hit != notAction;
    }

    private boolean resourceMatches(RequestContext ctx) {
        if (resources == null) return true;
        String r = ctx.resource();
        boolean hit = false;
        for (Template t : resources) {
            // An unresolvable variable: this resource entry does not match (AWS).
            if (t.matchesGlob(ctx, r)) {
                hit = true;
                break;
            }
        }
        return hit != notResource;
    }

    private boolean conditionsHold(RequestContext ctx) {
        for (Condition c : conditions) {
            if (!c.evaluate(ctx)) return false;
        }
        return true;
    }
}

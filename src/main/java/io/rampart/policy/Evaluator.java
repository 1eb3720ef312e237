package io.rampart.policy;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * AWS's policy evaluation logic ("Policy evaluation logic", IAM User Guide):
 * <ol>
 * <li>an applicable Deny in any policy is an explicit deny;</li>
 * <li>if RCPs are present one must allow, and if SCPs are present one must allow;</li>
 * <li>same account: a resource-policy Allow naming the caller's own ARN (IAM user or role session)
 *     allows on its own; a resource-policy Allow reached through "*" or the role ARN allows when the
 *     permissions boundary (if any) and session policy (if any) also allow; one reached only through
 *     the account ("AWS":"123456789012" or its root ARN) delegates to IAM, so an identity policy must
 *     allow as well; an identity-policy Allow allows when the boundary and session policy also allow;
 *     the account root user is allowed without an identity policy;</li>
 * <li>cross account: the resource policy and the identity policy (bounded likewise) must both allow;</li>
 * <li>otherwise implicit deny.</li>
 * </ol>
 * Stateless; every decision names the statement that made it.
 */
public final class Evaluator {

    private Evaluator() {}

    public static Decision evaluate(PolicySet set, RequestContext ctx) {
        // 1. Explicit deny anywhere.
        Statement deny = firstDeny(set.scps(), ctx);
        if (deny == null) deny = firstDeny(set.rcps(), ctx);
        if (deny == null && set.resourcePolicy().isPresent()) {
            deny = firstResourceDeny(
                    set.resourcePolicy().get(), ctx, set.permissionsBoundary().isPresent());
        }
        if (deny == null) deny = firstDeny(set.identityPolicies(), ctx);
        if (deny == null && set.permissionsBoundary().isPresent())
            deny = firstDeny(set.permissionsBoundary().get(), ctx);
        if (deny == null) deny = firstDeny(set.sessionPolicies(), ctx);
        if (deny != null) return deny.decision();

        // 2. Organization guardrails must allow.
        if (!set.rcps().isEmpty() && firstAllow(set.rcps(), ctx) == null) return Decision.implicitDeny(PolicyKind.RCP);
        if (!set.scps().isEmpty() && firstAllow(set.scps(), ctx) == null) return Decision.implicitDeny(PolicyKind.SCP);

        // 3. Resource policy.
        Statement resourceAllow = null;
        int grade = PrincipalMatcher.NONE;
        if (set.resourcePolicy().isPresent()) {
            for (Statement s : set.resourcePolicy().get().statements()) {
                if (s.effect() != Effect.ALLOW) continue;
                int g = s.principalGrade(ctx);
                if (g <= grade || !s.appliesTo(ctx)) continue;
                resourceAllow = s;
                grade = g;
                if (g == PrincipalMatcher.DIRECT) break;
            }
        }
        PrincipalType type = ctx.principal().type();
        if (type == PrincipalType.ANONYMOUS
                || type == PrincipalType.SERVICE
                || type == PrincipalType.FEDERATED_PROVIDER) {
            // No identity-based policies exist for these callers; only the resource policy can grant.
            return resourceAllow != null ? resourceAllow.decision() : Decision.implicitDeny(PolicyKind.RESOURCE);
        }

        boolean boundaryOk = set.permissionsBoundary().isEmpty()
                || firstAllow(set.permissionsBoundary().get(), ctx) != null;
        boolean sessionOk = set.sessionPolicies().isEmpty() || firstAllow(set.sessionPolicies(), ctx) != null;

        // Cross account: the resource policy's Allow, which the identity side must also grant; null same account.
        Decision crossAccount = null;
        if (set.sameAccount()) {
            if (resourceAllow != null && grade == PrincipalMatcher.DIRECT) return resourceAllow.decision();
            if (resourceAllow != null && grade >= PrincipalMatcher.INDIRECT && boundaryOk && sessionOk) {
                return resourceAllow.decision();
            }
        } else if (resourceAllow == null) {
            return Decision.implicitDeny(PolicyKind.RESOURCE);
        } else {
            crossAccount = resourceAllow.decision();
        }

        // 4. Identity side, bounded by boundary and session policy.
        Decision identity;
        if (type == PrincipalType.ROOT) {
            // The account root user has full access to its own account's permissions.
            identity = Decision.ROOT_ALLOW;
        } else {
            Statement idAllow = firstAllow(set.identityPolicies(), ctx);
            if (idAllow == null) return Decision.implicitDeny(PolicyKind.IDENTITY);
            identity = idAllow.decision();
        }
        if (!boundaryOk) return Decision.implicitDeny(PolicyKind.BOUNDARY);
        if (!sessionOk) return Decision.implicitDeny(PolicyKind.SESSION);
        return crossAccount == null ? identity : crossAccount;
    }

    /**
     * An organisation's guardrails of one kind (SCPs or RCPs) on the path from the root down to the account, one list
     * per level ("SCP evaluation", Organizations User Guide): an explicit Deny at any level denies; otherwise at every
     * level at least one attached policy must allow, so an Allow inherited from a parent does not stand in for a
     * level that allows nothing (a level with no policy allows nothing). Empty when the guardrails let the request
     * through, else the deny.
     */
    public static Optional<Decision> evaluateLevels(
            PolicyKind kind, List<List<PolicyDocument>> levels, RequestContext ctx) {
        for (int i = 0, n = levels.size(); i < n; i++) {
            Statement deny = firstDeny(levels.get(i), ctx);
            if (deny != null) return Optional.of(deny.decision());
        }
        for (int i = 0, n = levels.size(); i < n; i++) {
            if (firstAllow(levels.get(i), ctx) == null) return Optional.of(Decision.implicitDeny(kind));
        }
        return Optional.empty();
    }

    /**
     * sts:AssumeRole against a role's trust policy: an explicit Deny in the trust policy or the caller's policies
     * refuses; a trust statement naming the caller's own ARN allows on its own; one that admits the caller only through
     * its account (or "*") delegates to IAM, so the caller's identity policies (bounded) must allow too.
     * {@code callerSide} holds the caller's identity, boundary and session policies; its resource policy is ignored.
     */
    public static Decision evaluateTrust(PolicyDocument trust, PolicySet callerSide, RequestContext ctx) {
        Statement deny = firstDeny(trust, ctx);
        if (deny == null) deny = firstDeny(callerSide.identityPolicies(), ctx);
        if (deny == null && callerSide.permissionsBoundary().isPresent())
            deny = firstDeny(callerSide.permissionsBoundary().get(), ctx);
        if (deny == null) deny = firstDeny(callerSide.sessionPolicies(), ctx);
        if (deny != null) return deny.decision();
        Statement allow = null;
        int grade = PrincipalMatcher.NONE;
        for (Statement s : trust.statements()) {
            if (s.effect() != Effect.ALLOW) continue;
            int g = s.principalGrade(ctx);
            if (g <= grade || !s.appliesTo(ctx)) continue;
            allow = s;
            grade = g;
        }
        if (allow == null) return Decision.implicitDeny(PolicyKind.TRUST);
        PrincipalType type = ctx.principal().type();
        if ((grade == PrincipalMatcher.DIRECT && callerSide.sameAccount())
                || type == PrincipalType.FEDERATED_PROVIDER
                || type == PrincipalType.SERVICE) {
            return allow.decision();
        }
        PolicySet identity = new PolicySet(
                List.of(),
                List.of(),
                java.util.Optional.empty(),
                callerSide.identityPolicies(),
                callerSide.permissionsBoundary(),
                callerSide.sessionPolicies(),
                true);
        Decision d = evaluate(identity, ctx);
        return d.allowed() ? allow.decision() : d;
    }

    private static @Nullable Statement firstDeny(List<PolicyDocument> docs, RequestContext ctx) {
        for (int i = 0, n = docs.size(); i < n; i++) {
            Statement s = firstDeny(docs.get(i), ctx);
            if (s != null) return s;
        }
        return null;
    }

    private static @Nullable Statement firstDeny(PolicyDocument doc, RequestContext ctx) {
        return first(doc, Effect.DENY, ctx);
    }

    private static @Nullable Statement firstResourceDeny(
            PolicyDocument doc, RequestContext ctx, boolean callerHasBoundary) {
        List<Statement> statements = doc.statements();
        for (int i = 0, n = statements.size(); i < n; i++) {
            Statement s = statements.get(i);
            if (s.effect() == Effect.DENY && s.denyReaches(ctx, callerHasBoundary) && s.appliesTo(ctx)) return s;
        }
        return null;
    }

    private static @Nullable Statement firstAllow(List<PolicyDocument> docs, RequestContext ctx) {
        for (int i = 0, n = docs.size(); i < n; i++) {
            Statement s = first(docs.get(i), Effect.ALLOW, ctx);
            if (s != null) return s;
        }
        return null;
    }

    private static @Nullable Statement firstAllow(PolicyDocument doc, RequestContext ctx) {
        return first(doc, Effect.ALLOW, ctx);
    }

    private static @Nullable Statement first(PolicyDocument doc, Effect effect, RequestContext ctx) {
        List<Statement> statements = doc.statements();
        for (int i = 0, n = statements.size(); i < n; i++) {
            Statement s = statements.get(i);
            if (s.effect() == effect && s.principalGrade(ctx) != PrincipalMatcher.NONE && s.appliesTo(ctx)) return s;
        }
        return null;
    }
}

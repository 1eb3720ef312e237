package io.rampart.policy;

import java.util.List;
import java.util.Set;

/**
 * A compiled Principal / NotPrincipal element. A match is graded: {@link #DIRECT} when the element
 * names the caller's own ARN (IAM user ARN or role-session ARN), {@link #INDIRECT} when it matches
 * through "*" or the session's role ARN, {@link #ACCOUNT} when only through the caller's account
 * ("AWS":"123456789012" or its root ARN). The grade matters for AWS's same-account rules: a resource
 * policy naming the caller directly grants on its own, and one naming the account only delegates to
 * the account's IAM policies ("AWS JSON policy elements: Principal", AWS account principals).
 */
final class PrincipalMatcher {
    static final int NONE = 0;
    static final int ACCOUNT = 1;
    static final int INDIRECT = 2;
    static final int DIRECT = 3;

    private final boolean any;
    private final Set<String> arns;
    private final Set<String> accounts;
    private final Set<String> services;
    private final Set<String> federated;
    private final Set<String> canonical;

    PrincipalMatcher(
            boolean any,
            List<String> arns,
            List<String> accounts,
            List<String> services,
            List<String> federated,
            List<String> canonical) {
        this.any = any;
        this.arns = Set.copyOf(arns);
        this.accounts = Set.copyOf(accounts);
        this.services = Set.copyOf(services);
        this.federated = Set.copyOf(federated);
        this.canonical = Set.copyOf(canonical);
    }

    boolean isAny() {
        return any;
    }

    int match(RequestContext.Principal p) {
        int best = any ? INDIRECT : NONE;
        switch (p.type()) {
            case ANONYMOUS:
                return best;
            case SERVICE:
                return services.contains(p.arn()) ? INDIRECT : best;
            case FEDERATED_PROVIDER:
                return federated.contains(p.arn()) ? INDIRECT : best;
            default:
                break;
        }
        if (!arns.isEmpty()) {
            if (arns.contains(p.arn())) return p.type() == PrincipalType.ROOT ? INDIRECT : DIRECT;
            if (p.type() == PrincipalType.ASSUMED_ROLE && arns.contains(p.roleArn())) best = INDIRECT;
        }
        if (!accounts.isEmpty() && accounts.contains(p.accountId())) best = Math.max(best, ACCOUNT);
        if (!canonical.isEmpty() && !p.canonicalUserId().isEmpty() && canonical.contains(p.canonicalUserId())) {
            best = INDIRECT;
        }
        return best;
    }
}

package io.rampart.guard;

import io.rampart.policy.Decision;
import io.rampart.policy.Evaluator;
import io.rampart.policy.Outcome;
import io.rampart.policy.PolicyDocument;
import io.rampart.policy.PolicyKind;
import io.rampart.policy.PolicySet;
import io.rampart.policy.RequestContext;
import io.rampart.policy.RequestContext.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Questions put to a bucket policy (or an RCP) through Rampart's policy engine rather than by matching strings, so
 * any equivalent form counts: a {@code Null} condition, {@code StringEquals} on the algorithm, a {@code NotAction}
 * statement, a wildcard action... Each probe is the request an attacker would send, seen as AWS would build its
 * request context.
 */
final class PolicyProbes {
    /** An identity policy allowing everything: the probes ask only whether the resource side denies explicitly. */
    private static final PolicyDocument ALLOW_ALL = PolicyDocument.parse(
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
            PolicyKind.IDENTITY,
            "guard-probe-identity");

    static final String SSE_C_ALGORITHM_KEY = "s3:x-amz-server-side-encryption-customer-algorithm";
    private static final String PROBE_USER = "rampart-guard-probe";
    private static final String PROBE_ROLE = "rampart-guard-probe-role";

    private final String accountId;
    private final Instant now;

    PolicyProbes(String accountId, Instant now) {
        this.accountId = accountId;
        this.now = now;
    }

    /** A non-admin IAM user signing with its long-lived access key (no session token). */
    Principal longLivedUser() {
        return Principal.iamUser(accountId, PROBE_USER, "AIDAGUARDPROBE000001");
    }

    /** A role session (temporary credentials). */
    Principal roleSession() {
        return Principal.assumedRole(accountId, PROBE_ROLE, "guard", "AROAGUARDPROBE000001");
    }

    private RequestContext context(String action, String resource, Principal who, Map<String, List<String>> extra) {
        var b = RequestContext.builder()
                .action(action)
                .resource(resource)
                .principal(who)
                .resourceAccountId(accountId)
                .key("aws:SecureTransport", "true")
                .key("aws:SourceIp", "203.0.113.7")
                .key("aws:CurrentTime", now.toString())
                .key("aws:EpochTime", Long.toString(now.getEpochSecond()))
                .key("aws:ViaAWSService", "false");
        if (who.type() == io.rampart.policy.PrincipalType.ASSUMED_ROLE) {
            b.key("aws:TokenIssueTime", now.minusSeconds(600).toString());
        }
        extra.forEach(b::key);
        return b.build();
    }

    /** The probe's verdict: denied explicitly (by which statement) or not. */
    record Verdict(String probe, boolean denied, String by) {
        @Override
        public String toString() {
            return probe + ": " + (denied ? "explicitly denied by " + by : "not denied");
        }
    }

    private Verdict resourceDeny(
            PolicyDocument policy,
            String probe,
            String action,
            String resource,
            Principal who,
            Map<String, List<String>> keys) {
        PolicySet set = policy.kind() == PolicyKind.RCP
                ? PolicySet.builder()
                        .rcps(policy)
                        .identityPolicies(ALLOW_ALL)
                        .sameAccount(true)
                        .build()
                : PolicySet.builder()
                        .resourcePolicy(policy)
                        .identityPolicies(ALLOW_ALL)
                        .sameAccount(true)
                        .build();
        Decision d = Evaluator.evaluate(set, context(action, resource, who, keys));
        String by = d.by().map(x -> x.sid().map(s -> "statement " + s).orElse("statement #" + (x.statementIndex() + 1)))
                .orElse("?");
        return new Verdict(probe, d.outcome() == Outcome.EXPLICIT_DENY, by);
    }

    /**
     * Would an upload with a customer key ({@code PutObject}, also what {@code CopyObject} and
     * {@code CreateMultipartUpload} are authorised as) be refused for a long-lived user and for a role session?
     */
    List<Verdict> sseCUpload(PolicyDocument policy, String bucket) {
        String resource = "arn:aws:s3:::" + bucket + "/rampart-guard-probe";
        Map<String, List<String>> sseC = Map.of(SSE_C_ALGORITHM_KEY, List.of("AES256"));
        return List.of(
                resourceDeny(
                        policy,
                        "SSE-C PutObject by an IAM user's access key",
                        "s3:PutObject",
                        resource,
                        longLivedUser(),
                        sseC),
                resourceDeny(
                        policy, "SSE-C PutObject by a role session", "s3:PutObject", resource, roleSession(), sseC));
    }

    /** Are object writes and deletes with a long-lived key refused, and the same with a session not? */
    List<Verdict> longLivedWrites(PolicyDocument policy, String bucket) {
        String resource = "arn:aws:s3:::" + bucket + "/rampart-guard-probe";
        List<Verdict> v = new ArrayList<>();
        v.add(resourceDeny(
                policy, "PutObject by an IAM user's access key", "s3:PutObject", resource, longLivedUser(), Map.of()));
        v.add(resourceDeny(
                policy,
                "DeleteObjectVersion by an IAM user's access key",
                "s3:DeleteObjectVersion",
                resource,
                longLivedUser(),
                Map.of()));
        return v;
    }

    /** Anything the bucket policy grants to an anonymous caller, as "action on resource". */
    List<String> anonymousGrants(PolicyDocument policy, String bucket) {
        List<String> granted = new ArrayList<>();
        PolicySet set =
                PolicySet.builder().resourcePolicy(policy).sameAccount(false).build();
        String objects = "arn:aws:s3:::" + bucket + "/rampart-guard-probe";
        String bucketArn = "arn:aws:s3:::" + bucket;
        for (String[] probe : new String[][] {
            {"s3:GetObject", objects},
            {"s3:PutObject", objects},
            {"s3:DeleteObject", objects},
            {"s3:ListBucket", bucketArn},
            {"s3:PutBucketPolicy", bucketArn}
        }) {
            RequestContext ctx = RequestContext.builder()
                    .action(probe[0])
                    .resource(probe[1])
                    .principal(Principal.anonymous())
                    .resourceAccountId(accountId)
                    .key("aws:SecureTransport", "true")
                    .key("aws:SourceIp", "203.0.113.7")
                    .key("aws:CurrentTime", now.toString())
                    .build();
            if (Evaluator.evaluate(set, ctx).allowed()) granted.add(probe[0]);
        }
        return granted;
    }
}

package io.rampart.policy;

import static io.rampart.policy.Fixtures.ACCOUNT;
import static io.rampart.policy.Fixtures.ALICE;
import static io.rampart.policy.Fixtures.BOB_OTHER;
import static io.rampart.policy.Fixtures.ROLE_SESSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** AWS "Policy evaluation logic": deny wins, RCP/SCP gating, boundary and session intersection, cross-account. */
class EvaluationOrderTest {

    static final String OBJ = "arn:aws:s3:::b/k";

    static PolicyDocument allowIdentity(String action) {
        return PolicyDocument.parse("""
                {"Version":"2012-10-17","Statement":{"Sid":"IdAllow","Effect":"Allow","Action":"%s","Resource":"*"}}""".formatted(action), PolicyKind.IDENTITY, "id");
    }

    static PolicyDocument denyIdentity(String action) {
        return PolicyDocument.parse("""
                {"Version":"2012-10-17","Statement":{"Sid":"IdDeny","Effect":"Deny","Action":"%s","Resource":"*"}}""".formatted(action), PolicyKind.IDENTITY, "id-deny");
    }

    static PolicyDocument bucketAllow(String principal) {
        return PolicyDocument.parse("""
                {"Version":"2012-10-17","Statement":{"Sid":"BucketAllow","Effect":"Allow","Principal":%s,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}""".formatted(principal), PolicyKind.RESOURCE, "bucket");
    }

    static PolicyDocument bucketDeny() {
        return PolicyDocument.parse("""
                {"Version":"2012-10-17","Statement":{"Sid":"BucketDeny","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}""", PolicyKind.RESOURCE, "bucket");
    }

    static PolicyDocument scp(String effect, String action) {
        return PolicyDocument.parse("""
                {"Version":"2012-10-17","Statement":{"Sid":"Scp","Effect":"%s","Action":"%s","Resource":"*"}}""".formatted(effect, action), PolicyKind.SCP, "scp");
    }

    static final PolicyDocument RCP_FULL = PolicyDocument.parse("""
            {"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}""", PolicyKind.RCP, "RCPFullAWSAccess");

    static final PolicyDocument RCP_DENY_GET = PolicyDocument.parse("""
            {"Version":"2012-10-17","Statement":{"Sid":"RcpDeny","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}}""", PolicyKind.RCP, "rcp-deny");

    static PolicyDocument boundary(String action) {
        return PolicyDocument.parse("""
                {"Version":"2012-10-17","Statement":{"Sid":"Boundary","Effect":"Allow","Action":"%s","Resource":"*"}}""".formatted(action), PolicyKind.BOUNDARY, "boundary");
    }

    static PolicyDocument session(String action) {
        return PolicyDocument.parse("""
                {"Version":"2012-10-17","Statement":{"Sid":"Session","Effect":"Allow","Action":"%s","Resource":"*"}}""".formatted(action), PolicyKind.SESSION, "session");
    }

    /** One row: a description, the set, the caller, and the expected outcome and deciding kind. */
    record Row(String description, PolicySet set, RequestContext.Principal who, Outcome outcome, PolicyKind kind) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Arguments> rows() {
        List<Row> r = new ArrayList<>();
        r.add(new Row(
                "no policy at all is an implicit deny",
                PolicySet.builder().build(),
                ALICE,
                Outcome.IMPLICIT_DENY,
                PolicyKind.IDENTITY));
        r.add(new Row(
                "identity allow alone allows in the same account",
                PolicySet.builder()
                        .identityPolicies(allowIdentity("s3:GetObject"))
                        .build(),
                ALICE,
                Outcome.ALLOW,
                PolicyKind.IDENTITY));
        r.add(new Row(
                "identity deny beats identity allow",
                PolicySet.builder()
                        .identityPolicies(allowIdentity("s3:*"), denyIdentity("s3:GetObject"))
                        .build(),
                ALICE,
                Outcome.EXPLICIT_DENY,
                PolicyKind.IDENTITY));
        r.add(new Row(
                "bucket deny beats identity allow",
                PolicySet.builder()
                        .identityPolicies(allowIdentity("s3:*"))
                        .resourcePolicy(bucketDeny())
                        .build(),
                ALICE,
                Outcome.EXPLICIT_DENY,
                PolicyKind.RESOURCE));
        r.add(new Row(
                "identity deny beats bucket allow naming the user",
                PolicySet.builder()
                        .identityPolicies(denyIdentity("s3:*"))
                        .resourcePolicy(bucketAllow("{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":user/alice\"}"))
                        .build(),
                ALICE,
                Outcome.EXPLICIT_DENY,
                PolicyKind.IDENTITY));
        r.add(new Row(
                "SCP deny beats everything",
                PolicySet.builder()
                        .scps(scp("Allow", "*"), scp("Deny", "s3:GetObject"))
                        .identityPolicies(allowIdentity("s3:*"))
                        .build(),
                ALICE,
                Outcome.EXPLICIT_DENY,
                PolicyKind.SCP));
        r.add(new Row(
                "SCPs present without an allow gate the request",
                PolicySet.builder()
                        .scps(scp("Allow", "ec2:*"))
                        .identityPolicies(allowIdentity("s3:*"))
                        .build(),
                ALICE,
                Outcome.IMPLICIT_DENY,
                PolicyKind.SCP));
        r.add(new Row(
                "SCP allow is not a grant by itself",
                PolicySet.builder().scps(scp("Allow", "*")).build(),
                ALICE,
                Outcome.IMPLICIT_DENY,
                PolicyKind.IDENTITY));
        r.add(new Row(
                "RCP deny beats a bucket allow",
                PolicySet.builder()
                        .rcps(RCP_FULL, RCP_DENY_GET)
                        .resourcePolicy(bucketAllow("\"*\""))
                        .build(),
                ALICE,
                Outcome.EXPLICIT_DENY,
                PolicyKind.RCP));
        r.add(new Row(
                "RCPs present without an allow gate the request",
                PolicySet.builder()
                        .rcps(PolicyDocument.parse("""
                        {"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*"}}""", PolicyKind.RCP))
                        .identityPolicies(allowIdentity("s3:*"))
                        .build(),
                ALICE,
                Outcome.IMPLICIT_DENY,
                PolicyKind.RCP));
        r.add(new Row(
                "RCPFullAWSAccess passes the request through",
                PolicySet.builder()
                        .rcps(RCP_FULL)
                        .identityPolicies(allowIdentity("s3:*"))
                        .build(),
                ALICE,
                Outcome.ALLOW,
                PolicyKind.IDENTITY));
        r.add(new Row(
                "bucket policy naming the IAM user allows without identity policy",
                PolicySet.builder()
                        .resourcePolicy(bucketAllow("{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":user/alice\"}"))
                        .build(),
                ALICE,
                Outcome.ALLOW,
                PolicyKind.RESOURCE));
        r.add(new Row(
                "bucket policy naming the IAM user is not limited by an implicit deny in the boundary",
                PolicySet.builder()
                        .resourcePolicy(bucketAllow("{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":user/alice\"}"))
                        .permissionsBoundary(boundary("ec2:*"))
                        .build(),
                ALICE,
                Outcome.ALLOW,
                PolicyKind.RESOURCE));
        // "AWS JSON policy elements: Principal" (AWS account principals): naming the account delegates to the
        // account's IAM; its users still need an identity-based policy that allows.
        r.add(new Row(
                "bucket policy naming the account delegates to IAM: no identity policy denies",
                PolicySet.builder()
                        .resourcePolicy(bucketAllow("{\"AWS\":\"" + ACCOUNT + "\"}"))
                        .build(),
                ALICE,
                Outcome.IMPLICIT_DENY,
                PolicyKind.IDENTITY));
        r.add(new Row(
                "bucket policy naming the account root ARN delegates to IAM: no identity policy denies",
                PolicySet.builder()
                        .resourcePolicy(bucketAllow("{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":root\"}"))
                        .build(),
                ALICE,
                Outcome.IMPLICIT_DENY,
                PolicyKind.IDENTITY));
        r.add(new Row(
                "bucket policy naming the account delegates to IAM: role session without identity policy denies",
                PolicySet.builder()
                        .resourcePolicy(bucketAllow("{\"AWS\":\"" + ACCOUNT + "\"}"))
                        .build(),
                ROLE_SESSION,
                Outcome.IMPLICIT_DENY,
                PolicyKind.IDENTITY));
        r.add(new Row(
                "bucket policy naming the account plus an identity Allow allows",
                PolicySet.builder()
                        .resourcePolicy(bucketAllow("{\"AWS\":\"" + ACCOUNT + "\"}"))
                        .identityPolicies(allowIdentity("s3:GetObject"))
                        .build(),
                ALICE,
                Outcome.ALLOW,
                PolicyKind.IDENTITY));
        r.add(new Row(
                "bucket policy naming the account allows the account root user",
                PolicySet.builder()
                        .resourcePolicy(bucketAllow("{\"AWS\":\"" + ACCOUNT + "\"}"))
                        .build(),
                RequestContext.Principal.root(ACCOUNT),
                Outcome.ALLOW,
                null));
        r.add(new Row(
                "bucket policy naming \"*\" still allows same-account users on its own",
                PolicySet.builder().resourcePolicy(bucketAllow("\"*\"")).build(),
                ALICE,
                Outcome.ALLOW,
                PolicyKind.RESOURCE));
        r.add(new Row(
                "bucket policy naming the account and the user's ARN grants directly",
                PolicySet.builder()
                        .resourcePolicy(bucketAllow(
                                "{\"AWS\":[\"" + ACCOUNT + "\",\"arn:aws:iam::" + ACCOUNT + ":user/alice\"]}"))
                        .build(),
                ALICE,
                Outcome.ALLOW,
                PolicyKind.RESOURCE));
        r.add(new Row(
                "bucket policy naming the role is limited by the session policy",
                PolicySet.builder()
                        .resourcePolicy(bucketAllow("{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":role/Writer\"}"))
                        .sessionPolicies(session("s3:PutObject"))
                        .build(),
                ROLE_SESSION,
                Outcome.IMPLICIT_DENY,
                PolicyKind.IDENTITY));
        r.add(new Row(
                "bucket policy naming the role is limited by the boundary",
                PolicySet.builder()
                        .resourcePolicy(bucketAllow("{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":role/Writer\"}"))
                        .permissionsBoundary(boundary("s3:PutObject"))
                        .build(),
                ROLE_SESSION,
                Outcome.IMPLICIT_DENY,
                PolicyKind.IDENTITY));
        r.add(new Row(
                "bucket policy naming the role allows within boundary and session policy",
                PolicySet.builder()
                        .resourcePolicy(bucketAllow("{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":role/Writer\"}"))
                        .permissionsBoundary(boundary("s3:*"))
                        .sessionPolicies(session("s3:Get*"))
                        .build(),
                ROLE_SESSION,
                Outcome.ALLOW,
                PolicyKind.RESOURCE));
        r.add(new Row(
                "bucket policy naming the role session directly is not limited by the session policy",
                PolicySet.builder()
                        .resourcePolicy(
                                bucketAllow("{\"AWS\":\"arn:aws:sts::" + ACCOUNT + ":assumed-role/Writer/sess\"}"))
                        .sessionPolicies(session("s3:PutObject"))
                        .build(),
                ROLE_SESSION,
                Outcome.ALLOW,
                PolicyKind.RESOURCE));
        r.add(new Row(
                "boundary intersects identity grants",
                PolicySet.builder()
                        .identityPolicies(allowIdentity("s3:*"))
                        .permissionsBoundary(boundary("s3:PutObject"))
                        .build(),
                ALICE,
                Outcome.IMPLICIT_DENY,
                PolicyKind.BOUNDARY));
        r.add(new Row(
                "boundary alone grants nothing",
                PolicySet.builder().permissionsBoundary(boundary("s3:*")).build(),
                ALICE,
                Outcome.IMPLICIT_DENY,
                PolicyKind.IDENTITY));
        r.add(new Row(
                "identity within boundary allows",
                PolicySet.builder()
                        .identityPolicies(allowIdentity("s3:GetObject"))
                        .permissionsBoundary(boundary("s3:*"))
                        .build(),
                ALICE,
                Outcome.ALLOW,
                PolicyKind.IDENTITY));
        r.add(new Row(
                "session policy intersects identity grants",
                PolicySet.builder()
                        .identityPolicies(allowIdentity("s3:*"))
                        .sessionPolicies(session("s3:PutObject"))
                        .build(),
                ROLE_SESSION,
                Outcome.IMPLICIT_DENY,
                PolicyKind.SESSION));
        r.add(new Row(
                "session policy alone grants nothing",
                PolicySet.builder().sessionPolicies(session("s3:*")).build(),
                ROLE_SESSION,
                Outcome.IMPLICIT_DENY,
                PolicyKind.IDENTITY));
        r.add(new Row(
                "identity within session policy allows",
                PolicySet.builder()
                        .identityPolicies(allowIdentity("s3:*"))
                        .sessionPolicies(session("s3:GetObject"))
                        .build(),
                ROLE_SESSION,
                Outcome.ALLOW,
                PolicyKind.IDENTITY));
        r.add(new Row(
                "cross account: bucket allow alone is not enough",
                PolicySet.builder()
                        .resourcePolicy(bucketAllow("{\"AWS\":\"arn:aws:iam::444455556666:user/bob\"}"))
                        .sameAccount(false)
                        .build(),
                BOB_OTHER,
                Outcome.IMPLICIT_DENY,
                PolicyKind.IDENTITY));
        r.add(new Row(
                "cross account: identity allow alone is not enough",
                PolicySet.builder()
                        .identityPolicies(allowIdentity("s3:*"))
                        .sameAccount(false)
                        .build(),
                BOB_OTHER,
                Outcome.IMPLICIT_DENY,
                PolicyKind.RESOURCE));
        r.add(new Row(
                "cross account: both allow",
                PolicySet.builder()
                        .identityPolicies(allowIdentity("s3:*"))
                        .resourcePolicy(bucketAllow("{\"AWS\":\"444455556666\"}"))
                        .sameAccount(false)
                        .build(),
                BOB_OTHER,
                Outcome.ALLOW,
                PolicyKind.RESOURCE));
        r.add(new Row(
                "cross account: bucket naming another account does not match",
                PolicySet.builder()
                        .identityPolicies(allowIdentity("s3:*"))
                        .resourcePolicy(bucketAllow("{\"AWS\":\"777788889999\"}"))
                        .sameAccount(false)
                        .build(),
                BOB_OTHER,
                Outcome.IMPLICIT_DENY,
                PolicyKind.RESOURCE));
        r.add(new Row(
                "cross account: boundary still bounds the identity side",
                PolicySet.builder()
                        .identityPolicies(allowIdentity("s3:*"))
                        .permissionsBoundary(boundary("ec2:*"))
                        .resourcePolicy(bucketAllow("{\"AWS\":\"444455556666\"}"))
                        .sameAccount(false)
                        .build(),
                BOB_OTHER,
                Outcome.IMPLICIT_DENY,
                PolicyKind.BOUNDARY));
        r.add(new Row(
                "anonymous: public bucket policy allows",
                PolicySet.builder()
                        .resourcePolicy(bucketAllow("\"*\""))
                        .sameAccount(false)
                        .build(),
                RequestContext.Principal.anonymous(),
                Outcome.ALLOW,
                PolicyKind.RESOURCE));
        r.add(new Row(
                "anonymous: account principal does not match",
                PolicySet.builder()
                        .resourcePolicy(bucketAllow("{\"AWS\":\"" + ACCOUNT + "\"}"))
                        .sameAccount(false)
                        .build(),
                RequestContext.Principal.anonymous(),
                Outcome.IMPLICIT_DENY,
                PolicyKind.RESOURCE));
        r.add(new Row(
                "root user of the account has full access by default",
                PolicySet.builder().build(),
                RequestContext.Principal.root(ACCOUNT),
                Outcome.ALLOW,
                null));
        r.add(new Row(
                "root user is still subject to an SCP deny",
                PolicySet.builder().scps(scp("Deny", "s3:*")).build(),
                RequestContext.Principal.root(ACCOUNT),
                Outcome.EXPLICIT_DENY,
                PolicyKind.SCP));
        return r.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("rows")
    void evaluationOrder(Row row) {
        RequestContext ctx = Fixtures.ctx(row.who(), "s3:GetObject", OBJ, "");
        Decision d = Evaluator.evaluate(row.set(), ctx);
        assertThat(d.outcome()).as(row.description()).isEqualTo(row.outcome());
        Optional<PolicyKind> kind = row.outcome() == Outcome.IMPLICIT_DENY ? d.noAllowIn() : d.by().map(Deciding::kind);
        assertThat(kind).as(row.description()).isEqualTo(Optional.ofNullable(row.kind()));
    }

    @Test
    void denyNamesTheStatementThatDecided() {
        PolicyDocument doc = PolicyDocument.parse("""
                {"Version":"2012-10-17","Statement":[
                  {"Sid":"AllowAll","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"},
                  {"Sid":"DenyDelete","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}]}""", PolicyKind.RESOURCE, "b-policy");
        Decision d = Evaluator.evaluate(
                PolicySet.builder().resourcePolicy(doc).build(), Fixtures.ctx(ALICE, "s3:DeleteObject", OBJ, ""));
        assertThat(d)
                .isEqualTo(new Decision(
                        Outcome.EXPLICIT_DENY,
                        Optional.of(new Deciding(
                                PolicyKind.RESOURCE, Optional.of("b-policy"), Optional.of("DenyDelete"), 1))));
    }

    @Test
    void notPrincipalDenyAppliesToEveryoneButTheNamedPrincipal() {
        PolicyDocument doc = PolicyDocument.parse("""
                {"Version":"2012-10-17","Statement":[
                  {"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"},
                  {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}""", PolicyKind.RESOURCE);
        PolicySet set = PolicySet.builder().resourcePolicy(doc).build();
        assertThat(Evaluator.evaluate(set, Fixtures.ctx(ALICE, "s3:GetObject", OBJ, ""))
                        .outcome())
                .isEqualTo(Outcome.ALLOW);
        assertThat(Evaluator.evaluate(set, Fixtures.ctx(ROLE_SESSION, "s3:GetObject", OBJ, ""))
                        .outcome())
                .isEqualTo(Outcome.EXPLICIT_DENY);
    }

    @Test
    void actionsAreCaseInsensitiveAndResourcesCaseSensitive() {
        PolicyDocument doc = Fixtures.identity("""
                {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"S3:get*","Resource":"arn:aws:s3:::Bucket/*"}}""");
        PolicySet set = PolicySet.builder().identityPolicies(doc).build();
        assertThat(Evaluator.evaluate(set, Fixtures.ctx(ALICE, "s3:GetObject", "arn:aws:s3:::Bucket/k", ""))
                        .allowed())
                .isTrue();
        assertThat(Evaluator.evaluate(set, Fixtures.ctx(ALICE, "s3:GetObject", "arn:aws:s3:::bucket/k", ""))
                        .allowed())
                .isFalse();
    }

    @Test
    void notActionAndNotResourceInvertTheMatch() {
        PolicyDocument doc = Fixtures.identity("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"s3:Delete*","NotResource":"arn:aws:s3:::secret/*"}]}""");
        PolicySet set = PolicySet.builder().identityPolicies(doc).build();
        assertThat(Evaluator.evaluate(set, Fixtures.ctx(ALICE, "s3:GetObject", "arn:aws:s3:::b/k", ""))
                        .allowed())
                .isTrue();
        assertThat(Evaluator.evaluate(set, Fixtures.ctx(ALICE, "s3:DeleteObject", "arn:aws:s3:::b/k", ""))
                        .allowed())
                .isFalse();
        assertThat(Evaluator.evaluate(set, Fixtures.ctx(ALICE, "s3:GetObject", "arn:aws:s3:::secret/k", ""))
                        .allowed())
                .isFalse();
    }
}

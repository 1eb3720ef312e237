package io.rampart.policy;

import static io.rampart.policy.Fixtures.ACCOUNT;
import static io.rampart.policy.Fixtures.ALICE;
import static io.rampart.policy.Fixtures.ROLE_SESSION;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Where the engine follows the letter of the IAM User Guide on the edges: variables with no value, request values
 * that are not of the operator's type, ARN wildcard scope, and NotPrincipal with permissions boundaries. Each table
 * names the page (and section) its rows come from.
 */
class PolicyFidelityTest {

    private static RequestContext.Principal who(String name) {
        return switch (name) {
            case "alice" -> ALICE;
            case "session" -> ROLE_SESSION;
            case "root" -> RequestContext.Principal.root(ACCOUNT);
            default -> throw new IllegalArgumentException(name);
        };
    }

    /**
     * "IAM policy elements: Variables and tags", section "Policy variables with no value": StringEquals/StringLike
     * do not match a variable with no value; inverted operators (StringNotEquals, StringNotLike) do match it; a
     * Resource or NotResource entry holding a variable with no value matches no resource. A role session has no
     * aws:username ("Principal key values"); a multivalued key cannot be a variable; a default
     * {@code ${key, 'value'}} applies when the key has no value ("Specifying default values").
     */
    @ParameterizedTest(name = "[{index}] {0} as {1} [{2}] -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            {"StringEquals":{"s3:prefix":"${aws:username}"}}              | session | s3:prefix=x | false
            {"StringEquals":{"s3:prefix":"${aws:username}"}}              | alice   | s3:prefix=alice | true
            {"StringNotEquals":{"s3:prefix":"${aws:username}"}}           | session | s3:prefix=x | true
            {"StringNotEquals":{"s3:prefix":"${aws:username}"}}           | alice   | s3:prefix=alice | false
            {"StringNotLike":{"s3:prefix":"home/${aws:username}/*"}}      | session | s3:prefix=home/x/y | true
            {"StringLike":{"s3:prefix":"home/${aws:username}/*"}}         | session | s3:prefix=home/x/y | false
            {"StringNotEqualsIgnoreCase":{"s3:prefix":"${aws:username}"}} | session | s3:prefix=x | true
            {"ArnNotLike":{"aws:SourceArn":"arn:aws:iam::111122223333:user/${aws:username}"}} | session | aws:SourceArn=arn:aws:iam::111122223333:user/x | true
            {"ArnLike":{"aws:SourceArn":"arn:aws:iam::111122223333:user/${aws:username}"}}    | session | aws:SourceArn=arn:aws:iam::111122223333:user/x | false
            {"StringEquals":{"s3:prefix":"${aws:username, 'shared'}"}}    | session | s3:prefix=shared | true
            {"StringEquals":{"s3:prefix":"${aws:PrincipalTag/team}"}}     | alice   | s3:prefix=a; aws:PrincipalTag/team=a,b | false
            {"StringNotEquals":{"s3:prefix":"${aws:PrincipalTag/team}"}}  | alice   | s3:prefix=a; aws:PrincipalTag/team=a,b | true
            """)
    void variableWithNoValueInCondition(String condition, String principal, String keys, boolean applies) {
        PolicyDocument doc = Fixtures.identity("""
                {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":%s}}""".formatted(condition));
        Decision d = Evaluator.evaluate(
                PolicySet.builder().identityPolicies(doc).build(),
                Fixtures.ctx(who(principal), "s3:ListBucket", "arn:aws:s3:::bucket", keys));
        assertThat(d.allowed()).isEqualTo(applies);
    }

    /**
     * Same section, its example: a Deny with StringNotEquals s3:ExistingObjectTag/Team = ${aws:PrincipalTag/Team}
     * "explicitly denied when aws:principaltag/Team is not set".
     */
    @ParameterizedTest(name = "[{index}] principal tag [{0}], object tag [{1}] -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            aws:PrincipalTag/Team=red | s3:ExistingObjectTag/Team=red  | ALLOW
            aws:PrincipalTag/Team=red | s3:ExistingObjectTag/Team=blue | EXPLICIT_DENY
            ''                        | s3:ExistingObjectTag/Team=red  | EXPLICIT_DENY
            """)
    void documentedTeamTagDeny(String principalTag, String objectTag, Outcome expected) {
        PolicyDocument doc = Fixtures.identity("""
                {"Version":"2012-10-17","Statement":[
                  {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
                  {"Effect":"Deny","Action":"s3:GetObject","Resource":"*",
                   "Condition":{"StringNotEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}}}]}""");
        String keys = principalTag.isEmpty() ? objectTag : principalTag + "; " + objectTag;
        Decision d = Evaluator.evaluate(
                PolicySet.builder().identityPolicies(doc).build(),
                Fixtures.ctx(ALICE, "s3:GetObject", "arn:aws:s3:::bucket/k", keys));
        assertThat(d.outcome()).isEqualTo(expected);
    }

    /**
     * Same section: "If a variable that has no value ... is used as part of the Resource or NotResource element ...
     * the resource that includes a policy variable with no value will not match any resource." As a Resource the
     * entry grants nothing; as a NotResource it excludes nothing.
     */
    @ParameterizedTest(name = "[{index}] {0} {1} as {2} on {3} -> {4}")
    @CsvSource(delimiter = '|', textBlock = """
            Resource    | arn:aws:s3:::bucket/home/${aws:username}/*          | alice   | arn:aws:s3:::bucket/home/alice/f | true
            Resource    | arn:aws:s3:::bucket/home/${aws:username}/*          | session | arn:aws:s3:::bucket/home/alice/f | false
            Resource    | arn:aws:s3:::bucket/home/${aws:username, 'shared'}/* | session | arn:aws:s3:::bucket/home/shared/f | true
            NotResource | arn:aws:s3:::bucket/home/${aws:username}/*          | alice   | arn:aws:s3:::bucket/home/alice/f | false
            NotResource | arn:aws:s3:::bucket/home/${aws:username}/*          | alice   | arn:aws:s3:::bucket/other/f      | true
            NotResource | arn:aws:s3:::bucket/home/${aws:username}/*          | session | arn:aws:s3:::bucket/home/alice/f | true
            """)
    void variableWithNoValueInResource(
            String element, String pattern, String principal, String resource, boolean applies) {
        PolicyDocument doc = Fixtures.identity("""
                {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","%s":"%s"}}""".formatted(element, pattern));
        Decision d = Evaluator.evaluate(
                PolicySet.builder().identityPolicies(doc).build(),
                Fixtures.ctx(who(principal), "s3:GetObject", resource, ""));
        assertThat(d.allowed()).isEqualTo(applies);
    }

    /**
     * "IAM JSON policy elements: Condition operators": numeric, date, IP address, binary and ARN operators compare
     * values of their type. A request value that is not of that type matches neither the operator nor its negated
     * form (a negated operator "does not match" a value it cannot compare), including under IfExists and the set
     * qualifiers ("Conditions with multiple context keys or values": ForAllValues needs every value to match).
     */
    @ParameterizedTest(name = "[{index}] {0} [{1}] -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"NumericEquals":{"s3:max-keys":"10"}}                         | s3:max-keys=ten | false
            {"NumericNotEquals":{"s3:max-keys":"10"}}                      | s3:max-keys=ten | false
            {"NumericNotEquals":{"s3:max-keys":"10"}}                      | s3:max-keys=11  | true
            {"NumericNotEqualsIfExists":{"s3:max-keys":"10"}}              | s3:max-keys=ten | false
            {"NumericNotEqualsIfExists":{"s3:max-keys":"10"}}              | ''              | true
            {"NumericLessThan":{"s3:max-keys":"10"}}                       | s3:max-keys=1e  | false
            {"DateNotEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}   | aws:CurrentTime=yesterday | false
            {"DateNotEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}   | aws:CurrentTime=2021-01-01T00:00:00Z | true
            {"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}} | aws:CurrentTime=yesterday | false
            {"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}                 | aws:SourceIp=not-an-ip | false
            {"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}                 | aws:SourceIp=192.0.2.1 | true
            {"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}                     | aws:SourceIp=999.1.1.1 | false
            {"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::bucket"}}         | aws:SourceArn=bucket   | false
            {"ArnNotEquals":{"aws:SourceArn":"arn:aws:s3:::bucket"}}       | aws:SourceArn=arn:aws:s3 | false
            {"ArnNotEquals":{"aws:SourceArn":"arn:aws:s3:::bucket"}}       | aws:SourceArn=arn:aws:s3:::other | true
            {"BinaryEquals":{"s3:x-amz-meta-b":"QUJD"}}                    | s3:x-amz-meta-b=%%% | false
            {"ForAllValues:NumericNotEquals":{"s3:max-keys":"10"}}         | s3:max-keys=11,ten | false
            {"ForAllValues:NumericNotEquals":{"s3:max-keys":"10"}}         | s3:max-keys=11,12  | true
            {"ForAnyValue:NumericNotEquals":{"s3:max-keys":"10"}}          | s3:max-keys=ten,11 | true
            {"ForAnyValue:NumericNotEquals":{"s3:max-keys":"10"}}          | s3:max-keys=ten,10 | false
            {"NumericNotEquals":{"s3:max-keys":"10"}}                      | s3:max-keys=11,ten | false
            """)
    void valueNotOfTheOperatorsType(String condition, String keys, boolean applies) {
        PolicyDocument doc = Fixtures.identity("""
                {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":%s}}""".formatted(condition));
        Decision d = Evaluator.evaluate(
                PolicySet.builder().identityPolicies(doc).build(),
                Fixtures.ctx(ALICE, "s3:ListBucket", "arn:aws:s3:::bucket", keys));
        assertThat(d.allowed()).isEqualTo(applies);
    }

    /**
     * "IAM JSON policy elements: Resource", "Using wildcards in resource ARNs": wildcards are used within the
     * segments of an ARN (the parts separated by colons); a {@code *} that is the last character of a segment can
     * expand beyond the colon boundary; in the resource part a {@code *} expands across separators such as '/'.
     */
    @ParameterizedTest(name = "[{index}] {0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            arn:aws:s3:::bucket*                    | arn:aws:s3:::bucket-2/key          | true
            arn:aws:s3:::bucket/*/test/*            | arn:aws:s3:::bucket/a/b/test/c     | true
            arn:aws:s3:::b*k                        | arn:aws:s3:::b/x:y/k               | true
            arn:aws:s?:::bucket/key                 | arn:aws:s3:::bucket/key            | true
            arn:aws:s3:?::bucket/key                | arn:aws:s3:x::bucket/key           | true
            arn:aws:s3:?::bucket/key                | arn:aws:s3::::bucket/key           | false
            arn:aws:iam::1111*3:user/alice          | arn:aws:iam::111122223333:user/alice | true
            arn:aws:iam::1111*3:user/alice          | arn:aws:iam::1111:x3:user/alice    | false
            arn:aws:iam::*:user/alice               | arn:aws:iam::111122223333:user/alice | true
            arn:aws:iam::*:user/alice               | arn:aws:iam::1111:x:user/alice     | true
            arn:aws:iam::1111*:user/alice           | arn:aws:iam::1111:x:user/alice     | true
            arn:aws:s*3:::bucket/key                | arn:aws:s3:::bucket/key            | true
            arn:aws:s*3:::bucket/key                | arn:aws:s:x3:::bucket/key          | false
            arn:aws:s3:*:*:*                        | arn:aws:s3:::bucket/key            | true
            *                                       | arn:aws:s3:::bucket/key            | true
            """)
    void resourceWildcardsStayInTheirSegment(String pattern, String resource, boolean matches) {
        for (String element : new String[] {"Resource", "NotResource"}) {
            PolicyDocument doc = Fixtures.identity("""
                    {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","%s":"%s"}}""".formatted(element, pattern));
            Decision d = Evaluator.evaluate(
                    PolicySet.builder().identityPolicies(doc).build(),
                    Fixtures.ctx(ALICE, "s3:GetObject", resource, ""));
            assertThat(d.allowed()).as(element).isEqualTo(element.equals("Resource") == matches);
        }
    }

    /**
     * "IAM JSON policy elements: Condition operators", ARN condition operators: "Each of the six colon-delimited
     * components of the ARN is checked separately and each can include multi-character match wildcards (*) or
     * single-character match wildcards (?)". Substituted variable text is literal ("Variables and tags", special
     * characters).
     */
    @ParameterizedTest(name = "[{index}] {0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            arn:aws:s3:::bucket*                            | arn:aws:s3:::bucket-2/key             | true
            arn:aws:iam::*:user/alice                       | arn:aws:iam::111122223333:user/alice  | true
            arn:aws:iam::*:user/alice                       | arn:aws:iam::1111:x:user/alice        | false
            arn:aws:iam::111122223333:*                     | arn:aws:iam::111122223333:user/a:b    | true
            arn:aws:iam::111122223333:user/${aws:PrincipalTag/n} | arn:aws:iam::111122223333:user/alice | false
            arn:aws:iam::111122223333:user/${aws:PrincipalTag/n} | arn:aws:iam::111122223333:user/*     | true
            """)
    void arnLikeMatchesComponentByComponent(String pattern, String value, boolean matches) {
        PolicyDocument doc = Fixtures.identity("""
                {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*",
                 "Condition":{"ArnLike":{"aws:SourceArn":"%s"}}}}""".formatted(pattern));
        Decision d = Evaluator.evaluate(
                PolicySet.builder().identityPolicies(doc).build(),
                Fixtures.ctx(
                        ALICE,
                        "s3:ListBucket",
                        "arn:aws:s3:::bucket",
                        "aws:SourceArn=" + value + "; aws:PrincipalTag/n=*"));
        assertThat(d.allowed()).isEqualTo(matches);
    }

    /**
     * "AWS JSON policy elements: NotPrincipal", key points: "The NotPrincipal element with a Deny effect will always
     * deny any IAM principal that has a permissions boundary policy attached, regardless of the values specified in
     * the NotPrincipal element." The statement's action, resource and conditions still have to apply.
     */
    @ParameterizedTest(name = "[{index}] {0}, boundary {1}, {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            alice   | false | s3:GetObject | ALLOW
            alice   | true  | s3:GetObject | EXPLICIT_DENY
            alice   | true  | s3:PutObject | ALLOW
            session | false | s3:GetObject | ALLOW
            session | true  | s3:GetObject | EXPLICIT_DENY
            """)
    void notPrincipalDenyAlwaysDeniesPrincipalsWithABoundary(
            String principal, boolean boundary, String action, Outcome expected) {
        PolicyDocument bucket = Fixtures.bucket("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":[
                  "arn:aws:iam::111122223333:user/alice","arn:aws:iam::111122223333:role/Writer",
                  "arn:aws:sts::111122223333:assumed-role/Writer/sess","111122223333"]},
                  "Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}""");
        PolicyDocument identity = Fixtures.identity("""
                {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}""");
        PolicyDocument boundaryDoc = PolicyDocument.parse("""
                {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}""", PolicyKind.BOUNDARY);
        PolicySet.Builder set = PolicySet.builder().resourcePolicy(bucket).identityPolicies(identity);
        if (boundary) set.permissionsBoundary(boundaryDoc);
        Decision d = Evaluator.evaluate(set.build(), Fixtures.ctx(who(principal), action, "arn:aws:s3:::bucket/k", ""));
        assertThat(d.outcome()).isEqualTo(expected);
        if (expected == Outcome.EXPLICIT_DENY) {
            assertThat(d.by()).get().extracting(Deciding::kind).isEqualTo(PolicyKind.RESOURCE);
        }
    }
}

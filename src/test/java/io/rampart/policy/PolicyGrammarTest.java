package io.rampart.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyGrammarTest {

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of(PolicyKind.IDENTITY, """
                        {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"""),
                Arguments.of(PolicyKind.IDENTITY, """
                        {"Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:Get*","s3:List?ucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}"""),
                Arguments.of(PolicyKind.IDENTITY, """
                        {"Version":"2008-10-17","Id":"x","Statement":[{"Effect":"Deny","NotAction":"s3:*","NotResource":"arn:aws:s3:::b/*"}]}"""),
                Arguments.of(PolicyKind.IDENTITY, """
                        {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*",
                         "Condition":{"ForAllValues:StringLike":{"aws:TagKeys":["a*",1,true]},"NumericLessThanEquals":{"s3:max-keys":"10"},
                         "DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]},
                         "BinaryEquals":{"k:b":"QmluYXJ5"},"BoolIfExists":{"aws:SecureTransport":"true"},"Null":{"aws:TokenIssueTime":"true"}}}}"""),
                Arguments.of(PolicyKind.RESOURCE, """
                        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
                         {"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:user/alice","arn:aws:sts::111122223333:assumed-role/R/s"]},"Action":"s3:*","Resource":"arn:aws:s3:::b"},
                         {"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com","CanonicalUser":"79a59df900b949e55d96a1e698fbaced"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"},
                         {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}"""),
                Arguments.of(PolicyKind.TRUST, """
                        {"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}}"""),
                Arguments.of(PolicyKind.RCP, """
                        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"""),
                Arguments.of(PolicyKind.RCP, """
                        {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","NotResource":"arn:aws:s3:::x/*"}]}"""),
                Arguments.of(PolicyKind.SCP, """
                        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"""));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("accepted")
    void acceptsValidDocuments(PolicyKind kind, String json) {
        PolicyDocument doc = PolicyDocument.parse(json, kind);
        assertThat(doc.statements()).isNotEmpty();
        assertThat(doc.kind()).isEqualTo(kind);
    }

    static Stream<Arguments> rejected() {
        String ok = "\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"";
        return Stream.of(
                row(PolicyKind.IDENTITY, "not json", "Syntax errors in policy."),
                row(PolicyKind.RESOURCE, "[1]", "Policies must be valid JSON and the first byte must be '{'"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Version\":\"2012-10-17\",\"Version\":\"2012-10-17\",\"Statement\":{" + ok + "}}",
                        "Syntax errors in policy."),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Version\":\"2012-10-18\",\"Statement\":{" + ok + "}}",
                        "The policy failed legacy parsing"),
                row(PolicyKind.IDENTITY, "{\"Version\":\"2012-10-17\"}", "Missing required field Statement"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Version\":\"2012-10-17\",\"Statement\":[]}",
                        "Missing required field Statement"),
                row(PolicyKind.IDENTITY, "{\"Version\":\"2012-10-17\",\"Statment\":[]}", "Policy has an unknown field"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}}",
                        "Missing required field Effect"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}}",
                        "Invalid effect"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Resource\":\"*\"}}",
                        "Missing required field Action"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\"}}",
                        "Missing required field Resource"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"GetObject\",\"Resource\":\"*\"}}",
                        "Policy has invalid action"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":[],\"Resource\":\"*\"}}",
                        "Policy has invalid action"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:Get Object\",\"Resource\":\"*\"}}",
                        "Policy has invalid action"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"NotAction\":\"s3:Put*\",\"Resource\":\"*\"}}",
                        "Statement cannot contain both Action and NotAction"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"bucket/*\"}}",
                        "Policy has invalid resource"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3\"}}",
                        "Policy has invalid resource"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"NotResource\":\"*\"}}",
                        "Statement cannot contain both Resource and NotResource"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{" + ok + ",\"Principal\":\"*\"}}",
                        "Policy document should not specify a principal."),
                row(
                        PolicyKind.BOUNDARY,
                        "{\"Statement\":{" + ok + ",\"NotPrincipal\":\"*\"}}",
                        "Policy document should not specify a principal."),
                row(
                        PolicyKind.SESSION,
                        "{\"Statement\":{" + ok + ",\"Principal\":\"*\"}}",
                        "Policy document should not specify a principal."),
                row(PolicyKind.RESOURCE, "{\"Statement\":{" + ok + "}}", "Missing required field Principal"),
                row(
                        PolicyKind.RESOURCE,
                        "{\"Statement\":{" + ok + ",\"Principal\":\"alice\"}}",
                        "Invalid principal in policy"),
                row(
                        PolicyKind.RESOURCE,
                        "{\"Statement\":{" + ok + ",\"Principal\":{\"AWS\":\"alice\"}}}",
                        "Invalid principal in policy"),
                row(
                        PolicyKind.RESOURCE,
                        "{\"Statement\":{" + ok + ",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/*\"}}}",
                        "Invalid principal in policy"),
                row(
                        PolicyKind.RESOURCE,
                        "{\"Statement\":{" + ok + ",\"Principal\":{\"Group\":\"x\"}}}",
                        "Invalid principal in policy"),
                row(
                        PolicyKind.RESOURCE,
                        "{\"Statement\":{" + ok + ",\"Principal\":{}}}",
                        "Invalid principal in policy"),
                row(
                        PolicyKind.RESOURCE,
                        "{\"Statement\":{" + ok + ",\"Principal\":\"*\",\"NotPrincipal\":\"*\"}}",
                        "Statement cannot contain both Principal and NotPrincipal"),
                row(
                        PolicyKind.RESOURCE,
                        "{\"Statement\":{" + ok + ",\"NotPrincipal\":{\"AWS\":\"111122223333\"}}}",
                        "NotPrincipal must be used with \"Effect\":\"Deny\""),
                row(
                        PolicyKind.TRUST,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}}",
                        "Has prohibited field Resource"),
                row(
                        PolicyKind.TRUST,
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\"}}",
                        "Missing required field Principal"),
                row(
                        PolicyKind.RCP,
                        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
                        "Invalid principal in policy"),
                row(
                        PolicyKind.RCP,
                        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}}",
                        "The effect of Allow is only supported for the RCPFullAWSAccess policy"),
                row(
                        PolicyKind.RCP,
                        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\",\"NotAction\":\"s3:GetObject\",\"Resource\":\"*\"}}",
                        "NotAction is not supported in resource control policies"),
                row(
                        PolicyKind.RCP,
                        "{\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
                        "Missing required field Version"),
                row(
                        PolicyKind.SCP,
                        "{\"Version\":\"2012-10-17\",\"Statement\":{" + ok + ",\"Principal\":\"*\"}}",
                        "Policy document should not specify a principal."),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{" + ok + ",\"Condition\":{\"StringEqualz\":{\"aws:username\":\"a\"}}}}",
                        "Unknown condition operator"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{" + ok + ",\"Condition\":{\"NullIfExists\":{\"aws:username\":\"true\"}}}}",
                        "Unknown condition operator"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{" + ok
                                + ",\"Condition\":{\"ForSomeValues:StringEquals\":{\"aws:username\":\"a\"}}}}",
                        "Unknown condition operator"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{" + ok + ",\"Condition\":{\"StringEquals\":{\"username\":\"a\"}}}}",
                        "Policy has an invalid condition key"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{" + ok + ",\"Condition\":{\"NumericEquals\":{\"s3:max-keys\":\"ten\"}}}}",
                        "Invalid condition value"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{" + ok
                                + ",\"Condition\":{\"DateLessThan\":{\"aws:CurrentTime\":\"yesterday\"}}}}",
                        "Invalid condition value"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{" + ok
                                + ",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.300/8\"}}}}",
                        "Invalid condition value"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{" + ok + ",\"Condition\":{\"Null\":{\"aws:TokenIssueTime\":\"maybe\"}}}}",
                        "Invalid condition value"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":{" + ok + ",\"Condition\":{\"StringEquals\":{\"aws:username\":[]}}}}",
                        "Invalid condition value"),
                row(
                        PolicyKind.IDENTITY,
                        "{\"Statement\":[{\"Sid\":\"S\"," + ok + "},{\"Sid\":\"S\"," + ok + "}]}",
                        "Statement IDs (SID) in a single policy must be unique."));
    }

    private static Arguments row(PolicyKind kind, String json, String message) {
        return Arguments.of(message, kind, json);
    }

    @ParameterizedTest(name = "[{index}] {1}: {0}")
    @MethodSource("rejected")
    void rejectsMalformedDocumentsWithAwsMessage(String message, PolicyKind kind, String json) {
        assertThatThrownBy(() -> PolicyDocument.parse(json, kind))
                .isInstanceOf(MalformedPolicyException.class)
                .hasMessage(message);
    }

    @Test
    void bucketPolicyOver20KbIsRejected() {
        String big = "{\"Version\":\"2012-10-17\",\"Id\":\"" + "x".repeat(20 * 1024) + "\",\"Statement\":{"
                + "\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}}";
        assertThatThrownBy(() -> PolicyDocument.parse(big, PolicyKind.RESOURCE))
                .hasMessage("Policy exceeds the maximum allowed document size.");
    }

    @Test
    void scpOver5120CharactersIsRejected() {
        String big = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"" + "x".repeat(5200)
                + "\",\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}";
        assertThatThrownBy(() -> PolicyDocument.parse(big, PolicyKind.SCP))
                .hasMessage("Policy exceeds the maximum allowed document size.");
    }

    @Test
    void sizeExcludesWhitespaceOutsideStringsAsIamCountsIt() {
        String json =
                "{ \"Statement\" : {\n  \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\" } }";
        PolicyDocument doc = PolicyDocument.parse(json, PolicyKind.IDENTITY);
        assertThat(doc.size()).isEqualTo(json.replaceAll("\\s", "").length());
        assertThat(doc.size()).isLessThan(PolicyDocument.MAX_USER_INLINE);
    }

    @Test
    void nameAndIdAreReportedInTheDecision() {
        PolicyDocument doc = PolicyDocument.parse("""
                {"Id":"doc-id","Statement":{"Sid":"ReadAll","Effect":"Allow","Action":"s3:*","Resource":"*"}}""", PolicyKind.IDENTITY, "ReadOnly");
        Decision d = Evaluator.evaluate(
                PolicySet.builder().identityPolicies(doc).build(),
                Fixtures.ctx(Fixtures.ALICE, "s3:GetObject", "arn:aws:s3:::b/k", ""));
        assertThat(d.by())
                .contains(new Deciding(
                        PolicyKind.IDENTITY, java.util.Optional.of("ReadOnly"), java.util.Optional.of("ReadAll"), 0));
        assertThat(doc.id()).contains("doc-id");
    }
}

package io.rampart.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A context made with {@link RequestContext#deferred} decides exactly as one given its keys up front, gathers them
 * only when a policy reads one, and at most once.
 */
class DeferredKeysTest {

    private static RequestContext deferred(
            RequestContext.Principal p, String action, String resource, String keys, AtomicInteger gathered) {
        return RequestContext.deferred(action, resource, p, Fixtures.ACCOUNT, () -> {
            gathered.incrementAndGet();
            return Fixtures.keys(keys);
        });
    }

    @ParameterizedTest(name = "[{index}] {0} [{1}]")
    @CsvSource(delimiter = '|', textBlock = """
            {"Bool":{"aws:SecureTransport":"true"}}                                 | aws:SecureTransport=true
            {"Bool":{"aws:SecureTransport":"true"}}                                 | aws:SecureTransport=false
            {"Bool":{"AWS:SECURETRANSPORT":"true"}}                                 | Aws:SecureTransport=true
            {"StringEquals":{"aws:username":"alice"}}                               |
            {"StringEquals":{"aws:PrincipalAccount":"111122223333"}}                |
            {"StringEquals":{"aws:PrincipalType":"User"}}                           |
            {"StringEquals":{"aws:username":"mallory"}}                             | aws:username=mallory
            {"Null":{"aws:TokenIssueTime":"true"}}                                  |
            {"Null":{"aws:TokenIssueTime":"true"}}                                  | aws:TokenIssueTime=2026-01-01T00:00:00Z
            {"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}                             | aws:SourceIp=10.1.2.3
            {"ForAllValues:StringEquals":{"s3:RequestObjectTagKeys":["a","b"]}}     | s3:RequestObjectTagKeys=a,c
            {"StringEquals":{"aws:PrincipalTag/team":"${aws:username}"}}            | aws:PrincipalTag/team=alice
            """)
    void decidesAsAContextGivenItsKeys(String condition, String keys) {
        PolicyDocument doc = Fixtures.identity("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
                 "Resource":"arn:aws:s3:::b/home/${aws:username}/*","Condition":%s}]}""".formatted(condition));
        PolicySet set = PolicySet.builder().identityPolicies(doc).build();
        String resource = "arn:aws:s3:::b/home/alice/f";
        for (RequestContext.Principal p : List.of(Fixtures.ALICE, Fixtures.ROLE_SESSION, Fixtures.BOB_OTHER)) {
            AtomicInteger gathered = new AtomicInteger();
            RequestContext lazy = deferred(p, "s3:GetObject", resource, keys, gathered);
            Decision eager = Evaluator.evaluate(set, Fixtures.ctx(p, "s3:GetObject", resource, keys));
            assertThat(Evaluator.evaluate(set, lazy)).isEqualTo(eager);
            assertThat(Evaluator.evaluate(set, lazy)).isEqualTo(eager);
            assertThat(gathered).hasValue(1);
            assertThat(lazy.conditionKeys())
                    .isEqualTo(Fixtures.ctx(p, "s3:GetObject", resource, keys).conditionKeys());
        }
    }

    @Test
    void aStatementWithoutConditionsDecidesWithoutGatheringTheKeys() {
        PolicyDocument allowAll = Fixtures.identity("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""");
        AtomicInteger gathered = new AtomicInteger();
        RequestContext ctx = deferred(Fixtures.ALICE, "s3:GetObject", "arn:aws:s3:::b/k", "", gathered);
        Decision d = Evaluator.evaluate(
                PolicySet.builder().identityPolicies(allowAll).build(), ctx);
        assertThat(d.allowed()).isTrue();
        assertThat(gathered).hasValue(0);
        assertThat(ctx.values("aws:username")).containsExactly("alice");
        assertThat(gathered).hasValue(1);
    }

    @Test
    void keysGivenInAnyCaseAreReadInLowerCase() {
        RequestContext ctx = RequestContext.deferred(
                "s3:GetObject",
                "arn:aws:s3:::b/k",
                Fixtures.ALICE,
                Fixtures.ACCOUNT,
                () -> Map.of("S3:ResourceAccount", List.of(Fixtures.ACCOUNT)));
        assertThat(ctx.values("s3:resourceaccount")).containsExactly(Fixtures.ACCOUNT);
        assertThat(ctx.conditionKeys()).containsKey("s3:resourceaccount").doesNotContainKey("S3:ResourceAccount");
    }
}

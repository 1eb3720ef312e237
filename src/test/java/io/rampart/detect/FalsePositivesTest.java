package io.rampart.detect;

import static io.rampart.detect.Events.put;
import static io.rampart.detect.Events.s3;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What fired on real exports though nothing was wrong, next to the attack the same rule must still catch. */
class FalsePositivesTest {
    private final Map<String, Finding> findings = new LinkedHashMap<>();
    private final Detector detector =
            new Detector(RulePack.builtIn(), Detector.Responses.NONE, (f, isNew) -> findings.put(f.id(), f));

    private void feed(Events.E... events) {
        for (Events.E e : events) detector.accept(e.json());
    }

    private List<Finding> of(String rule) {
        return findings.values().stream().filter(f -> f.ruleId().equals(rule)).toList();
    }

    private static Events.E policy(String bucket, long t, String json) {
        return s3("PutBucketPolicy", bucket, null, t).param("policy", "").doc("bucketPolicy", json);
    }

    // bucket-policy-made-public: "public" as S3 Block Public Access defines it

    @Test
    void principalStarRestrictedByAConditionIsNotPublic() {
        feed(policy("logs", 0, """
                {"Version":"2012-10-17","Statement":[{"Sid":"AWSLogDeliveryWrite","Effect":"Allow",
                 "Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/*",
                 "Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"},
                              "ArnLike":{"aws:SourceArn":"arn:aws:logs:us-east-1:111122223333:*"}}}]}"""), policy("vpc", 1, """
                {"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::vpc/*",
                 "Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}}"""), policy("org", 2, """
                {"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::org/*",
                 "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}"""));
        assertThat(of("bucket-policy-made-public")).isEmpty();
    }

    @Test
    void principalStarWithAConditionThatRestrictsNothingIsPublic() {
        // A condition on a key S3 does not count (or a negated one) leaves the grant open to anyone.
        feed(policy("open", 0, """
                {"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::open/*",
                 "Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"""), policy("open2", 1, """
                {"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::open2/*",
                 "Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/1"}}}]}"""), policy("open3", 2, """
                {"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::open3/*",
                 "Condition":{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}}]}"""));
        assertThat(of("bucket-policy-made-public"))
                .extracting(Finding::bucket)
                .containsExactlyInAnyOrder("open", "open2", "open3");
    }

    @Test
    void aPolicyRecordedAsJsonTextIsEvaluatedToo() {
        feed(
                s3("PutBucketPolicy", "txt", null, 0)
                        .param(
                                "bucketPolicy",
                                "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::txt/*\"}]}"));
        assertThat(of("bucket-policy-made-public")).hasSize(1);
    }

    @Test
    void presentFalseSeesObjectsNotOnlyValues() {
        Match m = Match.parse(
                Events.JSON.valueToTree(Map.of("requestParameters.bucketPolicy", Map.of("present", false))), "t");
        assertThat(m.test(policy("b", 0, "{\"Statement\":[]}").json())).isFalse();
        assertThat(m.test(s3("GetObject", "b", "k", 0).json())).isTrue();
    }

    // lifecycle-expiration-added: enabled rules only, 30 days or less

    @Test
    void disabledRulesAndLongExpirationsDoNotFire() {
        feed(BuiltInRulesTest.lifecycle(
                "b1",
                0,
                "{\"ID\":\"off\",\"Status\":\"Disabled\",\"Filter\":{\"Prefix\":\"\"},"
                        + "\"Expiration\":{\"Days\":1}}"));
        feed(BuiltInRulesTest.lifecycle(
                "b2",
                1,
                "{\"ID\":\"retention\",\"Status\":\"Enabled\",\"Filter\":{\"Prefix\":\"\"},"
                        + "\"Expiration\":{\"Days\":730},\"NoncurrentVersionExpiration\":{\"NoncurrentDays\":365}}"));
        feed(BuiltInRulesTest.lifecycle(
                "b3",
                2,
                "[{\"ID\":\"off\",\"Status\":\"Disabled\",\"Expiration\":{\"Days\":1}},"
                        + "{\"ID\":\"on\",\"Status\":\"Enabled\",\"Expiration\":{\"Days\":400}}]"));
        assertThat(of("lifecycle-expiration-added")).isEmpty();
    }

    @Test
    void anEnabledShortExpirationNextToADisabledOneFires() {
        feed(
                BuiltInRulesTest.lifecycle(
                        "b4",
                        0,
                        "[{\"ID\":\"off\",\"Status\":\"Disabled\",\"Expiration\":{\"Days\":400}},"
                                + "{\"ID\":\"on\",\"Status\":\"Enabled\",\"NoncurrentVersionExpiration\":{\"NoncurrentDays\":1}}]"));
        feed(BuiltInRulesTest.lifecycle(
                "b5",
                1,
                "{\"ID\":\"date\",\"Status\":\"Enabled\",\"Expiration\":{\"Date\":\"2025-01-15T00:00:00Z\"}}"));
        assertThat(of("lifecycle-expiration-added")).extracting(Finding::bucket).containsExactlyInAnyOrder("b4", "b5");
    }

    @Test
    void aDisabledShortRuleDoesNotArmTheEvasionSequence() {
        feed(
                BuiltInRulesTest.lifecycle(
                        "b6", 0, "{\"ID\":\"off\",\"Status\":\"Disabled\",\"Expiration\":{\"Days\":1}}"),
                s3("DeleteObject", "b6", "x", 5));
        assertThat(of("evasion-then-destructive-writes")).isEmpty();
        feed(
                BuiltInRulesTest.lifecycle(
                        "b6", 10, "{\"ID\":\"on\",\"Status\":\"Enabled\",\"Expiration\":{\"Days\":1}}"),
                s3("DeleteObject", "b6", "y", 15));
        assertThat(of("evasion-then-destructive-writes")).hasSize(1);
    }

    // long-lived-key-new-user-agent: product/version, not the raw string

    @Test
    void boto3ReorderingItsFeatureCodesIsNotANewUserAgent() {
        String[] agents = {
            "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36 m/Z,b,D",
            "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36 m/D,Z,b",
            "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36 m/b,D",
        };
        for (int i = 0; i < 12; i++) feed(put("b", "k" + i, i).agent(agents[i % 3]));
        feed(put("b", "cli1", 20).agent("[aws-cli/2.18.5 md/awscrt#0.22.0 ua/2.0 os/linux#6.8 md/command#s3.cp]"));
        findings.clear();
        feed(put("b", "cli2", 21).agent("[aws-cli/2.18.5 md/awscrt#0.22.0 ua/2.0 os/linux#6.8 md/command#s3.ls]"));
        assertThat(of("long-lived-key-new-user-agent")).isEmpty();
        feed(put("b", "go", 30).agent("aws-sdk-go-v2/1.30.0 os/linux lang/go#1.22 md/GOOS#linux api/s3#1.58.0 m/E"));
        assertThat(of("long-lived-key-new-user-agent")).hasSize(1);
        findings.clear();
        feed(put("b", "upgrade", 40).agent("Boto3/1.35.99 md/Botocore#1.35.99 ua/2.0 Botocore/1.35.99 m/Z"));
        assertThat(of("long-lived-key-new-user-agent"))
                .as("a new version is a new client")
                .hasSize(1);
    }

    @Test
    void userAgentProductKeepsProductTokensSorted() {
        assertThat(RecordFields.userAgentProduct("Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 Botocore/1.35.36 m/Z,b,D"))
                .isEqualTo("Boto3/1.35.36 Botocore/1.35.36");
        assertThat(RecordFields.userAgentProduct("[S3Console/0.4]")).isEqualTo("S3Console/0.4");
        assertThat(RecordFields.userAgentProduct("s3.amazonaws.com")).isEqualTo("s3.amazonaws.com");
    }
}

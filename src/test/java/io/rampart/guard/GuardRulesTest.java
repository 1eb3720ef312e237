package io.rampart.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.policy.PolicyDocument;
import io.rampart.policy.PolicyKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.model.GetEventSelectorsResponse;

/** guard's pure parts: credential-report rows as AWS writes them, policy probes on equivalent forms, CloudTrail selectors. */
class GuardRulesTest {
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private static final String HEADER =
            "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
                    + "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
                    + "access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
                    + "access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
                    + "cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n";

    private static Check find(List<Check> checks, Rule rule, String resource) {
        return checks.stream()
                .filter(c -> c.rule() == rule && c.resource().equals(resource))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + rule + " on " + resource + " in " + checks));
    }

    @Test
    void awsCredentialReportRowsRootKeysOldKeysAndMfa() {
        String csv = HEADER
                + "<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-12-01T00:00:00+00:00,"
                + "not_supported,not_supported,false,true,2021-03-01T00:00:00+00:00,2026-12-05T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
                + "ci,arn:aws:iam::123456789012:user/ci,2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,true,"
                + "true,2026-01-10T00:00:00+00:00,2026-12-05T10:00:00+00:00,us-east-1,s3,"
                + "true,2026-11-20T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A\n"
                + "fresh,arn:aws:iam::123456789012:user/fresh,2026-11-01T00:00:00+00:00,false,N/A,N/A,N/A,true,"
                + "true,2026-11-01T00:00:00+00:00,no_information,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
                + "nokeys,arn:aws:iam::123456789012:user/nokeys,2026-11-01T00:00:00+00:00,true,2026-12-01T00:00:00+00:00,N/A,N/A,false,"
                + "false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";

        List<Check> checks = AccountChecks.credentialChecks(csv, NOW);

        Check root = find(checks, Rule.ROOT_KEYS, "arn:aws:iam::123456789012:root");
        assertThat(root.status()).isEqualTo(Check.Status.FAIL);
        assertThat(root.severity()).isEqualTo(Check.Severity.CRITICAL);
        Check rootMfa = find(checks, Rule.USER_MFA, "arn:aws:iam::123456789012:root");
        assertThat(rootMfa.status()).isEqualTo(Check.Status.FAIL);
        assertThat(rootMfa.severity()).isEqualTo(Check.Severity.CRITICAL);

        Check ciAge = find(checks, Rule.KEY_AGE, "arn:aws:iam::123456789012:user/ci");
        assertThat(ciAge.status()).isEqualTo(Check.Status.FAIL);
        assertThat(ciAge.evidence())
                .startsWith("access key 1 created 2026-01-10T00:00:00Z (330 days ago), last used 2026-12-05T10:00:00Z")
                .doesNotContain("access key 2");
        // Key 2 of ci was created 16 days ago and never used: not unused for 90 days yet.
        assertThat(find(checks, Rule.KEY_UNUSED, "arn:aws:iam::123456789012:user/ci")
                        .status())
                .isEqualTo(Check.Status.PASS);
        assertThat(find(checks, Rule.USER_MFA, "arn:aws:iam::123456789012:user/ci")
                        .status())
                .isEqualTo(Check.Status.PASS);
        assertThat(find(checks, Rule.KEY_AGE, "arn:aws:iam::123456789012:user/fresh")
                        .status())
                .isEqualTo(Check.Status.PASS);
        assertThat(find(checks, Rule.USER_MFA, "arn:aws:iam::123456789012:user/nokeys")
                        .status())
                .isEqualTo(Check.Status.FAIL);
        assertThat(checks).noneMatch(c -> c.resource().endsWith("user/nokeys") && c.rule() == Rule.KEY_AGE);

        List<Check> later = AccountChecks.credentialChecks(csv, NOW.plusSeconds(100L * 86400));
        assertThat(find(later, Rule.KEY_UNUSED, "arn:aws:iam::123456789012:user/fresh")
                        .status())
                .isEqualTo(Check.Status.FAIL);
        assertThat(find(later, Rule.KEY_UNUSED, "arn:aws:iam::123456789012:user/fresh")
                        .evidence())
                .contains("last used never");

        String noRootKeys =
                HEADER + "<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,N/A,"
                        + "not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";
        List<Check> clean = AccountChecks.credentialChecks(noRootKeys, NOW);
        assertThat(find(clean, Rule.ROOT_KEYS, "arn:aws:iam::123456789012:root").status())
                .isEqualTo(Check.Status.PASS);
        assertThat(find(clean, Rule.KEY_AGE, "iam").status()).isEqualTo(Check.Status.PASS);
    }

    @Test
    void theStatementsFixMergesAreThoseOfPoliciesDirAndBothPassTheProbes() throws Exception {
        PolicyProbes probes = new PolicyProbes("123456789012", NOW);
        PolicyDocument merged = PolicyDocument.parse(
                Statements.document(
                        Statements.denySseCUploads("b") + "," + Statements.denyLongLivedKeyWrites("b", "123456789012")),
                PolicyKind.RESOURCE);
        PolicyDocument shipped = PolicyDocument.parse(
                Files.readString(Path.of("policies/deny-ssec-uploads.bucket-policy.json"))
                        .replace("BUCKET", "b"),
                PolicyKind.RESOURCE);
        PolicyDocument guardrail = PolicyDocument.parse(
                Files.readString(Path.of("policies/deny-long-lived-key-writes.bucket-policy.json"))
                        .replace("BUCKET", "b")
                        .replace("ACCOUNT_ID", "123456789012"),
                PolicyKind.RESOURCE);

        assertThat(probes.sseCUpload(merged, "b")).allMatch(PolicyProbes.Verdict::denied);
        assertThat(probes.sseCUpload(shipped, "b")).allMatch(PolicyProbes.Verdict::denied);
        assertThat(probes.longLivedWrites(merged, "b")).allMatch(PolicyProbes.Verdict::denied);
        assertThat(probes.longLivedWrites(guardrail, "b")).allMatch(PolicyProbes.Verdict::denied);
        // The guardrail leaves sessions alone, and the SSE-C deny leaves plain uploads alone.
        assertThat(probes.longLivedWrites(shipped, "b")).noneMatch(PolicyProbes.Verdict::denied);
        assertThat(probes.anonymousGrants(merged, "b")).isEmpty();
    }

    @Test
    void aDenyThatOnlyLooksRightIsNotAPass() {
        PolicyProbes probes = new PolicyProbes("123456789012", NOW);
        // Right words, wrong effect: the condition value "true" denies requests WITHOUT the header.
        PolicyDocument inverted = PolicyDocument.parse(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
                        + "\"Principal\":\"*\",\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::b/*\",\"Condition\":{\"Null\":"
                        + "{\"s3:x-amz-server-side-encryption-customer-algorithm\":\"true\"}}}]}",
                PolicyKind.RESOURCE);
        assertThat(probes.sseCUpload(inverted, "b")).noneMatch(PolicyProbes.Verdict::denied);
        // Another bucket's resource: does not protect this one.
        PolicyDocument elsewhere =
                PolicyDocument.parse(Statements.document(Statements.denySseCUploads("other")), PolicyKind.RESOURCE);
        assertThat(probes.sseCUpload(elsewhere, "b")).noneMatch(PolicyProbes.Verdict::denied);
        // Only roles denied: the IAM user's long-lived key still gets through.
        PolicyDocument rolesOnly = PolicyDocument.parse(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
                        + "\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b/*\",\"Condition\":{\"StringEquals\":"
                        + "{\"aws:PrincipalType\":\"AssumedRole\"},\"Null\":{\"s3:x-amz-server-side-encryption-customer-algorithm\":\"false\"}}}]}",
                PolicyKind.RESOURCE);
        List<PolicyProbes.Verdict> v = probes.sseCUpload(rolesOnly, "b");
        assertThat(v.get(0).denied()).isFalse();
        assertThat(v.get(1).denied()).isTrue();
    }

    @Test
    void cloudTrailSelectorsBasicAndAdvanced() {
        GetEventSelectorsResponse all = GetEventSelectorsResponse.builder()
                .eventSelectors(s -> s.readWriteType("All")
                        .dataResources(d -> d.type("AWS::S3::Object").values("arn:aws:s3")))
                .build();
        GetEventSelectorsResponse one = GetEventSelectorsResponse.builder()
                .eventSelectors(s -> s.readWriteType("WriteOnly")
                        .dataResources(d -> d.type("AWS::S3::Object").values("arn:aws:s3:::photos/")))
                .build();
        GetEventSelectorsResponse readOnly = GetEventSelectorsResponse.builder()
                .eventSelectors(s -> s.readWriteType("ReadOnly")
                        .dataResources(d -> d.type("AWS::S3::Object").values("arn:aws:s3")))
                .build();
        GetEventSelectorsResponse advanced = GetEventSelectorsResponse.builder()
                .advancedEventSelectors(a -> a.name("s3")
                        .fieldSelectors(
                                f -> f.field("eventCategory").equalsValue("Data"),
                                f -> f.field("resources.type").equalsValue("AWS::S3::Object")))
                .build();
        GetEventSelectorsResponse management = GetEventSelectorsResponse.builder()
                .advancedEventSelectors(a -> a.name("mgmt")
                        .fieldSelectors(f -> f.field("eventCategory").equalsValue("Management")))
                .build();
        assertThat(AccountChecks.s3DataScope(all)).isEqualTo("all buckets");
        assertThat(AccountChecks.s3DataScope(one)).isEqualTo("some buckets");
        assertThat(AccountChecks.s3DataScope(readOnly)).isEqualTo("none");
        assertThat(AccountChecks.s3DataScope(advanced)).isEqualTo("all buckets");
        assertThat(AccountChecks.s3DataScope(management)).isEqualTo("none");
    }

    @Test
    void fixMergeKeepsEveryStatementAndRefusesASidClash() {
        String merged = Fixer.merge(
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"Mine\",\"Effect\":\"Allow\","
                        + "\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
                List.of(Statements.denySseCUploads("b")));
        assertThat(merged).contains("\"Sid\":\"Mine\"").contains("\"Sid\":\"" + Statements.SSE_C_SID + "\"");
        assertThat(PolicyDocument.parse(merged, PolicyKind.RESOURCE).statements())
                .hasSize(2);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Fixer.merge(merged, List.of(Statements.denySseCUploads("b"))))
                .hasMessageContaining("already has a statement RampartGuardDenySSECUploads");
    }

    @Test
    void inventoryCsvRowsAsS3WritesThemAndManifestsGuardCannotUse() {
        assertThat(InventoryReports.csv("\"b\",\"a%2Cb \"\"q\"\".txt\",\"\",\"true\",\"SSE-C\""))
                .containsExactly("b", "a%2Cb \"q\".txt", "", "true", "SSE-C");
        InventoryReports.Manifest m = InventoryReports.parse(
                "s3://d/m.json",
                ("{\"sourceBucket\":\"src\",\"destinationBucket\":"
                                + "\"arn:aws:s3:::d\",\"creationTimestamp\":\"1764982800000\",\"fileFormat\":\"CSV\",\"fileSchema\":\"Bucket, Key, "
                                + "VersionId, EncryptionStatus\",\"files\":[{\"key\":\"x.csv.gz\",\"MD5checksum\":\"ab\"}]}")
                        .getBytes());
        assertThat(m.sourceBucket()).isEqualTo("src");
        assertThat(m.destinationBucket()).isEqualTo("d");
        assertThat(m.schema()).containsExactly("Bucket", "Key", "VersionId", "EncryptionStatus");
        assertThat(m.hasEncryptionStatus()).isTrue();
        assertThat(m.created()).isEqualTo(Instant.parse("2025-12-06T01:00:00Z"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        InventoryReports.parse("s3://d/m.json", "{\"fileFormat\":\"Parquet\",\"files\":[]}".getBytes()))
                .hasMessage("s3://d/m.json: format Parquet (guard reads CSV reports only)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> InventoryReports.parseS3Uri("s3://bucket-only"))
                .hasMessageContaining("expected s3://BUCKET/PATH/manifest.json");
        assertThat(InventoryReports.parseS3Uri("s3://b/p/manifest.json")).containsExactly("b", "p/manifest.json");
    }
}

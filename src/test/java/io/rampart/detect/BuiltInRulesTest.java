package io.rampart.detect;

import static io.rampart.detect.Events.copyInPlace;
import static io.rampart.detect.Events.put;
import static io.rampart.detect.Events.s3;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each built-in rule fires on its attack and stays quiet on the benign look-alike. */
class BuiltInRulesTest {
    private final Map<String, Finding> findings = new LinkedHashMap<>();
    private final Detector detector =
            new Detector(RulePack.builtIn(), Detector.Responses.NONE, (f, isNew) -> findings.put(f.id(), f));

    private void feed(Events.E... events) {
        for (Events.E e : events) detector.accept(e.json());
    }

    private void feed(List<Events.E> events) {
        events.forEach(e -> detector.accept(e.json()));
    }

    private List<Finding> of(String rule) {
        return findings.values().stream().filter(f -> f.ruleId().equals(rule)).toList();
    }

    @Test
    void builtInPackLoadsEveryRuleWithResponses() {
        assertThat(RulePack.builtIn())
                .extracting(Rule::id)
                .contains(
                        "sse-c-write-on-new-bucket",
                        "in-place-sse-c-reencryption",
                        "overwrite-or-delete-burst",
                        "lifecycle-expiration-added",
                        "versioning-suspended",
                        "bucket-policy-deleted",
                        "bucket-policy-made-public",
                        "sse-c-unblocked",
                        "object-lock-governance-bypass",
                        "public-access-block-removed",
                        "long-lived-key-new-source-ip",
                        "long-lived-key-new-user-agent",
                        "public-policy-then-bulk-reads");
        Rule inPlace = RulePack.builtIn().stream()
                .filter(r -> r.id().equals("in-place-sse-c-reencryption"))
                .findFirst()
                .orElseThrow();
        assertThat(inPlace.responses()).contains(ResponseAction.DEACTIVATE_KEY, ResponseAction.REVOKE_SESSIONS);
    }

    // (1) SSE-C on a bucket whose baseline has none

    @Test
    void sseCWriteOnABucketThatNeverUsedSseCFires() {
        for (int i = 0; i < 5; i++) feed(put("finance", "plain-" + i, i));
        feed(put("finance", "x", 10).sseC());
        assertThat(of("sse-c-write-on-new-bucket"))
                .singleElement()
                .satisfies(f -> assertThat(f.bucket()).isEqualTo("finance"));
    }

    @Test
    void sseCWritesOnABucketThatAlwaysUsedSseCDoNotFire() {
        for (int i = 0; i < 8; i++) feed(put("vault", "enc-" + i, i * 100L).sseC());
        assertThat(of("sse-c-write-on-new-bucket")).isEmpty();
    }

    // (2) in-place re-encryption

    @Test
    void copyOntoItselfWithSseCFires() {
        feed(copyInPlace("victim", "doc.pdf", 0).sseC());
        assertThat(of("in-place-sse-c-reencryption")).singleElement().satisfies(f -> {
            assertThat(f.accessKeyId()).isEqualTo("AKIAIOSFODNN7EXAMPLE");
            assertThat(f.principalArn()).isEqualTo("arn:aws:iam::111122223333:user/analyst");
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
        });
    }

    @Test
    void sseCCopyToAnotherKeyOrAFailedInPlaceCopyDoesNotFire() {
        feed(
                s3("CopyObject", "photos", "b.jpg", 0)
                        .param("x-amz-copy-source", "photos/a.jpg")
                        .sseC(),
                copyInPlace("photos", "c.jpg", 1).sseC().error("AccessDenied"),
                copyInPlace("photos", "d.jpg", 2));
        assertThat(of("in-place-sse-c-reencryption")).isEmpty();
    }

    @Test
    void urlEncodedCopySourceWithVersionIdIsStillInPlace() {
        feed(s3("CopyObject", "victim", "a b/c.txt", 0)
                .param("x-amz-copy-source", "/victim/a%20b/c.txt?versionId=3")
                .sseC());
        assertThat(of("in-place-sse-c-reencryption")).hasSize(1);
    }

    // (3) bursts of overwrites or deletes

    @Test
    void fiftyDeletesInAMinuteByOneKeyFire() {
        List<Events.E> es = new ArrayList<>();
        for (int i = 0; i < 50; i++) es.add(s3("DeleteObject", "data", "k" + i, i));
        feed(es);
        assertThat(of("overwrite-or-delete-burst"))
                .singleElement()
                .satisfies(f -> assertThat(f.count()).isEqualTo(50));
    }

    @Test
    void theSameDeletesSpreadOverAnHourDoNotFire() {
        List<Events.E> es = new ArrayList<>();
        for (int i = 0; i < 50; i++) es.add(s3("DeleteObject", "data", "k" + i, i * 72L));
        feed(es);
        assertThat(of("overwrite-or-delete-burst")).isEmpty();
    }

    @Test
    void aBurstOfPlainInPlaceCopiesCountsAsOverwrites() {
        List<Events.E> es = new ArrayList<>();
        for (int i = 0; i < 60; i++) es.add(copyInPlace("data", "k" + i, i / 2));
        feed(es);
        assertThat(of("overwrite-or-delete-burst"))
                .singleElement()
                .satisfies(f -> assertThat(f.count()).isEqualTo(60));
    }

    // (4) lifecycle expiration added or shortened

    static Events.E lifecycle(String bucket, long t, String rule) {
        return s3("PutBucketLifecycle", bucket, null, t)
                .param("lifecycle", "")
                .doc(
                        "LifecycleConfiguration",
                        "{\"xmlns\":\"http://s3.amazonaws.com/doc/2006-03-01/\",\"Rule\":" + rule + "}");
    }

    @Test
    void lifecycleThatAddsAnExpirationFiresAndShorteningItFiresAgain() {
        feed(lifecycle(
                "logs",
                0,
                "{\"ID\":\"keep\",\"Status\":\"Enabled\",\"Filter\":{\"Prefix\":\"\"},"
                        + "\"Transition\":{\"Days\":\"30\",\"StorageClass\":\"GLACIER\"}}"));
        feed(
                lifecycle(
                        "logs",
                        100,
                        "[{\"ID\":\"exp\",\"Status\":\"Enabled\",\"Filter\":{\"Prefix\":\"\"},\"Expiration\":{\"Days\":\"30\"}}]"));
        assertThat(of("lifecycle-expiration-added")).hasSize(1);
        feed(
                lifecycle(
                        "logs",
                        1000,
                        "{\"ID\":\"exp\",\"Status\":\"Enabled\",\"Filter\":{\"Prefix\":\"\"},\"Expiration\":{\"Days\":\"1\"}}"));
        assertThat(of("lifecycle-expiration-added")).hasSize(2);
    }

    @Test
    void archiveOnlyLifecycleAndALongerExpirationDoNotFire() {
        feed(lifecycle(
                "archive",
                0,
                "{\"ID\":\"a\",\"Status\":\"Enabled\",\"Filter\":{\"Prefix\":\"\"},"
                        + "\"Transition\":{\"Days\":\"90\",\"StorageClass\":\"DEEP_ARCHIVE\"}}"));
        feed(lifecycle(
                "archive",
                10,
                "{\"ID\":\"a\",\"Status\":\"Enabled\",\"Filter\":{\"Prefix\":\"\"},"
                        + "\"Transition\":{\"Days\":\"30\",\"StorageClass\":\"GLACIER\"}}"));
        assertThat(of("lifecycle-expiration-added")).isEmpty();
        findings.clear();
        feed(lifecycle("logs2", 0, "{\"ID\":\"e\",\"Status\":\"Enabled\",\"Expiration\":{\"Days\":\"30\"}}"));
        findings.clear();
        feed(lifecycle("logs2", 100, "{\"ID\":\"e\",\"Status\":\"Enabled\",\"Expiration\":{\"Days\":\"365\"}}"));
        assertThat(of("lifecycle-expiration-added")).isEmpty();
    }

    @Test
    void noncurrentVersionExpirationCountsAsExpiration() {
        feed(lifecycle(
                "v",
                0,
                "{\"ID\":\"n\",\"Status\":\"Enabled\",\"NoncurrentVersionExpiration\":{\"NoncurrentDays\":\"1\"}}"));
        assertThat(of("lifecycle-expiration-added")).hasSize(1);
    }

    // (5) defence evasion

    @Test
    void versioningSuspendedFiresEnabledDoesNot() {
        feed(s3("PutBucketVersioning", "b", null, 0).doc("VersioningConfiguration", "{\"Status\":\"Enabled\"}"));
        assertThat(of("versioning-suspended")).isEmpty();
        feed(s3("PutBucketVersioning", "b", null, 1)
                .doc(
                        "VersioningConfiguration",
                        "{\"Status\":\"Suspended\",\"xmlns\":\"http://s3.amazonaws.com/doc/2006-03-01/\"}"));
        assertThat(of("versioning-suspended")).hasSize(1);
    }

    @Test
    void bucketPolicyDeletedFiresReadingItDoesNot() {
        feed(s3("GetBucketPolicy", "b", null, 0).param("policy", ""));
        assertThat(of("bucket-policy-deleted")).isEmpty();
        feed(s3("DeleteBucketPolicy", "b", null, 1).param("policy", ""));
        assertThat(of("bucket-policy-deleted")).hasSize(1);
    }

    @Test
    void publicAllowPolicyFiresAPublicDenyForInsecureTransportDoesNot() {
        feed(s3("PutBucketPolicy", "b", null, 0).param("policy", "").doc("bucketPolicy", """
                {"Version":"2012-10-17","Statement":[{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*",
                 "Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},
                 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject",
                 "Resource":"arn:aws:s3:::b/*"}]}"""));
        assertThat(of("bucket-policy-made-public")).isEmpty();
        feed(s3("PutBucketPolicy", "b", null, 1).param("policy", "").doc("bucketPolicy", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject",
                 "Resource":"arn:aws:s3:::b/*"}]}"""));
        assertThat(of("bucket-policy-made-public")).hasSize(1);
    }

    @Test
    void blockedEncryptionTypesNoneFiresSseCBlockedDoesNot() {
        String cfg = "{\"Rule\":{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"AES256\"},"
                + "\"BlockedEncryptionTypes\":{\"EncryptionType\":\"%s\"}}}";
        feed(s3("PutBucketEncryption", "b", null, 0)
                .param("encryption", "")
                .doc("ServerSideEncryptionConfiguration", cfg.formatted("SSE-C")));
        assertThat(of("sse-c-unblocked")).isEmpty();
        feed(s3("PutBucketEncryption", "b", null, 1)
                .param("encryption", "")
                .doc("ServerSideEncryptionConfiguration", cfg.formatted("NONE")));
        assertThat(of("sse-c-unblocked")).hasSize(1);
    }

    @Test
    void governanceBypassFiresAPlainDeleteDoesNot() {
        feed(s3("DeleteObject", "locked", "k", 0).param("versionId", "v1"));
        assertThat(of("object-lock-governance-bypass")).isEmpty();
        feed(s3("DeleteObject", "locked", "k", 1)
                .param("versionId", "v1")
                .param("x-amz-bypass-governance-retention", "true"));
        assertThat(of("object-lock-governance-bypass")).hasSize(1);
    }

    @Test
    void publicAccessBlockRemovedFiresTighteningItDoesNot() {
        feed(
                s3("PutPublicAccessBlock", "b", null, 0)
                        .param("publicAccessBlock", "")
                        .doc(
                                "PublicAccessBlockConfiguration",
                                "{\"BlockPublicAcls\":true,\"IgnorePublicAcls\":true,\"BlockPublicPolicy\":true,\"RestrictPublicBuckets\":true}"));
        assertThat(of("public-access-block-removed")).isEmpty();
        feed(
                s3("PutPublicAccessBlock", "b", null, 1)
                        .param("publicAccessBlock", "")
                        .doc(
                                "PublicAccessBlockConfiguration",
                                "{\"BlockPublicAcls\":true,\"IgnorePublicAcls\":true,\"BlockPublicPolicy\":false,\"RestrictPublicBuckets\":true}"));
        feed(s3("DeletePublicAccessBlock", "c", null, 2).param("publicAccessBlock", ""));
        assertThat(of("public-access-block-removed")).hasSize(2);
    }

    // (6) long-lived key from a new source

    @Test
    void longLivedKeyFromANewIpAfterItsBaselineFires() {
        for (int i = 0; i < 10; i++) feed(put("b", "k" + i, i).ip("192.0.2.10"));
        assertThat(of("long-lived-key-new-source-ip")).isEmpty();
        feed(put("b", "x", 20).ip("203.0.113.66"));
        assertThat(of("long-lived-key-new-source-ip"))
                .singleElement()
                .satisfies(f -> assertThat(f.accessKeyId()).isEqualTo("AKIAIOSFODNN7EXAMPLE"));
        feed(put("b", "y", 30).agent("python-requests/2.31"));
        assertThat(of("long-lived-key-new-user-agent")).hasSize(1);
    }

    @Test
    void temporaryCredentialsFromNewIpsAndAKeyWithoutBaselineDoNotFire() {
        for (int i = 0; i < 12; i++)
            feed(put("b", "k" + i, i).role("app", "s" + i, "ASIAEXAMPLE" + i).ip("198.51.100." + i));
        for (int i = 0; i < 3; i++)
            feed(put("b", "n" + i, i).user("new", "AKIANEWKEY000000001").ip("203.0.113." + i));
        assertThat(of("long-lived-key-new-source-ip")).isEmpty();
    }

    // (7) public policy then bulk reads

    @Test
    void publicPolicyFollowedByBulkReadsFires() {
        feed(
                s3("PutBucketPolicy", "site", null, 0)
                        .doc(
                                "bucketPolicy",
                                "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::site/*\"}]}"));
        for (int i = 0; i < 100; i++)
            feed(s3("GetObject", "site", "f" + i, 60 + i).ip("198.51.100.7"));
        assertThat(of("public-policy-then-bulk-reads"))
                .singleElement()
                .satisfies(f -> assertThat(f.bucket()).isEqualTo("site"));
    }

    @Test
    void bulkReadsWithoutAPublicPolicyOrAfterItExpiredDoNotFire() {
        for (int i = 0; i < 150; i++) feed(s3("GetObject", "data", "f" + i, i));
        feed(
                s3("PutBucketPolicy", "old", null, 0)
                        .doc(
                                "bucketPolicy",
                                "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::old/*\"}]}"));
        for (int i = 0; i < 150; i++) feed(s3("GetObject", "old", "f" + i, 2 * 86_400L + i));
        assertThat(of("public-policy-then-bulk-reads")).isEmpty();
    }

    // the engine

    @Test
    void aFindingGrowsWithLaterEventsOfItsGroupInsteadOfMultiplying() {
        for (int i = 0; i < 5; i++) feed(copyInPlace("victim", "d" + i, i).sseC());
        assertThat(of("in-place-sse-c-reencryption")).singleElement().satisfies(f -> {
            assertThat(f.count()).isEqualTo(5);
            assertThat(f.evidence()).hasSize(5);
        });
    }

    @Test
    void aRestoredSnapshotContinuesWindowsAndBaselines() {
        for (int i = 0; i < 5; i++) feed(put("finance", "p" + i, i));
        for (int i = 0; i < 30; i++) feed(s3("DeleteObject", "data", "k" + i, i));
        JsonNode snap = detector.snapshot();
        Map<String, Finding> later = new LinkedHashMap<>();
        Detector restarted = new Detector(RulePack.builtIn(), Detector.Responses.NONE, (f, n) -> later.put(f.id(), f));
        restarted.restore(snap);
        restarted.accept(put("finance", "x", 10).sseC().json());
        for (int i = 30; i < 50; i++)
            restarted.accept(s3("DeleteObject", "data", "k" + i, i).json());
        assertThat(later.values())
                .extracting(Finding::ruleId)
                .contains("sse-c-write-on-new-bucket", "overwrite-or-delete-burst");
    }
}

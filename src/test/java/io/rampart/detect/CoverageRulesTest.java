package io.rampart.detect;

import static io.rampart.detect.Events.copyInPlace;
import static io.rampart.detect.Events.put;
import static io.rampart.detect.Events.s3;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The S3 ransomware and defence-evasion cases of Panther's fixtures, Stratus Red Team and the Cloud Bank Breach
 * dataset, in the shape AWS writes them: each fires, and its benign look-alike does not.
 */
class CoverageRulesTest {
    private final Map<String, Finding> findings = new LinkedHashMap<>();
    private final Detector detector =
            new Detector(RulePack.builtIn(), Detector.Responses.NONE, (f, isNew) -> findings.put(f.id(), f));

    private void feed(Events.E... events) {
        for (Events.E e : events) detector.accept(e.json());
    }

    private List<Finding> of(String rule) {
        return findings.values().stream().filter(f -> f.ruleId().equals(rule)).toList();
    }

    private static Events.E versioning(String bucket, long t, String doc) {
        return s3("PutBucketVersioning", bucket, null, t)
                .param("versioning", "")
                .doc("VersioningConfiguration", doc);
    }

    @Test
    void mfaDeleteDisabledFiresEnablingItDoesNot() {
        feed(versioning("b", 0, "{\"Status\":\"Enabled\",\"MfaDelete\":\"Enabled\"}"));
        assertThat(of("mfa-delete-disabled")).isEmpty();
        feed(versioning("b", 1, "{\"Status\":\"Enabled\",\"MfaDelete\":\"Disabled\"}"));
        assertThat(of("mfa-delete-disabled"))
                .singleElement()
                .satisfies(f -> assertThat(f.bucket()).isEqualTo("b"));
        assertThat(of("versioning-suspended")).isEmpty();
    }

    @Test
    void versioningDisabledSpellingsCountAsSuspended() {
        feed(
                versioning("b1", 0, "{\"Status\":\"Disabled\"}"),
                versioning("b2", 1, "{\"Status\":\"suspended\"}"),
                versioning("b3", 2, "{\"Status\":\"Enabled\"}"));
        assertThat(of("versioning-suspended")).extracting(Finding::bucket).containsExactlyInAnyOrder("b1", "b2");
    }

    @Test
    void encryptionAndReplicationDeletedFireReadingThemDoesNot() {
        feed(
                s3("GetBucketEncryption", "b", null, 0).param("encryption", ""),
                s3("GetBucketReplication", "b", null, 1).param("replication", ""),
                s3("DeleteBucketEncryption", "b", null, 1)
                        .param("encryption", "")
                        .error("AccessDenied"));
        assertThat(of("bucket-encryption-deleted")).isEmpty();
        assertThat(of("bucket-replication-deleted")).isEmpty();
        feed(
                s3("DeleteBucketEncryption", "b", null, 2).param("encryption", ""),
                s3("DeleteBucketReplication", "b", null, 3).param("replication", ""));
        assertThat(of("bucket-encryption-deleted")).hasSize(1);
        assertThat(of("bucket-replication-deleted")).hasSize(1);
    }

    @Test
    void loggingDisabledFiresLoggingEnabledDoesNot() {
        feed(
                s3("PutBucketLogging", "data", null, 0)
                        .param("logging", "")
                        .doc(
                                "BucketLoggingStatus",
                                "{\"xmlns\":\"http://s3.amazonaws.com/doc/2006-03-01/\",\"LoggingEnabled\":{\"TargetBucket\":\"logs\",\"TargetPrefix\":\"data/\"}}"));
        assertThat(of("bucket-logging-disabled")).isEmpty();
        feed(s3("PutBucketLogging", "data", null, 1)
                .param("logging", "")
                .doc("BucketLoggingStatus", "{\"xmlns\":\"http://s3.amazonaws.com/doc/2006-03-01/\"}"));
        assertThat(of("bucket-logging-disabled")).hasSize(1);
    }

    @Test
    void publicAccessBlockDeletedOrLoosenedUnderAwsEventNames() {
        feed(
                s3("PutBucketPublicAccessBlock", "b", null, 0)
                        .param("publicAccessBlock", "")
                        .doc(
                                "PublicAccessBlockConfiguration",
                                "{\"BlockPublicAcls\":true,\"IgnorePublicAcls\":true,\"BlockPublicPolicy\":true,\"RestrictPublicBuckets\":true}"));
        assertThat(of("public-access-block-removed")).isEmpty();
        feed(
                s3("PutBucketPublicAccessBlock", "b", null, 1)
                        .param("publicAccessBlock", "")
                        .doc(
                                "PublicAccessBlockConfiguration",
                                "{\"BlockPublicAcls\":true,\"IgnorePublicAcls\":true,\"BlockPublicPolicy\":false,\"RestrictPublicBuckets\":true}"),
                s3("DeleteBucketPublicAccessBlock", "c", null, 2).param("publicAccessBlock", ""));
        assertThat(of("public-access-block-removed"))
                .extracting(Finding::bucket)
                .containsExactlyInAnyOrder("b", "c");
    }

    @Test
    void ransomNotesFireOrdinaryReadmesAndScriptsDoNot() {
        for (String benign : List.of(
                "README.md",
                "docs/readme.txt",
                "tools/decrypt.py",
                "recovery-plan.pdf",
                "how-to-guide.pdf",
                "restore/2025-01-13.tar")) {
            feed(put("share", benign, 0));
        }
        assertThat(of("ransom-note-upload")).isEmpty();
        List<String> notes = List.of(
                "HOW_TO_DECRYPT.txt",
                "finance/README-RANSOM.txt",
                "DECRYPT-FILES-INSTRUCTIONS.html",
                "RECOVER_YOUR_FILES.txt",
                "a/b/How-To-Restore-Files.txt",
                "YOUR_FILES_ARE_ENCRYPTED.html");
        for (int i = 0; i < notes.size(); i++) {
            feed(put("victim" + i, notes.get(i), 100 + i).user("attacker", "AKIAATTACKEREXAMPLE1"));
        }
        assertThat(of("ransom-note-upload")).hasSize(notes.size());
    }

    @Test
    void sseCCopyElsewhereFiresRotationAndPlainCopiesDoNot() {
        feed(
                s3("CopyObject", "photos", "b.jpg", 0).param("x-amz-copy-source", "photos/a.jpg"),
                s3("CopyObject", "photos", "c.jpg", 1)
                        .param("x-amz-copy-source", "photos/c-old.jpg")
                        .sseC()
                        .copySourceKeyGiven());
        assertThat(of("sse-c-copy-elsewhere")).isEmpty();
        feed(copyInPlace("photos", "d.jpg", 2).sseC());
        assertThat(of("sse-c-copy-elsewhere")).as("in place is the HIGH rule's").isEmpty();
        feed(s3("CopyObject", "stash", "a.jpg", 3)
                .param("x-amz-copy-source", "photos/a.jpg")
                .sseC());
        assertThat(of("sse-c-copy-elsewhere"))
                .as("one SSE-C copy is a legitimate use")
                .isEmpty();
        // Slowly, one every 50 s: below sse-c-write-burst's 3 a minute, ten within ten minutes. Panther's fixture shape
        // (no x-amz-copy-source recorded) counts too.
        findings.clear();
        for (int i = 0; i < 9; i++) {
            Events.E e = s3("CopyObject", "stash", "k" + i, 100 + i * 50L).sseC();
            if (i % 2 == 0) e.param("x-amz-copy-source", "photos/k" + i);
            feed(e);
        }
        assertThat(of("sse-c-write-burst")).isEmpty();
        assertThat(of("sse-c-copy-elsewhere")).singleElement().satisfies(f -> {
            assertThat(f.bucket()).isEqualTo("stash");
            assertThat(f.count()).isEqualTo(10);
        });
    }

    @Test
    void shortLifecycleOnATrailOrAccessLogBucketFires() {
        Events.E trail = s3("CreateTrail", "unused", null, 0);
        ((ObjectNode) trail.json()).put("eventSource", "cloudtrail.amazonaws.com");
        ((ObjectNode) trail.json())
                .set(
                        "requestParameters",
                        Events.JSON
                                .createObjectNode()
                                .put("name", "org-trail")
                                .put("s3BucketName", "org-cloudtrail-logs"));
        ((ObjectNode) trail.json()).remove("resources");
        feed(
                trail,
                s3("PutBucketLogging", "data", null, 10)
                        .param("logging", "")
                        .doc(
                                "BucketLoggingStatus",
                                "{\"LoggingEnabled\":{\"TargetBucket\":\"access-logs\",\"TargetPrefix\":\"data/\"}}"));
        // A short expiration on an ordinary bucket, or a long one on the log bucket: not this rule.
        feed(
                BuiltInRulesTest.lifecycle(
                        "scratch", 100, "{\"ID\":\"t\",\"Status\":\"Enabled\",\"Expiration\":{\"Days\":1}}"),
                BuiltInRulesTest.lifecycle(
                        "access-logs", 101, "{\"ID\":\"t\",\"Status\":\"Enabled\",\"Expiration\":{\"Days\":400}}"));
        assertThat(of("short-lifecycle-on-log-bucket")).isEmpty();
        feed(
                BuiltInRulesTest.lifecycle(
                        "org-cloudtrail-logs",
                        86_400 * 30L,
                        "{\"ID\":\"nuke\",\"Status\":\"Enabled\",\"Expiration\":{\"Days\":1}}"),
                BuiltInRulesTest.lifecycle(
                        "access-logs",
                        86_400 * 31L,
                        "{\"ID\":\"n\",\"Status\":\"Enabled\",\"Expiration\":{\"Days\":3}}"));
        assertThat(of("short-lifecycle-on-log-bucket"))
                .extracting(Finding::bucket)
                .containsExactlyInAnyOrder("org-cloudtrail-logs", "access-logs");
    }

    private static Events.E instanceRole(String ip, long t) {
        return s3("GetObject", "customer-data", "accounts-" + t + ".csv", t)
                .role("WAF-Role", "i-0a1b2c3d4e5f67890", "ASIAINSTANCEEXAMPLE1")
                .ip(ip);
    }

    @Test
    void instanceRoleCredentialsUsedFromOutsideFire() {
        for (int i = 0; i < 5; i++) feed(instanceRole("10.0.1." + (20 + i % 2), i));
        feed(instanceRole("10.0.1.99", 10)); // same /24: the instance's subnet
        // Another session of the role, from another network, is another session (no baseline of its own yet).
        feed(s3("GetObject", "customer-data", "x", 11)
                .role("WAF-Role", "i-0ffffffffffffffff", "ASIAOTHEREXAMPLE0001")
                .ip("10.0.9.5"));
        assertThat(of("temporary-credentials-new-network")).isEmpty();
        feed(instanceRole("198.51.100.7", 20));
        assertThat(of("temporary-credentials-new-network")).singleElement().satisfies(f -> {
            assertThat(f.accessKeyId()).isEqualTo("ASIAINSTANCEEXAMPLE1");
            assertThat(f.principalArn())
                    .isEqualTo("arn:aws:sts::111122223333:assumed-role/WAF-Role/i-0a1b2c3d4e5f67890");
        });
    }

    @Test
    void longLivedKeysAreNotThisRule() {
        for (int i = 0; i < 5; i++) feed(put("b", "k" + i, i).ip("10.0.0.1"));
        feed(put("b", "k9", 10).ip("198.51.100.7"));
        assertThat(of("temporary-credentials-new-network")).isEmpty();
    }
}

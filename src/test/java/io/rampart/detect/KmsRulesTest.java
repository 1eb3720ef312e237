package io.rampart.detect;

import static io.rampart.detect.Events.put;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The built-in KMS rules: each fires on its attack and stays quiet on the benign look-alike. */
class KmsRulesTest {
    private static final String KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private final Map<String, Finding> findings = new LinkedHashMap<>();
    private final List<String> responses = new ArrayList<>();
    private final Detector detector = new Detector(
            RulePack.builtIn(),
            (action, f, target) -> {
                responses.add(action.yamlName() + " " + target);
                return List.of();
            },
            (f, isNew) -> findings.put(f.id(), f));

    private List<Finding> of(String rule) {
        return findings.values().stream().filter(f -> f.ruleId().equals(rule)).toList();
    }

    /** A KMS management call on KEY, as Rampart's trail records it. */
    private static Events.E kms(String eventName, long t) {
        Events.E e = Events.s3(eventName, "unused", null, t);
        e.r.put("eventSource", "kms.amazonaws.com");
        ObjectNode p = e.r.putObject("requestParameters");
        p.put("keyId", KEY);
        e.r.putArray("resources")
                .addObject()
                .put("accountId", "111122223333")
                .put("type", "AWS::KMS::Key")
                .put("ARN", KEY);
        return e;
    }

    private static Events.E protecting(Events.E e, boolean protects) {
        ((ObjectNode) e.r.get("additionalEventData"))
                .putObject("x-rampart-kms-key")
                .put("protectsObjects", protects)
                .put("buckets", protects ? 2 : 0);
        return e;
    }

    private static Events.E policyChange(Events.E e, boolean before, boolean after) {
        ((ObjectNode) e.r.get("additionalEventData"))
                .putObject("x-rampart-kms-key-policy")
                .put("accountAccessBefore", before)
                .put("accountAccessAfter", after);
        return e;
    }

    private static Events.E underKey(Events.E e, String keyArn, boolean replaced) {
        e.r.putObject("responseElements")
                .put("x-amz-server-side-encryption", "aws:kms")
                .put("x-amz-server-side-encryption-aws-kms-key-id", keyArn);
        return e.replaced(replaced ? "SSE-S3" : null);
    }

    @Test
    void scheduleDeletionOfAKeyProtectingObjectsFiresAndRestoresTheKey() {
        detector.accept(protecting(kms("ScheduleKeyDeletion", 0), true).json());
        assertThat(of("kms-key-protecting-objects-deleted-or-disabled"))
                .singleElement()
                .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
        assertThat(responses).contains("restore-kms-key " + KEY, "deactivate-key AKIAIOSFODNN7EXAMPLE");
    }

    @Test
    void disableKeyOfAKeyProtectingObjectsFires() {
        detector.accept(protecting(kms("DisableKey", 0), true).json());
        assertThat(of("kms-key-protecting-objects-deleted-or-disabled")).hasSize(1);
    }

    @Test
    void deletingAnUnusedKeyOrAFailedDeletionDoesNotFire() {
        detector.accept(protecting(kms("ScheduleKeyDeletion", 0), false).json());
        detector.accept(protecting(kms("ScheduleKeyDeletion", 1), true)
                .error("AccessDeniedException")
                .json());
        detector.accept(protecting(kms("EnableKey", 2), true).json());
        assertThat(of("kms-key-protecting-objects-deleted-or-disabled")).isEmpty();
    }

    @Test
    void keyPolicyRemovingTheAccountFires() {
        detector.accept(policyChange(kms("PutKeyPolicy", 0), true, false).json());
        assertThat(of("kms-key-policy-removes-owner-access"))
                .singleElement()
                .satisfies(f -> assertThat(f.accessKeyId()).isEqualTo("AKIAIOSFODNN7EXAMPLE"));
    }

    @Test
    void keyPolicyKeepingTheAccountDoesNotFire() {
        detector.accept(policyChange(kms("PutKeyPolicy", 0), true, true).json());
        detector.accept(policyChange(kms("PutKeyPolicy", 1), false, false).json());
        assertThat(of("kms-key-policy-removes-owner-access")).isEmpty();
    }

    @Test
    void overwritesUnderAKmsKeyNewToTheBucketFire() {
        String attackerKey = "arn:aws:kms:us-east-1:999988887777:key/00000000-0000-0000-0000-000000000001";
        detector.accept(put("finance", "a", 0).replaced(null).json());
        detector.accept(underKey(put("finance", "b", 1), KEY, false).json());
        detector.accept(underKey(put("finance", "a", 2), attackerKey, true).json());
        assertThat(of("objects-rewritten-under-new-kms-key"))
                .singleElement()
                .satisfies(f -> assertThat(f.bucket()).isEqualTo("finance"));
    }

    @Test
    void overwritesUnderTheBucketsUsualKmsKeyDoNotFire() {
        detector.accept(underKey(put("vault", "a", 0), KEY, false).json());
        for (int i = 1; i < 5; i++)
            detector.accept(underKey(put("vault", "a", i), KEY, true).json());
        assertThat(of("objects-rewritten-under-new-kms-key")).isEmpty();
    }
}

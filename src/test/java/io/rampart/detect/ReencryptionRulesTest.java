package io.rampart.detect;

import static io.rampart.detect.Events.copyInPlace;
import static io.rampart.detect.Events.put;
import static io.rampart.detect.Events.s3;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The re-encryption rules that do not depend on the API used (issue 15): each fires on its attack and stays quiet on
 * the benign look-alike, and none fires on AWS exports that lack Rampart's additionalEventData.
 */
class ReencryptionRulesTest {
    private static final List<ResponseAction> CONTAIN = List.of(
            ResponseAction.DEACTIVATE_KEY,
            ResponseAction.REVOKE_SESSIONS,
            ResponseAction.BLOCK_SSE_C,
            ResponseAction.NOTIFY);

    private final Map<String, Finding> findings = new LinkedHashMap<>();
    private final Detector detector =
            new Detector(RulePack.builtIn(), Detector.Responses.NONE, (f, isNew) -> findings.put(f.id(), f));

    private void feed(Events.E... events) {
        for (Events.E e : events) detector.accept(e.json());
    }

    private List<Finding> of(String rule) {
        return findings.values().stream().filter(f -> f.ruleId().equals(rule)).toList();
    }

    private static Rule rule(String id) {
        return RulePack.builtIn().stream()
                .filter(r -> r.id().equals(id))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theNewRulesAreHighWithContainmentExceptKeyRotation() {
        for (String id : List.of(
                "sse-c-overwrite-of-non-sse-c",
                "read-then-sse-c-rewrite",
                "evasion-then-destructive-writes",
                "sse-c-unblocked-then-sse-c-overwrites")) {
            assertThat(rule(id).severity()).as(id).isEqualTo(Severity.HIGH);
            assertThat(rule(id).responses()).as(id).containsExactlyElementsOf(CONTAIN);
            assertThat(rule(id).threshold()).as(id).isEqualTo(1);
        }
        assertThat(rule("sse-c-key-rotation").severity()).isEqualTo(Severity.LOW);
        assertThat(rule("sse-c-key-rotation").responses()).containsExactly(ResponseAction.NOTIFY);
    }

    // (a) an SSE-C write replacing an object that was not SSE-C

    @Test
    void theFirstSseCPutOverAPlainObjectFires() {
        feed(put("victim", "a.doc", 0).sseC().replaced("SSE-S3"));
        assertThat(of("sse-c-overwrite-of-non-sse-c")).singleElement().satisfies(f -> {
            assertThat(f.accessKeyId()).isEqualTo("AKIAIOSFODNN7EXAMPLE");
            assertThat(f.bucket()).isEqualTo("victim");
        });
    }

    @Test
    void multipartAndCopyOverPlainObjectsFireToo() {
        // Three keys (one finding per key: a second write by the same key grows the first finding).
        feed(s3("CreateMultipartUpload", "v1", "big", 0)
                .param("uploads", "")
                .sseC()
                .replaced("none"));
        // CompleteMultipartUpload carries no SSE-C header: the encryption applied says it.
        feed(s3("CompleteMultipartUpload", "v2", "big", 1)
                .param("uploadId", "u")
                .sseApplied("SSE_C")
                .replaced("SSE-KMS")
                .user("u2", "AKIAU2EXAMPLEEXAMPL2"));
        feed(s3("CopyObject", "v3", "dst", 2)
                .param("x-amz-copy-source", "v3/src")
                .sseC()
                .replaced("SSE-S3")
                .user("u3", "AKIAU3EXAMPLEEXAMPL3"));
        assertThat(of("sse-c-overwrite-of-non-sse-c"))
                .extracting(Finding::bucket)
                .containsExactlyInAnyOrder("v1", "v2", "v3");
    }

    @Test
    void aBrowserUploadWithSseCOverAPlainObjectFiresToo() {
        // POST Object is one more way to write: its record (eventName PostObject) carries the same fields.
        feed(s3("PostObject", "v4", "form.doc", 0).sseC().sseApplied("SSE_C").replaced("SSE-S3"));
        assertThat(of("sse-c-overwrite-of-non-sse-c"))
                .extracting(Finding::bucket)
                .containsExactly("v4");
    }

    @Test
    void sseCWritesThatCreateOrReplaceSseCObjectsAndPlainOverwritesDoNotFire() {
        feed(
                put("vault", "new", 0).sseC().replaced(null),
                put("vault", "rewritten", 1).sseC().replaced("SSE-C"),
                put("plain", "overwritten", 2).replaced("SSE-S3"),
                put("vault", "denied", 3).sseC().replaced("SSE-S3").error("AccessDenied"));
        assertThat(of("sse-c-overwrite-of-non-sse-c")).isEmpty();
    }

    // (b) read, then rewrite with SSE-C

    @Test
    void readingThenRewritingTheSameKeyWithSseCFires() {
        feed(
                s3("GetObject", "victim", "q3.xlsx", 0),
                put("victim", "q3.xlsx", 1).sseC());
        assertThat(of("read-then-sse-c-rewrite"))
                .singleElement()
                .satisfies(f -> assertThat(f.principalArn()).isEqualTo("arn:aws:iam::111122223333:user/analyst"));
    }

    @Test
    void rewritingOnesOwnSseCObjectAnotherKeyAnotherPrincipalOrMuchLaterDoesNotFire() {
        // Own SSE-C object, read with its key and written back.
        feed(s3("GetObject", "vault", "mine", 0).sseC(), put("vault", "mine", 1).sseC());
        // Another key.
        feed(s3("GetObject", "docs", "a", 2), put("docs", "b", 3).sseC());
        // Another principal.
        feed(s3("GetObject", "docs", "c", 4), put("docs", "c", 5).sseC().user("backup", "AKIAOTHERKEYEXAMPLE1"));
        // An hour later.
        feed(s3("GetObject", "docs", "d", 6), put("docs", "d", 3_600).sseC());
        // Rampart says what it replaced: an SSE-C object (rotation by rewrite), or nothing (deleted meanwhile).
        feed(s3("GetObject", "docs", "e", 7), put("docs", "e", 8).sseC().replaced("SSE-C"));
        feed(s3("GetObject", "docs", "f", 9), put("docs", "f", 10).sseC().replaced(null));
        assertThat(of("read-then-sse-c-rewrite")).isEmpty();
    }

    // (c) key rotation: the copy source's key given

    @Test
    void anSseCKeyRotationIsALowFindingAndNotAnInPlaceReencryption() {
        for (int i = 0; i < 60; i++)
            feed(copyInPlace("vault", "k" + i, i / 2)
                    .sseC()
                    .copySourceKeyGiven()
                    .replaced("SSE-C"));
        assertThat(of("sse-c-key-rotation")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.LOW);
            assertThat(f.count()).isEqualTo(60);
        });
        assertThat(findings.values())
                .extracting(Finding::ruleId)
                .doesNotContain(
                        "in-place-sse-c-reencryption",
                        "sse-c-overwrite-of-non-sse-c",
                        "overwrite-or-delete-burst",
                        "read-then-sse-c-rewrite");
    }

    @Test
    void anInPlaceSseCCopyWithoutTheSourceKeyIsNoRotation() {
        feed(copyInPlace("victim", "k", 0).sseC());
        assertThat(of("sse-c-key-rotation")).isEmpty();
        assertThat(of("in-place-sse-c-reencryption")).hasSize(1);
    }

    // defence evasion, then destructive writes

    static Events.E suspend(String bucket, long t) {
        return s3("PutBucketVersioning", bucket, null, t)
                .param("versioning", "")
                .doc("VersioningConfiguration", "{\"Status\":\"Suspended\"}");
    }

    @Test
    void suspendingVersioningThenOverwritingFires() {
        feed(suspend("victim", 0), put("victim", "a", 5).replaced("SSE-S3"));
        assertThat(of("evasion-then-destructive-writes"))
                .singleElement()
                .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
    }

    @Test
    void aShortExpirationThenDeletesOrInPlaceCopiesFire() {
        feed(
                BuiltInRulesTest.lifecycle(
                                "b3", 0, "{\"ID\":\"x\",\"Status\":\"Enabled\",\"Expiration\":{\"Days\":\"7\"}}")
                        .user("m3", "AKIAM3EXAMPLEEXAMPL3"),
                copyInPlace("b3", "k", 2).user("m3", "AKIAM3EXAMPLEEXAMPL3"));
        feed(
                BuiltInRulesTest.lifecycle(
                                "b4",
                                0,
                                "{\"ID\":\"x\",\"Status\":\"Enabled\",\"NoncurrentVersionExpiration\":"
                                        + "{\"NoncurrentDays\":\"1\"}}")
                        .user("m4", "AKIAM4EXAMPLEEXAMPL4"),
                s3("DeleteObjects", "b4", null, 1).param("delete", "").user("m4", "AKIAM4EXAMPLEEXAMPL4"));
        assertThat(of("evasion-then-destructive-writes"))
                .extracting(Finding::bucket)
                .containsExactlyInAnyOrder("b3", "b4");
    }

    @Test
    void unblockingSseCOrDeletingThePolicyThenAnSseCOverwriteFires() {
        String cfg = "{\"Rule\":{\"BlockedEncryptionTypes\":{\"EncryptionType\":\"NONE\"}}}";
        feed(
                s3("PutBucketEncryption", "b1", null, 0)
                        .param("encryption", "")
                        .doc("ServerSideEncryptionConfiguration", cfg)
                        .user("m1", "AKIAM1EXAMPLEEXAMPL1"),
                put("b1", "k", 1).sseC().replaced("SSE-C").user("m1", "AKIAM1EXAMPLEEXAMPL1"));
        feed(
                s3("DeleteBucketPolicy", "b2", null, 0).user("m2", "AKIAM2EXAMPLEEXAMPL2"),
                put("b2", "k", 1).sseC().replaced("SSE-C").user("m2", "AKIAM2EXAMPLEEXAMPL2"));
        assertThat(of("sse-c-unblocked-then-sse-c-overwrites"))
                .extracting(Finding::bucket)
                .containsExactlyInAnyOrder("b1", "b2");
    }

    @Test
    void anOwnerWhoAllowedSseCThenWritesNewSseCObjectsOrDeletesIsNotContained() {
        String cfg = "{\"Rule\":{\"BlockedEncryptionTypes\":{\"EncryptionType\":\"NONE\"}}}";
        feed(
                s3("PutBucketEncryption", "b", null, 0)
                        .param("encryption", "")
                        .doc("ServerSideEncryptionConfiguration", cfg),
                put("b", "new", 1).sseC().replaced(null),
                put("b", "plain", 2).replaced("SSE-S3"),
                s3("DeleteObjects", "b", null, 3).param("delete", ""),
                s3("DeleteObject", "b", "x", 4),
                // and rotates its SSE-C keys
                copyInPlace("b", "sealed", 5).sseC().copySourceKeyGiven().replaced("SSE-C"));
        assertThat(findings.values())
                .extracting(Finding::ruleId)
                .doesNotContain("sse-c-unblocked-then-sse-c-overwrites", "evasion-then-destructive-writes");
    }

    @Test
    void newObjectsAfterEvasionWritesByOthersALongExpirationOrLaterWritesDoNotFire() {
        feed(suspend("logs", 0), put("logs", "new-1", 1).replaced(null), put("logs", "new-2", 2));
        feed(suspend("shared", 10), put("shared", "a", 11).replaced("SSE-S3").user("bob", "AKIABOBEXAMPLEEXAMPL"));
        feed(
                BuiltInRulesTest.lifecycle(
                                "archive",
                                20,
                                "{\"ID\":\"x\",\"Status\":\"Enabled\",\"Expiration\":{\"Days\":\"365\"}}")
                        .user("carol", "AKIACAROLEXAMPLEEXAM"),
                s3("DeleteObject", "archive", "k", 21).user("carol", "AKIACAROLEXAMPLEEXAM"));
        feed(
                suspend("old", 30).user("dave", "AKIADAVEEXAMPLEEXAMP"),
                s3("DeleteObject", "old", "k", 30 + 7_200).user("dave", "AKIADAVEEXAMPLEEXAMP"));
        assertThat(of("evasion-then-destructive-writes")).isEmpty();
    }

    // AWS exports: no x-rampart-* fields

    @Test
    void withoutRampartsFieldsOnlyTheWriteBurstSeesSseCPuts() {
        for (int i = 0; i < 5; i++) feed(put("exported", "k" + i, i).sseC());
        feed(suspend("exported", 10), put("exported", "k0", 11));
        assertThat(findings.values())
                .extracting(Finding::ruleId)
                .contains("sse-c-write-burst", "versioning-suspended")
                .doesNotContain(
                        "sse-c-overwrite-of-non-sse-c",
                        "read-then-sse-c-rewrite",
                        "evasion-then-destructive-writes",
                        "sse-c-unblocked-then-sse-c-overwrites");
    }

    @Test
    void sequenceStartsAreBoundedPerRule() {
        for (int i = 0; i < Detector.MAX_SEQUENCES + 50; i++) feed(s3("GetObject", "big", "k" + i, i / 100));
        assertThat(detector.snapshot().path("lastA").size()).isEqualTo(Detector.MAX_SEQUENCES);
        // The most recent reads are still remembered.
        feed(put("big", "k" + (Detector.MAX_SEQUENCES + 49), 200).sseC());
        assertThat(of("read-then-sse-c-rewrite")).hasSize(1);
    }
}

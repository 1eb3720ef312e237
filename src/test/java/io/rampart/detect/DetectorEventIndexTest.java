package io.rampart.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The detector looks only at the rules a record's event name can match: a rule (or its sequence's start) that names
 * events sees only those, a rule that names none sees every record, and what a pack finds does not change.
 */
class DetectorEventIndexTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Rule rule(String id) {
        return RulePack.builtIn().stream()
                .filter(r -> r.id().equals(id))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aRuleIsIndexedUnderTheEventNamesItsMatchAndItsSequenceStartName() {
        assertThat(Detector.eventNames(rule("in-place-sse-c-reencryption"))).containsExactly("CopyObject");
        assertThat(Detector.eventNames(rule("public-policy-then-bulk-reads")))
                .containsExactlyInAnyOrder("GetObject", "PutBucketPolicy");
        assertThat(Detector.eventNames(rule("public-access-block-removed")))
                .containsExactlyInAnyOrder(
                        "DeleteBucketPublicAccessBlock",
                        "DeletePublicAccessBlock",
                        "PutBucketPublicAccessBlock",
                        "PutPublicAccessBlock");
        // No event name: every record.
        assertThat(Detector.eventNames(rule("long-lived-key-new-source-ip"))).isNull();
        assertThat(Detector.eventNames(rule("object-lock-governance-bypass"))).isNull();
    }

    @Test
    void anEventNameUnderNotOrOnlyOneBranchOfAnyRestrictsNothing() throws Exception {
        List<Rule> rules = RulePack.parse("""
                rules:
                  - id: not-get
                    severity: LOW
                    description: anything but GetObject
                    match:
                      not: {eventName: GetObject}
                    responses: [notify]
                  - id: get-or-any-delete
                    severity: LOW
                    description: GetObject, or anything with a versionId
                    match:
                      any:
                        - eventName: GetObject
                        - requestParameters.versionId: {present: true}
                    responses: [notify]
                  - id: put-and-not-copy
                    severity: LOW
                    description: both restrictions
                    match:
                      all:
                        - eventName: [PutObject, CopyObject]
                        - eventName: [PutObject, PostObject]
                    responses: [notify]
                """);
        assertThat(Detector.eventNames(rules.get(0))).isNull();
        assertThat(Detector.eventNames(rules.get(1))).isNull();
        assertThat(Detector.eventNames(rules.get(2))).isEqualTo(Set.of("PutObject"));
    }

    @Test
    void rulesWithoutAnEventNameStillSeeEveryRecordAndRestrictedOnesFireOnTheirs() throws Exception {
        List<Finding> found = new ArrayList<>();
        Detector d = new Detector(RulePack.builtIn(), Detector.Responses.NONE, (f, isNew) -> {
            if (isNew) found.add(f);
        });
        // A long-lived key with a baseline of 10 reads from one address, then a GetObject from a new one: the rule that
        // names no event (new source IP) fires on a GetObject.
        for (int i = 0; i < 11; i++)
            d.accept(record("GetObject", "2026-01-01T00:00:" + (10 + i) + "Z", "198.51.100.1"));
        d.accept(record("GetObject", "2026-01-01T00:01:00Z", "203.0.113.7"));
        // And an in-place SSE-C copy: the rule indexed under CopyObject fires.
        JsonNode copy = JSON.valueToTree(Map.of(
                "eventTime", "2026-01-01T00:02:00Z",
                "eventSource", "s3.amazonaws.com",
                "eventName", "CopyObject",
                "eventID", "copy-1",
                "sourceIPAddress", "203.0.113.7",
                "userIdentity", Map.of("accessKeyId", "AKIAINDEXTEST0000001", "arn", "arn:aws:iam::1:user/u"),
                "requestParameters",
                        Map.of(
                                "bucketName", "b",
                                "key", "k",
                                "x-amz-copy-source", "b/k",
                                "x-amz-server-side-encryption-customer-algorithm", "AES256")));
        d.accept(copy);
        assertThat(found)
                .extracting(Finding::ruleId)
                .contains("long-lived-key-new-source-ip", "in-place-sse-c-reencryption");
    }

    private static JsonNode record(String eventName, String time, String ip) {
        return JSON.valueToTree(Map.of(
                "eventTime",
                time,
                "eventSource",
                "s3.amazonaws.com",
                "eventName",
                eventName,
                "eventID",
                eventName + time,
                "sourceIPAddress",
                ip,
                "userIdentity",
                Map.of("accessKeyId", "AKIAINDEXTEST0000001", "arn", "arn:aws:iam::1:user/u"),
                "requestParameters",
                Map.of("bucketName", "b", "key", "k")));
    }
}

package io.rampart.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.iam.Principal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** No request can make a trail record that a reader cannot take: values, names, nesting and the whole are bounded. */
class RecordBoundsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CloudTrailRecord RECORDS = new CloudTrailRecord("111122223333");

    private static RequestFacts sts(Map<String, String> params) {
        return RequestFacts.builder()
                .time(Instant.parse("2026-01-01T00:00:00Z"))
                .requestId("REQ")
                .hostId("host")
                .service("sts")
                .eventName("GetCallerIdentity")
                .region("us-east-1")
                .principal(Principal.anonymous())
                .accessKeyId("")
                .sourceIp("203.0.113.9")
                .userAgent("curl")
                .requestParameters(params)
                .status(403)
                .errorCode("MissingAuthenticationToken")
                .errorMessage("Request is missing Authentication Token")
                .readOnly(true)
                .management(true)
                .build();
    }

    @Test
    void aHugeParameterIsCutAndMarkedOmittedAndTheRecordStaysReadable() throws Exception {
        ObjectNode r = RECORDS.of(sts(Map.of("junk", "A".repeat(21 << 20))));
        byte[] json = RecordBounds.bounded(r);
        assertThat(json.length).isLessThanOrEqualTo(RecordBounds.MAX_RECORD_BYTES);
        JsonNode back = JSON.readTree(json);
        assertThat(back.path("requestParameters").path("junk").asText()).hasSize(RecordBounds.MAX_STRING);
        assertThat(back.path("requestParameters").path("omitted").asBoolean()).isTrue();
        assertThat(back.path("eventName").asText()).isEqualTo("GetCallerIdentity");
    }

    @Test
    void manyParametersAreDroppedLargestFirstKeepingTheSmallOnes() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("userName", "mallory");
        for (int i = 0; i < 40; i++) params.put("p" + i, "x".repeat(10_000 + i));
        byte[] json = RecordBounds.bounded(RECORDS.of(sts(params)));
        assertThat(json.length).isLessThanOrEqualTo(RecordBounds.MAX_RECORD_BYTES);
        JsonNode p = JSON.readTree(json).path("requestParameters");
        assertThat(p.path("userName").asText()).isEqualTo("mallory");
        assertThat(p.path("omitted").asBoolean()).isTrue();
        assertThat(p.has("p39")).as("the largest went first").isFalse();
    }

    @Test
    void hugeNamesDeepNestingAndLoneSurrogatesAreRemovedOrReplaced() throws Exception {
        ObjectNode r = RECORDS.of(sts(Map.of("n".repeat(100_000), "v", "bad", "a\uD800b")));
        ObjectNode deep = JsonNodeFactory.instance.objectNode();
        ObjectNode at = deep;
        for (int i = 0; i < 5000; i++) at = at.putObject("d");
        ((ObjectNode) r.get("requestParameters")).set("doc", deep);
        byte[] json = RecordBounds.bounded(r);
        JsonNode p = JSON.readTree(json).path("requestParameters");
        assertThat(p.has("n".repeat(100_000))).isFalse();
        assertThat(p.path("bad").asText()).isEqualTo("a\uFFFDb");
        assertThat(json.length).isLessThanOrEqualTo(RecordBounds.MAX_RECORD_BYTES);
        assertThat(p.path("omitted").asBoolean()).isTrue();
    }

    @Test
    void anOrdinaryRecordIsUnchanged() throws Exception {
        ObjectNode r = RECORDS.of(sts(Map.of("userName", "alice")));
        String before = r.toString();
        byte[] json = RecordBounds.bounded(r);
        assertThat(JSON.readTree(json)).isEqualTo(JSON.readTree(before));
        assertThat(JSON.readTree(json).path("requestParameters").has("omitted")).isFalse();
    }

    @Test
    void paddingARequestWithJunkParametersCannotPushItsLifecycleRuleOutOfTheRecord() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("bucketName", "victim");
        for (int i = 0; i < 8; i++) params.put("pad" + i, "p".repeat(8_000));
        ObjectNode lifecycle = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < 60; i++)
            lifecycle.putObject("Rule" + i).put("ID", "r".repeat(1000)).put("Expiration", "1");
        RequestFacts f = RequestFacts.builder()
                .time(Instant.parse("2026-01-01T00:00:00Z"))
                .requestId("REQ")
                .hostId("host")
                .service("s3")
                .eventName("PutBucketLifecycleConfiguration")
                .region("us-east-1")
                .principal(Principal.anonymous())
                .accessKeyId("")
                .sourceIp("203.0.113.9")
                .userAgent("curl")
                .bucket("victim")
                .requestParameters(params)
                .status(200)
                .authMethod("AuthHeader")
                .management(true)
                .documents(Map.of("LifecycleConfiguration", lifecycle))
                .build();
        byte[] json = RecordBounds.bounded(RECORDS.of(f));
        assertThat(json.length).isLessThanOrEqualTo(RecordBounds.MAX_RECORD_BYTES);
        JsonNode p = JSON.readTree(json).path("requestParameters");
        assertThat(p.path("LifecycleConfiguration")
                        .path("Rule59")
                        .path("Expiration")
                        .asText())
                .isEqualTo("1");
        assertThat(p.path("bucketName").asText()).isEqualTo("victim");
        assertThat(p.path("omitted").asBoolean()).isTrue();
    }
}

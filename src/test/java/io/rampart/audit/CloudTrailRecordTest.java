package io.rampart.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.iam.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The record matches, field for field and in order, the shape of AWS's documented CloudTrail S3 data events. */
class CloudTrailRecordTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Principal ANALYST = new Principal(
            "IAMUser",
            "111122223333",
            "arn:aws:iam::111122223333:user/analyst",
            "AIDAEXAMPLEUSERID0001",
            "analyst",
            "AKIAIOSFODNN7EXAMPLE",
            Optional.empty());

    static RequestFacts putObject(Principal who, Map<String, String> params, Map<String, String> response) {
        return RequestFacts.builder()
                .time(Instant.parse("2024-11-22T17:12:25.123Z"))
                .requestId("07D681123BD12AED")
                .hostId("EXAMPLEhostid")
                .service("s3")
                .eventName("PutObject")
                .region("us-east-1")
                .principal(who)
                .accessKeyId(who.accessKeyId())
                .sourceIp("192.0.2.10")
                .userAgent("aws-cli/2.18.5")
                .bucket("amzn-s3-demo-bucket")
                .key("reports/q4.csv")
                .requestParameters(params)
                .responseElements(response)
                .status(200)
                .bytesIn(3)
                .authMethod("AuthHeader")
                .tlsVersion("TLSv1.3")
                .cipherSuite("TLS_AES_128_GCM_SHA256")
                .build();
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void putObjectRecordHasTheDocumentedShapeFieldForField() throws Exception {
        JsonNode aws = JSON.readTree(getClass().getResourceAsStream("aws-s3-data-event.json"));
        ObjectNode ours = new CloudTrailRecord("111122223333")
                .of(putObject(
                        ANALYST,
                        Map.of(
                                "bucketName",
                                "amzn-s3-demo-bucket",
                                "Host",
                                "amzn-s3-demo-bucket.s3.us-east-1.amazonaws.com",
                                "key",
                                "reports/q4.csv"),
                        Map.of("x-amz-server-side-encryption", "AES256")));

        assertThat(fieldNames(ours)).containsExactlyElementsOf(fieldNames(aws));
        assertThat(fieldNames(ours.get("userIdentity"))).containsExactlyElementsOf(fieldNames(aws.get("userIdentity")));
        assertThat(fieldNames(ours.get("additionalEventData")))
                .containsExactlyElementsOf(fieldNames(aws.get("additionalEventData")));
        assertThat(fieldNames(ours.get("tlsDetails"))).containsExactlyElementsOf(fieldNames(aws.get("tlsDetails")));
        // Everything but the random eventID is equal, value for value.
        ours.put("eventID", aws.get("eventID").asText());
        assertThat(JSON.readTree(ours.toString())).isEqualTo(aws);
    }

    @Test
    void readsHaveNullResponseElementsAndFailuresCarryTheErrorCode() {
        RequestFacts get = RequestFacts.builder()
                .time(Instant.parse("2025-01-01T00:00:00Z"))
                .requestId("R1")
                .hostId("H1")
                .service("s3")
                .eventName("GetObject")
                .region("us-east-1")
                .principal(ANALYST)
                .accessKeyId(ANALYST.accessKeyId())
                .sourceIp("10.0.0.1")
                .userAgent("ua")
                .bucket("b")
                .key("k")
                .requestParameters(Map.of("bucketName", "b", "key", "k"))
                .responseElements(Map.of("x-amz-version-id", "v1"))
                .status(403)
                .errorCode("AccessDenied")
                .errorMessage("Access Denied")
                .authMethod("AuthHeader")
                .readOnly(true)
                .build();
        ObjectNode r = new CloudTrailRecord("111122223333").of(get);
        assertThat(r.get("responseElements").isNull()).isTrue();
        assertThat(r.get("errorCode").asText()).isEqualTo("AccessDenied");
        assertThat(r.get("errorMessage").asText()).isEqualTo("Access Denied");
        assertThat(r.has("tlsDetails")).as("plain HTTP has no TLS details").isFalse();
        assertThat(r.get("eventTime").asText()).isEqualTo("2025-01-01T00:00:00Z");
    }

    @Test
    void anonymousRequestsAreTheAnonymousAwsAccountAsCloudTrailWritesThem() {
        ObjectNode id = CloudTrailRecord.userIdentity(Principal.anonymous(), "");
        assertThat(id.toString())
                .isEqualTo("{\"type\":\"AWSAccount\",\"principalId\":\"\",\"accountId\":\"anonymous\"}");
    }

    @Test
    void assumedRoleSessionsCarryTheSessionContextAndIssuer() {
        Principal role = new Principal(
                "AssumedRole",
                "111122223333",
                "arn:aws:sts::111122223333:assumed-role/Backup/nightly",
                "AROAEXAMPLEROLEID:nightly",
                "",
                "ASIAEXAMPLETEMPKEY01",
                Optional.of(1_700_000_000_000L));
        ObjectNode id = CloudTrailRecord.userIdentity(role, "ASIAEXAMPLETEMPKEY01");
        assertThat(id.has("userName")).isFalse();
        JsonNode issuer = id.path("sessionContext").path("sessionIssuer");
        assertThat(issuer.path("type").asText()).isEqualTo("Role");
        assertThat(issuer.path("principalId").asText()).isEqualTo("AROAEXAMPLEROLEID");
        assertThat(issuer.path("arn").asText()).isEqualTo("arn:aws:iam::111122223333:role/Backup");
        assertThat(issuer.path("userName").asText()).isEqualTo("Backup");
        assertThat(id.path("sessionContext")
                        .path("attributes")
                        .path("creationDate")
                        .asText())
                .isEqualTo("2023-11-14T22:13:20Z");
        assertThat(id.path("sessionContext")
                        .path("attributes")
                        .path("mfaAuthenticated")
                        .asText())
                .isEqualTo("false");
    }

    @Test
    void sseCWritesSayWhichEncryptionAppliedAndNeverCarryTheKey() {
        ObjectNode r = new CloudTrailRecord("111122223333")
                .of(putObject(
                        ANALYST,
                        Map.of(
                                "bucketName",
                                "amzn-s3-demo-bucket",
                                "key",
                                "reports/q4.csv",
                                "x-amz-server-side-encryption-customer-algorithm",
                                "AES256",
                                "x-amz-server-side-encryption-customer-key-MD5",
                                "md5==",
                                "x-amz-server-side-encryption-customer-key",
                                "c2VjcmV0"),
                        Map.of()));
        assertThat(r.path("requestParameters")
                        .path("x-amz-server-side-encryption-customer-algorithm")
                        .asText())
                .isEqualTo("AES256");
        assertThat(r.path("additionalEventData").path("SSEApplied").asText()).isEqualTo("SSE_C");
        assertThat(r.toString()).doesNotContain("c2VjcmV0");
    }

    @Test
    void lifecycleActionsAreServiceEventsMadeByS3() {
        ObjectNode r = new CloudTrailRecord("111122223333")
                .serviceEvent(
                        Instant.parse("2025-01-01T00:00:00Z"),
                        "us-east-1",
                        "LifecycleExpiration",
                        "b",
                        "k",
                        Map.of("lifecycleAction", "S3.EXPIRE.OBJECT", "ruleId", "r1"));
        assertThat(r.path("userIdentity").path("type").asText()).isEqualTo("AWSService");
        assertThat(r.path("userIdentity").path("invokedBy").asText()).isEqualTo("s3.amazonaws.com");
        assertThat(r.path("eventType").asText()).isEqualTo("AwsServiceEvent");
        assertThat(r.path("serviceEventDetails").path("ruleId").asText()).isEqualTo("r1");
        assertThat(r.path("resources").get(0).path("ARN").asText()).isEqualTo("arn:aws:s3:::b/k");
    }
}

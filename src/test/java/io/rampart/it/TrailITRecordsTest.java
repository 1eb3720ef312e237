package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.EncryptionType;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The records a real server writes, read back from the trail files and filtered the way public SIEM rules for AWS
 * CloudTrail filter them (Elastic's and Panther's SSE-C ransomware rules: eventSource, eventName, the SSE-C algorithm
 * request parameter).
 */
class TrailITRecordsTest {

    /** Polls the trail (sealed files and the open segment) until a matching record appears: reads are recorded async. */
    static JsonNode awaitRecord(Path dataDir, Predicate<JsonNode> match) throws Exception {
        return Await.value(
                "a matching record in the trail of " + dataDir,
                () -> TrailQuery.all().run(TrailLayout.ofDataDir(dataDir)).stream()
                        .filter(match)
                        .findFirst()
                        .orElse(null));
    }

    /** Elastic "Potential AWS S3 Bucket Ransomware Note Uploaded"/SSE-C rules and Panther's S3 SSE-C rule, as a predicate. */
    static boolean sseCRansomwareRule(JsonNode r) {
        return "s3.amazonaws.com".equals(r.path("eventSource").asText())
                && List.of("CopyObject", "PutObject")
                        .contains(r.path("eventName").asText())
                && "AES256"
                        .equals(r.path("requestParameters")
                                .path("x-amz-server-side-encryption-customer-algorithm")
                                .asText());
    }

    @Test
    void copyObjectWithSseCProducesARecordTheSiemRulesMatchWithoutTheKey() throws Exception {
        try (RampartServer server = RampartServer.start(c -> c.s3(new io.rampart.s3.S3Settings(true, true)));
                S3Client s3 = server.s3()) {
            s3.createBucket(b -> b.bucket("victim"));
            s3.putBucketEncryption(b -> b.bucket("victim")
                    .serverSideEncryptionConfiguration(c -> c.rules(
                            r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256))
                                    .blockedEncryptionTypes(t -> t.encryptionType(EncryptionType.NONE)))));
            s3.putObject(b -> b.bucket("victim").key("data.csv"), RequestBody.fromString("precious"));
            SseCKey key = SseCKey.random();
            s3.copyObject(b -> b.sourceBucket("victim")
                    .sourceKey("data.csv")
                    .destinationBucket("victim")
                    .destinationKey("data.csv")
                    .sseCustomerAlgorithm("AES256")
                    .sseCustomerKey(key.base64())
                    .sseCustomerKeyMD5(key.md5()));

            // Mutations are durable before the response: the record is there already, no waiting.
            List<JsonNode> matched = TrailQuery.all().run(TrailLayout.ofDataDir(server.dataDir())).stream()
                    .filter(TrailITRecordsTest::sseCRansomwareRule)
                    .toList();
            assertThat(matched).hasSize(1);
            JsonNode r = matched.get(0);
            assertThat(r.path("eventName").asText()).isEqualTo("CopyObject");
            assertThat(r.path("requestParameters").path("x-amz-copy-source").asText())
                    .contains("victim/data.csv");
            assertThat(r.path("requestParameters")
                            .path("x-amz-server-side-encryption-customer-key-MD5")
                            .asText())
                    .isEqualTo(key.md5());
            assertThat(r.path("additionalEventData").path("SSEApplied").asText())
                    .isEqualTo("SSE_C");
            assertThat(r.path("userIdentity").path("accessKeyId").asText()).isEqualTo(RampartServer.ACCESS_KEY);
            assertThat(r.path("resources").get(0).path("ARN").asText()).isEqualTo("arn:aws:s3:::victim/data.csv");
            assertThat(r.path("eventCategory").asText()).isEqualTo("Data");
            assertThat(r.path("recipientAccountId").asText()).isEqualTo(server.accountId());
            assertThat(r.toString()).doesNotContain(key.base64());
            String hex = java.util.HexFormat.of().formatHex(key.raw());
            assertThat(r.toString()).doesNotContainIgnoringCase(hex);
        }
    }

    @Test
    void aWrongSecretIsRecordedAsSignatureDoesNotMatchAndAnAnonymousReadAsAccessDenied() throws Exception {
        try (RampartServer server = RampartServer.start();
                S3Client s3 = server.s3()) {
            s3.createBucket(b -> b.bucket("private"));
            try (S3Client wrong = server.s3(RampartServer.ACCESS_KEY, "not-the-secret-000000000000000000000000")) {
                assertThatThrownBy(
                                () -> wrong.putObject(b -> b.bucket("private").key("x"), RequestBody.fromString("x")))
                        .isInstanceOf(S3Exception.class);
            }
            HttpResponse<String> anon = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(server.endpoint() + "/private/secret.txt"))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(anon.statusCode()).isEqualTo(403);

            JsonNode sig = awaitRecord(
                    server.dataDir(),
                    r -> "SignatureDoesNotMatch".equals(r.path("errorCode").asText()));
            assertThat(sig.path("eventName").asText()).isEqualTo("PutObject");
            assertThat(sig.path("userIdentity").path("accessKeyId").asText()).isEqualTo(RampartServer.ACCESS_KEY);
            assertThat(sig.path("errorMessage").asText()).isNotEmpty();
            assertThat(sig.toString()).doesNotContain("not-the-secret");

            JsonNode denied = awaitRecord(
                    server.dataDir(),
                    r -> "AccessDenied".equals(r.path("errorCode").asText()));
            assertThat(denied.path("userIdentity").path("type").asText()).isEqualTo("AWSAccount");
            assertThat(denied.path("userIdentity").path("accountId").asText()).isEqualTo("anonymous");
            assertThat(denied.path("requestParameters").path("bucketName").asText())
                    .isEqualTo("private");
            assertThat(denied.path("readOnly").asBoolean()).isTrue();
            assertThat(denied.get("responseElements").isNull()).isTrue();
        }
    }

    @Test
    void lifecycleExpirationsAreRecordedAsServiceEventsOfS3() throws Exception {
        try (RampartServer server = RampartServer.start(c -> c.lifecycle(1, 1));
                S3Client s3 = server.s3()) {
            s3.createBucket(b -> b.bucket("lc-audited"));
            s3.putObject(b -> b.bucket("lc-audited").key("logs/old"), RequestBody.fromString("old"));
            s3.putBucketLifecycleConfiguration(b -> b.bucket("lc-audited")
                    .lifecycleConfiguration(
                            c -> c.rules(software.amazon.awssdk.services.s3.model.LifecycleRule.builder()
                                    .id("expire-logs")
                                    .status(software.amazon.awssdk.services.s3.model.ExpirationStatus.ENABLED)
                                    .filter(software.amazon.awssdk.services.s3.model.LifecycleRuleFilter.builder()
                                            .prefix("logs/")
                                            .build())
                                    .expiration(software.amazon.awssdk.services.s3.model.LifecycleExpiration.builder()
                                            .days(1)
                                            .build())
                                    .build())));
            JsonNode r = awaitRecord(
                    server.dataDir(),
                    n -> "LifecycleExpiration".equals(n.path("eventName").asText()));
            assertThat(r.path("userIdentity").path("type").asText()).isEqualTo("AWSService");
            assertThat(r.path("userIdentity").path("invokedBy").asText()).isEqualTo("s3.amazonaws.com");
            assertThat(r.path("eventType").asText()).isEqualTo("AwsServiceEvent");
            assertThat(r.path("requestParameters").path("key").asText()).isEqualTo("logs/old");
            assertThat(r.path("serviceEventDetails").path("ruleId").asText()).isEqualTo("expire-logs");
            // The configuration change itself is a management event.
            JsonNode put = awaitRecord(
                    server.dataDir(), n -> n.path("eventName").asText().startsWith("PutBucketLifecycle"));
            assertThat(put.path("eventCategory").asText()).isEqualTo("Management");
            assertThat(put.path("managementEvent").asBoolean()).isTrue();
        }
    }
}

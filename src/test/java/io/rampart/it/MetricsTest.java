package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLifecycleConfiguration;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleExpiration;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;

/** The Prometheus endpoint on its own port: bearer token, and the series S3 traffic produces. */
class MetricsTest {
    static final String TOKEN = "metrics-token-0123456789abcdef";

    @RegisterExtension
    static final RampartExtension RAMPART =
            RampartExtension.withDefaults().allowSseCOverHttp().lifecycle(1, 1).metrics(TOKEN);

    private static RampartServer server;
    private static int port;
    private static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        port = RAMPART.metricsPort();
        s3 = RAMPART.s3();
    }

    @Test
    void scrapesWithoutTheRightBearerTokenAreRefusedWith401() {
        assertThat(Scrape.of(port, null).status()).isEqualTo(401);
        assertThat(Scrape.of(port, TOKEN + "x").status()).isEqualTo(401);
        assertThat(Scrape.of(port, "metrics-token-0123456789abcdeF").status()).isEqualTo(401);
        Scrape ok = Scrape.of(port, TOKEN);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.has("jvm_memory_used_bytes")).isTrue();
        assertThat(ok.has("jvm_threads_live_threads")).isTrue();
    }

    @Test
    void theS3PortDoesNotServeMetrics() {
        assertThat(port).isNotEqualTo(server.port());
    }

    @Test
    void requestsAreCountedByOperationStatusAndBucketWithBytesAndLatency() {
        s3.createBucket(b -> b.bucket("m-count"));
        s3.putObject(b -> b.bucket("m-count").key("a"), RequestBody.fromBytes(new byte[1000]));
        s3.getObject(b -> b.bucket("m-count").key("a"), software.amazon.awssdk.core.sync.ResponseTransformer.toBytes());
        assertS3Error(() -> s3.getObject(b -> b.bucket("m-count").key("missing")), 404, "NoSuchKey");

        Scrape m = Scrape.of(port, TOKEN);
        assertThat(m.value("rampart_s3_requests_total", "operation", "PutObject", "status", "200", "bucket", "m-count"))
                .isEqualTo(1.0);
        assertThat(m.value("rampart_s3_requests_total", "operation", "GetObject", "status", "404", "bucket", "m-count"))
                .isEqualTo(1.0);
        assertThat(m.value("rampart_s3_received_bytes_total", "operation", "PutObject", "bucket", "m-count"))
                .isEqualTo(1000.0);
        assertThat(m.value("rampart_s3_sent_bytes_total", "operation", "GetObject", "bucket", "m-count"))
                .isGreaterThanOrEqualTo(1000.0);
        assertThat(m.value("rampart_s3_request_duration_seconds_count", "operation", "PutObject"))
                .isGreaterThanOrEqualTo(1.0);
        assertThat(m.value("rampart_s3_request_duration_seconds_bucket", "operation", "PutObject", "le", "+Inf"))
                .isGreaterThanOrEqualTo(1.0);
        // The admin's key is a long-lived key: every write it signs is counted as such.
        assertThat(m.value(
                        "rampart_s3_long_lived_key_requests_total",
                        "operation",
                        "PutObject",
                        "bucket",
                        "m-count",
                        "write",
                        "true"))
                .isEqualTo(1.0);
        assertThat(m.value("rampart_trail_write_seconds_count")).isGreaterThanOrEqualTo(3.0);
        assertThat(m.value("rampart_trail_write_failures_total")).isEqualTo(0.0);
    }

    @Test
    void sseCRequestsAndAuthorizationDenialsAreCounted() {
        s3.createBucket(b -> b.bucket("m-ssec"));
        SseCKey key = SseCKey.random();
        // New buckets block SSE-C: the attempt is refused, and both the SSE-C attempt and the denial are counted.
        assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket("m-ssec")
                                .key("x")
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(key.base64())
                                .sseCustomerKeyMD5(key.md5()),
                        RequestBody.fromString("x")),
                403,
                "AccessDenied");

        Scrape m = Scrape.of(port, TOKEN);
        assertThat(m.value(
                        "rampart_s3_sse_c_requests_total",
                        "operation",
                        "PutObject",
                        "bucket",
                        "m-ssec",
                        "write",
                        "true"))
                .isEqualTo(1.0);
        assertThat(m.value("rampart_s3_authorization_denied_total", "operation", "PutObject", "bucket", "m-ssec"))
                .isEqualTo(1.0);
    }

    @Test
    void badSignaturesAreAuthenticationFailuresAndMintNoBucketLabels() {
        try (S3Client wrong = server.s3(RampartServer.ACCESS_KEY, "not-the-secret-key-0000000000000000000000")) {
            assertS3Error(
                    () -> wrong.listObjectsV2(b -> b.bucket("made-up-bucket-name")), 403, "SignatureDoesNotMatch");
        }
        Scrape m = Scrape.of(port, TOKEN);
        assertThat(m.value("rampart_s3_authentication_failures_total", "code", "SignatureDoesNotMatch"))
                .isGreaterThanOrEqualTo(1.0);
        assertThat(m.body()).doesNotContain("made-up-bucket-name");
        assertThat(m.value(
                        "rampart_s3_requests_total", "operation", "ListObjectsV2", "status", "403", "bucket", "_other"))
                .isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void lifecycleActionsAreCounted() {
        s3.createBucket(b -> b.bucket("m-lifecycle"));
        s3.putObject(b -> b.bucket("m-lifecycle").key("old"), RequestBody.fromString("x"));
        s3.putBucketLifecycleConfiguration(b -> b.bucket("m-lifecycle")
                .lifecycleConfiguration(BucketLifecycleConfiguration.builder()
                        .rules(LifecycleRule.builder()
                                .id("expire")
                                .status(ExpirationStatus.ENABLED)
                                .filter(LifecycleRuleFilter.builder().prefix("").build())
                                .expiration(
                                        LifecycleExpiration.builder().days(1).build())
                                .build())
                        .build()));
        Await.until("lifecycle expiration counted", () -> {
            Scrape m = Scrape.of(port, TOKEN);
            return m.samples().keySet().stream()
                    .anyMatch(s ->
                            s.startsWith("rampart_lifecycle_actions_total{") && s.contains("bucket=\"m-lifecycle\""));
        });
        assertThat(s3.listObjectsV2(b -> b.bucket("m-lifecycle")).contents()).isEqualTo(List.of());
    }
}

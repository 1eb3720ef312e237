package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The shipped alert rules and dashboard only name metrics a live server exports: after traffic that exercises every
 * series they use (SSE-C attempts, denials, bad signatures, configuration changes, lifecycle actions), every metric
 * name in every rule expression and panel query appears in a scrape.
 */
class AlertRulesTest {
    private static final Pattern METRIC = Pattern.compile("\\b((?:rampart|jvm|process)_[a-z0-9_]+)");

    @RegisterExtension
    static final RampartExtension RAMPART =
            RampartExtension.withDefaults().allowSseCOverHttp().lifecycle(1, 1).metrics(MetricsTest.TOKEN);

    private static RampartServer server;
    private static int port;

    @BeforeAll
    static void startAndExercise() throws Exception {
        server = RAMPART.server();
        port = RAMPART.metricsPort();
        try (S3Client s3 = server.s3()) {
            s3.createBucket(b -> b.bucket("alerts"));
            s3.putObject(b -> b.bucket("alerts").key("doc"), RequestBody.fromString("original"));
            SseCKey key = SseCKey.random();
            assertS3Error(
                    () -> s3.copyObject(b -> b.sourceBucket("alerts")
                            .sourceKey("doc")
                            .destinationBucket("alerts")
                            .destinationKey("doc")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(key.base64())
                            .sseCustomerKeyMD5(key.md5())),
                    403,
                    "AccessDenied");
            s3.putBucketEncryption(b -> b.bucket("alerts")
                    .serverSideEncryptionConfiguration(c -> c.rules(r ->
                            r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)))));
            s3.putBucketLifecycleConfiguration(b -> b.bucket("alerts")
                    .lifecycleConfiguration(BucketLifecycleConfiguration.builder()
                            .rules(LifecycleRule.builder()
                                    .id("wipe")
                                    .status(ExpirationStatus.ENABLED)
                                    .filter(LifecycleRuleFilter.builder()
                                            .prefix("")
                                            .build())
                                    .expiration(LifecycleExpiration.builder()
                                            .days(1)
                                            .build())
                                    .build())
                            .build()));
        }
        try (S3Client wrong = server.s3(RampartServer.ACCESS_KEY, "wrong-secret-000000000000000000000000000000")) {
            assertS3Error(() -> wrong.listObjectsV2(b -> b.bucket("alerts")), 403, "SignatureDoesNotMatch");
        }
        Await.until(
                "lifecycle action counted",
                () -> Scrape.of(port, MetricsTest.TOKEN).has("rampart_lifecycle_actions_total"));
    }

    @Test
    void everyAlertRuleIsCompleteAndNamesOnlyExportedMetrics() throws Exception {
        JsonNode rules = new ObjectMapper(new YAMLFactory())
                .readTree(Path.of("deploy/prometheus/rampart-alerts.yml").toFile());
        Scrape scrape = Scrape.of(port, MetricsTest.TOKEN);
        List<String> alerts = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                String name = rule.get("alert").asText();
                alerts.add(name);
                assertThat(rule.path("labels").path("severity").asText())
                        .as(name + " severity")
                        .isIn("critical", "warning", "info");
                assertThat(rule.path("annotations").path("summary").asText())
                        .as(name + " summary")
                        .isNotBlank();
                Set<String> metrics = metricNames(rule.get("expr").asText());
                assertThat(metrics).as(name + " names a metric").isNotEmpty();
                for (String m : metrics)
                    assertThat(scrape.has(m)).as(name + " uses " + m).isTrue();
                used.addAll(metrics);
            }
        }
        assertThat(alerts)
                .contains(
                        "RampartSseCWritesOnNewBucket",
                        "RampartAuthorizationDenialSpike",
                        "RampartLifecycleConfigurationChanged",
                        "RampartEncryptionConfigurationChanged",
                        "RampartTrailWriteFailures",
                        "RampartLongLivedKeyWrites");
        assertThat(used)
                .contains(
                        "rampart_s3_sse_c_requests_total",
                        "rampart_s3_authorization_denied_total",
                        "rampart_s3_requests_total",
                        "rampart_trail_write_failures_total",
                        "rampart_s3_long_lived_key_requests_total");
    }

    @Test
    void everyDashboardQueryNamesOnlyExportedMetrics() throws Exception {
        JsonNode dashboard = new ObjectMapper()
                .readTree(Path.of("deploy/grafana/rampart-dashboard.json").toFile());
        Scrape scrape = Scrape.of(port, MetricsTest.TOKEN);
        int queries = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                queries++;
                for (String m : metricNames(target.get("expr").asText())) {
                    assertThat(scrape.has(m))
                            .as(panel.get("title").asText() + " uses " + m)
                            .isTrue();
                }
            }
        }
        assertThat(queries).isGreaterThanOrEqualTo(10);
    }

    @Test
    void theRulesSeeTheAttackTrafficWithTheLabelsTheyGroupBy() {
        Scrape scrape = Scrape.of(port, MetricsTest.TOKEN);
        assertThat(scrape.value(
                        "rampart_s3_sse_c_requests_total",
                        "operation",
                        "CopyObject",
                        "bucket",
                        "alerts",
                        "write",
                        "true"))
                .isEqualTo(1.0);
        assertThat(scrape.value(
                        "rampart_s3_requests_total",
                        "operation",
                        "PutBucketLifecycle",
                        "status",
                        "200",
                        "bucket",
                        "alerts"))
                .isEqualTo(1.0);
        assertThat(scrape.value(
                        "rampart_s3_requests_total",
                        "operation",
                        "PutBucketEncryption",
                        "status",
                        "200",
                        "bucket",
                        "alerts"))
                .isEqualTo(1.0);
    }

    private static Set<String> metricNames(String expr) {
        Set<String> out = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) out.add(m.group(1));
        return out;
    }
}

package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.http.Monitoring;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleExpiration;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;

/** Lifecycle expirations are notified as s3:LifecycleExpiration:* events, made by S3 itself. */
class LifecycleNotificationTest {
    private static Webhook webhook;
    private static RampartServer server;
    private static S3Client s3;
    // The webhook receiver starts first (in start()): the server's configuration names its URL.
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults()
            .lifecycle(1, 1)
            .config(c -> c.monitoring(
                    Monitoring.defaults().withWebhooks(Map.of("hook", webhook.url()), Duration.ofMillis(50))));

    @BeforeAll
    static void start() throws Exception {
        webhook = Webhook.start();
        server = RAMPART.server();
        s3 = RAMPART.s3();
    }

    @AfterAll
    static void stop() {
        webhook.close();
    }

    @Test
    void anExpiredObjectSendsALifecycleExpirationEventAndOnlyToTargetsAskingForIt() {
        s3.createBucket(b -> b.bucket("lcn"));
        s3.putBucketNotificationConfiguration(b -> b.bucket("lcn")
                .notificationConfiguration(n -> n.queueConfigurations(q -> q.id("expiry")
                        .queueArn("arn:rampart:sqs::hook:webhook")
                        .eventsWithStrings("s3:LifecycleExpiration:*"))));
        s3.putObject(b -> b.bucket("lcn").key("tmp/a"), RequestBody.fromString("a"));
        s3.putBucketLifecycleConfiguration(b -> b.bucket("lcn")
                .lifecycleConfiguration(c -> c.rules(LifecycleRule.builder()
                        .id("tmp")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().prefix("tmp/").build())
                        .expiration(LifecycleExpiration.builder().days(1).build())
                        .build())));

        Await.until("the expiration notified", () -> records().size() >= 1);
        List<JsonNode> records = records();
        assertThat(records)
                .extracting(r -> r.get("eventName").asText() + " "
                        + r.at("/s3/object/key").asText())
                .containsExactly("LifecycleExpiration:Delete tmp/a");
        assertThat(records.get(0).at("/userIdentity/principalId").asText()).isEqualTo("s3.amazonaws.com");
        // The PutObject before it was not asked for: only the expiration went out.
        assertThat(webhook.records())
                .noneMatch(r -> r.get("eventName").asText().startsWith("ObjectCreated")
                        && r.at("/s3/bucket/name").asText().equals("lcn"));
    }

    private static List<JsonNode> records() {
        return webhook.records().stream()
                .filter(r -> r.at("/s3/bucket/name").asText().equals("lcn"))
                .toList();
    }
}

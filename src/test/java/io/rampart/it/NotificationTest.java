package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.http.Monitoring;
import io.rampart.http.Rampart;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.FilterRuleName;
import software.amazon.awssdk.services.s3.model.GetBucketNotificationConfigurationResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;

/** Bucket notification configuration and S3 event messages delivered to webhooks, through outages and restarts. */
class NotificationTest {
    private static final String ARN = "arn:rampart:sqs::hook:webhook";
    private static Webhook webhook;
    private static RampartServer server;
    private static S3Client s3;
    // The webhook receiver starts first (in start()): the server's configuration names its URL.
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.with(c ->
            c.monitoring(Monitoring.defaults().withWebhooks(Map.of("hook", webhook.url()), Duration.ofMillis(50))));

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

    private static QueueConfiguration queue(String id, String prefix, String suffix, String... events) {
        return QueueConfiguration.builder()
                .id(id)
                .queueArn(ARN)
                .eventsWithStrings(events)
                .filter(f -> f.key(k -> k.filterRules(
                        r -> r.name(FilterRuleName.PREFIX).value(prefix),
                        r -> r.name(FilterRuleName.SUFFIX).value(suffix))))
                .build();
    }

    @Test
    void notificationConfigurationRoundTrips() {
        s3.createBucket(b -> b.bucket("nt-config"));
        assertThat(s3.getBucketNotificationConfiguration(b -> b.bucket("nt-config"))
                        .queueConfigurations())
                .isEmpty();
        s3.putBucketNotificationConfiguration(b -> b.bucket("nt-config")
                .notificationConfiguration(n -> n.queueConfigurations(
                        queue("images", "images/", ".jpg", "s3:ObjectCreated:*", "s3:ObjectRemoved:Delete"))));
        GetBucketNotificationConfigurationResponse got =
                s3.getBucketNotificationConfiguration(b -> b.bucket("nt-config"));
        assertThat(got.queueConfigurations()).hasSize(1);
        QueueConfiguration q = got.queueConfigurations().get(0);
        assertThat(q.id()).isEqualTo("images");
        assertThat(q.queueArn()).isEqualTo(ARN);
        assertThat(q.eventsAsStrings()).containsExactly("s3:ObjectCreated:*", "s3:ObjectRemoved:Delete");
        assertThat(q.filter().key().filterRules())
                .extracting(r -> r.nameAsString().toLowerCase() + "=" + r.value())
                .containsExactly("prefix=images/", "suffix=.jpg");
        s3.putBucketNotificationConfiguration(b -> b.bucket("nt-config").notificationConfiguration(n -> {}));
        assertThat(s3.getBucketNotificationConfiguration(b -> b.bucket("nt-config"))
                        .queueConfigurations())
                .isEmpty();
    }

    @Test
    void unknownTargetsAndEventsAreInvalidArgument() {
        s3.createBucket(b -> b.bucket("nt-invalid"));
        assertS3Error(
                () -> s3.putBucketNotificationConfiguration(b -> b.bucket("nt-invalid")
                        .notificationConfiguration(
                                n -> n.queueConfigurations(q -> q.queueArn("arn:rampart:sqs::nosuch:webhook")
                                        .eventsWithStrings("s3:ObjectCreated:*")))),
                400,
                "InvalidArgument");
        assertS3Error(
                () -> s3.putBucketNotificationConfiguration(b -> b.bucket("nt-invalid")
                        .notificationConfiguration(
                                n -> n.queueConfigurations(q -> q.queueArn("arn:aws:sqs:us-east-1:123456789012:queue")
                                        .eventsWithStrings("s3:ObjectCreated:*")))),
                400,
                "InvalidArgument");
        assertS3Error(
                () -> s3.putBucketNotificationConfiguration(b -> b.bucket("nt-invalid")
                        .notificationConfiguration(n -> n.queueConfigurations(
                                q -> q.queueArn(ARN).eventsWithStrings("s3:ObjectCreated:Everything")))),
                400,
                "InvalidArgument");
    }

    @Test
    void writesAndDeletesSendS3EventMessagesMatchingTheFilters() {
        s3.createBucket(b -> b.bucket("nt-events"));
        s3.putBucketVersioning(
                b -> b.bucket("nt-events").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        s3.putBucketNotificationConfiguration(b -> b.bucket("nt-events")
                .notificationConfiguration(n -> n.queueConfigurations(
                        queue("jpgs", "img/", ".jpg", "s3:ObjectCreated:*", "s3:ObjectRemoved:*"))));
        String v1 = s3.putObject(b -> b.bucket("nt-events").key("img/a b.jpg"), RequestBody.fromString("hello"))
                .versionId();
        s3.putObject(b -> b.bucket("nt-events").key("img/skip.png"), RequestBody.fromString("no"));
        s3.putObject(b -> b.bucket("nt-events").key("doc/skip.jpg"), RequestBody.fromString("no"));
        s3.copyObject(b -> b.sourceBucket("nt-events")
                .sourceKey("img/a b.jpg")
                .destinationBucket("nt-events")
                .destinationKey("img/copy.jpg"));
        String upload = s3.createMultipartUpload(b -> b.bucket("nt-events").key("img/big.jpg"))
                .uploadId();
        String etag = s3.uploadPart(
                        b -> b.bucket("nt-events")
                                .key("img/big.jpg")
                                .uploadId(upload)
                                .partNumber(1),
                        RequestBody.fromString("part"))
                .eTag();
        s3.completeMultipartUpload(b -> b.bucket("nt-events")
                .key("img/big.jpg")
                .uploadId(upload)
                .multipartUpload(m -> m.parts(p -> p.partNumber(1).eTag(etag))));
        s3.deleteObject(b -> b.bucket("nt-events").key("img/copy.jpg"));
        s3.deleteObject(b -> b.bucket("nt-events").key("img/a b.jpg").versionId(v1));
        s3.deleteObjects(b -> b.bucket("nt-events")
                .delete(d -> d.objects(
                        ObjectIdentifier.builder().key("img/big.jpg").build(),
                        ObjectIdentifier.builder().key("img/skip.png").build())));

        Await.until("six events delivered", () -> bucketRecords("nt-events").size() >= 6);
        List<JsonNode> records = bucketRecords("nt-events");
        assertThat(records)
                .extracting(r -> r.get("eventName").asText() + " "
                        + r.at("/s3/object/key").asText())
                .containsExactly(
                        "ObjectCreated:Put img/a+b.jpg",
                        "ObjectCreated:Copy img/copy.jpg",
                        "ObjectCreated:CompleteMultipartUpload img/big.jpg",
                        "ObjectRemoved:DeleteMarkerCreated img/copy.jpg",
                        "ObjectRemoved:Delete img/a+b.jpg",
                        "ObjectRemoved:DeleteMarkerCreated img/big.jpg");
        JsonNode put = records.get(0);
        assertThat(put.get("eventVersion").asText()).isEqualTo("2.1");
        assertThat(put.get("eventSource").asText()).isEqualTo("aws:s3");
        assertThat(put.get("awsRegion").asText()).isEqualTo("us-east-1");
        assertThat(put.get("eventTime").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(put.at("/s3/s3SchemaVersion").asText()).isEqualTo("1.0");
        assertThat(put.at("/s3/configurationId").asText()).isEqualTo("jpgs");
        assertThat(put.at("/s3/bucket/name").asText()).isEqualTo("nt-events");
        assertThat(put.at("/s3/bucket/arn").asText()).isEqualTo("arn:aws:s3:::nt-events");
        assertThat(put.at("/s3/object/size").asLong()).isEqualTo(5);
        assertThat(put.at("/s3/object/eTag").asText()).isEqualTo("5d41402abc4b2a76b9719d911017c592");
        assertThat(put.at("/s3/object/versionId").asText()).isEqualTo(v1);
        assertThat(put.at("/requestParameters/sourceIPAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(put.at("/responseElements/x-amz-request-id").asText()).matches("[0-9A-F]{16}");
        assertThat(records)
                .extracting(r -> r.at("/s3/object/sequencer").asText())
                .isSorted();
        assertThat(records.get(4).at("/s3/object/versionId").asText()).isEqualTo(v1);
        assertThat(records.get(4).at("/s3/object").has("size")).isFalse();
        assertThat(records.get(2).at("/s3/object/eTag").asText()).endsWith("-1");
    }

    @Test
    void eventsQueuedWhileTheWebhookRefusesAreDeliveredInOrderAfterwards() {
        s3.createBucket(b -> b.bucket("nt-outage"));
        s3.putBucketNotificationConfiguration(b -> b.bucket("nt-outage")
                .notificationConfiguration(
                        n -> n.queueConfigurations(q -> q.queueArn(ARN).eventsWithStrings("s3:ObjectCreated:Put"))));
        webhook.refuseNext(4);
        for (int i = 0; i < 5; i++) {
            int n = i;
            s3.putObject(b -> b.bucket("nt-outage").key("k" + n), RequestBody.fromString("x"));
        }
        Await.until(
                "five events after the outage", () -> bucketRecords("nt-outage").size() >= 5);
        assertThat(webhook.refused()).isGreaterThanOrEqualTo(4);
        assertThat(bucketRecords("nt-outage"))
                .extracting(r -> r.at("/s3/object/key").asText())
                .containsExactly("k0", "k1", "k2", "k3", "k4");
    }

    @Test
    void pendingEventsSurviveARestartAndAreDeliveredOnceTheWebhookIsUp() throws Exception {
        Path dir = Files.createTempDirectory("rampart-notify");
        int downPort;
        try (ServerSocket s = new ServerSocket(0)) {
            downPort = s.getLocalPort();
        }
        URI down = URI.create("http://127.0.0.1:" + downPort + "/events");
        Rampart.Config.Builder base = Rampart.Config.builder(dir)
                .rootKey(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)
                .autoRespond(false);
        try (Rampart first = Rampart.start(
                        base.monitoring(Monitoring.defaults().withWebhooks(Map.of("hook", down), Duration.ofMillis(50)))
                                .build());
                S3Client c = client(first)) {
            c.createBucket(b -> b.bucket("nt-restart"));
            c.putBucketNotificationConfiguration(b -> b.bucket("nt-restart")
                    .notificationConfiguration(
                            n -> n.queueConfigurations(q -> q.queueArn(ARN).eventsWithStrings("s3:ObjectCreated:*"))));
            c.putObject(b -> b.bucket("nt-restart").key("before-restart"), RequestBody.fromString("x"));
        }
        try (Webhook up = Webhook.start();
                Rampart second = Rampart.start(base.monitoring(
                                Monitoring.defaults().withWebhooks(Map.of("hook", up.url()), Duration.ofMillis(50)))
                        .build())) {
            Await.until(
                    "queued event delivered after the restart",
                    () -> !up.records().isEmpty());
            assertThat(up.records())
                    .extracting(r -> r.at("/s3/object/key").asText())
                    .containsExactly("before-restart");
        }
    }

    private static S3Client client(Rampart r) {
        return S3Client.builder()
                .endpointOverride(URI.create(r.endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)))
                .forcePathStyle(true)
                .build();
    }

    private static List<JsonNode> bucketRecords(String bucket) {
        return webhook.records().stream()
                .filter(r -> r.at("/s3/bucket/name").asText().equals(bucket))
                .toList();
    }
}

package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.http.Monitoring;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PartitionDateSource;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Access logs reach their target bucket on their own within the delivery interval (--access-log-interval-seconds, one
 * second here: nothing calls a delivery), under SimplePrefix or PartitionedPrefix keys as AWS names them.
 */
class AccessLogDeliveryTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.with(
            c -> c.monitoring(Monitoring.defaults().withAccessLogInterval(Duration.ofSeconds(1))));

    static RampartServer server;
    static S3Client s3;
    static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy/MM/dd/yyyy-MM-dd").withZone(ZoneOffset.UTC);

    @BeforeAll
    static void start() {
        server = RAMPART.server();
        s3 = RAMPART.s3();
    }

    static List<String> logKeys(String bucket) {
        return s3.listObjectsV2(b -> b.bucket(bucket)).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    static String logs(String bucket) {
        StringBuilder all = new StringBuilder();
        for (String k : logKeys(bucket))
            all.append(s3.getObjectAsBytes(b -> b.bucket(bucket).key(k)).asUtf8String());
        return all.toString();
    }

    @Test
    void linesArriveWithinTheIntervalUnderSimplePrefixKeys() {
        s3.createBucket(b -> b.bucket("ld-src"));
        s3.createBucket(b -> b.bucket("ld-logs"));
        s3.putBucketLogging(b -> b.bucket("ld-src")
                .bucketLoggingStatus(s -> s.loggingEnabled(l -> l.targetBucket("ld-logs")
                        .targetPrefix("simple/")
                        .targetObjectKeyFormat(f -> f.simplePrefix(p -> {})))));
        Instant sent = Instant.now();
        s3.putObject(b -> b.bucket("ld-src").key("a"), RequestBody.fromString("a"));
        s3.putPublicAccessBlock(b -> b.bucket("ld-src").publicAccessBlockConfiguration(p -> p.blockPublicPolicy(true)));
        Await.until(
                "the lines in ld-logs",
                Duration.ofSeconds(20),
                () -> logs("ld-logs").contains("REST.PUT.PUBLIC_ACCESS_BLOCK"));
        assertThat(Duration.between(sent, Instant.now()))
                .as("delivered within the interval plus slack")
                .isLessThan(Duration.ofSeconds(15));
        assertThat(logs("ld-logs")).contains("REST.PUT.OBJECT");
        assertThat(logKeys("ld-logs"))
                .allMatch(k -> k.matches("simple/\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-[0-9A-F]{16}"));
    }

    @Test
    void partitionedPrefixByEventTimeNamesTheDayOfTheRequests() {
        s3.createBucket(b -> b.bucket("ld-event"));
        s3.createBucket(b -> b.bucket("ld-event-logs"));
        s3.putBucketLogging(b -> b.bucket("ld-event")
                .bucketLoggingStatus(s -> s.loggingEnabled(l -> l.targetBucket("ld-event-logs")
                        .targetPrefix("p/")
                        .targetObjectKeyFormat(f ->
                                f.partitionedPrefix(p -> p.partitionDateSource(PartitionDateSource.EVENT_TIME))))));
        var got =
                s3.getBucketLogging(b -> b.bucket("ld-event")).loggingEnabled().targetObjectKeyFormat();
        assertThat(got.partitionedPrefix().partitionDateSource()).isEqualTo(PartitionDateSource.EVENT_TIME);
        Instant now = Instant.now();
        s3.putObject(b -> b.bucket("ld-event").key("a"), RequestBody.fromString("a"));
        Await.until(
                "the lines in ld-event-logs",
                Duration.ofSeconds(20),
                () -> logs("ld-event-logs").contains("REST.PUT.OBJECT"));
        String prefix = "p/" + server.accountId() + "/us-east-1/ld-event/";
        assertThat(logKeys("ld-event-logs"))
                .allSatisfy(k -> assertThat(k)
                        .matches(java.util.regex.Pattern.quote(prefix)
                                + "\\d{4}/\\d{2}/\\d{2}/\\d{4}-\\d{2}-\\d{2}-00-00-00-[0-9A-F]{16}"));
        // The day of the request (a run across midnight may name the next one).
        assertThat(logKeys("ld-event-logs").get(0))
                .satisfiesAnyOf(
                        k -> assertThat(k).startsWith(prefix + DAY.format(now)),
                        k -> assertThat(k).startsWith(prefix + DAY.format(Instant.now())));
    }

    @Test
    void partitionedPrefixByDeliveryTimeNamesTheDeliveryTime() {
        s3.createBucket(b -> b.bucket("ld-delivery"));
        s3.createBucket(b -> b.bucket("ld-delivery-logs"));
        s3.putBucketLogging(b -> b.bucket("ld-delivery")
                .bucketLoggingStatus(s -> s.loggingEnabled(l -> l.targetBucket("ld-delivery-logs")
                        .targetPrefix("")
                        .targetObjectKeyFormat(f ->
                                f.partitionedPrefix(p -> p.partitionDateSource(PartitionDateSource.DELIVERY_TIME))))));
        s3.putObject(b -> b.bucket("ld-delivery").key("a"), RequestBody.fromString("a"));
        Await.until(
                "the lines in ld-delivery-logs",
                Duration.ofSeconds(20),
                () -> logs("ld-delivery-logs").contains("REST.PUT.OBJECT"));
        String key = logKeys("ld-delivery-logs").get(0);
        assertThat(key)
                .matches(server.accountId() + "/us-east-1/ld-delivery/(\\d{4})/(\\d{2})/(\\d{2})/\\1-\\2-\\3-"
                        + "\\d{2}-\\d{2}-\\d{2}-[0-9A-F]{16}");
    }

    @Test
    void anUnknownPartitionDateSourceIsMalformed() {
        s3.createBucket(b -> b.bucket("ld-bad"));
        assertS3Error(
                () -> s3.putBucketLogging(b -> b.bucket("ld-bad")
                        .bucketLoggingStatus(s -> s.loggingEnabled(l -> l.targetBucket("ld-bad")
                                .targetPrefix("x/")
                                .targetObjectKeyFormat(
                                        f -> f.partitionedPrefix(p -> p.partitionDateSource("Tomorrow")))))),
                400,
                "MalformedXML");
        assertThat(s3.getBucketLogging(b -> b.bucket("ld-bad")).loggingEnabled())
                .isNull();
    }
}

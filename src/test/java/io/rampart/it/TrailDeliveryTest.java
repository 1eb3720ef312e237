package io.rampart.it;

import static io.rampart.it.Buckets.keys;
import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.http.Monitoring;
import io.rampart.http.Rampart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Copies of sealed trail files and digests into a bucket on the same server or on another S3 endpoint. */
class TrailDeliveryTest {
    /** Seal a log file every second and write a digest every two, so copies appear within seconds. */
    private static final Rampart.TrailTiming FAST =
            new Rampart.TrailTiming(Duration.ofSeconds(1), 1 << 20, Duration.ofSeconds(2));

    @Test
    void sealedLogFilesAndDigestsAreCopiedIntoALocalBucketOnceItExists() throws Exception {
        try (RampartServer server = RampartServer.start(c -> c.trail(FAST)
                        .monitoring(Monitoring.defaults()
                                .withTrailCopy(new Monitoring.TrailCopy("trail-copy", null, Duration.ofMillis(200)))));
                S3Client s3 = server.s3()) {
            s3.createBucket(b -> b.bucket("data"));
            s3.putObject(b -> b.bucket("data").key("k"), RequestBody.fromString("x"));
            // The destination does not exist yet: copies fail and are retried.
            Await.until(
                    "a failed copy",
                    () -> server.rampart().trailDelivery().orElseThrow().failures() > 0);
            s3.createBucket(b -> b.bucket("trail-copy"));
            Await.until("log files and a signed digest copied", () -> {
                List<String> keys = keys(s3, "trail-copy");
                return keys.stream().anyMatch(k -> k.contains("/CloudTrail/") && k.endsWith(".json.gz"))
                        && keys.stream().anyMatch(k -> k.contains("/CloudTrail-Digest/") && k.endsWith(".json.gz.sig"));
            });
            for (String key : keys(s3, "trail-copy")) {
                assertThat(key).startsWith("AWSLogs/" + server.accountId() + "/");
                byte[] copy = s3.getObjectAsBytes(b -> b.bucket("trail-copy").key(key))
                        .asByteArray();
                assertThat(copy)
                        .as(key)
                        .isEqualTo(Files.readAllBytes(
                                server.dataDir().resolve("trail").resolve(key)));
            }
        }
    }

    @Test
    void trailFilesAreCopiedToABucketOnAnotherS3Endpoint() throws Exception {
        try (RampartServer remote = RampartServer.start();
                S3Client remoteS3 = remote.s3()) {
            remoteS3.createBucket(b -> b.bucket("remote-trail"));
            Path config = Files.createTempFile("trail-delivery", ".properties");
            Files.writeString(
                    config,
                    "endpoint=" + remote.endpoint() + "\nregion=us-east-1\naccess_key_id=" + RampartServer.ACCESS_KEY
                            + "\nsecret_access_key=" + RampartServer.SECRET_KEY + "\n");
            try (RampartServer source = RampartServer.start(c -> c.trail(FAST)
                            .monitoring(Monitoring.defaults()
                                    .withTrailCopy(new Monitoring.TrailCopy(
                                            "remote-trail", config, Duration.ofMillis(200)))));
                    S3Client s3 = source.s3()) {
                s3.createBucket(b -> b.bucket("source-data"));
                Await.until(
                        "the source's trail files on the remote endpoint",
                        () -> keys(remoteS3, "remote-trail").stream()
                                .anyMatch(k -> k.startsWith("AWSLogs/" + source.accountId() + "/CloudTrail/")));
                String logKey = keys(remoteS3, "remote-trail").stream()
                        .filter(k -> k.contains("/CloudTrail/"))
                        .findFirst()
                        .orElseThrow();
                assertThat(remoteS3.getObjectAsBytes(
                                        b -> b.bucket("remote-trail").key(logKey))
                                .asByteArray())
                        .isEqualTo(Files.readAllBytes(
                                source.dataDir().resolve("trail").resolve(logKey)));
            }
        }
    }
}

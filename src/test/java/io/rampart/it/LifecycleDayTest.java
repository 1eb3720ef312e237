package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.s3.LifecycleWorker;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleExpiration;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;

/**
 * A shortened lifecycle day is honoured within a day even when the configured pass interval is far longer: the worker
 * runs at least four times a day (--lifecycle-day-seconds 4 with the default --lifecycle-interval-seconds 3600).
 */
class LifecycleDayTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults().lifecycle(4, 3600);

    @Test
    void passIntervalIsAtMostAQuarterDay() {
        assertThat(LifecycleWorker.passInterval(Duration.ofSeconds(4), Duration.ofHours(1)))
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(LifecycleWorker.passInterval(Duration.ofDays(1), Duration.ofHours(1)))
                .isEqualTo(Duration.ofHours(1));
        assertThat(LifecycleWorker.passInterval(Duration.ofDays(1), Duration.ofDays(2)))
                .isEqualTo(Duration.ofHours(6));
    }

    @Test
    void anObjectDueAfterOneShortDayExpiresWithinTheNextDay(S3Client s3) {
        s3.createBucket(b -> b.bucket("lc-short-day"));
        s3.putObject(b -> b.bucket("lc-short-day").key("tmp/a"), RequestBody.fromString("a"));
        Instant written = Instant.now();
        s3.putBucketLifecycleConfiguration(b -> b.bucket("lc-short-day")
                .lifecycleConfiguration(c -> c.rules(LifecycleRule.builder()
                        .id("tmp")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().prefix("tmp/").build())
                        .expiration(LifecycleExpiration.builder().days(1).build())
                        .build())));
        // Due at the second day boundary after the write at the latest (8 s), found by a pass within a quarter day.
        Await.until(
                "tmp/a expired",
                Duration.ofSeconds(25),
                () -> s3.listObjectsV2(b -> b.bucket("lc-short-day")).keyCount() == 0);
        assertThat(Duration.between(written, Instant.now())).isLessThan(Duration.ofSeconds(4 * 2 + 1 + 5));
    }
}

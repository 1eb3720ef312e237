package io.rampart.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.storage.Bucket;
import org.junit.jupiter.api.Test;

class BucketSettingsTest {
    private static Bucket bucket(String config) {
        return new Bucket("cache-test", "owner", "us-east-1", 0, "", false, config);
    }

    @Test
    void aChangedConfigurationIsReadAnewAndAnUnchangedOneIsParsedOnce() {
        String blocked = BucketSettings.forNewBucket(true).toJson();
        String open = BucketSettings.forNewBucket(false).toJson();
        BucketSettings first = BucketSettings.of(bucket(blocked));
        assertThat(first.blocksSseC()).isTrue();
        // The same text (even as another String instance) is a cache hit: the very same parsed value.
        assertThat(BucketSettings.of(bucket(new String(blocked)))).isSameAs(first);
        assertThat(BucketSettings.of(bucket(open)).blocksSseC()).isFalse();
        assertThat(BucketSettings.of(bucket(blocked)).blocksSseC()).isTrue();
    }

    @Test
    void settingsWithPolicyAndLoggingRoundTripThroughTheCache() {
        String json = BucketSettings.forNewBucket(false)
                .withPolicy("{\"Version\":\"2012-10-17\"}")
                .withLogging(new BucketSettings.Logging("logs", "p/"))
                .toJson();
        BucketSettings s = BucketSettings.of(bucket(json));
        assertThat(s.policy()).isEqualTo("{\"Version\":\"2012-10-17\"}");
        assertThat(s.logging()).isEqualTo(new BucketSettings.Logging("logs", "p/"));
        assertThat(BucketSettings.of(bucket(json)).toJson()).isEqualTo(json);
    }
}

package io.rampart.s3;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.storage.Bucket;
import java.util.List;

/**
 * A bucket's sub-resource configurations, stored as one JSON document in its row. Today: default encryption, whose
 * BlockedEncryptionTypes is the per-bucket SSE-C switch.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record BucketSettings(DefaultEncryption encryption) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** ApplyServerSideEncryptionByDefault (always AES256 here), BucketKeyEnabled and BlockedEncryptionTypes. */
    record DefaultEncryption(String algorithm, boolean bucketKeyEnabled, List<String> blockedTypes) {
        DefaultEncryption {
            blockedTypes = blockedTypes == null ? List.of() : List.copyOf(blockedTypes);
        }
    }

    /** Settings of a new bucket: SSE-S3 by default and, unless the server allows it, SSE-C blocked (as AWS since April 2026). */
    static BucketSettings forNewBucket(boolean blockSseC) {
        return new BucketSettings(defaultEncryption(blockSseC));
    }

    static DefaultEncryption defaultEncryption(boolean blockSseC) {
        return new DefaultEncryption("AES256", false, blockSseC ? List.of("SSE-C") : List.of("NONE"));
    }

    static BucketSettings of(Bucket b) {
        try {
            return JSON.readValue(b.config(), BucketSettings.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bucket " + b.name() + " has an unreadable configuration", e);
        }
    }

    boolean blocksSseC() {
        return encryption != null && encryption.blockedTypes().contains("SSE-C");
    }

    BucketSettings withEncryption(DefaultEncryption e) {
        return new BucketSettings(e);
    }

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

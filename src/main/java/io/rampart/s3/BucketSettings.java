package io.rampart.s3;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.storage.Bucket;
import java.util.List;

/**
 * A bucket's sub-resource configurations, stored as one JSON document in its row: default encryption (whose
 * BlockedEncryptionTypes is the per-bucket SSE-C switch), Object Lock's default retention, the lifecycle rules and the
 * bucket policy (its JSON text as the client sent it), and the replication configuration.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record BucketSettings(
        DefaultEncryption encryption,
        LockConfiguration objectLock,
        LifecycleConfiguration lifecycle,
        String mfaDelete,
        String policy,
        Logging logging,
        NotificationConfiguration notification,
        PublicAccess publicAccessBlock,
        ReplicationConfiguration replication,
        Ownership ownership,
        java.util.Map<String, String> tags,
        CorsConfiguration cors,
        WebsiteConfiguration website) {

    /**
     * Object Ownership and the bucket's ACL: {@code objectOwnership} null means BucketOwnerEnforced (what every bucket
     * had before ownership controls could be set), "" that the controls were deleted (ACLs enabled, writers own their
     * objects); {@code acl} null means the owner's FULL_CONTROL alone.
     */
    record Ownership(String objectOwnership, io.rampart.storage.AccessControlList acl) {}

    /** With these ownership controls and bucket ACL. */
    BucketSettings withOwnership(Ownership o) {
        return copy().ownership(o).build();
    }

    boolean blocksPublicAcls() {
        return publicAccessBlock != null && publicAccessBlock.blockPublicAcls();
    }

    boolean ignoresPublicAcls() {
        return publicAccessBlock != null && publicAccessBlock.ignorePublicAcls();
    }

    /** With these bucket tags; null removes them (GetBucketTagging then answers NoSuchTagSet). */
    BucketSettings withTags(java.util.Map<String, String> t) {
        return copy().tags(t).build();
    }

    /** With this CORS configuration; null removes it. */
    BucketSettings withCors(CorsConfiguration c) {
        return copy().cors(c).build();
    }

    /** With this website configuration; null removes it. */
    BucketSettings withWebsite(WebsiteConfiguration w) {
        return copy().website(w).build();
    }

    /** With this replication configuration; null removes it. */
    BucketSettings withReplication(ReplicationConfiguration r) {
        return copy().replication(r).build();
    }

    /** S3 Block Public Access, bucket level: the four switches of PublicAccessBlockConfiguration. */
    record PublicAccess(
            boolean blockPublicAcls,
            boolean ignorePublicAcls,
            boolean blockPublicPolicy,
            boolean restrictPublicBuckets) {}

    BucketSettings withPublicAccessBlock(PublicAccess p) {
        return copy().publicAccessBlock(p).build();
    }

    boolean blocksPublicPolicy() {
        return publicAccessBlock != null && publicAccessBlock.blockPublicPolicy();
    }

    boolean restrictsPublicBuckets() {
        return publicAccessBlock != null && publicAccessBlock.restrictPublicBuckets();
    }

    /**
     * Server access logging (PutBucketLogging's LoggingEnabled): where this bucket's access log objects go.
     * {@code partitionDateSource} is null for SimplePrefix keys (the default), else EventTime or DeliveryTime
     * (TargetObjectKeyFormat's PartitionedPrefix).
     */
    record Logging(String targetBucket, String targetPrefix, String partitionDateSource) {
        Logging(String targetBucket, String targetPrefix) {
            this(targetBucket, targetPrefix, null);
        }
    }

    /** With these event notification targets; null removes them. */
    BucketSettings withNotification(NotificationConfiguration n) {
        return copy().notification(n).build();
    }

    /** With server access logging to this target; null turns it off. */
    BucketSettings withLogging(Logging l) {
        return copy().logging(l).build();
    }

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * ApplyServerSideEncryptionByDefault (AES256 or aws:kms with its KMSMasterKeyID, null for aws/s3), BucketKeyEnabled
     * and BlockedEncryptionTypes.
     */
    record DefaultEncryption(
            String algorithm, boolean bucketKeyEnabled, List<String> blockedTypes, String kmsMasterKeyId) {
        DefaultEncryption {
            blockedTypes = blockedTypes == null ? List.of() : List.copyOf(blockedTypes);
        }

        DefaultEncryption(String algorithm, boolean bucketKeyEnabled, List<String> blockedTypes) {
            this(algorithm, bucketKeyEnabled, blockedTypes, null);
        }

        DefaultEncryption withBlockedTypes(List<String> types) {
            return new DefaultEncryption(algorithm, bucketKeyEnabled, types, kmsMasterKeyId);
        }
    }

    /** Object Lock's default retention for new versions: {@code mode} null when there is no default rule. */
    record LockConfiguration(String mode, Integer days, Integer years) {
        /** The default retain-until for a version written at {@code now}, or null. */
        Long defaultRetainUntil(long now) {
            if (mode == null) return null;
            java.time.ZonedDateTime t = java.time.Instant.ofEpochMilli(now).atZone(java.time.ZoneOffset.UTC);
            return (days != null ? t.plusDays(days) : t.plusYears(years))
                    .toInstant()
                    .toEpochMilli();
        }
    }

    /** Settings of a new bucket: SSE-S3 by default and, unless the server allows it, SSE-C blocked (as AWS since April 2026). */
    static BucketSettings forNewBucket(boolean blockSseC) {
        return new Copy().encryption(defaultEncryption(blockSseC)).build();
    }

    static DefaultEncryption defaultEncryption(boolean blockSseC) {
        return new DefaultEncryption("AES256", false, blockSseC ? List.of("SSE-C") : List.of("NONE"));
    }

    /** Beyond this many distinct configurations the cache starts over rather than grow without bound. */
    private static final int MAX_PARSED = 4_096;
    /**
     * Parsed settings keyed by the configuration text they were read from, as {@link BucketPolicies} keeps policies:
     * several checks on every request (SSE-C block, logging, notification, replication, public access) read the
     * settings, and parsing the JSON each time showed in profiles. The text is the key, so a changed configuration
     * is a miss and is parsed anew; the values are immutable records, safe to share.
     */
    private static final java.util.concurrent.ConcurrentHashMap<String, BucketSettings> PARSED =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Changes one part of a bucket's settings: read, changed and written inside the store's update, so that a concurrent
     * change to another part (a policy while logging is set) is kept. NoSuchBucket when the bucket has gone.
     */
    static void update(Context ctx, Bucket b, java.util.function.UnaryOperator<BucketSettings> change) {
        if (ctx.meta()
                .updateBucketConfig(
                        b.name(), json -> change.apply(of(b.withConfig(json))).toJson())
                .isEmpty()) {
            throw new S3Exception(S3ErrorCode.NO_SUCH_BUCKET).with("BucketName", b.name());
        }
    }

    static BucketSettings of(Bucket b) {
        String config = b.config();
        BucketSettings s = config == null ? null : PARSED.get(config);
        if (s != null) return s;
        try {
            s = JSON.readValue(config, BucketSettings.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bucket " + b.name() + " has an unreadable configuration", e);
        }
        if (PARSED.size() >= MAX_PARSED) PARSED.clear();
        PARSED.put(config, s);
        return s;
    }

    boolean blocksSseC() {
        return encryption != null && encryption.blockedTypes().contains("SSE-C");
    }

    BucketSettings withEncryption(DefaultEncryption e) {
        return copy().encryption(e).build();
    }

    BucketSettings withObjectLock(LockConfiguration l) {
        return copy().objectLock(l).build();
    }

    /** With these lifecycle rules; null removes the lifecycle configuration. */
    BucketSettings withLifecycle(LifecycleConfiguration l) {
        return copy().lifecycle(l).build();
    }

    /** MfaDelete as GetBucketVersioning reports it: null (never set), "Enabled" or "Disabled". */
    BucketSettings withMfaDelete(String state) {
        return copy().mfaDelete(state).build();
    }

    /** With this bucket policy text; null removes the policy. */
    BucketSettings withPolicy(String p) {
        return copy().policy(p).build();
    }

    /** A copy to change: each {@code withX} copies the settings once and changes one part. */
    private Copy copy() {
        Copy c = new Copy();
        c.encryption = encryption;
        c.objectLock = objectLock;
        c.lifecycle = lifecycle;
        c.mfaDelete = mfaDelete;
        c.policy = policy;
        c.logging = logging;
        c.notification = notification;
        c.publicAccessBlock = publicAccessBlock;
        c.replication = replication;
        c.ownership = ownership;
        c.tags = tags;
        c.cors = cors;
        c.website = website;
        return c;
    }

    /** The settings being changed by one {@code withX}. */
    private static final class Copy {
        private DefaultEncryption encryption;
        private LockConfiguration objectLock;
        private LifecycleConfiguration lifecycle;
        private String mfaDelete;
        private String policy;
        private Logging logging;
        private NotificationConfiguration notification;
        private PublicAccess publicAccessBlock;
        private ReplicationConfiguration replication;
        private Ownership ownership;
        private java.util.Map<String, String> tags;
        private CorsConfiguration cors;
        private WebsiteConfiguration website;

        Copy encryption(DefaultEncryption encryption) {
            this.encryption = encryption;
            return this;
        }

        Copy objectLock(LockConfiguration objectLock) {
            this.objectLock = objectLock;
            return this;
        }

        Copy lifecycle(LifecycleConfiguration lifecycle) {
            this.lifecycle = lifecycle;
            return this;
        }

        Copy mfaDelete(String mfaDelete) {
            this.mfaDelete = mfaDelete;
            return this;
        }

        Copy policy(String policy) {
            this.policy = policy;
            return this;
        }

        Copy logging(Logging logging) {
            this.logging = logging;
            return this;
        }

        Copy notification(NotificationConfiguration notification) {
            this.notification = notification;
            return this;
        }

        Copy publicAccessBlock(PublicAccess publicAccessBlock) {
            this.publicAccessBlock = publicAccessBlock;
            return this;
        }

        Copy replication(ReplicationConfiguration replication) {
            this.replication = replication;
            return this;
        }

        Copy ownership(Ownership ownership) {
            this.ownership = ownership;
            return this;
        }

        Copy tags(java.util.Map<String, String> tags) {
            this.tags = tags;
            return this;
        }

        Copy cors(CorsConfiguration cors) {
            this.cors = cors;
            return this;
        }

        Copy website(WebsiteConfiguration website) {
            this.website = website;
            return this;
        }

        BucketSettings build() {
            return new BucketSettings(
                    encryption,
                    objectLock,
                    lifecycle,
                    mfaDelete,
                    policy,
                    logging,
                    notification,
                    publicAccessBlock,
                    replication,
                    ownership,
                    tags,
                    cors,
                    website);
        }
    }

    boolean mfaDeleteEnabled() {
        return "Enabled".equals(mfaDelete);
    }

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

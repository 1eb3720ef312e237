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

    BucketSettings(DefaultEncryption encryption, LockConfiguration objectLock) {
        this(encryption, objectLock, null, null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * Object Ownership and the bucket's ACL: {@code objectOwnership} null means BucketOwnerEnforced (what every bucket
     * had before ownership controls could be set), "" that the controls were deleted (ACLs enabled, writers own their
     * objects); {@code acl} null means the owner's FULL_CONTROL alone.
     */
    record Ownership(String objectOwnership, io.rampart.storage.AccessControlList acl) {}

    /** With these ownership controls and bucket ACL. */
    BucketSettings withOwnership(Ownership o) {
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
                o,
                tags,
                cors,
                website);
    }

    boolean blocksPublicAcls() {
        return publicAccessBlock != null && publicAccessBlock.blockPublicAcls();
    }

    boolean ignoresPublicAcls() {
        return publicAccessBlock != null && publicAccessBlock.ignorePublicAcls();
    }

    /** With these bucket tags; null removes them (GetBucketTagging then answers NoSuchTagSet). */
    BucketSettings withTags(java.util.Map<String, String> t) {
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
                t,
                cors,
                website);
    }

    /** With this CORS configuration; null removes it. */
    BucketSettings withCors(CorsConfiguration c) {
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
                c,
                website);
    }

    /** With this website configuration; null removes it. */
    BucketSettings withWebsite(WebsiteConfiguration w) {
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
                w);
    }

    /** With this replication configuration; null removes it. */
    BucketSettings withReplication(ReplicationConfiguration r) {
        return new BucketSettings(
                encryption,
                objectLock,
                lifecycle,
                mfaDelete,
                policy,
                logging,
                notification,
                publicAccessBlock,
                r,
                ownership,
                tags,
                cors,
                website);
    }

    /** S3 Block Public Access, bucket level: the four switches of PublicAccessBlockConfiguration. */
    record PublicAccess(
            boolean blockPublicAcls,
            boolean ignorePublicAcls,
            boolean blockPublicPolicy,
            boolean restrictPublicBuckets) {}

    BucketSettings withPublicAccessBlock(PublicAccess p) {
        return new BucketSettings(
                encryption,
                objectLock,
                lifecycle,
                mfaDelete,
                policy,
                logging,
                notification,
                p,
                replication,
                ownership,
                tags,
                cors,
                website);
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
        return new BucketSettings(
                encryption,
                objectLock,
                lifecycle,
                mfaDelete,
                policy,
                logging,
                n,
                publicAccessBlock,
                replication,
                ownership,
                tags,
                cors,
                website);
    }

    /** With server access logging to this target; null turns it off. */
    BucketSettings withLogging(Logging l) {
        return new BucketSettings(
                encryption,
                objectLock,
                lifecycle,
                mfaDelete,
                policy,
                l,
                notification,
                publicAccessBlock,
                replication,
                ownership,
                tags,
                cors,
                website);
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
        return new BucketSettings(defaultEncryption(blockSseC), null);
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
        return new BucketSettings(
                e,
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

    BucketSettings withObjectLock(LockConfiguration l) {
        return new BucketSettings(
                encryption,
                l,
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

    /** With these lifecycle rules; null removes the lifecycle configuration. */
    BucketSettings withLifecycle(LifecycleConfiguration l) {
        return new BucketSettings(
                encryption,
                objectLock,
                l,
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

    /** MfaDelete as GetBucketVersioning reports it: null (never set), "Enabled" or "Disabled". */
    BucketSettings withMfaDelete(String state) {
        return new BucketSettings(
                encryption,
                objectLock,
                lifecycle,
                state,
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

    /** With this bucket policy text; null removes the policy. */
    BucketSettings withPolicy(String p) {
        return new BucketSettings(
                encryption,
                objectLock,
                lifecycle,
                mfaDelete,
                p,
                logging,
                notification,
                publicAccessBlock,
                replication,
                ownership,
                tags,
                cors,
                website);
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

package io.rampart.storage;

import java.util.List;
import java.util.Map;

/**
 * What S3 remembers about an object version besides its bytes: content headers (by their HTTP names), user metadata
 * (without the x-amz-meta- prefix), checksums (algorithm name to base64 value), tags, for multipart objects the part
 * sizes (for GET ?partNumber= and PartsCount), the encryption envelope (null only for data written unencrypted), its
 * Object Lock state (null when it has neither retention nor legal hold), and its replication status (PENDING,
 * COMPLETED, FAILED on a source version, REPLICA on a replica; null when no replication rule applies). A version
 * written with status PENDING is put in the replication queue in the same transaction. {@code acl} is the version's
 * owner and ACL (null: owned by the bucket owner, who has FULL_CONTROL, as every version written before ACLs existed).
 */
public record ObjectMeta(
        Map<String, String> contentHeaders,
        Map<String, String> userMetadata,
        Map<String, String> checksums,
        String checksumType,
        List<Long> partSizes,
        Map<String, String> tags,
        String storageClass,
        Encryption encryption,
        LockState lock,
        String replicationStatus,
        AccessControlList acl) {

    public static final String REPLICATION_PENDING = "PENDING";

    /**
     * Object Lock on one version: retention {@code mode} ("GOVERNANCE" or "COMPLIANCE", null for none) until
     * {@code retainUntil} (epoch millis), and the legal hold.
     */
    public record LockState(String mode, Long retainUntil, boolean legalHold) {
        public LockState withLegalHold(boolean on) {
            return new LockState(mode, retainUntil, on);
        }

        public LockState withRetention(String newMode, Long until) {
            return new LockState(newMode, until, legalHold);
        }
    }

    public ObjectMeta {
        contentHeaders = contentHeaders == null ? Map.of() : contentHeaders;
        userMetadata = userMetadata == null ? Map.of() : userMetadata;
        checksums = checksums == null ? Map.of() : checksums;
        partSizes = partSizes == null ? List.of() : partSizes;
        tags = tags == null ? Map.of() : tags;
        storageClass = storageClass == null ? "STANDARD" : storageClass;
    }

    /** Metadata with nothing set: no headers, metadata, checksums or tags, STANDARD storage, no encryption. */
    public static Builder builder() {
        return new Builder();
    }

    /** No metadata at all: a delete marker's. */
    public static ObjectMeta empty() {
        return builder().build();
    }

    /**
     * This metadata with read-only maps and lists (same order), safe to share between requests: what
     * {@link MetadataJson#objectMeta} hands out, so code that tried to change a shared instance would fail at once.
     */
    ObjectMeta unmodifiable() {
        return new ObjectMeta(
                java.util.Collections.unmodifiableMap(contentHeaders),
                java.util.Collections.unmodifiableMap(userMetadata),
                java.util.Collections.unmodifiableMap(checksums),
                checksumType,
                java.util.Collections.unmodifiableList(partSizes),
                java.util.Collections.unmodifiableMap(tags),
                storageClass,
                encryption,
                lock,
                replicationStatus,
                acl);
    }

    /** A builder holding this metadata, to change some of it. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.contentHeaders = contentHeaders;
        b.userMetadata = userMetadata;
        b.checksums = checksums;
        b.checksumType = checksumType;
        b.partSizes = partSizes;
        b.tags = tags;
        b.storageClass = storageClass;
        b.encryption = encryption;
        b.lock = lock;
        b.replicationStatus = replicationStatus;
        b.acl = acl;
        return b;
    }

    public ObjectMeta withTags(Map<String, String> newTags) {
        return toBuilder().tags(newTags).build();
    }

    public ObjectMeta withEncryption(Encryption e) {
        return toBuilder().encryption(e).build();
    }

    public ObjectMeta withLock(LockState l) {
        return toBuilder().lock(l).build();
    }

    public ObjectMeta withAcl(AccessControlList a) {
        return toBuilder().acl(a).build();
    }

    public ObjectMeta withReplicationStatus(String status) {
        return toBuilder().replicationStatus(status).build();
    }

    /** Names each part once; what is not set is absent (the canonical constructor's defaults). */
    public static final class Builder {
        private Map<String, String> contentHeaders;
        private Map<String, String> userMetadata;
        private Map<String, String> checksums;
        private String checksumType;
        private List<Long> partSizes;
        private Map<String, String> tags;
        private String storageClass;
        private Encryption encryption;
        private LockState lock;
        private String replicationStatus;
        private AccessControlList acl;

        private Builder() {}

        public Builder contentHeaders(Map<String, String> contentHeaders) {
            this.contentHeaders = contentHeaders;
            return this;
        }

        public Builder userMetadata(Map<String, String> userMetadata) {
            this.userMetadata = userMetadata;
            return this;
        }

        public Builder checksums(Map<String, String> checksums) {
            this.checksums = checksums;
            return this;
        }

        public Builder checksumType(String checksumType) {
            this.checksumType = checksumType;
            return this;
        }

        public Builder partSizes(List<Long> partSizes) {
            this.partSizes = partSizes;
            return this;
        }

        public Builder tags(Map<String, String> tags) {
            this.tags = tags;
            return this;
        }

        public Builder storageClass(String storageClass) {
            this.storageClass = storageClass;
            return this;
        }

        public Builder encryption(Encryption encryption) {
            this.encryption = encryption;
            return this;
        }

        public Builder lock(LockState lock) {
            this.lock = lock;
            return this;
        }

        public Builder replicationStatus(String replicationStatus) {
            this.replicationStatus = replicationStatus;
            return this;
        }

        public Builder acl(AccessControlList acl) {
            this.acl = acl;
            return this;
        }

        public ObjectMeta build() {
            return new ObjectMeta(
                    contentHeaders,
                    userMetadata,
                    checksums,
                    checksumType,
                    partSizes,
                    tags,
                    storageClass,
                    encryption,
                    lock,
                    replicationStatus,
                    acl);
        }
    }
}

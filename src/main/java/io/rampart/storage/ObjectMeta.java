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

    /** Metadata without an ACL of its own. */
    public ObjectMeta(
            Map<String, String> contentHeaders,
            Map<String, String> userMetadata,
            Map<String, String> checksums,
            String checksumType,
            List<Long> partSizes,
            Map<String, String> tags,
            String storageClass,
            Encryption encryption,
            LockState lock,
            String replicationStatus) {
        this(
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
                null);
    }

    /** Metadata without a replication status. */
    public ObjectMeta(
            Map<String, String> contentHeaders,
            Map<String, String> userMetadata,
            Map<String, String> checksums,
            String checksumType,
            List<Long> partSizes,
            Map<String, String> tags,
            String storageClass,
            Encryption encryption,
            LockState lock) {
        this(
                contentHeaders,
                userMetadata,
                checksums,
                checksumType,
                partSizes,
                tags,
                storageClass,
                encryption,
                lock,
                null);
    }

    /** Metadata without Object Lock state (the common case). */
    public ObjectMeta(
            Map<String, String> contentHeaders,
            Map<String, String> userMetadata,
            Map<String, String> checksums,
            String checksumType,
            List<Long> partSizes,
            Map<String, String> tags,
            String storageClass,
            Encryption encryption) {
        this(contentHeaders, userMetadata, checksums, checksumType, partSizes, tags, storageClass, encryption, null);
    }

    public ObjectMeta withTags(Map<String, String> newTags) {
        return new ObjectMeta(
                contentHeaders,
                userMetadata,
                checksums,
                checksumType,
                partSizes,
                newTags,
                storageClass,
                encryption,
                lock,
                replicationStatus,
                acl);
    }

    public ObjectMeta withEncryption(Encryption e) {
        return new ObjectMeta(
                contentHeaders,
                userMetadata,
                checksums,
                checksumType,
                partSizes,
                tags,
                storageClass,
                e,
                lock,
                replicationStatus,
                acl);
    }

    public ObjectMeta withLock(LockState l) {
        return new ObjectMeta(
                contentHeaders,
                userMetadata,
                checksums,
                checksumType,
                partSizes,
                tags,
                storageClass,
                encryption,
                l,
                replicationStatus,
                acl);
    }

    public ObjectMeta withAcl(AccessControlList a) {
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
                a);
    }

    public ObjectMeta withReplicationStatus(String status) {
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
                status,
                acl);
    }
}

package io.rampart.kms;

import org.jspecify.annotations.Nullable;

/**
 * One KMS key's metadata (never its material): state ("Enabled", "Disabled", "PendingDeletion"), who manages it
 * ("CUSTOMER", or "AWS" for the aws/s3 key S3 creates), the deletion date while pending deletion, rotation, the
 * current material version (older versions stay for decryption) and its key policy.
 */
public record KmsKey(
        String keyId,
        String accountId,
        String description,
        String state,
        String keyManager,
        long created,
        @Nullable Long deletionDate,
        boolean rotationEnabled,
        int rotationPeriodDays,
        @Nullable Long lastRotation,
        int currentVersion,
        String policy) {
    public static final String ENABLED = "Enabled";
    public static final String DISABLED = "Disabled";
    public static final String PENDING_DELETION = "PendingDeletion";

    public String arn(String region) {
        return "arn:aws:kms:" + region + ":" + accountId + ":key/" + keyId;
    }

    public boolean awsManaged() {
        return "AWS".equals(keyManager);
    }

    KmsKey withState(String s, @Nullable Long deletion) {
        return new KmsKey(
                keyId,
                accountId,
                description,
                s,
                keyManager,
                created,
                deletion,
                rotationEnabled,
                rotationPeriodDays,
                lastRotation,
                currentVersion,
                policy);
    }
}

package io.rampart.iam;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An access key with its secret (unsealed, held only in memory) and the principal it signs for.
 *
 * @param sessionToken the token temporary credentials must present (null for long-lived keys)
 * @param expiration   when temporary credentials expire (empty for long-lived keys)
 */
public record AccessKey(
        String accessKeyId,
        String secretKey,
        String status,
        Principal principal,
        @Nullable String sessionToken,
        Optional<Instant> expiration) {
    public AccessKey(String accessKeyId, String secretKey, String status, Principal principal) {
        this(accessKeyId, secretKey, status, principal, null, Optional.empty());
    }

    public boolean active() {
        return "Active".equals(status);
    }

    @Override
    public String toString() {
        return "AccessKey[" + accessKeyId + ", " + status + ", " + principal.arn() + "]";
    }
}

package io.rampart.auth;

import io.rampart.iam.Principal;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A signing secret as the credential store holds it.
 *
 * @param sessionToken null for long-lived keys; temporary keys must present exactly this token
 * @param principal    opaque to authentication, handed back on success
 * @param expiration   when temporary credentials stop working (null for long-lived keys)
 */
public record Credential(
        String accessKeyId,
        String secretKey,
        @Nullable String sessionToken,
        Principal principal,
        java.time.@Nullable Instant expiration) {
    public Credential(String accessKeyId, String secretKey, @Nullable String sessionToken, Principal principal) {
        this(accessKeyId, secretKey, sessionToken, principal, null);
    }

    public Credential {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(principal, "principal");
    }

    /** Keeps the secret out of logs and exception messages. */
    @Override
    public String toString() {
        return "Credential[accessKeyId=" + accessKeyId + ", temporary=" + (sessionToken != null) + ", principal="
                + principal.arn() + "]";
    }
}

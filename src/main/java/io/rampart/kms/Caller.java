package io.rampart.kms;

import io.rampart.iam.Principal;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Who asks the key service for something, and how: directly (the KMS API) or through another service on the caller's
 * behalf ({@code viaService} "s3.&lt;region&gt;.amazonaws.com", the kms:ViaService condition key; null for a direct
 * call).
 */
public record Caller(
        Principal principal,
        String sourceIp,
        boolean secure,
        Instant now,
        @Nullable String viaService) {
    public Caller via(String service) {
        return new Caller(principal, sourceIp, secure, now, service);
    }
}

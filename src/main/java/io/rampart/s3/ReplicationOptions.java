package io.rampart.s3;

import java.time.Duration;

/**
 * Operator settings for replication: the remote destinations, and the retry back-off (doubling from {@code retryBase}
 * up to {@code retryMax}) for destinations that are unreachable or answer with a server error.
 */
public record ReplicationOptions(ReplicationTargets targets, Duration retryBase, Duration retryMax) {
    public ReplicationOptions {
        if (targets == null) targets = ReplicationTargets.none();
        if (retryBase == null) retryBase = Duration.ofSeconds(1);
        if (retryMax == null) retryMax = Duration.ofMinutes(5);
        if (retryBase.isNegative() || retryBase.isZero() || retryMax.compareTo(retryBase) < 0) {
            throw new IllegalArgumentException("replication retry base must be positive and not above the maximum");
        }
    }

    public static ReplicationOptions defaults() {
        return new ReplicationOptions(ReplicationTargets.none(), null, null);
    }

    public ReplicationOptions withTargets(ReplicationTargets t) {
        return new ReplicationOptions(t, retryBase, retryMax);
    }

    public ReplicationOptions withRetry(Duration base, Duration max) {
        return new ReplicationOptions(targets, base, max);
    }
}

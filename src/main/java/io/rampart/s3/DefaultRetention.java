package io.rampart.s3;

import io.rampart.storage.Bucket;
import io.rampart.storage.ObjectMeta.LockState;

/**
 * The Object Lock state a version written without x-amz-object-lock-* headers gets: the bucket's default retention, if
 * any. For writers outside the S3 request path (restore), which must protect what they write exactly as a PUT would.
 */
public final class DefaultRetention {
    private DefaultRetention() {}

    /** The bucket's default retention from {@code now}, or null when the bucket has no Object Lock default rule. */
    public static LockState forNewVersion(Bucket b, long now) {
        if (!b.objectLock()) return null;
        BucketSettings.LockConfiguration l = BucketSettings.of(b).objectLock();
        if (l == null || l.mode() == null) return null;
        return new LockState(l.mode(), l.defaultRetainUntil(now), false);
    }
}

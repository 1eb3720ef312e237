package io.rampart.s3;

import io.rampart.storage.BlobStore;
import io.rampart.storage.Bucket;
import io.rampart.storage.MetadataStore;
import java.time.Clock;

/** What every operation family shares: the stores, the server's region and clock. */
record Context(
        MetadataStore meta, BlobStore blobs, String region, Clock clock, Sse sse, S3Settings settings, MfaDelete mfa) {

    /** The bucket the call names, if it exists and the caller may use it (the owner's account, or what a bucket policy allows). */
    Bucket ownedBucket(AuthorizedCall call) {
        // Loaded and authorised (bucket policy and the caller's permissions) before dispatch: see Authorizer.
        if (call.loadedBucket() != null) return call.loadedBucket();
        Bucket b = meta.bucket(call.bucket())
                .orElseThrow(() -> new S3Exception(S3ErrorCode.NO_SUCH_BUCKET).with("BucketName", call.bucket()));
        if (call.principal().isAnonymous() || !b.owner().equals(call.principal().accountId())) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
        return b;
    }

    long now() {
        return clock.millis();
    }
}

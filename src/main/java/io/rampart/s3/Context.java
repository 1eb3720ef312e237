package io.rampart.s3;

import io.rampart.storage.BlobStore;
import io.rampart.storage.Bucket;
import io.rampart.storage.MetadataStore;
import java.time.Clock;

/** What every operation family shares: the stores, the server's region and clock. */
record Context(MetadataStore meta, BlobStore blobs, String region, Clock clock, Sse sse, S3Settings settings,
               MfaDelete mfa) {

    /** The bucket the call names, if it exists and the caller's account owns it. */
    Bucket ownedBucket(S3Call call) {
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

package io.rampart.s3;

import io.rampart.storage.Bucket;
import java.io.IOException;
import java.util.Optional;

/**
 * PutBucketReplication, GetBucketReplication, DeleteBucketReplication: the rules, validated as S3 validates them, kept in
 * the bucket's configuration document. Destinations are buckets of the same account on this server, or buckets the
 * operator listed in the replication targets file. {@link ReplicationWorker} replicates.
 */
final class BucketReplication {
    private final Context ctx;
    private final ReplicationTargets targets;

    BucketReplication(Context ctx, ReplicationTargets targets) {
        this.ctx = ctx;
        this.targets = targets;
    }

    S3Response get(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        ReplicationConfiguration config = BucketSettings.of(b).replication();
        if (config == null) {
            throw new S3Exception(S3ErrorCode.REPLICATION_CONFIGURATION_NOT_FOUND).with("BucketName", b.name());
        }
        return S3Response.xml(config.toXml());
    }

    S3Response put(AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        if (call.header("content-md5").isEmpty()
                && call.verifiedChecksums().isEmpty()
                && call.headers().keySet().stream()
                        .noneMatch(h -> h.startsWith("x-amz-checksum-")
                                || h.equals("x-amz-trailer")
                                || h.equals("x-amz-sdk-checksum-algorithm"))) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "Missing required header for this request: Content-MD5 OR x-amz-checksum-*");
        }
        ReplicationConfiguration config =
                ReplicationConfiguration.parse(call.body().readAllBytes());
        if (!"Enabled".equals(b.versioning())) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "Versioning must be 'Enabled' on the bucket to apply a replication configuration");
        }
        for (String destination : config.destinationBuckets()) checkDestination(b, destination);
        BucketSettings.update(ctx, b, s -> s.withReplication(config));
        return S3Response.ok();
    }

    /** A destination is a remote target the operator configured, or a versioned bucket of the same account here. */
    private void checkDestination(Bucket source, String destination) {
        if (destination.equals(source.name())) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST, "Destination bucket cannot be the same as the source bucket.");
        }
        Optional<ReplicationTargets.Target> remote = targets.forBucket(destination);
        if (remote.isPresent()) {
            if (!remote.get().allows(source.owner())) {
                throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Destination bucket must exist.");
            }
            return;
        }
        // Another account's bucket is reported as missing: its existence is not the requester's to learn.
        Optional<Bucket> d =
                ctx.meta().bucket(destination).filter(x -> x.owner().equals(source.owner()));
        if (d.isEmpty()) throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Destination bucket must exist.");
        if (!"Enabled".equals(d.get().versioning())) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Destination bucket must have versioning enabled.");
        }
    }

    S3Response delete(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        BucketSettings.update(ctx, b, s -> s.withReplication(null));
        return S3Response.noContent();
    }
}

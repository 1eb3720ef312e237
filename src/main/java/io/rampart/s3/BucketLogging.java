package io.rampart.s3;

import io.rampart.storage.Bucket;
import io.rampart.storage.MetadataStore;
import io.rampart.xml.XmlElement;
import io.rampart.xml.XmlWriter;
import java.io.IOException;
import java.util.Optional;

/** PutBucketLogging and GetBucketLogging: where a bucket's S3 server access logs are delivered. */
public final class BucketLogging {
    /** GetBucketLogging's namespace, as AWS answers it (not the usual S3 one). */
    static final String NAMESPACE = "http://doc.s3.amazonaws.com/2006-03-01";

    private final Context ctx;

    BucketLogging(Context ctx) {
        this.ctx = ctx;
    }

    /** Where a bucket's access log lines go: the target, and the source bucket's owner (its canonical id is logged). */
    public record Target(
            String sourceOwnerAccount,
            String sourceOwnerCanonicalId,
            String targetBucket,
            String targetPrefix,
            String sourceRegion,
            String sourceBucket,
            String partitionDateSource) {
        /** PartitionedPrefix's {@code TargetPrefix SourceAccountId/SourceRegion/SourceBucket/}, or null for SimplePrefix. */
        public String partitionedPrefix() {
            return partitionDateSource == null
                    ? null
                    : targetPrefix + sourceOwnerAccount + "/" + sourceRegion + "/" + sourceBucket + "/";
        }

        /** Whether partitioned keys are dated by the requests' day (EventTime) rather than the delivery's. */
        public boolean eventTime() {
            return "EventTime".equals(partitionDateSource);
        }
    }

    /** The access logging target of {@code bucket}, when the bucket exists and has logging enabled. */
    public static Optional<Target> target(MetadataStore meta, String bucket) {
        return meta.bucket(bucket).flatMap(b -> {
            BucketSettings.Logging l = BucketSettings.of(b).logging();
            return l == null
                    ? Optional.empty()
                    : Optional.of(new Target(
                            b.owner(),
                            Owners.canonicalId(b.owner()),
                            l.targetBucket(),
                            l.targetPrefix(),
                            b.region(),
                            b.name(),
                            l.partitionDateSource()));
        });
    }

    S3Response get(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        BucketSettings.Logging l = BucketSettings.of(b).logging();
        XmlWriter x = new XmlWriter().start("BucketLoggingStatus", NAMESPACE);
        if (l != null) {
            x.start("LoggingEnabled")
                    .element("TargetBucket", l.targetBucket())
                    .element("TargetPrefix", l.targetPrefix());
            if (l.partitionDateSource() != null) {
                x.start("TargetObjectKeyFormat")
                        .start("PartitionedPrefix")
                        .element("PartitionDateSource", l.partitionDateSource())
                        .end()
                        .end();
            }
            x.end();
        }
        return S3Response.xml(x.end());
    }

    /**
     * TargetObjectKeyFormat: absent or SimplePrefix (null), or PartitionedPrefix with its PartitionDateSource (EventTime
     * when not given, as AWS defaults it). Both at once, or another date source, is MalformedXML.
     */
    private static String keyFormat(XmlElement loggingEnabled) {
        Optional<XmlElement> format = loggingEnabled.child("TargetObjectKeyFormat");
        if (format.isEmpty()) return null;
        Optional<XmlElement> partitioned = format.get().child("PartitionedPrefix");
        boolean simple = format.get().child("SimplePrefix").isPresent();
        if (partitioned.isPresent() == simple
                && (simple || !format.get().children().isEmpty())) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        if (partitioned.isEmpty()) return null;
        String source = partitioned
                .get()
                .childText("PartitionDateSource")
                .map(String::trim)
                .orElse("EventTime");
        if (!source.equals("EventTime") && !source.equals("DeliveryTime"))
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        return source;
    }

    S3Response put(AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        XmlElement root = RequestXml.parse(call.body().readAllBytes(), "BucketLoggingStatus");
        Optional<XmlElement> enabled = root.child("LoggingEnabled");
        BucketSettings.Logging logging = null;
        if (enabled.isPresent()) {
            XmlElement e = enabled.get();
            String target = e.childText("TargetBucket")
                    .map(String::trim)
                    .orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
            String prefix = e.childText("TargetPrefix").orElse("");
            String dateSource = keyFormat(e);
            if (e.child("TargetGrants").map(g -> !g.children().isEmpty()).orElse(false)) {
                // AWS refuses TargetGrants on buckets with ACLs disabled (BucketOwnerEnforced), as Rampart's are.
                throw new S3Exception(
                        S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED,
                        "The target bucket for logging does not support ACLs.");
            }
            Bucket t = ctx.meta()
                    .bucket(target)
                    .orElseThrow(() -> new S3Exception(
                                    S3ErrorCode.INVALID_TARGET_BUCKET_FOR_LOGGING,
                                    "The target bucket for logging does not exist")
                            .with("TargetBucket", target));
            if (!t.owner().equals(b.owner())) {
                throw new S3Exception(
                                S3ErrorCode.INVALID_TARGET_BUCKET_FOR_LOGGING,
                                "The owner for the bucket to be logged and the target bucket must be the same.")
                        .with("TargetBucket", target);
            }
            logging = new BucketSettings.Logging(target, prefix, dateSource);
        }
        BucketSettings.Logging set = logging;
        BucketSettings.update(ctx, b, s -> s.withLogging(set));
        return S3Response.ok();
    }
}

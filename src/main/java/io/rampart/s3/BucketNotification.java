package io.rampart.s3;

import io.rampart.storage.Bucket;
import io.rampart.xml.XmlElement;
import io.rampart.xml.XmlWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * PutBucketNotificationConfiguration and GetBucketNotificationConfiguration: QueueConfiguration elements naming
 * webhook targets configured on the server, as MinIO-style ARNs {@code arn:rampart:sqs::ID:webhook}.
 */
final class BucketNotification {
    /** Event types S3 defines for notifications; Rampart emits the ObjectCreated and ObjectRemoved ones. */
    static final Set<String> EVENT_TYPES = Set.of(
            "s3:ObjectCreated:*",
            "s3:ObjectCreated:Put",
            "s3:ObjectCreated:Post",
            "s3:ObjectCreated:Copy",
            "s3:ObjectCreated:CompleteMultipartUpload",
            "s3:ObjectRemoved:*",
            "s3:ObjectRemoved:Delete",
            "s3:ObjectRemoved:DeleteMarkerCreated",
            "s3:ObjectRestore:*",
            "s3:ObjectRestore:Post",
            "s3:ObjectRestore:Completed",
            "s3:ObjectRestore:Delete",
            "s3:ReducedRedundancyLostObject",
            "s3:Replication:*",
            "s3:Replication:OperationFailedReplication",
            "s3:Replication:OperationMissedThreshold",
            "s3:Replication:OperationReplicatedAfterThreshold",
            "s3:Replication:OperationNotTracked",
            "s3:LifecycleExpiration:*",
            "s3:LifecycleExpiration:Delete",
            "s3:LifecycleExpiration:DeleteMarkerCreated",
            "s3:LifecycleTransition",
            "s3:IntelligentTiering",
            "s3:ObjectTagging:*",
            "s3:ObjectTagging:Put",
            "s3:ObjectTagging:Delete",
            "s3:ObjectAcl:Put");

    private final Context ctx;
    private final Supplier<Set<String>> targetIds;

    BucketNotification(Context ctx, Supplier<Set<String>> targetIds) {
        this.ctx = ctx;
        this.targetIds = targetIds;
    }

    S3Response get(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        NotificationConfiguration n = BucketSettings.of(b).notification();
        XmlWriter x = new XmlWriter().start("NotificationConfiguration", XmlWriter.S3_NAMESPACE);
        if (n != null) {
            for (NotificationConfiguration.Target t : n.queues()) {
                x.start("QueueConfiguration").element("Id", t.id()).element("Queue", t.arn());
                for (String e : t.events()) x.element("Event", e);
                if (t.prefix() != null || t.suffix() != null) {
                    x.start("Filter").start("S3Key");
                    if (t.prefix() != null)
                        x.start("FilterRule")
                                .element("Name", "Prefix")
                                .element("Value", t.prefix())
                                .end();
                    if (t.suffix() != null)
                        x.start("FilterRule")
                                .element("Name", "Suffix")
                                .element("Value", t.suffix())
                                .end();
                    x.end().end();
                }
                x.end();
            }
        }
        return S3Response.xml(x.end());
    }

    S3Response put(AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        XmlElement root = RequestXml.parse(call.body().readAllBytes(), "NotificationConfiguration");
        List<NotificationConfiguration.Target> queues = new ArrayList<>();
        Set<String> known = targetIds.get();
        for (XmlElement c : root.children()) {
            switch (c.name()) {
                case "QueueConfiguration" -> queues.add(queue(c, known));
                case "TopicConfiguration", "CloudFunctionConfiguration" -> {
                    String arn = c.childText(c.name().equals("TopicConfiguration") ? "Topic" : "CloudFunction")
                            .orElse("");
                    throw unknownDestination(arn);
                }
                case "EventBridgeConfiguration" ->
                    throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED, "EventBridge notifications are not available");
                default -> throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
        }
        NotificationConfiguration config = queues.isEmpty() ? null : new NotificationConfiguration(queues);
        BucketSettings.update(ctx, b, s -> s.withNotification(config));
        return S3Response.ok();
    }

    private static NotificationConfiguration.Target queue(XmlElement c, Set<String> known) {
        String arn =
                c.childText("Queue").map(String::trim).orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
        String id =
                c.childText("Id").map(String::trim).filter(s -> !s.isEmpty()).orElseGet(BucketNotification::newId);
        List<String> events = new ArrayList<>();
        for (XmlElement e : c.all("Event")) {
            String name = e.text().trim();
            if (!EVENT_TYPES.contains(name)) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "The event is not supported for notifications")
                        .with("ArgumentName1", name)
                        .with("ArgumentValue1", name);
            }
            events.add(name);
        }
        if (events.isEmpty()) throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        String prefix = null;
        String suffix = null;
        Optional<XmlElement> key = c.child("Filter").flatMap(f -> f.child("S3Key"));
        if (key.isPresent()) {
            for (XmlElement rule : key.get().all("FilterRule")) {
                String name = rule.childText("Name").orElse("").trim();
                String value = rule.childText("Value").orElse("");
                if (name.equalsIgnoreCase("prefix")) {
                    if (prefix != null) throw filterError("Cannot specify more than one prefix rule in a filter.");
                    prefix = value;
                } else if (name.equalsIgnoreCase("suffix")) {
                    if (suffix != null) throw filterError("Cannot specify more than one suffix rule in a filter.");
                    suffix = value;
                } else {
                    throw filterError("filter rule name must be either prefix or suffix");
                }
            }
        }
        if (!known.contains(targetId(arn))) throw unknownDestination(arn);
        return new NotificationConfiguration.Target(id, arn, events, prefix, suffix);
    }

    /** The server-side target id in {@code arn:rampart:sqs:[region]:ID:webhook}, or "" when the ARN is not of that form. */
    static String targetId(String arn) {
        String[] p = arn.split(":", -1);
        if (p.length != 6
                || !p[0].equals("arn")
                || !p[1].equals("rampart")
                || !p[2].equals("sqs")
                || !p[5].equals("webhook")) {
            return "";
        }
        return p[4];
    }

    private static S3Exception unknownDestination(String arn) {
        return new S3Exception(
                        S3ErrorCode.INVALID_ARGUMENT, "Unable to validate the following destination configurations")
                .with("ArgumentName1", arn)
                .with("ArgumentValue1", "The destination does not exist on this server");
    }

    private static S3Exception filterError(String message) {
        return new S3Exception(S3ErrorCode.INVALID_ARGUMENT, message).with("ArgumentName1", "FilterRule.Name");
    }

    private static String newId() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}

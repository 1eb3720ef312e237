package io.rampart.s3;

import java.util.List;

/**
 * A bucket's event notification configuration (QueueConfiguration elements): which events, filtered by key prefix and
 * suffix, go to which configured target.
 */
public record NotificationConfiguration(List<Target> queues) {
    /** The notification configuration of {@code bucket}, when it exists and has one; with the bucket's owner account. */
    public static java.util.Optional<Owned> of(io.rampart.storage.MetadataStore meta, String bucket) {
        return meta.bucket(bucket).flatMap(b -> {
            NotificationConfiguration n = BucketSettings.of(b).notification();
            return n == null || n.queues().isEmpty()
                    ? java.util.Optional.empty()
                    : java.util.Optional.of(new Owned(b.owner(), Owners.canonicalId(b.owner()), n));
        });
    }

    /** A bucket's configuration with its owner (the event's s3.bucket.ownerIdentity). */
    public record Owned(String ownerAccount, String ownerCanonicalId, NotificationConfiguration configuration) {}

    /** The server-side target id in {@code arn:rampart:sqs:[region]:ID:webhook}, or "" when the ARN is not of that form. */
    public static String targetId(String arn) {
        return BucketNotification.targetId(arn);
    }

    public NotificationConfiguration {
        queues = queues == null ? List.of() : List.copyOf(queues);
    }

    /**
     * One QueueConfiguration: {@code arn} names a target configured on the server ({@code arn:rampart:sqs::ID:webhook}),
     * {@code events} are patterns such as {@code s3:ObjectCreated:*}.
     */
    public record Target(String id, String arn, List<String> events, String prefix, String suffix) {
        public Target {
            events = List.copyOf(events);
        }

        /** Whether an event named {@code eventName} (e.g. "ObjectCreated:Put") on {@code key} goes to this target. */
        public boolean matches(String eventName, String key) {
            if (prefix != null && !key.startsWith(prefix)) return false;
            if (suffix != null && !key.endsWith(suffix)) return false;
            String full = "s3:" + eventName;
            for (String e : events) {
                if (e.equals(full)) return true;
                if (e.endsWith(":*") && full.startsWith(e.substring(0, e.length() - 1))) return true;
            }
            return false;
        }
    }
}

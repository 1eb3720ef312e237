package io.rampart.notify;

import io.rampart.audit.RequestFacts;
import io.rampart.s3.NotificationConfiguration;
import io.rampart.storage.MetadataStore;
import io.rampart.storage.ObjectVersion;
import io.rampart.xml.XmlElement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Turns successful object writes and deletes into S3 event messages for the buckets' notification targets and queues
 * them durably before the request is acknowledged; a {@link WebhookSender} delivers them.
 */
public final class Notifier {
    private static final long CACHE_MILLIS = 10_000;
    private static final int MAX_CACHED = 10_000;

    private record Cached(Optional<NotificationConfiguration.Owned> config, long until) {}

    private final MetadataStore meta;
    private final EventQueue queue;
    private final WebhookSender sender;
    private final Clock clock;
    private final String region;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /** Event order per key: increasing across restarts as it starts from the clock. */
    private final AtomicLong sequencer;

    public Notifier(MetadataStore meta, EventQueue queue, WebhookSender sender, Clock clock, String region) {
        this.meta = meta;
        this.queue = queue;
        this.sender = sender;
        this.clock = clock;
        this.region = region;
        this.sequencer = new AtomicLong(clock.millis() << 16);
    }

    /**
     * Queues the events of one acknowledged request ({@code responseBody}: DeleteObjects' result document, else
     * ignored). Returns only once they are committed.
     */
    public void published(RequestFacts f, byte[] responseBody) {
        String bucket = f.bucket();
        if (bucket == null || f.status() >= 300) return;
        String op = f.eventName();
        if ("PutBucketNotification".equals(op) || "DeleteBucket".equals(op) || "CreateBucket".equals(op)) {
            cache.remove(bucket);
            return;
        }
        if (!op.equals("PutObject")
                && !op.equals("PostObject")
                && !op.equals("CopyObject")
                && !op.equals("CompleteMultipartUpload")
                && !op.equals("DeleteObject")
                && !op.equals("DeleteObjects")) {
            return;
        }
        Optional<NotificationConfiguration.Owned> config = config(bucket);
        if (config.isEmpty()) return;
        List<S3EventMessage.Event> events = new ArrayList<>();
        switch (op) {
            case "PutObject" -> created(events, f, "ObjectCreated:Put", config.get());
            case "PostObject" -> created(events, f, "ObjectCreated:Post", config.get());
            case "CopyObject" -> created(events, f, "ObjectCreated:Copy", config.get());
            case "CompleteMultipartUpload" -> created(events, f, "ObjectCreated:CompleteMultipartUpload", config.get());
            case "DeleteObject" -> {
                boolean marker = "true".equals(f.responseElements().get("x-amz-delete-marker"))
                        && !f.requestParameters().containsKey("versionId");
                String versionId = marker
                        ? f.responseElements().get("x-amz-version-id")
                        : f.requestParameters().get("versionId");
                events.add(event(
                        f,
                        marker ? "ObjectRemoved:DeleteMarkerCreated" : "ObjectRemoved:Delete",
                        config.get(),
                        f.key(),
                        -1,
                        null,
                        versionId));
            }
            default -> deletedMany(events, f, responseBody, config.get());
        }
        List<EventQueue.Message> messages = new ArrayList<>();
        for (S3EventMessage.Event e : events) {
            for (NotificationConfiguration.Target t :
                    config.get().configuration().queues()) {
                if (!t.matches(e.eventName(), e.key())) continue;
                S3EventMessage.Event withId = new S3EventMessage.Event(
                        e.eventName(),
                        e.time(),
                        e.region(),
                        e.principalId(),
                        e.sourceIp(),
                        e.requestId(),
                        e.hostId(),
                        t.id(),
                        e.bucket(),
                        e.ownerCanonicalId(),
                        e.key(),
                        e.size(),
                        e.eTag(),
                        e.versionId(),
                        e.sequencer());
                messages.add(new EventQueue.Message(
                        NotificationConfiguration.targetId(t.arn()), S3EventMessage.json(withId)));
            }
        }
        if (messages.isEmpty()) return;
        queue.add(messages, clock.millis());
        sender.poke();
    }

    /**
     * Queues the event of a lifecycle expiration (s3:LifecycleExpiration:Delete or :DeleteMarkerCreated), made by S3
     * itself. Returns once it is committed.
     */
    public void lifecycleExpiration(
            String bucket, String key, @Nullable String versionId, boolean deleteMarker, java.time.Instant time) {
        Optional<NotificationConfiguration.Owned> config = config(bucket);
        if (config.isEmpty()) return;
        String name = deleteMarker ? "LifecycleExpiration:DeleteMarkerCreated" : "LifecycleExpiration:Delete";
        List<EventQueue.Message> messages = new ArrayList<>();
        for (NotificationConfiguration.Target t : config.get().configuration().queues()) {
            if (!t.matches(name, key)) continue;
            S3EventMessage.Event e = new S3EventMessage.Event(
                    name,
                    time,
                    region,
                    "s3.amazonaws.com",
                    "s3.amazonaws.com",
                    String.format("%016X", sequencer.get()),
                    "",
                    t.id(),
                    bucket,
                    config.get().ownerCanonicalId(),
                    key,
                    -1,
                    null,
                    versionId,
                    String.format("%016X", sequencer.incrementAndGet()));
            messages.add(new EventQueue.Message(NotificationConfiguration.targetId(t.arn()), S3EventMessage.json(e)));
        }
        if (messages.isEmpty()) return;
        queue.add(messages, clock.millis());
        sender.poke();
    }

    private void created(
            List<S3EventMessage.Event> events, RequestFacts f, String name, NotificationConfiguration.Owned c) {
        String versionId = f.responseElements().get("x-amz-version-id");
        Optional<ObjectVersion> v =
                versionId != null ? meta.version(f.bucket(), f.key(), versionId) : meta.current(f.bucket(), f.key());
        long size = v.map(ObjectVersion::size).orElse(Math.max(0, f.bytesIn()));
        String etag = v.map(ObjectVersion::etag).orElse(null);
        events.add(event(f, name, c, f.key(), size, etag, versionId));
    }

    /** DeleteObjects: one event per deleted key, read from the DeleteResult document. */
    private void deletedMany(
            List<S3EventMessage.Event> events, RequestFacts f, byte[] body, NotificationConfiguration.Owned c) {
        if (body == null) return;
        XmlElement result;
        try {
            result = XmlElement.parse(body);
        } catch (XmlElement.MalformedXmlException e) {
            return;
        }
        for (XmlElement d : result.all("Deleted")) {
            String key = d.childText("Key").orElse(null);
            if (key == null) continue;
            Optional<String> versionId = d.childText("VersionId");
            boolean marker = d.childText("DeleteMarker").map("true"::equals).orElse(false) && versionId.isEmpty();
            String v = marker ? d.childText("DeleteMarkerVersionId").orElse(null) : versionId.orElse(null);
            events.add(event(
                    f, marker ? "ObjectRemoved:DeleteMarkerCreated" : "ObjectRemoved:Delete", c, key, -1, null, v));
        }
    }

    private S3EventMessage.Event event(
            RequestFacts f,
            String name,
            NotificationConfiguration.Owned c,
            String key,
            long size,
            @Nullable String etag,
            @Nullable String versionId) {
        String principalId =
                f.principal().isAnonymous() ? "anonymous" : f.principal().principalId();
        return new S3EventMessage.Event(
                name,
                f.time(),
                region,
                principalId,
                f.sourceIp(),
                f.requestId(),
                f.hostId(),
                null,
                f.bucket(),
                c.ownerCanonicalId(),
                key,
                size,
                etag,
                versionId,
                String.format("%016X", sequencer.incrementAndGet()));
    }

    private Optional<NotificationConfiguration.Owned> config(String bucket) {
        long now = System.currentTimeMillis();
        Cached c = cache.get(bucket);
        if (c != null && c.until() > now) return c.config();
        Optional<NotificationConfiguration.Owned> config = NotificationConfiguration.of(meta, bucket);
        if (cache.size() >= MAX_CACHED) cache.clear();
        cache.put(bucket, new Cached(config, now + CACHE_MILLIS));
        return config;
    }
}

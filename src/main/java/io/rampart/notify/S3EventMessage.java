package io.rampart.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * The S3 event message structure (eventVersion 2.1, one record per message), as AWS sends it to SQS, SNS and Lambda:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
public final class S3EventMessage {
    private S3EventMessage() {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** One event on one object. {@code size} and {@code eTag} are for ObjectCreated events; -1 / null otherwise. */
    public record Event(
            String eventName,
            Instant time,
            String region,
            String principalId,
            String sourceIp,
            String requestId,
            @Nullable String hostId,
            @Nullable String configurationId,
            String bucket,
            String ownerCanonicalId,
            String key,
            long size,
            @Nullable String eTag,
            @Nullable String versionId,
            String sequencer) {}

    public static String json(Event e) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode r = root.putArray("Records").addObject();
        r.put("eventVersion", "2.1");
        r.put("eventSource", "aws:s3");
        r.put("awsRegion", e.region());
        r.put("eventTime", TIME.format(e.time()));
        r.put("eventName", e.eventName());
        r.putObject("userIdentity").put("principalId", e.principalId());
        r.putObject("requestParameters").put("sourceIPAddress", e.sourceIp());
        ObjectNode response = r.putObject("responseElements");
        response.put("x-amz-request-id", e.requestId());
        response.put("x-amz-id-2", e.hostId());
        ObjectNode s3 = r.putObject("s3");
        s3.put("s3SchemaVersion", "1.0");
        s3.put("configurationId", e.configurationId());
        ObjectNode bucket = s3.putObject("bucket");
        bucket.put("name", e.bucket());
        bucket.putObject("ownerIdentity").put("principalId", e.ownerCanonicalId());
        bucket.put("arn", "arn:aws:s3:::" + e.bucket());
        ObjectNode object = s3.putObject("object");
        // Keys are URL-encoded in event messages as AWS does: spaces as '+', slashes kept ("photos/red+flower.jpg").
        object.put("key", URLEncoder.encode(e.key(), StandardCharsets.UTF_8).replace("%2F", "/"));
        if (e.size() >= 0) object.put("size", e.size());
        if (e.eTag() != null) object.put("eTag", e.eTag());
        if (e.versionId() != null) object.put("versionId", e.versionId());
        object.put("sequencer", e.sequencer());
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}

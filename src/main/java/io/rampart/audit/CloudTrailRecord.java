package io.rampart.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.iam.Principal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns the facts of one request into CloudTrail's record JSON, field for field and in the order AWS writes S3 data and
 * management events, so that SIEM rules written for CloudTrail (Elastic, Panther, Datadog) run on Rampart's trail
 * unchanged. Internal actions (lifecycle) become {@code AwsServiceEvent} records made by {@code s3.amazonaws.com}.
 */
public final class CloudTrailRecord {
    public static final String EVENT_VERSION = "1.11";
    /**
     * Its buffers come from one shared pool: Jackson's default pool is per thread, and request threads are virtual
     * (one per request), so each record would allocate its generator's buffers afresh.
     */
    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
            .build());
    /** CloudTrail's eventTime: ISO-8601 to the second, UTC. */
    public static final DateTimeFormatter EVENT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** Never written even if a caller passed them: the SSE-C key itself (only its algorithm and MD5 are facts). */
    static final Set<String> SECRET_PARAMETERS = Set.of(
            "x-amz-server-side-encryption-customer-key",
            "x-amz-copy-source-server-side-encryption-customer-key",
            "x-amz-security-token",
            "authorization",
            "x-amz-signature",
            "x-amz-credential");
    /** Operations that create object data: their records say which server-side encryption applied (SSEApplied). */
    private static final Set<String> OBJECT_WRITES = Set.of(
            "PutObject",
            "CopyObject",
            "CreateMultipartUpload",
            "UploadPart",
            "UploadPartCopy",
            "CompleteMultipartUpload",
            "PostObject");

    /** sourceIPAddress and userAgent of the calls S3 makes to other services for a caller (SSE-KMS data keys). */
    public static final String INVOKED_BY_S3 = "s3.amazonaws.com";
    /** A KMS call's key ARN (given in the facts' additional data): the record's AWS::KMS::Key resource. */
    public static final String KMS_KEY_ARN = "x-rampart-kms-key-arn";
    /**
     * The account owning the request's resource (a bucket's owner), given in the facts' additional data: the record's
     * recipientAccountId and its bucket's resource accountId. Never written as additionalEventData.
     */
    public static final String RESOURCE_ACCOUNT = "x-rampart-resource-account";

    private final String accountId;

    /** @param accountId the account that owns the buckets: recipientAccountId and the buckets' resource accountId */
    public CloudTrailRecord(String accountId) {
        this.accountId = accountId;
    }

    public ObjectNode of(RequestFacts f) {
        return of(f, EventIds.next());
    }

    /**
     * The record of {@code f} as the trail writes it: {@link RecordBounds#bounded} of {@link #of}, byte for byte, and a
     * newline, but written by hand ({@link StreamedRecord}) when nothing in it needs bounding or nesting (every request's case),
     * and through the tree otherwise. The line keeps what builds its tree for the detector.
     */
    public TrailLine line(RequestFacts f) {
        String eventId = EventIds.next();
        byte[] streamed = StreamedRecord.write(this, f, eventId);
        if (streamed != null) return TrailLine.streamed(streamed, this, f, eventId);
        ObjectNode tree = of(f, eventId);
        return TrailLine.of(withNewline(RecordBounds.bounded(tree)), tree);
    }

    /** {@code json} and a newline: a trail line. */
    static byte[] withNewline(byte[] json) {
        byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }

    String accountId() {
        return accountId;
    }

    ObjectNode of(RequestFacts f, String eventId) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("eventVersion", EVENT_VERSION);
        r.set("userIdentity", userIdentity(f.principal(), f.accessKeyId()));
        // A KMS call S3 made on the caller's behalf (SSE-KMS): CloudTrail names the caller, invoked by S3.
        if (INVOKED_BY_S3.equals(f.sourceIp()) && !"s3".equals(f.service())) {
            ((ObjectNode) r.get("userIdentity")).put("invokedBy", INVOKED_BY_S3);
        }
        r.put("eventTime", eventTime(f.time()));
        r.put("eventSource", eventSource(f));
        r.put("eventName", f.eventName());
        r.put("awsRegion", f.region());
        r.put("sourceIPAddress", f.sourceIp());
        r.put("userAgent", userAgent(f));
        if (f.errorCode() != null) {
            r.put("errorCode", f.errorCode());
            r.put("errorMessage", f.errorMessage());
        }
        ObjectNode params = r.putObject("requestParameters");
        f.requestParameters().entrySet().stream()
                .sorted(Map.Entry.comparingByKey(CloudTrailRecord::parameterOrder))
                .filter(e -> !SECRET_PARAMETERS.contains(e.getKey().toLowerCase(Locale.ROOT)))
                .forEach(e -> params.put(e.getKey(), e.getValue()));
        f.documents().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> params.set(e.getKey(), e.getValue()));
        // AWS writes null responseElements for reads (and for writes that return no header it shows).
        if ((f.readOnly() && "s3".equals(f.service())) || f.responseElements().isEmpty()) {
            r.putNull("responseElements");
        } else {
            ObjectNode resp = r.putObject("responseElements");
            // "credentials.accessKeyId" nests as CloudTrail shows IAM/STS answers; S3 header names have no dots.
            f.responseElements().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> {
                        ObjectNode at = resp;
                        String[] path = e.getKey().split("\\.");
                        for (int i = 0; i < path.length - 1; i++)
                            at = at.has(path[i]) ? (ObjectNode) at.get(path[i]) : at.putObject(path[i]);
                        at.put(path[path.length - 1], e.getValue());
                    });
        }
        ObjectNode extra = r.putObject("additionalEventData");
        if (f.authMethod() != null) extra.put("SignatureVersion", "SigV4");
        if (f.cipherSuite() != null) extra.put("CipherSuite", f.cipherSuite());
        extra.put("bytesTransferredIn", f.bytesIn());
        String sse = sseApplied(f);
        if (sse != null) extra.put("SSEApplied", sse);
        if (f.authMethod() != null) extra.put("AuthenticationMethod", f.authMethod());
        if (f.hostId() != null) extra.put("x-amz-id-2", f.hostId());
        extra.put("bytesTransferredOut", f.bytesOut());
        f.additional().forEach((k, v) -> {
            if (!KMS_KEY_ARN.equals(k) && !RESOURCE_ACCOUNT.equals(k)) extra.set(k, JSON.valueToTree(v));
        });
        r.put("requestID", f.requestId());
        r.put("eventID", eventId);
        r.put("readOnly", f.readOnly());
        String recipient = recipient(f);
        if (f.bucket() != null) {
            ArrayNode res = resources(f.bucket(), f.key(), recipient);
            // DeleteObjects names its objects in the body: CloudTrail lists them as an ARN prefix, as AWS writes it.
            if ("DeleteObjects".equals(f.eventName())) {
                res.insertObject(0).put("type", "AWS::S3::Object").put("ARNPrefix", "arn:aws:s3:::" + f.bucket() + "/");
            }
            r.set("resources", res);
        } else if (f.additional().get(KMS_KEY_ARN) instanceof String keyArn) {
            ObjectNode k = r.putArray("resources").addObject();
            k.put("accountId", keyArn.split(":", 6).length == 6 ? keyArn.split(":", 6)[4] : accountId);
            k.put("type", "AWS::KMS::Key");
            k.put("ARN", keyArn);
        }
        r.put("eventType", "AwsApiCall");
        r.put("managementEvent", f.management());
        r.put("recipientAccountId", recipient);
        r.put("eventCategory", f.management() ? "Management" : "Data");
        String host = f.requestParameters().get("Host");
        if (f.tlsVersion() != null || host != null) {
            // Over plain HTTP too (AWS serves S3 over HTTPS only, so its records always have it): SIEM rules group by
            // the Host header through this field (Elastic maps it to tls.client.server_name). tlsVersion and
            // cipherSuite are there only when the request came over TLS.
            ObjectNode tls = r.putObject("tlsDetails");
            if (f.tlsVersion() != null) {
                tls.put("tlsVersion", f.tlsVersion());
                tls.put("cipherSuite", f.cipherSuite());
            }
            if (host != null) tls.put("clientProvidedHostHeader", host);
        }
        return r;
    }

    /**
     * An action S3 took by itself (a lifecycle rule expiring a version, creating a delete marker, aborting an upload):
     * CloudTrail's shape for service-initiated events, {@code userIdentity.type AWSService, invokedBy s3.amazonaws.com},
     * {@code eventType AwsServiceEvent}, the details under {@code serviceEventDetails}.
     *
     * @param eventName e.g. "LifecycleExpiration"
     * @param details   e.g. lifecycleAction, ruleId, versionId
     */
    public ObjectNode serviceEvent(
            Instant time, String region, String eventName, String bucket, String key, Map<String, String> details) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("eventVersion", EVENT_VERSION);
        ObjectNode id = r.putObject("userIdentity");
        id.put("type", "AWSService");
        id.put("invokedBy", "s3.amazonaws.com");
        r.put("eventTime", EVENT_TIME.format(time));
        r.put("eventSource", "s3.amazonaws.com");
        r.put("eventName", eventName);
        r.put("awsRegion", region);
        r.put("sourceIPAddress", "s3.amazonaws.com");
        r.put("userAgent", "s3.amazonaws.com");
        ObjectNode params = r.putObject("requestParameters");
        if (bucket != null) params.put("bucketName", bucket);
        if (key != null) params.put("key", key);
        r.putNull("responseElements");
        ObjectNode d = r.putObject("serviceEventDetails");
        details.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> d.put(e.getKey(), e.getValue()));
        r.put(
                "requestID",
                UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT));
        r.put("eventID", EventIds.next());
        r.put("readOnly", false);
        if (bucket != null) r.set("resources", resources(bucket, key, accountId));
        r.put("eventType", "AwsServiceEvent");
        r.put("managementEvent", false);
        r.put("recipientAccountId", accountId);
        r.put("eventCategory", "Data");
        return r;
    }

    /** The event source of the detector's own records (findings, responses), apart from the S3 calls it watches. */
    public static final String DETECTOR_SOURCE = "rampart.detector";

    /**
     * A record of the detector (a finding raised, a response taken or reversed): a service event of its own source
     * {@value #DETECTOR_SOURCE}, a management event, the details under {@code serviceEventDetails}; not an S3 data event,
     * so nothing that watches S3 data events mistakes it for one.
     */
    public ObjectNode detectorEvent(
            Instant time, String region, String eventName, String bucket, Map<String, String> details) {
        ObjectNode r = serviceEvent(time, region, eventName, bucket, null, details);
        ((ObjectNode) r.get("userIdentity")).put("invokedBy", DETECTOR_SOURCE);
        r.put("eventSource", DETECTOR_SOURCE);
        r.put("sourceIPAddress", DETECTOR_SOURCE);
        r.put("userAgent", DETECTOR_SOURCE);
        r.put("managementEvent", true);
        r.put("eventCategory", "Management");
        return r;
    }

    /**
     * The account a request's record belongs to, as CloudTrail delivers it: the resource's owner (a bucket's, a KMS
     * key's, the role an AssumeRole entered), else the caller's account (IAM, STS, Organizations act in it), else this
     * server's (anonymous requests on nothing).
     */
    String recipient(RequestFacts f) {
        if (f.additional().get(RESOURCE_ACCOUNT) instanceof String owner && !owner.isEmpty()) return owner;
        if (f.additional().get(KMS_KEY_ARN) instanceof String keyArn) {
            String[] p = keyArn.split(":", 6);
            if (p.length == 6 && !p[4].isEmpty()) return p[4];
        }
        String role = f.responseElements().get("assumedRoleUser.arn");
        if (role != null) {
            String[] p = role.split(":", 6);
            if (p.length == 6 && !p[4].isEmpty()) return p[4];
        }
        Principal p = f.principal();
        if (p != null && !p.isAnonymous() && !p.accountId().isEmpty()) return p.accountId();
        return accountId;
    }

    private ArrayNode resources(String bucket, String key, String owner) {
        ArrayNode res = JsonNodeFactory.instance.arrayNode();
        if (key != null) {
            ObjectNode o = res.addObject();
            o.put("type", "AWS::S3::Object");
            o.put("ARN", "arn:aws:s3:::" + bucket + "/" + key);
        }
        ObjectNode b = res.addObject();
        b.put("accountId", owner);
        b.put("type", "AWS::S3::Bucket");
        b.put("ARN", "arn:aws:s3:::" + bucket);
        return res;
    }

    /** The userIdentity block, as CloudTrail writes it for each identity type. */
    static ObjectNode userIdentity(Principal p, String claimedKeyId) {
        ObjectNode id = JsonNodeFactory.instance.objectNode();
        if (p == null || p.isAnonymous()) {
            // CloudTrail records unauthenticated S3 requests as the "anonymous" AWS account.
            id.put("type", "AWSAccount");
            id.put("principalId", "");
            id.put("accountId", "anonymous");
            // A request whose signature failed claimed a key: keep the claim, it is what an investigation needs.
            if (claimedKeyId != null && !claimedKeyId.isEmpty()) id.put("accessKeyId", claimedKeyId);
            return id;
        }
        String keyId = claimedKeyId != null && !claimedKeyId.isEmpty() ? claimedKeyId : p.accessKeyId();
        id.put("type", p.type());
        id.put("principalId", p.principalId());
        id.put("arn", p.arn());
        id.put("accountId", p.accountId());
        if (keyId != null && !keyId.isEmpty()) id.put("accessKeyId", keyId);
        if (!"AssumedRole".equals(p.type())
                && p.userName() != null
                && !p.userName().isEmpty()) {
            id.put("userName", p.userName());
        }
        if (p.sessionTokenIssued().isPresent()) {
            ObjectNode ctx = id.putObject("sessionContext");
            if ("AssumedRole".equals(p.type())) {
                ObjectNode issuer = ctx.putObject("sessionIssuer");
                issuer.put("type", "Role");
                String pid = p.principalId();
                issuer.put("principalId", pid.contains(":") ? pid.substring(0, pid.indexOf(':')) : pid);
                issuer.put("arn", roleArn(p.arn()));
                issuer.put("accountId", p.accountId());
                issuer.put("userName", Principal.roleNameOf(p.arn()));
            }
            ObjectNode attrs = ctx.putObject("attributes");
            attrs.put(
                    "creationDate",
                    EVENT_TIME.format(
                            Instant.ofEpochMilli(p.sessionTokenIssued().get())));
            attrs.put("mfaAuthenticated", Boolean.toString(p.mfaAuthenticated()));
        }
        return id;
    }

    /** arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION → arn:aws:iam::ACCOUNT:role/NAME. */
    static String roleArn(String assumedRoleArn) {
        String[] parts = assumedRoleArn.split(":", 6);
        if (parts.length < 6 || !parts[5].startsWith("assumed-role/")) return assumedRoleArn;
        return "arn:" + parts[1] + ":iam::" + parts[4] + ":role/" + Principal.roleNameOf(assumedRoleArn);
    }

    /** S3 shows SDK user agents in brackets ("[aws-sdk-java/2.x ...]"). */
    static String userAgent(RequestFacts f) {
        String ua = f.userAgent() == null ? "" : f.userAgent();
        if (!"s3".equals(f.service()) || ua.startsWith("[")) return ua;
        return "[" + ua + "]";
    }

    /** Which encryption a successful object write got: SSE_C, SSE_KMS, SSE_S3 (asked for) or Default_SSE_S3. */
    static String sseApplied(RequestFacts f) {
        if (f.errorCode() != null || !OBJECT_WRITES.contains(f.eventName())) return null;
        Map<String, String> req = f.requestParameters();
        Map<String, String> resp = f.responseElements();
        if (req.containsKey("x-amz-server-side-encryption-customer-algorithm")
                || resp.containsKey("x-amz-server-side-encryption-customer-algorithm")) {
            return "SSE_C";
        }
        String asked = req.get("x-amz-server-side-encryption");
        String got = resp.get("x-amz-server-side-encryption");
        if ("aws:kms".equals(asked) || "aws:kms".equals(got) || "aws:kms:dsse".equals(got)) return "SSE_KMS";
        if (asked != null) return "SSE_S3";
        return got != null ? "Default_SSE_S3" : null;
    }

    /** The last eventTime written and its second: the records of one second share it, and formatting it is costly. */
    private record Second(long epochSecond, String text) {}

    private static volatile Second lastSecond = new Second(Long.MIN_VALUE, "");

    /** {@link #EVENT_TIME} of {@code t}. */
    static String eventTime(Instant t) {
        Second s = lastSecond;
        if (s.epochSecond() == t.getEpochSecond()) return s.text();
        String text = EVENT_TIME.format(t);
        lastSecond = new Second(t.getEpochSecond(), text);
        return text;
    }

    static String eventSource(RequestFacts f) {
        return "s3".equals(f.service()) ? "s3.amazonaws.com" : f.service() + ".amazonaws.com";
    }

    /** Whether a request parameter is one never written ({@link #SECRET_PARAMETERS}, in any case). */
    static boolean secret(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            // Lower case already (as almost every parameter is): no lower-cased copy.
            if ((c >= 'A' && c <= 'Z') || c > 0x7f) return SECRET_PARAMETERS.contains(name.toLowerCase(Locale.ROOT));
        }
        return SECRET_PARAMETERS.contains(name);
    }

    /** bucketName, Host, key first, as AWS lists them; the rest alphabetically. */
    static int parameterOrder(String a, String b) {
        return Integer.compare(rank(a), rank(b)) != 0 ? Integer.compare(rank(a), rank(b)) : a.compareTo(b);
    }

    private static int rank(String name) {
        return switch (name) {
            case "bucketName" -> 0;
            case "Host" -> 1;
            case "key" -> 2;
            default -> 3;
        };
    }
}

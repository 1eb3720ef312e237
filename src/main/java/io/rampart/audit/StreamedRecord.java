package io.rampart.audit;

import io.rampart.iam.Principal;
import io.rampart.json.JsonBytes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link CloudTrailRecord#of} written by hand as the bytes Jackson writes for that tree ({@link JsonBytes}), field for
 * field in the same order, so a request's record costs no tree and no generator. Only for records {@link RecordBounds}
 * would leave as they are: any string or name it would cut (or a lone surrogate, which it replaces), a record over its
 * size, configuration documents, nested response elements or additional data other than scalars and maps of them send
 * the record back to the tree path ({@link #write} returns null), which stays the one definition of the shape;
 * {@code StreamedRecordTest} holds the two to the same bytes on thousands of random records.
 */
final class StreamedRecord {
    /** The additionalEventData names the record writes itself: an additional entry of one of them goes the tree way. */
    private static final Set<String> OWN_EXTRA = Set.of(
            "SignatureVersion",
            "CipherSuite",
            "bytesTransferredIn",
            "SSEApplied",
            "AuthenticationMethod",
            "x-amz-id-2",
            "bytesTransferredOut");

    /** Thrown (without a stack) when the record needs the tree path. */
    private static final class NeedsTree extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NeedsTree() {
            super(null, null, false, false);
        }
    }

    private StreamedRecord() {}

    /**
     * The record's line (its JSON and a newline), or null when it must be built as a tree (see the class comment).
     * Strings are not scanned for lone surrogates beforehand: the writer notes one as it escapes it, and a record with
     * any goes the tree way.
     */
    static byte[] write(CloudTrailRecord records, RequestFacts f, String eventId) {
        if (!f.documents().isEmpty()) return null;
        for (Map.Entry<String, Object> e : f.additional().entrySet()) {
            if (OWN_EXTRA.contains(e.getKey()) || !streamable(e.getValue(), 0)) return null;
        }
        boolean nullResponse = (f.readOnly() && "s3".equals(f.service()))
                || f.responseElements().isEmpty();
        if (!nullResponse) {
            for (String k : f.responseElements().keySet()) if (k.indexOf('.') >= 0) return null;
        }
        JsonBytes out = new JsonBytes(sizeHint);
        try {
            body(records, f, eventId, nullResponse, out);
        } catch (NeedsTree e) {
            return null;
        }
        if (out.size() > RecordBounds.MAX_RECORD_BYTES || out.loneSurrogate()) return null;
        if (out.size() >= sizeHint && out.size() < MAX_SIZE_HINT) sizeHint = out.size() + 256;
        return out.line();
    }

    /**
     * {@link TrailLine#values}: what the tree of a record this class streams has at {@code p}, from the facts, field
     * for field as {@link #body} writes it; null for a path to an object or an array (only the tree's reader says what
     * it finds there). Only for facts {@link #write} streamed: no documents, additional data of scalars and maps of
     * them under names the record does not write itself, response element names without dots.
     */
    static List<String> values(CloudTrailRecord records, RequestFacts f, String eventId, String[] p) {
        if (p.length == 0) return null;
        return switch (p[0]) {
            case "eventVersion" -> top(p, CloudTrailRecord.EVENT_VERSION);
            case "eventTime" -> top(p, CloudTrailRecord.eventTime(f.time()));
            case "eventSource" -> top(p, CloudTrailRecord.eventSource(f));
            case "eventName" -> top(p, f.eventName());
            case "awsRegion" -> top(p, f.region());
            case "sourceIPAddress" -> top(p, f.sourceIp());
            case "userAgent" -> top(p, CloudTrailRecord.userAgent(f));
            case "errorCode" -> top(p, f.errorCode());
            case "errorMessage" -> top(p, f.errorCode() == null ? null : f.errorMessage());
            case "requestID" -> top(p, f.requestId());
            case "eventID" -> top(p, eventId);
            case "readOnly" -> top(p, Boolean.toString(f.readOnly()));
            case "eventType" -> top(p, "AwsApiCall");
            case "managementEvent" -> top(p, Boolean.toString(f.management()));
            case "recipientAccountId" -> top(p, records.recipient(f));
            case "eventCategory" -> top(p, f.management() ? "Management" : "Data");
            case "userIdentity" -> p.length == 1 ? null : identity(f, p);
            case "requestParameters" -> {
                if (p.length == 1) yield null;
                if (p.length > 2 || CloudTrailRecord.secret(p[1])) yield List.of();
                yield one(f.requestParameters().get(p[1]));
            }
            case "responseElements" -> {
                if ((f.readOnly() && "s3".equals(f.service()))
                        || f.responseElements().isEmpty()) yield List.of();
                if (p.length == 1) yield null;
                yield p.length > 2 ? List.of() : one(f.responseElements().get(p[1]));
            }
            case "additionalEventData" -> p.length == 1 ? null : additional(f, p);
            // Objects and arrays that no rule of the built-in pack reads: the tree says.
            case "resources", "tlsDetails" -> null;
            default -> List.of();
        };
    }

    /** A top-level scalar field: its value at the path of its name alone; nothing below it. */
    private static List<String> top(String[] p, String value) {
        return p.length == 1 ? one(value) : List.of();
    }

    /** A string field's values: none for null (written as JSON null, which is no value). */
    private static List<String> one(String value) {
        return value == null ? List.of() : List.of(value);
    }

    /** {@link #userIdentity}'s scalar fields; its session context is an object (null: the tree says). */
    private static List<String> identity(RequestFacts f, String[] p) {
        Principal who = f.principal();
        boolean anonymous = who == null || who.isAnonymous();
        if (p[1].equals("sessionContext"))
            return !anonymous && who.sessionTokenIssued().isPresent() ? null : List.of();
        if (p.length > 2) return List.of();
        String claimed = f.accessKeyId();
        if (anonymous) {
            return switch (p[1]) {
                case "type" -> one("AWSAccount");
                case "principalId" -> one("");
                case "accountId" -> one("anonymous");
                case "accessKeyId" -> claimed != null && !claimed.isEmpty() ? one(claimed) : List.of();
                case "invokedBy" -> invokedBy(f);
                default -> List.of();
            };
        }
        return switch (p[1]) {
            case "type" -> one(who.type());
            case "principalId" -> one(who.principalId());
            case "arn" -> one(who.arn());
            case "accountId" -> one(who.accountId());
            case "accessKeyId" -> {
                String keyId = claimed != null && !claimed.isEmpty() ? claimed : who.accessKeyId();
                yield keyId != null && !keyId.isEmpty() ? one(keyId) : List.of();
            }
            case "userName" ->
                !"AssumedRole".equals(who.type())
                                && who.userName() != null
                                && !who.userName().isEmpty()
                        ? one(who.userName())
                        : List.of();
            case "invokedBy" -> invokedBy(f);
            default -> List.of();
        };
    }

    private static List<String> invokedBy(RequestFacts f) {
        return CloudTrailRecord.INVOKED_BY_S3.equals(f.sourceIp()) && !"s3".equals(f.service())
                ? one(CloudTrailRecord.INVOKED_BY_S3)
                : List.of();
    }

    /** additionalEventData: the record's own entries, then the facts' (scalars and maps of them, see {@link #write}). */
    private static List<String> additional(RequestFacts f, String[] p) {
        String own = switch (p[1]) {
            case "SignatureVersion" -> f.authMethod() != null ? "SigV4" : null;
            case "CipherSuite" -> f.cipherSuite();
            case "bytesTransferredIn" -> Long.toString(f.bytesIn());
            case "SSEApplied" -> CloudTrailRecord.sseApplied(f);
            case "AuthenticationMethod" -> f.authMethod();
            case "x-amz-id-2" -> f.hostId();
            case "bytesTransferredOut" -> Long.toString(f.bytesOut());
            default -> null;
        };
        if (OWN_EXTRA.contains(p[1])) return p.length > 2 ? List.of() : one(own);
        if (CloudTrailRecord.KMS_KEY_ARN.equals(p[1]) || CloudTrailRecord.RESOURCE_ACCOUNT.equals(p[1]))
            return List.of();
        Object v = f.additional().get(p[1]);
        for (int i = 2; i < p.length && v != null; i++) v = v instanceof Map<?, ?> m ? m.get(p[i]) : null;
        if (v == null) return List.of();
        if (v instanceof Map<?, ?>) return null;
        return List.of(v.toString());
    }

    private static final byte[] START =
            JsonBytes.ascii("{\"eventVersion\":\"" + CloudTrailRecord.EVENT_VERSION + "\",\"userIdentity\":");
    private static final byte[] EVENT_TIME = JsonBytes.ascii(",\"eventTime\":");
    private static final byte[] EVENT_SOURCE = JsonBytes.ascii(",\"eventSource\":");
    private static final byte[] EVENT_NAME = JsonBytes.ascii(",\"eventName\":");
    private static final byte[] AWS_REGION = JsonBytes.ascii(",\"awsRegion\":");
    private static final byte[] SOURCE_IP = JsonBytes.ascii(",\"sourceIPAddress\":");
    private static final byte[] USER_AGENT = JsonBytes.ascii(",\"userAgent\":");
    private static final byte[] ERROR_CODE = JsonBytes.ascii(",\"errorCode\":");
    private static final byte[] ERROR_MESSAGE = JsonBytes.ascii(",\"errorMessage\":");
    private static final byte[] REQUEST_PARAMETERS = JsonBytes.ascii(",\"requestParameters\":{");
    private static final byte[] BUCKET_NAME = JsonBytes.ascii("\"bucketName\":");
    private static final byte[] HOST = JsonBytes.ascii("\"Host\":");
    private static final byte[] KEY = JsonBytes.ascii("\"key\":");
    private static final byte[] NULL_RESPONSE = JsonBytes.ascii("},\"responseElements\":null");
    private static final byte[] RESPONSE = JsonBytes.ascii("},\"responseElements\":{");
    private static final byte[] ADDITIONAL = JsonBytes.ascii(",\"additionalEventData\":{");
    private static final byte[] SIGV4 = JsonBytes.ascii("\"SignatureVersion\":\"SigV4\",");
    private static final byte[] CIPHER_SUITE = JsonBytes.ascii("\"CipherSuite\":");
    private static final byte[] BYTES_IN = JsonBytes.ascii("\"bytesTransferredIn\":");
    private static final byte[] SSE_APPLIED = JsonBytes.ascii(",\"SSEApplied\":");
    private static final byte[] AUTHENTICATION_METHOD = JsonBytes.ascii(",\"AuthenticationMethod\":");
    private static final byte[] HOST_ID = JsonBytes.ascii(",\"x-amz-id-2\":");
    private static final byte[] BYTES_OUT = JsonBytes.ascii(",\"bytesTransferredOut\":");
    private static final byte[] REQUEST_ID = JsonBytes.ascii("},\"requestID\":");
    private static final byte[] EVENT_ID = JsonBytes.ascii(",\"eventID\":");
    private static final byte[] READ_ONLY = JsonBytes.ascii(",\"readOnly\":true");
    private static final byte[] READ_WRITE = JsonBytes.ascii(",\"readOnly\":false");
    private static final byte[] RESOURCES = JsonBytes.ascii(",\"resources\":[");
    private static final byte[] OBJECT_PREFIX = JsonBytes.ascii("{\"type\":\"AWS::S3::Object\",\"ARNPrefix\":");
    private static final byte[] OBJECT = JsonBytes.ascii("{\"type\":\"AWS::S3::Object\",\"ARN\":");
    private static final byte[] ACCOUNT_ID_FIRST = JsonBytes.ascii("{\"accountId\":");
    private static final byte[] BUCKET_TYPE = JsonBytes.ascii(",\"type\":\"AWS::S3::Bucket\",\"ARN\":");
    private static final byte[] KMS_KEY_TYPE = JsonBytes.ascii(",\"type\":\"AWS::KMS::Key\",\"ARN\":");
    private static final byte[] S3_ARN = JsonBytes.ascii("arn:aws:s3:::");
    private static final byte[] DATA_EVENT = JsonBytes.ascii(",\"eventType\":\"AwsApiCall\",\"managementEvent\":false");
    private static final byte[] MANAGEMENT_EVENT =
            JsonBytes.ascii(",\"eventType\":\"AwsApiCall\",\"managementEvent\":true");
    private static final byte[] RECIPIENT = JsonBytes.ascii(",\"recipientAccountId\":");
    private static final byte[] DATA_CATEGORY = JsonBytes.ascii(",\"eventCategory\":\"Data\"");
    private static final byte[] MANAGEMENT_CATEGORY = JsonBytes.ascii(",\"eventCategory\":\"Management\"");
    private static final byte[] TLS_DETAILS = JsonBytes.ascii(",\"tlsDetails\":{");
    private static final byte[] TLS_VERSION = JsonBytes.ascii("\"tlsVersion\":");
    private static final byte[] TLS_CIPHER_SUITE = JsonBytes.ascii(",\"cipherSuite\":");
    private static final byte[] HOST_HEADER = JsonBytes.ascii("\"clientProvidedHostHeader\":");
    private static final byte[] ANONYMOUS =
            JsonBytes.ascii("{\"type\":\"AWSAccount\",\"principalId\":\"\",\"accountId\":\"anonymous\"");
    private static final byte[] ACCESS_KEY_ID = JsonBytes.ascii(",\"accessKeyId\":");
    private static final byte[] TYPE_FIRST = JsonBytes.ascii("{\"type\":");
    private static final byte[] PRINCIPAL_ID = JsonBytes.ascii(",\"principalId\":");
    private static final byte[] ARN = JsonBytes.ascii(",\"arn\":");
    private static final byte[] ACCOUNT_ID = JsonBytes.ascii(",\"accountId\":");
    private static final byte[] USER_NAME = JsonBytes.ascii(",\"userName\":");
    private static final byte[] SESSION_CONTEXT = JsonBytes.ascii(",\"sessionContext\":{");
    private static final byte[] SESSION_ISSUER =
            JsonBytes.ascii("\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":");
    private static final byte[] ATTRIBUTES = JsonBytes.ascii("\"attributes\":{\"creationDate\":");
    private static final byte[] MFA_AUTHENTICATED = JsonBytes.ascii(",\"mfaAuthenticated\":");
    private static final byte[] INVOKED_BY_S3 =
            JsonBytes.ascii(",\"invokedBy\":\"" + CloudTrailRecord.INVOKED_BY_S3 + "\"");
    private static final byte[] END_COMMA = JsonBytes.ascii("},");
    private static final byte[] END_ARRAY = JsonBytes.ascii("}]");
    private static final byte[] END_END = JsonBytes.ascii("}}");
    private static final byte[] TRUE = JsonBytes.ascii("true");
    private static final byte[] FALSE = JsonBytes.ascii("false");

    /**
     * The writer's first capacity: grown to the largest record seen (up to {@link #MAX_SIZE_HINT}), so a record is
     * written without growing its buffer. Shared without synchronisation: any value read is a valid capacity.
     */
    private static int sizeHint = 1024;

    private static final int MAX_SIZE_HINT = 8192;

    /** {@link CloudTrailRecord#of}, field for field, written as Jackson writes that tree (see the class comment). */
    private static void body(
            CloudTrailRecord records, RequestFacts f, String eventId, boolean nullResponse, JsonBytes out) {
        out.raw(START);
        userIdentity(
                f.principal(),
                f.accessKeyId(),
                CloudTrailRecord.INVOKED_BY_S3.equals(f.sourceIp()) && !"s3".equals(f.service()),
                out);
        out.raw(EVENT_TIME).string(CloudTrailRecord.eventTime(f.time()));
        text(out.raw(EVENT_SOURCE), CloudTrailRecord.eventSource(f));
        text(out.raw(EVENT_NAME), f.eventName());
        text(out.raw(AWS_REGION), f.region());
        text(out.raw(SOURCE_IP), f.sourceIp());
        text(out.raw(USER_AGENT), CloudTrailRecord.userAgent(f));
        if (f.errorCode() != null) {
            text(out.raw(ERROR_CODE), f.errorCode());
            text(out.raw(ERROR_MESSAGE), f.errorMessage());
        }
        out.raw(REQUEST_PARAMETERS);
        // CloudTrailRecord.parameterOrder without a sort: bucketName, Host, key, then the rest by name.
        Map.Entry<String, String> bucketName = null, hostParam = null, key = null;
        List<Map.Entry<String, String>> rest = null;
        for (Map.Entry<String, String> e : f.requestParameters().entrySet()) {
            switch (e.getKey()) {
                case "bucketName" -> bucketName = e;
                case "Host" -> hostParam = e;
                case "key" -> key = e;
                default -> {
                    if (CloudTrailRecord.secret(e.getKey())) continue;
                    if (rest == null) rest = new ArrayList<>();
                    rest.add(e);
                }
            }
        }
        boolean first = true;
        if (bucketName != null) {
            text(out.raw(BUCKET_NAME), bucketName.getValue());
            first = false;
        }
        if (hostParam != null) {
            text(comma(out, first).raw(HOST), hostParam.getValue());
            first = false;
        }
        if (key != null) {
            text(comma(out, first).raw(KEY), key.getValue());
            first = false;
        }
        if (rest != null) {
            rest.sort(Map.Entry.comparingByKey());
            for (Map.Entry<String, String> e : rest) {
                text(name(comma(out, first), e.getKey()), e.getValue());
                first = false;
            }
        }
        if (nullResponse) {
            out.raw(NULL_RESPONSE);
        } else {
            out.raw(RESPONSE);
            List<Map.Entry<String, String>> resp =
                    new ArrayList<>(f.responseElements().entrySet());
            resp.sort(Map.Entry.comparingByKey());
            first = true;
            for (Map.Entry<String, String> e : resp) {
                text(name(comma(out, first), e.getKey()), e.getValue());
                first = false;
            }
            out.raw('}');
        }
        out.raw(ADDITIONAL);
        if (f.authMethod() != null) out.raw(SIGV4);
        if (f.cipherSuite() != null)
            text(out.raw(CIPHER_SUITE), f.cipherSuite()).raw(',');
        out.raw(BYTES_IN).number(f.bytesIn());
        String sse = CloudTrailRecord.sseApplied(f);
        if (sse != null) out.raw(SSE_APPLIED).string(sse);
        if (f.authMethod() != null) text(out.raw(AUTHENTICATION_METHOD), f.authMethod());
        if (f.hostId() != null) text(out.raw(HOST_ID), f.hostId());
        out.raw(BYTES_OUT).number(f.bytesOut());
        for (Map.Entry<String, Object> e : f.additional().entrySet()) {
            if (CloudTrailRecord.KMS_KEY_ARN.equals(e.getKey()) || CloudTrailRecord.RESOURCE_ACCOUNT.equals(e.getKey()))
                continue;
            value(name(out.raw(','), e.getKey()), e.getValue());
        }
        text(out.raw(REQUEST_ID), f.requestId());
        out.raw(EVENT_ID).string(eventId);
        out.raw(f.readOnly() ? READ_ONLY : READ_WRITE);
        String recipient = records.recipient(f);
        if (f.bucket() != null) {
            out.raw(RESOURCES);
            if ("DeleteObjects".equals(f.eventName())) {
                arn(out.raw(OBJECT_PREFIX), f.bucket(), "/", null).raw(END_COMMA);
            }
            if (f.key() != null) arn(out.raw(OBJECT), f.bucket(), "/", f.key()).raw(END_COMMA);
            text(out.raw(ACCOUNT_ID_FIRST), recipient);
            arn(out.raw(BUCKET_TYPE), f.bucket(), null, null).raw(END_ARRAY);
        } else if (f.additional().get(CloudTrailRecord.KMS_KEY_ARN) instanceof String keyArn) {
            String[] parts = keyArn.split(":", 6);
            text(out.raw(RESOURCES).raw(ACCOUNT_ID_FIRST), parts.length == 6 ? parts[4] : records.accountId());
            text(out.raw(KMS_KEY_TYPE), keyArn).raw(END_ARRAY);
        }
        out.raw(f.management() ? MANAGEMENT_EVENT : DATA_EVENT);
        text(out.raw(RECIPIENT), recipient);
        out.raw(f.management() ? MANAGEMENT_CATEGORY : DATA_CATEGORY);
        String host = f.requestParameters().get("Host");
        if (f.tlsVersion() != null || host != null) {
            out.raw(TLS_DETAILS);
            if (f.tlsVersion() != null) {
                text(out.raw(TLS_VERSION), f.tlsVersion());
                text(out.raw(TLS_CIPHER_SUITE), f.cipherSuite());
            }
            if (host != null) text(comma(out, f.tlsVersion() == null).raw(HOST_HEADER), host);
            out.raw('}');
        }
        out.raw('}');
    }

    /** {@link CloudTrailRecord#userIdentity}, written. */
    private static void userIdentity(Principal p, String claimedKeyId, boolean invokedByS3, JsonBytes out) {
        if (p == null || p.isAnonymous()) {
            out.raw(ANONYMOUS);
            if (claimedKeyId != null && !claimedKeyId.isEmpty()) text(out.raw(ACCESS_KEY_ID), claimedKeyId);
        } else {
            String keyId = claimedKeyId != null && !claimedKeyId.isEmpty() ? claimedKeyId : p.accessKeyId();
            text(out.raw(TYPE_FIRST), p.type());
            text(out.raw(PRINCIPAL_ID), p.principalId());
            text(out.raw(ARN), p.arn());
            text(out.raw(ACCOUNT_ID), p.accountId());
            if (keyId != null && !keyId.isEmpty()) text(out.raw(ACCESS_KEY_ID), keyId);
            if (!"AssumedRole".equals(p.type())
                    && p.userName() != null
                    && !p.userName().isEmpty()) {
                text(out.raw(USER_NAME), p.userName());
            }
            if (p.sessionTokenIssued().isPresent()) {
                out.raw(SESSION_CONTEXT);
                if ("AssumedRole".equals(p.type())) {
                    String pid = p.principalId();
                    text(out.raw(SESSION_ISSUER), pid.contains(":") ? pid.substring(0, pid.indexOf(':')) : pid);
                    text(out.raw(ARN), CloudTrailRecord.roleArn(p.arn()));
                    text(out.raw(ACCOUNT_ID), p.accountId());
                    text(out.raw(USER_NAME), Principal.roleNameOf(p.arn()));
                    out.raw(END_COMMA);
                }
                out.raw(ATTRIBUTES)
                        .string(CloudTrailRecord.EVENT_TIME.format(
                                Instant.ofEpochMilli(p.sessionTokenIssued().get())));
                out.raw(MFA_AUTHENTICATED).string(Boolean.toString(p.mfaAuthenticated()));
                out.raw(END_END);
            }
        }
        if (invokedByS3) out.raw(INVOKED_BY_S3);
        out.raw('}');
    }

    /**
     * Strings, booleans, ints, longs, and maps of them with string keys (what the writes note, e.g. what a PUT
     * replaced), which {@code valueToTree} turns into the same JSON in the map's order; anything else goes the tree way.
     */
    private static boolean streamable(Object v, int depth) {
        if (v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long) return true;
        if (!(v instanceof Map<?, ?> m) || depth >= 4) return false;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String) || !streamable(e.getValue(), depth + 1)) return false;
        }
        return true;
    }

    private static void value(JsonBytes out, Object v) {
        switch (v) {
            case String s -> {
                if (s.length() > RecordBounds.MAX_STRING) throw new NeedsTree();
                out.string(s);
            }
            case Boolean b -> out.raw(b ? TRUE : FALSE);
            case Integer i -> out.number(i);
            case Long l -> out.number(l);
            case Map<?, ?> m -> {
                out.raw('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    value(name(comma(out, first), (String) e.getKey()), e.getValue());
                    first = false;
                }
                out.raw('}');
            }
            default -> throw new NeedsTree();
        }
    }

    /** A comma unless this is the object's first field. */
    private static JsonBytes comma(JsonBytes out, boolean first) {
        return first ? out : out.raw(',');
    }

    /**
     * A field's name (and its colon) that RecordBounds keeps as it is: not longer than it cuts (a lone surrogate is
     * noted by the writer, see {@link #write}).
     */
    private static JsonBytes name(JsonBytes out, String n) {
        if (n.length() > RecordBounds.MAX_NAME) throw new NeedsTree();
        return out.string(n).raw(':');
    }

    /**
     * A string field's value (null as JSON null, as ObjectNode.put writes it) that RecordBounds keeps as it is: not
     * longer than it cuts (a lone surrogate is noted by the writer, see {@link #write}).
     */
    private static JsonBytes text(JsonBytes out, String value) {
        if (value != null && value.length() > RecordBounds.MAX_STRING) throw new NeedsTree();
        return out.string(value);
    }

    /**
     * The string {@code "arn:aws:s3:::" + bucket [+ sep [+ key]]}, written in pieces (no concatenated copy), under the
     * same bound as {@link #text}.
     */
    private static JsonBytes arn(JsonBytes out, String bucket, String sep, String key) {
        int length =
                S3_ARN.length + bucket.length() + (sep == null ? 0 : sep.length()) + (key == null ? 0 : key.length());
        if (length > RecordBounds.MAX_STRING) throw new NeedsTree();
        out.raw('"').raw(S3_ARN).chars(bucket);
        if (sep != null) out.chars(sep);
        if (key != null) out.chars(key);
        return out.raw('"');
    }
}

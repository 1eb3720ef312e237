package io.rampart.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import io.rampart.iam.Principal;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link CloudTrailRecord#of} written straight to a {@link JsonGenerator}, field for field in the same order, so a
 * request's record costs no tree. Only for records {@link RecordBounds} would leave as they are: any string or name it
 * would cut (or any surrogate at all, see {@link #write}), a record over its size, configuration documents, nested
 * response elements or additional data other than
 * scalars and maps of them send the record back to the tree path ({@link #write} returns null), which stays the one definition of the shape;
 * {@code StreamedRecordTest} holds the two to the same bytes.
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
     * The record's line (its JSON and a newline), or null when it must be built as a tree (see the class comment). The
     * generator writes into its pooled buffer and hands the record over in one write (under its 8,000 bytes), copied
     * once into the line's own array. Strings are not scanned one by one for lone surrogates: the generator escapes
     * every surrogate ({@code \\uD83D}), so one pass over the bytes finds them, and a record with any goes the tree way.
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
        LineOut out = new LineOut();
        try (JsonGenerator g = CloudTrailRecord.JSON.getFactory().createGenerator(out)) {
            body(records, f, eventId, nullResponse, g);
        } catch (NeedsTree e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (out.size > RecordBounds.MAX_RECORD_BYTES || escapesSurrogate(out.buf, out.size)) return null;
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

    /**
     * The generator's output, collected into an array one byte longer than the record for the newline: a record under
     * the generator's buffer arrives in one write, into an array of exactly the line's size.
     */
    private static final class LineOut extends OutputStream {
        byte[] buf = new byte[0];
        int size;

        @Override
        public void write(int b) {
            room(1);
            buf[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            room(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        private void room(int n) {
            if (size + n + 1 > buf.length) buf = Arrays.copyOf(buf, Math.max(size + n + 1, buf.length * 2));
        }

        byte[] line() {
            if (buf.length != size + 1) buf = Arrays.copyOf(buf, size + 1);
            buf[size] = '\n';
            return buf;
        }
    }

    /**
     * Whether the JSON has a surrogate in a string ({@code \\uD800} to {@code \\uDFFF}, as the generator escapes
     * each one): a lone one is what {@link RecordBounds#clean} would replace. A backslash outside an escape does not
     * occur (the generator escapes it too), so each one starts an escape, and the escaped character is skipped.
     */
    static boolean escapesSurrogate(byte[] json, int len) {
        int i = 0;
        while (i < len) {
            if (json[i] != '\\') {
                i++;
                continue;
            }
            if (i + 3 < len && json[i + 1] == 'u' && (json[i + 2] | 0x20) == 'd') {
                int c = json[i + 3] | 0x20;
                if ((c >= '8' && c <= '9') || (c >= 'a' && c <= 'f')) return true;
            }
            i += 2;
        }
        return false;
    }

    private static void body(
            CloudTrailRecord records, RequestFacts f, String eventId, boolean nullResponse, JsonGenerator g)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("eventVersion", CloudTrailRecord.EVENT_VERSION);
        g.writeFieldName("userIdentity");
        userIdentity(
                f.principal(),
                f.accessKeyId(),
                CloudTrailRecord.INVOKED_BY_S3.equals(f.sourceIp()) && !"s3".equals(f.service()),
                g);
        g.writeStringField("eventTime", CloudTrailRecord.eventTime(f.time()));
        text(g, "eventSource", CloudTrailRecord.eventSource(f));
        text(g, "eventName", f.eventName());
        text(g, "awsRegion", f.region());
        text(g, "sourceIPAddress", f.sourceIp());
        text(g, "userAgent", CloudTrailRecord.userAgent(f));
        if (f.errorCode() != null) {
            text(g, "errorCode", f.errorCode());
            text(g, "errorMessage", f.errorMessage());
        }
        g.writeObjectFieldStart("requestParameters");
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
        if (bucketName != null) text(g, "bucketName", bucketName.getValue());
        if (hostParam != null) text(g, "Host", hostParam.getValue());
        if (key != null) text(g, "key", key.getValue());
        if (rest != null) {
            rest.sort(Map.Entry.comparingByKey());
            for (Map.Entry<String, String> e : rest) text(g, name(e.getKey()), e.getValue());
        }
        g.writeEndObject();
        if (nullResponse) {
            g.writeNullField("responseElements");
        } else {
            g.writeObjectFieldStart("responseElements");
            List<Map.Entry<String, String>> resp =
                    new ArrayList<>(f.responseElements().entrySet());
            resp.sort(Map.Entry.comparingByKey());
            for (Map.Entry<String, String> e : resp) text(g, name(e.getKey()), e.getValue());
            g.writeEndObject();
        }
        g.writeObjectFieldStart("additionalEventData");
        if (f.authMethod() != null) g.writeStringField("SignatureVersion", "SigV4");
        if (f.cipherSuite() != null) text(g, "CipherSuite", f.cipherSuite());
        g.writeNumberField("bytesTransferredIn", f.bytesIn());
        String sse = CloudTrailRecord.sseApplied(f);
        if (sse != null) g.writeStringField("SSEApplied", sse);
        if (f.authMethod() != null) text(g, "AuthenticationMethod", f.authMethod());
        if (f.hostId() != null) text(g, "x-amz-id-2", f.hostId());
        g.writeNumberField("bytesTransferredOut", f.bytesOut());
        for (Map.Entry<String, Object> e : f.additional().entrySet()) {
            if (CloudTrailRecord.KMS_KEY_ARN.equals(e.getKey()) || CloudTrailRecord.RESOURCE_ACCOUNT.equals(e.getKey()))
                continue;
            g.writeFieldName(name(e.getKey()));
            value(g, e.getValue());
        }
        g.writeEndObject();
        text(g, "requestID", f.requestId());
        g.writeStringField("eventID", eventId);
        g.writeBooleanField("readOnly", f.readOnly());
        String recipient = records.recipient(f);
        if (f.bucket() != null) {
            g.writeArrayFieldStart("resources");
            if ("DeleteObjects".equals(f.eventName())) {
                g.writeStartObject();
                g.writeStringField("type", "AWS::S3::Object");
                text(g, "ARNPrefix", "arn:aws:s3:::" + f.bucket() + "/");
                g.writeEndObject();
            }
            if (f.key() != null) {
                g.writeStartObject();
                g.writeStringField("type", "AWS::S3::Object");
                text(g, "ARN", "arn:aws:s3:::" + f.bucket() + "/" + f.key());
                g.writeEndObject();
            }
            g.writeStartObject();
            text(g, "accountId", recipient);
            g.writeStringField("type", "AWS::S3::Bucket");
            text(g, "ARN", "arn:aws:s3:::" + f.bucket());
            g.writeEndObject();
            g.writeEndArray();
        } else if (f.additional().get(CloudTrailRecord.KMS_KEY_ARN) instanceof String keyArn) {
            g.writeArrayFieldStart("resources");
            g.writeStartObject();
            String[] parts = keyArn.split(":", 6);
            text(g, "accountId", parts.length == 6 ? parts[4] : records.accountId());
            g.writeStringField("type", "AWS::KMS::Key");
            text(g, "ARN", keyArn);
            g.writeEndObject();
            g.writeEndArray();
        }
        g.writeStringField("eventType", "AwsApiCall");
        g.writeBooleanField("managementEvent", f.management());
        text(g, "recipientAccountId", recipient);
        g.writeStringField("eventCategory", f.management() ? "Management" : "Data");
        String host = f.requestParameters().get("Host");
        if (f.tlsVersion() != null || host != null) {
            g.writeObjectFieldStart("tlsDetails");
            if (f.tlsVersion() != null) {
                text(g, "tlsVersion", f.tlsVersion());
                text(g, "cipherSuite", f.cipherSuite());
            }
            if (host != null) text(g, "clientProvidedHostHeader", host);
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** {@link CloudTrailRecord#userIdentity}, streamed. */
    private static void userIdentity(Principal p, String claimedKeyId, boolean invokedByS3, JsonGenerator g)
            throws IOException {
        g.writeStartObject();
        if (p == null || p.isAnonymous()) {
            g.writeStringField("type", "AWSAccount");
            g.writeStringField("principalId", "");
            g.writeStringField("accountId", "anonymous");
            if (claimedKeyId != null && !claimedKeyId.isEmpty()) text(g, "accessKeyId", claimedKeyId);
        } else {
            String keyId = claimedKeyId != null && !claimedKeyId.isEmpty() ? claimedKeyId : p.accessKeyId();
            text(g, "type", p.type());
            text(g, "principalId", p.principalId());
            text(g, "arn", p.arn());
            text(g, "accountId", p.accountId());
            if (keyId != null && !keyId.isEmpty()) text(g, "accessKeyId", keyId);
            if (!"AssumedRole".equals(p.type())
                    && p.userName() != null
                    && !p.userName().isEmpty()) {
                text(g, "userName", p.userName());
            }
            if (p.sessionTokenIssued().isPresent()) {
                g.writeObjectFieldStart("sessionContext");
                if ("AssumedRole".equals(p.type())) {
                    g.writeObjectFieldStart("sessionIssuer");
                    g.writeStringField("type", "Role");
                    String pid = p.principalId();
                    text(g, "principalId", pid.contains(":") ? pid.substring(0, pid.indexOf(':')) : pid);
                    text(g, "arn", CloudTrailRecord.roleArn(p.arn()));
                    text(g, "accountId", p.accountId());
                    text(g, "userName", Principal.roleNameOf(p.arn()));
                    g.writeEndObject();
                }
                g.writeObjectFieldStart("attributes");
                g.writeStringField(
                        "creationDate",
                        CloudTrailRecord.EVENT_TIME.format(
                                Instant.ofEpochMilli(p.sessionTokenIssued().get())));
                g.writeStringField("mfaAuthenticated", Boolean.toString(p.mfaAuthenticated()));
                g.writeEndObject();
                g.writeEndObject();
            }
        }
        if (invokedByS3) g.writeStringField("invokedBy", CloudTrailRecord.INVOKED_BY_S3);
        g.writeEndObject();
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

    private static void value(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case String s -> {
                if (s.length() > RecordBounds.MAX_STRING) throw new NeedsTree();
                g.writeString(s);
            }
            case Boolean b -> g.writeBoolean(b);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    g.writeFieldName(name((String) e.getKey()));
                    value(g, e.getValue());
                }
                g.writeEndObject();
            }
            default -> throw new NeedsTree();
        }
    }

    /** A name RecordBounds keeps as it is (a lone surrogate in it is found in the bytes, see {@link #write}). */
    private static String name(String n) {
        if (n.length() > RecordBounds.MAX_NAME) throw new NeedsTree();
        return n;
    }

    /**
     * A string field (null as JSON null, as ObjectNode.put writes it) whose value RecordBounds keeps as it is: not
     * longer than it cuts (a lone surrogate is found in the bytes, see {@link #write}).
     */
    private static void text(JsonGenerator g, String name, String value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
            return;
        }
        if (value.length() > RecordBounds.MAX_STRING) throw new NeedsTree();
        g.writeStringField(name, value);
    }
}

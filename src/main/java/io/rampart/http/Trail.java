package io.rampart.http;

import io.rampart.audit.RequestFacts;
import io.rampart.auth.Authenticated;
import io.rampart.iam.Principal;
import io.rampart.s3.Operation;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;

/** Collects, while a request is handled, the facts its audit record needs, keeping every secret out. */
final class Trail {
    private Trail() {}

    /** Request headers CloudTrail shows in requestParameters for S3 data events (never the SSE-C key itself). */
    private static final Set<String> REQUEST_HEADERS = Set.of(
            "x-amz-copy-source",
            "x-amz-metadata-directive",
            "x-amz-tagging-directive",
            "x-amz-server-side-encryption",
            "x-amz-server-side-encryption-customer-algorithm",
            "x-amz-server-side-encryption-customer-key-md5",
            "x-amz-copy-source-server-side-encryption-customer-algorithm",
            "x-amz-copy-source-server-side-encryption-customer-key-md5",
            "x-amz-sdk-checksum-algorithm",
            "x-amz-checksum-algorithm",
            "x-amz-checksum-crc32",
            "x-amz-checksum-crc32c",
            "x-amz-checksum-crc64nvme",
            "x-amz-checksum-sha1",
            "x-amz-checksum-sha256",
            "x-amz-bypass-governance-retention",
            "x-amz-object-lock-mode",
            "x-amz-object-lock-retain-until-date",
            "x-amz-object-lock-legal-hold",
            "x-amz-storage-class",
            "x-amz-bucket-object-lock-enabled",
            "x-amz-mfa-present",
            "x-amz-server-side-encryption-aws-kms-key-id",
            "x-amz-server-side-encryption-context",
            "x-amz-server-side-encryption-bucket-key-enabled");

    private static final Set<String> RESPONSE_HEADERS = Set.of(
            "x-amz-version-id",
            "x-amz-delete-marker",
            "x-amz-server-side-encryption",
            "x-amz-server-side-encryption-customer-algorithm",
            "x-amz-server-side-encryption-customer-key-md5",
            "x-amz-copy-source-version-id",
            "x-amz-server-side-encryption-aws-kms-key-id",
            "x-amz-server-side-encryption-bucket-key-enabled");

    /** SigV2's query-string authentication parameters: credentials too. */
    private static final Set<String> SIGV2_QUERY = Set.of("AWSAccessKeyId", "Signature", "Expires");

    static final class Draft {
        private final Instant time = Instant.now();
        private final String requestId;
        private final String hostId;
        private final Operation op;
        private final RequestTarget target;
        private final String region;
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private final String sourceIp;
        private final String userAgent;
        private final String claimedKeyId;
        private final String authMethod;
        private final String tlsVersion;
        private final String cipherSuite;
        private boolean readOnly;
        private String service = "s3";
        private String eventName;
        private Principal principal = Principal.anonymous();
        private String accessKeyId;
        private final Request request;
        private java.util.function.Supplier<Map<String, com.fasterxml.jackson.databind.JsonNode>> documents;
        private Map<String, Object> additional = Map.of();
        private String key;
        private String signatureVersion = Authenticated.SIGV4;
        /** Set by {@link #event}: an event named by its front door, not by the routed operation. */
        private Event event;

        /** What {@link #event} names. */
        private record Event(String bucket, String key, boolean management) {}

        Draft(
                Request request,
                String requestId,
                String hostId,
                Operation op,
                RequestTarget target,
                Map<String, List<String>> headers,
                String region) {
            this.request = request;
            this.requestId = requestId;
            this.hostId = hostId;
            this.op = op;
            this.target = target;
            this.region = region;
            this.readOnly = op.readOnly(request.getMethod());
            if (target.bucket() != null) parameters.put("bucketName", target.bucket());
            this.key = target.key();
            if (key != null) parameters.put("key", key);
            List<String> host = headers.get("host");
            if (host != null && !host.isEmpty()) parameters.put("Host", host.get(0));
            for (Map.Entry<String, String> q : target.query().entrySet()) {
                String name = q.getKey();
                // Signature parameters of presigned URLs are credentials, not request parameters.
                if (name.toLowerCase(Locale.ROOT).startsWith("x-amz-") || SIGV2_QUERY.contains(name)) continue;
                parameters.put(name, q.getValue());
            }
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if (REQUEST_HEADERS.contains(h.getKey()) && !h.getValue().isEmpty()) {
                    parameters.put(canonicalHeaderName(h.getKey()), h.getValue().get(0));
                }
            }
            this.sourceIp = sourceIp(request);
            List<String> ua = headers.get("user-agent");
            this.userAgent = ua == null || ua.isEmpty() ? "" : ua.get(0);
            boolean presigned = target.query().containsKey("X-Amz-Signature")
                    || (target.query().containsKey("AWSAccessKeyId")
                            && target.query().containsKey("Signature"));
            this.authMethod = presigned ? "QueryString" : headers.containsKey("authorization") ? "AuthHeader" : null;
            this.claimedKeyId = claimedKeyId(headers, target.query());
            this.accessKeyId = claimedKeyId;
            Optional<EndPoint.SslSessionData> ssl = tls(request);
            this.tlsVersion = ssl.map(
                            d -> d.sslSession() == null ? null : d.sslSession().getProtocol())
                    .orElse(null);
            this.cipherSuite = ssl.map(EndPoint.SslSessionData::cipherSuite).orElse(null);
        }

        /** A draft of another event from the same connection and principal: a new request id, now. */
        private Draft(Draft d, String requestId) {
            this.request = d.request;
            this.requestId = requestId;
            this.hostId = d.hostId;
            this.op = d.op;
            this.target = d.target;
            this.region = d.region;
            this.readOnly = d.readOnly;
            this.parameters.putAll(d.parameters);
            this.sourceIp = d.sourceIp;
            this.userAgent = d.userAgent;
            this.authMethod = d.authMethod;
            this.claimedKeyId = d.claimedKeyId;
            this.tlsVersion = d.tlsVersion;
            this.cipherSuite = d.cipherSuite;
            this.service = d.service;
            this.eventName = d.eventName;
            this.principal = d.principal;
            this.accessKeyId = d.accessKeyId;
            this.key = d.key;
            this.signatureVersion = d.signatureVersion;
            this.event = d.event;
        }

        /**
         * A draft for a later event of the same origin (a background job's writes, recorded after the request has
         * completed): connection facts and principal as taken while the request was in flight.
         */
        Draft again(String newRequestId) {
            return new Draft(this, newRequestId);
        }

        void authenticated(Authenticated auth) {
            this.principal = auth.principal();
            this.accessKeyId = auth.accessKeyId();
            this.signatureVersion = auth.signatureVersion();
        }

        /**
         * A browser-based upload: the key its form names (its URL names only the bucket), and the form fields that are
         * headers on a PutObject (SSE-C algorithm, storage class...) in requestParameters, as if sent as headers, so
         * rules written for PutObject's records read PostObject's the same way.
         */
        void postForm(io.rampart.s3.PostForm form) {
            form.objectKey().ifPresent(k -> {
                this.key = k;
                parameters.put("key", k);
            });
            for (io.rampart.s3.PostForm.Field f : form.fields()) {
                String name = f.name().toLowerCase(Locale.ROOT);
                if (REQUEST_HEADERS.contains(name)) parameters.putIfAbsent(canonicalHeaderName(name), f.value());
            }
            // The key the form claims, recorded even when its signature then fails (as for a signed header).
            String claimed = form.field("x-amz-credential")
                    .map(c -> c.split("/", 2)[0])
                    .or(() -> form.field("AWSAccessKeyId"))
                    .map(String::trim)
                    .orElse(null);
            if (claimed != null && claimed.length() <= 128) this.accessKeyId = claimed;
        }

        /** A console request: made by the signed-in principal with the key it signed in with (no signature). */
        void signedIn(Principal p, String keyId) {
            this.principal = p;
            this.accessKeyId = keyId;
        }

        /** The request's configuration documents, read when the record is made (after the body was consumed). */
        void documents(java.util.function.Supplier<Map<String, com.fasterxml.jackson.databind.JsonNode>> d) {
            this.documents = d;
        }

        /** Rampart-specific additionalEventData the operation reported (what a write replaced). */
        void additional(Map<String, Object> facts) {
            this.additional = facts;
        }

        boolean readOnly() {
            return readOnly;
        }

        /**
         * The record writes SignatureVersion "SigV4" for every signed request; a SigV2 one says so (CloudTrail's
         * additionalEventData.SignatureVersion), replacing the value in place.
         */
        private Map<String, Object> withSignatureVersion(Map<String, Object> facts) {
            if (!Authenticated.SIGV2.equals(signatureVersion) || authMethod == null) return facts;
            Map<String, Object> out = new LinkedHashMap<>(facts);
            out.put("SignatureVersion", Authenticated.SIGV2);
            return out;
        }

        /**
         * Makes this the record of an IAM, STS or Organizations call: its event source, the action as event name, and
         * its request parameters (lower camel case as CloudTrail writes them; secrets never reach here).
         */
        void serviceCall(String service, String action, boolean readOnly, Map<String, String> params) {
            this.service = service;
            this.eventName = action;
            this.readOnly = readOnly;
            parameters.clear();
            parameters.putAll(params);
        }

        /**
         * Makes this the record of an event its front door names (the console's sign-in, restores, IAM calls): service,
         * name, resources, parameters and kind as given; response elements as handed to {@link #done}.
         */
        void event(
                String service,
                String eventName,
                String bucket,
                String key,
                Map<String, String> params,
                boolean readOnly,
                boolean management) {
            this.service = service;
            this.eventName = eventName;
            this.readOnly = readOnly;
            this.event = new Event(bucket, key, management);
            parameters.clear();
            parameters.putAll(params);
        }

        String requestId() {
            return requestId;
        }

        /** The HTTP request and its routed operation, for the server access log line. */
        Request request() {
            return request;
        }

        Operation op() {
            return op;
        }

        RequestFacts done(
                int status,
                Map<String, String> responseHeaders,
                long bytesIn,
                long bytesOut,
                String errorCode,
                String errorMessage) {
            Map<String, String> response = new LinkedHashMap<>();
            responseHeaders.forEach((k, v) -> {
                // IAM/STS calls hand over their responseElements as they are; S3 calls only the headers CloudTrail
                // shows.
                if (!"s3".equals(service) || event != null) response.put(k, v);
                // Every header shown starts with x-amz-: the others (Content-Type, ETag...) are not lower-cased.
                else if (k.regionMatches(true, 0, "x-amz-", 0, 6)
                        && RESPONSE_HEADERS.contains(k.toLowerCase(Locale.ROOT)))
                    response.put(canonicalHeaderName(k), v);
            });
            // Another service's REST path (Roles Anywhere's /trustanchor/{id}) is no bucket or key: a management event.
            boolean s3 = "s3".equals(service);
            boolean management = event != null
                    ? event.management()
                    : !s3 || op.managementEvent(target.bucket() != null, key != null);
            String name = eventName != null ? eventName : op == Operation.NOT_IMPLEMENTED ? "Unknown" : op.awsName();
            return RequestFacts.builder()
                    .time(time)
                    .requestId(requestId)
                    .hostId(hostId)
                    .service(service)
                    .eventName(name)
                    .region(region)
                    .principal(principal)
                    .accessKeyId(accessKeyId == null ? "" : accessKeyId)
                    .sourceIp(sourceIp)
                    .userAgent(userAgent)
                    .bucket(event != null ? event.bucket() : s3 ? target.bucket() : null)
                    .key(event != null ? event.key() : s3 ? key : null)
                    .requestParameters(Map.copyOf(parameters))
                    .responseElements(Map.copyOf(response))
                    .status(status)
                    .errorCode(errorCode)
                    .errorMessage(errorMessage)
                    .bytesIn(Math.max(0, bytesIn))
                    .bytesOut(bytesOut)
                    .authMethod(authMethod)
                    .tlsVersion(tlsVersion)
                    .cipherSuite(cipherSuite)
                    .readOnly(readOnly)
                    .management(management)
                    .documents(documents == null ? Map.of() : documents.get())
                    .additional(withSignatureVersion(additional))
                    .build();
        }
    }

    /** The client's IP address as CloudTrail's sourceIPAddress and aws:SourceIp see it. */
    static String sourceIp(Request request) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress isa && isa.getAddress() != null
                ? isa.getAddress().getHostAddress()
                : String.valueOf(remote);
    }

    /** The TLS session of the request's connection, when it came over HTTPS. */
    static Optional<EndPoint.SslSessionData> tls(Request request) {
        return request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData d
                ? Optional.of(d)
                : Optional.empty();
    }

    /** The access key id a request claims (Authorization header or X-Amz-Credential), before it is verified. */
    private static String claimedKeyId(Map<String, List<String>> headers, Map<String, String> query) {
        String credential = claimedCredential(headers, query);
        if (credential == null) credential = claimedSigV2Key(headers, query);
        if (credential == null) return null;
        int slash = credential.indexOf('/');
        String id = slash < 0 ? credential : credential.substring(0, slash);
        return id.length() <= 128 ? id : id.substring(0, 128);
    }

    /** The key id a SigV2 request claims: {@code Authorization: AWS AKID:signature} or {@code AWSAccessKeyId}. */
    private static String claimedSigV2Key(Map<String, List<String>> headers, Map<String, String> query) {
        List<String> auth = headers.get("authorization");
        if (auth != null && !auth.isEmpty() && auth.get(0).startsWith("AWS ")) {
            String v = auth.get(0).substring(4).strip();
            int colon = v.lastIndexOf(':');
            return colon > 0 ? v.substring(0, colon) : null;
        }
        return query.get("AWSAccessKeyId");
    }

    /**
     * The credential a request claims, before it is verified: {@code AKID/date/region/service/aws4_request...} from
     * X-Amz-Credential or the Authorization header; null when it claims none.
     */
    static String claimedCredential(Map<String, List<String>> headers, Map<String, String> query) {
        String credential = query.get("X-Amz-Credential");
        List<String> auth = headers.get("authorization");
        if (credential == null && auth != null && !auth.isEmpty()) {
            int i = auth.get(0).indexOf("Credential=");
            if (i >= 0) credential = auth.get(0).substring(i + "Credential=".length());
        }
        return credential;
    }

    /** "x-amz-server-side-encryption-customer-key-md5" → "x-amz-server-side-encryption-customer-key-MD5", as CloudTrail spells it. */
    private static String canonicalHeaderName(String lower) {
        return lower.endsWith("-md5") ? lower.substring(0, lower.length() - 3) + "MD5" : lower;
    }
}

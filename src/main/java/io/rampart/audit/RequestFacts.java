package io.rampart.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.iam.Principal;
import java.time.Instant;
import java.util.Map;

/**
 * The facts of one request, allowed or denied, from which the trail writes its CloudTrail record. Built by the HTTP
 * layer; secrets never enter it (for SSE-C only the algorithm and the key's MD5).
 *
 * @param eventName         the AWS operation name (e.g. "CopyObject"), or "Unknown" when the request never routed
 * @param principal         who made the request (anonymous when unsigned; the claimed key id's principal is not
 *                          trusted when authentication failed: then it is anonymous and {@code accessKeyId} says what
 *                          was claimed)
 * @param requestParameters CloudTrail requestParameters: bucketName, key, Host, and selected request headers and
 *                          query parameters (x-amz-copy-source, SSE and checksum headers, versionId...)
 * @param responseElements  selected response headers (x-amz-version-id, x-amz-server-side-encryption...), or empty
 * @param authMethod        "AuthHeader" or "QueryString", or null when unsigned
 * @param tlsVersion        e.g. "TLSv1.3", or null over plain HTTP
 * @param readOnly          whether the operation only reads
 * @param management        CloudTrail management event (bucket configuration) rather than a data event
 * @param documents         configuration documents CloudTrail shows in requestParameters as JSON (bucketPolicy,
 *                          LifecycleConfiguration, VersioningConfiguration, ServerSideEncryptionConfiguration...)
 * @param additional        Rampart-specific additionalEventData entries (what a write replaced, see
 *                          io.rampart.s3.WriteFacts): strings, booleans, numbers and maps of them
 */
public record RequestFacts(
        Instant time,
        String requestId,
        String hostId,
        String service,
        String eventName,
        String region,
        Principal principal,
        String accessKeyId,
        String sourceIp,
        String userAgent,
        String bucket,
        String key,
        Map<String, String> requestParameters,
        Map<String, String> responseElements,
        int status,
        String errorCode,
        String errorMessage,
        long bytesIn,
        long bytesOut,
        String authMethod,
        String tlsVersion,
        String cipherSuite,
        boolean readOnly,
        boolean management,
        Map<String, JsonNode> documents,
        Map<String, Object> additional) {
    public RequestFacts {
        documents = documents == null ? Map.of() : Map.copyOf(documents);
        additional = additional == null ? Map.of() : Map.copyOf(additional);
    }

    /** A builder with nothing set: empty maps, no error, status 0. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these facts, to derive other facts from them (another event of the same request). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.time = time;
        b.requestId = requestId;
        b.hostId = hostId;
        b.service = service;
        b.eventName = eventName;
        b.region = region;
        b.principal = principal;
        b.accessKeyId = accessKeyId;
        b.sourceIp = sourceIp;
        b.userAgent = userAgent;
        b.bucket = bucket;
        b.key = key;
        b.requestParameters = requestParameters;
        b.responseElements = responseElements;
        b.status = status;
        b.errorCode = errorCode;
        b.errorMessage = errorMessage;
        b.bytesIn = bytesIn;
        b.bytesOut = bytesOut;
        b.authMethod = authMethod;
        b.tlsVersion = tlsVersion;
        b.cipherSuite = cipherSuite;
        b.readOnly = readOnly;
        b.management = management;
        b.documents = documents;
        b.additional = additional;
        return b;
    }

    /** Names every fact once; unset facts keep the defaults of {@link #builder()}. */
    public static final class Builder {
        private Instant time;
        private String requestId;
        private String hostId;
        private String service;
        private String eventName;
        private String region;
        private Principal principal;
        private String accessKeyId;
        private String sourceIp;
        private String userAgent;
        private String bucket;
        private String key;
        private Map<String, String> requestParameters = Map.of();
        private Map<String, String> responseElements = Map.of();
        private int status;
        private String errorCode;
        private String errorMessage;
        private long bytesIn;
        private long bytesOut;
        private String authMethod;
        private String tlsVersion;
        private String cipherSuite;
        private boolean readOnly;
        private boolean management;
        private Map<String, JsonNode> documents = Map.of();
        private Map<String, Object> additional = Map.of();

        private Builder() {}

        public Builder time(Instant time) {
            this.time = time;
            return this;
        }

        public Builder requestId(String requestId) {
            this.requestId = requestId;
            return this;
        }

        public Builder hostId(String hostId) {
            this.hostId = hostId;
            return this;
        }

        public Builder service(String service) {
            this.service = service;
            return this;
        }

        public Builder eventName(String eventName) {
            this.eventName = eventName;
            return this;
        }

        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder principal(Principal principal) {
            this.principal = principal;
            return this;
        }

        public Builder accessKeyId(String accessKeyId) {
            this.accessKeyId = accessKeyId;
            return this;
        }

        public Builder sourceIp(String sourceIp) {
            this.sourceIp = sourceIp;
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        public Builder bucket(String bucket) {
            this.bucket = bucket;
            return this;
        }

        public Builder key(String key) {
            this.key = key;
            return this;
        }

        public Builder requestParameters(Map<String, String> requestParameters) {
            this.requestParameters = requestParameters;
            return this;
        }

        public Builder responseElements(Map<String, String> responseElements) {
            this.responseElements = responseElements;
            return this;
        }

        public Builder status(int status) {
            this.status = status;
            return this;
        }

        public Builder errorCode(String errorCode) {
            this.errorCode = errorCode;
            return this;
        }

        public Builder errorMessage(String errorMessage) {
            this.errorMessage = errorMessage;
            return this;
        }

        public Builder bytesIn(long bytesIn) {
            this.bytesIn = bytesIn;
            return this;
        }

        public Builder bytesOut(long bytesOut) {
            this.bytesOut = bytesOut;
            return this;
        }

        public Builder authMethod(String authMethod) {
            this.authMethod = authMethod;
            return this;
        }

        public Builder tlsVersion(String tlsVersion) {
            this.tlsVersion = tlsVersion;
            return this;
        }

        public Builder cipherSuite(String cipherSuite) {
            this.cipherSuite = cipherSuite;
            return this;
        }

        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        public Builder management(boolean management) {
            this.management = management;
            return this;
        }

        public Builder documents(Map<String, JsonNode> documents) {
            this.documents = documents;
            return this;
        }

        public Builder additional(Map<String, Object> additional) {
            this.additional = additional;
            return this;
        }

        public RequestFacts build() {
            return new RequestFacts(
                    time,
                    requestId,
                    hostId,
                    service,
                    eventName,
                    region,
                    principal,
                    accessKeyId,
                    sourceIp,
                    userAgent,
                    bucket,
                    key,
                    requestParameters,
                    responseElements,
                    status,
                    errorCode,
                    errorMessage,
                    bytesIn,
                    bytesOut,
                    authMethod,
                    tlsVersion,
                    cipherSuite,
                    readOnly,
                    management,
                    documents,
                    additional);
        }
    }
}

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

    /** Facts without Rampart-specific additionalEventData. */
    public RequestFacts(
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
            Map<String, JsonNode> documents) {
        this(
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
                Map.of());
    }

    /** Facts without configuration documents. */
    public RequestFacts(
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
            boolean management) {
        this(
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
                Map.of());
    }
}

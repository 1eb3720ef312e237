package io.rampart.s3;

import io.rampart.iam.Principal;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A PutObject the server makes itself (access log and trail delivery): as an AWS service principal of the target
 * bucket's owner, like AWS's logging.s3.amazonaws.com, without passing the S3 endpoint, so it is neither logged nor
 * counted as a client request.
 */
final class ServiceWrite implements S3Call {
    private final String bucket;
    private final String key;
    private final byte[] body;
    private final Map<String, List<String>> headers;
    private final Principal principal;

    ServiceWrite(String service, String ownerAccount, String bucket, String key, byte[] body, String contentType) {
        this.bucket = bucket;
        this.key = key;
        this.body = body;
        this.headers =
                Map.of("content-type", List.of(contentType), "content-length", List.of(Integer.toString(body.length)));
        // A session-issued principal, not a long-lived key: the server's own writes are not what key guardrails target.
        this.principal = new Principal("AWSService", ownerAccount, service, service, "", "", Optional.of(0L));
    }

    @Override
    public String method() {
        return "PUT";
    }

    @Override
    public String bucket() {
        return bucket;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public Map<String, String> query() {
        return Map.of();
    }

    @Override
    public Map<String, List<String>> headers() {
        return headers;
    }

    @Override
    public InputStream body() {
        return new ByteArrayInputStream(body);
    }

    @Override
    public long contentLength() {
        return body.length;
    }

    @Override
    public Map<String, String> verifiedChecksums() {
        return Map.of();
    }

    @Override
    public Principal principal() {
        return principal;
    }

    @Override
    public boolean secure() {
        return true;
    }

    @Override
    public String requestId() {
        return "service-" + Long.toHexString(System.nanoTime());
    }
}

package io.rampart.s3;

import io.rampart.iam.Principal;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One authenticated S3 request as the operations see it: no HTTP framework types, nothing about signatures. */
public interface S3Call {
    String method();

    /** The bucket named by the path or the host, or null for service-level requests. */
    String bucket();

    /** The decoded object key, or null for bucket-level requests. */
    String key();

    /** Decoded query parameters; a parameter given without '=' maps to "". */
    Map<String, String> query();

    default Optional<String> query(String name) {
        return Optional.ofNullable(query().get(name));
    }

    default boolean hasQuery(String name) {
        return query().containsKey(name);
    }

    /** Headers by lower-case name. */
    Map<String, List<String>> headers();

    default Optional<String> header(String lowerCaseName) {
        List<String> v = headers().get(lowerCaseName);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** The verified request body. Reading it may throw an IOException naming a failed check. */
    InputStream body();

    /** The length of the decoded body, or -1 when the client did not say. */
    long contentLength();

    /** Checksums (algorithm name, e.g. "CRC32", to base64 value) the client sent and the body matched; complete after EOF. */
    Map<String, String> verifiedChecksums();

    Principal principal();

    /** Whether the request came over TLS. */
    boolean secure();

    /** The client's address as the server saw it (aws:SourceIp), or "" when unknown. */
    default String sourceIp() {
        return "";
    }

    /** The negotiated TLS protocol (e.g. "TLSv1.3", for s3:TlsVersion), empty over plain HTTP. */
    default Optional<String> tlsProtocol() {
        return Optional.empty();
    }

    /** Whether the signature came from the query string (a presigned URL) rather than the Authorization header. */
    default boolean presigned() {
        return false;
    }

    String requestId();

    /** For a browser-based upload (POST Object): the form's fields before the file; the file is {@link #body()}. */
    default Optional<PostForm> postForm() {
        return Optional.empty();
    }

    /** "SigV4" or "SigV2": how the request was signed (s3:signatureversion); "SigV4" when unsigned. */
    default String signatureVersion() {
        return "SigV4";
    }
}

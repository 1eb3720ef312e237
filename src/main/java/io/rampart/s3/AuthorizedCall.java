package io.rampart.s3;

import io.rampart.iam.Principal;
import io.rampart.storage.Bucket;
import io.rampart.storage.MetadataStore;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A call the {@link Authorizer} let through, carrying the bucket row it loaded (and the copy source's), so operations
 * neither read it again nor repeat the old ownership check; DeleteObjects asks it about each key. Operations take
 * this type, so none can be reached with a call that was not authorised.
 */
final class AuthorizedCall implements S3Call {
    private final S3Call call;
    private final Bucket bucket;
    private final Bucket copySource;
    private final Authorizer authorizer;
    private final Authorizer.Request request;
    private final MetadataStore.ObjectRead read;

    AuthorizedCall(
            S3Call call,
            Bucket bucket,
            Bucket copySource,
            Authorizer authorizer,
            Authorizer.Request request,
            MetadataStore.ObjectRead read) {
        this.call = call;
        this.read = read;
        this.bucket = bucket;
        this.copySource = copySource;
        this.authorizer = authorizer;
        this.request = request;
    }

    /**
     * A write the server makes itself as an AWS service principal of the bucket's owner ({@link ServiceWrite}), which
     * the bucket policy does not govern: only PutObject, so nothing asks it about deletes.
     */
    static AuthorizedCall service(ServiceWrite write, Bucket bucket) {
        return new AuthorizedCall(write, bucket, null, null, null, null);
    }

    /** The bucket row loaded for this request, or null for service-level and unauthorised (NotImplemented) calls. */
    Bucket loadedBucket() {
        return bucket;
    }

    /**
     * The bucket and the version of the call's key (the one its versionId names, else the current one) read together
     * when the call was authorised, for operations that read one version ({@link Authorizer}): the version the
     * authorisation saw, which the operation must serve. Empty when nothing was read then (the operation reads it).
     */
    Optional<MetadataStore.ObjectRead> authorizedRead() {
        return Optional.ofNullable(read);
    }

    /** The copy source's bucket row, when the request copies and the source bucket exists. */
    Optional<Bucket> copySourceBucket() {
        return Optional.ofNullable(copySource);
    }

    /** Throws AccessDenied unless deleting this key (version) of the call's bucket is allowed. */
    void authorizeDelete(String key, String versionId) {
        authorizer.authorizeDelete(request, bucket, key, versionId);
    }

    @Override
    public String method() {
        return call.method();
    }

    @Override
    public String bucket() {
        return call.bucket();
    }

    @Override
    public String key() {
        return call.key();
    }

    @Override
    public Map<String, String> query() {
        return call.query();
    }

    @Override
    public Map<String, List<String>> headers() {
        return call.headers();
    }

    @Override
    public InputStream body() {
        return call.body();
    }

    @Override
    public long contentLength() {
        return call.contentLength();
    }

    @Override
    public Map<String, String> verifiedChecksums() {
        return call.verifiedChecksums();
    }

    @Override
    public Principal principal() {
        return call.principal();
    }

    @Override
    public boolean secure() {
        return call.secure();
    }

    @Override
    public String requestId() {
        return call.requestId();
    }

    @Override
    public String sourceIp() {
        return call.sourceIp();
    }

    @Override
    public Optional<String> tlsProtocol() {
        return call.tlsProtocol();
    }

    @Override
    public boolean presigned() {
        return call.presigned();
    }

    @Override
    public String signatureVersion() {
        return call.signatureVersion();
    }
}

package io.rampart.s3;

import io.rampart.crypto.MasterKey;
import io.rampart.storage.BlobStore;
import io.rampart.storage.MetadataStore;
import io.rampart.storage.Removal;
import io.rampart.xml.XmlWriter;
import java.io.IOException;
import java.time.Clock;

/** Runs one routed S3 operation. Owns no state beyond the operation families it dispatches to. */
public final class S3Service {
    private final Context ctx;
    private final Buckets buckets;
    private final Objects objects;
    private final CopyObject copy;
    private final ListObjects list;
    private final DeleteObjects deleteObjects;
    private final Multipart multipart;
    private final Tagging tagging;
    private final BucketEncryption encryption;
    private final Versioning versioning;
    private final ObjectLock lock;
    private final Lifecycle lifecycle;
    private final Authorizer authorizer;
    private final BucketPolicy policy;
    private final PublicAccessBlock publicAccess;
    private final BucketLogging logging;
    private final BucketNotification notification;
    private volatile java.util.Set<String> notificationTargets = java.util.Set.of();
    private volatile SpaceReserve spaceReserve;
    private final BucketReplication replication;
    private final PostObject postObject;

    /** Checks an MFA device's current code (IAM's device store): {@code (serial, accountId, code) -> valid}. */
    @FunctionalInterface
    public interface MfaCheck {
        boolean verify(String serial, String accountId, String code);
    }

    /** Serves SSE-KMS (x-amz-server-side-encryption aws:kms, bucket default aws:kms) through this key service. */
    public void kms(io.rampart.kms.SseKms kms) {
        ctx.sse().kms(kms);
    }

    public S3Service(
            MetadataStore meta,
            BlobStore blobs,
            String region,
            Clock clock,
            MasterKey masterKey,
            S3Settings settings,
            MfaCheck mfaCheck,
            io.rampart.iam.Permissions permissions) {
        this(meta, blobs, region, clock, masterKey, settings, mfaCheck, permissions, ReplicationTargets.none());
    }

    /** With the remote replication destinations the operator configured. */
    public S3Service(
            MetadataStore meta,
            BlobStore blobs,
            String region,
            Clock clock,
            MasterKey masterKey,
            S3Settings settings,
            MfaCheck mfaCheck,
            io.rampart.iam.Permissions permissions,
            ReplicationTargets replicationTargets) {
        Context ctx = new Context(
                meta,
                blobs,
                region,
                clock,
                new Sse(masterKey, settings.allowSseCOverHttp()),
                settings,
                new MfaDelete(mfaCheck::verify));
        this.ctx = ctx;
        this.encryption = new BucketEncryption(ctx);
        this.versioning = new Versioning(ctx);
        this.buckets = new Buckets(ctx);
        this.lock = new ObjectLock(ctx);
        this.objects = new Objects(ctx, lock);
        this.copy = new CopyObject(ctx, lock);
        this.list = new ListObjects(ctx);
        this.deleteObjects = new DeleteObjects(ctx, objects);
        this.multipart = new Multipart(ctx, copy, lock);
        this.tagging = new Tagging(ctx);
        this.lifecycle = new Lifecycle(ctx);
        BucketPolicies policies = new BucketPolicies();
        this.authorizer = new Authorizer(ctx, policies, permissions);
        this.policy = new BucketPolicy(ctx, policies);
        this.publicAccess = new PublicAccessBlock(ctx, policies);
        this.logging = new BucketLogging(ctx);
        this.notification = new BucketNotification(ctx, () -> notificationTargets);
        this.replication = new BucketReplication(ctx, replicationTargets);
        this.postObject = new PostObject(ctx, authorizer, objects);
    }

    /** Free space to keep on the data directory's filesystem: writes that add data are refused below it. */
    public void spaceReserve(SpaceReserve reserve) {
        this.spaceReserve = reserve;
    }

    /** The ids of the event notification targets configured on the server ({@code --notify-webhook ID=URL}). */
    public void notificationTargets(java.util.Set<String> ids) {
        this.notificationTargets = java.util.Set.copyOf(ids);
    }

    /**
     * Writes an object as an AWS service principal ({@code service}, e.g. logging.s3.amazonaws.com) of the bucket's
     * owner, the way AWS delivers server access logs: not through the endpoint, and not subject to the bucket policy.
     */
    public void putAsService(String service, String bucket, String key, byte[] body, String contentType)
            throws IOException {
        io.rampart.storage.Bucket b = ctx.meta()
                .bucket(bucket)
                .orElseThrow(() -> new S3Exception(S3ErrorCode.NO_SUCH_BUCKET).with("BucketName", bucket));
        objects.put(AuthorizedCall.service(new ServiceWrite(service, b.owner(), bucket, key, body, contentType), b));
    }

    public S3Response handle(Operation op, S3Call request) throws IOException {
        if (op == Operation.POST_OBJECT) {
            // Authorised once the form names its key and its policy holds (PostObject), as a PutObject of that key.
            if (spaceReserve != null) spaceReserve.check();
            try (Removal.Scope removal = Removal.open(
                    new Removal(request.principal().arn(), request.principal().accessKeyId(), op.awsName()))) {
                return postObject.handle(request);
            }
        }
        AuthorizedCall call = authorizer.authorize(op, request);
        if (op == Operation.PUT_OBJECT || op == Operation.COPY_OBJECT || op == Operation.CREATE_MULTIPART_UPLOAD) {
            Acls.checkWriteHeaders(ctx, call);
        } else if (op == Operation.CREATE_BUCKET) {
            Acls.checkCreateBucketHeaders(call);
        }
        if (!call.secure() && call.headers().containsKey("x-amz-mfa")) {
            // AWS: "Requests that include x-amz-mfa must use HTTPS" (the code would otherwise cross the network in
            // clear).
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Requests that include x-amz-mfa must use HTTPS.");
        }
        if (spaceReserve != null && ADDS_DATA.contains(op)) spaceReserve.check();
        // Versions this request removes from view are kept by the recovery window under its principal, key and name.
        try (Removal.Scope removal = Removal.open(
                new Removal(call.principal().arn(), call.principal().accessKeyId(), op.awsName()))) {
            S3Response r = dispatch(op, call);
            // The bucket's owner receives the record (recipientAccountId), as CloudTrail delivers S3 events.
            if (call.loadedBucket() != null)
                r.trail(
                        io.rampart.audit.CloudTrailRecord.RESOURCE_ACCOUNT,
                        call.loadedBucket().owner());
            return r;
        }
    }

    /** Writes that add data, refused while the disk is below its reserve ({@link SpaceReserve}). */
    private static final java.util.Set<Operation> ADDS_DATA = java.util.EnumSet.of(
            Operation.PUT_OBJECT,
            Operation.COPY_OBJECT,
            Operation.CREATE_MULTIPART_UPLOAD,
            Operation.UPLOAD_PART,
            Operation.UPLOAD_PART_COPY,
            Operation.COMPLETE_MULTIPART_UPLOAD);

    private S3Response dispatch(Operation op, AuthorizedCall call) throws IOException {
        return switch (op) {
            case LIST_BUCKETS -> buckets.list(call);
            case CREATE_BUCKET -> buckets.create(call);
            case HEAD_BUCKET -> buckets.head(call);
            case DELETE_BUCKET -> buckets.delete(call);
            case GET_BUCKET_LOCATION -> buckets.location(call);
            case GET_BUCKET_VERSIONING -> versioning.get(call);
            case PUT_BUCKET_VERSIONING -> versioning.put(call);
            case LIST_OBJECT_VERSIONS -> versioning.list(call);
            case GET_OBJECT_LOCK_CONFIGURATION -> lock.getConfiguration(call);
            case PUT_OBJECT_LOCK_CONFIGURATION -> lock.putConfiguration(call);
            case GET_OBJECT_RETENTION -> lock.getRetention(call);
            case PUT_OBJECT_RETENTION -> lock.putRetention(call);
            case GET_OBJECT_LEGAL_HOLD -> lock.getLegalHold(call);
            case PUT_OBJECT_LEGAL_HOLD -> lock.putLegalHold(call);
            case GET_BUCKET_ACL -> Acls.getBucketAcl(ctx, call);
            case GET_BUCKET_ENCRYPTION -> encryption.get(call);
            case PUT_BUCKET_ENCRYPTION -> encryption.put(call);
            case DELETE_BUCKET_ENCRYPTION -> encryption.delete(call);
            case GET_BUCKET_LIFECYCLE_CONFIGURATION -> lifecycle.get(call);
            case PUT_BUCKET_LIFECYCLE_CONFIGURATION -> lifecycle.put(call);
            case DELETE_BUCKET_LIFECYCLE -> lifecycle.delete(call);
            case LIST_OBJECTS -> list.v1(call);
            case LIST_OBJECTS_V2 -> list.v2(call);
            case LIST_MULTIPART_UPLOADS -> multipart.listUploads(call);
            case DELETE_OBJECTS -> deleteObjects.handle(call);
            case PUT_OBJECT -> objects.put(call);
            case COPY_OBJECT -> copy.handle(call);
            case GET_OBJECT -> objects.get(call, false);
            case HEAD_OBJECT -> objects.get(call, true);
            case DELETE_OBJECT -> objects.delete(call);
            case GET_OBJECT_ACL -> Acls.getObjectAcl(ctx, call);
            case GET_OBJECT_TAGGING -> tagging.get(call);
            case PUT_OBJECT_TAGGING -> tagging.put(call);
            case DELETE_OBJECT_TAGGING -> tagging.delete(call);
            case CREATE_MULTIPART_UPLOAD -> multipart.create(call);
            case UPLOAD_PART -> multipart.uploadPart(call);
            case UPLOAD_PART_COPY -> multipart.uploadPartCopy(call);
            case COMPLETE_MULTIPART_UPLOAD -> multipart.complete(call);
            case ABORT_MULTIPART_UPLOAD -> multipart.abort(call);
            case LIST_PARTS -> multipart.listParts(call);
            case GET_BUCKET_POLICY -> policy.get(call);
            case PUT_BUCKET_POLICY -> policy.put(call);
            case DELETE_BUCKET_POLICY -> policy.delete(call);
            case GET_BUCKET_POLICY_STATUS -> policy.status(call);
            case GET_PUBLIC_ACCESS_BLOCK -> publicAccess.get(call);
            case PUT_PUBLIC_ACCESS_BLOCK -> publicAccess.put(call);
            case DELETE_PUBLIC_ACCESS_BLOCK -> publicAccess.delete(call);
            case GET_BUCKET_LOGGING -> logging.get(call);
            case PUT_BUCKET_LOGGING -> logging.put(call);
            case GET_BUCKET_NOTIFICATION_CONFIGURATION -> notification.get(call);
            case PUT_BUCKET_NOTIFICATION_CONFIGURATION -> notification.put(call);
            case GET_BUCKET_REPLICATION -> replication.get(call);
            case PUT_BUCKET_REPLICATION -> replication.put(call);
            case DELETE_BUCKET_REPLICATION -> replication.delete(call);
            case GET_BUCKET_WEBSITE -> BucketWebsite.get(ctx, call);
            case PUT_BUCKET_WEBSITE -> BucketWebsite.put(ctx, call);
            case DELETE_BUCKET_WEBSITE -> BucketWebsite.delete(ctx, call);
            case GET_BUCKET_CORS -> BucketCors.get(ctx, call);
            case PUT_BUCKET_CORS -> BucketCors.put(ctx, call);
            case DELETE_BUCKET_CORS -> BucketCors.delete(ctx, call);
            case GET_BUCKET_TAGGING -> BucketTagging.get(ctx, call);
            case PUT_BUCKET_TAGGING -> BucketTagging.put(ctx, call);
            case DELETE_BUCKET_TAGGING -> BucketTagging.delete(ctx, call);
            case GET_BUCKET_ACCELERATE_CONFIGURATION, GET_BUCKET_REQUEST_PAYMENT ->
                UnconfiguredSubresources.handle(ctx, op, call);
            case PUT_BUCKET_REQUEST_PAYMENT -> UnconfiguredSubresources.putRequestPayment(ctx, call);
            case PUT_BUCKET_ACL -> Acls.putBucketAcl(ctx, call);
            case PUT_OBJECT_ACL -> Acls.putObjectAcl(ctx, call);
            case GET_BUCKET_OWNERSHIP_CONTROLS -> Acls.getOwnershipControls(ctx, call);
            case PUT_BUCKET_OWNERSHIP_CONTROLS -> Acls.putOwnershipControls(ctx, call);
            case DELETE_BUCKET_OWNERSHIP_CONTROLS -> Acls.deleteOwnershipControls(ctx, call);
            case GET_OBJECT_ATTRIBUTES -> ObjectAttributes.get(ctx, call);
            case POST_OBJECT -> postObject.handle(call);
            case NOT_IMPLEMENTED -> throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED);
        };
    }

    /** A browser's CORS preflight ({@code OPTIONS}) on a bucket or object: unauthenticated, answered from the bucket's rules. */
    public S3Response preflight(String bucket, java.util.Map<String, java.util.List<String>> headers) {
        return BucketCors.preflight(ctx.meta(), bucket, headers);
    }

    /** The Access-Control-* headers a browser's actual request (one with an Origin header) gets from the bucket's rules. */
    public java.util.Map<String, String> corsHeaders(
            String bucket, String method, java.util.Map<String, java.util.List<String>> headers) {
        return BucketCors.actualRequestHeaders(ctx.meta(), bucket, method, headers);
    }

    /** A request on the bucket's website endpoint: index and error documents, redirects, HTML errors. */
    public S3Response website(S3Call call, String host) throws IOException {
        return BucketWebsite.serve(ctx.meta(), this::handle, call, host);
    }

    /** The S3 error document for an exception, as AWS writes it. */
    public static byte[] errorDocument(
            S3ErrorCode code, String message, java.util.Map<String, String> extra, String resource, String requestId) {
        // Error documents carry client text (keys, arguments): only characters XML 1.0 allows, so any parser reads
        // them.
        XmlWriter x = new XmlWriter()
                .start("Error")
                .element("Code", code.code())
                .element("Message", XmlWriter.xml10(message));
        extra.forEach((k, v) -> x.element(k, XmlWriter.xml10(v)));
        x.element("Resource", XmlWriter.xml10(resource))
                .element("RequestId", requestId)
                .element("HostId", requestId);
        return x.toBytes();
    }
}

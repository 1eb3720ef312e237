package io.rampart.s3;

import static io.rampart.s3.Operation.Event.DATA;
import static io.rampart.s3.Operation.Event.MANAGEMENT;
import static io.rampart.s3.Operation.Kind.READ;
import static io.rampart.s3.Operation.Kind.WRITE;
import static io.rampart.s3.Operation.Scope.BUCKET;
import static io.rampart.s3.Operation.Scope.OBJECT;
import static io.rampart.s3.Operation.Scope.SERVICE;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every S3 operation the {@link Router} can name, with what is known about it wherever it goes: the name CloudTrail
 * records, what it acts on, whether it only reads, CloudTrail's event category, the server access log's operation
 * name, the IAM action(s) it needs (see {@link S3Actions} for those a request's headers add) and the configuration
 * document the trail captures from its body. Unimplemented requests route to {@link #NOT_IMPLEMENTED}.
 */
public enum Operation {
    // Columns: CloudTrail eventName, scope, read-only, CloudTrail event category, access log operation, IAM action,
    // [IAM action with ?versionId], [document the trail captures].
    LIST_BUCKETS("ListBuckets", SERVICE, READ, MANAGEMENT, "REST.GET.SERVICE", "s3:ListAllMyBuckets"),
    CREATE_BUCKET("CreateBucket", BUCKET, WRITE, MANAGEMENT, "REST.PUT.BUCKET", "s3:CreateBucket"),
    HEAD_BUCKET("HeadBucket", BUCKET, READ, MANAGEMENT, "REST.HEAD.BUCKET", "s3:ListBucket"),
    DELETE_BUCKET("DeleteBucket", BUCKET, WRITE, MANAGEMENT, "REST.DELETE.BUCKET", "s3:DeleteBucket"),
    GET_BUCKET_LOCATION("GetBucketLocation", BUCKET, READ, MANAGEMENT, "REST.GET.LOCATION", "s3:GetBucketLocation"),
    GET_BUCKET_VERSIONING(
            "GetBucketVersioning", BUCKET, READ, MANAGEMENT, "REST.GET.VERSIONING", "s3:GetBucketVersioning"),
    PUT_BUCKET_VERSIONING(
            "PutBucketVersioning",
            BUCKET,
            WRITE,
            MANAGEMENT,
            "REST.PUT.VERSIONING",
            "s3:PutBucketVersioning",
            TrailDocument.VERSIONING),
    LIST_OBJECT_VERSIONS("ListObjectVersions", BUCKET, READ, DATA, "REST.GET.BUCKETVERSIONS", "s3:ListBucketVersions"),
    GET_OBJECT_LOCK_CONFIGURATION(
            "GetObjectLockConfiguration",
            BUCKET,
            READ,
            MANAGEMENT,
            "REST.GET.OBJECT_LOCK_CONFIGURATION",
            "s3:GetBucketObjectLockConfiguration"),
    PUT_OBJECT_LOCK_CONFIGURATION(
            "PutObjectLockConfiguration",
            BUCKET,
            WRITE,
            MANAGEMENT,
            "REST.PUT.OBJECT_LOCK_CONFIGURATION",
            "s3:PutBucketObjectLockConfiguration",
            TrailDocument.OBJECT_LOCK),
    GET_OBJECT_RETENTION("GetObjectRetention", OBJECT, READ, DATA, "REST.GET.RETENTION", "s3:GetObjectRetention"),
    PUT_OBJECT_RETENTION("PutObjectRetention", OBJECT, WRITE, DATA, "REST.PUT.RETENTION", "s3:PutObjectRetention"),
    GET_OBJECT_LEGAL_HOLD("GetObjectLegalHold", OBJECT, READ, DATA, "REST.GET.LEGAL_HOLD", "s3:GetObjectLegalHold"),
    PUT_OBJECT_LEGAL_HOLD("PutObjectLegalHold", OBJECT, WRITE, DATA, "REST.PUT.LEGAL_HOLD", "s3:PutObjectLegalHold"),
    GET_BUCKET_ACL("GetBucketAcl", BUCKET, READ, MANAGEMENT, "REST.GET.ACL", "s3:GetBucketAcl"),
    GET_BUCKET_ENCRYPTION(
            "GetBucketEncryption", BUCKET, READ, MANAGEMENT, "REST.GET.ENCRYPTION", "s3:GetEncryptionConfiguration"),
    PUT_BUCKET_ENCRYPTION(
            "PutBucketEncryption",
            BUCKET,
            WRITE,
            MANAGEMENT,
            "REST.PUT.ENCRYPTION",
            "s3:PutEncryptionConfiguration",
            TrailDocument.ENCRYPTION),
    DELETE_BUCKET_ENCRYPTION(
            "DeleteBucketEncryption",
            BUCKET,
            WRITE,
            MANAGEMENT,
            "REST.DELETE.ENCRYPTION",
            "s3:PutEncryptionConfiguration"),
    // CloudTrail's eventNames for the lifecycle API (PutBucketLifecycleConfiguration is logged as PutBucketLifecycle).
    GET_BUCKET_LIFECYCLE_CONFIGURATION(
            "GetBucketLifecycle", BUCKET, READ, MANAGEMENT, "REST.GET.LIFECYCLE", "s3:GetLifecycleConfiguration"),
    PUT_BUCKET_LIFECYCLE_CONFIGURATION(
            "PutBucketLifecycle",
            BUCKET,
            WRITE,
            MANAGEMENT,
            "REST.PUT.LIFECYCLE",
            "s3:PutLifecycleConfiguration",
            TrailDocument.LIFECYCLE),
    DELETE_BUCKET_LIFECYCLE(
            "DeleteBucketLifecycle",
            BUCKET,
            WRITE,
            MANAGEMENT,
            "REST.DELETE.LIFECYCLE",
            "s3:PutLifecycleConfiguration"),
    LIST_OBJECTS("ListObjects", BUCKET, READ, DATA, "REST.GET.BUCKET", "s3:ListBucket"),
    LIST_OBJECTS_V2("ListObjectsV2", BUCKET, READ, DATA, "REST.GET.BUCKET", "s3:ListBucket"),
    LIST_MULTIPART_UPLOADS(
            "ListMultipartUploads", BUCKET, READ, DATA, "REST.GET.UPLOADS", "s3:ListBucketMultipartUploads"),
    // Authorised key by key, with DeleteObject's actions (S3Actions.deleteKey).
    DELETE_OBJECTS(
            "DeleteObjects",
            BUCKET,
            WRITE,
            DATA,
            "REST.POST.MULTI_OBJECT_DELETE",
            "s3:DeleteObject",
            "s3:DeleteObjectVersion"),
    PUT_OBJECT("PutObject", OBJECT, WRITE, DATA, "REST.PUT.OBJECT", "s3:PutObject"),
    COPY_OBJECT("CopyObject", OBJECT, WRITE, DATA, "REST.COPY.OBJECT", "s3:PutObject"),
    GET_OBJECT("GetObject", OBJECT, READ, DATA, "REST.GET.OBJECT", "s3:GetObject", "s3:GetObjectVersion"),
    HEAD_OBJECT("HeadObject", OBJECT, READ, DATA, "REST.HEAD.OBJECT", "s3:GetObject", "s3:GetObjectVersion"),
    DELETE_OBJECT(
            "DeleteObject", OBJECT, WRITE, DATA, "REST.DELETE.OBJECT", "s3:DeleteObject", "s3:DeleteObjectVersion"),
    GET_OBJECT_ACL("GetObjectAcl", OBJECT, READ, DATA, "REST.GET.ACL", "s3:GetObjectAcl", "s3:GetObjectVersionAcl"),
    GET_OBJECT_TAGGING(
            "GetObjectTagging",
            OBJECT,
            READ,
            DATA,
            "REST.GET.OBJECT_TAGGING",
            "s3:GetObjectTagging",
            "s3:GetObjectVersionTagging"),
    PUT_OBJECT_TAGGING(
            "PutObjectTagging",
            OBJECT,
            WRITE,
            DATA,
            "REST.PUT.OBJECT_TAGGING",
            "s3:PutObjectTagging",
            "s3:PutObjectVersionTagging"),
    DELETE_OBJECT_TAGGING(
            "DeleteObjectTagging",
            OBJECT,
            WRITE,
            DATA,
            "REST.DELETE.OBJECT_TAGGING",
            "s3:DeleteObjectTagging",
            "s3:DeleteObjectVersionTagging"),
    CREATE_MULTIPART_UPLOAD("CreateMultipartUpload", OBJECT, WRITE, DATA, "REST.POST.UPLOADS", "s3:PutObject"),
    UPLOAD_PART("UploadPart", OBJECT, WRITE, DATA, "REST.PUT.PART", "s3:PutObject"),
    UPLOAD_PART_COPY("UploadPartCopy", OBJECT, WRITE, DATA, "REST.COPY.PART", "s3:PutObject"),
    COMPLETE_MULTIPART_UPLOAD("CompleteMultipartUpload", OBJECT, WRITE, DATA, "REST.POST.UPLOAD", "s3:PutObject"),
    ABORT_MULTIPART_UPLOAD(
            "AbortMultipartUpload", OBJECT, WRITE, DATA, "REST.DELETE.UPLOAD", "s3:AbortMultipartUpload"),
    LIST_PARTS("ListParts", OBJECT, READ, DATA, "REST.GET.UPLOAD", "s3:ListMultipartUploadParts"),
    GET_BUCKET_POLICY("GetBucketPolicy", BUCKET, READ, MANAGEMENT, "REST.GET.BUCKETPOLICY", "s3:GetBucketPolicy"),
    PUT_BUCKET_POLICY(
            "PutBucketPolicy",
            BUCKET,
            WRITE,
            MANAGEMENT,
            "REST.PUT.BUCKETPOLICY",
            "s3:PutBucketPolicy",
            TrailDocument.BUCKET_POLICY),
    DELETE_BUCKET_POLICY(
            "DeleteBucketPolicy", BUCKET, WRITE, MANAGEMENT, "REST.DELETE.BUCKETPOLICY", "s3:DeleteBucketPolicy"),
    GET_BUCKET_POLICY_STATUS(
            "GetBucketPolicyStatus", BUCKET, READ, MANAGEMENT, "REST.GET.POLICY_STATUS", "s3:GetBucketPolicyStatus"),
    // CloudTrail's eventNames for the bucket-level public access block API (PutPublicAccessBlock is logged as
    // PutBucketPublicAccessBlock; the account-level one keeps the short name).
    GET_PUBLIC_ACCESS_BLOCK(
            "GetBucketPublicAccessBlock",
            BUCKET,
            READ,
            MANAGEMENT,
            "REST.GET.PUBLIC_ACCESS_BLOCK",
            "s3:GetBucketPublicAccessBlock"),
    PUT_PUBLIC_ACCESS_BLOCK(
            "PutBucketPublicAccessBlock",
            BUCKET,
            WRITE,
            MANAGEMENT,
            "REST.PUT.PUBLIC_ACCESS_BLOCK",
            "s3:PutBucketPublicAccessBlock",
            TrailDocument.PUBLIC_ACCESS_BLOCK),
    DELETE_PUBLIC_ACCESS_BLOCK(
            "DeleteBucketPublicAccessBlock",
            BUCKET,
            WRITE,
            MANAGEMENT,
            "REST.DELETE.PUBLIC_ACCESS_BLOCK",
            "s3:PutBucketPublicAccessBlock"),
    GET_BUCKET_LOGGING("GetBucketLogging", BUCKET, READ, MANAGEMENT, "REST.GET.LOGGING_STATUS", "s3:GetBucketLogging"),
    PUT_BUCKET_LOGGING(
            "PutBucketLogging",
            BUCKET,
            WRITE,
            MANAGEMENT,
            "REST.PUT.LOGGING_STATUS",
            "s3:PutBucketLogging",
            TrailDocument.LOGGING),
    GET_BUCKET_NOTIFICATION_CONFIGURATION(
            "GetBucketNotification", BUCKET, READ, MANAGEMENT, "REST.GET.NOTIFICATION", "s3:GetBucketNotification"),
    PUT_BUCKET_NOTIFICATION_CONFIGURATION(
            "PutBucketNotification", BUCKET, WRITE, MANAGEMENT, "REST.PUT.NOTIFICATION", "s3:PutBucketNotification"),
    // DeleteBucketReplication is authorised by s3:PutReplicationConfiguration, as on AWS.
    GET_BUCKET_REPLICATION(
            "GetBucketReplication", BUCKET, READ, MANAGEMENT, "REST.GET.REPLICATION", "s3:GetReplicationConfiguration"),
    PUT_BUCKET_REPLICATION(
            "PutBucketReplication",
            BUCKET,
            WRITE,
            MANAGEMENT,
            "REST.PUT.REPLICATION",
            "s3:PutReplicationConfiguration"),
    DELETE_BUCKET_REPLICATION(
            "DeleteBucketReplication",
            BUCKET,
            WRITE,
            MANAGEMENT,
            "REST.DELETE.REPLICATION",
            "s3:PutReplicationConfiguration"),
    // DeleteBucketCors is authorised by s3:PutBucketCORS, DeleteBucketTagging by s3:PutBucketTagging, as on AWS.
    PUT_BUCKET_WEBSITE(
            "PutBucketWebsite",
            BUCKET,
            WRITE,
            MANAGEMENT,
            "REST.PUT.WEBSITE",
            "s3:PutBucketWebsite",
            TrailDocument.WEBSITE),
    PUT_BUCKET_CORS(
            "PutBucketCors", BUCKET, WRITE, MANAGEMENT, "REST.PUT.CORS", "s3:PutBucketCORS", TrailDocument.CORS),
    PUT_BUCKET_TAGGING(
            "PutBucketTagging",
            BUCKET,
            WRITE,
            MANAGEMENT,
            "REST.PUT.TAGGING",
            "s3:PutBucketTagging",
            TrailDocument.TAGGING),
    GET_BUCKET_WEBSITE("GetBucketWebsite", BUCKET, READ, MANAGEMENT, "REST.GET.WEBSITE", "s3:GetBucketWebsite"),
    DELETE_BUCKET_WEBSITE(
            "DeleteBucketWebsite", BUCKET, WRITE, MANAGEMENT, "REST.DELETE.WEBSITE", "s3:DeleteBucketWebsite"),
    GET_BUCKET_CORS("GetBucketCors", BUCKET, READ, MANAGEMENT, "REST.GET.CORS", "s3:GetBucketCORS"),
    DELETE_BUCKET_CORS("DeleteBucketCors", BUCKET, WRITE, MANAGEMENT, "REST.DELETE.CORS", "s3:PutBucketCORS"),
    GET_BUCKET_ACCELERATE_CONFIGURATION(
            "GetAccelerateConfiguration",
            BUCKET,
            READ,
            MANAGEMENT,
            "REST.GET.ACCELERATE",
            "s3:GetAccelerateConfiguration"),
    GET_BUCKET_REQUEST_PAYMENT(
            "GetBucketRequestPayment",
            BUCKET,
            READ,
            MANAGEMENT,
            "REST.GET.REQUEST_PAYMENT",
            "s3:GetBucketRequestPayment"),
    PUT_BUCKET_REQUEST_PAYMENT(
            "PutBucketRequestPayment",
            BUCKET,
            WRITE,
            MANAGEMENT,
            "REST.PUT.REQUEST_PAYMENT",
            "s3:PutBucketRequestPayment"),
    GET_BUCKET_OWNERSHIP_CONTROLS(
            "GetBucketOwnershipControls",
            BUCKET,
            READ,
            MANAGEMENT,
            "REST.GET.OWNERSHIP_CONTROLS",
            "s3:GetBucketOwnershipControls"),
    PUT_BUCKET_OWNERSHIP_CONTROLS(
            "PutBucketOwnershipControls",
            BUCKET,
            WRITE,
            MANAGEMENT,
            "REST.PUT.OWNERSHIP_CONTROLS",
            "s3:PutBucketOwnershipControls"),
    // DeleteBucketOwnershipControls is authorised by s3:PutBucketOwnershipControls, as on AWS.
    DELETE_BUCKET_OWNERSHIP_CONTROLS(
            "DeleteBucketOwnershipControls",
            BUCKET,
            WRITE,
            MANAGEMENT,
            "REST.DELETE.OWNERSHIP_CONTROLS",
            "s3:PutBucketOwnershipControls"),
    // A browser-based upload (multipart/form-data POST to the bucket): authorised as PutObject of the form's key.
    POST_OBJECT("PostObject", OBJECT, WRITE, DATA, "REST.POST.OBJECT", "s3:PutObject"),
    GET_BUCKET_TAGGING("GetBucketTagging", BUCKET, READ, MANAGEMENT, "REST.GET.TAGGING", "s3:GetBucketTagging"),
    DELETE_BUCKET_TAGGING(
            "DeleteBucketTagging", BUCKET, WRITE, MANAGEMENT, "REST.DELETE.TAGGING", "s3:PutBucketTagging"),
    PUT_BUCKET_ACL("PutBucketAcl", BUCKET, WRITE, MANAGEMENT, "REST.PUT.ACL", "s3:PutBucketAcl"),
    PUT_OBJECT_ACL("PutObjectAcl", OBJECT, WRITE, DATA, "REST.PUT.ACL", "s3:PutObjectAcl", "s3:PutObjectVersionAcl"),
    // GetObjectAttributes needs both the read and the attributes permission (AWS's required permissions).
    GET_OBJECT_ATTRIBUTES(
            "GetObjectAttributes",
            OBJECT,
            READ,
            DATA,
            "REST.GET.OBJECT_ATTRIBUTES",
            List.of("s3:GetObject", "s3:GetObjectAttributes"),
            List.of("s3:GetObjectVersion", "s3:GetObjectVersionAttributes"),
            null),
    /** Not an operation: what the router names a request it does not serve. Its facts depend on the request. */
    NOT_IMPLEMENTED("NotImplemented", null, null, null, null, List.of(), List.of(), null);

    /** What an operation acts on: the service (its resource is "*"), a bucket, or an object. */
    public enum Scope {
        SERVICE,
        BUCKET,
        OBJECT
    }

    /** Whether an operation only reads (CloudTrail's readOnly). */
    public enum Kind {
        READ,
        WRITE
    }

    /** CloudTrail's eventCategory: bucket configuration is management, listings and objects are data. */
    public enum Event {
        MANAGEMENT,
        DATA
    }

    /** A configuration document the trail shows in requestParameters under {@code name}, converted to JSON. */
    public enum TrailDocument {
        BUCKET_POLICY("bucketPolicy", true),
        LIFECYCLE("LifecycleConfiguration", false),
        VERSIONING("VersioningConfiguration", false),
        ENCRYPTION("ServerSideEncryptionConfiguration", false),
        OBJECT_LOCK("ObjectLockConfiguration", false),
        PUBLIC_ACCESS_BLOCK("PublicAccessBlockConfiguration", false),
        LOGGING("BucketLoggingStatus", false),
        CORS("CORSConfiguration", false),
        WEBSITE("WebsiteConfiguration", false),
        TAGGING("Tagging", false);

        private final String name;
        private final boolean json;

        TrailDocument(String name, boolean json) {
            this.name = name;
            this.json = json;
        }

        /** The requestParameters key CloudTrail uses for it. */
        public String parameterName() {
            return name;
        }

        /** True when the body is JSON (a bucket policy), false when it is S3 XML. */
        public boolean json() {
            return json;
        }
    }

    private final String eventName;
    private final Scope scope;
    private final Kind kind;
    private final Event event;
    private final String accessLogName;

    @SuppressWarnings("ImmutableEnumChecker") // List.of / List.copyOf: unmodifiable
    private final List<String> actions;

    @SuppressWarnings("ImmutableEnumChecker") // List.of / List.copyOf: unmodifiable
    private final List<String> versionActions;

    private final TrailDocument trailDocument;

    Operation(String eventName, Scope scope, Kind kind, Event event, String accessLogName, String action) {
        this(eventName, scope, kind, event, accessLogName, List.of(action), List.of(action), null);
    }

    Operation(
            String eventName,
            Scope scope,
            Kind kind,
            Event event,
            String accessLogName,
            String action,
            String versionAction) {
        this(eventName, scope, kind, event, accessLogName, List.of(action), List.of(versionAction), null);
    }

    Operation(
            String eventName,
            Scope scope,
            Kind kind,
            Event event,
            String accessLogName,
            String action,
            TrailDocument trailDocument) {
        this(eventName, scope, kind, event, accessLogName, List.of(action), List.of(action), trailDocument);
    }

    Operation(
            String eventName,
            Scope scope,
            Kind kind,
            Event event,
            String accessLogName,
            List<String> actions,
            List<String> versionActions,
            TrailDocument trailDocument) {
        this.eventName = eventName;
        this.scope = scope;
        this.kind = kind;
        this.event = event;
        this.accessLogName = accessLogName;
        this.actions = actions;
        this.versionActions = versionActions;
        this.trailDocument = trailDocument;
    }

    /** The name CloudTrail records (eventName); also the name the recovery window keeps with what it removed. */
    public String awsName() {
        return eventName;
    }

    /** Service, bucket or object: which ARN its IAM actions name. Null for {@link #NOT_IMPLEMENTED}. */
    public Scope scope() {
        return scope;
    }

    /**
     * CloudTrail's readOnly. {@link #NOT_IMPLEMENTED} has none of its own: a GET or HEAD request reads.
     */
    public boolean readOnly(String method) {
        return kind != null ? kind == Kind.READ : "GET".equals(method) || "HEAD".equals(method);
    }

    /**
     * CloudTrail's managementEvent. {@link #NOT_IMPLEMENTED} has none of its own: a request on the service or on a
     * bucket (no key) is management, on an object data.
     */
    public boolean managementEvent(boolean hasBucket, boolean hasKey) {
        return event != null ? event == Event.MANAGEMENT : !hasBucket || !hasKey;
    }

    /**
     * The server access log's operation (REST.PUT.OBJECT, REST.COPY.OBJECT, ...). {@link #NOT_IMPLEMENTED} logs as
     * REST.&lt;method&gt;.UNKNOWN.
     */
    public String accessLogName(String method) {
        return accessLogName != null ? accessLogName : "REST." + method.toUpperCase(Locale.ROOT) + ".UNKNOWN";
    }

    /** The IAM action(s) the operation always needs (a request's headers may add more: {@link S3Actions#of}). */
    public List<String> actions() {
        return actions;
    }

    /** The IAM action(s) when the request names a version ({@code ?versionId}). */
    public List<String> versionActions() {
        return versionActions;
    }

    /** The configuration document the trail captures from the request body, if any. */
    public Optional<TrailDocument> trailDocument() {
        return Optional.ofNullable(trailDocument);
    }
}

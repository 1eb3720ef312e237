package io.rampart.s3;

/** Every S3 operation the router can name, in AWS's names. Unimplemented ones route to {@link #NOT_IMPLEMENTED}. */
public enum Operation {
    LIST_BUCKETS("ListBuckets"),
    CREATE_BUCKET("CreateBucket"),
    HEAD_BUCKET("HeadBucket"),
    DELETE_BUCKET("DeleteBucket"),
    GET_BUCKET_LOCATION("GetBucketLocation"),
    GET_BUCKET_VERSIONING("GetBucketVersioning"),
    PUT_BUCKET_VERSIONING("PutBucketVersioning"),
    LIST_OBJECT_VERSIONS("ListObjectVersions"),
    GET_OBJECT_LOCK_CONFIGURATION("GetObjectLockConfiguration"),
    PUT_OBJECT_LOCK_CONFIGURATION("PutObjectLockConfiguration"),
    GET_OBJECT_RETENTION("GetObjectRetention"),
    PUT_OBJECT_RETENTION("PutObjectRetention"),
    GET_OBJECT_LEGAL_HOLD("GetObjectLegalHold"),
    PUT_OBJECT_LEGAL_HOLD("PutObjectLegalHold"),
    GET_BUCKET_ACL("GetBucketAcl"),
    GET_BUCKET_ENCRYPTION("GetBucketEncryption"),
    PUT_BUCKET_ENCRYPTION("PutBucketEncryption"),
    DELETE_BUCKET_ENCRYPTION("DeleteBucketEncryption"),
    // CloudTrail's eventNames for the lifecycle API (PutBucketLifecycleConfiguration is logged as PutBucketLifecycle).
    GET_BUCKET_LIFECYCLE_CONFIGURATION("GetBucketLifecycle"),
    PUT_BUCKET_LIFECYCLE_CONFIGURATION("PutBucketLifecycle"),
    DELETE_BUCKET_LIFECYCLE("DeleteBucketLifecycle"),
    LIST_OBJECTS("ListObjects"),
    LIST_OBJECTS_V2("ListObjectsV2"),
    LIST_MULTIPART_UPLOADS("ListMultipartUploads"),
    DELETE_OBJECTS("DeleteObjects"),
    PUT_OBJECT("PutObject"),
    COPY_OBJECT("CopyObject"),
    GET_OBJECT("GetObject"),
    HEAD_OBJECT("HeadObject"),
    DELETE_OBJECT("DeleteObject"),
    GET_OBJECT_ACL("GetObjectAcl"),
    GET_OBJECT_TAGGING("GetObjectTagging"),
    PUT_OBJECT_TAGGING("PutObjectTagging"),
    DELETE_OBJECT_TAGGING("DeleteObjectTagging"),
    CREATE_MULTIPART_UPLOAD("CreateMultipartUpload"),
    UPLOAD_PART("UploadPart"),
    UPLOAD_PART_COPY("UploadPartCopy"),
    COMPLETE_MULTIPART_UPLOAD("CompleteMultipartUpload"),
    ABORT_MULTIPART_UPLOAD("AbortMultipartUpload"),
    LIST_PARTS("ListParts"),
    GET_BUCKET_POLICY("GetBucketPolicy"),
    PUT_BUCKET_POLICY("PutBucketPolicy"),
    DELETE_BUCKET_POLICY("DeleteBucketPolicy"),
    GET_BUCKET_POLICY_STATUS("GetBucketPolicyStatus"),
    // CloudTrail's eventNames for the bucket-level public access block API (PutPublicAccessBlock is logged as
    // PutBucketPublicAccessBlock; the account-level one keeps the short name).
    GET_PUBLIC_ACCESS_BLOCK("GetBucketPublicAccessBlock"),
    PUT_PUBLIC_ACCESS_BLOCK("PutBucketPublicAccessBlock"),
    DELETE_PUBLIC_ACCESS_BLOCK("DeleteBucketPublicAccessBlock"),
    GET_BUCKET_LOGGING("GetBucketLogging"),
    PUT_BUCKET_LOGGING("PutBucketLogging"),
    GET_BUCKET_NOTIFICATION_CONFIGURATION("GetBucketNotification"),
    PUT_BUCKET_NOTIFICATION_CONFIGURATION("PutBucketNotification"),
    GET_BUCKET_REPLICATION("GetBucketReplication"),
    PUT_BUCKET_REPLICATION("PutBucketReplication"),
    DELETE_BUCKET_REPLICATION("DeleteBucketReplication"),
    // Sub-resources Rampart does not configure, answered as AWS answers a bucket that never had them.
    GET_BUCKET_WEBSITE("GetBucketWebsite"),
    DELETE_BUCKET_WEBSITE("DeleteBucketWebsite"),
    GET_BUCKET_CORS("GetBucketCors"),
    DELETE_BUCKET_CORS("DeleteBucketCors"),
    GET_BUCKET_ACCELERATE_CONFIGURATION("GetAccelerateConfiguration"),
    GET_BUCKET_REQUEST_PAYMENT("GetBucketRequestPayment"),
    PUT_BUCKET_REQUEST_PAYMENT("PutBucketRequestPayment"),
    GET_BUCKET_OWNERSHIP_CONTROLS("GetBucketOwnershipControls"),
    GET_BUCKET_TAGGING("GetBucketTagging"),
    DELETE_BUCKET_TAGGING("DeleteBucketTagging"),
    PUT_BUCKET_ACL("PutBucketAcl"),
    PUT_OBJECT_ACL("PutObjectAcl"),
    GET_OBJECT_ATTRIBUTES("GetObjectAttributes"),
    NOT_IMPLEMENTED("NotImplemented");

    private final String awsName;

    Operation(String awsName) {
        this.awsName = awsName;
    }

    /** The name CloudTrail and IAM use (eventName, s3:... action stem). */
    public String awsName() {
        return awsName;
    }
}

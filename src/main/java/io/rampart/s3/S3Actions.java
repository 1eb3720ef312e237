package io.rampart.s3;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What each S3 operation asks the policy engine: its IAM action(s) on resource ARN(s), and the S3 condition keys the
 * request carries, as AWS's "Actions, resources, and condition keys for Amazon S3" and "Required permissions for
 * Amazon S3 API operations" define them. Pure: no stores, no clock.
 */
public final class S3Actions {
    private S3Actions() { }

    /** One permission a request needs: {@code action} on {@code resource}, which lives in {@code bucket} (null: none). */
    public record Access(String action, String bucket, String resource) { }

    public static String bucketArn(String bucket) {
        return "arn:aws:s3:::" + bucket;
    }

    public static String objectArn(String bucket, String key) {
        return "arn:aws:s3:::" + bucket + "/" + key;
    }

    /**
     * The permissions {@code op} needs before it runs. Empty for {@link Operation#DELETE_OBJECTS} (checked per key, see
     * {@link #deleteKey}) and {@link Operation#NOT_IMPLEMENTED}. CopyObject and UploadPartCopy also name the copy
     * source (s3:GetObject in the source bucket) when the x-amz-copy-source header parses.
     */
    public static List<Access> of(Operation op, String bucket, String key, Map<String, String> query,
                                  Map<String, List<String>> headers) {
        boolean version = query.containsKey("versionId");
        String b = bucketArn(bucket == null ? "" : bucket);
        String o = key == null ? null : objectArn(bucket, key);
        return switch (op) {
            case LIST_BUCKETS -> List.of(new Access("s3:ListAllMyBuckets", null, "*"));
            case CREATE_BUCKET -> {
                // Object Lock at creation also configures versioning and the lock (AWS's required permissions).
                if (header(headers, "x-amz-bucket-object-lock-enabled").map("true"::equalsIgnoreCase).orElse(false)) {
                    yield List.of(new Access("s3:CreateBucket", bucket, b),
                            new Access("s3:PutBucketObjectLockConfiguration", bucket, b),
                            new Access("s3:PutBucketVersioning", bucket, b));
                }
                yield List.of(new Access("s3:CreateBucket", bucket, b));
            }
            case HEAD_BUCKET, LIST_OBJECTS, LIST_OBJECTS_V2 -> List.of(new Access("s3:ListBucket", bucket, b));
            case DELETE_BUCKET -> List.of(new Access("s3:DeleteBucket", bucket, b));
            case GET_BUCKET_LOCATION -> List.of(new Access("s3:GetBucketLocation", bucket, b));
            case GET_BUCKET_VERSIONING -> List.of(new Access("s3:GetBucketVersioning", bucket, b));
            case PUT_BUCKET_VERSIONING -> List.of(new Access("s3:PutBucketVersioning", bucket, b));
            case LIST_OBJECT_VERSIONS -> List.of(new Access("s3:ListBucketVersions", bucket, b));
            case GET_OBJECT_LOCK_CONFIGURATION -> List.of(new Access("s3:GetBucketObjectLockConfiguration", bucket, b));
            case PUT_OBJECT_LOCK_CONFIGURATION -> List.of(new Access("s3:PutBucketObjectLockConfiguration", bucket, b));
            case GET_BUCKET_ACL -> List.of(new Access("s3:GetBucketAcl", bucket, b));
            case GET_BUCKET_ENCRYPTION -> List.of(new Access("s3:GetEncryptionConfiguration", bucket, b));
            case PUT_BUCKET_ENCRYPTION, DELETE_BUCKET_ENCRYPTION -> List.of(new Access("s3:PutEncryptionConfiguration", bucket, b));
            case GET_BUCKET_LIFECYCLE_CONFIGURATION -> List.of(new Access("s3:GetLifecycleConfiguration", bucket, b));
            case PUT_BUCKET_LIFECYCLE_CONFIGURATION, DELETE_BUCKET_LIFECYCLE ->
                    List.of(new Access("s3:PutLifecycleConfiguration", bucket, b));
            case LIST_MULTIPART_UPLOADS -> List.of(new Access("s3:ListBucketMultipartUploads", bucket, b));
            case GET_BUCKET_POLICY -> List.of(new Access("s3:GetBucketPolicy", bucket, b));
            case PUT_BUCKET_POLICY -> List.of(new Access("s3:PutBucketPolicy", bucket, b));
            case DELETE_BUCKET_POLICY -> List.of(new Access("s3:DeleteBucketPolicy", bucket, b));
            case GET_BUCKET_POLICY_STATUS -> List.of(new Access("s3:GetBucketPolicyStatus", bucket, b));
            case GET_PUBLIC_ACCESS_BLOCK -> List.of(new Access("s3:GetBucketPublicAccessBlock", bucket, b));
            case PUT_PUBLIC_ACCESS_BLOCK, DELETE_PUBLIC_ACCESS_BLOCK ->
                    List.of(new Access("s3:PutBucketPublicAccessBlock", bucket, b));
            case GET_BUCKET_LOGGING -> List.of(new Access("s3:GetBucketLogging", bucket, b));
            case PUT_BUCKET_LOGGING -> List.of(new Access("s3:PutBucketLogging", bucket, b));
            case GET_BUCKET_NOTIFICATION_CONFIGURATION -> List.of(new Access("s3:GetBucketNotification", bucket, b));
            case PUT_BUCKET_NOTIFICATION_CONFIGURATION -> List.of(new Access("s3:PutBucketNotification", bucket, b));
            // DeleteBucketReplication is authorised by s3:PutReplicationConfiguration, as on AWS.
            case GET_BUCKET_REPLICATION -> List.of(new Access("s3:GetReplicationConfiguration", bucket, b));
            case PUT_BUCKET_REPLICATION, DELETE_BUCKET_REPLICATION ->
                    List.of(new Access("s3:PutReplicationConfiguration", bucket, b));
            case GET_BUCKET_WEBSITE -> List.of(new Access("s3:GetBucketWebsite", bucket, b));
            case DELETE_BUCKET_WEBSITE -> List.of(new Access("s3:DeleteBucketWebsite", bucket, b));
            // DeleteBucketCors is authorised by s3:PutBucketCORS, DeleteBucketTagging by s3:PutBucketTagging, as on AWS.
            case GET_BUCKET_CORS -> List.of(new Access("s3:GetBucketCORS", bucket, b));
            case DELETE_BUCKET_CORS -> List.of(new Access("s3:PutBucketCORS", bucket, b));
            case GET_BUCKET_ACCELERATE_CONFIGURATION -> List.of(new Access("s3:GetAccelerateConfiguration", bucket, b));
            case GET_BUCKET_REQUEST_PAYMENT -> List.of(new Access("s3:GetBucketRequestPayment", bucket, b));
            case PUT_BUCKET_REQUEST_PAYMENT -> List.of(new Access("s3:PutBucketRequestPayment", bucket, b));
            case GET_BUCKET_OWNERSHIP_CONTROLS -> List.of(new Access("s3:GetBucketOwnershipControls", bucket, b));
            case GET_BUCKET_TAGGING -> List.of(new Access("s3:GetBucketTagging", bucket, b));
            case DELETE_BUCKET_TAGGING -> List.of(new Access("s3:PutBucketTagging", bucket, b));
            case PUT_BUCKET_ACL -> List.of(new Access("s3:PutBucketAcl", bucket, b));
            // GetObjectAttributes needs both the read and the attributes permission (AWS's required permissions).
            case GET_OBJECT_ATTRIBUTES -> version
                    ? List.of(new Access("s3:GetObjectVersion", bucket, o), new Access("s3:GetObjectVersionAttributes", bucket, o))
                    : List.of(new Access("s3:GetObject", bucket, o), new Access("s3:GetObjectAttributes", bucket, o));
            case PUT_OBJECT_ACL -> List.of(new Access(version ? "s3:PutObjectVersionAcl" : "s3:PutObjectAcl", bucket, o));
            case GET_OBJECT_RETENTION -> List.of(new Access("s3:GetObjectRetention", bucket, o));
            case PUT_OBJECT_RETENTION -> bypass(headers)
                    ? List.of(new Access("s3:PutObjectRetention", bucket, o), new Access("s3:BypassGovernanceRetention", bucket, o))
                    : List.of(new Access("s3:PutObjectRetention", bucket, o));
            case GET_OBJECT_LEGAL_HOLD -> List.of(new Access("s3:GetObjectLegalHold", bucket, o));
            case PUT_OBJECT_LEGAL_HOLD -> List.of(new Access("s3:PutObjectLegalHold", bucket, o));
            case GET_OBJECT, HEAD_OBJECT ->
                    List.of(new Access(version ? "s3:GetObjectVersion" : "s3:GetObject", bucket, o));
            case GET_OBJECT_ACL -> List.of(new Access(version ? "s3:GetObjectVersionAcl" : "s3:GetObjectAcl", bucket, o));
            case GET_OBJECT_TAGGING ->
                    List.of(new Access(version ? "s3:GetObjectVersionTagging" : "s3:GetObjectTagging", bucket, o));
            case PUT_OBJECT_TAGGING ->
                    List.of(new Access(version ? "s3:PutObjectVersionTagging" : "s3:PutObjectTagging", bucket, o));
            case DELETE_OBJECT_TAGGING ->
                    List.of(new Access(version ? "s3:DeleteObjectVersionTagging" : "s3:DeleteObjectTagging", bucket, o));
            case DELETE_OBJECT -> deleteKey(bucket, key, version ? query.get("versionId") : null, bypass(headers));
            case PUT_OBJECT, CREATE_MULTIPART_UPLOAD -> {
                List<Access> out = new ArrayList<>(3);
                out.add(new Access("s3:PutObject", bucket, o));
                // Tags, retention and legal hold set with the write need their own permissions too.
                if (headers.containsKey("x-amz-tagging")) out.add(new Access("s3:PutObjectTagging", bucket, o));
                if (headers.containsKey("x-amz-object-lock-mode") || headers.containsKey("x-amz-object-lock-retain-until-date")) {
                    out.add(new Access("s3:PutObjectRetention", bucket, o));
                }
                if (headers.containsKey("x-amz-object-lock-legal-hold")) out.add(new Access("s3:PutObjectLegalHold", bucket, o));
                yield List.copyOf(out);
            }
            case UPLOAD_PART, COMPLETE_MULTIPART_UPLOAD -> List.of(new Access("s3:PutObject", bucket, o));
            case ABORT_MULTIPART_UPLOAD -> List.of(new Access("s3:AbortMultipartUpload", bucket, o));
            case LIST_PARTS -> List.of(new Access("s3:ListMultipartUploadParts", bucket, o));
            case COPY_OBJECT, UPLOAD_PART_COPY -> {
                List<Access> out = new ArrayList<>(3);
                copySource(headers).ifPresent(src -> out.add(new Access(
                        src.versionId() != null ? "s3:GetObjectVersion" : "s3:GetObject", src.bucket(),
                        objectArn(src.bucket(), src.key()))));
                out.add(new Access("s3:PutObject", bucket, o));
                if (op == Operation.COPY_OBJECT && headers.containsKey("x-amz-tagging")
                        && header(headers, "x-amz-tagging-directive").map("REPLACE"::equals).orElse(false)) {
                    out.add(new Access("s3:PutObjectTagging", bucket, o));
                }
                yield List.copyOf(out);
            }
            case DELETE_OBJECTS, NOT_IMPLEMENTED -> List.of();
        };
    }

    /** One key of DeleteObjects (or DeleteObject): s3:DeleteObject, or s3:DeleteObjectVersion for a version id. */
    public static List<Access> deleteKey(String bucket, String key, String versionId, boolean bypassGovernance) {
        String o = objectArn(bucket, key);
        Access delete = new Access(versionId != null ? "s3:DeleteObjectVersion" : "s3:DeleteObject", bucket, o);
        return bypassGovernance ? List.of(delete, new Access("s3:BypassGovernanceRetention", bucket, o)) : List.of(delete);
    }

    static boolean bypass(Map<String, List<String>> headers) {
        return header(headers, "x-amz-bypass-governance-retention").map(v -> v.trim().equalsIgnoreCase("true")).orElse(false);
    }

    /** The copy source, or empty when the header is absent or malformed (the operation reports that). */
    static Optional<CopyObject.Source> copySource(Map<String, List<String>> headers) {
        Optional<String> h = header(headers, "x-amz-copy-source");
        if (h.isEmpty()) return Optional.empty();
        try {
            return Optional.of(CopyObject.Source.parse(h.get()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The S3-specific condition keys of a request, from its headers and query (added to {@code out}). The
     * SSE-C algorithm key is present whenever the client sends the header, whatever the operation.
     */
    public static void conditionKeys(Operation op, Map<String, String> query, Map<String, List<String>> headers,
                                     Map<String, List<String>> out) {
        copyHeader(headers, "x-amz-server-side-encryption", out);
        copyHeader(headers, "x-amz-server-side-encryption-customer-algorithm", out);
        copyHeader(headers, "x-amz-server-side-encryption-aws-kms-key-id", out);
        copyHeader(headers, "x-amz-acl", out);
        copyHeader(headers, "x-amz-storage-class", out);
        copyHeader(headers, "x-amz-content-sha256", out);
        copyHeader(headers, "x-amz-metadata-directive", out);
        copyHeader(headers, "x-amz-object-lock-mode", "s3:object-lock-mode", out);
        copyHeader(headers, "x-amz-object-lock-retain-until-date", "s3:object-lock-retain-until-date", out);
        copyHeader(headers, "x-amz-object-lock-legal-hold", "s3:object-lock-legal-hold", out);
        if (op == Operation.COPY_OBJECT || op == Operation.UPLOAD_PART_COPY) {
            // AWS compares it as "bucket/key" (the form its documentation's examples use).
            copySource(headers).ifPresent(s -> out.put("s3:x-amz-copy-source", List.of(s.bucket() + "/" + s.key())));
        }
        String versionId = query.get("versionId");
        if (versionId != null) out.put("s3:versionid", List.of(versionId));
        switch (op) {
            case LIST_OBJECTS, LIST_OBJECTS_V2, LIST_OBJECT_VERSIONS -> {
                copyQuery(query, "prefix", out);
                copyQuery(query, "delimiter", out);
                copyQuery(query, "max-keys", out);
            }
            default -> { }
        }
        if (op == Operation.PUT_OBJECT || op == Operation.COPY_OBJECT || op == Operation.CREATE_MULTIPART_UPLOAD) {
            header(headers, "x-amz-tagging").ifPresent(t -> requestTags(t, out));
        }
    }

    /** s3:RequestObjectTag/&lt;key&gt; and s3:RequestObjectTagKeys from an x-amz-tagging query string (lenient). */
    static void requestTags(String tagging, Map<String, List<String>> out) {
        List<String> keys = new ArrayList<>();
        for (String pair : tagging.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.put("s3:RequestObjectTag/" + k, List.of(v));
                keys.add(k);
            } catch (IllegalArgumentException e) {
                // Malformed escapes: the operation rejects the tag set; no key for it here.
            }
        }
        if (!keys.isEmpty()) out.put("s3:RequestObjectTagKeys", List.copyOf(keys));
    }

    private static void copyHeader(Map<String, List<String>> headers, String name, Map<String, List<String>> out) {
        copyHeader(headers, name, "s3:" + name, out);
    }

    private static void copyHeader(Map<String, List<String>> headers, String name, String key, Map<String, List<String>> out) {
        List<String> v = headers.get(name);
        if (v != null && !v.isEmpty()) out.put(key, List.of(v.get(0).trim()));
    }

    private static void copyQuery(Map<String, String> query, String name, Map<String, List<String>> out) {
        String v = query.get(name);
        if (v != null) out.put("s3:" + name, List.of(v));
    }

    static Optional<String> header(Map<String, List<String>> headers, String lowerName) {
        List<String> v = headers.get(lowerName);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }
}

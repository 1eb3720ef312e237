package io.rampart.s3;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What each S3 operation asks the policy engine: its IAM action(s) on resource ARN(s), and the S3 condition keys the
 * request carries, as AWS's "Actions, resources, and condition keys for Amazon S3" and "Required permissions for
 * Amazon S3 API operations" define them. Pure: no stores, no clock.
 */
public final class S3Actions {
    private S3Actions() {}

    /** One permission a request needs: {@code action} on {@code resource}, which lives in {@code bucket} (null: none). */
    public record Access(String action, String bucket, String resource) {}

    public static String bucketArn(String bucket) {
        return "arn:aws:s3:::" + bucket;
    }

    public static String objectArn(String bucket, String key) {
        return "arn:aws:s3:::" + bucket + "/" + key;
    }

    /**
     * The permissions {@code op} needs before it runs: its own actions ({@link Operation#actions()}) on its bucket or
     * object, and those the request's headers add. Empty for {@link Operation#DELETE_OBJECTS} (checked per key, see
     * {@link #deleteKey}) and {@link Operation#NOT_IMPLEMENTED}. CopyObject and UploadPartCopy also name the copy
     * source (s3:GetObject in the source bucket) when the x-amz-copy-source header parses.
     */
    public static List<Access> of(
            Operation op, String bucket, String key, Map<String, String> query, Map<String, List<String>> headers) {
        boolean version = query.containsKey("versionId");
        if (op == Operation.DELETE_OBJECTS || op == Operation.NOT_IMPLEMENTED) return List.of();
        if (op == Operation.DELETE_OBJECT) {
            return deleteKey(bucket, key, version ? query.get("versionId") : null, bypass(headers));
        }
        String on = op.scope() == Operation.Scope.SERVICE ? null : bucket;
        String resource = switch (op.scope()) {
            case SERVICE -> "*";
            case BUCKET -> bucketArn(bucket == null ? "" : bucket);
            case OBJECT -> key == null ? null : objectArn(bucket, key);
        };
        List<Access> out = new ArrayList<>(3);
        if (op == Operation.COPY_OBJECT || op == Operation.UPLOAD_PART_COPY) {
            // The copy source comes first: s3:GetObject in the source bucket.
            copySource(headers)
                    .ifPresent(src -> out.add(new Access(
                            src.versionId() != null ? "s3:GetObjectVersion" : "s3:GetObject",
                            src.bucket(),
                            objectArn(src.bucket(), src.key()))));
        }
        for (String action : version ? op.versionActions() : op.actions()) out.add(new Access(action, on, resource));
        // What a request's headers add to the operation's own actions (AWS's required permissions).
        switch (op) {
            case CREATE_BUCKET -> {
                // Object Lock at creation also configures versioning and the lock.
                if (header(headers, "x-amz-bucket-object-lock-enabled")
                        .map("true"::equalsIgnoreCase)
                        .orElse(false)) {
                    out.add(new Access("s3:PutBucketObjectLockConfiguration", bucket, resource));
                    out.add(new Access("s3:PutBucketVersioning", bucket, resource));
                }
                if (headers.containsKey("x-amz-object-ownership")) {
                    out.add(new Access("s3:PutBucketOwnershipControls", bucket, resource));
                }
                if (hasAcl(headers)) out.add(new Access("s3:PutBucketAcl", bucket, resource));
            }
            case PUT_OBJECT_RETENTION -> {
                if (bypass(headers)) out.add(new Access("s3:BypassGovernanceRetention", bucket, resource));
            }
            case PUT_OBJECT, CREATE_MULTIPART_UPLOAD, POST_OBJECT -> {
                // Tags, retention, legal hold and an ACL set with the write need their own permissions too.
                if (hasAcl(headers)) out.add(new Access("s3:PutObjectAcl", bucket, resource));
                if (headers.containsKey("x-amz-tagging")) out.add(new Access("s3:PutObjectTagging", bucket, resource));
                if (headers.containsKey("x-amz-object-lock-mode")
                        || headers.containsKey("x-amz-object-lock-retain-until-date")) {
                    out.add(new Access("s3:PutObjectRetention", bucket, resource));
                }
                if (headers.containsKey("x-amz-object-lock-legal-hold")) {
                    out.add(new Access("s3:PutObjectLegalHold", bucket, resource));
                }
            }
            case COPY_OBJECT -> {
                if (hasAcl(headers)) out.add(new Access("s3:PutObjectAcl", bucket, resource));
                if (headers.containsKey("x-amz-tagging")
                        && header(headers, "x-amz-tagging-directive")
                                .map("REPLACE"::equals)
                                .orElse(false)) {
                    out.add(new Access("s3:PutObjectTagging", bucket, resource));
                }
            }
            default -> {}
        }
        return Collections.unmodifiableList(out);
    }

    /** One key of DeleteObjects (or DeleteObject): s3:DeleteObject, or s3:DeleteObjectVersion for a version id. */
    public static List<Access> deleteKey(String bucket, String key, String versionId, boolean bypassGovernance) {
        String o = objectArn(bucket, key);
        Operation op = Operation.DELETE_OBJECT;
        Access delete = new Access((versionId != null ? op.versionActions() : op.actions()).get(0), bucket, o);
        return bypassGovernance
                ? List.of(delete, new Access("s3:BypassGovernanceRetention", bucket, o))
                : List.of(delete);
    }

    /** Whether the request sets an ACL: a canned x-amz-acl or any x-amz-grant-* header. */
    static boolean hasAcl(Map<String, List<String>> headers) {
        if (headers.containsKey("x-amz-acl")) return true;
        for (String h : headers.keySet()) if (h.startsWith("x-amz-grant-")) return true;
        return false;
    }

    static boolean bypass(Map<String, List<String>> headers) {
        return header(headers, "x-amz-bypass-governance-retention")
                .map(v -> v.trim().equalsIgnoreCase("true"))
                .orElse(false);
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
    public static void conditionKeys(
            Operation op, Map<String, String> query, Map<String, List<String>> headers, Map<String, List<String>> out) {
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
            default -> {}
        }
        if (op == Operation.PUT_OBJECT
                || op == Operation.COPY_OBJECT
                || op == Operation.CREATE_MULTIPART_UPLOAD
                || op == Operation.POST_OBJECT) {
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
        List<String> v = headers.get(name);
        if (v != null && !v.isEmpty()) out.put("s3:" + name, List.of(v.get(0).trim()));
    }

    private static void copyHeader(
            Map<String, List<String>> headers, String name, String key, Map<String, List<String>> out) {
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

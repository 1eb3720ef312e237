package io.rampart.s3;

import java.util.Map;
import java.util.Set;

/** Turns method, bucket, key and sub-resources into one {@link Operation}, before anything else happens. */
public final class Router {
    private Router() {}

    /** Bucket sub-resources Rampart does not serve yet: answered 501 rather than mistaken for a listing. */
    private static final Set<String> BUCKET_SUBRESOURCES = Set.of(
            "accelerate",
            "analytics",
            "cors",
            "encryption",
            "intelligent-tiering",
            "inventory",
            "lifecycle",
            "logging",
            "metrics",
            "notification",
            "object-lock",
            "ownershipControls",
            "policy",
            "policyStatus",
            "publicAccessBlock",
            "replication",
            "requestPayment",
            "tagging",
            "website",
            "versions",
            "versioning",
            "acl",
            "location",
            "uploads",
            "delete",
            "metadataTable",
            "session");

    private static final Set<String> OBJECT_SUBRESOURCES = Set.of(
            "acl",
            "retention",
            "legal-hold",
            "torrent",
            "restore",
            "select",
            "attributes",
            "tagging",
            "uploadId",
            "uploads",
            "renameObject");

    public static Operation route(
            String method, String bucket, String key, Map<String, String> q, boolean hasCopySource) {
        if (bucket == null) {
            return "GET".equals(method) ? Operation.LIST_BUCKETS : Operation.NOT_IMPLEMENTED;
        }
        if (key == null) return bucketOperation(method, q);
        return objectOperation(method, q, hasCopySource);
    }

    private static Operation bucketOperation(String method, Map<String, String> q) {
        switch (method) {
            case "GET" -> {
                if (q.containsKey("location")) return Operation.GET_BUCKET_LOCATION;
                if (q.containsKey("versioning")) return Operation.GET_BUCKET_VERSIONING;
                if (q.containsKey("versions")) return Operation.LIST_OBJECT_VERSIONS;
                if (q.containsKey("object-lock")) return Operation.GET_OBJECT_LOCK_CONFIGURATION;
                if (q.containsKey("acl")) return Operation.GET_BUCKET_ACL;
                if (q.containsKey("encryption")) return Operation.GET_BUCKET_ENCRYPTION;
                if (q.containsKey("lifecycle")) return Operation.GET_BUCKET_LIFECYCLE_CONFIGURATION;
                if (q.containsKey("uploads")) return Operation.LIST_MULTIPART_UPLOADS;
                if (q.containsKey("policy")) return Operation.GET_BUCKET_POLICY;
                if (q.containsKey("policyStatus")) return Operation.GET_BUCKET_POLICY_STATUS;
                if (q.containsKey("publicAccessBlock")) return Operation.GET_PUBLIC_ACCESS_BLOCK;
                if (q.containsKey("logging")) return Operation.GET_BUCKET_LOGGING;
                if (q.containsKey("notification")) return Operation.GET_BUCKET_NOTIFICATION_CONFIGURATION;
                if (q.containsKey("replication")) return Operation.GET_BUCKET_REPLICATION;
                if (q.containsKey("website")) return Operation.GET_BUCKET_WEBSITE;
                if (q.containsKey("cors")) return Operation.GET_BUCKET_CORS;
                if (q.containsKey("accelerate")) return Operation.GET_BUCKET_ACCELERATE_CONFIGURATION;
                if (q.containsKey("requestPayment")) return Operation.GET_BUCKET_REQUEST_PAYMENT;
                if (q.containsKey("ownershipControls")) return Operation.GET_BUCKET_OWNERSHIP_CONTROLS;
                if (q.containsKey("tagging")) return Operation.GET_BUCKET_TAGGING;
                if (hasAny(q, BUCKET_SUBRESOURCES)) return Operation.NOT_IMPLEMENTED;
                return "2".equals(q.get("list-type")) ? Operation.LIST_OBJECTS_V2 : Operation.LIST_OBJECTS;
            }
            case "PUT" -> {
                if (q.containsKey("encryption")) return Operation.PUT_BUCKET_ENCRYPTION;
                if (q.containsKey("lifecycle")) return Operation.PUT_BUCKET_LIFECYCLE_CONFIGURATION;
                if (q.containsKey("versioning")) return Operation.PUT_BUCKET_VERSIONING;
                if (q.containsKey("object-lock")) return Operation.PUT_OBJECT_LOCK_CONFIGURATION;
                if (q.containsKey("policy")) return Operation.PUT_BUCKET_POLICY;
                if (q.containsKey("publicAccessBlock")) return Operation.PUT_PUBLIC_ACCESS_BLOCK;
                if (q.containsKey("logging")) return Operation.PUT_BUCKET_LOGGING;
                if (q.containsKey("notification")) return Operation.PUT_BUCKET_NOTIFICATION_CONFIGURATION;
                if (q.containsKey("replication")) return Operation.PUT_BUCKET_REPLICATION;
                if (q.containsKey("acl")) return Operation.PUT_BUCKET_ACL;
                if (q.containsKey("requestPayment")) return Operation.PUT_BUCKET_REQUEST_PAYMENT;
                if (q.containsKey("ownershipControls")) return Operation.PUT_BUCKET_OWNERSHIP_CONTROLS;
                if (q.containsKey("website")) return Operation.PUT_BUCKET_WEBSITE;
                if (q.containsKey("cors")) return Operation.PUT_BUCKET_CORS;
                if (q.containsKey("tagging")) return Operation.PUT_BUCKET_TAGGING;
                return hasAny(q, BUCKET_SUBRESOURCES) ? Operation.NOT_IMPLEMENTED : Operation.CREATE_BUCKET;
            }
            case "HEAD" -> {
                return Operation.HEAD_BUCKET;
            }
            case "DELETE" -> {
                if (q.containsKey("encryption")) return Operation.DELETE_BUCKET_ENCRYPTION;
                if (q.containsKey("lifecycle")) return Operation.DELETE_BUCKET_LIFECYCLE;
                if (q.containsKey("policy")) return Operation.DELETE_BUCKET_POLICY;
                if (q.containsKey("publicAccessBlock")) return Operation.DELETE_PUBLIC_ACCESS_BLOCK;
                if (q.containsKey("replication")) return Operation.DELETE_BUCKET_REPLICATION;
                if (q.containsKey("website")) return Operation.DELETE_BUCKET_WEBSITE;
                if (q.containsKey("cors")) return Operation.DELETE_BUCKET_CORS;
                if (q.containsKey("tagging")) return Operation.DELETE_BUCKET_TAGGING;
                if (q.containsKey("ownershipControls")) return Operation.DELETE_BUCKET_OWNERSHIP_CONTROLS;
                return hasAny(q, BUCKET_SUBRESOURCES) ? Operation.NOT_IMPLEMENTED : Operation.DELETE_BUCKET;
            }
            case "POST" -> {
                if (q.containsKey("delete")) return Operation.DELETE_OBJECTS;
                // A POST to the bucket itself is a browser-based upload (its form says whether it is one).
                return hasAny(q, BUCKET_SUBRESOURCES) ? Operation.NOT_IMPLEMENTED : Operation.POST_OBJECT;
            }
            default -> {
                return Operation.NOT_IMPLEMENTED;
            }
        }
    }

    private static Operation objectOperation(String method, Map<String, String> q, boolean hasCopySource) {
        switch (method) {
            case "PUT" -> {
                if (q.containsKey("uploadId") || q.containsKey("partNumber")) {
                    return hasCopySource ? Operation.UPLOAD_PART_COPY : Operation.UPLOAD_PART;
                }
                if (q.containsKey("tagging")) return Operation.PUT_OBJECT_TAGGING;
                if (q.containsKey("retention")) return Operation.PUT_OBJECT_RETENTION;
                if (q.containsKey("legal-hold")) return Operation.PUT_OBJECT_LEGAL_HOLD;
                if (q.containsKey("acl")) return Operation.PUT_OBJECT_ACL;
                if (hasAny(q, OBJECT_SUBRESOURCES)) return Operation.NOT_IMPLEMENTED;
                return hasCopySource ? Operation.COPY_OBJECT : Operation.PUT_OBJECT;
            }
            case "GET" -> {
                if (q.containsKey("uploadId")) return Operation.LIST_PARTS;
                if (q.containsKey("tagging")) return Operation.GET_OBJECT_TAGGING;
                if (q.containsKey("retention")) return Operation.GET_OBJECT_RETENTION;
                if (q.containsKey("legal-hold")) return Operation.GET_OBJECT_LEGAL_HOLD;
                if (q.containsKey("acl")) return Operation.GET_OBJECT_ACL;
                if (q.containsKey("attributes")) return Operation.GET_OBJECT_ATTRIBUTES;
                if (hasAny(q, OBJECT_SUBRESOURCES)) return Operation.NOT_IMPLEMENTED;
                return Operation.GET_OBJECT;
            }
            case "HEAD" -> {
                return hasAny(q, OBJECT_SUBRESOURCES) ? Operation.NOT_IMPLEMENTED : Operation.HEAD_OBJECT;
            }
            case "DELETE" -> {
                if (q.containsKey("uploadId")) return Operation.ABORT_MULTIPART_UPLOAD;
                if (q.containsKey("tagging")) return Operation.DELETE_OBJECT_TAGGING;
                if (hasAny(q, OBJECT_SUBRESOURCES)) return Operation.NOT_IMPLEMENTED;
                return Operation.DELETE_OBJECT;
            }
            case "POST" -> {
                if (q.containsKey("uploads")) return Operation.CREATE_MULTIPART_UPLOAD;
                if (q.containsKey("uploadId")) return Operation.COMPLETE_MULTIPART_UPLOAD;
                return Operation.NOT_IMPLEMENTED;
            }
            default -> {
                return Operation.NOT_IMPLEMENTED;
            }
        }
    }

    private static boolean hasAny(Map<String, String> q, Set<String> names) {
        for (String k : q.keySet()) if (names.contains(k)) return true;
        return false;
    }
}

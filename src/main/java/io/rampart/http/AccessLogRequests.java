package io.rampart.http;

import io.rampart.audit.AccessLog;
import io.rampart.audit.RequestFacts;
import io.rampart.audit.ServedRequest;
import io.rampart.s3.Operation;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Request;

/** Turns a served HTTP request and its audit facts into a server access log entry (operation names as AWS logs them). */
final class AccessLogRequests {
    /** Query values that are credentials: a presigned URL's signature and session token never reach a log. */
    private static final Pattern SECRET_QUERY = Pattern.compile("(?i)((?:^|&)(?:X-Amz-Signature|X-Amz-Security-Token)=)[^&]*");

    private final AccessLog log;

    AccessLogRequests(AccessLog log) {
        this.log = log;
    }

    void served(Trail.Draft draft, RequestFacts facts, long objectSize, Instant responseReady) {
        Request request = draft.request();
        Instant now = Instant.now();
        String rawQuery = request.getHttpURI().getQuery();
        String target = VerbatimPathConnectionFactory.rawPath(request)
                + (rawQuery == null ? "" : "?" + SECRET_QUERY.matcher(rawQuery).replaceAll("$1REDACTED"));
        String line = request.getMethod() + " " + target + " " + request.getConnectionMetaData().getProtocol();
        long total = Math.max(0, ChronoUnit.MILLIS.between(facts.time(), now));
        long turnAround = responseReady == null ? -1 : Math.max(0, ChronoUnit.MILLIS.between(facts.time(), responseReady));
        log.served(new ServedRequest(facts, operation(draft.op(), request.getMethod()), line,
                request.getHeaders().get("Referer"), objectSize, total, turnAround));
    }

    /** The object's size for a log line: the whole object's for reads (ranges too), the body's for uploads, else -1. */
    static long objectSize(Operation op, long requestLength, io.rampart.s3.S3Response r) {
        switch (op) {
            case GET_OBJECT, HEAD_OBJECT -> {
                String range = r.headers().get("Content-Range");
                if (range != null && range.lastIndexOf('/') > 0) {
                    try {
                        return Long.parseLong(range.substring(range.lastIndexOf('/') + 1).trim());
                    } catch (NumberFormatException e) {
                        return -1;
                    }
                }
                return r.length();
            }
            case PUT_OBJECT, UPLOAD_PART -> {
                return requestLength;
            }
            default -> {
                return -1;
            }
        }
    }

    /** REST.METHOD.RESOURCE, as in AWS's access logs (REST.PUT.OBJECT, REST.GET.BUCKET, REST.COPY.OBJECT...). */
    static String operation(Operation op, String method) {
        String resource = switch (op) {
            case PUT_OBJECT, GET_OBJECT, HEAD_OBJECT, DELETE_OBJECT -> "OBJECT";
            case COPY_OBJECT -> "OBJECT";
            case LIST_OBJECTS, LIST_OBJECTS_V2, HEAD_BUCKET, CREATE_BUCKET, DELETE_BUCKET -> "BUCKET";
            case LIST_OBJECT_VERSIONS -> "BUCKETVERSIONS";
            case GET_BUCKET_LOCATION -> "LOCATION";
            case GET_BUCKET_VERSIONING, PUT_BUCKET_VERSIONING -> "VERSIONING";
            case GET_OBJECT_LOCK_CONFIGURATION, PUT_OBJECT_LOCK_CONFIGURATION -> "OBJECT_LOCK_CONFIGURATION";
            case GET_OBJECT_RETENTION, PUT_OBJECT_RETENTION -> "RETENTION";
            case GET_OBJECT_LEGAL_HOLD, PUT_OBJECT_LEGAL_HOLD -> "LEGAL_HOLD";
            case GET_BUCKET_ACL, GET_OBJECT_ACL, PUT_BUCKET_ACL, PUT_OBJECT_ACL -> "ACL";
            case GET_BUCKET_WEBSITE, DELETE_BUCKET_WEBSITE -> "WEBSITE";
            case GET_BUCKET_CORS, DELETE_BUCKET_CORS -> "CORS";
            case GET_BUCKET_ACCELERATE_CONFIGURATION -> "ACCELERATE";
            case GET_BUCKET_REQUEST_PAYMENT, PUT_BUCKET_REQUEST_PAYMENT -> "REQUEST_PAYMENT";
            case GET_BUCKET_OWNERSHIP_CONTROLS -> "OWNERSHIP_CONTROLS";
            case GET_BUCKET_TAGGING, DELETE_BUCKET_TAGGING -> "TAGGING";
            case GET_OBJECT_ATTRIBUTES -> "OBJECT_ATTRIBUTES";
            case GET_BUCKET_ENCRYPTION, PUT_BUCKET_ENCRYPTION, DELETE_BUCKET_ENCRYPTION -> "ENCRYPTION";
            case GET_BUCKET_LIFECYCLE_CONFIGURATION, PUT_BUCKET_LIFECYCLE_CONFIGURATION, DELETE_BUCKET_LIFECYCLE -> "LIFECYCLE";
            case LIST_MULTIPART_UPLOADS, CREATE_MULTIPART_UPLOAD -> "UPLOADS";
            case DELETE_OBJECTS -> "MULTI_OBJECT_DELETE";
            case GET_OBJECT_TAGGING, PUT_OBJECT_TAGGING, DELETE_OBJECT_TAGGING -> "OBJECT_TAGGING";
            case UPLOAD_PART, UPLOAD_PART_COPY -> "PART";
            case COMPLETE_MULTIPART_UPLOAD, ABORT_MULTIPART_UPLOAD, LIST_PARTS -> "UPLOAD";
            case GET_BUCKET_POLICY, PUT_BUCKET_POLICY, DELETE_BUCKET_POLICY -> "BUCKETPOLICY";
            case GET_BUCKET_POLICY_STATUS -> "POLICY_STATUS";
            case GET_BUCKET_LOGGING, PUT_BUCKET_LOGGING -> "LOGGING_STATUS";
            case GET_BUCKET_NOTIFICATION_CONFIGURATION, PUT_BUCKET_NOTIFICATION_CONFIGURATION -> "NOTIFICATION";
            case LIST_BUCKETS -> "SERVICE";
            default -> "UNKNOWN";
        };
        String verb = op == Operation.COPY_OBJECT || op == Operation.UPLOAD_PART_COPY ? "COPY" : method.toUpperCase(Locale.ROOT);
        return "REST." + verb + "." + resource;
    }
}

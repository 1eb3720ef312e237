package io.rampart.http;

import io.rampart.audit.AccessLog;
import io.rampart.audit.RequestFacts;
import io.rampart.audit.ServedRequest;
import io.rampart.s3.Operation;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Request;

/** Turns a served HTTP request and its audit facts into a server access log entry (operation names as AWS logs them). */
final class AccessLogRequests {
    /** Query values that are credentials: a presigned URL's signature and session token never reach a log. */
    private static final Pattern SECRET_QUERY =
            Pattern.compile("(?i)((?:^|&)(?:X-Amz-Signature|X-Amz-Security-Token|Signature)=)[^&]*");

    private final AccessLog log;

    AccessLogRequests(AccessLog log) {
        this.log = log;
    }

    void served(Trail.Draft draft, RequestFacts facts, long objectSize, Instant responseReady) {
        // The line (a regex over the query) is built only when the bucket has logging enabled.
        log.served(facts, () -> entry(draft, facts, objectSize, responseReady));
    }

    private static ServedRequest entry(Trail.Draft draft, RequestFacts facts, long objectSize, Instant responseReady) {
        Request request = draft.request();
        Instant now = Instant.now();
        String rawQuery = request.getHttpURI().getQuery();
        String target = VerbatimPathConnectionFactory.rawPath(request)
                + (rawQuery == null ? "" : "?" + SECRET_QUERY.matcher(rawQuery).replaceAll("$1REDACTED"));
        String line = request.getMethod() + " " + target + " "
                + request.getConnectionMetaData().getProtocol();
        long total = Math.max(0, ChronoUnit.MILLIS.between(facts.time(), now));
        long turnAround =
                responseReady == null ? -1 : Math.max(0, ChronoUnit.MILLIS.between(facts.time(), responseReady));
        return new ServedRequest(
                facts,
                draft.op().accessLogName(request.getMethod()),
                line,
                request.getHeaders().get("Referer"),
                objectSize,
                total,
                turnAround);
    }

    /** The object's size for a log line: the whole object's for reads (ranges too), the body's for uploads, else -1. */
    static long objectSize(Operation op, long requestLength, io.rampart.s3.S3Response r) {
        switch (op) {
            case GET_OBJECT, HEAD_OBJECT -> {
                String range = r.headers().get("Content-Range");
                if (range != null && range.lastIndexOf('/') > 0) {
                    try {
                        return Long.parseLong(
                                range.substring(range.lastIndexOf('/') + 1).trim());
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
}

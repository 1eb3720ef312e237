package io.rampart.audit;

/**
 * One served S3 request as a server access log line needs it: the audit facts plus what only the HTTP exchange knows.
 *
 * @param operation       access log operation, e.g. REST.PUT.OBJECT
 * @param requestLine     "METHOD /path?query HTTP/1.1", with signature and token query values redacted
 * @param referer         the Referer header, or null
 * @param objectSize      the object's size when the request concerns one, else -1
 * @param totalMillis     from receiving the request to sending the last byte
 * @param turnAroundMillis from the last request byte read to the first response byte (approximated by when the
 *                        response was ready)
 */
public record ServedRequest(
        RequestFacts facts,
        String operation,
        String requestLine,
        String referer,
        long objectSize,
        long totalMillis,
        long turnAroundMillis) {}

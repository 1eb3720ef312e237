package io.rampart.http;

import io.rampart.audit.AuditTrail;
import io.rampart.audit.RequestFacts;
import io.rampart.iam.Principal;
import io.rampart.s3.Operation;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What every front door's request exchanges share: the audit trail and the server access log they are recorded in, and
 * the region they are recorded for. Built once by the composition root, after the trail; front doors get it (or one
 * {@link Exchange}) and never the trail itself.
 */
final class Exchanges {
    private final AuditTrail trail;
    private final AccessLogRequests accessLogs;
    private final String region;

    /** {@code accessLog} null: no server access logs. */
    Exchanges(AuditTrail trail, io.rampart.audit.AccessLog accessLog, String region) {
        this.trail = Objects.requireNonNull(trail, "trail");
        this.accessLogs = accessLog == null ? null : new AccessLogRequests(accessLog);
        this.region = region;
    }

    /** A new S3-style request id: 16 upper-case hex digits, unique in this process ({@link RequestIds}). */
    static String newRequestId() {
        return RequestIds.requestId(RequestIds.next());
    }

    /** A request on the S3 port: its ids, on the answer from the start ({@code x-amz-request-id}, {@code x-amz-id-2}). */
    Exchange open(Request request, Response response, Callback callback) {
        long id = RequestIds.next();
        String requestId = RequestIds.requestId(id);
        response.getHeaders().put("x-amz-request-id", requestId);
        response.getHeaders().put("x-amz-id-2", RequestIds.hostId(id));
        response.getHeaders().put("Server", "Rampart");
        return new Exchange(this, request, response, callback, requestId);
    }

    /**
     * The draft of one console event: made by the signed-in principal ({@code null} before sign-in: nobody) with the
     * key it signed in with, from the console's connection, with the console's user agent and no signature.
     */
    Trail.Draft console(Request request, Principal principal, String keyId) {
        return console(
                request,
                Operation.NOT_IMPLEMENTED,
                new RequestTarget(null, null, Map.of(), false, false),
                Map.of("user-agent", List.of(Console.USER_AGENT)),
                principal,
                keyId);
    }

    /** The draft of an S3 operation the console runs for the signed-in principal ({@code headers} name its agent). */
    Trail.Draft console(
            Request request,
            Operation op,
            RequestTarget target,
            Map<String, List<String>> headers,
            Principal principal,
            String keyId) {
        Trail.Draft draft = new Trail.Draft(request, newRequestId(), null, op, target, headers, region);
        draft.signedIn(principal == null ? Principal.anonymous() : principal, keyId);
        return draft;
    }

    String region() {
        return region;
    }

    /** The access log's entries for requests on buckets, or null when access logs are off. */
    AccessLogRequests accessLogs() {
        return accessLogs;
    }

    /**
     * Records a change: durable when this returns, so it may be acknowledged. A failure propagates (nothing may be
     * acknowledged that is not recorded).
     */
    void recordChange(RequestFacts facts) {
        trail.recordDurably(facts);
    }

    /** Records a read, a refusal or a failure (not waiting for the disk). */
    void record(RequestFacts facts) {
        trail.record(facts);
    }

    /** Records a change durably, anything else (a read, an error) without waiting. */
    void record(RequestFacts facts, boolean change) {
        if (change) recordChange(facts);
        else record(facts);
    }
}

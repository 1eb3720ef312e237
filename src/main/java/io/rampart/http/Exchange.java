package io.rampart.http;

import io.rampart.audit.RequestFacts;
import io.rampart.s3.Operation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request on the port, from its arrival to its answer, whichever front door serves it (S3, IAM/STS/Organizations/KMS,
 * IAM Roles Anywhere, the admin API): what was read of it (method, raw path and query, headers), its id, the trail draft
 * that collects its facts, and the one order in which its outcome is recorded and answered ({@link #complete}). The
 * port ({@link S3Handler}) verifies the signature and picks the front door; the front door authorises and handles,
 * and hands its answer back here.
 */
final class Exchange {
    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    private final Exchanges exchanges;
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final String requestId;
    private final String method;
    private final String rawPath;
    private final String rawQuery;
    private final Map<String, List<String>> headers;
    private Trail.Draft draft;
    private boolean accessLogged;

    Exchange(Exchanges exchanges, Request request, Response response, Callback callback, String requestId) {
        this.exchanges = exchanges;
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.requestId = requestId;
        this.method = request.getMethod();
        this.rawPath = VerbatimPathConnectionFactory.rawPath(request);
        this.rawQuery = request.getHttpURI().getQuery();
        this.headers = headers(request);
    }

    /** Starts the trail draft once the request's target and operation are known. */
    Trail.Draft begin(Operation op, RequestTarget target) {
        this.draft = new Trail.Draft(
                request, requestId, response.getHeaders().get("x-amz-id-2"), op, target, headers, exchanges.region());
        return draft;
    }

    /** A request on a bucket's S3 API: its outcome also goes to the bucket's server access log (when it has one). */
    void accessLogged() {
        this.accessLogged = true;
    }

    /** A whole answer of a front door whose protocol is not S3's: its status, body and type, and its trail facts. */
    record Reply(
            int status,
            Map<String, String> headers,
            byte[] body,
            long bytesIn,
            Map<String, String> trailResponse,
            String errorCode,
            String errorMessage) {
        static Reply ok(int status, Map<String, String> headers, byte[] body, long bytesIn, Map<String, String> trail) {
            return new Reply(status, headers, body, bytesIn, trail, null, null);
        }

        static Reply error(
                int status, Map<String, String> headers, byte[] body, long bytesIn, String code, String message) {
            return new Reply(status, headers, body, bytesIn, Map.of(), code, message);
        }
    }

    /**
     * Answers with a whole body and records it: a successful call that changes something durably before the answer,
     * any other after it. Headers of the answer are set in the reply's order, then Content-Length.
     */
    void reply(Reply r) {
        RequestFacts facts = draft.done(
                r.status(), r.trailResponse(), r.bytesIn(), r.body().length, r.errorCode(), r.errorMessage());
        try {
            complete(facts, r.errorCode() == null && !draft.readOnly(), -1, () -> {
                response.setStatus(r.status());
                r.headers().forEach((k, v) -> response.getHeaders().put(k, v));
                response.getHeaders().put("Content-Length", Integer.toString(r.body().length));
                S3Handler.closeIfBodyUnread(response);
                response.write(true, ByteBuffer.wrap(r.body()), callback);
                return true;
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // not thrown: writing a whole body reports to the callback
        }
    }

    /** Sends the answer; false when nothing was sent and the request may be tried again. */
    @FunctionalInterface
    interface Answer {
        boolean send() throws IOException;
    }

    /**
     * Records the request's outcome and answers it, in the order the trail promises: a change ({@code change}) is in the
     * trail durably before it is acknowledged (if that fails, nothing is sent and the failure propagates); anything else
     * is recorded right after the answer, so a read never waits for the disk, and a failure to record it is logged,
     * never turned into another answer. Requests on a bucket ({@link #accessLogged}) then get their access log entry
     * ({@code objectSize} -1 when there is none). Returns false, recording nothing more, when the answer was not sent
     * (the caller may try again).
     */
    boolean complete(RequestFacts facts, boolean change, long objectSize, Answer answer) throws IOException {
        if (change) exchanges.recordChange(facts);
        Instant ready = Instant.now();
        if (!answer.send()) return false;
        if (!change) {
            try {
                exchanges.record(facts);
            } catch (RuntimeException e) {
                log.error("could not record request {} in the audit trail", requestId, e);
            }
        }
        AccessLogRequests logs = exchanges.accessLogs();
        if (accessLogged && logs != null) {
            try {
                logs.served(draft, facts, objectSize, facts.errorCode() == null ? ready : null);
            } catch (RuntimeException e) {
                log.error("could not log request {} in the server access log", requestId, e);
            }
        }
        return true;
    }

    Exchanges exchanges() {
        return exchanges;
    }

    Trail.Draft draft() {
        return draft;
    }

    Request request() {
        return request;
    }

    Response response() {
        return response;
    }

    Callback callback() {
        return callback;
    }

    String requestId() {
        return requestId;
    }

    String method() {
        return method;
    }

    String rawPath() {
        return rawPath;
    }

    /** The query string as sent, or null. */
    String rawQuery() {
        return rawQuery;
    }

    /** Request headers by lower-case name, in arrival order. */
    Map<String, List<String>> headers() {
        return headers;
    }

    private static Map<String, List<String>> headers(Request request) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (HttpField f : request.getHeaders()) {
            out.computeIfAbsent(f.getLowerCaseName(), k -> new ArrayList<>(1)).add(f.getValue());
        }
        return out;
    }
}

package io.rampart.http;

import io.rampart.auth.AuthException;
import io.rampart.auth.Authenticated;
import io.rampart.auth.SignedRequest;
import io.rampart.auth.X509RequestSignature;
import io.rampart.iam.QueryRequest;
import io.rampart.iam.RolesAnywhere;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IAM Roles Anywhere on the S3 port: the REST-JSON control plane (SigV4, service {@code rolesanywhere}) and
 * CreateSession ({@code POST /sessions} signed with a certificate's key, AWS4-X509-*). Errors are REST-JSON
 * ({@code x-amzn-ErrorType} and {"message"}); every call is in the trail with event source
 * rolesanywhere.amazonaws.com, changes and issued sessions durably before the answer.
 */
final class RolesAnywhereEndpoint {
    private static final Logger log = LoggerFactory.getLogger(RolesAnywhereEndpoint.class);
    static final String SERVICE = "rolesanywhere";

    private final RolesAnywhere api;
    private final String region;
    private final Clock clock;

    RolesAnywhereEndpoint(RolesAnywhere api, String region, Clock clock) {
        this.api = java.util.Objects.requireNonNull(api);
        this.region = region;
        this.clock = clock;
    }

    /** A control-plane call whose SigV4 signature named the rolesanywhere service. */
    void handle(Exchange x, Authenticated auth) {
        Request request = x.request();
        String requestId = x.requestId();
        Trail.Draft draft = x.draft();
        String path = UriPath.decode(x.rawPath());
        Optional<RolesAnywhere.Route> route = RolesAnywhere.route(request.getMethod(), path);
        Map<String, String> query = QueryRequest.parseForm(x.rawQuery(), new byte[0]);
        draft.serviceCall(
                SERVICE,
                route.map(RolesAnywhere.Route::action).orElse("Unknown"),
                route.map(RolesAnywhere.Route::readOnly).orElse(true),
                parameters(route, query));
        byte[] body;
        try {
            body = BodyLimits.readForm(auth.body(), x.headers());
        } catch (BodyLimits.Refused e) {
            answer(x, new RolesAnywhere.Failure(e.status, "ValidationException", e.getMessage()), 0);
            return;
        }
        try {
            if (route.isEmpty()) {
                throw new RolesAnywhere.Failure(
                        404, "UnknownOperationException", "No operation at " + request.getMethod() + " " + path);
            }
            RolesAnywhere.Reply r = api.handle(
                    new RolesAnywhere.Call(
                            request.getMethod(),
                            path,
                            query,
                            body,
                            auth.principal(),
                            Instant.now(clock),
                            request.isSecure(),
                            Trail.sourceIp(request)),
                    route.get());
            x.reply(Exchange.Reply.ok(r.status(), headers(x, null), r.body(), body.length, r.trailResponse()));
        } catch (RolesAnywhere.Failure e) {
            answer(x, e, body.length);
        } catch (RuntimeException e) {
            log.error("request {} rolesanywhere {} failed", requestId, path, e);
            answer(
                    x,
                    new RolesAnywhere.Failure(500, "InternalServerException", "An internal error occurred."),
                    body.length);
        }
    }

    /** CreateSession: the X.509 signature is checked here, the certificate's trust and the role by the service. */
    void createSession(Exchange x) {
        Request request = x.request();
        String rawPath = x.rawPath();
        String rawQuery = x.rawQuery();
        Map<String, List<String>> headers = x.headers();
        Trail.Draft draft = x.draft();
        Map<String, String> query = QueryRequest.parseForm(rawQuery, new byte[0]);
        Map<String, String> parameters = new LinkedHashMap<>();
        draft.serviceCall(SERVICE, "CreateSession", false, parameters);
        byte[] body = new byte[0];
        try {
            if (!"POST".equals(request.getMethod()) || !"/sessions".equals(UriPath.decode(rawPath))) {
                throw new RolesAnywhere.Failure(
                        404,
                        "UnknownOperationException",
                        "Certificate-signed requests are only accepted by POST /sessions");
            }
            try {
                // The request's own stream, as the SigV4 path reads it; Jetty ends it with the request.
                InputStream in = Content.Source.asInputStream(request);
                body = BodyLimits.readForm(in, headers);
            } catch (BodyLimits.Refused e) {
                throw new RolesAnywhere.Failure(e.status, "ValidationException", e.getMessage());
            }
            X509RequestSignature.Verified v;
            try {
                v = X509RequestSignature.verify(
                        new SignedRequest(request.getMethod(), rawPath, rawQuery == null ? "" : rawQuery, headers),
                        body,
                        region,
                        clock);
            } catch (AuthException e) {
                int status = e.error().status() == 400 ? 400 : 403;
                throw new RolesAnywhere.Failure(
                        status, status == 400 ? "ValidationException" : "AccessDeniedException", e.getMessage());
            }
            RolesAnywhere.Reply r = api.createSession(
                    v.leaf(),
                    v.chain(),
                    query,
                    body,
                    Instant.now(clock),
                    request.isSecure(),
                    Trail.sourceIp(request),
                    parameters);
            draft.serviceCall(SERVICE, "CreateSession", false, parameters);
            x.reply(Exchange.Reply.ok(r.status(), headers(x, null), r.body(), body.length, r.trailResponse()));
        } catch (RolesAnywhere.Failure e) {
            draft.serviceCall(SERVICE, "CreateSession", false, parameters);
            answer(x, e, body.length);
        } catch (RuntimeException e) {
            log.error("request {} rolesanywhere CreateSession failed", x.requestId(), e);
            answer(
                    x,
                    new RolesAnywhere.Failure(500, "InternalServerException", "An internal error occurred."),
                    body.length);
        }
    }

    /** A control-plane request whose SigV4 authentication failed. */
    void authFailed(Exchange x, AuthException e) {
        x.draft().serviceCall(SERVICE, "Unknown", true, Map.of());
        int status = e.error().status() >= 500 ? 500 : e.error().status() == 400 ? 400 : 403;
        String type = switch (e.error()) {
            case SIGNATURE_DOES_NOT_MATCH -> "InvalidSignatureException";
            case INVALID_ACCESS_KEY_ID, INVALID_TOKEN -> "UnrecognizedClientException";
            case EXPIRED_TOKEN -> "ExpiredTokenException";
            default -> status == 400 ? "ValidationException" : "AccessDeniedException";
        };
        answer(x, new RolesAnywhere.Failure(status, type, e.getMessage()), 0);
    }

    private static Map<String, String> parameters(Optional<RolesAnywhere.Route> route, Map<String, String> query) {
        Map<String, String> p = new LinkedHashMap<>();
        route.flatMap(RolesAnywhere.Route::id).ifPresent(id -> p.put("id", id));
        query.forEach((k, v) -> {
            if (!k.toLowerCase(java.util.Locale.ROOT).startsWith("x-amz-")) p.put(k, v);
        });
        return p;
    }

    private static void answer(Exchange x, RolesAnywhere.Failure e, long bytesIn) {
        byte[] out = RolesAnywhere.errorBody(e.getMessage());
        x.reply(Exchange.Reply.error(e.status(), headers(x, e.type()), out, bytesIn, e.type(), e.getMessage()));
    }

    /** REST-JSON's answer headers: the request id, the error type of an error. */
    private static Map<String, String> headers(Exchange x, String errorType) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("x-amzn-RequestId", x.requestId());
        if (errorType != null) h.put("x-amzn-ErrorType", errorType);
        h.put("Content-Type", "application/json");
        return h;
    }

    /** Percent-decoding of a request path (ids and the fixed words of this API are plain ASCII). */
    private static final class UriPath {
        static String decode(String raw) {
            return java.net.URLDecoder.decode(raw.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}

package io.rampart.http;

import io.rampart.auth.Authenticated;
import io.rampart.iam.IamApi;
import io.rampart.iam.IamErrorCode;
import io.rampart.iam.IamException;
import io.rampart.iam.OrganizationsApi;
import io.rampart.iam.QueryRequest;
import io.rampart.iam.QueryXml;
import io.rampart.iam.StsApi;
import io.rampart.kms.KmsApi;
import io.rampart.kms.KmsException;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IAM, STS and Organizations on the S3 port, told apart by the SigV4 service name: the Query protocol (form
 * parameters in, XML out) for IAM and STS, JSON 1.1 for Organizations. Every call is in the audit trail with its
 * service as event source; mutations are recorded durably before the answer.
 */
final class ServiceEndpoint {
    private static final Logger log = LoggerFactory.getLogger(ServiceEndpoint.class);
    /** Parameters that are secrets or one-time codes: never in the trail. */
    private static final Set<String> SECRET_PARAMETERS = Set.of(
            "AuthenticationCode1",
            "AuthenticationCode2",
            "TokenCode",
            "WebIdentityToken",
            "SAMLAssertion",
            "Password",
            "NewPassword",
            "OldPassword",
            "Action",
            "Version");

    private final IamApi iam;
    private final StsApi sts;
    private final OrganizationsApi organizations;
    private final KmsApi kms;

    ServiceEndpoint(IamApi iam, StsApi sts, OrganizationsApi organizations, KmsApi kms) {
        this.iam = java.util.Objects.requireNonNull(iam);
        this.sts = java.util.Objects.requireNonNull(sts);
        this.organizations = java.util.Objects.requireNonNull(organizations);
        this.kms = java.util.Objects.requireNonNull(kms);
    }

    static boolean serves(String service) {
        return "iam".equals(service)
                || "sts".equals(service)
                || "organizations".equals(service)
                || "kms".equals(service);
    }

    /** Services whose protocol is JSON 1.1 (X-Amz-Target names the action). */
    static boolean json(String service) {
        return "organizations".equals(service) || "kms".equals(service);
    }

    /** An HTML-form-encoded POST: how the Query protocol (IAM, STS) sends its parameters. */
    static boolean isFormPost(Map<String, List<String>> headers) {
        List<String> type = headers.get("content-type");
        return type != null
                && !type.isEmpty()
                && type.get(0).toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    /** Handles one call to {@code service}, authenticated as {@code auth}, and answers it through the exchange. */
    void handle(Exchange x, Authenticated auth, String service) throws IOException {
        Request request = x.request();
        String requestId = x.requestId();
        Map<String, List<String>> headers = x.headers();
        Trail.Draft draft = x.draft();
        byte[] body;
        try {
            body = BodyLimits.readForm(auth.body(), headers);
        } catch (BodyLimits.Refused e) {
            refuse(x, service, e);
            return;
        }
        if ("kms".equals(service)) {
            handleKms(x, auth, body);
            return;
        }
        String action;
        Map<String, String> params;
        Map<String, String> trailResponse = new java.util.LinkedHashMap<>();
        if ("organizations".equals(service)) {
            List<String> target = headers.get("x-amz-target");
            String t = target == null || target.isEmpty() ? "" : target.get(0);
            action = t.substring(t.indexOf('.') + 1);
            params = Map.of();
        } else {
            params = QueryRequest.parseForm(x.rawQuery(), body);
            action = params.getOrDefault("Action", "");
        }
        boolean readOnly = action.startsWith("Get")
                || action.startsWith("List")
                || action.startsWith("Describe")
                || action.startsWith("Generate");
        draft.serviceCall(service, action.isEmpty() ? "Unknown" : action, readOnly, trailParameters(params));
        int status = 200;
        byte[] out;
        String error = null;
        String errorMessage = null;
        try {
            if (action.isEmpty()) throw IamException.missingParameter("Action");
            if (auth.principal().isAnonymous()
                    && !(service.equals("sts") && action.equals("AssumeRoleWithWebIdentity"))) {
                throw new IamException(
                        IamErrorCode.MISSING_AUTHENTICATION_TOKEN, "Request is missing Authentication Token");
            }
            Instant now = Instant.now();
            out = switch (service) {
                case "iam" ->
                    iam.handle(new QueryRequest(
                            action,
                            params,
                            auth.principal(),
                            requestId,
                            Trail.sourceIp(request),
                            request.isSecure(),
                            now,
                            trailResponse));
                case "sts" ->
                    sts.handle(new QueryRequest(
                            action,
                            params,
                            auth.principal(),
                            requestId,
                            Trail.sourceIp(request),
                            request.isSecure(),
                            now,
                            trailResponse));
                default ->
                    organizations.handle(new OrganizationsApi.Call(
                            action, body, auth.principal(), Trail.sourceIp(request), request.isSecure(), now));
            };
        } catch (IamException e) {
            status = e.status();
            error = e.code();
            errorMessage = e.getMessage();
            out = e.reason().isPresent()
                    ? OrganizationsApi.error(
                            e.code(), e.getMessage(), e.reason().get())
                    : errorBody(service, e.code(), e.type(), e.getMessage(), requestId);
        } catch (RuntimeException e) {
            log.error("request {} {} {} failed", requestId, service, action, e);
            status = IamErrorCode.SERVICE_FAILURE.status();
            error = IamErrorCode.SERVICE_FAILURE.code();
            errorMessage = IamErrorCode.SERVICE_FAILURE.defaultMessage();
            out = errorBody(service, error, "Receiver", errorMessage, requestId);
        }
        reply(
                x,
                service,
                error == null
                        ? Exchange.Reply.ok(status, Map.of(), out, body.length, trailResponse)
                        : Exchange.Reply.error(status, Map.of(), out, body.length, error, errorMessage));
    }

    /** A KMS call: its JSON answer, and its CloudTrail record (key id, encryption context; never key material). */
    private void handleKms(Exchange x, Authenticated auth, byte[] body) {
        Request request = x.request();
        String requestId = x.requestId();
        Trail.Draft draft = x.draft();
        String action = target(x.headers());
        KmsApi.TrailFacts facts = new KmsApi.TrailFacts();
        boolean readOnly = KmsApi.readOnly(action);
        int status = 200;
        byte[] out;
        String error = null;
        String errorMessage = null;
        try {
            if (auth.principal().isAnonymous()) {
                throw new KmsException(
                        "MissingAuthenticationTokenException", "Request is missing Authentication Token");
            }
            out = kms.handle(
                    new KmsApi.Call(
                            action, body, auth.principal(), Trail.sourceIp(request), request.isSecure(), Instant.now()),
                    facts);
        } catch (KmsException e) {
            status = e.status();
            error = e.code();
            errorMessage = e.getMessage();
            out = KmsApi.error(e.code(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("request {} kms {} failed", requestId, action, e);
            status = 500;
            error = KmsException.INTERNAL;
            errorMessage = "The request was rejected because an internal exception occurred.";
            out = KmsApi.error(error, errorMessage);
        }
        draft.serviceCall("kms", action.isEmpty() ? "Unknown" : action, readOnly, facts.parameters);
        Map<String, com.fasterxml.jackson.databind.JsonNode> documents = Map.copyOf(facts.documents);
        draft.documents(() -> documents);
        draft.additional(facts.additional);
        reply(
                x,
                "kms",
                error == null
                        ? Exchange.Reply.ok(status, Map.of(), out, body.length, facts.response)
                        : Exchange.Reply.error(status, Map.of(), out, body.length, error, errorMessage));
    }

    private static String target(Map<String, List<String>> headers) {
        List<String> target = headers.get("x-amz-target");
        String t = target == null || target.isEmpty() ? "" : target.get(0);
        String action = t.substring(t.indexOf('.') + 1);
        return action.length() > 128 ? "Unknown" : action;
    }

    /** A body refused before it was read (too large, stalled, cut short): answered and recorded with no parameters. */
    private static void refuse(Exchange x, String service, BodyLimits.Refused e) {
        String action = json(service)
                ? ""
                : QueryRequest.parseForm(x.rawQuery(), new byte[0]).getOrDefault("Action", "");
        x.draft().serviceCall(service, action.isEmpty() || action.length() > 128 ? "Unknown" : action, false, Map.of());
        String code = json(service) && !e.code.endsWith("Exception") ? e.code + "Exception" : e.code;
        byte[] out = errorBody(service, code, "Sender", e.getMessage(), x.requestId());
        reply(x, service, Exchange.Reply.error(e.status, Map.of(), out, 0, code, e.getMessage()));
    }

    static byte[] errorBody(String service, String code, String type, String message, String requestId) {
        return switch (service) {
            case "organizations" -> OrganizationsApi.error(code, message);
            case "kms" -> KmsApi.error(code, message);
            case "sts" -> QueryXml.error(QueryXml.STS_NAMESPACE, code, type, message, requestId);
            default -> QueryXml.error(QueryXml.IAM_NAMESPACE, code, type, message, requestId);
        };
    }

    /**
     * Answers through the exchange in the service's protocol: the request id as {@code x-amzn-RequestId}, XML for the
     * Query protocol, JSON 1.1 for Organizations and KMS.
     */
    static void reply(Exchange x, String service, Exchange.Reply r) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-amzn-RequestId", x.requestId());
        headers.put("Content-Type", json(service) ? "application/x-amz-json-1.1" : "text/xml");
        headers.putAll(r.headers());
        x.reply(new Exchange.Reply(
                r.status(), headers, r.body(), r.bytesIn(), r.trailResponse(), r.errorCode(), r.errorMessage()));
    }

    /** CloudTrail writes IAM/STS request parameters in lower camel case (userName, policyArn...). */
    private static Map<String, String> trailParameters(Map<String, String> params) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : params.entrySet()) {
            String name = e.getKey();
            if (SECRET_PARAMETERS.contains(name) || name.startsWith("X-Amz-")) continue;
            out.put(
                    name.isEmpty() ? name : name.substring(0, 1).toLowerCase(Locale.ROOT) + name.substring(1),
                    e.getValue());
        }
        return out;
    }
}

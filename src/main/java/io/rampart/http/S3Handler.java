package io.rampart.http;

import io.rampart.audit.RequestFacts;
import io.rampart.auth.AuthException;
import io.rampart.auth.Authenticated;
import io.rampart.auth.BodyVerificationException;
import io.rampart.auth.ChecksumAlgorithm;
import io.rampart.auth.PostPolicySignature;
import io.rampart.auth.QueryString;
import io.rampart.auth.SigV4Verifier;
import io.rampart.auth.SignedRequest;
import io.rampart.auth.X509RequestSignature;
import io.rampart.iam.Principal;
import io.rampart.s3.Operation;
import io.rampart.s3.Router;
import io.rampart.s3.S3Call;
import io.rampart.s3.S3ErrorCode;
import io.rampart.s3.S3Exception;
import io.rampart.s3.S3Response;
import io.rampart.s3.S3Service;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The S3 endpoint: parses the request target, authenticates it, routes it to one operation and writes the answer.
 * Every failure becomes S3 error XML with the right status; nothing unexpected reaches the client but a request id.
 */
public final class S3Handler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(S3Handler.class);

    private final SigV4Verifier verifier;
    private final S3Service s3;
    private final String domain;
    private final Exchanges exchanges;
    private final AdminHandler admin;
    private final ServiceEndpoint services;
    private final RolesAnywhereEndpoint rolesAnywhere;
    private final io.rampart.notify.Notifier notifier;
    private final KeyUse keyUse;

    /** Notes which key signed a request, for IAM's last-used reports. */
    @FunctionalInterface
    interface KeyUse {
        void note(String accessKeyId, String service);
    }

    /**
     * The port's front doors: S3 itself, the admin API ({@code /_rampart/...}: restores, findings, posture),
     * IAM/STS/Organizations/KMS and IAM Roles Anywhere; each request recorded through {@code exchanges}, event
     * notifications queued for acknowledged writes and deletes, and a hook noting which key signed each request.
     */
    S3Handler(
            SigV4Verifier verifier,
            S3Service s3,
            String domain,
            Exchanges exchanges,
            AdminHandler admin,
            ServiceEndpoint services,
            RolesAnywhereEndpoint rolesAnywhere,
            io.rampart.notify.Notifier notifier,
            KeyUse keyUse) {
        super(InvocationType.BLOCKING);
        this.verifier = java.util.Objects.requireNonNull(verifier);
        this.s3 = java.util.Objects.requireNonNull(s3);
        this.domain = domain;
        this.exchanges = java.util.Objects.requireNonNull(exchanges);
        this.admin = java.util.Objects.requireNonNull(admin);
        this.services = java.util.Objects.requireNonNull(services);
        this.rolesAnywhere = java.util.Objects.requireNonNull(rolesAnywhere);
        this.notifier = java.util.Objects.requireNonNull(notifier);
        this.keyUse = java.util.Objects.requireNonNull(keyUse);
    }

    /**
     * The request exchange of the port: parse the target, verify the signature, pick the front door (S3, admin API,
     * IAM/STS/Organizations/KMS, Roles Anywhere), which authorises and handles it and hands its answer to the
     * {@link Exchange} that records and sends it.
     */
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange x = exchanges.open(request, response, callback);
        String requestId = x.requestId();
        String method = x.method();
        String rawPath = x.rawPath();
        String rawQuery = x.rawQuery();
        Map<String, List<String>> headers = x.headers();
        // Split once: routing reads it decoded (RequestTarget), the signature check as sent (SignedRequest).
        QueryString query = QueryString.parse(rawQuery);
        RequestTarget target;
        try {
            target = RequestTarget.parse(rawPath, query, first(headers, "host"), domain);
        } catch (RequestTarget.InvalidUri e) {
            writeError(response, callback, method, new S3Exception(S3ErrorCode.INVALID_URI), rawPath, requestId);
            return true;
        } catch (RuntimeException e) {
            writeError(
                    response,
                    callback,
                    method,
                    new S3Exception(S3ErrorCode.INVALID_REQUEST, "The request target is malformed"),
                    rawPath,
                    requestId);
            return true;
        }
        if (AdminHandler.BUCKET.equals(target.bucket())) {
            // No bucket name starts with '_': the admin API shares the port without shadowing any bucket.
            admin.handle(x, target);
            return true;
        }
        String resource = resource(target);
        if ("OPTIONS".equals(method) && target.bucket() != null && !target.website()) {
            // A browser's CORS preflight: unauthenticated, answered from the bucket's CORS rules alone.
            preflight(response, callback, target, headers, resource, requestId);
            return true;
        }
        // The website endpoint serves objects (GET/HEAD) whatever the path; other methods get its HTML 405.
        Operation op = target.website()
                ? ("HEAD".equals(method) ? Operation.HEAD_OBJECT : Operation.GET_OBJECT)
                : Router.route(
                        method,
                        target.bucket(),
                        target.key(),
                        target.query(),
                        headers.containsKey("x-amz-copy-source"));
        Trail.Draft draft = x.begin(op, target);
        RolesAnywhereEndpoint ra = rolesAnywhere;
        if (X509RequestSignature.claims(headers)) {
            // Signed with a certificate's key, not an access key: IAM Roles Anywhere's CreateSession.
            ra.createSession(x);
            return true;
        }
        try {
            Authenticated auth = verifier.verify(
                    new SignedRequest(method, rawPath, query, headers),
                    Content.Source.asInputStream(request),
                    target.virtualHost() ? target.bucket() : null);
            PostFormReader.Read postForm = null;
            if (op == Operation.POST_OBJECT
                    && auth.principal().isAnonymous()
                    && PostFormReader.isForm(first(headers, "content-type"))) {
                // A browser-based upload signs its form, not its request: read the fields before the file, then verify.
                PostFormReader.Read form = PostFormReader.read(auth.body(), first(headers, "content-type"));
                postForm = form;
                draft.postForm(form.form());
                PostPolicySignature.Signer signer =
                        verifier.postPolicies().verify(name -> form.form().field(name));
                auth = new Authenticated(signer.principal(), signer.accessKeyId(), "s3", false, auth.body());
            }
            draft.authenticated(auth);
            if (!auth.principal().isAnonymous()) keyUse.note(auth.accessKeyId(), auth.service());
            if (auth.principal().isAnonymous()
                    && target.bucket() == null
                    && "POST".equals(method)
                    && ServiceEndpoint.isFormPost(headers)) {
                // STS's AssumeRoleWithWebIdentity is unsigned: the web identity token is the credential. S3 has no POST
                // on "/".
                services.handle(x, auth, "sts");
                return true;
            }
            if (!"s3".equals(auth.service())) {
                if (RolesAnywhereEndpoint.SERVICE.equals(auth.service())) {
                    ra.handle(x, auth);
                    return true;
                }
                if (ServiceEndpoint.serves(auth.service())) {
                    services.handle(x, auth, auth.service());
                    return true;
                }
                throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED, "The " + auth.service() + " API is not implemented");
            }
            x.accessLogged();
            Call call = new Call(method, target, headers, auth, requestId, request.isSecure(), request);
            // Bounded before anything reads it: an over-long body is refused, never buffered.
            call.body = BodyLimits.s3(op, auth.body(), call.contentLength());
            if (postForm != null) {
                call.postForm = postForm.form();
                call.body = postForm.file();
            }
            if (TrailDocuments.captures(op)) {
                // Configuration documents go into the trail's requestParameters, as CloudTrail shows them.
                call.tee = new TrailDocuments.Tee(call.body);
                TrailDocuments.Tee tee = call.tee;
                draft.documents(() -> TrailDocuments.of(op, tee.bytes()));
            }
            boolean rereadable = "GET".equals(method) || "HEAD".equals(method);
            S3Response r;
            for (int attempt = 1; ; attempt++) {
                // A concurrent overwrite can release a blob between the metadata read and the open: before any byte
                // was sent, read the (new) current version again. Only for requests without a body to re-read.
                try {
                    r = target.website() ? s3.website(call, first(headers, "host")) : s3.handle(op, call);
                    if (headers.containsKey("origin"))
                        s3.corsHeaders(target.bucket(), method, headers).forEach(r::header);
                    draft.additional(r.trail());
                    RequestFacts facts = draft.done(
                            r.status(), r.headers(), call.contentLength(), Math.max(0, r.length()), null, null);
                    S3Response answer = r;
                    // No acknowledged change without its record: mutations are recorded durably before the response,
                    // and their event notifications queued.
                    boolean change = !draft.readOnly();
                    if (x.complete(facts, change, AccessLogRequests.objectSize(op, call.contentLength(), r), () -> {
                        if (change) notify(facts, answer);
                        return writeResponse(response, callback, method, answer);
                    })) break;
                } catch (java.nio.file.NoSuchFileException e) {
                    if (!rereadable || attempt == 3) throw e;
                }
                if (!rereadable || attempt == 3)
                    throw new IOException("object data kept vanishing under concurrent overwrites");
                response.reset();
            }
            if (log.isDebugEnabled())
                log.debug("{} {} {} -> {} {}", requestId, op.awsName(), resource, r.status(), auth.accessKeyId());
        } catch (S3Exception e) {
            if (headers.containsKey("origin")) corsOnError(e, target, method, headers);
            fail(x, e, resource);
        } catch (AuthException e) {
            String service = claimedService(headers, target.query());
            if (RolesAnywhereEndpoint.SERVICE.equals(service)) {
                ra.authFailed(x, e);
                return true;
            }
            if (ServiceEndpoint.serves(service)) {
                failService(x, service, e);
                return true;
            }
            fail(x, new S3Exception(AuthErrors.s3(e.error()), e.getMessage()), resource);
        } catch (BodyVerificationException e) {
            fail(x, new S3Exception(AuthErrors.s3(e.error()), e.getMessage()), resource);
        } catch (EofException e) {
            // The client went away or sent less than it announced.
            fail(x, new S3Exception(S3ErrorCode.INCOMPLETE_BODY), resource);
        } catch (IOException | RuntimeException e) {
            if (BodyLimits.isTimeout(e)) {
                // The client stopped sending its body: its fault, answered as S3 does once the idle timeout passes.
                fail(x, new S3Exception(S3ErrorCode.REQUEST_TIMEOUT), resource);
            } else if (isClientAbort(e)) {
                fail(x, new S3Exception(S3ErrorCode.INCOMPLETE_BODY), resource);
            } else if (io.rampart.storage.NoSuchBucketException.in(e).isPresent()) {
                // A DeleteBucket committed between the request's bucket look-up and its write: nothing was written.
                String gone =
                        io.rampart.storage.NoSuchBucketException.in(e).get().bucket();
                fail(x, new S3Exception(S3ErrorCode.NO_SUCH_BUCKET).with("BucketName", gone), resource);
            } else if (io.rampart.storage.BlobStoreUnavailableException.isCause(e)) {
                // The blob backend is down after the retries: nothing was recorded; the client should retry later.
                log.warn("request {} {} {}: {}", requestId, method, resource, e.toString());
                fail(x, new S3Exception(S3ErrorCode.SLOW_DOWN), resource);
            } else {
                log.error("request {} {} {} failed", requestId, method, resource, e);
                fail(x, new S3Exception(S3ErrorCode.INTERNAL_ERROR), resource);
            }
        }
        return true;
    }

    /** Answers a CORS preflight: the matching rule's Access-Control-* headers, or S3's 400/403/404 error. */
    private void preflight(
            Response response,
            Callback callback,
            RequestTarget target,
            Map<String, List<String>> headers,
            String resource,
            String requestId) {
        try {
            S3Response r = s3.preflight(target.bucket(), headers);
            writeResponse(response, callback, "OPTIONS", r);
        } catch (S3Exception e) {
            writeError(response, callback, "OPTIONS", e, resource, requestId);
        } catch (IOException | RuntimeException e) {
            log.error("preflight {} {} failed", requestId, resource, e);
            writeError(response, callback, "OPTIONS", new S3Exception(S3ErrorCode.INTERNAL_ERROR), resource, requestId);
        }
    }

    /** Errors of a browser's request carry the CORS headers too, so that its script can read them. */
    private void corsOnError(S3Exception e, RequestTarget target, String method, Map<String, List<String>> headers) {
        try {
            s3.corsHeaders(target.bucket(), method, headers).forEach(e::header);
        } catch (RuntimeException ex) {
            log.warn("could not read the CORS rules of bucket {}: {}", target.bucket(), ex.toString());
        }
    }

    /** Queues the request's event notifications, durably, before the response acknowledges the change. */
    private void notify(RequestFacts facts, S3Response r) {
        try {
            notifier.published(facts, r.body());
        } catch (RuntimeException e) {
            // The change is made and recorded in the trail; failing the response would not undo it.
            log.error("could not queue the event notifications of request {}", facts.requestId(), e);
        }
    }

    /** Answers an error and records it: denied and failed requests are in the trail too. */
    private void fail(Exchange x, S3Exception e, String resource) {
        x.accessLogged();
        RequestFacts facts;
        try {
            facts = x.draft()
                    .done(e.code().status(), e.headers(), 0, 0, e.code().code(), e.getMessage());
        } catch (RuntimeException ex) {
            log.error("could not record request {} in the audit trail", x.requestId(), ex);
            writeError(x.response(), x.callback(), x.method(), e, resource, x.requestId());
            return;
        }
        try {
            x.complete(facts, false, -1, () -> {
                writeError(x.response(), x.callback(), x.method(), e, resource, x.requestId());
                return true;
            });
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex); // not thrown: writing an error reports to the callback
        }
    }

    /** An IAM/STS/Organizations call that failed authentication: the service's own error format and codes. */
    private static void failService(Exchange x, String service, AuthException e) {
        AuthErrors.ServiceError err = AuthErrors.service(service, e.error(), e.getMessage());
        int status = err.status();
        byte[] body = ServiceEndpoint.errorBody(
                service, err.code(), status >= 500 ? "Receiver" : "Sender", err.message(), x.requestId());
        ServiceEndpoint.reply(x, service, Exchange.Reply.error(status, Map.of(), body, 0, err.code(), err.message()));
    }

    /** The service a request's credential scope names, before the signature is checked ("s3" when there is none). */
    private static String claimedService(Map<String, List<String>> headers, Map<String, String> query) {
        String credential = Trail.claimedCredential(headers, query);
        if (credential == null) return "s3";
        String[] parts = credential.split("[/,]");
        return parts.length >= 4 ? parts[3].trim() : "s3";
    }

    private static boolean isClientAbort(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EofException) return true;
            if (t instanceof BodyVerificationException) return false;
        }
        return false;
    }

    private static String resource(RequestTarget t) {
        if (t.bucket() == null) return "/";
        return t.key() == null ? "/" + t.bucket() : "/" + t.bucket() + "/" + t.key();
    }

    private static String first(Map<String, List<String>> h, String name) {
        List<String> v = h.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Writes the response; false when the body's stored data vanished before anything was sent (caller retries). */
    private static boolean writeResponse(Response response, Callback callback, String method, S3Response r)
            throws IOException {
        response.setStatus(r.status());
        r.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        boolean head = "HEAD".equals(method);
        if (r.length() >= 0) response.getHeaders().put(HttpHeader.CONTENT_LENGTH, r.length());
        else if (r.status() == 204 || r.status() == 304) response.getHeaders().remove(HttpHeader.CONTENT_LENGTH);
        else response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
        if (head || (r.body() == null && r.writer() == null)) {
            callback.succeeded();
            return true;
        }
        if (r.body() != null) {
            // A body in memory goes out with the headers in one write that completes the request's callback: the
            // request's thread does not wait for it.
            response.write(true, java.nio.ByteBuffer.wrap(r.body()), callback);
            return true;
        }
        OutputStream out = new ResponseBodyStream(response, r.length());
        try {
            r.writer().writeTo(out);
            out.close();
        } catch (java.nio.file.NoSuchFileException e) {
            if (!response.isCommitted()) return false;
            callback.failed(e);
            log.warn("object data vanished while being sent: {}", e.toString());
            return true;
        } catch (IOException | RuntimeException e) {
            callback.failed(e);
            if (!isClientAbort(e)) log.warn("response body failed after headers were sent: {}", e.toString());
            return true;
        }
        callback.succeeded();
        return true;
    }

    private static void writeError(
            Response response, Callback callback, String method, S3Exception e, String resource, String requestId) {
        response.setStatus(e.code().status());
        e.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        closeIfBodyUnread(response);
        if (e.code() == S3ErrorCode.NOT_MODIFIED || "HEAD".equals(method)) {
            callback.succeeded();
            return;
        }
        byte[] body = S3Service.errorDocument(e.code(), e.getMessage(), e.extra(), resource, requestId);
        response.getHeaders().put("Content-Type", "application/xml");
        response.getHeaders().put("Content-Length", Integer.toString(body.length));
        response.write(true, java.nio.ByteBuffer.wrap(body), callback);
    }

    /**
     * For an answer written before the request body was read (a 501, a refused or oversized body): what has arrived is
     * discarded; if more is still on its way the connection cannot carry another request, so the answer says so rather
     * than let the client reuse a connection Jetty closes after it. Used by every error writer (S3 and IAM/STS/Organizations).
     */
    static void closeIfBodyUnread(Response response) {
        if (!response.getRequest().consumeAvailable()) response.getHeaders().put("Connection", "close");
    }

    /** Adapts one HTTP request to what the S3 operations read. */
    private static final class Call implements S3Call {
        private final String method;
        private final RequestTarget target;
        private final Map<String, List<String>> headers;
        private final Authenticated auth;
        private final String requestId;
        private final boolean secure;

        private final String sourceIp;
        private final String tlsProtocol;
        private TrailDocuments.Tee tee;
        private InputStream body;
        private io.rampart.s3.PostForm postForm;

        Call(
                String method,
                RequestTarget target,
                Map<String, List<String>> headers,
                Authenticated auth,
                String requestId,
                boolean secure,
                Request request) {
            // The connection facts bucket policies test (aws:SourceIp, s3:TlsVersion).
            this.sourceIp = Trail.sourceIp(request);
            this.tlsProtocol = Trail.tls(request)
                    .map(t -> t.sslSession() == null ? null : t.sslSession().getProtocol())
                    .orElse(null);
            this.secure = secure;
            this.method = method;
            this.target = target;
            this.headers = headers;
            this.auth = auth;
            this.requestId = requestId;
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public String bucket() {
            return target.bucket();
        }

        @Override
        public String key() {
            return target.key();
        }

        @Override
        public Map<String, String> query() {
            return target.query();
        }

        @Override
        public Map<String, List<String>> headers() {
            return headers;
        }

        @Override
        public InputStream body() {
            return tee != null ? tee : body != null ? body : auth.body();
        }

        @Override
        public long contentLength() {
            return auth.body().decodedLength();
        }

        @Override
        public Principal principal() {
            return auth.principal();
        }

        @Override
        public String requestId() {
            return requestId;
        }

        @Override
        public boolean secure() {
            return secure;
        }

        @Override
        public String sourceIp() {
            return sourceIp;
        }

        @Override
        public java.util.Optional<String> tlsProtocol() {
            return java.util.Optional.ofNullable(tlsProtocol);
        }

        @Override
        public boolean presigned() {
            return auth.presigned();
        }

        @Override
        public java.util.Optional<io.rampart.s3.PostForm> postForm() {
            return java.util.Optional.ofNullable(postForm);
        }

        @Override
        public String signatureVersion() {
            return auth.signatureVersion();
        }

        @Override
        public Map<String, String> verifiedChecksums() {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<ChecksumAlgorithm, String> e :
                    auth.body().checksums().entrySet()) {
                out.put(e.getKey().name(), e.getValue());
            }
            return out;
        }
    }
}

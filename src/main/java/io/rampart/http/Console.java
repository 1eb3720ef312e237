package io.rampart.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.rampart.audit.RequestFacts;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import io.rampart.auth.Credential;
import io.rampart.console.ConsoleSessions;
import io.rampart.console.ConsoleSessions.Session;
import io.rampart.console.Urls;
import io.rampart.console.View;
import io.rampart.detect.Finding;
import io.rampart.detect.FindingsService;
import io.rampart.iam.IamApi;
import io.rampart.iam.IamException;
import io.rampart.iam.Permissions;
import io.rampart.iam.Principal;
import io.rampart.iam.QueryRequest;
import io.rampart.metrics.ServerMetrics;
import io.rampart.policy.RequestContext;
import io.rampart.recovery.Restore;
import io.rampart.recovery.RestoreJobs;
import io.rampart.recovery.RestoreTime;
import io.rampart.s3.Operation;
import io.rampart.s3.Router;
import io.rampart.s3.S3Call;
import io.rampart.s3.S3ErrorCode;
import io.rampart.s3.S3Exception;
import io.rampart.s3.S3Response;
import io.rampart.s3.S3Service;
import io.rampart.storage.MetadataStore;
import io.rampart.storage.ObjectVersion;
import io.rampart.storage.RecoveryWindow;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console under {@code /_rampart/console/} on the S3 port: server-rendered pages (precompiled JTE templates),
 * no JavaScript. A signed-in session acts as the principal of the key it signed in with: S3 pages run the S3
 * operations themselves ({@link S3Service#handle}) and identity pages the IAM API ({@link IamApi}), so the same policy
 * evaluation decides; changes are recorded in the trail as the API records them, with the console's user agent.
 * Findings and restores are the admin API's: the account's admin, or a principal whose identity policy allows the
 * console action ({@code rampart:ListFindings}, {@code rampart:ResolveFinding}, {@code rampart:ArchiveFinding},
 * {@code rampart:Restore}; the trail search needs {@code cloudtrail:LookupEvents}). Everything else goes to the S3
 * handler it wraps.
 */
final class Console extends Handler.Wrapper {
    private static final Logger log = LoggerFactory.getLogger(Console.class);
    static final String USER_AGENT = "rampart-console/1.0";
    static final String SESSION_COOKIE = "rampart_console";
    static final String SIGNIN_COOKIE = "rampart_console_signin";
    private static final String SESSION_ATTRIBUTE = "io.rampart.console.session";
    /** The overview reads five settings per bucket: at most this many buckets are shown there. */
    private static final int OVERVIEW_BUCKETS = 200;

    private static final int MAX_FORM = 64 * 1024;
    private static final int MAX_TRAIL_ROWS = 500;
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** What the console reads and acts through: the same services the S3 port and the admin API use. */
    record Deps(
            S3Service s3,
            IamApi iam,
            Permissions permissions,
            ConsoleSessions sessions,
            Exchanges exchanges,
            FindingsService findings,
            Restore restore,
            TrailLayout trailLayout,
            MetadataStore meta,
            RecoveryWindow window,
            ServerMetrics metrics,
            String region,
            String adminAccountId,
            String domain,
            RestoreJobs jobs) {}

    private final Deps d;
    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);

    Console(Deps deps) {
        this.d = deps;
    }

    /** This console in front of the S3 handler: requests outside {@code /_rampart/console} go to it unchanged. */
    Console wrap(Handler s3) {
        setHandler(s3);
        return this;
    }

    /** A refusal answered as a page: 403 for authorisation and CSRF, 404, 400. */
    private static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String rawPath = VerbatimPathConnectionFactory.rawPath(request);
        if (rawPath == null
                || !(rawPath.equals(Urls.BASE) || rawPath.startsWith(Urls.BASE + "/"))
                || isVirtualHost(request.getHeaders().get("host"))) {
            return super.handle(request, response, callback);
        }
        String path = rawPath.substring(Urls.BASE.length());
        if (path.isEmpty()) path = "/";
        headers(response);
        try {
            route(request, response, callback, path);
        } catch (Refused e) {
            page(
                    response,
                    callback,
                    e.status,
                    "console/error.jte",
                    Map.of("frame", errorFrame(request), "status", e.status, "message", e.getMessage()));
        } catch (RuntimeException | IOException e) {
            log.error("console request {} failed", path, e);
            page(
                    response,
                    callback,
                    500,
                    "console/error.jte",
                    Map.of(
                            "frame",
                            errorFrame(request),
                            "status",
                            500,
                            "message",
                            "The request failed; the server log has the details."));
        }
        return true;
    }

    private boolean isVirtualHost(String host) {
        if (host == null || d.domain() == null || d.domain().isEmpty()) return false;
        String h = host.toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon > 0 && !h.endsWith("]")) h = h.substring(0, colon);
        return h.endsWith("." + d.domain().toLowerCase(Locale.ROOT));
    }

    /** Every console answer: nothing cached, not framed, no inline script or style, no referrer leaves. */
    private static void headers(Response response) {
        var h = response.getHeaders();
        h.put("Content-Security-Policy", CSP);
        h.put("X-Frame-Options", "DENY");
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Referrer-Policy", "no-referrer");
        h.put("Cache-Control", "no-store");
        h.put("Pragma", "no-cache");
        h.put("Cross-Origin-Opener-Policy", "same-origin");
    }

    private void route(Request request, Response response, Callback callback, String path) throws IOException {
        String method = request.getMethod();
        Map<String, String> query = QueryRequest.parseForm(request.getHttpURI().getQuery(), null);
        if (path.equals("/static/console.css")) {
            try (InputStream in = Console.class.getResourceAsStream("/io/rampart/console/console.css")) {
                byte[] css = in.readAllBytes();
                response.getHeaders().put("Cache-Control", "private, max-age=300");
                write(response, callback, 200, "text/css; charset=utf-8", css);
            }
            return;
        }
        if (path.equals("/signin")) {
            if ("POST".equals(method)) signIn(request, response, callback, form(request));
            else signInPage(response, callback, null, 200);
            return;
        }
        Optional<Session> session = d.sessions().find(cookie(request, SESSION_COOKIE));
        if (session.isEmpty()) {
            if ("GET".equals(method)) {
                redirect(response, callback, Urls.BASE + "/signin");
            } else {
                throw new Refused(403, "Not signed in (or the session expired): sign in again.");
            }
            return;
        }
        Session s = session.get();
        request.setAttribute(SESSION_ATTRIBUTE, s);
        if ("POST".equals(method)) {
            Map<String, String> form = form(request);
            if (!ConsoleSessions.csrfMatches(s, form.get("csrf"))) {
                throw new Refused(403, "The form's CSRF token is missing or does not match this session.");
            }
            post(request, response, callback, s, path, form);
        } else if ("GET".equals(method) || "HEAD".equals(method)) {
            get(request, response, callback, s, path, query);
        } else {
            throw new Refused(405, "Method not allowed");
        }
    }

    // ---- sign-in ----

    private void signInPage(Response response, Callback callback, String error, int status) {
        String token = ConsoleSessions.randomToken();
        setCookie(response, SIGNIN_COOKIE, token, (int) Duration.ofMinutes(30).toSeconds());
        page(response, callback, status, "console/signin.jte", mapOf("signinToken", token, "error", error));
    }

    private void signIn(Request request, Response response, Callback callback, Map<String, String> form) {
        // Login CSRF: the form must carry the value of the cookie the sign-in page set (double submit,
        // SameSite=Strict).
        String expected = cookie(request, SIGNIN_COOKIE);
        String given = form.get("csrf");
        if (expected == null
                || given == null
                || !java.security.MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
            throw new Refused(403, "The sign-in form expired or came from another site: reload the sign-in page.");
        }
        String keyId = form.getOrDefault("accessKeyId", "").trim();
        Optional<Credential> c = d.sessions().verify(keyId, form.get("secretAccessKey"), form.get("sessionToken"));
        Map<String, String> params = new LinkedHashMap<>();
        if (c.isEmpty()) {
            // The key id is recorded only when the server knows it: a secret pasted into the wrong field is never kept.
            boolean known = isKnownKey(keyId);
            record(
                    request,
                    null,
                    known ? keyId : "",
                    "signin",
                    "ConsoleLogin",
                    null,
                    null,
                    params,
                    Map.of("ConsoleLogin", "Failure"),
                    200,
                    null,
                    "Failed authentication",
                    false,
                    true,
                    Map.of("MFAUsed", "No", "LoginTo", Urls.BASE));
            signInPage(response, callback, "Sign-in failed: the key pair is wrong, inactive or expired.", 401);
            return;
        }
        Session s = d.sessions().start(c.get());
        record(
                request,
                s.principal(),
                s.accessKeyId(),
                "signin",
                "ConsoleLogin",
                null,
                null,
                params,
                Map.of("ConsoleLogin", "Success"),
                200,
                null,
                null,
                false,
                true,
                Map.of("MFAUsed", "No", "LoginTo", Urls.BASE));
        setCookie(response, SESSION_COOKIE, s.id(), -1);
        setCookie(response, SIGNIN_COOKIE, "", 0);
        redirect(response, callback, Urls.BASE + "/");
    }

    private boolean isKnownKey(String keyId) {
        return !keyId.isEmpty()
                && keyId.length() <= 128
                && keyId.chars().allMatch(ch -> ch < 128 && Character.isLetterOrDigit(ch))
                && d.sessions().known(keyId);
    }

    private void setCookie(Response response, String name, String value, int maxAge) {
        HttpCookie.Builder b = HttpCookie.build(name, value)
                .path(Urls.BASE)
                .httpOnly(true)
                .sameSite(HttpCookie.SameSite.STRICT)
                .secure(response.getRequest().isSecure());
        if (maxAge >= 0) b.maxAge(maxAge);
        Response.addCookie(response, b.build());
    }

    private static String cookie(Request request, String name) {
        for (HttpCookie c : Request.getCookies(request)) if (c.getName().equals(name)) return c.getValue();
        return null;
    }

    // ---- pages ----

    private void get(
            Request request, Response response, Callback callback, Session s, String path, Map<String, String> q)
            throws IOException {
        if (path.equals("/")) {
            overview(request, response, callback, s);
        } else if (path.equals("/findings")) {
            requireAllowed(s, "rampart:ListFindings");
            findings(response, callback, s, q);
        } else if (path.startsWith("/findings/")) {
            requireAllowed(s, "rampart:ListFindings");
            finding(response, callback, s, decode(path.substring("/findings/".length())), null);
        } else if (path.equals("/buckets")) {
            buckets(request, response, callback, s);
        } else if (path.startsWith("/buckets/")) {
            String rest = path.substring("/buckets/".length());
            int slash = rest.indexOf('/');
            String bucket = decode(slash < 0 ? rest : rest.substring(0, slash));
            String sub = slash < 0 ? "" : rest.substring(slash + 1);
            switch (sub) {
                case "" -> objects(request, response, callback, s, bucket, q.getOrDefault("prefix", ""));
                case "versions" -> versions(request, response, callback, s, bucket, required(q, "key"), null);
                case "download" ->
                    download(request, response, callback, s, bucket, required(q, "key"), q.get("versionId"));
                default -> throw new Refused(404, "No such console page");
            }
        } else if (path.equals("/restore")) {
            requireAllowed(s, "rampart:Restore");
            restorePage(
                    response,
                    callback,
                    s,
                    new View.RestoreForm(q.getOrDefault("bucket", ""), "", "to", "", ""),
                    null,
                    null);
        } else if (path.startsWith("/restore/jobs/")) {
            requireAllowed(s, "rampart:Restore");
            String id = decode(path.substring("/restore/jobs/".length()));
            RestoreJobs.Job j = d.jobs().job(id).orElseThrow(() -> new Refused(404, "No restore job " + id));
            View.Job job = job(j);
            page(
                    response,
                    callback,
                    200,
                    "console/job.jte",
                    Map.of("frame", frame(s, "Restore job", "restore"), "job", job));
        } else if (path.equals("/trail")) {
            requireAllowed(s, "cloudtrail:LookupEvents");
            trail(response, callback, s, q);
        } else if (path.equals("/trail/export")) {
            requireAllowed(s, "cloudtrail:LookupEvents");
            trailExport(response, callback, q);
        } else if (path.equals("/identities")) {
            identities(request, response, callback, s);
        } else {
            throw new Refused(404, "No such console page");
        }
    }

    private void post(
            Request request, Response response, Callback callback, Session s, String path, Map<String, String> f)
            throws IOException {
        if (path.equals("/signout")) {
            d.sessions().end(s.id());
            record(
                    request,
                    s.principal(),
                    s.accessKeyId(),
                    "signin",
                    "ConsoleSignOut",
                    null,
                    null,
                    Map.of(),
                    Map.of(),
                    200,
                    null,
                    null,
                    false,
                    true,
                    Map.of());
            setCookie(response, SESSION_COOKIE, "", 0);
            redirect(response, callback, Urls.BASE + "/signin");
        } else if (path.startsWith("/findings/") && (path.endsWith("/resolve") || path.endsWith("/archive"))) {
            String rest = path.substring("/findings/".length());
            String id = decode(rest.substring(0, rest.lastIndexOf('/')));
            boolean resolve = path.endsWith("/resolve");
            String event = resolve ? "ResolveFinding" : "ArchiveFinding";
            if (!allowed(s, "rampart:" + event)) {
                record(
                        request,
                        s.principal(),
                        s.accessKeyId(),
                        "s3",
                        event,
                        null,
                        null,
                        Map.of("findingId", id),
                        Map.of(),
                        403,
                        "AccessDenied",
                        "Access Denied",
                        false,
                        true,
                        Map.of());
                throw new Refused(
                        403,
                        "Access Denied: " + s.principal().arn() + " may not " + (resolve ? "resolve" : "archive")
                                + " findings");
            }
            Optional<Finding> done = resolve
                    ? d.findings().resolve(id, s.principal().arn())
                    : d.findings().archive(id, s.principal().arn());
            if (done.isEmpty()) throw new Refused(404, "No finding with id " + id);
            record(
                    request,
                    s.principal(),
                    s.accessKeyId(),
                    "s3",
                    event,
                    null,
                    null,
                    Map.of("findingId", id),
                    Map.of("status", done.get().status().name()),
                    200,
                    null,
                    null,
                    false,
                    true,
                    Map.of());
            finding(response, callback, s, id, resolve ? "Resolved: its responses were reversed." : "Archived.");
        } else if (path.startsWith("/buckets/") && path.endsWith("/restore-version")) {
            String bucket = decode(path.substring("/buckets/".length(), path.length() - "/restore-version".length()));
            String key = required(f, "key");
            String versionId = required(f, "versionId");
            Map<String, List<String>> h = new LinkedHashMap<>();
            h.put(
                    "x-amz-copy-source",
                    List.of("/" + Urls.enc(bucket) + "/" + Urls.enc(key) + "?versionId=" + Urls.enc(versionId)));
            String notice;
            boolean error = false;
            try {
                S3Response r = s3(request, s, "PUT", bucket, key, Map.of(), h, true);
                notice = "Version " + versionId + " is current again as version "
                        + r.headers().getOrDefault("x-amz-version-id", "?");
            } catch (S3Exception e) {
                if (e.code() == S3ErrorCode.ACCESS_DENIED)
                    throw new Refused(403, "Access Denied: CopyObject on " + bucket + "/" + key);
                notice = e.code().code() + ": " + e.getMessage();
                error = true;
            }
            versions(request, response, callback, s, bucket, key, new String[] {notice, Boolean.toString(error)});
        } else if (path.equals("/restore")) {
            restore(request, response, callback, s, f);
        } else if (path.startsWith("/identities/keys/")) {
            String keyId = decode(path.substring("/identities/keys/".length()));
            Map<String, String> p = new LinkedHashMap<>();
            p.put("AccessKeyId", keyId);
            p.put("Status", required(f, "status"));
            if (f.get("userName") != null && !f.get("userName").isEmpty()) p.put("UserName", f.get("userName"));
            try {
                iam(request, s, "UpdateAccessKey", p, true);
            } catch (IamException e) {
                if (e.status() == 403) throw new Refused(403, "Access Denied: " + e.getMessage());
                throw new Refused(e.status(), e.code() + ": " + e.getMessage());
            }
            redirect(response, callback, Urls.BASE + "/identities");
        } else {
            throw new Refused(404, "No such console action");
        }
    }

    private void overview(Request request, Response response, Callback callback, Session s) throws IOException {
        List<View.Posture> posture = new ArrayList<>();
        for (View.BucketRow b : listBuckets(request, s)) {
            if (posture.size() == OVERVIEW_BUCKETS) break;
            String name = b.name();
            String sse = read(
                    request,
                    s,
                    name,
                    "encryption",
                    body -> body.contains("<EncryptionType>SSE-C</EncryptionType>") ? "blocked" : "allowed",
                    "allowed");
            String versioning = read(
                    request,
                    s,
                    name,
                    "versioning",
                    body -> {
                        JsonNode n = xml(body);
                        return n.path("Status").asText("").isEmpty()
                                ? "Off"
                                : n.path("Status").asText();
                    },
                    "Off");
            String lock = read(
                    request,
                    s,
                    name,
                    "object-lock",
                    body -> {
                        JsonNode n = xml(body);
                        String mode = n.path("Rule")
                                .path("DefaultRetention")
                                .path("Mode")
                                .asText("");
                        return "Enabled".equals(n.path("ObjectLockEnabled").asText())
                                ? "Enabled" + (mode.isEmpty() ? "" : " (" + mode + ")")
                                : "Off";
                    },
                    "Off");
            String replication = read(
                    request,
                    s,
                    name,
                    "replication",
                    body -> {
                        JsonNode n = xml(body);
                        return nodes(n, "Rule").size() + " rule(s)";
                    },
                    "Off");
            String logging = read(
                    request,
                    s,
                    name,
                    "logging",
                    body -> {
                        JsonNode n = xml(body);
                        String target =
                                n.path("LoggingEnabled").path("TargetBucket").asText("");
                        return target.isEmpty() ? "Off" : "to " + target;
                    },
                    "Off");
            posture.add(new View.Posture(name, sse, versioning, lock, replication, logging));
        }
        List<View.Count> counts = new ArrayList<>();
        if (allowed(s, "rampart:ListFindings")) {
            Map<String, Long> bySeverity = new LinkedHashMap<>();
            for (io.rampart.detect.Severity sev : io.rampart.detect.Severity.values()) bySeverity.put(sev.name(), 0L);
            for (Finding f : d.findings().list(Finding.Status.OPEN))
                bySeverity.merge(f.severity().name(), 1L, Long::sum);
            bySeverity.forEach((k, v) -> counts.add(new View.Count(k, v)));
        }
        // Server-wide counters, shown only for the buckets this principal can list (all of them for the admin).
        java.util.Set<String> visible = new java.util.HashSet<>();
        posture.forEach(p -> visible.add(p.bucket()));
        java.util.function.Predicate<String> shown = isAdmin(s.principal()) ? b -> true : visible::contains;
        List<View.Chart> charts = List.of(
                View.Chart.of("Requests by bucket", counter("rampart.s3.requests", null, shown)),
                View.Chart.of(
                        "Denied (AccessDenied) by bucket", counter("rampart.s3.authorization.denied", null, shown)),
                View.Chart.of("SSE-C writes by bucket", counter("rampart.s3.sse.c.requests", "true", shown)));
        RecoveryWindow.Stats st = d.window().stats();
        // Server-wide totals: for those who may restore.
        String window = !allowed(s, "rampart:Restore")
                ? "(shown to those allowed rampart:Restore)"
                : d.window().holding()
                        ? st.versions() + " versions, " + bytes(st.bytes()) + " held"
                                + (st.versions() == 0 || st.oldestRemovedAt() == null
                                        ? ""
                                        : ", oldest removed " + time(st.oldestRemovedAt()))
                        : "off (overwritten and deleted versions are not kept)";
        page(
                response,
                callback,
                200,
                "console/overview.jte",
                Map.of(
                        "frame",
                        frame(s, "Overview", "overview"),
                        "buckets",
                        posture,
                        "findings",
                        counts,
                        "charts",
                        charts,
                        "window",
                        window));
    }

    /** Sums a request counter by its bucket label ({@code write} filters the SSE-C series to writes). */
    private Map<String, Long> counter(String name, String write, java.util.function.Predicate<String> shown) {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (var c : d.metrics().registry().find(name).counters()) {
            if (write != null && !write.equals(c.getId().getTag("write"))) continue;
            String bucket = c.getId().getTag("bucket");
            String label = bucket == null || bucket.isEmpty() ? "(service)" : bucket;
            if (!shown.test(label)) continue;
            out.merge(label, (long) c.count(), Long::sum);
        }
        return out;
    }

    @FunctionalInterface
    private interface BodyReader {
        String read(String body) throws IOException;
    }

    /** One bucket sub-resource read as the signed-in principal: "?" when denied, {@code absent} when not configured. */
    private String read(
            Request request, Session s, String bucket, String subresource, BodyReader reader, String absent) {
        try {
            S3Response r = s3(request, s, "GET", bucket, null, Map.of(subresource, ""), Map.of(), false);
            return reader.read(new String(bodyOf(r), StandardCharsets.UTF_8));
        } catch (S3Exception e) {
            return e.code() == S3ErrorCode.ACCESS_DENIED ? "? (denied)" : absent;
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private List<View.BucketRow> listBuckets(Request request, Session s) throws IOException {
        List<View.BucketRow> out = new ArrayList<>();
        try {
            JsonNode n = xml(bodyOf(s3(request, s, "GET", null, null, Map.of(), Map.of(), false)));
            for (JsonNode b : nodes(n.path("Buckets"), "Bucket")) {
                out.add(new View.BucketRow(
                        b.path("Name").asText(), b.path("CreationDate").asText()));
            }
        } catch (S3Exception e) {
            if (e.code() != S3ErrorCode.ACCESS_DENIED) throw e;
        }
        return out;
    }

    private void buckets(Request request, Response response, Callback callback, Session s) throws IOException {
        page(
                response,
                callback,
                200,
                "console/buckets.jte",
                Map.of("frame", frame(s, "Buckets", "buckets"), "buckets", listBuckets(request, s)));
    }

    private void objects(Request request, Response response, Callback callback, Session s, String bucket, String prefix)
            throws IOException {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("list-type", "2");
        q.put("delimiter", "/");
        q.put("max-keys", "1000");
        if (!prefix.isEmpty()) q.put("prefix", prefix);
        JsonNode n = xml(bodyOf(s3orRefuse(request, s, "GET", bucket, null, q)));
        List<String> prefixes = new ArrayList<>();
        for (JsonNode p : nodes(n, "CommonPrefixes"))
            prefixes.add(p.path("Prefix").asText());
        List<View.ObjectRow> objects = new ArrayList<>();
        for (JsonNode c : nodes(n, "Contents")) {
            objects.add(new View.ObjectRow(
                    c.path("Key").asText(),
                    bytes(c.path("Size").asLong()),
                    c.path("LastModified").asText()));
        }
        List<View.WindowRow> window = new ArrayList<>();
        if (permitted(request, s, "GET", bucket, Map.of("versions", "", "max-keys", "1"))) {
            for (RecoveryWindow.Entry e : d.window().after(bucket, prefix, 0, 100)) {
                if (!e.version().key().startsWith(prefix)) break;
                window.add(new View.WindowRow(
                        e.version().key(),
                        e.version().versionId(),
                        bytes(e.version().size()),
                        time(e.removedAt()),
                        nz(e.removedByArn()) + (e.reason() == null ? "" : " (" + e.reason() + ")")));
            }
        }
        page(
                response,
                callback,
                200,
                "console/objects.jte",
                Map.of(
                        "frame",
                        frame(s, bucket, "buckets"),
                        "l",
                        new View.Listing(
                                bucket,
                                prefix,
                                prefixes,
                                objects,
                                window,
                                n.path("IsTruncated").asBoolean())));
    }

    private void versions(
            Request request,
            Response response,
            Callback callback,
            Session s,
            String bucket,
            String key,
            String[] notice)
            throws IOException {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("versions", "");
        q.put("prefix", key);
        q.put("max-keys", "1000");
        JsonNode n = xml(bodyOf(s3orRefuse(request, s, "GET", bucket, null, q)));
        List<View.VersionRow> rows = new ArrayList<>();
        List<JsonNode> all = new ArrayList<>(nodes(n, "Version"));
        all.addAll(nodes(n, "DeleteMarker"));
        for (JsonNode v : all) {
            if (!key.equals(v.path("Key").asText())) continue;
            String id = v.path("VersionId").asText();
            boolean marker = !v.has("ETag");
            Optional<ObjectVersion> stored = d.meta().version(bucket, key, id);
            String enc = stored.map(o -> o.meta().encryption() == null
                            ? "none"
                            : o.meta().encryption().customerKey()
                                    ? "SSE-C (customer key)"
                                    : "AES256".equals(o.meta().encryption().type())
                                            ? "SSE-S3"
                                            : o.meta().encryption().type())
                    .orElse("");
            rows.add(new View.VersionRow(
                    id,
                    v.path("IsLatest").asBoolean(),
                    marker,
                    marker ? "" : bytes(v.path("Size").asLong()),
                    v.path("LastModified").asText(),
                    stored.map(o -> nz(o.writerArn())).orElse(""),
                    stored.map(o -> nz(o.writerKeyId())).orElse(""),
                    marker ? "" : enc));
        }
        rows.sort((a, b) -> b.lastModified().compareTo(a.lastModified()));
        boolean canRestore = allowedS3(s, "s3:PutObject", "arn:aws:s3:::" + bucket + "/" + key)
                && allowedS3(s, "s3:GetObjectVersion", "arn:aws:s3:::" + bucket + "/" + key);
        View.Frame frame = frame(s, key, "buckets");
        if (notice != null) frame = frame.withNotice(notice[0], Boolean.parseBoolean(notice[1]));
        page(
                response,
                callback,
                200,
                "console/versions.jte",
                Map.of("frame", frame, "v", new View.Versions(bucket, key, rows, canRestore)));
    }

    private void download(
            Request request,
            Response response,
            Callback callback,
            Session s,
            String bucket,
            String key,
            String versionId)
            throws IOException {
        Map<String, String> q = versionId == null || versionId.isEmpty() ? Map.of() : Map.of("versionId", versionId);
        S3Response r = s3orRefuse(request, s, "GET", bucket, key, q);
        String name = key.substring(key.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        response.setStatus(200);
        response.getHeaders().put("Content-Type", "application/octet-stream");
        response.getHeaders()
                .put("Content-Disposition", "attachment; filename=\"" + (name.isEmpty() ? "object" : name) + "\"");
        if (r.length() >= 0) response.getHeaders().put("Content-Length", Long.toString(r.length()));
        try (OutputStream out = new ResponseBodyStream(response, r.length())) {
            if (r.body() != null) out.write(r.body());
            else if (r.writer() != null) r.writer().writeTo(out);
        }
        callback.succeeded();
    }

    private void findings(Response response, Callback callback, Session s, Map<String, String> q) {
        String status = q.getOrDefault("status", "OPEN");
        String severity = q.getOrDefault("severity", "");
        Finding.Status st = null;
        if (!status.isEmpty()) {
            try {
                st = Finding.Status.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new Refused(400, "status must be OPEN, ARCHIVED or RESOLVED");
            }
        }
        List<View.FindingRow> rows = new ArrayList<>();
        for (Finding f : d.findings().list(st)) {
            if (!severity.isEmpty() && !f.severity().name().equalsIgnoreCase(severity)) continue;
            rows.add(row(f));
        }
        page(
                response,
                callback,
                200,
                "console/findings.jte",
                Map.of(
                        "frame",
                        frame(s, "Findings", "findings"),
                        "status",
                        status,
                        "severity",
                        severity,
                        "findings",
                        rows));
    }

    private static View.FindingRow row(Finding f) {
        return new View.FindingRow(
                f.id(),
                f.severity().name(),
                f.ruleId(),
                f.status().name(),
                nz(f.principalArn()),
                nz(f.accessKeyId()),
                nz(f.bucket()),
                f.lastTime().toString(),
                f.count());
    }

    private void finding(Response response, Callback callback, Session s, String id, String notice) throws IOException {
        Finding f = d.findings().find(id).orElseThrow(() -> new Refused(404, "No finding with id " + id));
        List<View.Event> timeline = new ArrayList<>();
        java.util.Set<String> evidence = new java.util.HashSet<>(f.evidence());
        if (!evidence.isEmpty()) {
            TrailQuery tq = new TrailQuery(
                    f.firstTime().minusSeconds(1), f.lastTime().plusSeconds(1), null, null, null, null, null, null);
            for (JsonNode r : tq.run(d.trailLayout())) {
                if (evidence.contains(r.path("eventID").asText())) timeline.add(event(r));
            }
        }
        List<View.Response> responses = new ArrayList<>();
        for (Finding.ResponseTaken r : f.responses()) {
            responses.add(
                    new View.Response(r.time().toString(), r.action(), nz(r.target()), r.outcome(), nz(r.detail())));
        }
        View.FindingDetail detail = new View.FindingDetail(
                row(f),
                f.description(),
                f.firstTime().toString(),
                responses,
                timeline,
                allowed(s, "rampart:ResolveFinding"),
                f.status() == Finding.Status.OPEN);
        View.Frame frame = frame(s, f.ruleId(), "findings");
        if (notice != null) frame = frame.withNotice(notice, false);
        page(response, callback, 200, "console/finding.jte", Map.of("frame", frame, "d", detail));
    }

    private static View.Event event(JsonNode r) {
        JsonNode id = r.path("userIdentity");
        String principal = id.path("arn").asText(id.path("type").asText(""));
        JsonNode p = r.path("requestParameters");
        return new View.Event(
                r.path("eventTime").asText(),
                r.path("eventName").asText(),
                principal,
                id.path("accessKeyId").asText(""),
                p.path("bucketName").asText(""),
                p.path("key").asText(""),
                r.path("errorCode").asText(""),
                r.path("sourceIPAddress").asText(""),
                r.path("userAgent").asText(""));
    }

    // ---- restore ----

    private void restorePage(
            Response response, Callback callback, Session s, View.RestoreForm form, View.Plan plan, String error) {
        List<View.Job> list = new ArrayList<>();
        for (RestoreJobs.Job j : d.jobs().jobs()) list.add(job(j));
        View.Frame frame = frame(s, "Restore", "restore");
        if (error != null) frame = frame.withNotice(error, true);
        Map<String, Object> params = new java.util.HashMap<>();
        params.put("frame", frame);
        params.put("form", form);
        params.put("plan", plan);
        params.put("jobs", list);
        params.put("canApply", allowed(s, "rampart:Restore"));
        page(response, callback, error == null ? 200 : 400, "console/restore.jte", params);
    }

    private void restore(Request request, Response response, Callback callback, Session s, Map<String, String> f) {
        View.RestoreForm form = new View.RestoreForm(
                f.getOrDefault("bucket", "").trim(),
                f.getOrDefault("prefix", ""),
                f.getOrDefault("mode", "to"),
                f.getOrDefault("value", "").trim(),
                f.getOrDefault("since", "").trim());
        boolean apply = "apply".equals(f.get("action"));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("bucketName", form.bucket());
        if (!allowed(s, "rampart:Restore")) {
            record(
                    request,
                    s.principal(),
                    s.accessKeyId(),
                    "s3",
                    "PointInTimeRestore",
                    form.bucket(),
                    null,
                    params,
                    Map.of(),
                    403,
                    "AccessDenied",
                    "Access Denied",
                    !apply,
                    true,
                    Map.of());
            throw new Refused(403, "Access Denied: " + s.principal().arn() + " may not restore");
        }
        Restore.Request req;
        try {
            req = restoreRequest(form, apply, params);
        } catch (IllegalArgumentException e) {
            restorePage(response, callback, s, form, null, e.getMessage());
            return;
        }
        if (d.meta().bucket(form.bucket()).isEmpty()) {
            restorePage(response, callback, s, form, null, "NoSuchBucket: " + form.bucket());
            return;
        }
        if (!apply) {
            List<String> keys = new ArrayList<>();
            Restore.Summary sum = d.restore().run(req, s.principal(), chunk -> {
                for (Restore.KeyResult k : chunk) {
                    if (k.action() != Restore.Action.ALREADY_CURRENT && keys.size() < 200)
                        keys.add(k.key() + " → " + k.action());
                }
            });
            List<View.Count> counts = new ArrayList<>();
            for (Restore.Action a : Restore.Action.values())
                counts.add(new View.Count(AdminHandler.camel(a), sum.count(a)));
            Map<String, String> totals = new LinkedHashMap<>();
            counts.forEach(c -> totals.put(c.label(), Long.toString(c.value())));
            record(
                    request,
                    s.principal(),
                    s.accessKeyId(),
                    "s3",
                    "PointInTimeRestore",
                    form.bucket(),
                    null,
                    params,
                    totals,
                    200,
                    null,
                    null,
                    true,
                    true,
                    Map.of());
            restorePage(
                    response,
                    callback,
                    s,
                    form,
                    new View.Plan(counts, keys, sum.keysPlanned(), sum.keysPlanned() > keys.size()),
                    null);
            return;
        }
        params.put("async", "true");
        Principal admin = s.principal();
        String keyId = s.accessKeyId();
        // The job records its writes after this request has completed: its origin is taken now.
        Trail.Draft origin = d.exchanges().console(request, admin, keyId);
        String id = RestoreJobs.newId();
        params.put("jobId", id);
        RequestFacts started = facts(
                again(origin),
                "s3",
                "StartPointInTimeRestore",
                req.bucket(),
                null,
                params,
                Map.of("jobId", id),
                202,
                null,
                null,
                false,
                true,
                Map.of());
        // A run on another node (or after a restart) records through the admin API's hooks, from this call's record.
        RestoreJobs.Job job = d.jobs()
                .start(
                        id,
                        req,
                        admin,
                        RestoreJobTrail.origin(started),
                        new RestoreJobs.Hooks(
                                chunk -> recordActions(origin, req.bucket(), chunk),
                                done -> recordDurably(facts(
                                        again(origin),
                                        "s3",
                                        "PointInTimeRestore",
                                        req.bucket(),
                                        null,
                                        params,
                                        RestoreJobTrail.outcome(done),
                                        200,
                                        null,
                                        null,
                                        false,
                                        true,
                                        Map.of()))));
        recordDurably(started);
        redirect(response, callback, Urls.BASE + "/restore/jobs/" + Urls.enc(job.id()));
    }

    private static Restore.Request restoreRequest(View.RestoreForm f, boolean apply, Map<String, String> params) {
        if (f.bucket().isEmpty()) throw new IllegalArgumentException("A bucket is required");
        Instant now = Instant.now();
        String prefix = f.prefix().isEmpty() ? null : f.prefix();
        if (prefix != null) params.put("prefix", prefix);
        params.put("apply", Boolean.toString(apply));
        Restore.Mode mode = switch (f.mode()) {
            case "to" -> {
                Instant t = RestoreTime.parse(f.value(), now);
                params.put("to", t.toString());
                yield new Restore.ToTime(t);
            }
            case "undoAccessKey", "undoPrincipal" -> {
                if (f.since().isEmpty())
                    throw new IllegalArgumentException("An undo needs a time to undo from (since)");
                Instant since = RestoreTime.parse(f.since(), now);
                params.put(f.mode(), f.value());
                params.put("since", since.toString());
                yield f.mode().equals("undoAccessKey")
                        ? new Restore.Undo(null, f.value(), since)
                        : new Restore.Undo(f.value(), null, since);
            }
            default -> throw new IllegalArgumentException("Unknown restore mode " + f.mode());
        };
        return new Restore.Request(f.bucket(), prefix, mode, false, apply);
    }

    /** One trail record per restore write, as the admin API records them; the chunk's last durably. */
    private void recordActions(Trail.Draft origin, String bucket, List<Restore.KeyResult> chunk) {
        RequestFacts last = null;
        for (Restore.KeyResult k : chunk) {
            if (k.newVersionId() == null) continue;
            Map<String, String> params = new LinkedHashMap<>();
            params.put("bucketName", bucket);
            params.put("key", k.key());
            if (k.targetVersionId() != null) params.put("sourceVersionId", k.targetVersionId());
            if (k.currentVersionId() != null) params.put("replacedVersionId", k.currentVersionId());
            Map<String, String> r = new LinkedHashMap<>();
            r.put("x-amz-version-id", k.newVersionId());
            if (k.action() == Restore.Action.REMOVE_NEW) r.put("x-amz-delete-marker", "true");
            RequestFacts f = facts(
                    again(origin),
                    "s3",
                    k.action() == Restore.Action.REMOVE_NEW ? "RestoreDeleteMarker" : "RestoreObjectVersion",
                    bucket,
                    k.key(),
                    params,
                    r,
                    200,
                    null,
                    null,
                    false,
                    false,
                    Map.of());
            if (last != null) d.exchanges().record(last);
            last = f;
        }
        if (last != null) recordDurably(last);
    }

    private static View.Job job(RestoreJobs.Job j) {
        List<View.Count> counts = new ArrayList<>();
        for (Restore.Action a : Restore.Action.values()) counts.add(new View.Count(AdminHandler.camel(a), j.count(a)));
        String error =
                j.errorCode().map(c -> c + ": " + j.errorMessage().orElse("")).orElse(null);
        return new View.Job(
                j.id(),
                j.state().name(),
                j.request().bucket(),
                nz(j.request().prefix()),
                j.request().apply(),
                j.started().toString(),
                j.finished().map(Instant::toString).orElse(""),
                j.keysDone(),
                counts,
                error,
                j.state() == RestoreJobs.State.RUNNING);
    }

    // ---- trail ----

    private TrailQuery trailQuery(Map<String, String> q) {
        Instant now = Instant.now();
        try {
            return new TrailQuery(
                    blank(q.get("from")) ? null : RestoreTime.parse(q.get("from"), now),
                    blank(q.get("to")) ? null : RestoreTime.parse(q.get("to"), now),
                    emptyToNull(q.get("principal")),
                    emptyToNull(q.get("accessKey")),
                    emptyToNull(q.get("eventName")),
                    emptyToNull(q.get("bucket")),
                    null,
                    null);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, "Bad time: " + e.getMessage());
        }
    }

    private List<JsonNode> trailRecords(Map<String, String> q) throws IOException {
        TrailQuery tq = trailQuery(q);
        String key = emptyToNull(q.get("key"));
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode r : tq.run(d.trailLayout())) {
            if (key == null
                    || key.equals(r.path("requestParameters").path("key").asText())) out.add(r);
        }
        return out;
    }

    private void trail(Response response, Callback callback, Session s, Map<String, String> q) throws IOException {
        boolean searched = q.containsKey("search");
        List<View.Event> events = new ArrayList<>();
        if (searched) {
            List<JsonNode> all = trailRecords(q);
            // Newest first, at most MAX_TRAIL_ROWS on the page (the export has them all).
            for (int i = all.size() - 1; i >= 0 && events.size() < MAX_TRAIL_ROWS; i--) events.add(event(all.get(i)));
        }
        StringBuilder export = new StringBuilder();
        for (String k : List.of("from", "to", "principal", "accessKey", "eventName", "bucket", "key")) {
            if (!blank(q.get(k)))
                export.append(export.isEmpty() ? "" : "&").append(k).append('=').append(Urls.enc(q.get(k)));
        }
        View.TrailForm form = new View.TrailForm(
                nz(q.get("from")),
                nz(q.get("to")),
                nz(q.get("principal")),
                nz(q.get("accessKey")),
                nz(q.get("eventName")),
                nz(q.get("bucket")),
                nz(q.get("key")),
                export.toString());
        page(
                response,
                callback,
                200,
                "console/trail.jte",
                Map.of(
                        "frame",
                        frame(s, "Audit trail", "trail"),
                        "form",
                        form,
                        "events",
                        events,
                        "searched",
                        searched));
    }

    /** {"Records": [...]}, as CloudTrail's log files hold them. */
    private void trailExport(Response response, Callback callback, Map<String, String> q) throws IOException {
        var root = JSON.createObjectNode();
        var records = root.putArray("Records");
        trailRecords(q).forEach(records::add);
        byte[] body = JSON.writeValueAsBytes(root);
        response.getHeaders().put("Content-Disposition", "attachment; filename=\"rampart-trail.json\"");
        write(response, callback, 200, "application/json", body);
    }

    // ---- identities ----

    private void identities(Request request, Response response, Callback callback, Session s) {
        List<View.UserRow> users = new ArrayList<>();
        List<View.KeyRow> keys = new ArrayList<>();
        List<String> userNames = new ArrayList<>();
        JsonNode u = iamRead(request, s, "ListUsers", Map.of());
        if (u != null) {
            for (JsonNode n : nodes(u.path("ListUsersResult").path("Users"), "member")) {
                users.add(new View.UserRow(
                        n.path("UserName").asText(),
                        n.path("Arn").asText(),
                        n.path("CreateDate").asText()));
                userNames.add(n.path("UserName").asText());
            }
        }
        if (userNames.isEmpty() && s.principal().userName() != null)
            userNames.add(s.principal().userName());
        Instant now = Instant.now();
        for (String name : userNames) {
            JsonNode k = iamRead(request, s, "ListAccessKeys", Map.of("UserName", name));
            if (k == null) continue;
            for (JsonNode n : nodes(k.path("ListAccessKeysResult").path("AccessKeyMetadata"), "member")) {
                String id = n.path("AccessKeyId").asText();
                String age = "";
                try {
                    age = Duration.between(Instant.parse(n.path("CreateDate").asText()), now)
                                    .toDays() + " days";
                } catch (RuntimeException e) {
                    // no creation date: leave the age blank
                }
                JsonNode used = iamRead(request, s, "GetAccessKeyLastUsed", Map.of("AccessKeyId", id));
                String last = used == null
                        ? "?"
                        : used.path("GetAccessKeyLastUsedResult")
                                .path("AccessKeyLastUsed")
                                .path("LastUsedDate")
                                .asText("never");
                boolean canChange = allowed(
                        s,
                        "iam:UpdateAccessKey",
                        "arn:aws:iam::" + s.principal().accountId() + ":user/" + name);
                keys.add(new View.KeyRow(name, id, n.path("Status").asText(), age, last, canChange));
            }
        }
        List<View.UserRow> roles = new ArrayList<>();
        JsonNode r = iamRead(request, s, "ListRoles", Map.of());
        if (r != null) {
            for (JsonNode n : nodes(r.path("ListRolesResult").path("Roles"), "member")) {
                roles.add(new View.UserRow(
                        n.path("RoleName").asText(),
                        n.path("Arn").asText(),
                        n.path("CreateDate").asText()));
            }
        }
        List<List<String>> report = new ArrayList<>();
        if (iamRead(request, s, "GenerateCredentialReport", Map.of()) != null) {
            JsonNode rep = iamRead(request, s, "GetCredentialReport", Map.of());
            String content = rep == null
                    ? ""
                    : rep.path("GetCredentialReportResult").path("Content").asText("");
            if (!content.isEmpty()) {
                String csv = new String(java.util.Base64.getMimeDecoder().decode(content), StandardCharsets.UTF_8);
                for (String line : csv.split("\n")) {
                    if (!line.isBlank()) report.add(List.of(line.split(",", -1)));
                }
            }
        }
        page(
                response,
                callback,
                200,
                "console/identities.jte",
                Map.of(
                        "frame",
                        frame(s, "Identities", "identities"),
                        "ids",
                        new View.Identities(users, roles, keys, report)));
    }

    /** An IAM read as the signed-in principal; null when it is refused. */
    private JsonNode iamRead(Request request, Session s, String action, Map<String, String> params) {
        try {
            return xml(iam(request, s, action, params, false));
        } catch (IamException | IOException e) {
            return null;
        }
    }

    /** Runs an IAM action through the IAM API (its own authorisation); a change is recorded as the API records it. */
    private byte[] iam(Request request, Session s, String action, Map<String, String> params, boolean change) {
        Map<String, String> trailResponse = new LinkedHashMap<>();
        String requestId = Exchanges.newRequestId();
        Map<String, String> trailParams = new LinkedHashMap<>();
        params.forEach((k, v) -> trailParams.put(k.substring(0, 1).toLowerCase(Locale.ROOT) + k.substring(1), v));
        try {
            byte[] out = d.iam()
                    .handle(new QueryRequest(
                            action,
                            params,
                            s.principal(),
                            requestId,
                            Trail.sourceIp(request),
                            request.isSecure(),
                            Instant.now(),
                            trailResponse));
            if (change) {
                recordDurably(facts(
                        d.exchanges().console(request, s.principal(), s.accessKeyId()),
                        "iam",
                        action,
                        null,
                        null,
                        trailParams,
                        trailResponse,
                        200,
                        null,
                        null,
                        false,
                        true,
                        Map.of()));
            }
            return out;
        } catch (IamException e) {
            if (change) {
                d.exchanges()
                        .record(facts(
                                d.exchanges().console(request, s.principal(), s.accessKeyId()),
                                "iam",
                                action,
                                null,
                                null,
                                trailParams,
                                Map.of(),
                                e.status(),
                                e.code(),
                                e.getMessage(),
                                false,
                                true,
                                Map.of()));
            }
            throw e;
        }
    }

    // ---- S3 as the signed-in principal ----

    /** An S3 read that the page cannot do without: AccessDenied and NoSuchBucket become the console's 403 and 404. */
    private S3Response s3orRefuse(
            Request request, Session s, String method, String bucket, String key, Map<String, String> q)
            throws IOException {
        try {
            return s3(request, s, method, bucket, key, q, Map.of(), false);
        } catch (S3Exception e) {
            if (e.code() == S3ErrorCode.ACCESS_DENIED) {
                throw new Refused(
                        403,
                        "Access Denied: " + s.principal().arn() + " may not read " + bucket
                                + (key == null ? "" : "/" + key));
            }
            if (e.code().status() == 404) throw new Refused(404, e.code().code() + ": " + e.getMessage());
            throw new Refused(e.code().status(), e.code().code() + ": " + e.getMessage());
        }
    }

    private boolean permitted(Request request, Session s, String method, String bucket, Map<String, String> q) {
        try {
            s3(request, s, method, bucket, null, q, Map.of(), false);
            return true;
        } catch (S3Exception | IOException e) {
            return false;
        }
    }

    /**
     * Runs one S3 operation as the session's principal through the S3 service, which authorises it exactly as for a
     * signed request. A change ({@code record}) is in the trail as the S3 port records it, durably before the page
     * says it happened; refused changes are recorded too.
     */
    private S3Response s3(
            Request request,
            Session s,
            String method,
            String bucket,
            String key,
            Map<String, String> query,
            Map<String, List<String>> headers,
            boolean record)
            throws IOException {
        Map<String, List<String>> h = new LinkedHashMap<>(headers);
        h.put("user-agent", List.of(USER_AGENT));
        Operation op = Router.route(method, bucket, key, query, h.containsKey("x-amz-copy-source"));
        Trail.Draft draft = record
                ? d.exchanges()
                        .console(
                                request,
                                op,
                                new RequestTarget(bucket, key, query, false, false),
                                h,
                                s.principal(),
                                s.accessKeyId())
                : null;
        String requestId = draft != null ? draft.requestId() : Exchanges.newRequestId();
        ConsoleCall call = new ConsoleCall(
                method, bucket, key, query, h, s.principal(), requestId, request.isSecure(), Trail.sourceIp(request));
        if (draft == null) return d.s3().handle(op, call);
        try {
            S3Response r = d.s3().handle(op, call);
            Map<String, Object> extra = new LinkedHashMap<>(r.trail());
            extra.put("sessionCredentialFromConsole", "true");
            draft.additional(extra);
            recordDurably(draft.done(r.status(), r.headers(), 0, Math.max(0, r.length()), null, null));
            return r;
        } catch (S3Exception e) {
            draft.additional(Map.of("sessionCredentialFromConsole", "true"));
            d.exchanges()
                    .record(draft.done(
                            e.code().status(), e.headers(), 0, 0, e.code().code(), e.getMessage()));
            throw e;
        }
    }

    private static byte[] bodyOf(S3Response r) throws IOException {
        if (r.body() != null) return r.body();
        if (r.writer() == null) return new byte[0];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.writer().writeTo(out);
        return out.toByteArray();
    }

    /**
     * An S3 or IAM answer as a tree: the root's children by name (a repeated element becomes an array), leaves as
     * text. Parsed by the project's hardened parser ({@link io.rampart.xml.XmlElement}).
     */
    private static JsonNode xml(byte[] body) throws IOException {
        if (body.length == 0) return JSON.createObjectNode();
        try {
            return tree(io.rampart.xml.XmlElement.parse(body));
        } catch (io.rampart.xml.XmlElement.MalformedXmlException e) {
            throw new IOException("unreadable XML answer: " + e.getMessage(), e);
        }
    }

    private static JsonNode tree(io.rampart.xml.XmlElement e) {
        if (e.children().isEmpty()) return com.fasterxml.jackson.databind.node.TextNode.valueOf(e.text());
        com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode();
        for (io.rampart.xml.XmlElement c : e.children()) {
            JsonNode v = tree(c);
            JsonNode seen = o.get(c.name());
            if (seen == null) {
                o.set(c.name(), v);
            } else if (seen.isArray()) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) seen).add(v);
            } else {
                o.set(c.name(), JSON.createArrayNode().add(seen).add(v));
            }
        }
        return o;
    }

    private static JsonNode xml(String body) throws IOException {
        return xml(body.getBytes(StandardCharsets.UTF_8));
    }

    /** An XML element that may repeat: Jackson reads one as an object and several as an array. */
    private static List<JsonNode> nodes(JsonNode parent, String field) {
        JsonNode n = parent.path(field);
        List<JsonNode> out = new ArrayList<>();
        if (n.isArray()) n.forEach(out::add);
        else if (n.isObject()) out.add(n);
        return out;
    }

    /** One S3 operation the console runs: no signature (the session is the credential), no body. */
    private record ConsoleCall(
            String method,
            String bucket,
            String key,
            Map<String, String> query,
            Map<String, List<String>> headers,
            Principal principal,
            String requestId,
            boolean secure,
            String sourceIp)
            implements S3Call {
        @Override
        public InputStream body() {
            return new ByteArrayInputStream(new byte[0]);
        }

        @Override
        public long contentLength() {
            return 0;
        }

        @Override
        public Map<String, String> verifiedChecksums() {
            return Map.of();
        }
    }

    // ---- authorisation of console actions ----

    private boolean isAdmin(Principal p) {
        return !p.isAnonymous() && p.accountId().equals(d.adminAccountId()) && p.isAccountAdmin();
    }

    /** A console action with no S3 or IAM operation of its own: the admin, or an identity policy allowing it. */
    private boolean allowed(Session s, String action) {
        return allowed(s, action, "*");
    }

    private boolean allowed(Session s, String action, String resource) {
        Principal p = s.principal();
        if (isAdmin(p)) return true;
        RequestContext ctx = new RequestContext(
                action,
                resource,
                Permissions.contextPrincipal(p),
                p.accountId(),
                Permissions.globalKeys(p, Instant.now(), false, "", d.region()));
        return d.permissions().decideIdentityOnly(p, ctx).allowed();
    }

    /**
     * Whether to offer an S3 change (a button): the caller's identity side. The change itself is decided in full (bucket
     * policy too) when it runs, so a hidden button is a courtesy and a shown one no promise.
     */
    private boolean allowedS3(Session s, String action, String resource) {
        return allowed(s, action, resource);
    }

    private void requireAllowed(Session s, String action) {
        if (!allowed(s, action)) {
            throw new Refused(403, "Access Denied: " + s.principal().arn() + " is not allowed " + action);
        }
    }

    // ---- trail records of console requests ----

    /** A draft for one more event of a console request's origin: its own request id and time. */
    private static Trail.Draft again(Trail.Draft origin) {
        return origin.again(Exchanges.newRequestId());
    }

    /**
     * A console event's record, through the exchange's draft (connection, principal, the console's user agent):
     * marked {@code sessionCredentialFromConsole} as CloudTrail marks console sign-in sessions.
     */
    private static RequestFacts facts(
            Trail.Draft draft,
            String service,
            String eventName,
            String bucket,
            String key,
            Map<String, String> params,
            Map<String, String> response,
            int status,
            String errorCode,
            String errorMessage,
            boolean readOnly,
            boolean management,
            Map<String, Object> additional) {
        Map<String, Object> extra = new LinkedHashMap<>(additional);
        extra.put("sessionCredentialFromConsole", "true");
        draft.event(service, eventName, bucket, key, params, readOnly, management);
        draft.additional(extra);
        return draft.done(status, response, 0, 0, errorCode, errorMessage);
    }

    private void record(
            Request request,
            Principal p,
            String keyId,
            String service,
            String eventName,
            String bucket,
            String key,
            Map<String, String> params,
            Map<String, String> response,
            int status,
            String errorCode,
            String errorMessage,
            boolean readOnly,
            boolean management,
            Map<String, Object> additional) {
        RequestFacts f = facts(
                d.exchanges().console(request, p, keyId),
                service,
                eventName,
                bucket,
                key,
                params,
                response,
                status,
                errorCode,
                errorMessage,
                readOnly,
                management,
                additional);
        d.exchanges().record(f, errorCode == null && !readOnly);
    }

    private void recordDurably(RequestFacts f) {
        d.exchanges().recordChange(f);
    }

    // ---- HTTP plumbing ----

    /** An error page keeps the signed-in frame (navigation, sign-out) when the request had a session. */
    private View.Frame errorFrame(Request request) {
        return frame(request.getAttribute(SESSION_ATTRIBUTE) instanceof Session s ? s : null, "Error", "");
    }

    private View.Frame frame(Session s, String title, String active) {
        if (s == null) return new View.Frame(title, active, "", "", "", null, false);
        return new View.Frame(title, active, s.principal().arn(), s.accessKeyId(), s.csrfToken(), null, false);
    }

    private void page(Response response, Callback callback, int status, String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        templates.render(template, params, out);
        write(
                response,
                callback,
                status,
                "text/html; charset=utf-8",
                out.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void write(Response response, Callback callback, int status, String type, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put("Content-Type", type);
        response.getHeaders().put("Content-Length", Integer.toString(body.length));
        if ("HEAD".equals(response.getRequest().getMethod())) {
            callback.succeeded();
            return;
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** 303 See Other: after a POST the browser GETs the next page (no resubmission on reload). */
    private static void redirect(Response response, Callback callback, String location) {
        response.setStatus(303);
        response.getHeaders().put("Location", location);
        response.getHeaders().put("Content-Length", "0");
        callback.succeeded();
    }

    private static Map<String, String> form(Request request) throws IOException {
        HttpField type = request.getHeaders().getField("content-type");
        if (type == null || !type.getValue().toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw new Refused(415, "Forms are posted as application/x-www-form-urlencoded");
        }
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes(MAX_FORM + 1);
        }
        if (body.length > MAX_FORM) throw new Refused(413, "The form is too large");
        return QueryRequest.parseForm(null, body);
    }

    private static String required(Map<String, String> m, String name) {
        String v = m.get(name);
        if (v == null || v.isEmpty()) throw new Refused(400, "\"" + name + "\" is required");
        return v;
    }

    private static String decode(String segment) {
        return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> mapOf(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new java.util.HashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String emptyToNull(String s) {
        return blank(s) ? null : s.trim();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        if (n < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
        return String.format(Locale.ROOT, "%.1f GiB", n / 1073741824.0);
    }
}

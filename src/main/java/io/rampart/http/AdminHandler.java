package io.rampart.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.audit.RequestFacts;
import io.rampart.auth.AuthException;
import io.rampart.auth.Authenticated;
import io.rampart.auth.BodyVerificationException;
import io.rampart.auth.SigV4Verifier;
import io.rampart.auth.SignedRequest;
import io.rampart.iam.Principal;
import io.rampart.recovery.Restore;
import io.rampart.recovery.RestoreJobs;
import io.rampart.recovery.RestoreTime;
import io.rampart.s3.Operation;
import io.rampart.s3.S3ErrorCode;
import io.rampart.s3.S3Exception;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API on the S3 port, under the path-style "bucket" {@code _rampart} (no bucket name starts with '_'): what
 * AWS has no API for. SigV4-signed like any S3 request, allowed only for the primary account's admin user or root.
 * Answers JSON; {@code POST /_rampart/admin/restore} streams its plan or outcome as JSON lines, or, with
 * {@code "async": true} in the body, starts it as a background job (202 and the job's id) that
 * {@code GET /_rampart/admin/restore/jobs/<id>} reports on ({@code GET /_rampart/admin/restore/jobs} lists them).
 */
final class AdminHandler {
    static final String BUCKET = "_rampart";
    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;

    private final SigV4Verifier verifier;
    private final Restore restore;
    private final String adminAccountId;
    private final io.rampart.detect.FindingsService findings;
    private final AdminPosture posture;
    private final RestoreJobs jobs;

    /**
     * With the findings of the detector, the read-only posture resources (rampart guard's Rampart checks) and the
     * server's background restores (shared with the console, kept in the metadata database).
     */
    AdminHandler(
            SigV4Verifier verifier,
            Restore restore,
            String adminAccountId,
            io.rampart.detect.FindingsService findings,
            AdminPosture posture,
            RestoreJobs jobs) {
        this.verifier = java.util.Objects.requireNonNull(verifier);
        this.restore = java.util.Objects.requireNonNull(restore);
        this.adminAccountId = adminAccountId;
        this.findings = java.util.Objects.requireNonNull(findings);
        this.posture = java.util.Objects.requireNonNull(posture);
        this.jobs = java.util.Objects.requireNonNull(jobs);
    }

    /** The request's failure as the admin API answers it: an S3 error code and message, as JSON. */
    private static final class AdminException extends RuntimeException {
        final S3ErrorCode code;

        AdminException(S3ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    void handle(Exchange x, RequestTarget target) {
        Request request = x.request();
        Response response = x.response();
        Callback callback = x.callback();
        String requestId = x.requestId();
        String method = x.method();
        String rawPath = x.rawPath();
        String rawQuery = x.rawQuery();
        Trail.Draft draft = x.begin(Operation.NOT_IMPLEMENTED, target);
        Map<String, String> params = new LinkedHashMap<>();
        try {
            Authenticated auth = verifier.verify(
                    new SignedRequest(method, rawPath, rawQuery == null ? "" : rawQuery, x.headers()),
                    Content.Source.asInputStream(request));
            draft.authenticated(auth);
            if (!"s3".equals(auth.service())) {
                throw new AdminException(S3ErrorCode.INVALID_REQUEST, "Sign admin requests for the service \"s3\"");
            }
            if (!isAdmin(auth.principal())) {
                throw new AdminException(S3ErrorCode.ACCESS_DENIED, "Only the account's admin may use the admin API");
            }
            if (target.key() != null
                    && (target.key().equals("admin/findings") || target.key().startsWith("admin/findings/"))) {
                AdminFindings.Answer a =
                        AdminFindings.handle(findings, method, target.key(), target.query(), auth.principal());
                byte[] body = JSON.writeValueAsBytes(a.body());
                RequestFacts facts = named(
                        draft.done(200, Map.of(), 0, body.length, null, null),
                        a.eventName(),
                        null,
                        null,
                        a.params(),
                        Map.of(),
                        a.readOnly(),
                        true);
                x.complete(facts, !a.readOnly(), -1, () -> {
                    response.setStatus(200);
                    response.getHeaders().put("Content-Type", "application/json");
                    response.getHeaders().put("Content-Length", Integer.toString(body.length));
                    response.write(true, java.nio.ByteBuffer.wrap(body), callback);
                    return true;
                });
                return;
            }
            String key = target.key() == null ? "" : target.key();
            if (AdminPosture.handles(key)) {
                AdminPosture.Answer a = posture.handle(method, key, target.query());
                params.putAll(a.params());
                x.complete(
                        named(
                                draft.done(200, Map.of(), 0, 0, null, null),
                                a.eventName(),
                                params.get("bucketName"),
                                null,
                                params,
                                Map.of(),
                                true,
                                true),
                        false,
                        -1,
                        () -> sendJson(response, callback, 200, a.body()));
                return;
            }
            if (key.equals("admin/restore/jobs") || key.startsWith("admin/restore/jobs/")) {
                if (!"GET".equals(method)) {
                    throw new AdminException(S3ErrorCode.METHOD_NOT_ALLOWED, "Use GET for /" + BUCKET + "/" + key);
                }
                jobStatus(
                        x,
                        key.equals("admin/restore/jobs") ? null : key.substring("admin/restore/jobs/".length()),
                        params);
                return;
            }
            if (!"admin/restore".equals(key)) {
                throw new AdminException(
                        S3ErrorCode.INVALID_REQUEST, "Unknown admin resource /" + BUCKET + "/" + target.key());
            }
            if (!"POST".equals(method)) {
                throw new AdminException(S3ErrorCode.METHOD_NOT_ALLOWED, "Use POST for /" + BUCKET + "/admin/restore");
            }
            restore(x, auth, params);
        } catch (AdminException e) {
            fail(x, "AdminRequest", params, e.code, e.getMessage());
        } catch (S3Exception e) {
            fail(x, "AdminRequest", params, e.code(), e.getMessage());
        } catch (AuthException e) {
            fail(x, "AdminRequest", params, AuthErrors.s3(e.error()), e.getMessage());
        } catch (BodyVerificationException e) {
            fail(x, "AdminRequest", params, AuthErrors.s3(e.error()), e.getMessage());
        } catch (IOException | RuntimeException e) {
            log.error("admin request {} {} failed", requestId, rawPath, e);
            fail(x, "AdminRequest", params, S3ErrorCode.INTERNAL_ERROR, S3ErrorCode.INTERNAL_ERROR.defaultMessage());
        }
    }

    private boolean isAdmin(Principal p) {
        return p.accountId().equals(adminAccountId) && p.isAccountAdmin();
    }

    /** The request body: {bucket, prefix, to | undoPrincipal | undoAccessKey | deleted, since, removeNew, apply, limit}. */
    private static Restore.Request parse(JsonNode body, Instant now, Map<String, String> params) {
        if (body == null || !body.isObject())
            throw new AdminException(S3ErrorCode.INVALID_REQUEST, "The body must be a JSON object");
        String bucket = text(body, "bucket");
        if (bucket == null || bucket.isEmpty())
            throw new AdminException(S3ErrorCode.INVALID_REQUEST, "\"bucket\" is required");
        params.put("bucketName", bucket);
        String prefix = text(body, "prefix");
        if (prefix != null) params.put("prefix", prefix);
        String to = text(body, "to");
        String undoPrincipal = text(body, "undoPrincipal");
        String undoKey = text(body, "undoAccessKey");
        String since = text(body, "since");
        boolean deleted = body.path("deleted").asBoolean(false);
        int modes =
                (to != null ? 1 : 0) + (undoPrincipal != null ? 1 : 0) + (undoKey != null ? 1 : 0) + (deleted ? 1 : 0);
        if (modes != 1) {
            throw new AdminException(
                    S3ErrorCode.INVALID_REQUEST,
                    "Give exactly one of \"to\", \"undoPrincipal\", \"undoAccessKey\" and \"deleted\"");
        }
        boolean removeNew = body.path("removeNew").asBoolean(false);
        boolean apply = body.path("apply").asBoolean(false);
        params.put("removeNew", Boolean.toString(removeNew));
        params.put("apply", Boolean.toString(apply));
        try {
            Restore.Mode mode;
            if (to != null) {
                if (since != null)
                    throw new AdminException(
                            S3ErrorCode.INVALID_REQUEST, "\"since\" goes with an undo, not with \"to\"");
                Instant t = RestoreTime.parse(to, now);
                params.put("to", t.toString());
                mode = new Restore.ToTime(t);
            } else if (deleted) {
                // Without "since": everything deleted that the versions and the recovery window still hold.
                Instant s = since == null ? Instant.EPOCH : RestoreTime.parse(since, now);
                params.put("deleted", "true");
                params.put("since", s.toString());
                mode = new Restore.Deleted(s);
            } else {
                if (since == null) throw new AdminException(S3ErrorCode.INVALID_REQUEST, "An undo needs \"since\"");
                Instant s = RestoreTime.parse(since, now);
                if (undoPrincipal != null) params.put("undoPrincipal", undoPrincipal);
                else params.put("undoAccessKey", undoKey);
                params.put("since", s.toString());
                mode = new Restore.Undo(undoPrincipal, undoKey, s);
            }
            return new Restore.Request(bucket, prefix, mode, removeNew, apply);
        } catch (IllegalArgumentException e) {
            throw new AdminException(S3ErrorCode.INVALID_REQUEST, e.getMessage());
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private void restore(Exchange x, Authenticated auth, Map<String, String> params) throws IOException {
        Response response = x.response();
        Callback callback = x.callback();
        Trail.Draft draft = x.draft();
        Exchanges trail = x.exchanges();
        JsonNode body;
        try (InputStream in = auth.body()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) throw new AdminException(S3ErrorCode.INVALID_REQUEST, "The body is too large");
            body = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new AdminException(
                    S3ErrorCode.INVALID_REQUEST, "The body is not valid JSON: " + e.getOriginalMessage());
        }
        Restore.Request req = parse(body, Instant.now(), params);
        long limit = body.path("limit").asLong(Long.MAX_VALUE);
        if (limit < 0) throw new AdminException(S3ErrorCode.INVALID_REQUEST, "\"limit\" must not be negative");
        Principal admin = auth.principal();
        if (body.path("async").asBoolean(false)) {
            startJob(x, req, admin, params);
            return;
        }

        response.setStatus(200);
        response.getHeaders().put("Content-Type", "application/x-ndjson");
        OutputStream out = new BufferedOutputStream(Content.Sink.asOutputStream(response), 64 * 1024);
        long[] lines = {0};
        RequestFacts call = draft.done(200, Map.of(), 0, 0, null, null);
        Restore.Summary summary;
        java.util.Set<String> planned = new java.util.HashSet<>();
        try {
            summary = restore.run(req, admin, chunk -> {
                if (req.apply()) recordActions(trail, call, req.bucket(), chunk);
                for (Restore.KeyResult k : chunk) planned.add(k.key());
                try {
                    for (Restore.KeyResult k : chunk) {
                        if (lines[0]++ >= limit) continue;
                        out.write(JSON.writeValueAsBytes(keyLine(k)));
                        out.write('\n');
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (S3Exception e) {
            if (!response.isCommitted()) {
                // Nothing streamed yet (e.g. NoSuchBucket): answer it as an ordinary error.
                response.reset();
                throw e;
            }
            streamError(out, x, params, e.code(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            log.error("restore {} failed", params, e);
            if (!response.isCommitted()) {
                response.reset();
                throw e;
            }
            streamError(out, x, params, S3ErrorCode.INTERNAL_ERROR, "restore failed: " + e);
            return;
        }
        ObjectNode s = JSON.createObjectNode();
        ObjectNode sum = s.putObject("summary");
        sum.put("bucket", summary.bucket());
        sum.put("prefix", summary.prefix());
        sum.put("applied", summary.applied());
        sum.put("keysScanned", summary.keysScanned());
        sum.put("keysPlanned", summary.keysPlanned());
        for (Restore.Action a : Restore.Action.values()) sum.put(camel(a), summary.count(a));
        sum.put("linesOmitted", Math.max(0, lines[0] - limit));
        sum.put("millis", summary.millis());
        restore.crossCheck(req, planned).ifPresent(c -> {
            ObjectNode t = sum.putObject("trail");
            t.put("writes", c.trailWrites());
            t.put("keysInTrail", c.keysInTrail());
            t.put("confirmed", c.confirmed());
            t.put("onlyInTrail", c.onlyInTrailCount());
            c.onlyInTrail().forEach(t.withArray("onlyInTrailKeys")::add);
            t.put("notInTrail", c.notInTrailCount());
            c.notInTrail().forEach(t.withArray("notInTrailKeys")::add);
        });
        Map<String, String> totals = new LinkedHashMap<>();
        for (Restore.Action a : Restore.Action.values()) totals.put(camel(a), Long.toString(summary.count(a)));
        // The admin call's own record; durable before its summary (the acknowledgement) is sent.
        RequestFacts facts = named(call, "PointInTimeRestore", req.bucket(), null, params, totals, !req.apply(), true);
        x.complete(facts, req.apply(), -1, () -> {
            out.write(JSON.writeValueAsBytes(s));
            out.write('\n');
            out.close();
            callback.succeeded();
            return true;
        });
    }

    /**
     * Starts the restore as a background job: 202 with the job; its writes and outcome go to the trail as it runs
     * (through {@link RestoreJobTrail}, from the record of this call kept with the job, so that a run on another node
     * records them the same way).
     */
    private void startJob(Exchange x, Restore.Request req, Principal admin, Map<String, String> params)
            throws IOException {
        Exchanges trail = x.exchanges();
        String id = RestoreJobs.newId();
        params.put("async", "true");
        params.put("jobId", id);
        // Recorded as it is answered (not durably: the job records its own writes, durably, as it makes them).
        RequestFacts started = named(
                x.draft().done(202, Map.of(), 0, 0, null, null),
                "StartPointInTimeRestore",
                req.bucket(),
                null,
                params,
                Map.of("jobId", id),
                false,
                true);
        String origin = RestoreJobTrail.origin(started);
        RestoreJobs.Job job = jobs.start(id, req, admin, origin, RestoreJobTrail.hooks(trail, req, admin, origin));
        x.complete(started, false, -1, () -> sendJson(x.response(), x.callback(), 202, jobNode(job)));
    }

    private void jobStatus(Exchange x, String id, Map<String, String> params) throws IOException {
        ObjectNode out;
        if (id == null) {
            out = JSON.createObjectNode();
            var list = out.putArray("jobs");
            for (RestoreJobs.Job j : jobs.jobs()) list.add(jobNode(j).get("job"));
        } else {
            params.put("jobId", id);
            RestoreJobs.Job job = jobs.job(id)
                    .orElseThrow(() -> new AdminException(
                            S3ErrorCode.NO_SUCH_KEY,
                            "No restore job " + id + " (the most recent 100 finished jobs are kept)"));
            out = jobNode(job);
        }
        ObjectNode answer = out;
        x.complete(
                named(
                        x.draft().done(200, Map.of(), 0, 0, null, null),
                        "GetPointInTimeRestoreJob",
                        null,
                        null,
                        params,
                        Map.of(),
                        true,
                        true),
                false,
                -1,
                () -> sendJson(x.response(), x.callback(), 200, answer));
    }

    /** {"job": {id, state, bucket, prefix, apply, started, finished, keysDone, counts, summary | error}}. */
    private static ObjectNode jobNode(RestoreJobs.Job j) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode n = root.putObject("job");
        n.put("id", j.id());
        n.put("state", j.state().name());
        n.put("bucket", j.request().bucket());
        if (j.request().prefix() != null) n.put("prefix", j.request().prefix());
        n.put("apply", j.request().apply());
        n.put("started", j.started().toString());
        j.finished().ifPresent(f -> n.put("finished", f.toString()));
        n.put("keysDone", j.keysDone());
        ObjectNode counts = n.putObject("counts");
        for (Restore.Action a : Restore.Action.values()) counts.put(camel(a), j.count(a));
        j.summary().ifPresent(s -> {
            ObjectNode sum = n.putObject("summary");
            sum.put("bucket", s.bucket());
            sum.put("prefix", s.prefix());
            sum.put("applied", s.applied());
            sum.put("keysScanned", s.keysScanned());
            sum.put("keysPlanned", s.keysPlanned());
            for (Restore.Action a : Restore.Action.values()) sum.put(camel(a), s.count(a));
            sum.put("millis", s.millis());
        });
        j.errorCode()
                .ifPresent(c -> n.putObject("error")
                        .put("code", c)
                        .put("message", j.errorMessage().orElse("")));
        return root;
    }

    private static boolean sendJson(Response response, Callback callback, int status, ObjectNode node) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        byte[] withNewline = java.util.Arrays.copyOf(body, body.length + 1);
        withNewline[body.length] = '\n';
        response.setStatus(status);
        response.getHeaders().put("Content-Type", "application/json");
        response.getHeaders().put("Content-Length", Integer.toString(withNewline.length));
        response.write(true, java.nio.ByteBuffer.wrap(withNewline), callback);
        return true;
    }

    /** One trail record per restore write, under the admin call's identity; the chunk's last durably. */
    static void recordActions(Exchanges trail, RequestFacts call, String bucket, List<Restore.KeyResult> chunk) {
        RequestFacts last = null;
        for (Restore.KeyResult k : chunk) {
            if (k.newVersionId() == null) continue;
            Map<String, String> p = new LinkedHashMap<>();
            p.put("bucketName", bucket);
            p.put("key", k.key());
            if (k.targetVersionId() != null) p.put("sourceVersionId", k.targetVersionId());
            // A key restored from the recovery window may have had no version at all.
            if (k.currentVersionId() != null) p.put("replacedVersionId", k.currentVersionId());
            Map<String, String> r = new LinkedHashMap<>();
            r.put("x-amz-version-id", k.newVersionId());
            if (k.action() == Restore.Action.REMOVE_NEW) r.put("x-amz-delete-marker", "true");
            RequestFacts f = named(
                    call,
                    k.action() == Restore.Action.REMOVE_NEW ? "RestoreDeleteMarker" : "RestoreObjectVersion",
                    bucket,
                    k.key(),
                    p,
                    r,
                    false,
                    false);
            if (last != null) trail.record(last);
            last = f;
        }
        if (last != null) trail.recordChange(last);
    }

    static RequestFacts named(
            RequestFacts f,
            String eventName,
            String bucket,
            String key,
            Map<String, String> params,
            Map<String, String> response,
            boolean readOnly,
            boolean management) {
        // The admin event's own name and resources; no documents or additionalEventData of the draft.
        return f.toBuilder()
                .eventName(eventName)
                .bucket(bucket)
                .key(key)
                .requestParameters(Map.copyOf(params))
                .responseElements(Map.copyOf(response))
                .readOnly(readOnly)
                .management(management)
                .documents(Map.of())
                .additional(Map.of())
                .build();
    }

    private static ObjectNode keyLine(Restore.KeyResult k) {
        ObjectNode n = JSON.createObjectNode();
        n.put("key", k.key());
        n.put("action", k.action().name());
        if (k.currentVersionId() != null) n.put("currentVersionId", k.currentVersionId());
        if (k.targetVersionId() != null) n.put("targetVersionId", k.targetVersionId());
        if (k.newVersionId() != null) n.put("newVersionId", k.newVersionId());
        if (k.error() != null) n.put("error", k.error());
        return n;
    }

    /** RESTORE → "restore", ALREADY_CURRENT → "alreadyCurrent". */
    static String camel(Restore.Action a) {
        StringBuilder sb = new StringBuilder();
        boolean up = false;
        for (char ch : a.name().toLowerCase(java.util.Locale.ROOT).toCharArray()) {
            if (ch == '_') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(ch) : ch);
                up = false;
            }
        }
        return sb.toString();
    }

    /** A failure after lines were streamed: a final {"error": ...} line (the status is already 200). */
    private static void streamError(
            OutputStream out, Exchange x, Map<String, String> params, S3ErrorCode code, String message) {
        complete(x, failure(x, "PointInTimeRestore", params, code, message), () -> {
            try {
                ObjectNode n = JSON.createObjectNode();
                n.putObject("error").put("code", code.code()).put("message", message);
                out.write(JSON.writeValueAsBytes(n));
                out.write('\n');
                out.close();
                x.callback().succeeded();
            } catch (IOException e) {
                x.callback().failed(e);
            }
            return true;
        });
    }

    private static void fail(
            Exchange x, String eventName, Map<String, String> params, S3ErrorCode code, String message) {
        RequestFacts facts =
                failure(x, params.containsKey("bucketName") ? "PointInTimeRestore" : eventName, params, code, message);
        complete(x, facts, () -> {
            ObjectNode n = JSON.createObjectNode();
            n.putObject("error")
                    .put("code", code.code())
                    .put("message", message)
                    .put("requestId", x.requestId());
            byte[] body;
            try {
                body = JSON.writeValueAsBytes(n);
            } catch (JsonProcessingException e) {
                body = ("{\"error\":{\"code\":\"" + code.code() + "\"}}").getBytes(StandardCharsets.UTF_8);
            }
            Response response = x.response();
            response.setStatus(code.status());
            response.getHeaders().put("Content-Type", "application/json");
            response.getHeaders().put("Content-Length", Integer.toString(body.length + 1));
            byte[] withNewline = java.util.Arrays.copyOf(body, body.length + 1);
            withNewline[body.length] = '\n';
            response.write(true, java.nio.ByteBuffer.wrap(withNewline), x.callback());
            return true;
        });
    }

    /** The record of a failed admin request (null when it cannot be made: the failure is answered all the same). */
    private static RequestFacts failure(
            Exchange x, String eventName, Map<String, String> params, S3ErrorCode code, String message) {
        try {
            RequestFacts f = x.draft().done(code.status(), Map.of(), 0, 0, code.code(), message);
            return named(f, eventName, params.get("bucketName"), null, params, Map.of(), true, true);
        } catch (RuntimeException e) {
            log.error("could not record an admin request in the audit trail", e);
            return null;
        }
    }

    /** Answers a failure and records it after the answer (a failure is no change). */
    private static void complete(Exchange x, RequestFacts facts, Exchange.Answer answer) {
        try {
            if (facts == null) answer.send();
            else x.complete(facts, false, -1, answer);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // not thrown: the error answers report to the callback
        }
    }
}

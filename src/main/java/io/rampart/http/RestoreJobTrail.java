package io.rampart.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.audit.RequestFacts;
import io.rampart.iam.Principal;
import io.rampart.recovery.Restore;
import io.rampart.recovery.RestoreJobs;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a background restore reaches the audit trail, whichever run of it does the work: the record of the call that
 * started it ({@code StartPointInTimeRestore}) is kept with the job as its origin, so that a run on another node, or
 * after a restart, records its writes ({@code RestoreObjectVersion}, {@code RestoreDeleteMarker}) and its outcome
 * ({@code PointInTimeRestore}) under the same identity, source and parameters as the run that began it. The origin
 * holds what a trail record shows of the call (no signature, no secret); the principal is the job's writer.
 */
final class RestoreJobTrail {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RestoreJobTrail() {}

    /** The origin to keep with a job: the starting call's record, its principal left out. */
    static String origin(RequestFacts f) {
        ObjectNode n = JSON.createObjectNode();
        n.put("time", f.time().toString());
        n.put("requestId", f.requestId());
        n.put("hostId", f.hostId());
        n.put("service", f.service());
        n.put("eventName", f.eventName());
        n.put("region", f.region());
        n.put("accessKeyId", f.accessKeyId());
        n.put("sourceIp", f.sourceIp());
        n.put("userAgent", f.userAgent());
        n.put("bucket", f.bucket());
        n.put("key", f.key());
        ObjectNode params = n.putObject("requestParameters");
        f.requestParameters().forEach(params::put);
        ObjectNode response = n.putObject("responseElements");
        f.responseElements().forEach(response::put);
        n.put("status", f.status());
        n.put("authMethod", f.authMethod());
        n.put("tlsVersion", f.tlsVersion());
        n.put("cipherSuite", f.cipherSuite());
        n.put("readOnly", f.readOnly());
        n.put("management", f.management());
        return n.toString();
    }

    /** The starting call's record back from a job's origin, made by {@code principal}. */
    static RequestFacts facts(String origin, Principal principal) {
        JsonNode n;
        try {
            n = JSON.readTree(origin);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a restore job's origin does not parse", e);
        }
        return RequestFacts.builder()
                .time(Instant.parse(n.path("time").asText()))
                .requestId(text(n, "requestId"))
                .hostId(text(n, "hostId"))
                .service(text(n, "service"))
                .eventName(text(n, "eventName"))
                .region(text(n, "region"))
                .principal(principal)
                .accessKeyId(text(n, "accessKeyId"))
                .sourceIp(text(n, "sourceIp"))
                .userAgent(text(n, "userAgent"))
                .bucket(text(n, "bucket"))
                .key(text(n, "key"))
                .requestParameters(map(n.path("requestParameters")))
                .responseElements(map(n.path("responseElements")))
                .status(n.path("status").asInt())
                .authMethod(text(n, "authMethod"))
                .tlsVersion(text(n, "tlsVersion"))
                .cipherSuite(text(n, "cipherSuite"))
                .readOnly(n.path("readOnly").asBoolean())
                .management(n.path("management").asBoolean())
                .build();
    }

    /**
     * A job's trail hooks from its origin: each chunk's writes recorded (the chunk's last durably) and, once done,
     * the outcome under the starting call's parameters. A job without an origin records nothing.
     */
    static RestoreJobs.Hooks hooks(Exchanges trail, RestoreJobs.Job job) {
        if (job.origin().isEmpty()) return new RestoreJobs.Hooks(chunk -> {}, done -> {});
        return hooks(trail, job.request(), job.writer(), job.origin().get());
    }

    /** The same, for a job about to start. */
    static RestoreJobs.Hooks hooks(Exchanges trail, Restore.Request req, Principal writer, String originJson) {
        RequestFacts origin = facts(originJson, writer);
        return new RestoreJobs.Hooks(
                chunk -> {
                    if (req.apply()) AdminHandler.recordActions(trail, origin, req.bucket(), chunk);
                },
                done -> trail.record(
                        AdminHandler.named(
                                origin,
                                "PointInTimeRestore",
                                req.bucket(),
                                null,
                                origin.requestParameters(),
                                outcome(done),
                                !req.apply(),
                                true),
                        req.apply()));
    }

    /** A finished job's outcome as its trail record answers it: the state, the error code, the counts. */
    static Map<String, String> outcome(RestoreJobs.Job done) {
        Map<String, String> outcome = new LinkedHashMap<>();
        outcome.put("state", done.state().name());
        done.errorCode().ifPresent(c -> outcome.put("errorCode", c));
        for (Restore.Action a : Restore.Action.values())
            outcome.put(AdminHandler.camel(a), Long.toString(done.count(a)));
        return outcome;
    }

    private static Map<String, String> map(JsonNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        n.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}

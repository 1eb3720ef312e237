package io.rampart.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one {@code rampart drill} run observed: the attack's steps as the endpoint answered them, the verdict, and the
 * verification and clean-up that followed. Filled in by {@link Drill}, printed by {@link DrillCommand}.
 */
final class DrillReport {
    /** How the attack ended. */
    enum Verdict {
        /** The first malicious write was refused. */
        BLOCKED,
        /** Some malicious writes succeeded, then the attacker was refused (AccessDenied / InvalidAccessKeyId). */
        CONTAINED,
        /** Every malicious write succeeded, or the refusals were not a containment. */
        NOT_CONTAINED
    }

    /** One request the attacker made: what, on which key, and how the endpoint answered (code null when it succeeded). */
    record Step(
            String operation,
            String key,
            boolean succeeded,
            int httpStatus,
            String errorCode,
            String errorMessage,
            double millis) {
        boolean refusedAsContainment() {
            // A disabled key answers InvalidAccessKeyId; an ended session ExpiredToken; a revoked principal
            // AccessDenied.
            return !succeeded
                    && ("AccessDenied".equals(errorCode)
                            || "InvalidAccessKeyId".equals(errorCode)
                            || "ExpiredToken".equals(errorCode));
        }

        /** Rampart's (and S3's) answer to SSE-C over plain HTTP: a 400 InvalidRequest about a secure connection. */
        boolean refusedForPlainHttp() {
            return !succeeded
                    && "InvalidRequest".equals(errorCode)
                    && errorMessage != null
                    && errorMessage.contains("secure connection");
        }

        String outcome() {
            return succeeded ? "ok" : "refused " + (httpStatus > 0 ? httpStatus + " " : "") + errorCode;
        }
    }

    String endpoint;
    /** The nodes the attacker's requests went to in turn, when more than the endpoint (null otherwise). */
    List<String> attackEndpoints;
    /** The attack's shape (copy, put, multipart, sts, evasion, unversioned) and what it does. */
    String scenario = "copy";

    String scenarioDescription;
    boolean versioned = true;
    Instant start;
    boolean rampart;
    String bucket;
    boolean sseCAllowedOnBucket;
    int objects;
    /** "iam-user" (created on Rampart), "given" (--attacker-access-key) or "admin" (the caller's own credentials). */
    String attackerKind;

    String attackerUser;
    /** The role whose session the attacker holds (sts scenario). */
    String attackerRole;
    /** What the attacker did before the malicious writes (evasion: suspend versioning, unblock SSE-C). */
    final List<Step> preparation = new ArrayList<>();

    String attackerAccessKeyId;
    /** The attacker's listing of the sandbox before the attack (not a malicious write). */
    Step reconnaissance;

    Instant firstMaliciousRequestAt;
    final List<Step> copies = new ArrayList<>();
    Step lifecycle;
    Step ransomNote;
    Verdict verdict;
    int maliciousWritesSucceeded;
    /** From the start of the first malicious request to the end of the refusal that contained the attack. */
    Double containmentMillis;

    String reason;
    String findingRaised;
    String attackerKeyStatus;
    /** Whether the drill ran the restore it prints (through the admin API; Rampart only), and its outcome. */
    boolean restoreRan;

    String restoreOutcome;
    long keysRestored;
    int objectsVerified;
    int objectsLost;
    final List<String> lostKeys = new ArrayList<>();
    boolean kept;
    boolean cleanedUp;
    final List<String> cleanupFailures = new ArrayList<>();

    /** The one-line result the issue asks for: "blocked", "contained after K writes, L objects lost", ... */
    String headline() {
        String lost = objectsLost + " object" + (objectsLost == 1 ? "" : "s") + " lost";
        return switch (verdict) {
            case BLOCKED -> "blocked" + (objectsLost > 0 ? ", " + lost : "");
            case CONTAINED ->
                "contained after " + maliciousWritesSucceeded + " write" + (maliciousWritesSucceeded == 1 ? "" : "s")
                        + ", " + lost;
            case NOT_CONTAINED ->
                "NOT contained: " + maliciousWritesSucceeded + " malicious write"
                        + (maliciousWritesSucceeded == 1 ? "" : "s") + " succeeded, " + lost;
        };
    }

    /** 0 when blocked or contained with nothing lost, 2 when the attack was not contained or data was lost. */
    int exitCode() {
        return verdict != Verdict.NOT_CONTAINED && objectsLost == 0 ? 0 : 2;
    }

    String restoreCommand() {
        return "./rampart restore --endpoint " + endpoint + " --bucket " + bucket + " --undo-access-key "
                + attackerAccessKeyId + " --since " + start + " --apply";
    }

    private static void stepJson(ObjectNode o, Step s) {
        o.put("operation", s.operation());
        if (s.key() != null) o.put("key", s.key());
        o.put("succeeded", s.succeeded());
        if (!s.succeeded()) {
            if (s.httpStatus() > 0) o.put("httpStatus", s.httpStatus());
            o.put("errorCode", s.errorCode());
            o.put("errorMessage", s.errorMessage());
        }
        o.put("millis", Math.round(s.millis() * 10) / 10.0);
    }

    ObjectNode toJson(ObjectMapper json) {
        ObjectNode n = json.createObjectNode();
        n.put("scenario", scenario);
        if (scenarioDescription != null) n.put("scenarioDescription", scenarioDescription);
        n.put("endpoint", endpoint);
        if (attackEndpoints != null) attackEndpoints.forEach(n.putArray("attackEndpoints")::add);
        n.put("drillStart", start.toString());
        n.put("rampart", rampart);
        n.put("bucket", bucket);
        n.put("versioned", versioned);
        n.put("sseCAllowedOnBucket", sseCAllowedOnBucket);
        n.put("objects", objects);
        ObjectNode attacker = n.putObject("attacker");
        attacker.put("kind", attackerKind);
        if (attackerUser != null) attacker.put("userName", attackerUser);
        if (attackerRole != null) attacker.put("roleName", attackerRole);
        attacker.put("accessKeyId", attackerAccessKeyId);
        if (reconnaissance != null) stepJson(n.putObject("reconnaissance"), reconnaissance);
        if (firstMaliciousRequestAt != null) n.put("firstMaliciousRequestAt", firstMaliciousRequestAt.toString());
        ArrayNode prep = n.putArray("preparation");
        for (Step s : preparation) stepJson(prep.addObject(), s);
        ArrayNode steps = n.putArray("steps");
        List<Step> all = new ArrayList<>(copies);
        if (lifecycle != null) all.add(lifecycle);
        if (ransomNote != null) all.add(ransomNote);
        for (Step s : all) stepJson(steps.addObject(), s);
        n.put("verdict", verdict.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        n.put("result", headline());
        n.put("maliciousWritesSucceeded", maliciousWritesSucceeded);
        if (containmentMillis != null) n.put("containmentMillis", Math.round(containmentMillis * 10) / 10.0);
        else n.putNull("containmentMillis");
        if (reason != null) n.put("reason", reason);
        n.put("findingRaised", findingRaised);
        if (attackerKeyStatus != null) n.put("attackerKeyStatus", attackerKeyStatus);
        n.put("restoreRan", restoreRan);
        if (restoreOutcome != null) n.put("restoreOutcome", restoreOutcome);
        n.put("keysRestored", keysRestored);
        n.put("restoreCommand", restoreCommand());
        n.put("objectsVerified", objectsVerified);
        n.put("objectsLost", objectsLost);
        ArrayNode lost = n.putArray("lostKeys");
        lostKeys.forEach(lost::add);
        n.put("kept", kept);
        n.put("cleanedUp", cleanedUp);
        ArrayNode failures = n.putArray("cleanupFailures");
        cleanupFailures.forEach(failures::add);
        n.put("exitCode", exitCode());
        return n;
    }
}

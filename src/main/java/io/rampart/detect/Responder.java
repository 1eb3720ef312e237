package io.rampart.detect;

import io.rampart.s3.BucketEncryption;
import io.rampart.storage.MetadataStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a rule's responses through the same services an administrator uses (identity controls, the bucket's
 * encryption configuration, webhooks), and reverses them when a finding is resolved. Every attempt becomes an entry
 * of the finding's response log and a record in the audit trail; every action is idempotent. With automatic responses
 * off it records what it would have done ("off").
 */
public final class Responder implements Detector.Responses {
    private static final Logger log = LoggerFactory.getLogger(Responder.class);

    /** Writes a response to the audit trail (a service event named {@code eventName}). */
    public interface Audit {
        Audit NONE = (eventName, bucket, details) -> {};

        void record(String eventName, String bucket, Map<String, String> details);
    }

    private final IdentityControls identity;
    private final MetadataStore meta;
    private final FindingAlerts alerts;
    private final Audit audit;
    private final boolean enabled;
    private volatile KeyControls keys;

    /** The key service's side of responses: undo a key's scheduled deletion and disablement. */
    public interface KeyControls {
        /** Cancels a pending deletion and enables the key named by {@code keyArn}. */
        IdentityControls.Outcome restore(String keyArn);
    }

    /** Responses may restore KMS keys through {@code k}. */
    public Responder withKeys(KeyControls k) {
        this.keys = k;
        return this;
    }

    public Responder(
            IdentityControls identity, MetadataStore meta, FindingAlerts alerts, Audit audit, boolean enabled) {
        this.identity = identity;
        this.meta = meta;
        this.alerts = alerts;
        this.audit = audit;
        this.enabled = enabled;
    }

    @Override
    public List<Finding.ResponseTaken> respond(ResponseAction action, Finding f, String target) {
        String outcome;
        String detail = null;
        if (action == ResponseAction.NOTIFY) {
            alerts.send(f);
            List<Finding.ResponseTaken> out = new ArrayList<>();
            for (String url : alerts.urls()) out.add(entry(action, url, "queued", null, f));
            return out;
        }
        if (!enabled) {
            log.warn(
                    "finding {} ({}): would {} {} (automatic responses are off)",
                    f.id(),
                    f.ruleId(),
                    action.yamlName(),
                    target);
            return List.of(entry(action, target, "off", null, f));
        }
        if (action == ResponseAction.DEACTIVATE_KEY) {
            // The attacker holds the user's other key as surely as this one: it goes too (and its sessions with it).
            List<Finding.ResponseTaken> out = new ArrayList<>();
            for (String key : keysToDeactivate(target)) {
                String o = outcome(identity.deactivateKey(key));
                log.warn("finding {} ({}): {} {}: {}", f.id(), f.ruleId(), action.yamlName(), key, o);
                out.add(entry(action, key, o, key.equals(target) ? null : "another key of the same user", f));
            }
            return out;
        }
        switch (action) {
            case REVOKE_SESSIONS -> outcome = outcome(identity.revokeSessions(target));
            case QUARANTINE -> outcome = outcome(identity.quarantine(target));
            case RESTORE_KMS_KEY -> outcome = keys == null ? "unavailable" : outcome(keys.restore(target));
            case BLOCK_SSE_C -> {
                Optional<Boolean> changed = BucketEncryption.blockSseC(meta, target);
                outcome = changed.isEmpty() ? "already" : changed.get() ? "done" : "already";
                if (changed.isEmpty()) detail = "no such bucket";
            }
            default -> throw new IllegalStateException(action.name());
        }
        log.warn("finding {} ({}): {} {}: {}", f.id(), f.ruleId(), action.yamlName(), target, outcome);
        return List.of(entry(action, target, outcome, detail, f));
    }

    /** {@code target} first, then the other keys of its user. */
    private List<String> keysToDeactivate(String target) {
        List<String> keys = new ArrayList<>();
        keys.add(target);
        try {
            for (String k : identity.otherKeysOfOwner(target)) if (!keys.contains(k)) keys.add(k);
        } catch (RuntimeException e) {
            log.error("could not list the other keys of the owner of {}", target, e);
        }
        return keys;
    }

    private Finding.ResponseTaken entry(
            ResponseAction action, String target, String outcome, String detail, Finding f) {
        Finding.ResponseTaken t = new Finding.ResponseTaken(action.yamlName(), target, outcome, Instant.now(), detail);
        audit(f, t, "DetectorResponse");
        return t;
    }

    private void audit(Finding f, Finding.ResponseTaken t, String eventName) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("findingId", f.id());
        d.put("rule", f.ruleId());
        d.put("action", t.action());
        d.put("target", t.target());
        d.put("outcome", t.outcome());
        if (t.detail() != null) d.put("detail", t.detail());
        try {
            audit.record(eventName, "block-sse-c".equals(t.action()) ? t.target() : null, d);
        } catch (RuntimeException e) {
            log.error("finding {}: could not write the response to the audit trail", f.id(), e);
        }
    }

    private static String outcome(IdentityControls.Outcome o) {
        return switch (o) {
            case DONE -> "done";
            case ALREADY -> "already";
            case UNAVAILABLE -> "unavailable";
        };
    }

    /**
     * Reverses every response of {@code f} that changed something ("done"), newest first: re-enables the key, lifts
     * the SSE-C block it set (back to NONE), unrevokes, unquarantines. Returns the entries to add to its log.
     */
    public List<Finding.ResponseTaken> reverse(Finding f) {
        List<Finding.ResponseTaken> out = new ArrayList<>();
        List<Finding.ResponseTaken> rs = new ArrayList<>(f.responses());
        java.util.Collections.reverse(rs);
        for (Finding.ResponseTaken r : rs) {
            if (!"done".equals(r.outcome())) continue;
            boolean reversedBefore = f.responses().stream()
                    .anyMatch(x -> "reversed".equals(x.outcome())
                            && x.action().equals(r.action())
                            && java.util.Objects.equals(x.target(), r.target()));
            if (reversedBefore) continue;
            String outcome;
            switch (ResponseAction.ofYaml(r.action())) {
                case DEACTIVATE_KEY -> outcome = reversed(identity.reactivateKey(r.target()));
                case REVOKE_SESSIONS -> outcome = reversed(identity.unrevokeSessions(r.target()));
                case QUARANTINE -> outcome = reversed(identity.unquarantine(r.target()));
                case BLOCK_SSE_C ->
                    outcome = BucketEncryption.setBlockedTypes(meta, r.target(), List.of("NONE"))
                                    .isPresent()
                            ? "reversed"
                            : "already";
                default -> {
                    continue;
                }
            }
            Finding.ResponseTaken t =
                    new Finding.ResponseTaken(r.action(), r.target(), outcome, Instant.now(), "resolve");
            audit(f, t, "DetectorResponseReversed");
            log.warn("finding {}: reversed {} {}: {}", f.id(), r.action(), r.target(), outcome);
            out.add(t);
        }
        return out;
    }

    private static String reversed(IdentityControls.Outcome o) {
        return switch (o) {
            case DONE -> "reversed";
            case ALREADY -> "already";
            case UNAVAILABLE -> "unavailable";
        };
    }
}

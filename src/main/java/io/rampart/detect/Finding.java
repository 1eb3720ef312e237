package io.rampart.detect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a rule found: who (principal ARN and access key), where (the bucket of the first event), when (first and last
 * matching event), how many events, the evidence (the trail records' eventIDs, at most {@link #MAX_EVIDENCE}), its
 * status, and every response attempted for it, in order.
 */
public record Finding(
        String id,
        String ruleId,
        Severity severity,
        String description,
        String principalArn,
        String accessKeyId,
        String bucket,
        Instant firstTime,
        Instant lastTime,
        long count,
        List<String> evidence,
        Status status,
        List<ResponseTaken> responses) {
    public static final int MAX_EVIDENCE = 1000;

    public enum Status {
        OPEN,
        ARCHIVED,
        RESOLVED
    }

    /**
     * One response attempt: the action, its target (key id, principal ARN, bucket, webhook URL), and the outcome:
     * {@code done} (changed something, reversible), {@code already} (nothing to change), {@code unavailable} (this
     * server cannot do it yet), {@code off} (automatic responses are off), {@code queued} (a notification handed to
     * the sender), {@code failed}, {@code reversed} (undone by resolve).
     */
    public record ResponseTaken(String action, String target, String outcome, Instant time, String detail) {}

    public Finding {
        evidence = List.copyOf(evidence);
        responses = List.copyOf(responses);
        if (status == null) status = Status.OPEN;
    }

    /**
     * The account whose principal the finding names (the account of its ARN; empty when the principal is anonymous):
     * where its responses act, and what findings are filtered by.
     */
    public String accountId() {
        String[] p = principalArn == null ? new String[0] : principalArn.split(":", 6);
        return p.length == 6 && p[0].equals("arn") ? p[4] : "";
    }

    public Finding withStatus(Status s) {
        return new Finding(
                id,
                ruleId,
                severity,
                description,
                principalArn,
                accessKeyId,
                bucket,
                firstTime,
                lastTime,
                count,
                evidence,
                s,
                responses);
    }

    public Finding withResponses(List<ResponseTaken> more) {
        if (more.isEmpty()) return this;
        List<ResponseTaken> all = new ArrayList<>(responses);
        all.addAll(more);
        return new Finding(
                id,
                ruleId,
                severity,
                description,
                principalArn,
                accessKeyId,
                bucket,
                firstTime,
                lastTime,
                count,
                evidence,
                status,
                all);
    }

    /** One more matching event, at any time (records arrive out of order): first and last times widen to it. */
    public Finding grown(Instant time, String eventId) {
        List<String> ev = evidence;
        if (eventId != null && evidence.size() < MAX_EVIDENCE) {
            ev = new ArrayList<>(evidence);
            ev.add(eventId);
        }
        return new Finding(
                id,
                ruleId,
                severity,
                description,
                principalArn,
                accessKeyId,
                bucket,
                time.isBefore(firstTime) ? time : firstTime,
                time.isAfter(lastTime) ? time : lastTime,
                count + 1,
                ev,
                status,
                responses);
    }
}

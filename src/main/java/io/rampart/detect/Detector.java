package io.rampart.detect;

import io.rampart.audit.RequestFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule engine: counts each rule's matching records per group in a sliding window (by the records' own times), and
 * when a group reaches the threshold raises a finding, takes the rule's responses and stores it. Further matching
 * records of the same group while the finding is open (within a window of its last event) extend that finding and get
 * the same responses (the bucket may differ). Single-threaded: one caller at a time.
 */
public final class Detector {
    private static final Logger log = LoggerFactory.getLogger(Detector.class);
    private static final int MAX_EVIDENCE = 1000;

    private record Group(String ruleId, String key) { }

    private final List<Rule> rules;
    private final FindingStore store;
    private final Responder responder;
    private final Map<Group, Deque<RequestFacts>> windows = new HashMap<>();
    private final Map<Group, Finding> open = new HashMap<>();
    /**
     * Responses already taken per open finding, as "action target": they are idempotent anyway, but this saves a
     * database write per event. A new finding starts afresh, so a key an administrator re-enabled is disabled again.
     */
    private final Map<String, Set<String>> taken = new HashMap<>();
    private long seen;

    public Detector(List<Rule> rules, FindingStore store, Responder responder) {
        this.rules = List.copyOf(rules);
        this.store = store;
        this.responder = responder;
    }

    public void accept(RequestFacts f) {
        for (Rule rule : rules) {
            if (rule.matches(f)) apply(rule, f);
        }
        if (++seen % 10_000 == 0) sweep(f.time());
    }

    /** Drops windows and open findings that no later event can extend any more: memory stays bounded by activity. */
    private void sweep(Instant now) {
        Map<String, Duration> lengths = new HashMap<>();
        for (Rule r : rules) lengths.put(r.id(), r.window());
        windows.entrySet().removeIf(e -> e.getValue().isEmpty()
                || e.getValue().peekLast().time().plus(lengths.get(e.getKey().ruleId())).isBefore(now));
        open.entrySet().removeIf(e -> {
            boolean stale = e.getValue().lastTime().plus(lengths.get(e.getKey().ruleId())).isBefore(now);
            if (stale) taken.remove(e.getValue().id());
            return stale;
        });
    }

    private void apply(Rule rule, RequestFacts f) {
        Group g = new Group(rule.id(), rule.groupBy().keyOf(f));
        Instant now = f.time();
        Finding current = open.get(g);
        if (current != null && !current.lastTime().plus(rule.window()).isBefore(now)) {
            List<String> evidence = new ArrayList<>(current.evidence());
            if (evidence.size() < MAX_EVIDENCE) evidence.add(f.requestId());
            Finding grown = new Finding(current.id(), current.ruleId(), current.severity(), current.principalArn(),
                    current.accessKeyId(), current.bucket(), current.firstTime(), later(current.lastTime(), now),
                    current.count() + 1, evidence);
            open.put(g, grown);
            respond(rule, grown, f);
            store.save(grown);
            log.warn("finding {} ({}, {}): {} events, latest request {} on {}/{}", grown.id(), rule.id(), rule.severity(),
                    grown.count(), f.requestId(), f.bucket(), f.key());
            return;
        }
        Finding closed = open.remove(g);
        if (closed != null) taken.remove(closed.id());
        Deque<RequestFacts> window = windows.computeIfAbsent(g, k -> new ArrayDeque<>());
        window.addLast(f);
        evict(window, now, rule.window());
        if (window.size() < rule.threshold()) return;
        RequestFacts first = window.peekFirst();
        Finding finding = new Finding(newId(now), rule.id(), rule.severity(),
                f.principal() == null ? null : f.principal().arn(), f.accessKeyId(), first.bucket(), first.time(), now,
                window.size(), window.stream().map(RequestFacts::requestId).toList());
        windows.remove(g);
        open.put(g, finding);
        // Contain first, then write it down: every millisecond counts while the attacker's requests keep coming.
        for (RequestFacts e : List.copyOf(window)) respond(rule, finding, e);
        store.save(finding);
        log.warn("FINDING {} {} {}: {} by {} (access key {}) on bucket {}, {} events {} .. {}, evidence {}", finding.id(),
                rule.severity(), rule.id(), rule.description(), finding.principalArn(), finding.accessKeyId(),
                finding.bucket(), finding.count(), finding.firstTime(), finding.lastTime(), finding.evidence());
    }

    private void respond(Rule rule, Finding finding, RequestFacts f) {
        for (ResponseAction a : rule.responses()) {
            String target = a + " " + (a == ResponseAction.DEACTIVATE_ACCESS_KEY ? f.accessKeyId() : f.bucket());
            Set<String> done = taken.computeIfAbsent(finding.id(), k -> new HashSet<>());
            if (done.contains(target)) continue;
            try {
                responder.respond(a, finding, f.accessKeyId(), f.bucket());
                done.add(target);
            } catch (RuntimeException e) {
                log.error("finding {}: response {} failed; will retry on the next matching event", finding.id(), target, e);
            }
        }
    }

    private static void evict(Deque<RequestFacts> window, Instant now, Duration length) {
        Instant oldest = now.minus(length);
        while (!window.isEmpty() && window.peekFirst().time().isBefore(oldest)) window.removeFirst();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String newId(Instant t) {
        return "F" + t.toEpochMilli() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

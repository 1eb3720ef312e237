package io.rampart.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule engine, generic over CloudTrail records (Rampart's own trail and files exported from AWS alike). For each
 * rule a record matches, the rule's stateful primitive (first seen, lowers, after) decides whether it qualifies; the
 * qualifying records are counted per group in a sliding window (by the records' own times), and when a group reaches
 * the threshold a finding is raised and the rule's responses are taken. Further qualifying records of the same group
 * within a window of the finding's last event extend it and get the same responses (a new key or bucket is a new
 * target; a target already handled is not acted on again). Its state can be saved and restored ({@link #snapshot},
 * {@link #restore}), so a restarted detector continues where it stopped. Single-threaded: one caller at a time.
 *
 * <p>Records may arrive out of time order (CloudTrail delivers them in no specific order; Rampart's own trail is written
 * as requests complete). Windows and thresholds do not depend on arrival order: a window keeps its records sorted by
 * time, a finding needs {@code threshold} records within {@code window} of each other (one of them the new record), and
 * its first and last times are the earliest and latest of them. Records are kept for {@link #LATENESS} behind the
 * latest time seen (the watermark); a record later than that still counts, but against what is left. A sequence
 * ({@code after}) whose start arrives after its second step, within {@link #LATENESS}, is still seen: steps that found
 * no start are remembered (a small stub each, at most {@link #MAX_PENDING} per rule, not across restarts) until a start
 * at or before them arrives. The baselines (firstSeen, lowers) use arrival order, so offline analysis
 * ({@link OfflineAnalysis}) sorts the records by time first.
 */
public final class Detector {
    private static final Logger log = LoggerFactory.getLogger(Detector.class);
    /** Distinct values remembered per firstSeen group: beyond it the oldest is forgotten. */
    private static final int MAX_SEEN = 1000;
    /**
     * Sequence starts ({@code after}) remembered per rule: beyond it the oldest is forgotten. A rule grouped per object
     * (a read, then a rewrite) would otherwise keep one per object read; the sequences it looks for are seconds apart.
     */
    static final int MAX_SEQUENCES = 10_000;
    /** How far behind the latest record's time a record may arrive and still be counted in its window exactly. */
    public static final Duration LATENESS = Duration.ofMinutes(15);
    /** Sequence steps remembered per rule while their start may still arrive late. */
    static final int MAX_PENDING = 2_000;

    /** Takes responses. Returns one log entry per attempt; never throws for a failed attempt (it is an entry). */
    public interface Responses {
        Responses NONE = (a, f, target) -> List.of();

        List<Finding.ResponseTaken> respond(ResponseAction action, Finding finding, String target);
    }

    /** Receives every new or grown finding (after its responses were taken). */
    public interface FindingSink {
        void accept(Finding finding, boolean isNew);
    }

    private record Ev(long t, String id) {}

    /**
     * A sequence's second step waiting for a late start: its group, time, and what a finding and responses need (made
     * into a record only when its start arrives: most never find one).
     */
    private record Pending(String group, long t, String eventId, String principal, String accessKey, String bucket) {
        JsonNode stub() {
            ObjectNode stub = FindingJson.JSON.createObjectNode();
            stub.put("eventTime", Instant.ofEpochMilli(t).toString());
            if (eventId != null) stub.put("eventID", eventId);
            ObjectNode who = stub.putObject("userIdentity");
            if (principal != null) who.put("arn", principal);
            if (accessKey != null) who.put("accessKeyId", accessKey);
            if (bucket != null) stub.putObject("requestParameters").put("bucketName", bucket);
            return stub;
        }
    }

    private static final class Seen {
        final LinkedHashSet<String> values = new LinkedHashSet<>();
        long count;
    }

    private final List<Rule> rules;
    /**
     * Per event name, the rules a record of that name can match (their match or sequence start names it, or names no
     * event), in pack order; a record whose name is not a key sees {@link #anyEvent}.
     */
    private final Map<String, List<Rule>> byEventName = new HashMap<>();
    /** The rules that do not restrict the event name. */
    private final List<Rule> anyEvent = new ArrayList<>();

    private final Map<String, Rule> byId = new HashMap<>();
    private final Responses responses;
    private final FindingSink sink;
    /** Per rule and group: the qualifying records still inside a window, sorted by time. */
    private final Map<String, List<Ev>> windows = new HashMap<>();

    private final Map<String, Seen> seen = new HashMap<>();
    /** lowers: the group's previous value; NaN when the previous record had none. */
    private final Map<String, Double> previous = new HashMap<>();
    /** after: per rule, when each group last saw the sequence's start (oldest first, at most MAX_SEQUENCES). */
    private final Map<String, LinkedHashMap<String, Long>> lastA = new HashMap<>();
    /** after: per rule, steps that matched before any start was seen, oldest first (at most MAX_PENDING). */
    private final Map<String, java.util.ArrayDeque<Pending>> pending = new HashMap<>();

    private final Map<String, Finding> open = new HashMap<>();
    /** Responses already attempted per open finding, as "action target". */
    private final Map<String, Set<String>> taken = new HashMap<>();

    private long records;
    private long lastSweep;
    /** The latest record time seen (epoch millis). */
    private long watermark = Long.MIN_VALUE;

    public Detector(List<Rule> rules, Responses responses, FindingSink sink) {
        this.rules = List.copyOf(rules);
        for (Rule r : rules) byId.put(r.id(), r);
        Map<Rule, Set<String>> names = new HashMap<>();
        Set<String> all = new HashSet<>();
        for (Rule r : this.rules) {
            Set<String> n = eventNames(r);
            names.put(r, n);
            if (n == null) anyEvent.add(r);
            else all.addAll(n);
        }
        for (String name : all) {
            List<Rule> l = new ArrayList<>();
            for (Rule r : this.rules) {
                Set<String> n = names.get(r);
                if (n == null || n.contains(name)) l.add(r);
            }
            byEventName.put(name, List.copyOf(l));
        }
        this.responses = responses;
        this.sink = sink;
    }

    public List<Rule> rules() {
        return rules;
    }

    /** Records seen so far. */
    public long records() {
        return records;
    }

    public void accept(JsonNode r) {
        accept(RecordView.of(r));
    }

    /**
     * A line the trail writer handed over in memory: the rules read what they need from its request's facts, and its
     * tree is built only if one asks for more ({@link RecordView}).
     */
    public void accept(io.rampart.audit.TrailLine line) {
        accept(RecordView.of(line));
    }

    void accept(RecordView r) {
        records++;
        long t = r.time();
        if (t == EventTimes.MISSING || t == EventTimes.INVALID) return;
        if (t > watermark) watermark = t;
        for (Rule rule : candidates(r)) {
            String g = null;
            if (rule.after() != null && rule.after().match().test(r)) {
                g = key(rule, rule.groupOf(r));
                started(rule.id(), g, t);
                lateStart(rule, g, t);
            }
            if (!rule.match().test(r)) continue;
            if (g == null) g = key(rule, rule.groupOf(r));
            if (!qualifies(rule, g, r, t)) {
                if (rule.after() != null && rule.trigger().test(r)) pend(rule, g, r, t);
                continue;
            }
            apply(rule, g, r, t);
        }
        if (records - lastSweep >= 50_000) {
            lastSweep = records;
            sweep(watermark);
        }
    }

    private static final LinkedHashMap<String, Long> EMPTY = new LinkedHashMap<>();

    /** The rules that can match {@code r}: all of them unless it has exactly one event name. */
    private List<Rule> candidates(RecordView r) {
        List<String> name = r.values("eventName");
        if (name.size() != 1) return rules;
        return byEventName.getOrDefault(name.get(0), anyEvent);
    }

    /**
     * The event names a record must have for the rule to see it (its match, or its sequence's start), or null when
     * either may hold for any name.
     */
    static Set<String> eventNames(Rule r) {
        Set<String> m = eventNames(r.match());
        if (m == null) return null;
        if (r.after() == null) return m;
        Set<String> a = eventNames(r.after().match());
        if (a == null) return null;
        Set<String> both = new HashSet<>(m);
        both.addAll(a);
        return both;
    }

    /** The event names one of which a record needs for {@code m} to hold, or null when no such set is known. */
    static Set<String> eventNames(Match m) {
        return switch (m) {
            case Match.Field f when f.path().equals("eventName") && f.in() != null -> f.in();
            case Match.All a -> {
                Set<String> out = null;
                for (Match p : a.parts()) {
                    Set<String> n = eventNames(p);
                    if (n == null) continue;
                    if (out == null) out = new HashSet<>(n);
                    else out.retainAll(n);
                }
                yield out;
            }
            case Match.Any a -> {
                Set<String> out = new HashSet<>();
                for (Match p : a.parts()) {
                    Set<String> n = eventNames(p);
                    if (n == null) yield null;
                    out.addAll(n);
                }
                yield a.parts().isEmpty() ? null : out;
            }
            default -> null;
        };
    }

    /** Notes a sequence's start for a group, newest last; the rule's oldest is forgotten beyond MAX_SEQUENCES. */
    private void started(String ruleId, String groupKey, long t) {
        LinkedHashMap<String, Long> m = lastA.computeIfAbsent(ruleId, k -> new LinkedHashMap<>());
        Long before = m.remove(groupKey);
        m.put(groupKey, before != null && before > t ? before : t);
        if (m.size() > MAX_SEQUENCES) m.remove(m.keySet().iterator().next());
    }

    /** Remembers a sequence step that found no start: the start may arrive later (records come out of order). */
    private void pend(Rule rule, String g, RecordView r, long t) {
        if (t < watermark - LATENESS.toMillis()) return;
        java.util.ArrayDeque<Pending> q = pending.computeIfAbsent(rule.id(), k -> new java.util.ArrayDeque<>());
        while (!q.isEmpty() && (q.size() >= MAX_PENDING || q.peekFirst().t() < watermark - LATENESS.toMillis()))
            q.pollFirst();
        q.addLast(new Pending(g, t, r.eventId(), r.first("@principal"), r.first("@accessKey"), r.first("@bucket")));
    }

    /** A sequence's start arrived: the steps of its group that came earlier but happened after it now count. */
    private void lateStart(Rule rule, String g, long t) {
        java.util.ArrayDeque<Pending> q = pending.get(rule.id());
        if (q == null || q.isEmpty()) return;
        List<Pending> due = new ArrayList<>();
        q.removeIf(p -> {
            boolean hit = p.group().equals(g)
                    && p.t() >= t
                    && p.t() - t <= rule.after().within().toMillis();
            if (hit) due.add(p);
            return hit;
        });
        for (Pending p : due) apply(rule, g, RecordView.of(p.stub()), p.t());
    }

    private static String key(Rule rule, String group) {
        return rule.id() + "\u0000" + group;
    }

    /** The stateful primitive's verdict; always updates its state with the record. */
    private boolean qualifies(Rule rule, String g, RecordView r, long t) {
        boolean trigger = rule.trigger().test(r);
        if (rule.firstSeen() != null) {
            StringBuilder sb = new StringBuilder();
            for (String f : rule.firstSeen().fields()) {
                String v = r.first(f);
                sb.append(v == null ? "-" : v).append('\u0001');
            }
            String value = sb.toString();
            Seen s = seen.computeIfAbsent(g, k -> new Seen());
            boolean isNew = !s.values.contains(value);
            boolean fires = trigger && isNew && s.count >= rule.firstSeen().baseline();
            if (isNew) {
                s.values.add(value);
                if (s.values.size() > MAX_SEEN)
                    s.values.remove(s.values.iterator().next());
            }
            s.count++;
            return fires;
        }
        if (rule.lowers() != null) {
            double v = Double.NaN;
            for (String f : rule.lowers().fields()) {
                for (String s : r.values(f)) {
                    try {
                        double d = Double.parseDouble(s);
                        if (Double.isNaN(v) || d < v) v = d;
                    } catch (NumberFormatException ignored) {
                        // not a number: not a value this primitive compares
                    }
                }
            }
            Double prev = previous.put(g, v);
            return trigger && !Double.isNaN(v) && (prev == null || prev.isNaN() || v < prev);
        }
        if (rule.after() != null) {
            Long a = lastA.getOrDefault(rule.id(), EMPTY).get(g);
            return trigger
                    && a != null
                    && t >= a
                    && t - a <= rule.after().within().toMillis();
        }
        return trigger;
    }

    private void apply(Rule rule, String g, RecordView r, long t) {
        Instant now = Instant.ofEpochMilli(t);
        String eventId = r.eventId();
        long w = rule.window().toMillis();
        Finding current = open.get(g);
        if (current != null
                && t <= current.lastTime().toEpochMilli() + w
                && t >= current.firstTime().toEpochMilli() - w) {
            Finding grown = current.grown(now, eventId);
            grown = respond(rule, grown, List.of(r.tree()));
            open.put(g, grown);
            sink.accept(grown, false);
            return;
        }
        if (current != null && t > current.lastTime().toEpochMilli() + w) {
            open.remove(g);
            taken.remove(current.id());
        }
        List<Ev> window = windows.computeIfAbsent(g, k -> new ArrayList<>());
        int at = window.size();
        while (at > 0 && window.get(at - 1).t() > t) at--;
        window.add(at, new Ev(t, eventId));
        long horizon = watermark - w - LATENESS.toMillis();
        int old = 0;
        while (old < window.size() && window.get(old).t() < horizon) old++;
        if (old > 0) window.subList(0, old).clear();
        // The most records within one window that include this one: a span [start, start + w] with start <= t <= start
        // + w.
        int lo = 0;
        while (lo < window.size() && window.get(lo).t() < t - w) lo++;
        int best = 0, from = 0, to = 0, j = lo;
        for (int i = lo; i < window.size() && window.get(i).t() <= t; i++) {
            if (j < i) j = i;
            while (j < window.size() && window.get(j).t() - window.get(i).t() <= w) j++;
            if (j - i > best) {
                best = j - i;
                from = i;
                to = j;
            }
        }
        if (best < rule.threshold()) return;
        List<Ev> span = List.copyOf(window.subList(from, to));
        windows.remove(g);
        List<String> evidence = new ArrayList<>();
        for (Ev e : span) if (e.id() != null && evidence.size() < Finding.MAX_EVIDENCE) evidence.add(e.id());
        Finding f = new Finding(
                newId(now),
                rule.id(),
                rule.severity(),
                rule.description(),
                RecordFields.principal(r.tree()),
                RecordFields.accessKey(r.tree()),
                RecordFields.bucket(r.tree()),
                Instant.ofEpochMilli(span.get(0).t()),
                Instant.ofEpochMilli(span.get(span.size() - 1).t()),
                span.size(),
                evidence,
                Finding.Status.OPEN,
                List.of());
        // Contain first, then write it down: every millisecond counts while the attacker's requests keep coming.
        f = respond(rule, f, List.of(r.tree()));
        open.put(g, f);
        sink.accept(f, true);
        log.warn(
                "FINDING {} {} {}: {} by {} (access key {}) on bucket {}, {} event(s) {} .. {}",
                f.id(),
                rule.severity(),
                rule.id(),
                rule.description(),
                f.principalArn(),
                f.accessKeyId(),
                f.bucket(),
                f.count(),
                f.firstTime(),
                f.lastTime());
    }

    private Finding respond(Rule rule, Finding f, List<JsonNode> events) {
        List<Finding.ResponseTaken> log = new ArrayList<>();
        Set<String> done = taken.computeIfAbsent(f.id(), k -> new HashSet<>());
        for (JsonNode e : events) {
            for (ResponseAction a : rule.responses()) {
                String target = switch (a) {
                    case DEACTIVATE_KEY -> RecordFields.accessKey(e);
                    case REVOKE_SESSIONS, QUARANTINE -> RecordFields.principal(e);
                    case BLOCK_SSE_C -> RecordFields.bucket(e);
                    case RESTORE_KMS_KEY -> RecordFields.kmsKey(e);
                    case NOTIFY -> "finding";
                };
                if (target == null || !done.add(a + " " + target)) continue;
                try {
                    log.addAll(responses.respond(a, f, target));
                } catch (RuntimeException ex) {
                    Detector.log.error("finding {}: response {} {} failed", f.id(), a.yamlName(), target, ex);
                    log.add(new Finding.ResponseTaken(a.yamlName(), target, "failed", Instant.now(), ex.toString()));
                }
            }
        }
        return f.withResponses(log);
    }

    /** Forgets windows, sequences and open findings that no later event can extend: memory follows activity. */
    private void sweep(long now) {
        windows.entrySet().removeIf(e -> {
            Rule r = byId.get(e.getKey().substring(0, e.getKey().indexOf('\u0000')));
            return r == null
                    || e.getValue().isEmpty()
                    || e.getValue().get(e.getValue().size() - 1).t()
                                    + r.window().toMillis()
                                    + LATENESS.toMillis()
                            < now;
        });
        lastA.entrySet().removeIf(perRule -> {
            Rule r = byId.get(perRule.getKey());
            if (r == null || r.after() == null) return true;
            perRule.getValue().values().removeIf(t -> t + r.after().within().toMillis() < now);
            return perRule.getValue().isEmpty();
        });
        open.entrySet().removeIf(e -> {
            Rule r = byId.get(e.getValue().ruleId());
            boolean stale = r == null
                    || e.getValue().lastTime().toEpochMilli() + r.window().toMillis() + LATENESS.toMillis() < now;
            if (stale) taken.remove(e.getValue().id());
            return stale;
        });
    }

    private static String newId(Instant t) {
        return "F" + t.toEpochMilli() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    // ------------------------------------------------------------------ state

    /** The engine's state as JSON: what a restarted detector needs to continue (windows, baselines, open findings). */
    public ObjectNode snapshot() {
        ObjectNode n = FindingJson.JSON.createObjectNode();
        n.put("version", 1);
        ObjectNode w = n.putObject("windows");
        windows.forEach((k, q) -> {
            ArrayNode a = w.putArray(k);
            for (Ev e : q) a.addArray().add(e.t()).add(e.id());
        });
        ObjectNode s = n.putObject("seen");
        seen.forEach((k, v) -> {
            ObjectNode o = s.putObject(k);
            o.put("count", v.count);
            ArrayNode a = o.putArray("values");
            v.values.forEach(a::add);
        });
        ObjectNode p = n.putObject("previous");
        previous.forEach((k, v) -> {
            if (v.isNaN()) p.putNull(k);
            else p.put(k, v);
        });
        ObjectNode la = n.putObject("lastA");
        lastA.values().forEach(m -> m.forEach(la::put));
        ObjectNode o = n.putObject("open");
        open.forEach((k, f) -> o.set(k, FindingJson.of(f)));
        ObjectNode tk = n.putObject("taken");
        taken.forEach((k, v) -> {
            ArrayNode a = tk.putArray(k);
            v.forEach(a::add);
        });
        return n;
    }

    /** Restores a {@link #snapshot}; state of rules no longer in the pack is dropped. */
    public void restore(JsonNode n) {
        if (n == null || n.path("version").asInt() != 1) return;
        Set<String> ids = byId.keySet();
        n.path("windows").properties().forEach(e -> {
            if (!ids.contains(ruleOf(e.getKey()))) return;
            List<Ev> q = new ArrayList<>();
            for (JsonNode a : e.getValue()) {
                Ev ev = new Ev(
                        a.get(0).asLong(), a.get(1).isNull() ? null : a.get(1).asText());
                q.add(ev);
                if (ev.t() > watermark) watermark = ev.t();
            }
            q.sort(java.util.Comparator.comparingLong(Ev::t));
            windows.put(e.getKey(), q);
        });
        n.path("seen").properties().forEach(e -> {
            if (!ids.contains(ruleOf(e.getKey()))) return;
            Seen s = new Seen();
            s.count = e.getValue().path("count").asLong();
            e.getValue().path("values").forEach(v -> s.values.add(v.asText()));
            seen.put(e.getKey(), s);
        });
        n.path("previous").properties().forEach(e -> {
            if (ids.contains(ruleOf(e.getKey())))
                previous.put(
                        e.getKey(),
                        e.getValue().isNull() ? Double.NaN : e.getValue().asDouble());
        });
        n.path("lastA").properties().forEach(e -> {
            if (ids.contains(ruleOf(e.getKey())))
                started(ruleOf(e.getKey()), e.getKey(), e.getValue().asLong());
        });
        n.path("open").properties().forEach(e -> {
            if (ids.contains(ruleOf(e.getKey()))) open.put(e.getKey(), FindingJson.parse(e.getValue()));
        });
        n.path("taken").properties().forEach(e -> {
            Set<String> s = new HashSet<>();
            e.getValue().forEach(v -> s.add(v.asText()));
            taken.put(e.getKey(), s);
        });
    }

    /** Forgets an open finding (archived or resolved by an administrator): the next matching event starts a new one. */
    public void close(String findingId) {
        open.entrySet().removeIf(e -> e.getValue().id().equals(findingId));
        taken.remove(findingId);
    }

    private static String ruleOf(String key) {
        int i = key.indexOf('\u0000');
        return i < 0 ? key : key.substring(0, i);
    }
}

package io.rampart.guard;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks only a Rampart server has, read from its admin API's posture: the recovery window, the detector and its
 * automatic response, the audit trail's validation, the metrics endpoint. Refused (not the account's admin): UNKNOWN.
 */
final class RampartChecks {
    static final Duration MIN_WINDOW = Duration.ofDays(7);

    private RampartChecks() {}

    static List<Check> of(RampartApi api, String resource) {
        Read<JsonNode> read = api.posture();
        List<Rule> rules = List.of(
                Rule.RAMPART_RECOVERY_WINDOW, Rule.RAMPART_DETECTOR, Rule.RAMPART_TRAIL_VALID, Rule.RAMPART_METRICS);
        if (!(read instanceof Read.Got<JsonNode> g)) {
            String why = read instanceof Read.Denied<JsonNode> d
                    ? "cannot read the server's posture: " + RampartApi.ADMIN_ACTION + " refused this caller ("
                            + d.detail() + ")"
                    : read.why();
            String fix = read instanceof Read.Denied<JsonNode>
                    ? "re-run guard with the account admin's (or root's) access key to " + "check the server's settings"
                    : "";
            return rules.stream().map(r -> Check.unknown(r, resource, why, fix)).toList();
        }
        JsonNode p = g.value();
        List<Check> out = new ArrayList<>();

        JsonNode w = p.path("recoveryWindow");
        Duration window = Duration.ofSeconds(w.path("seconds").asLong());
        String fixWindow =
                "restart the server with --recovery-window 7d (or longer), e.g. rampart server --recovery-window 30d";
        if (!w.path("enabled").asBoolean()) {
            out.add(Check.fail(
                    Rule.RAMPART_RECOVERY_WINDOW,
                    resource,
                    "recovery window OFF (--recovery-window 0): overwritten and "
                            + "deleted versions of unversioned buckets are gone at once",
                    fixWindow));
        } else if (window.compareTo(MIN_WINDOW) < 0) {
            out.add(Check.warn(
                    Rule.RAMPART_RECOVERY_WINDOW,
                    resource,
                    "recovery window on, " + human(window) + " (under " + MIN_WINDOW.toDays()
                            + " days to notice an attack)",
                    fixWindow));
        } else {
            out.add(Check.pass(Rule.RAMPART_RECOVERY_WINDOW, resource, "recovery window on, " + human(window)));
        }

        JsonNode d = p.path("detector");
        String det = "detector " + (d.path("running").asBoolean() ? "running" : "NOT running") + ", "
                + d.path("rules").asInt()
                + " rule(s), automatic response " + (d.path("autoRespond").asBoolean() ? "on" : "OFF") + ", "
                + d.path("findingWebhooks").asInt() + " finding webhook(s)";
        if (!d.path("running").asBoolean() || d.path("rules").asInt() == 0) {
            out.add(Check.fail(
                    Rule.RAMPART_DETECTOR,
                    resource,
                    det,
                    "restart the server (the detector starts with it); check its log " + "and --rules FILE"));
        } else if (!d.path("autoRespond").asBoolean()) {
            out.add(Check.fail(
                    Rule.RAMPART_DETECTOR,
                    resource,
                    det + ": findings are raised but a stolen key is not disabled",
                    "restart the server without --no-auto-respond"));
        } else {
            out.add(Check.pass(Rule.RAMPART_DETECTOR, resource, det));
        }

        JsonNode t = p.path("trail");
        String trail = t.path("digestFiles").asInt() + " digest file(s) and "
                + t.path("logFiles").asInt() + " log file(s) from "
                + t.path("from").asText() + " to " + t.path("to").asText();
        if (t.path("valid").asBoolean()) {
            out.add(Check.pass(Rule.RAMPART_TRAIL_VALID, resource, "trail valid: " + trail));
        } else {
            List<String> problems = new ArrayList<>();
            t.path("problems")
                    .forEach(x -> problems.add(x.path("status").asText() + " "
                            + x.path("type").asText() + " " + x.path("file").asText() + ": "
                            + x.path("detail").asText()));
            long count = t.path("problemCount").asLong(problems.size());
            out.add(Check.fail(
                    Rule.RAMPART_TRAIL_VALID,
                    resource,
                    "trail INVALID over " + trail + ": " + count + " problem(s)"
                            + (count > problems.size() ? ", the first " + problems.size() : "") + ": "
                            + String.join("; ", problems),
                    "rampart trail validate --data-dir DATA-DIR --public-key trail-key.pem (on the server) to see every problem; "
                            + "treat a modified or missing file as an intrusion"));
        }

        JsonNode m = p.path("metrics");
        if (m.path("enabled").asBoolean()) {
            out.add(Check.pass(
                    Rule.RAMPART_METRICS,
                    resource,
                    "GET /metrics on port " + m.path("port").asInt()
                            + (m.path("tokenRequired").asBoolean()
                                    ? " (bearer token required)"
                                    : " (loopback only, no token)")));
        } else {
            out.add(
                    Check.fail(
                            Rule.RAMPART_METRICS,
                            resource,
                            "no metrics endpoint: nothing alerts on a burst of SSE-C writes or deletes",
                            "restart the server with --metrics-port 9100 --metrics-token-file FILE and scrape it with Prometheus"));
        }
        return out;
    }

    static String human(Duration d) {
        if (d.toSeconds() % 86_400 == 0) return d.toDays() + (d.toDays() == 1 ? " day" : " days");
        if (d.toSeconds() % 3_600 == 0) return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
        return d.toSeconds() + " seconds";
    }
}

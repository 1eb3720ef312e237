package io.rampart.guard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.guard.Check.Severity;
import io.rampart.guard.Check.Status;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A scan's checks and their renderings: table (grouped by bucket), JSON, SARIF 2.1.0 and markdown. */
public record Report(String endpoint, String accountId, List<Check> checks) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String ACCOUNT_GROUP = "account (IAM, CloudTrail, Organizations)";

    /** True when a FAIL at {@code threshold} or above is present (--fail-on). */
    public boolean reaches(Severity threshold) {
        return checks.stream()
                .anyMatch(c -> c.status() == Status.FAIL && c.severity().compareTo(threshold) >= 0);
    }

    public long count(Status s) {
        return checks.stream().filter(c -> c.status() == s).count();
    }

    /** Checks grouped by bucket (in scan order), then everything account-wide. */
    Map<String, List<Check>> groups() {
        Map<String, List<Check>> buckets = new LinkedHashMap<>();
        List<Check> account = new ArrayList<>();
        for (Check c : checks) {
            if (c.resource().startsWith("arn:aws:s3:::")) {
                buckets.computeIfAbsent(
                                "bucket " + c.resource().substring("arn:aws:s3:::".length()), k -> new ArrayList<>())
                        .add(c);
            } else {
                account.add(c);
            }
        }
        Map<String, List<Check>> out = new LinkedHashMap<>(buckets);
        if (!account.isEmpty()) out.put(ACCOUNT_GROUP, account);
        return out;
    }

    public String summaryLine() {
        Map<Severity, Long> fails = new EnumMap<>(Severity.class);
        for (Check c : checks) if (c.status() == Status.FAIL) fails.merge(c.severity(), 1L, Long::sum);
        List<String> bySev = new ArrayList<>();
        for (Severity s : List.of(Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)) {
            if (fails.containsKey(s)) bySev.add(fails.get(s) + " " + s);
        }
        return checks.size() + " checks: " + count(Status.PASS) + " PASS, " + count(Status.FAIL) + " FAIL"
                + (bySev.isEmpty() ? "" : " (" + String.join(", ", bySev) + ")") + ", " + count(Status.WARN) + " WARN, "
                + count(Status.UNKNOWN) + " UNKNOWN";
    }

    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append("rampart guard: ")
                .append(endpoint)
                .append(", account ")
                .append(accountId)
                .append('\n');
        for (var g : groups().entrySet()) {
            sb.append('\n').append(g.getKey()).append('\n');
            for (Check c : g.getValue()) {
                sb.append(String.format(
                        Locale.ROOT, "  %-7s %-8s %-28s %s%n", c.status(), c.severity(), c.id(), c.rule().title));
                if (!g.getKey().startsWith("bucket "))
                    sb.append("          ").append(c.resource()).append('\n');
                sb.append("          ").append(c.evidence()).append('\n');
                if (c.status() != Status.PASS && !c.remediation().isEmpty()) {
                    sb.append("          fix: ").append(c.remediation()).append('\n');
                }
            }
        }
        sb.append('\n').append(summaryLine()).append('\n');
        return sb.toString();
    }

    public String json() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray("checks");
        for (Check c : checks) {
            arr.addObject()
                    .put("id", c.id())
                    .put("status", c.status().name())
                    .put("severity", c.severity().name())
                    .put("resource", c.resource())
                    .put("evidence", c.evidence())
                    .put("remediation", c.remediation())
                    .put("practice", c.practice().id);
        }
        ObjectNode s = root.putObject("summary");
        s.put("endpoint", endpoint).put("account", accountId).put("total", checks.size());
        for (Status st : Status.values()) s.put(st.name().toLowerCase(Locale.ROOT), count(st));
        ObjectNode bySev = s.putObject("failBySeverity");
        for (Severity sev : Severity.values()) {
            bySev.put(
                    sev.name(),
                    checks.stream()
                            .filter(c -> c.status() == Status.FAIL && c.severity() == sev)
                            .count());
        }
        ObjectNode byPractice = s.putObject("failByPractice");
        for (Check.Practice p : Check.Practice.values()) {
            byPractice.put(
                    p.id,
                    checks.stream()
                            .filter(c -> c.status() == Status.FAIL && c.practice() == p)
                            .count());
        }
        return write(root);
    }

    /** SARIF 2.1.0: one rule per check id, one result per check that did not pass. */
    public String sarif() {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json").put("version", "2.1.0");
        ObjectNode run = root.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "rampart-guard").put("informationUri", "https://github.com/rampart/rampart#rampart-guard");
        ArrayNode rules = driver.putArray("rules");
        for (Rule r : Rule.values()) {
            ObjectNode rule = rules.addObject().put("id", r.id).put("name", r.name());
            rule.putObject("shortDescription").put("text", r.title);
            rule.putObject("defaultConfiguration").put("level", level(r.severity));
            rule.putObject("properties")
                    .put("practice", r.practice.id)
                    .put("security-severity", securitySeverity(r.severity))
                    .putArray("tags")
                    .add("security")
                    .add(r.practice.id);
        }
        ArrayNode results = run.putArray("results");
        for (Check c : checks) {
            if (c.status() == Status.PASS) continue;
            ObjectNode res = results.addObject()
                    .put("ruleId", c.id())
                    .put("ruleIndex", java.util.Arrays.asList(Rule.values()).indexOf(c.rule()))
                    .put(
                            "level",
                            c.status() == Status.FAIL
                                    ? level(c.severity())
                                    : c.status() == Status.WARN ? "warning" : "note");
            res.putObject("message")
                    .put(
                            "text",
                            c.status() + ": " + c.evidence()
                                    + (c.remediation().isEmpty() ? "" : "\nRemediation: " + c.remediation()));
            ObjectNode loc = res.putArray("locations").addObject();
            loc.putObject("physicalLocation").putObject("artifactLocation").put("uri", c.resource());
            loc.putArray("logicalLocations")
                    .addObject()
                    .put("fullyQualifiedName", c.resource())
                    .put("kind", "resource");
            res.putObject("partialFingerprints").put("rampartGuard/v1", c.id() + "|" + c.resource());
            res.putObject("properties")
                    .put("status", c.status().name())
                    .put("severity", c.severity().name())
                    .put("practice", c.practice().id);
        }
        return write(root);
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder("# rampart guard\n\n");
        sb.append("Endpoint: ")
                .append(endpoint)
                .append(", account ")
                .append(accountId)
                .append("\n\n");
        sb.append("**").append(summaryLine()).append("**\n");
        for (var g : groups().entrySet()) {
            sb.append("\n## ")
                    .append(g.getKey())
                    .append("\n\n| Status | Severity | Check | Resource | Evidence | Remediation |\n")
                    .append("|---|---|---|---|---|---|\n");
            for (Check c : g.getValue()) {
                sb.append("| ")
                        .append(c.status())
                        .append(" | ")
                        .append(c.severity())
                        .append(" | `")
                        .append(c.id())
                        .append("` ")
                        .append(md(c.rule().title))
                        .append(" | ")
                        .append(md(c.resource()))
                        .append(" | ")
                        .append(md(c.evidence()))
                        .append(" | ")
                        .append(
                                c.remediation().isEmpty()
                                        ? ""
                                        : "`"
                                                + c.remediation()
                                                        .replace("`", "'")
                                                        .replace("|", "\\|") + "`")
                        .append(" |\n");
            }
        }
        return sb.toString();
    }

    private static String md(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    private static String level(Severity s) {
        return s.compareTo(Severity.HIGH) >= 0 ? "error" : "warning";
    }

    private static String securitySeverity(Severity s) {
        return switch (s) {
            case CRITICAL -> "9.5";
            case HIGH -> "8.0";
            case MEDIUM -> "5.5";
            case LOW -> "3.0";
        };
    }

    private static String write(ObjectNode root) {
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

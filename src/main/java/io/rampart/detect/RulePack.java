package io.rampart.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads rule packs: YAML files with a top-level {@code rules:} list (see {@code rules.yaml} in this package for the
 * built-in pack and the format). Errors name the rule and the field, so a mistyped pack fails at start-up, not later.
 */
public final class RulePack {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String BUILT_IN = "/io/rampart/detect/rules.yaml";
    private static final Set<String> RULE_FIELDS = Set.of(
            "id",
            "severity",
            "description",
            "match",
            "trigger",
            "groupBy",
            "window",
            "threshold",
            "firstSeen",
            "lowers",
            "after",
            "responses");

    private RulePack() {}

    public static List<Rule> builtIn() {
        try (InputStream in = RulePack.class.getResourceAsStream(BUILT_IN)) {
            if (in == null)
                throw new IllegalStateException("the built-in rule pack " + BUILT_IN + " is missing from the jar");
            return parse(YAML.readTree(in), "built-in rules");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rules of {@code file}, or the built-in pack when {@code file} is null. */
    public static List<Rule> load(Path file) throws IOException {
        if (file == null) return builtIn();
        try (InputStream in = Files.newInputStream(file)) {
            return parse(YAML.readTree(in), file.toString());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + e.getOriginalMessage());
        }
    }

    public static List<Rule> parse(String yaml) throws IOException {
        return parse(YAML.readTree(yaml), "rules");
    }

    static List<Rule> parse(JsonNode doc, String source) {
        if (doc == null || !doc.path("rules").isArray())
            throw new IllegalArgumentException(source + ": expected a top-level 'rules:' list");
        List<Rule> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (JsonNode r : doc.path("rules")) {
            Rule rule = rule(r, source);
            if (!ids.add(rule.id())) throw new IllegalArgumentException(source + ": duplicate rule id " + rule.id());
            out.add(rule);
        }
        return List.copyOf(out);
    }

    private static Rule rule(JsonNode r, String source) {
        String id = r.path("id").asText("");
        if (!id.matches("[A-Za-z0-9._-]{1,64}"))
            throw new IllegalArgumentException(source + ": every rule needs an id of [A-Za-z0-9._-]");
        String where = source + ": rule " + id;
        for (Map.Entry<String, JsonNode> e : r.properties()) {
            if (!RULE_FIELDS.contains(e.getKey()))
                throw new IllegalArgumentException(where + ": unknown field '" + e.getKey() + "'");
        }
        Severity severity;
        try {
            severity = Severity.valueOf(r.path("severity").asText("MEDIUM").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": severity must be one of LOW, MEDIUM, HIGH, CRITICAL");
        }
        if (!r.has("match")) throw new IllegalArgumentException(where + ": 'match' is required");
        List<String> groupBy = new ArrayList<>();
        JsonNode g = r.path("groupBy");
        if (g.isTextual()) groupBy.add(groupField(g.asText()));
        else for (JsonNode n : g) groupBy.add(groupField(n.asText()));
        Rule.FirstSeen firstSeen = null;
        if (r.has("firstSeen")) {
            JsonNode f = r.get("firstSeen");
            firstSeen = new Rule.FirstSeen(
                    fields(f.path("field"), where + ".firstSeen"),
                    f.path("baseline").asInt(1));
        }
        Rule.Lowers lowers =
                r.has("lowers") ? new Rule.Lowers(fields(r.get("lowers").path("field"), where + ".lowers")) : null;
        Rule.After after = null;
        if (r.has("after")) {
            JsonNode a = r.get("after");
            after = new Rule.After(
                    Match.parse(a.get("match"), where + ".after.match"),
                    duration(a.path("within").asText("1h"), where));
        }
        List<ResponseAction> responses = new ArrayList<>();
        try {
            for (JsonNode n : r.path("responses")) responses.add(ResponseAction.ofYaml(n.asText()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        try {
            return new Rule(
                    id,
                    severity,
                    r.path("description").asText(id),
                    Match.parse(r.get("match"), where + ".match"),
                    r.has("trigger") ? Match.parse(r.get("trigger"), where + ".trigger") : null,
                    groupBy,
                    duration(r.path("window").asText("60s"), where),
                    r.path("threshold").asInt(1),
                    firstSeen,
                    lowers,
                    after,
                    responses);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    e.getMessage().startsWith(source) ? e.getMessage() : where + ": " + e.getMessage());
        }
    }

    private static List<String> fields(JsonNode n, String where) {
        List<String> out = new ArrayList<>();
        if (n.isTextual()) out.add(n.asText());
        else for (JsonNode f : n) out.add(f.asText());
        if (out.isEmpty()) throw new IllegalArgumentException(where + ": 'field' is required");
        return out;
    }

    private static String groupField(String name) {
        return switch (name) {
            case "accessKey" -> "@accessKey";
            case "principal" -> "@principal";
            case "bucket" -> "@bucket";
            default -> name;
        };
    }

    /** "90s", "10m", "1h", "7d", or ISO-8601 ("PT5M"). */
    static Duration duration(String s, String where) {
        try {
            if (s.startsWith("P") || s.startsWith("p")) return Duration.parse(s);
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return switch (s.charAt(s.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": invalid duration '" + s + "' (e.g. 90s, 10m, 1h, 7d)");
        }
    }
}

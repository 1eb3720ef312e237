package io.rampart.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.audit.TrailLayout;
import io.rampart.detect.Finding;
import io.rampart.detect.FindingJson;
import io.rampart.detect.OfflineAnalysis;
import io.rampart.detect.Rule;
import io.rampart.detect.RulePack;
import io.rampart.detect.Severity;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rampart detect}: runs the detection rules over CloudTrail files, offline. */
@Command(
        name = "detect",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run the detection rules over CloudTrail log files exported from AWS (gzip or plain",
            "{\"Records\":[...]}, aws cloudtrail lookup-events output, JSON arrays or JSON lines; folders are walked",
            "recursively), or over this server's own trail (<data-dir>/trail, the active file included) when no",
            "--cloudtrail is given. Records are put in time order first. Nothing is changed: findings are printed.",
            "Exit status: 0, or 1 when a finding is at or above --fail-on, 2 when files cannot be read, 3 when",
            "records were skipped (no readable time, not a record) unless --allow-skips."
        })
final class DetectCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--cloudtrail", arity = "1..*", paramLabel = "PATH", description = "CloudTrail files or folders.")
    List<Path> cloudtrail = new ArrayList<>();

    @Option(
            names = "--data-dir",
            defaultValue = "./rampart-data",
            description =
                    "Data directory whose trail is read when no --cloudtrail is given (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--rules", paramLabel = "FILE", description = "Rule pack (YAML) instead of the built-in one.")
    Path rules;

    @Option(
            names = "--format",
            defaultValue = "table",
            description = "table, json or sarif (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--json", description = "Same as --format json.")
    boolean json;

    @Option(
            names = "--fail-on",
            paramLabel = "SEVERITY",
            description = "Exit 1 when a finding is at or above LOW, MEDIUM, HIGH or CRITICAL.")
    String failOn;

    @Option(names = "--allow-skips", description = "Exit 0 even when records were skipped (they are still reported).")
    boolean allowSkips;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int run(PrintWriter out, PrintWriter err) {
        if (json) format = "json";
        format = format.toLowerCase(Locale.ROOT);
        if (!List.of("table", "json", "sarif").contains(format)) {
            err.println("rampart detect: --format must be table, json or sarif");
            return 2;
        }
        Severity threshold = null;
        if (failOn != null) {
            try {
                threshold = Severity.valueOf(failOn.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                err.println("rampart detect: --fail-on must be LOW, MEDIUM, HIGH or CRITICAL");
                return 2;
            }
        }
        List<Rule> pack;
        try {
            pack = RulePack.load(rules);
        } catch (IOException | IllegalArgumentException e) {
            err.println("rampart detect: cannot load rules: " + e.getMessage());
            return 2;
        }
        boolean terminal = io.rampart.guard.Progress.interactive();
        long[] lastShown = {0};
        OfflineAnalysis.Progress progress = !terminal
                ? OfflineAnalysis.Progress.NONE
                : (done, total, records) -> {
                    long now = System.nanoTime();
                    if (now - lastShown[0] < 200_000_000L && done < total) return;
                    lastShown[0] = now;
                    err.print("\rdetect: " + done + "/" + total + " files, " + records + " records ");
                    err.flush();
                };
        OfflineAnalysis.Result result;
        try {
            result = cloudtrail.isEmpty()
                    ? OfflineAnalysis.runTrail(TrailLayout.ofDataDir(dataDir), pack, progress)
                    : OfflineAnalysis.run(cloudtrail, pack, progress);
        } catch (IOException e) {
            err.println("rampart detect: "
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such file or folder: " : "")
                    + e.getMessage());
            return 2;
        }
        if (terminal) {
            err.print("\r" + " ".repeat(60) + "\r");
            err.flush();
        }
        switch (format) {
            case "json" -> printJson(out, result);
            case "sarif" -> printSarif(out, result, pack);
            default -> printTable(out, result);
        }
        for (String u : result.unreadable()) err.println("rampart detect: unreadable: " + u);
        if (result.skipped() > 0) {
            StringBuilder why = new StringBuilder();
            result.skipReasons()
                    .forEach((k, v) -> why.append(why.isEmpty() ? "" : ", ")
                            .append(v)
                            .append(' ')
                            .append(k));
            err.println("rampart detect: " + result.skipped() + " record(s) skipped: " + why);
            for (String e : result.skipExamples()) err.println("rampart detect:   skipped " + e);
        }
        double seconds = Math.max(result.millis(), 1) / 1000.0;
        err.printf(
                Locale.ROOT,
                "rampart detect: %d record(s) in %d file(s), %d finding(s), %.1f s (%.0f records/s)%n",
                result.records(),
                result.files(),
                result.findings().size(),
                seconds,
                result.records() / seconds);
        if (!result.unreadable().isEmpty()) return 2;
        if (result.skipped() > 0 && !allowSkips) {
            err.println("rampart detect: records were skipped; --allow-skips to accept");
            return 3;
        }
        if (threshold != null) {
            Severity t = threshold;
            if (result.findings().stream().anyMatch(f -> f.severity().compareTo(t) >= 0)) return 1;
        }
        return 0;
    }

    private static void printTable(PrintWriter out, OfflineAnalysis.Result r) {
        if (r.findings().isEmpty()) {
            out.println("No findings.");
            return;
        }
        out.printf(
                "%-8s %-30s %-45s %-22s %-20s %6s  %-20s %s%n",
                "SEVERITY", "RULE", "PRINCIPAL", "ACCESS KEY", "BUCKET", "EVENTS", "FIRST", "LAST");
        for (Finding f : r.findings()) {
            out.printf(
                    "%-8s %-30s %-45s %-22s %-20s %6d  %-20s %s%n",
                    f.severity(),
                    f.ruleId(),
                    dash(f.principalArn()),
                    dash(f.accessKeyId()),
                    dash(f.bucket()),
                    f.count(),
                    f.firstTime(),
                    f.lastTime());
        }
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private static void printJson(PrintWriter out, OfflineAnalysis.Result r) {
        ObjectNode doc = FindingJson.JSON.createObjectNode();
        doc.put("records", r.records());
        doc.put("files", r.files());
        doc.put("skipped", r.skipped());
        ObjectNode reasons = doc.putObject("skipReasons");
        r.skipReasons().forEach(reasons::put);
        ArrayNode examples = doc.putArray("skipExamples");
        r.skipExamples().forEach(examples::add);
        ArrayNode list = doc.putArray("findings");
        for (Finding f : r.findings()) list.add(FindingJson.of(f));
        try {
            out.println(FindingJson.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SARIF 2.1.0, so CI systems (GitHub code scanning and others) show the findings. */
    private static void printSarif(PrintWriter out, OfflineAnalysis.Result r, List<Rule> pack) {
        ObjectNode doc = FindingJson.JSON.createObjectNode();
        doc.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        doc.put("version", "2.1.0");
        ObjectNode run = doc.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "rampart-detect");
        driver.put("informationUri", "https://github.com/rampart/rampart");
        ArrayNode rules = driver.putArray("rules");
        for (Rule rule : pack) {
            ObjectNode n = rules.addObject();
            n.put("id", rule.id());
            n.putObject("shortDescription").put("text", rule.description());
            n.putObject("defaultConfiguration").put("level", level(rule.severity()));
            n.putObject("properties").put("severity", rule.severity().name());
        }
        ArrayNode results = run.putArray("results");
        for (Finding f : r.findings()) {
            ObjectNode n = results.addObject();
            n.put("ruleId", f.ruleId());
            n.put("level", level(f.severity()));
            n.putObject("message")
                    .put(
                            "text",
                            f.description() + ": " + dash(f.principalArn()) + " (access key "
                                    + dash(f.accessKeyId()) + ") on bucket " + dash(f.bucket()) + ", " + f.count()
                                    + " event(s) from "
                                    + f.firstTime() + " to " + f.lastTime());
            if (f.bucket() != null) {
                n.putArray("locations")
                        .addObject()
                        .putArray("logicalLocations")
                        .addObject()
                        .put("fullyQualifiedName", "arn:aws:s3:::" + f.bucket())
                        .put("kind", "resource");
            }
            n.set("properties", FindingJson.of(f));
        }
        try {
            out.println(FindingJson.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String level(Severity s) {
        return switch (s) {
            case LOW -> "note";
            case MEDIUM -> "warning";
            case HIGH, CRITICAL -> "error";
        };
    }
}

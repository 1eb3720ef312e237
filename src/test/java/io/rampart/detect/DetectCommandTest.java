package io.rampart.detect;

import static io.rampart.detect.Events.copyInPlace;
import static io.rampart.detect.Events.put;
import static io.rampart.detect.Events.s3;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.cli.Main;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code rampart detect} over CloudTrail files as AWS exports them: gzip {"Records":[...]} in the AWSLogs folder
 * layout, plain JSON, JSON lines. The attack corpus names the attacker; the benign corpus gives nothing.
 */
class DetectCommandTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    static Run detect(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "detect";
        System.arraycopy(args, 0, all, 1, args.length);
        int exit = cl.execute(all);
        return new Run(exit, out.toString(), err.toString());
    }

    static void gzipRecords(Path file, List<Events.E> events) throws Exception {
        Files.createDirectories(file.getParent());
        ObjectNode doc = Events.JSON.createObjectNode();
        ArrayNode records = doc.putArray("Records");
        events.forEach(e -> records.add(e.json()));
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(file))) {
            o.write(Events.JSON.writeValueAsBytes(doc));
        }
    }

    static void jsonLines(Path file, List<Events.E> events) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (Events.E e : events)
            sb.append(Events.JSON.writeValueAsString(e.json())).append('\n');
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    /** A normal working day: uploads, reads, a few deletes, a lifecycle that only archives, SSE-C on an SSE-C bucket. */
    static List<Events.E> benignDay() {
        List<Events.E> es = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            es.add(put("reports", "2025/r" + i + ".csv", i * 10L));
            es.add(s3("GetObject", "reports", "2025/r" + i + ".csv", i * 10L + 5));
        }
        for (int i = 0; i < 10; i++) es.add(s3("DeleteObject", "reports", "tmp/" + i, 3000 + i * 60L));
        for (int i = 0; i < 20; i++)
            es.add(put("vault", "secret-" + i, 100 + i * 100L).sseC());
        es.add(BuiltInRulesTest.lifecycle(
                "reports",
                4000,
                "{\"ID\":\"archive\",\"Status\":\"Enabled\",\"Filter\":{\"Prefix\":\"\"},"
                        + "\"Transition\":{\"Days\":\"90\",\"StorageClass\":\"GLACIER\"}}"));
        es.add(s3("PutBucketVersioning", "reports", null, 4100)
                .doc("VersioningConfiguration", "{\"Status\":\"Enabled\"}"));
        return es;
    }

    /** Codefinger: a stolen long-lived key from a new IP re-encrypts objects in place, then sets a 1-day expiration. */
    static List<Events.E> attack() {
        List<Events.E> es = new ArrayList<>();
        for (int i = 0; i < 20; i++) es.add(put("finance", "ledger-" + i, i).user("etl", "AKIAETLEXAMPLE000001"));
        for (int i = 0; i < 30; i++) {
            es.add(copyInPlace("finance", "ledger-" + i, 5000 + i)
                    .sseC()
                    .user("etl", "AKIAETLEXAMPLE000001")
                    .ip("203.0.113.66")
                    .agent("aws-sdk-go/1.44.0"));
        }
        es.add(BuiltInRulesTest.lifecycle(
                        "finance",
                        5100,
                        "{\"ID\":\"x\",\"Status\":\"Enabled\",\"Filter\":{\"Prefix\":\"\"},"
                                + "\"Expiration\":{\"Days\":\"1\"}}")
                .user("etl", "AKIAETLEXAMPLE000001")
                .ip("203.0.113.66"));
        return es;
    }

    @Test
    void attackCorpusInAwsLogsLayoutNamesTheAttackerAndFailsOnHigh() throws Exception {
        Path logs = dir.resolve("AWSLogs/111122223333/CloudTrail/us-east-1/2025/01/13");
        List<Events.E> a = attack();
        gzipRecords(logs.resolve("111122223333_CloudTrail_us-east-1_20250113T0900Z_a1.json.gz"), a.subList(0, 25));
        gzipRecords(
                logs.resolve("111122223333_CloudTrail_us-east-1_20250113T1025Z_a2.json.gz"), a.subList(25, a.size()));
        Run r = detect("--cloudtrail", dir.toString(), "--format", "json", "--fail-on", "HIGH");
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        JsonNode doc = Events.JSON.readTree(r.out());
        assertThat(doc.path("records").asLong()).isEqualTo(a.size());
        List<String> rules = new ArrayList<>();
        for (JsonNode f : doc.path("findings")) {
            rules.add(f.path("rule").asText());
            assertThat(f.path("principal").asText()).isEqualTo("arn:aws:iam::111122223333:user/etl");
            assertThat(f.path("accessKeyId").asText()).isEqualTo("AKIAETLEXAMPLE000001");
        }
        assertThat(rules)
                .contains(
                        "in-place-sse-c-reencryption",
                        "sse-c-write-on-new-bucket",
                        "lifecycle-expiration-added",
                        "long-lived-key-new-source-ip");
        JsonNode inPlace = List.copyOf(toList(doc.path("findings"))).stream()
                .filter(f -> f.path("rule").asText().equals("in-place-sse-c-reencryption"))
                .findFirst()
                .orElseThrow();
        assertThat(inPlace.path("count").asLong()).isEqualTo(30);
        assertThat(inPlace.path("bucket").asText()).isEqualTo("finance");
        assertThat(inPlace.path("responses"))
                .as("offline analysis takes no response")
                .isEmpty();
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> l = new ArrayList<>();
        array.forEach(l::add);
        return l;
    }

    @Test
    void benignCorpusInPlainJsonAndJsonLinesGivesNothing() throws Exception {
        List<Events.E> b = benignDay();
        ObjectNode doc = Events.JSON.createObjectNode();
        ArrayNode records = doc.putArray("Records");
        b.subList(0, 300).forEach(e -> records.add(e.json()));
        Files.writeString(dir.resolve("day.json"), Events.JSON.writeValueAsString(doc));
        Files.createDirectories(dir.resolve("more"));
        jsonLines(dir.resolve("more/day.jsonl"), b.subList(300, b.size()));
        Run r = detect(
                "--cloudtrail",
                dir.resolve("day.json").toString(),
                dir.resolve("more").toString(),
                "--fail-on",
                "LOW");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("No findings.");
        assertThat(r.err()).contains(b.size() + " record(s) in 2 file(s), 0 finding(s)");
    }

    @Test
    void sarifOutputListsRulesAndResultsWithLevels() throws Exception {
        gzipRecords(dir.resolve("a.json.gz"), attack());
        Run r = detect("--cloudtrail", dir.toString(), "--format", "sarif");
        assertThat(r.exit()).isZero();
        JsonNode sarif = Events.JSON.readTree(r.out());
        assertThat(sarif.path("version").asText()).isEqualTo("2.1.0");
        JsonNode run = sarif.path("runs").get(0);
        assertThat(run.path("tool").path("driver").path("rules").size())
                .isEqualTo(RulePack.builtIn().size());
        assertThat(toList(run.path("results"))).anySatisfy(res -> {
            assertThat(res.path("ruleId").asText()).isEqualTo("in-place-sse-c-reencryption");
            assertThat(res.path("level").asText()).isEqualTo("error");
            assertThat(res.path("message").path("text").asText()).contains("AKIAETLEXAMPLE000001");
        });
    }

    @Test
    void aCustomRulePackReplacesTheBuiltInOne() throws Exception {
        gzipRecords(dir.resolve("a.json.gz"), attack());
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, """
                rules:
                  - id: any-lifecycle
                    severity: LOW
                    match: {eventName: PutBucketLifecycle}
                    groupBy: bucket
                """);
        Run r = detect(
                "--cloudtrail", dir.resolve("a.json.gz").toString(), "--rules", rules.toString(), "--format", "json");
        JsonNode doc = Events.JSON.readTree(r.out());
        assertThat(toList(doc.path("findings")))
                .singleElement()
                .satisfies(f -> assertThat(f.path("rule").asText()).isEqualTo("any-lifecycle"));
    }

    @Test
    void aBrokenRulePackOrAMissingPathFailsWithOneLine() throws Exception {
        Path rules = dir.resolve("bad.yaml");
        Files.writeString(rules, "rules:\n  - id: x\n    match: {eventName: A}\n    window: forever\n");
        Run r = detect("--cloudtrail", dir.toString(), "--rules", rules.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("rule x").contains("invalid duration 'forever'");
        Run missing = detect("--cloudtrail", dir.resolve("nope").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file or folder");
    }
}

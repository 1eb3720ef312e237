package io.rampart.detect;

import static io.rampart.detect.Events.s3;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CloudTrail delivers records in no specific order: windows and thresholds must not depend on the order records
 * arrive in (live: bounded lateness), and offline analysis orders records by time before the rules see them.
 */
class TimeOrderTest {
    @TempDir
    Path dir;

    private final Map<String, Finding> findings = new LinkedHashMap<>();
    private final Detector detector =
            new Detector(RulePack.builtIn(), Detector.Responses.NONE, (f, isNew) -> findings.put(f.id(), f));

    private List<Finding> of(String rule) {
        return findings.values().stream().filter(f -> f.ruleId().equals(rule)).toList();
    }

    private static List<Events.E> deletes(int n, long spacingSeconds) {
        List<Events.E> es = new ArrayList<>();
        for (int i = 0; i < n; i++) es.add(s3("DeleteObject", "data", "k" + i, 1000 + i * spacingSeconds));
        return es;
    }

    @Test
    void fiftyDeletesSeventySecondsApartReadInReverseRaiseNoBurst() {
        List<Events.E> es = deletes(50, 70);
        Collections.reverse(es);
        es.forEach(e -> detector.accept(e.json()));
        assertThat(of("overwrite-or-delete-burst")).isEmpty();
    }

    @Test
    void aRealBurstReadInReverseOrShuffledFiresWithFirstTimeBeforeLastTime() {
        List<Events.E> es = deletes(60, 1);
        Collections.reverse(es);
        es.forEach(e -> detector.accept(e.json()));
        assertThat(of("overwrite-or-delete-burst")).singleElement().satisfies(f -> {
            assertThat(f.firstTime()).isBeforeOrEqualTo(f.lastTime());
            assertThat(f.count()).isEqualTo(60);
            assertThat(f.firstTime()).isEqualTo(Events.T0.plusSeconds(1000));
            assertThat(f.lastTime()).isEqualTo(Events.T0.plusSeconds(1059));
        });

        findings.clear();
        Detector other =
                new Detector(RulePack.builtIn(), Detector.Responses.NONE, (f, isNew) -> findings.put(f.id(), f));
        List<Events.E> shuffled = new ArrayList<>();
        for (int i = 0; i < 55; i++)
            shuffled.add(s3("DeleteObject", "data", "s" + i, 5000 + i).user("bob", "AKIABOBEXAMPLE000001"));
        Collections.shuffle(shuffled, new Random(7));
        shuffled.forEach(e -> other.accept(e.json()));
        assertThat(of("overwrite-or-delete-burst")).singleElement().satisfies(f -> {
            assertThat(f.firstTime()).isBeforeOrEqualTo(f.lastTime());
            assertThat(f.count()).isEqualTo(55);
            assertThat(f.accessKeyId()).isEqualTo("AKIABOBEXAMPLE000001");
        });
    }

    @Test
    void fortyNineDeletesInAMinuteAndOneAnHourEarlierArrivingLastIsNoBurst() {
        deletes(49, 1).forEach(e -> detector.accept(e.json()));
        detector.accept(s3("DeleteObject", "data", "late", 1000 - 600).json()); // 10 minutes earlier, arriving late
        assertThat(of("overwrite-or-delete-burst")).isEmpty();
        detector.accept(s3("DeleteObject", "data", "late2", 1000 + 30).json());
        assertThat(of("overwrite-or-delete-burst")).hasSize(1);
    }

    /** Live: the sequence's start (versioning suspended) arrives after its second step (a delete that followed it). */
    @Test
    void aSequenceWhoseStartArrivesLateIsStillSeen() {
        Events.E delete = s3("DeleteObject", "finance", "ledger-1", 600);
        Events.E suspend = s3("PutBucketVersioning", "finance", null, 590)
                .doc("VersioningConfiguration", "{\"Status\":\"Suspended\"}");
        detector.accept(delete.json());
        assertThat(of("evasion-then-destructive-writes")).isEmpty();
        detector.accept(suspend.json());
        assertThat(of("evasion-then-destructive-writes")).singleElement().satisfies(f -> {
            assertThat(f.accessKeyId()).isEqualTo("AKIAIOSFODNN7EXAMPLE");
            assertThat(f.principalArn()).isEqualTo("arn:aws:iam::111122223333:user/analyst");
            assertThat(f.bucket()).isEqualTo("finance");
            assertThat(f.firstTime()).isEqualTo(Events.T0.plusSeconds(600));
            assertThat(f.evidence())
                    .containsExactly(delete.json().path("eventID").asText());
        });
    }

    @Test
    void aStartThatHappenedAfterTheStepDoesNotMakeASequence() {
        detector.accept(s3("DeleteObject", "finance", "ledger-1", 600).json());
        detector.accept(s3("PutBucketVersioning", "finance", null, 700)
                .doc("VersioningConfiguration", "{\"Status\":\"Suspended\"}")
                .json());
        assertThat(of("evasion-then-destructive-writes")).isEmpty();
        // Nor one more than the sequence's span (1 hour) before it.
        detector.accept(s3("DeleteObject", "b2", "x", 10_000)
                .user("u2", "AKIAU2EXAMPLE0000001")
                .json());
        detector.accept(s3("PutBucketVersioning", "b2", null, 10_000 - 3_700)
                .user("u2", "AKIAU2EXAMPLE0000001")
                .doc("VersioningConfiguration", "{\"Status\":\"Suspended\"}")
                .json());
        assertThat(of("evasion-then-destructive-writes")).isEmpty();
    }

    @Test
    void externalSortSpillsRunsAndMergesThemInTimeOrder() throws Exception {
        Random rnd = new Random(3);
        List<Long> times = new ArrayList<>();
        try (TimeOrder order = new TimeOrder(4096)) {
            for (int i = 0; i < 500; i++) {
                long s = rnd.nextInt(100_000);
                Events.E e = s3("GetObject", "b", "k" + i, s);
                order.add(e.json(), EventTimes.of(e.json()));
            }
            assertThat(order.runs()).as("spilled to disk in runs").isGreaterThan(5);
            order.drain(r -> times.add(EventTimes.of(r)));
        }
        assertThat(times).hasSize(500).isSorted();
    }

    /** Offline: a sequence whose records are in reverse order across two files still reads as the sequence it is. */
    @Test
    void detectOrdersRecordsByTimeAcrossFiles() throws Exception {
        List<Events.E> later = List.of(s3("DeleteObject", "finance", "ledger-1", 600));
        List<Events.E> earlier = List.of(s3("PutBucketVersioning", "finance", null, 100)
                .doc("VersioningConfiguration", "{\"Status\":\"Suspended\"}"));
        // Named so that path order puts the later record first.
        DetectCommandTest.jsonLines(dir.resolve("a.jsonl"), later);
        DetectCommandTest.jsonLines(dir.resolve("b.jsonl"), earlier);
        DetectCommandTest.Run r = DetectCommandTest.detect("--cloudtrail", dir.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode doc = Events.JSON.readTree(r.out());
        List<String> rules = new ArrayList<>();
        doc.path("findings").forEach(f -> rules.add(f.path("rule").asText()));
        assertThat(rules).contains("evasion-then-destructive-writes", "versioning-suspended");
    }

    @Test
    void detectOnReversedBurstFilesGivesNoFalseHigh() throws Exception {
        List<Events.E> es = deletes(50, 70);
        Collections.reverse(es);
        DetectCommandTest.gzipRecords(dir.resolve("x/trail.json.gz"), es);
        DetectCommandTest.Run r = DetectCommandTest.detect("--cloudtrail", dir.toString(), "--fail-on", "HIGH");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).doesNotContain("overwrite-or-delete-burst");
    }
}

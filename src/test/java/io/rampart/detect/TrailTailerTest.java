package io.rampart.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.audit.RequestFacts;
import io.rampart.audit.TrailWriter;
import io.rampart.crypto.MasterKey;
import io.rampart.iam.Principal;
import io.rampart.storage.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tailer reads each trail record once, across sealing, restarts and a detector that was down. */
class TrailTailerTest {
    private static final MasterKey MASTER = MasterKey.of(new byte[32]);
    private static final Principal ATTACKER = new Principal(
            "IAMUser",
            "111122223333",
            "arn:aws:iam::111122223333:user/mallory",
            "AIDAMALLORY",
            "mallory",
            "AKIAMALLORY000000001",
            Optional.empty());

    @TempDir
    Path dir;

    private Database db;
    private TrailWriter writer;

    @BeforeEach
    void open() throws Exception {
        db = new Database(dir.resolve("rampart.db"), 2);
        writer = TrailWriter.open(
                dir.resolve("trail"),
                TrailWriter.Options.defaults("111122223333", "us-east-1").withFsync(false),
                MASTER,
                db,
                Clock.systemUTC());
    }

    @AfterEach
    void close() {
        writer.close();
        db.close();
    }

    private TrailTailer tailer() throws Exception {
        return new TrailTailer(
                writer.layout(), new FindingStore(db), RulePack.builtIn(), Detector.Responses.NONE, f -> {}, 50);
    }

    static RequestFacts reencrypt(String key) {
        return RequestFacts.builder()
                .time(Instant.now())
                .requestId("REQ-" + key)
                .hostId("host")
                .service("s3")
                .eventName("CopyObject")
                .region("us-east-1")
                .principal(ATTACKER)
                .accessKeyId("AKIAMALLORY000000001")
                .sourceIp("203.0.113.9")
                .userAgent("evil/1.0")
                .bucket("victim")
                .key(key)
                .requestParameters(Map.of(
                        "bucketName",
                        "victim",
                        "key",
                        key,
                        "x-amz-copy-source",
                        "victim/" + key,
                        "x-amz-server-side-encryption-customer-algorithm",
                        "AES256"))
                .status(200)
                .authMethod("AuthHeader")
                .build();
    }

    private void write(int from, int to) {
        for (int i = from; i < to; i++) writer.recordDurably(reencrypt("k" + i));
    }

    @Test
    void recordsHandedOverInMemoryAreTakenOnceAcrossRotationAndARestart() throws Exception {
        TrailTailer t = tailer().attachTo(writer);
        t.pass(false);
        write(0, 5);
        t.pass(false);
        assertThat(t.processed()).isEqualTo(5);
        // Rotation: the closed segment was taken whole in memory, so its sealed file is done without being read.
        writer.rotateNow();
        write(5, 8);
        t.pass(false);
        assertThat(t.processed()).isEqualTo(8);
        t.close();

        // Down while 2 arrive (read back from the file at the restart), then 2 handed over: each taken once.
        write(8, 10);
        TrailTailer again = tailer().attachTo(writer);
        write(10, 12);
        again.pass(false);
        again.pass(true);
        assertThat(again.processed()).isEqualTo(4);
        again.close();
        assertThat(new FindingStore(db).list())
                .filteredOn(f -> f.ruleId().equals("in-place-sse-c-reencryption"))
                .singleElement()
                .satisfies(f -> assertThat(f.count()).isEqualTo(12));
    }

    @Test
    void aBatchTheTailerWasNotHandedIsReadFromItsSegment() throws Exception {
        TrailTailer t = tailer();
        t.pass(false);
        // Attached only after 3 records were written: the first batch handed over starts past its cursor.
        write(0, 3);
        t.attachTo(writer);
        write(3, 6);
        t.pass(false);
        assertThat(t.processed()).isEqualTo(6);
        t.close();
    }

    @Test
    void eachRecordIsProcessedOnceAcrossSealingAndRestarts() throws Exception {
        TrailTailer t = tailer();
        write(0, 5);
        t.pass(false);
        assertThat(t.processed()).isEqualTo(5);
        // Sealed after 5 were read, 3 more written: the rest of the sealed file and nothing twice.
        write(5, 8);
        writer.rotateNow();
        write(8, 10);
        t.pass(false);
        t.pass(true);
        assertThat(t.processed()).isEqualTo(10);
        t.close();

        // Down while 4 more arrive, one sealed away: the restarted tailer reads exactly those.
        write(10, 12);
        writer.rotateNow();
        write(12, 14);
        TrailTailer again = tailer();
        again.pass(false);
        assertThat(again.processed()).isEqualTo(4);
        again.close();

        // One finding, grown over both runs (the engine's state was committed with the position).
        List<Finding> findings = new FindingStore(db).list();
        assertThat(findings)
                .filteredOn(f -> f.ruleId().equals("in-place-sse-c-reencryption"))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.count()).isEqualTo(14);
                    assertThat(f.accessKeyId()).isEqualTo("AKIAMALLORY000000001");
                });
    }

    @Test
    void aLineStillBeingWrittenIsLeftForTheNextPass() throws Exception {
        TrailTailer t = tailer();
        write(0, 2);
        t.pass(false);
        Path segment;
        try (var s = Files.list(writer.layout().segments())) {
            segment = s.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow();
        }
        // A torn write at the end: not a record yet.
        Files.writeString(segment, "{\"eventTime\":\"2025-", java.nio.file.StandardOpenOption.APPEND);
        t.pass(false);
        assertThat(t.processed()).isEqualTo(2);
        t.close();
    }

    @Test
    void recordsWrittenWhileATailerThatNeverSawARecordWasDownAreNotSkippedAsHistory() throws Exception {
        TrailTailer t = tailer();
        t.pass(false);
        t.close();
        write(0, 3);
        writer.rotateNow();
        TrailTailer again = tailer();
        again.pass(false);
        assertThat(again.processed()).isEqualTo(3);
        again.close();
    }

    @Test
    void theFirstStartOnAnExistingTrailBeginsAtItsEnd() throws Exception {
        write(0, 3);
        writer.rotateNow();
        TrailTailer t = tailer();
        t.pass(false);
        assertThat(t.processed()).isZero();
        write(3, 4);
        t.pass(false);
        assertThat(t.processed()).isEqualTo(1);
        t.close();
    }

    /** Seals the open segment; returns the log file it became. */
    private Path sealNow() throws Exception {
        java.util.Set<String> before = new java.util.HashSet<>(writer.layout().logFiles());
        writer.rotateNow();
        List<String> made = writer.layout().logFiles().stream()
                .filter(o -> !before.contains(o))
                .toList();
        assertThat(made).hasSize(1);
        return writer.layout().resolve(made.get(0));
    }

    private static byte[] gzip(byte[] b) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    @Test
    void corruptHugeAndTruncatedRecordsAreSkippedReportedOnceAndWhatFollowsIsStillSeen() throws Exception {
        List<Finding> raised = new java.util.ArrayList<>();
        TrailTailer t = new TrailTailer(
                writer.layout(), new FindingStore(db), RulePack.builtIn(), Detector.Responses.NONE, raised::add, 50);
        t.pass(false);
        // A sealed file damaged on disk: a broken record, a 21 MB one, then a good re-encryption.
        write(0, 1);
        Path damaged = sealNow();
        String good = writer.records().of(reencrypt("k1")).toString();
        String huge = "{\"eventTime\":\"2026-01-01T00:00:00Z\",\"junk\":\"" + "A".repeat(21 << 20) + "\"}";
        Files.write(
                damaged,
                gzip(("{\"Records\":[{\"eventTime\":\"2026-01-01T00:00:00Z\",\"a\":}," + huge + "," + good + "]}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        // And one cut short: its second record lost.
        write(2, 4);
        Path cut = sealNow();
        byte[] whole = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 12));
        write(4, 6);
        t.pass(true);
        // k1, k2 (before the cut), k4 and k5: nothing stalled.
        assertThat(t.processed()).isEqualTo(4);
        List<Finding> unreadable = new FindingStore(db)
                .list().stream()
                        .filter(f -> f.ruleId().equals(TrailTailer.UNREADABLE_RULE))
                        .toList();
        assertThat(unreadable)
                .hasSize(2)
                .allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
        assertThat(unreadable).anySatisfy(f -> {
            assertThat(f.count()).isEqualTo(2);
            assertThat(f.evidence())
                    .anySatisfy(e -> assertThat(e).contains("record 0").contains("not JSON"))
                    .anySatisfy(e -> assertThat(e).contains("record 1").contains("longer than"));
        });
        assertThat(unreadable)
                .anySatisfy(f -> assertThat(f.evidence())
                        .singleElement()
                        .satisfies(e -> assertThat(e).contains("record 1").contains("truncated")));
        assertThat(raised)
                .filteredOn(f -> f.ruleId().equals(TrailTailer.UNREADABLE_RULE))
                .hasSize(2);
        assertThat(new FindingStore(db).list())
                .anySatisfy(f -> assertThat(f.ruleId()).isEqualTo("in-place-sse-c-reencryption"));
        t.close();

        // Restarted: the positions moved past them; nothing is reported or read again.
        TrailTailer again = tailer();
        again.pass(true);
        assertThat(again.processed()).isZero();
        assertThat(new FindingStore(db).list())
                .filteredOn(f -> f.ruleId().equals(TrailTailer.UNREADABLE_RULE))
                .hasSize(2);
        again.close();
    }

    @Test
    void anOverLongLineInAnOpenSegmentIsPassedWithoutStallingTheSegment() throws Exception {
        TrailTailer t = tailer();
        write(0, 1);
        t.pass(false);
        Path segment;
        try (var s = Files.list(writer.layout().segments())) {
            segment = s.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow();
        }
        // Longer than a pass reads: no newline in sight for several passes.
        Files.writeString(
                segment,
                "{\"eventTime\":\"2026-01-01T00:00:00Z\",\"junk\":\"" + "A".repeat(9 << 20),
                java.nio.file.StandardOpenOption.APPEND);
        t.pass(false);
        // (Appended here, not by the writer, whose channel writes at its own position.)
        Files.writeString(
                segment,
                "\"}\n" + writer.records().of(reencrypt("k1")) + "\n"
                        + writer.records().of(reencrypt("k2")) + "\n",
                java.nio.file.StandardOpenOption.APPEND);
        t.pass(false);
        t.pass(false);
        assertThat(t.processed()).isEqualTo(3);
        assertThat(new FindingStore(db).list())
                .filteredOn(f -> f.ruleId().equals(TrailTailer.UNREADABLE_RULE))
                .singleElement()
                .satisfies(f -> assertThat(f.count()).isEqualTo(1));
        t.close();
    }
}

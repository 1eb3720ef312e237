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
    private static final Principal ATTACKER = new Principal("IAMUser", "111122223333", "arn:aws:iam::111122223333:user/mallory",
            "AIDAMALLORY", "mallory", "AKIAMALLORY000000001", Optional.empty());

    @TempDir Path dir;
    private Database db;
    private TrailWriter writer;

    @BeforeEach void open() throws Exception {
        db = new Database(dir.resolve("rampart.db"), 2);
        writer = TrailWriter.open(dir.resolve("trail"), TrailWriter.Options.defaults("111122223333", "us-east-1").withFsync(false),
                MASTER, db, Clock.systemUTC());
    }

    @AfterEach void close() {
        writer.close();
        db.close();
    }

    private TrailTailer tailer() throws Exception {
        return new TrailTailer(writer.layout(), new FindingStore(db), RulePack.builtIn(), Detector.Responses.NONE, f -> { }, 50);
    }

    private static RequestFacts reencrypt(String key) {
        return new RequestFacts(Instant.now(), "REQ-" + key, "host", "s3", "CopyObject", "us-east-1", ATTACKER,
                "AKIAMALLORY000000001", "203.0.113.9", "evil/1.0", "victim", key,
                Map.of("bucketName", "victim", "key", key, "x-amz-copy-source", "victim/" + key,
                        "x-amz-server-side-encryption-customer-algorithm", "AES256"),
                Map.of(), 200, null, null, 0, 0, "AuthHeader", null, null, false, false);
    }

    private void write(int from, int to) {
        for (int i = from; i < to; i++) writer.recordDurably(reencrypt("k" + i));
    }

    @Test void eachRecordIsProcessedOnceAcrossSealingAndRestarts() throws Exception {
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
        assertThat(findings).filteredOn(f -> f.ruleId().equals("in-place-sse-c-reencryption")).singleElement()
                .satisfies(f -> {
                    assertThat(f.count()).isEqualTo(14);
                    assertThat(f.accessKeyId()).isEqualTo("AKIAMALLORY000000001");
                });
    }

    @Test void aLineStillBeingWrittenIsLeftForTheNextPass() throws Exception {
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

    @Test void recordsWrittenWhileATailerThatNeverSawARecordWasDownAreNotSkippedAsHistory() throws Exception {
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

    @Test void theFirstStartOnAnExistingTrailBeginsAtItsEnd() throws Exception {
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
}

package io.rampart.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.audit.TrailWriter;
import io.rampart.crypto.MasterKey;
import io.rampart.it.TestPostgres;
import io.rampart.storage.Database;
import io.rampart.storage.MetadataLocation;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL database: each publishes its own trail's records to the detection feed, the one node
 * holding the detector's lease takes every node's records once, and its positions and state survive a restart, so the
 * restarted detector takes only what came after and grows the same finding.
 */
class DetectionFeedTest {
    private static final MasterKey MASTER = MasterKey.of(new byte[32]);

    @TempDir
    Path dir;

    private static TrailWriter writer(Path dir, Database db) throws Exception {
        return TrailWriter.open(
                dir,
                TrailWriter.Options.defaults("111122223333", "us-east-1").withFsync(false),
                MASTER,
                db,
                Clock.systemUTC());
    }

    private static TrailTailer tailer(TrailWriter w, Database db, String node) throws Exception {
        return new TrailTailer(
                        w.layout(),
                        new FindingStore(db),
                        RulePack.builtIn(),
                        Detector.Responses.NONE,
                        f -> {},
                        50,
                        new DetectionFeed(db, node, 50, Clock.systemUTC()))
                .attachTo(w);
    }

    private static void write(TrailWriter w, int from, int to) {
        for (int i = from; i < to; i++) w.recordDurably(TrailTailerTest.reencrypt("k" + i));
    }

    @Test
    void everyNodesRecordsReachTheOneDetectorOnceAndItsPositionsSurviveARestart() throws Exception {
        MetadataLocation.Postgres location = TestPostgres.freshDatabase();
        try (Database dbA = Database.open(location, dir.resolve("a"));
                Database dbB = Database.open(location, dir.resolve("b"))) {
            TrailWriter wa = writer(dir.resolve("a-trail"), dbA);
            TrailWriter wb = writer(dir.resolve("b-trail"), dbB);
            try {
                TrailTailer a = tailer(wa, dbA, "node-a");
                a.pass(false);
                TrailTailer b = tailer(wb, dbB, "node-b");
                b.pass(false);
                assertThat(a.runsDetector()).isTrue();
                assertThat(b.runsDetector()).as("one detector per cluster").isFalse();

                write(wb, 0, 3);
                write(wa, 3, 5);
                b.pass(false);
                a.pass(false);
                assertThat(b.published()).isEqualTo(3);
                assertThat(a.published()).isEqualTo(2);
                assertThat(a.processed()).as("records of both nodes, each once").isEqualTo(5);
                assertThat(b.processed()).isZero();

                // The detector's node restarts while the other keeps writing: it resumes after what it took.
                a.close();
                write(wb, 5, 7);
                b.pass(false);
                TrailTailer again = tailer(wa, dbA, "node-a-restarted");
                again.pass(false);
                assertThat(again.runsDetector()).isTrue();
                assertThat(again.processed()).isEqualTo(2);
                again.close();
                b.close();

                assertThat(new FindingStore(dbA).list())
                        .filteredOn(f -> f.ruleId().equals("in-place-sse-c-reencryption"))
                        .singleElement()
                        .satisfies(f -> assertThat(f.count()).isEqualTo(7));
            } finally {
                wa.close();
                wb.close();
            }
        }
    }
}

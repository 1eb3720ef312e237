package io.rampart.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.crypto.MasterKey;
import io.rampart.iam.Principal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads' records do not wait for an fsync (CloudTrail data events for reads are not transactional) but a clean
 * shutdown loses none of them; a write's record is on disk before {@code recordDurably} returns, i.e. before the
 * response, and survives a crash right after it.
 */
class ReadRecordsTest {
    private static final MasterKey MASTER = MasterKey.of(new byte[32]);
    private static final Principal READER = new Principal(
            "IAMUser",
            "111122223333",
            "arn:aws:iam::111122223333:user/reader",
            "AIDAREADER",
            "reader",
            "AKIAREADER",
            Optional.empty());

    @TempDir
    Path dir;

    @TempDir
    Path dbDir;

    private io.rampart.storage.Database db;

    @BeforeEach
    void openDatabase() throws Exception {
        db = new io.rampart.storage.Database(dbDir.resolve("rampart.db"), 2);
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    private TrailWriter open(Path trailDir) throws Exception {
        return TrailWriter.open(
                trailDir, TrailWriter.Options.defaults("111122223333", "us-east-1"), MASTER, db, Clock.systemUTC());
    }

    private static RequestFacts facts(String eventName, String key, boolean readOnly) {
        return new RequestFacts(
                Instant.now(),
                "REQ-" + key,
                "host",
                "s3",
                eventName,
                "us-east-1",
                READER,
                "AKIAREADER",
                "127.0.0.1",
                "test",
                "bucket",
                key,
                Map.of("bucketName", "bucket", "key", key),
                Map.of(),
                200,
                null,
                null,
                0,
                4096,
                "QueryString",
                null,
                null,
                readOnly,
                false,
                java.util.Map.of(),
                java.util.Map.of());
    }

    private static List<String> keys(Path trailDir, String eventName) throws Exception {
        return TrailQuery.all().run(new TrailLayout(trailDir)).stream()
                .filter(r -> eventName.equals(r.path("eventName").asText()))
                .map(r -> r.path("requestParameters").path("key").asText())
                .toList();
    }

    @Test
    void aCleanShutdownRightAfterManyGetsKeepsEveryGetsRecord() throws Exception {
        int gets = 5_000;
        TrailWriter w = open(dir);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < gets; i++) {
            String key = "k" + i;
            done.add(pool.submit(() -> w.record(facts("GetObject", key, true))));
        }
        for (Future<?> f : done) f.get();
        pool.close();
        // Shut down at once: the queued reads are written, synced and sealed by close().
        w.close();
        List<String> keys = keys(dir, "GetObject");
        assertThat(keys).hasSize(gets).doesNotHaveDuplicates();
        assertThat(keys).contains("k0", "k" + (gets - 1));
        try (Stream<Path> left = Files.list(new TrailLayout(dir).segments())) {
            assertThat(left).as("no unsealed segment after a clean shutdown").isEmpty();
        }
    }

    @Test
    void aPutsRecordIsOnDiskWhenRecordDurablyReturnsAndSurvivesACrashRightAfter() throws Exception {
        TrailWriter w = open(dir);
        try {
            for (int i = 0; i < 50; i++) w.record(facts("GetObject", "read-" + i, true));
            w.recordDurably(facts("PutObject", "written", false));
            // "Crash" right after the response: the files as they are at this instant (the open segment included).
            Path crashed = Files.createTempDirectory(dbDir, "crashed");
            copyTree(dir, crashed);
            assertThat(keys(crashed, "PutObject")).containsExactly("written");
            // The reads queued before it share its batch (one writer, in order): they are on disk too.
            assertThat(keys(crashed, "GetObject")).hasSize(50);
        } finally {
            w.close();
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}

package io.rampart.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.crypto.MasterKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer seals a segment it closed from the times it kept, streaming the file (TrailSealer's live path); a crash's
 * leftover segment is sealed by parsing every record (the start-up path, the definition). The same segment file must
 * give the same log file content and the same digest entry both ways.
 */
class TrailSealEquivalenceTest {
    private static final MasterKey MASTER = MasterKey.of(new byte[32]);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path live;

    @TempDir
    Path restarted;

    @TempDir
    Path copies;

    @TempDir
    Path dbDir;

    private io.rampart.storage.Database liveDb;
    private io.rampart.storage.Database restartedDb;

    @BeforeEach
    void openDatabases() throws Exception {
        liveDb = new io.rampart.storage.Database(dbDir.resolve("live.db"), 2);
        restartedDb = new io.rampart.storage.Database(dbDir.resolve("restarted.db"), 2);
    }

    @AfterEach
    void closeDatabases() {
        liveDb.close();
        restartedDb.close();
    }

    private static TrailWriter.Options options() {
        return TrailWriter.Options.defaults("111122223333", "us-east-1");
    }

    private static RequestFacts get(String key, Instant time) {
        return TrailWriterTest.put(key).toBuilder()
                .time(time)
                .eventName("GetObject")
                .readOnly(true)
                .bytesIn(0)
                .bytesOut(4096)
                .build();
    }

    @Test
    void aLiveSegmentSealsToTheSameLogFileAndDigestEntryAsTheStartUpWay() throws Exception {
        // The copy of each segment as the writer closed it, taken before it is sealed (and deleted).
        List<Path> closed = new CopyOnWriteArrayList<>();
        String liveDigest;
        // Out of time order within the segment, across a minute and a day (the object's name is the newest's).
        Instant base = Instant.parse("2026-12-06T23:59:30.750Z");
        try (TrailWriter w = TrailWriter.open(live, options(), MASTER, liveDb, Clock.systemUTC())) {
            w.addListener(new TrailWriter.Listener() {
                @Override
                public void written(Path segment, long offset, List<TrailLine> lines) {}

                @Override
                public void closed(Path segment, long bytes) {
                    try {
                        Path copy = copies.resolve(segment.getFileName());
                        Files.copy(segment, copy, StandardCopyOption.REPLACE_EXISTING);
                        closed.add(copy);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            w.record(get("middle", base));
            w.recordDurably(TrailWriterTest.put("newest").toBuilder()
                    .time(base.plusSeconds(45))
                    .build());
            w.record(get("oldest", base.minusSeconds(3600)));
            // A record built as a tree (nested additional data is not streamed) and an internal event.
            w.recordDurably(TrailWriterTest.put("tree").toBuilder()
                    .time(base.plusSeconds(1))
                    .additional(Map.of("nested", List.of(Map.of("a", 1))))
                    .build());
            w.append(
                    w.records()
                            .serviceEvent(
                                    base.plusSeconds(2),
                                    "us-east-1",
                                    "LifecycleExpiration",
                                    "bucket",
                                    "gone",
                                    Map.of("ruleId", "r")),
                    true);
            w.record(get("ünïcode-\u2028-\"quoted\"", base.plusSeconds(10)));
            // Enough records for the file to be read in several chunks.
            for (int i = 0; i < 300; i++) w.record(get("k" + i, base.plusSeconds(i % 7)));
            liveDigest = w.digestNow();
        }
        assertThat(closed).singleElement();
        Path segment = closed.get(0);

        // The same segment left behind by a crash: sealed at start by parsing it.
        TrailLayout restartedLayout = new TrailLayout(restarted);
        Files.createDirectories(restartedLayout.segments());
        Files.copy(segment, restartedLayout.segments().resolve(segment.getFileName()));
        String restartedDigest;
        try (TrailWriter w = TrailWriter.open(restarted, options(), MASTER, restartedDb, Clock.systemUTC())) {
            assertThat(Files.list(restartedLayout.segments())).isEmpty();
            restartedDigest = w.digestNow();
        }

        JsonNode liveEntry = logEntry(new TrailLayout(live), liveDigest);
        JsonNode restartedEntry = logEntry(restartedLayout, restartedDigest);
        assertThat(liveEntry).isEqualTo(restartedEntry);
        assertThat(liveEntry.path("newestEventTime").asText()).isEqualTo("2026-12-07T00:00:15Z");
        assertThat(liveEntry.path("oldestEventTime").asText()).isEqualTo("2026-12-06T22:59:30Z");
        assertThat(liveEntry.path("s3Object").asText()).contains("/2026/12/07/").contains("_20261207T0000Z_");

        byte[] liveLog = TrailLayout.gunzip(
                new TrailLayout(live).resolve(liveEntry.path("s3Object").asText()));
        byte[] restartedLog = TrailLayout.gunzip(
                restartedLayout.resolve(restartedEntry.path("s3Object").asText()));
        assertThat(liveLog).isEqualTo(restartedLog);
        assertThat(TrailLayout.sha256Hex(liveLog))
                .isEqualTo(liveEntry.path("hashValue").asText());
        JsonNode records = JSON.readTree(liveLog).path("Records");
        assertThat(records.size()).isEqualTo(306);
        assertThat(liveLog.length).isGreaterThan(3 * 64 * 1024);
        assertThat(records.get(5).path("requestParameters").path("key").asText())
                .isEqualTo("ünïcode-\u2028-\"quoted\"");
    }

    @Test
    void aSegmentThatIsNotWhatTheWriterWroteIsSealedByReadingIt() throws Exception {
        TrailLayout layout = new TrailLayout(live);
        Files.createDirectories(layout.segments());
        CloudTrailRecord records = new CloudTrailRecord("111122223333");
        String good = JSON.writeValueAsString(records.of(get("good", Instant.parse("2026-12-06T10:00:00Z"))));
        Path segment = layout.segments().resolve("0000000000001-00112233aabbccdd.jsonl");
        // An unreadable record between two good ones, and an empty line.
        String text = good + "\n{\"eventTime\":\"2026-12-06T11:00:00Z\",\"a\":\n\n" + good + "\n";
        Files.writeString(segment, text);
        TrailState state = TrailState.fresh(Instant.now());
        TrailSealer sealer = new TrailSealer(layout, options(), state);
        // Times that claim a later newest: the empty line is not the writer's, the file is read, and its times win.
        long t = Instant.parse("2026-12-06T10:00:00Z").getEpochSecond();
        sealer.seal(new TrailSealer.Closed(segment, Files.size(segment), t, t + 7200));
        assertThat(state.pendingLogs).hasSize(1);
        JsonNode entry = state.pendingLogs.get(0);
        assertThat(entry.path("newestEventTime").asText()).isEqualTo("2026-12-06T10:00:00Z");
        byte[] log = TrailLayout.gunzip(layout.resolve(entry.path("s3Object").asText()));
        assertThat(JSON.readTree(log).path("Records").size()).isEqualTo(2);
        assertThat(Files.exists(segment)).isFalse();

        // A whole segment of the writer's length is streamed with the writer's times, not read for them (here the
        // claimed newest is not the record's: only the live path can give it).
        Path whole = layout.segments().resolve("0000000000003-00112233aabbccff.jsonl");
        Files.writeString(whole, good + "\n" + good + "\n");
        sealer.seal(new TrailSealer.Closed(whole, Files.size(whole), t, t + 7200));
        assertThat(state.pendingLogs).hasSize(2);
        assertThat(state.pendingLogs.get(1).path("newestEventTime").asText()).isEqualTo("2026-12-06T12:00:00Z");
        assertThat(JSON.readTree(TrailLayout.gunzip(layout.resolve(
                                state.pendingLogs.get(1).path("s3Object").asText())))
                        .path("Records")
                        .size())
                .isEqualTo(2);

        // A whole segment of another length than the writer says: read too.
        Path other = layout.segments().resolve("0000000000002-00112233aabbccee.jsonl");
        Files.writeString(other, good + "\n");
        sealer.seal(new TrailSealer.Closed(other, Files.size(other) - 1, t, t + 7200));
        assertThat(state.pendingLogs).hasSize(3);
        assertThat(state.pendingLogs.get(2).path("newestEventTime").asText()).isEqualTo("2026-12-06T10:00:00Z");
        assertThat(Files.exists(other)).isFalse();
    }

    @Test
    void newlinesBecomeCommasWordByWordAndAnEmptyLineIsFound() {
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 2000; round++) {
            byte[] b = new byte[random.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                int r = random.nextInt(10);
                b[i] = (byte) (r == 0 ? '\n' : r == 1 ? 0x80 + random.nextInt(128) : r == 2 ? 0x0b : 'a' + r);
            }
            boolean start = random.nextBoolean();
            byte[] expected = b.clone();
            int expectedState = start ? 1 : 0;
            for (int i = 0; i < expected.length; i++) {
                if (expected[i] == '\n') {
                    if (expectedState == 1) {
                        expectedState = -1;
                        break;
                    }
                    expected[i] = ',';
                    expectedState = 1;
                } else {
                    expectedState = 0;
                }
            }
            byte[] got = b.clone();
            int state = TrailSealer.commas(got, got.length, start);
            assertThat(state).isEqualTo(expectedState);
            if (state != -1) assertThat(got).isEqualTo(expected);
        }
    }

    private static JsonNode logEntry(TrailLayout layout, String digest) throws Exception {
        JsonNode d = JSON.readTree(TrailLayout.gunzip(layout.resolve(digest)));
        assertThat(d.path("logFiles").size()).isEqualTo(1);
        return d.path("logFiles").get(0);
    }
}

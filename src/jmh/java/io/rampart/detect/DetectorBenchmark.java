package io.rampart.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.audit.CloudTrailRecord;
import io.rampart.audit.RequestFacts;
import io.rampart.iam.Principal;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The detector's cost per record of a GET flood, built-in rules: {@code accept} takes a parsed record,
 * {@code parseAndAccept} parses the line first (as the tailer did for a streamed record, and does for a line read from
 * a file), {@code buildAndAccept} builds the tree from the request's facts (as the tailer takes a line handed over in
 * memory, {@code TrailLine.record}).
 * The records are presigned GetObjects of one long-lived key, 256 per second of eventTime, as under load.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DetectorBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 4096;

    private final byte[][] lines = new byte[RECORDS][];
    private final RequestFacts[] facts = new RequestFacts[RECORDS];
    private CloudTrailRecord records;
    private final JsonNode[] trees = new JsonNode[RECORDS];
    private Detector detector;
    private int next;

    @Setup
    public void setUp() throws IOException {
        records = new CloudTrailRecord("111122223333");
        Principal root = new Principal(
                "Root",
                "111122223333",
                "arn:aws:iam::111122223333:root",
                "111122223333",
                "",
                "AKIAWRKPRESIGNED0001",
                Optional.empty());
        Instant start = Instant.parse("2026-12-06T18:00:00Z");
        for (int i = 0; i < RECORDS; i++) {
            RequestFacts get = new RequestFacts(
                    start.plusMillis(i * 4L),
                    "07D681123BD12AED",
                    "aG9zdGlkaG9zdGlkaG9zdGlkaG9zdGlkaG9zdGlkaG9zdGlk",
                    "s3",
                    "GetObject",
                    "us-east-1",
                    root,
                    "AKIAWRKPRESIGNED0001",
                    "127.0.0.1",
                    "wrk",
                    "wrk-bench",
                    "obj-" + (i % 16),
                    Map.of("bucketName", "wrk-bench", "Host", "127.0.0.1:19501", "key", "obj-" + (i % 16)),
                    Map.of(),
                    200,
                    null,
                    null,
                    0,
                    4096,
                    "QueryString",
                    null,
                    null,
                    true,
                    false,
                    Map.of(),
                    Map.of());
            facts[i] = get;
            lines[i] = records.line(get).bytes();
            trees[i] = JSON.readTree(lines[i]);
        }
        detector = new Detector(Rule.builtIn(), Detector.Responses.NONE, (f, isNew) -> {});
    }

    @Benchmark
    public long accept() {
        detector.accept(trees[next++ & (RECORDS - 1)]);
        return detector.records();
    }

    /** As the tailer takes a line handed over in memory: the tree built from the request's facts, not parsed. */
    @Benchmark
    public long buildAndAccept() {
        detector.accept(records.of(facts[next++ & (RECORDS - 1)]));
        return detector.records();
    }

    @Benchmark
    public long parseAndAccept() throws IOException {
        detector.accept(JSON.readTree(lines[next++ & (RECORDS - 1)]));
        return detector.records();
    }
}

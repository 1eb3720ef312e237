package io.rampart.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.audit.CloudTrailRecord;
import io.rampart.audit.RequestFacts;
import io.rampart.audit.TrailLine;
import io.rampart.audit.TrailLines;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The detector's cost per record of a GET flood, built-in rules: {@code accept} takes a parsed record,
 * {@code parseAndAccept} parses the line first (as the tailer did for a streamed record, and does for a line read from
 * a file), {@code buildAndAccept} builds the tree from the request's facts (as the tailer takes a line handed over in
 * memory, {@code TrailLine.record}).
 * {@code takeLine} is what the tailer does with a line handed over in memory ({@code TrailTailer.taken}): a fresh
 * {@link TrailLine} each time, as the writer hands over.
 * The records are presigned GetObjects ({@code op=GetObject}) or PutObjects overwriting one of 16 keys
 * ({@code op=PutObject}, with what they replaced) of one long-lived key, 256 per second of eventTime, as under load.
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
    private final String[] eventIds = new String[RECORDS];

    @Param({"GetObject", "PutObject"})
    public String op;

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
            boolean put = op.equals("PutObject");
            Map<String, Object> replaced = new java.util.LinkedHashMap<>();
            replaced.put("existed", true);
            replaced.put("encryption", "SSE-S3");
            RequestFacts get = new RequestFacts(
                    start.plusMillis(i * 4L),
                    "07D681123BD12AED",
                    "aG9zdGlkaG9zdGlkaG9zdGlkaG9zdGlkaG9zdGlkaG9zdGlk",
                    "s3",
                    op,
                    "us-east-1",
                    root,
                    "AKIAWRKPRESIGNED0001",
                    "127.0.0.1",
                    "wrk",
                    "wrk-bench",
                    "obj-" + (i % 16),
                    Map.of("bucketName", "wrk-bench", "Host", "127.0.0.1:19501", "key", "obj-" + (i % 16)),
                    put ? Map.of("x-amz-server-side-encryption", "AES256") : Map.of(),
                    200,
                    null,
                    null,
                    put ? 4096 : 0,
                    put ? 0 : 4096,
                    "QueryString",
                    null,
                    null,
                    !put,
                    false,
                    Map.of(),
                    put ? Map.of("x-rampart-replaced", replaced) : Map.of());
            facts[i] = get;
            eventIds[i] = "6f1c0b5e-1111-4222-8333-" + String.format("%012d", i);
            lines[i] = TrailLines.streamed(records, get, eventIds[i]).bytes();
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

    /** As the tailer takes a line handed over in memory ({@code TrailTailer.taken}). */
    @Benchmark
    public long takeLine() {
        int i = next++ & (RECORDS - 1);
        TrailLine l = TrailLines.again(lines[i], records, facts[i], eventIds[i]);
        detector.accept(l);
        return detector.records();
    }

    @Benchmark
    public long parseAndAccept() throws IOException {
        detector.accept(JSON.readTree(lines[next++ & (RECORDS - 1)]));
        return detector.records();
    }
}

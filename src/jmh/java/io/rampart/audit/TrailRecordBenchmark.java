package io.rampart.audit;

import io.rampart.iam.Principal;
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
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One GetObject's trail record, as the trail writes it: built as a Jackson tree, bounded and serialised ({@code tree},
 * the way before issue 23) against written by hand ({@code streamed}, {@link CloudTrailRecord#line}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrailRecordBenchmark {
    private final CloudTrailRecord records = new CloudTrailRecord("111122223333");
    private final RequestFacts get = new RequestFacts(
            Instant.parse("2026-12-06T18:00:01.250Z"),
            "07D681123BD12AED",
            "aG9zdGlkaG9zdGlkaG9zdGlkaG9zdGlkaG9zdGlkaG9zdGlk",
            "s3",
            "GetObject",
            "us-east-1",
            new Principal(
                    "Root",
                    "111122223333",
                    "arn:aws:iam::111122223333:root",
                    "111122223333",
                    "",
                    "AKIAWRKPRESIGNED0001",
                    Optional.empty()),
            "AKIAWRKPRESIGNED0001",
            "127.0.0.1",
            "wrk",
            "wrk-bench",
            "obj-4k",
            Map.of("bucketName", "wrk-bench", "Host", "127.0.0.1:19501", "key", "obj-4k"),
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
            java.util.Map.of(),
            java.util.Map.of());

    /** A PutObject's record: what it replaced is a map in additionalEventData (x-rampart-replaced). */
    private final RequestFacts put = new RequestFacts(
            get.time(),
            get.requestId(),
            get.hostId(),
            "s3",
            "PutObject",
            "us-east-1",
            get.principal(),
            get.accessKeyId(),
            get.sourceIp(),
            get.userAgent(),
            get.bucket(),
            get.key(),
            get.requestParameters(),
            Map.of("x-amz-server-side-encryption", "AES256"),
            200,
            null,
            null,
            4096,
            0,
            "QueryString",
            null,
            null,
            false,
            false,
            Map.of(),
            Map.of("x-rampart-replaced", Map.of("existed", true, "encryption", "SSE-S3")));

    @Benchmark
    public byte[] treePut() {
        return RecordBounds.bounded(records.of(put));
    }

    @Benchmark
    public byte[] streamedPut() {
        return records.line(put).bytes();
    }

    @Benchmark
    public byte[] tree() {
        return RecordBounds.bounded(records.of(get));
    }

    @Benchmark
    public byte[] streamed() {
        return records.line(get).bytes();
    }

    /** What the detector takes of a streamed GetObject line in memory: its tree, built from the facts. */
    @Benchmark
    public Object streamedTree() {
        return records.line(get).record();
    }
}

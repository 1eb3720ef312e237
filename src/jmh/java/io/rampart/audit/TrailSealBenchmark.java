package io.rampart.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sealing one closed segment of {@value #RECORDS} GetObject records (as {@code TrailRecordBenchmark}'s, streamed):
 * {@code startUp} reads and parses every record for its eventTime (the crash path, and every seal before issue 23's
 * sealer work), {@code live} streams the file with the writer's kept times. Both include the log file's durable write.
 * {@code deflate} is the gzip level alone over the segment's JSON, its compressed size printed at the end.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrailSealBenchmark {
    static final int RECORDS = 10_000;

    @Param({"1", "6"})
    public int level;

    private Path dir;
    private Path segment;
    private byte[] content;
    private byte[] json;
    private long oldest;
    private long newest;
    private TrailSealer sealer;
    private final byte[] deflated = new byte[1 << 24];
    private int deflatedSize;

    @Setup
    public void setUp() throws IOException {
        Path shm = Path.of("/dev/shm");
        dir = Files.createTempDirectory(
                Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")), "seal");
        TrailLayout layout = new TrailLayout(dir);
        Files.createDirectories(layout.segments());
        segment = layout.segments().resolve("0000000000001-00112233aabbccdd.jsonl");
        CloudTrailRecord records = new CloudTrailRecord("111122223333");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Instant start = Instant.parse("2026-12-06T18:00:01.250Z");
        oldest = Long.MAX_VALUE;
        newest = Long.MIN_VALUE;
        for (int i = 0; i < RECORDS; i++) {
            // About 8,000 GETs a second.
            Instant t = start.plusMillis(i / 8);
            RequestFacts f = get(t, String.format("%016X", i));
            out.writeBytes(records.line(f).bytes());
            oldest = Math.min(oldest, TrailSealer.second(t));
            newest = Math.max(newest, TrailSealer.second(t));
        }
        content = out.toByteArray();
        String text = new String(content, java.nio.charset.StandardCharsets.UTF_8);
        json = ("{\"Records\":[" + text.substring(0, text.length() - 1).replace('\n', ',') + "]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        sealer = new TrailSealer(
                layout,
                TrailWriter.Options.defaults("111122223333", "us-east-1").withFsync(false),
                TrailState.fresh(Instant.now()));
    }

    /** A presigned GET of a 4 KiB object, as wrk sends them (the facts of {@code TrailRecordBenchmark.get}). */
    private static RequestFacts get(Instant time, String requestId) {
        return RequestFacts.builder()
                .time(time)
                .requestId(requestId)
                .hostId("aG9zdGlkaG9zdGlkaG9zdGlkaG9zdGlkaG9zdGlkaG9zdGlk")
                .service("s3")
                .eventName("GetObject")
                .region("us-east-1")
                .principal(new io.rampart.iam.Principal(
                        "Root",
                        "111122223333",
                        "arn:aws:iam::111122223333:root",
                        "111122223333",
                        "",
                        "AKIAWRKPRESIGNED0001",
                        java.util.Optional.empty()))
                .accessKeyId("AKIAWRKPRESIGNED0001")
                .sourceIp("127.0.0.1")
                .userAgent("wrk")
                .bucket("wrk-bench")
                .key("obj-4k")
                .requestParameters(
                        java.util.Map.of("bucketName", "wrk-bench", "Host", "127.0.0.1:19501", "key", "obj-4k"))
                .status(200)
                .bytesOut(4096)
                .authMethod("QueryString")
                .readOnly(true)
                .build();
    }

    @Setup(Level.Invocation)
    public void segment() throws IOException {
        Files.write(segment, content);
    }

    @Benchmark
    public void startUp() throws IOException {
        sealer.seal(segment);
    }

    @Benchmark
    public void live() throws IOException {
        sealer.seal(new TrailSealer.Closed(segment, content.length, oldest, newest));
    }

    @Benchmark
    public int deflate() {
        Deflater d = new Deflater(level, true);
        try {
            d.setInput(json);
            d.finish();
            int n = 0;
            while (!d.finished()) n += d.deflate(deflated, n, deflated.length - n);
            deflatedSize = n;
            return n;
        } finally {
            d.end();
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        System.out.printf(
                "%n%d records, segment %d bytes (%d per record), JSON %d bytes, deflate level %d: %d bytes (%.1f%%)%n",
                RECORDS,
                content.length,
                content.length / RECORDS,
                json.length,
                level,
                deflatedSize,
                100.0 * deflatedSize / json.length);
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}

package io.rampart.s3;

import io.rampart.crypto.MasterKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.Random;
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
 * The data work of a 4 KiB PutObject on its request thread: a fresh data key sealed under the master key (SSE-S3), the
 * body read, its MD5 (the ETag) and its encrypted inline form ({@link StoredData#store}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SmallPutBenchmark {
    private Sse sse;
    private byte[] body;

    @Setup
    public void setUp() {
        byte[] master = new byte[32];
        new Random(1).nextBytes(master);
        sse = new Sse(MasterKey.of(master), false);
        body = new byte[4096];
        new Random(2).nextBytes(body);
    }

    @Benchmark
    public StoredData store4KiB() throws IOException {
        Sse.DataKey key = sse.newDataKey(Optional.empty());
        return StoredData.store(null, new ByteArrayInputStream(body), body.length, true, key.key());
    }
}

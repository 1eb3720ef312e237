package io.rampart.http;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A request's two ids ({@code x-amz-request-id}, {@code x-amz-id-2}): {@code secureRandom} as Exchanges made them
 * before {@link RequestIds} (40 bytes of SecureRandom, hex and Base64), {@code counter} as it makes them now; two
 * threads, as two cores serve requests.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(2)
public class RequestIdBenchmark {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Benchmark
    public Object secureRandom() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        String requestId = HexFormat.of().withUpperCase().formatHex(b);
        byte[] id2 = new byte[32];
        RANDOM.nextBytes(id2);
        return requestId + Base64.getEncoder().encodeToString(id2);
    }

    @Benchmark
    public Object counter() {
        long id = RequestIds.next();
        return RequestIds.requestId(id) + RequestIds.hostId(id);
    }
}

package io.rampart.http;

import io.rampart.auth.AuthException;
import io.rampart.auth.Authenticated;
import io.rampart.auth.Credential;
import io.rampart.auth.QueryString;
import io.rampart.auth.SigV4Verifier;
import io.rampart.auth.SignedRequest;
import io.rampart.iam.Principal;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
 * The request target of what bench/wrk-presigned.sh replays (a path-style presigned GET of a 4 KiB object):
 * {@code parse} is {@link RequestTarget#parse} alone, {@code parseAndVerify} is what S3Handler does with it before
 * routing (the target, then the SigV4 check of the same request).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestTargetBenchmark {
    private static final String AMZ_DATE = "20261207T001500Z";
    private static final String HOST = "127.0.0.1:9000";
    private static final String PATH = "/bench/obj-4k";

    private SigV4Verifier verifier;
    private String rawQuery;
    private Map<String, List<String>> headers;

    @Setup
    public void setUp() throws GeneralSecurityException {
        String ak = "AKIABENCH00000000001";
        String sk = "benchSecretKey000000000000000000000000001";
        Credential credential = new Credential(ak, sk, null, Principal.anonymous());
        Clock clock = Clock.fixed(Instant.parse("2026-12-07T00:20:00Z"), ZoneOffset.UTC);
        verifier = new SigV4Verifier(id -> Optional.of(credential), "us-east-1", clock);
        String scope = "20261207/us-east-1/s3/aws4_request";
        // Sorted, as presign.py and the SDKs send it.
        String query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + ak + "%2F" + scope.replace("/", "%2F")
                + "&X-Amz-Date=" + AMZ_DATE + "&X-Amz-Expires=86400&X-Amz-SignedHeaders=host";
        String canonical = "GET\n" + PATH + "\n" + query + "\nhost:" + HOST + "\n\nhost\nUNSIGNED-PAYLOAD";
        String toSign = "AWS4-HMAC-SHA256\n" + AMZ_DATE + "\n" + scope + "\n"
                + HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256")
                                .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] k = ("AWS4" + sk).getBytes(StandardCharsets.UTF_8);
        for (String part : new String[] {"20261207", "us-east-1", "s3", "aws4_request", toSign}) {
            k = hmac(k, part);
        }
        rawQuery = query + "&X-Amz-Signature=" + HexFormat.of().formatHex(k);
        headers = new LinkedHashMap<>();
        headers.put("host", List.of(HOST));
        headers.put("user-agent", List.of("wrk"));
    }

    private static byte[] hmac(byte[] key, String data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    @Benchmark
    public RequestTarget parse() {
        return RequestTarget.parse(PATH, QueryString.parse(rawQuery), HOST, "");
    }

    @Benchmark
    public Authenticated parseAndVerify() throws AuthException {
        QueryString query = QueryString.parse(rawQuery);
        RequestTarget target = RequestTarget.parse(PATH, query, HOST, "");
        return verifier.verify(
                new SignedRequest("GET", PATH, query, headers),
                InputStream.nullInputStream(),
                target.virtualHost() ? target.bucket() : null);
    }
}

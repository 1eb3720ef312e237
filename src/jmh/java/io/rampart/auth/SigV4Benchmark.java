package io.rampart.auth;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
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
import software.amazon.awssdk.checksums.DefaultChecksumAlgorithm;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * SigV4 verification on the request path: a header-signed GET (signature check only) and a 1 MiB PUT with signed
 * aws-chunked framing and a CRC32 trailer (every chunk signature and the checksum verified while reading), against
 * requests signed by the AWS SDK's own signer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SigV4Benchmark {
    private SigV4Verifier verifier;
    private SdkSigning.Signed get;
    private SdkSigning.Signed chunkedPut;
    private SdkSigning.Signed presignedGet;
    private SdkSigning.Signed chunkedPutSmall;
    private SdkSigning.Signed presignedPut;
    private final byte[] buffer = new byte[256 * 1024];

    @Setup
    public void setUp() {
        Credential credential =
                SdkSigning.credential("AKIABENCH00000000001", "benchSecretKey000000000000000000000000001", null);
        verifier = new SigV4Verifier(id -> Optional.of(credential), SdkSigning.REGION, SdkSigning.CLOCK);
        get = SdkSigning.sign(
                credential,
                SdkHttpMethod.GET,
                "/bucket/some/object/key.txt",
                Map.of(),
                Map.of(),
                null,
                SdkSigning.Options.s3());
        byte[] body = new byte[1024 * 1024];
        new Random(1).nextBytes(body);
        chunkedPut = SdkSigning.sign(
                credential,
                SdkHttpMethod.PUT,
                "/bucket/big.bin",
                Map.of(),
                Map.of(),
                body,
                SdkSigning.Options.s3().chunked(DefaultChecksumAlgorithm.CRC32));
        presignedGet = SdkSigning.sign(
                credential,
                SdkHttpMethod.GET,
                "/bucket/some/object/key.txt",
                Map.of(),
                Map.of(),
                null,
                SdkSigning.Options.s3().presigned(java.time.Duration.ofHours(1)));
        presignedPut = SdkSigning.sign(
                credential,
                SdkHttpMethod.PUT,
                "/bucket/some/object/key.txt",
                Map.of(),
                Map.of(),
                java.util.Arrays.copyOf(body, 4096),
                SdkSigning.Options.s3().presigned(java.time.Duration.ofHours(1)));
        chunkedPutSmall = SdkSigning.sign(
                credential,
                SdkHttpMethod.PUT,
                "/bucket/small.bin",
                Map.of(),
                Map.of(),
                java.util.Arrays.copyOf(body, 4096),
                SdkSigning.Options.s3().chunked(DefaultChecksumAlgorithm.CRC32));
    }

    private String amzDate = "20261206T180001Z";

    /** X-Amz-Date parsing alone (every signed request). */
    @Benchmark
    public java.time.Instant amzDate() {
        return SignatureClaim.parseAmzDate(amzDate);
    }

    /** A presigned GET (what wrk replays in bench/wrk-presigned.sh): query parsing, X-Amz-Date, the signature. */
    @Benchmark
    public Authenticated presignedGet() throws AuthException {
        return verifier.verify(presignedGet.request(), InputStream.nullInputStream());
    }

    /**
     * {@link #presignedGet} with the query split from the raw request line on every call, as S3Handler does once per
     * request (the SDK's parameter order; http.RequestTargetBenchmark has bench/wrk-presigned.sh's sorted order).
     */
    @Benchmark
    public Authenticated presignedGetFromWire() throws AuthException {
        SignedRequest r = presignedGet.request();
        return verifier.verify(
                new SignedRequest(r.method(), r.rawPath(), r.rawQuery(), r.headers()), InputStream.nullInputStream());
    }

    private final byte[] signingKeyBytes = new byte[32];
    private final SigningKeyCache.SigningKey signingKey = new SigningKeyCache.SigningKey(signingKeyBytes);
    private final byte[] stringToSign = new byte[134]; // a presigned GET's: prefix and the canonical request's hex hash
    private final byte[] mac = new byte[32];

    /** The HMAC of one string to sign with a Mac from the pool, keyed per request (what checkSignature did). */
    @Benchmark
    public byte[] hmacPooledMac() throws javax.crypto.ShortBufferException {
        javax.crypto.Mac m = SigningKeyCache.newMac(signingKeyBytes);
        try {
            m.update(stringToSign);
            m.doFinal(mac, 0);
            return mac;
        } finally {
            SigningKeyCache.release(m);
        }
    }

    /** The same HMAC with a clone of the signing key's keyed Mac (what checkSignature does). */
    @Benchmark
    public byte[] hmacClonedMac() throws javax.crypto.ShortBufferException {
        javax.crypto.Mac m = signingKey.newMac();
        m.update(stringToSign);
        m.doFinal(mac, 0);
        return mac;
    }

    /** A presigned 4 KiB PUT (bench/wrk-presigned.sh's PUT): the signature check and the body read through. */
    @Benchmark
    public long presignedPut4KiB() throws AuthException, IOException {
        Authenticated a = verifier.verify(presignedPut.request(), new ByteArrayInputStream(presignedPut.body()));
        long n = 0;
        int r;
        while ((r = a.body().read(buffer)) != -1) n += r;
        return n;
    }

    /** A 4 KiB signed aws-chunked PUT: per request, the chain's Mac and digest set-up weigh more than the data. */
    @Benchmark
    public long signedChunkedPut4KiB() throws AuthException, IOException {
        Authenticated a = verifier.verify(chunkedPutSmall.request(), new ByteArrayInputStream(chunkedPutSmall.body()));
        long n = 0;
        int r;
        while ((r = a.body().read(buffer)) != -1) n += r;
        return n;
    }

    @Benchmark
    public Authenticated headerSignedGet() throws AuthException {
        return verifier.verify(get.request(), InputStream.nullInputStream());
    }

    @Benchmark
    public long signedChunkedPutOneMiB() throws AuthException, IOException {
        Authenticated a = verifier.verify(chunkedPut.request(), new ByteArrayInputStream(chunkedPut.body()));
        long n = 0;
        int r;
        while ((r = a.body().read(buffer)) != -1) n += r;
        return n;
    }
}

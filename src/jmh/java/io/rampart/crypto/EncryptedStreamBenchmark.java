package io.rampart.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
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
 * The stream format's cost against raw AES-256-GCM over the same 8 MiB: "raw" seals the same 64 KiB chunks with one
 * Cipher and no framing, so the ratio is the price of the format (headers, per-chunk nonce/AAD, stream plumbing).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EncryptedStreamBenchmark {
    private static final int SIZE = 8 * 1024 * 1024;
    /** A small GET's object: 4 KiB, stored inline. */
    private static final int SMALL = 4096;

    private byte[] plain;
    private byte[] key;
    private byte[] stored;
    private byte[] rawOut;
    private Cipher cipher;
    private SecretKeySpec spec;
    private byte[][] rawSealed;
    private byte[] rawPlainOut;
    private byte[] small;
    private byte[] smallStored;

    @Setup
    public void setUp() throws Exception {
        plain = new byte[SIZE];
        new Random(1).nextBytes(plain);
        key = EncryptedStream.newDataKey();
        stored = EncryptedStream.encrypt(plain, key);
        rawOut = new byte[EncryptedStream.CHUNK + EncryptedStream.TAG];
        cipher = Cipher.getInstance("AES/GCM/NoPadding");
        spec = new SecretKeySpec(key, "AES");
        rawSealed = new byte[SIZE / EncryptedStream.CHUNK][];
        rawPlainOut = new byte[EncryptedStream.CHUNK];
        small = new byte[SMALL];
        new Random(2).nextBytes(small);
        smallStored = EncryptedStream.encrypt(small, key);
        for (int i = 0; i < rawSealed.length; i++) {
            cipher.init(Cipher.ENCRYPT_MODE, spec, new GCMParameterSpec(128, nonce(i)));
            rawSealed[i] = cipher.doFinal(plain, i * EncryptedStream.CHUNK, EncryptedStream.CHUNK);
        }
    }

    private static byte[] nonce(int i) {
        byte[] nonce = new byte[12];
        nonce[11] = (byte) i;
        nonce[10] = (byte) (i >>> 8);
        return nonce;
    }

    @Benchmark
    public long rawAesGcmDecrypt() throws Exception {
        long n = 0;
        for (int i = 0; i < rawSealed.length; i++) {
            cipher.init(Cipher.DECRYPT_MODE, spec, new GCMParameterSpec(128, nonce(i)));
            n += cipher.doFinal(rawSealed[i], 0, rawSealed[i].length, rawPlainOut, 0);
        }
        return n;
    }

    /** Discards output but touches it, like a socket would. */
    static final class Sink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    @Benchmark
    public long streamFormatEncrypt() throws IOException {
        Sink sink = new Sink();
        try (OutputStream enc = EncryptedStream.encrypt(sink, key)) {
            enc.write(plain);
        }
        return sink.count;
    }

    /** As a GET does it: the decrypting stream transferred to a sink. */
    @Benchmark
    public long streamFormatDecrypt() throws IOException {
        EncryptedStream.Source src = (off, len) ->
                new java.io.ByteArrayInputStream(stored, (int) off, (int) Math.min(len, stored.length - off));
        Sink sink = new Sink();
        try (var in = EncryptedStream.decrypt(src, key, SIZE, 0, SIZE - 1)) {
            in.transferTo(sink);
        }
        return sink.count;
    }

    @Benchmark
    public long rawAesGcmEncrypt() throws Exception {
        long n = 0;
        byte[] nonce = new byte[12];
        for (int off = 0, i = 0; off < SIZE; off += EncryptedStream.CHUNK, i++) {
            nonce[11] = (byte) i;
            nonce[10] = (byte) (i >>> 8);
            cipher.init(Cipher.ENCRYPT_MODE, spec, new GCMParameterSpec(128, nonce));
            n += cipher.doFinal(plain, off, EncryptedStream.CHUNK, rawOut, 0);
        }
        return n;
    }

    /** A 4 KiB inline GET as the stream does it: a decryptor over the stored array, transferred to a sink. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long small4kStream() throws IOException {
        EncryptedStream.Source src = (off, len) ->
                new java.io.ByteArrayInputStream(smallStored, (int) off, (int) Math.min(len, smallStored.length - off));
        Sink sink = new Sink();
        try (var in = EncryptedStream.decrypt(src, key, SMALL, 0, SMALL - 1)) {
            in.transferTo(sink);
        }
        return sink.count;
    }

    /** The same 4 KiB decrypted in memory, straight from the stored array ({@link EncryptedStream#decryptSmall}). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long small4kWhole() throws IOException {
        Sink sink = new Sink();
        sink.write(EncryptedStream.decryptSmall(smallStored, key, SMALL, 0, SMALL - 1), 0, SMALL);
        return sink.count;
    }
}

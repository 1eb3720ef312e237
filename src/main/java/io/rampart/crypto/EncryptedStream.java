package io.rampart.crypto;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one stream format for server-side encryption: a 16-byte header (magic "RMP1", 8-byte random nonce prefix,
 * 4 reserved bytes) followed by AES-256-GCM chunks of 64 KiB plaintext, each with its own 16-byte tag. Chunk i's nonce
 * is the prefix followed by i; its additional data is i and a final-chunk flag, so reordering, truncation and extension
 * are all detected. A range read decrypts only the chunks it touches. An empty plaintext is one empty final chunk.
 */
public final class EncryptedStream {
    public static final int CHUNK = 64 * 1024;
    public static final int TAG = 16;
    public static final int HEADER = 16;
    private static final byte[] MAGIC = {'R', 'M', 'P', '1'};
    private static final SecureRandom RANDOM = new SecureRandom();

    private EncryptedStream() {}

    /** Opens {@code length} stored bytes from {@code offset}. */
    @FunctionalInterface
    public interface Source {
        InputStream open(long offset, long length) throws IOException;
    }

    /** Thrown when stored ciphertext fails authentication: the data was altered, truncated or the key is wrong. */
    public static final class TamperedDataException extends IOException {
        public TamperedDataException(String message) {
            super(message);
        }
    }

    public static long chunks(long plainLength) {
        return Math.max(1, (plainLength + CHUNK - 1) / CHUNK);
    }

    public static long encryptedLength(long plainLength) {
        return HEADER + plainLength + chunks(plainLength) * TAG;
    }

    public static byte[] newDataKey() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return k;
    }

    /** An output stream that encrypts what is written to it into {@code out}; close() seals the final chunk. */
    public static OutputStream encrypt(OutputStream out, byte[] dataKey) throws IOException {
        return new Encryptor(out, dataKey, CHUNK, newPrefix());
    }

    /** A fresh random nonce prefix: every encryption of an object's data starts from one. */
    private static byte[] newPrefix() {
        byte[] prefix = new byte[8];
        RANDOM.nextBytes(prefix);
        return prefix;
    }

    /** Convenience for small values: the whole encrypted form of {@code plain}. */
    public static byte[] encrypt(byte[] plain, byte[] dataKey) {
        return encrypt(plain, dataKey, newPrefix());
    }

    /** {@link #encrypt(byte[], byte[])} with a given nonce prefix (tests). */
    static byte[] encrypt(byte[] plain, byte[] dataKey, byte[] prefix) {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream((int) encryptedLength(plain.length));
        // Small values get chunk buffers of their own size, not 2 x 64 KiB.
        try (OutputStream enc = new Encryptor(buf, dataKey, Math.max(1, Math.min(CHUNK, plain.length)), prefix)) {
            enc.write(plain);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return buf.toByteArray();
    }

    /**
     * The whole encrypted form of {@code plain[off, off + len)} when it fits one chunk (an inline object): what
     * {@link #encrypt(byte[], byte[])} gives, sealed straight into the array returned, without the stream's chunk
     * buffers and copies (a small PUT's stored form is built on the request thread).
     */
    public static byte[] encryptSmall(byte[] plain, int off, int len, byte[] dataKey) {
        return encryptSmall(plain, off, len, dataKey, newPrefix());
    }

    /** {@link #encryptSmall(byte[], int, int, byte[])} with a given nonce prefix (tests compare it to the stream's). */
    static byte[] encryptSmall(byte[] plain, int off, int len, byte[] dataKey, byte[] prefix) {
        if (len > CHUNK) throw new IllegalArgumentException("more than one chunk");
        byte[] out = new byte[HEADER + len + TAG];
        System.arraycopy(MAGIC, 0, out, 0, 4);
        System.arraycopy(prefix, 0, out, 4, 8);
        Cipher cipher = GcmCiphers.take();
        try {
            cipher.init(
                    Cipher.ENCRYPT_MODE,
                    new SecretKeySpec(dataKey, "AES"),
                    new GCMParameterSpec(128, nonce(prefix, 0)));
            cipher.updateAAD(aad(0, true));
            int n = cipher.doFinal(plain, off, len, out, HEADER);
            if (n != len + TAG) throw new IllegalStateException("AES-GCM sealed " + n + " bytes of " + len);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        } finally {
            GcmCiphers.give(cipher);
        }
        return out;
    }

    /**
     * Plaintext bytes [first, last] (inclusive) of a stream of {@code plainLength} plaintext bytes. Throws
     * {@link TamperedDataException} from read() when a chunk does not authenticate.
     */
    public static InputStream decrypt(Source source, byte[] dataKey, long plainLength, long first, long last)
            throws IOException {
        if (plainLength == 0 || last < first) {
            // Still authenticate the (empty) final chunk so a swapped or damaged stream is noticed.
            Decryptor d = new Decryptor(source, dataKey, 0, 0, -1);
            d.verifyEmpty();
            return InputStream.nullInputStream();
        }
        if (first < 0 || last >= plainLength) throw new IllegalArgumentException("range outside the plaintext");
        return new Decryptor(source, dataKey, plainLength, first, last);
    }

    /**
     * Plaintext bytes [first, last] (inclusive) of a stream held whole in memory whose plaintext fits one chunk (an
     * inline object): the chunk is decrypted straight from {@code stored} into an array of the range's size, without
     * the stream's chunk buffers. Throws {@link TamperedDataException} when it does not authenticate.
     */
    public static byte[] decryptSmall(byte[] stored, byte[] dataKey, long plainLength, long first, long last)
            throws IOException {
        if (plainLength > CHUNK) throw new IllegalArgumentException("more than one chunk");
        int n = (int) plainLength;
        if (stored.length != HEADER + n + TAG || !Arrays.equals(stored, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new TamperedDataException("encrypted stream header is missing or damaged, or its length is wrong");
        }
        boolean whole = first == 0 && last == n - 1;
        if (n > 0 && !whole && (first < 0 || last >= n || last < first)) {
            throw new IllegalArgumentException("range outside the plaintext");
        }
        byte[] prefix = Arrays.copyOfRange(stored, 4, 12);
        byte[] plain = new byte[n];
        Cipher cipher = GcmCiphers.take();
        try {
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(dataKey, "AES"),
                    new GCMParameterSpec(128, nonce(prefix, 0)));
            cipher.updateAAD(aad(0, true));
            int got = cipher.doFinal(stored, HEADER, n + TAG, plain, 0);
            if (got != n) throw new TamperedDataException("encrypted chunk 0 has the wrong length");
        } catch (AEADBadTagException e) {
            throw new TamperedDataException("encrypted chunk 0 failed authentication");
        } catch (GeneralSecurityException e) {
            throw new IOException("decryption failed", e);
        } finally {
            GcmCiphers.give(cipher);
        }
        if (n == 0 || whole) return n == 0 ? new byte[0] : plain;
        byte[] range = Arrays.copyOfRange(plain, (int) first, (int) last + 1);
        Arrays.fill(plain, (byte) 0);
        return range;
    }

    public static byte[] decrypt(byte[] stored, byte[] dataKey, long plainLength) throws IOException {
        Source s = (off, len) -> new ByteArrayInputStream(stored, (int) off, (int) Math.min(len, stored.length - off));
        try (InputStream in = decrypt(s, dataKey, plainLength, 0, plainLength - 1)) {
            return in.readAllBytes();
        }
    }

    private static byte[] nonce(byte[] prefix, long index) {
        byte[] n = new byte[12];
        System.arraycopy(prefix, 0, n, 0, 8);
        n[8] = (byte) (index >>> 24);
        n[9] = (byte) (index >>> 16);
        n[10] = (byte) (index >>> 8);
        n[11] = (byte) index;
        return n;
    }

    private static byte[] aad(long index, boolean last) {
        byte[] a = new byte[9];
        for (int i = 0; i < 8; i++) a[i] = (byte) (index >>> (56 - 8 * i));
        a[8] = (byte) (last ? 1 : 0);
        return a;
    }

    private static final class Encryptor extends OutputStream {
        private final OutputStream out;
        private final SecretKeySpec key;
        private final byte[] prefix;
        private byte[] chunk;
        private byte[] sealed;
        private final Cipher cipher;
        private int filled;
        private long index;
        private boolean closed;

        Encryptor(OutputStream out, byte[] dataKey, int initialCapacity, byte[] prefix) throws IOException {
            this.out = out;
            this.chunk = new byte[initialCapacity];
            this.sealed = new byte[initialCapacity + TAG];
            this.key = new SecretKeySpec(dataKey, "AES");
            this.prefix = prefix;
            this.cipher = GcmCiphers.take();
            byte[] header = new byte[HEADER];
            System.arraycopy(MAGIC, 0, header, 0, 4);
            System.arraycopy(prefix, 0, header, 4, 8);
            out.write(header);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) throw new IOException("stream closed");
            while (len > 0) {
                if (filled == CHUNK) seal(false);
                if (filled == chunk.length) grow();
                int n = Math.min(len, chunk.length - filled);
                System.arraycopy(b, off, chunk, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        private void grow() {
            int size = Math.min(CHUNK, chunk.length * 2);
            chunk = Arrays.copyOf(chunk, size);
            sealed = new byte[size + TAG];
        }

        private void seal(boolean last) throws IOException {
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce(prefix, index)));
                cipher.updateAAD(aad(index, last));
                int n = cipher.doFinal(chunk, 0, filled, sealed, 0);
                out.write(sealed, 0, n);
            } catch (GeneralSecurityException e) {
                throw new IOException("encryption failed", e);
            }
            index++;
            filled = 0;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) return;
            closed = true;
            seal(true);
            Arrays.fill(chunk, (byte) 0);
            GcmCiphers.give(cipher);
            out.flush();
        }
    }

    private static final class Decryptor extends InputStream {

        private final SecretKeySpec key;
        private final long plainLength;
        private final long lastChunk;
        private final byte[] prefix = new byte[8];
        private final Cipher cipher;
        private final InputStream in;
        private final byte[] sealed;
        private final byte[] plain;
        private long index;
        private int pos;
        private int limit;
        private long remaining;
        private final long endChunk;
        private boolean closed;

        Decryptor(Source source, byte[] dataKey, long plainLength, long first, long last) throws IOException {

            this.key = new SecretKeySpec(dataKey, "AES");
            this.plainLength = plainLength;
            this.lastChunk = chunks(plainLength) - 1;
            // Buffers no larger than the object: a 4 KiB GET must not allocate 128 KiB.
            int capacity = (int) Math.min(CHUNK, plainLength);
            this.sealed = new byte[capacity + TAG];
            this.plain = new byte[capacity];
            this.cipher = GcmCiphers.take();
            try (InputStream h = source.open(0, HEADER)) {
                byte[] header = h.readNBytes(HEADER);
                if (header.length != HEADER || !Arrays.equals(Arrays.copyOf(header, 4), MAGIC)) {
                    throw new TamperedDataException("encrypted stream header is missing or damaged");
                }
                System.arraycopy(header, 4, prefix, 0, 8);
            }
            long startChunk = first / CHUNK;
            this.endChunk = last < 0 ? 0 : last / CHUNK;
            this.index = startChunk;
            long offset = HEADER + startChunk * (CHUNK + TAG);
            long end = Math.min(encryptedLength(plainLength), HEADER + (endChunk + 1) * (CHUNK + TAG));
            this.in = source.open(offset, end - offset);
            this.remaining = last < 0 ? 0 : last - first + 1;
            if (last >= 0) {
                fill();
                pos = (int) (first - startChunk * CHUNK);
            }
        }

        void verifyEmpty() throws IOException {
            try (in) {
                fill();
            }
            if (limit != 0) throw new TamperedDataException("encrypted stream is longer than recorded");
        }

        private void fill() throws IOException {
            if (closed) throw new IOException("stream closed");
            boolean last = index == lastChunk;
            int plainSize = last ? (int) (plainLength - lastChunk * CHUNK) : CHUNK;
            int want = plainSize + TAG;
            int got = in.readNBytes(sealed, 0, want);
            if (got != want) throw new TamperedDataException("encrypted chunk " + index + " is truncated");
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce(prefix, index)));
                cipher.updateAAD(aad(index, last));
                limit = cipher.doFinal(sealed, 0, want, plain, 0);
            } catch (AEADBadTagException e) {
                throw new TamperedDataException("encrypted chunk " + index + " failed authentication");
            } catch (GeneralSecurityException e) {
                throw new IOException("decryption failed", e);
            }
            pos = 0;
            index++;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) return -1;
            if (pos == limit) {
                if (index > endChunk) throw new EOFException("encrypted stream ended early");
                fill();
            }
            int n = (int) Math.min(Math.min(len, limit - pos), remaining);
            System.arraycopy(plain, pos, b, off, n);
            pos += n;
            remaining -= n;
            return n;
        }

        /**
         * Writes each decrypted chunk straight from its buffer: one write of up to 64 KiB per chunk, where the
         * default would copy through a 16 KiB intermediate buffer and make four times as many (blocking) writes.
         */
        @Override
        public long transferTo(OutputStream out) throws IOException {
            long total = 0;
            while (remaining > 0) {
                if (pos == limit) {
                    if (index > endChunk) throw new EOFException("encrypted stream ended early");
                    fill();
                }
                int n = (int) Math.min(limit - pos, remaining);
                out.write(plain, pos, n);
                pos += n;
                remaining -= n;
                total += n;
            }
            return total;
        }

        @Override
        public void close() throws IOException {
            if (closed) return;
            closed = true;
            Arrays.fill(plain, (byte) 0);
            GcmCiphers.give(cipher);
            in.close();
        }
    }
}

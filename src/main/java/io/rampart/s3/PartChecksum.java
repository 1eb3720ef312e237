package io.rampart.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * A part's plaintext on its way to storage, summed with its upload's checksum algorithm: S3 computes the checksum of a
 * part the client sent without one (FULL_OBJECT uploads) and of a copied part (UploadPartCopy). The request checksums a
 * client sends are verified in io.rampart.auth, which this package may not use (see ArchitectureTest).
 */
final class PartChecksum extends FilterInputStream {
    /** The algorithms S3 accepts in x-amz-checksum-algorithm. */
    static final Set<String> ALGORITHMS = Set.of("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256");

    private final String algorithm;
    private final Checksum crc;
    private final MessageDigest digest;

    private PartChecksum(InputStream in, String algorithm) {
        super(in);
        this.algorithm = algorithm;
        this.crc = switch (algorithm) {
            case "CRC32" -> new CRC32();
            case "CRC32C" -> new CRC32C();
            case "CRC64NVME" -> new Crc64();
            default -> null;
        };
        try {
            this.digest =
                    crc != null ? null : MessageDigest.getInstance(algorithm.equals("SHA1") ? "SHA-1" : "SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm, e);
        }
    }

    /** Null when there is no (known) algorithm to sum with. */
    static PartChecksum of(InputStream in, String algorithm) {
        return algorithm != null && ALGORITHMS.contains(algorithm) ? new PartChecksum(in, algorithm) : null;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) update(new byte[] {(byte) b}, 0, 1);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) update(b, off, n);
        return n;
    }

    @Override
    public long skip(long n) {
        throw new UnsupportedOperationException("a summed stream is read, not skipped");
    }

    private void update(byte[] b, int off, int len) {
        if (crc != null) crc.update(b, off, len);
        else digest.update(b, off, len);
    }

    /** {algorithm: base64 value}, once the stream has been read to its end. */
    Map<String, String> result() {
        byte[] value;
        if (digest != null) {
            value = digest.digest();
        } else if (crc instanceof Crc64) {
            value = java.nio.ByteBuffer.allocate(8).putLong(crc.getValue()).array();
        } else {
            value = java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
        }
        return Map.of(algorithm, Base64.getEncoder().encodeToString(value));
    }

    /** CRC-64/NVME, byte at a time (the request path's faster one lives in io.rampart.auth). */
    private static final class Crc64 implements Checksum {
        private static final long[] TABLE = new long[256];

        static {
            for (int n = 0; n < 256; n++) {
                long c = n;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ 0x9A6C9329AC4BC9B5L : c >>> 1;
                TABLE[n] = c;
            }
        }

        private long crc = -1L;

        @Override
        public void update(int b) {
            crc = TABLE[(int) ((crc ^ b) & 0xff)] ^ (crc >>> 8);
        }

        @Override
        public void update(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) update(b[i]);
        }

        @Override
        public long getValue() {
            return ~crc;
        }

        @Override
        public void reset() {
            crc = -1L;
        }
    }
}

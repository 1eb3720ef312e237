package io.rampart.s3;

import io.rampart.storage.Part;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The FULL_OBJECT checksum of a multipart object (CRC32, CRC32C, CRC64NVME): the CRC of the whole object, computed from
 * the parts' CRCs and sizes by CRC combination (zlib's crc32_combine, generalised to any reflected CRC whose init and
 * xorout are all ones), so no byte is read again. S3 returns it without the "-N" suffix.
 */
final class FullObjectChecksum {
    private FullObjectChecksum() {}

    /** A reflected CRC: its width in bits and its reversed polynomial. */
    enum Crc {
        CRC32(32, 0xEDB88320L),
        CRC32C(32, 0x82F63B78L),
        CRC64NVME(64, 0x9A6C9329AC4BC9B5L);

        private final int width;
        private final long poly;
        /** x^(2^n) mod P for n = 0..66, reflected: enough for any byte count below 2^63 without wrapping. */
        @SuppressWarnings("ImmutableEnumChecker") // filled once in the constructor, never written after
        private final long[] x2n;

        Crc(int width, long poly) {
            this.width = width;
            this.poly = poly;
            this.x2n = new long[67];
            long p = 1L << (width - 2); // x^1
            x2n[0] = p;
            for (int n = 1; n < x2n.length; n++) {
                p = multiply(p, p);
                x2n[n] = p;
            }
        }

        static Optional<Crc> named(String algorithm) {
            for (Crc c : values()) {
                if (c.name().equalsIgnoreCase(algorithm)) return Optional.of(c);
            }
            return Optional.empty();
        }

        /** a * b mod P, both reflected. */
        private long multiply(long a, long b) {
            long m = 1L << (width - 1);
            long p = 0;
            while (true) {
                if ((a & m) != 0) {
                    p ^= b;
                    if ((a & (m - 1)) == 0) break;
                }
                m >>>= 1;
                if (m == 0) break;
                b = (b & 1) != 0 ? (b >>> 1) ^ poly : b >>> 1;
            }
            return p;
        }

        /** x^(8 * bytes) mod P: the operator that appends {@code bytes} zero bytes to a CRC. */
        private long shiftFor(long bytes) {
            long p = 1L << (width - 1); // x^0
            int k = 3; // 2^3 bits per byte
            for (long n = bytes; n != 0; n >>>= 1, k++) {
                if ((n & 1) != 0) p = multiply(x2n[k], p);
            }
            return p;
        }

        /** The CRC of A||B from crc(A), crc(B) and |B|. */
        long combine(long crcA, long crcB, long lengthB) {
            return multiply(shiftFor(lengthB), crcA) ^ crcB;
        }

        long decode(byte[] raw) {
            long v = 0;
            for (byte b : raw) v = (v << 8) | (b & 0xff);
            return v;
        }

        byte[] encode(long v) {
            return width == 32
                    ? ByteBuffer.allocate(4).putInt((int) v).array()
                    : ByteBuffer.allocate(8).putLong(v).array();
        }

        int bytes() {
            return width / 8;
        }
    }

    /** The object's checksum in base64, when every part carries a well-formed checksum of that CRC. */
    static Optional<String> of(Crc crc, List<Part> parts) {
        if (parts.isEmpty()) return Optional.empty();
        long combined = 0;
        boolean first = true;
        for (Part p : parts) {
            String v = CompositeChecksum.checksum(p.checksums(), crc.name());
            if (v == null) return Optional.empty();
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(v);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            if (raw.length != crc.bytes()) return Optional.empty();
            long partCrc = crc.decode(raw);
            combined = first ? partCrc : crc.combine(combined, partCrc, p.size());
            first = false;
        }
        return Optional.of(Base64.getEncoder().encodeToString(crc.encode(combined)));
    }
}

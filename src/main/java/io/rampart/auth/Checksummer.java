package io.rampart.auth;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.zip.Checksum;

/**
 * An incremental checksum over a byte stream, producing the value the way S3 sends it: base64 of the
 * big-endian bytes. Single use: after {@link #digest()} the instance is spent.
 */
public sealed interface Checksummer permits Checksummer.Crc, Checksummer.Digest {

    void update(byte[] bytes, int offset, int length);

    /** The checksum as big-endian bytes. */
    byte[] digest();

    default String base64() {
        return Base64.getEncoder().encodeToString(digest());
    }

    /** A CRC whose value fits in {@code width} bytes of a long. */
    final class Crc implements Checksummer {
        private final Checksum crc;
        private final int width;

        Crc(Checksum crc, int width) {
            this.crc = crc;
            this.width = width;
        }

        @Override
        public void update(byte[] bytes, int offset, int length) {
            crc.update(bytes, offset, length);
        }

        @Override
        public byte[] digest() {
            byte[] full = ByteBuffer.allocate(8).putLong(crc.getValue()).array();
            byte[] out = new byte[width];
            System.arraycopy(full, 8 - width, out, 0, width);
            return out;
        }
    }

    /** A cryptographic digest (SHA-1, SHA-256). */
    final class Digest implements Checksummer {
        private final MessageDigest digest;

        Digest(String algorithm) {
            try {
                this.digest = MessageDigest.getInstance(algorithm);
            } catch (NoSuchAlgorithmException e) {
                // Every Java runtime must provide SHA-1 and SHA-256.
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void update(byte[] bytes, int offset, int length) {
            digest.update(bytes, offset, length);
        }

        @Override
        public byte[] digest() {
            return digest.digest();
        }
    }
}

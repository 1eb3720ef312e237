package io.rampart.s3;

import io.rampart.storage.Part;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * The checksum of a multipart object whose upload asked for a COMPOSITE checksum (the default type for CRC32, CRC32C,
 * SHA-1 and SHA-256): the algorithm applied to the concatenated binary checksums of its parts, in base64, with
 * "-N" for the part count, as S3 computes it ("checksum of checksums"). FULL_OBJECT ones are {@link FullObjectChecksum}.
 */
final class CompositeChecksum {
    private CompositeChecksum() {}

    /** The algorithm name (e.g. "SHA256") and value for these parts, when every part carries that algorithm's checksum. */
    static Optional<Map.Entry<String, String>> of(String checksumType, List<Part> parts) {
        if (!"COMPOSITE".equals(checksumType) || parts.isEmpty()) return Optional.empty();
        Map<String, String> first = parts.get(0).checksums();
        if (first.size() != 1) return Optional.empty();
        String algorithm = first.keySet().iterator().next().toUpperCase(Locale.ROOT);
        ByteBuffer all = ByteBuffer.allocate(parts.size() * 32);
        for (Part p : parts) {
            String v = checksum(p.checksums(), algorithm);
            if (v == null) return Optional.empty();
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(v);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            if (raw.length > 32) return Optional.empty();
            all.put(raw);
        }
        byte[] joined = new byte[all.position()];
        all.flip().get(joined);
        byte[] digest = switch (algorithm) {
            case "CRC32" -> crc(new CRC32(), joined);
            case "CRC32C" -> crc(new CRC32C(), joined);
            case "SHA1" -> digest("SHA-1", joined);
            case "SHA256" -> digest("SHA-256", joined);
            default -> null;
        };
        if (digest == null) return Optional.empty();
        return Optional.of(Map.entry(algorithm, Base64.getEncoder().encodeToString(digest) + "-" + parts.size()));
    }

    /** A part's checksum for {@code algorithm}, whatever the case its name was stored in; null when absent. */
    static String checksum(Map<String, String> sums, String algorithm) {
        for (Map.Entry<String, String> e : sums.entrySet()) {
            if (e.getKey().equalsIgnoreCase(algorithm)) return e.getValue();
        }
        return null;
    }

    private static byte[] crc(Checksum c, byte[] data) {
        c.update(data, 0, data.length);
        return ByteBuffer.allocate(4).putInt((int) c.getValue()).array();
    }

    private static byte[] digest(String name, byte[] data) {
        try {
            return MessageDigest.getInstance(name).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name, e);
        }
    }
}

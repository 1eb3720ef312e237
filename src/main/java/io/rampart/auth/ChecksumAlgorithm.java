package io.rampart.auth;

import java.util.Locale;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/** The additional checksums S3 accepts (x-amz-checksum-*), with the size of each encoded value. */
public enum ChecksumAlgorithm {
    CRC32(4),
    CRC32C(4),
    CRC64NVME(8),
    SHA1(20),
    SHA256(32);

    private final int length;
    private final String headerName;

    ChecksumAlgorithm(int length) {
        this.length = length;
        this.headerName = "x-amz-checksum-" + name().toLowerCase(Locale.ROOT);
    }

    /** The request/response header carrying this checksum, e.g. "x-amz-checksum-crc32". */
    public String headerName() {
        return headerName;
    }

    /** Number of bytes in the decoded (big-endian) checksum value. */
    public int length() {
        return length;
    }

    public Checksummer newChecksummer() {
        return switch (this) {
            case CRC32 -> new Checksummer.Crc(new CRC32(), 4);
            case CRC32C -> new Checksummer.Crc(new CRC32C(), 4);
            case CRC64NVME -> new Checksummer.Crc(new Crc64Nvme(), 8);
            case SHA1 -> new Checksummer.Digest("SHA-1");
            case SHA256 -> new Checksummer.Digest("SHA-256");
        };
    }

    /** Parses an algorithm name as clients send it ("crc32", "CRC32C", ...). */
    public static Optional<ChecksumAlgorithm> fromName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (ChecksumAlgorithm algorithm : values()) {
            if (algorithm.name().equalsIgnoreCase(name.trim())) {
                return Optional.of(algorithm);
            }
        }
        return Optional.empty();
    }

    /** Parses a header name ("x-amz-checksum-crc32", any case); other x-amz-checksum-* headers are not values. */
    public static Optional<ChecksumAlgorithm> fromHeaderName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (ChecksumAlgorithm algorithm : values()) {
            if (algorithm.headerName.equalsIgnoreCase(name.trim())) {
                return Optional.of(algorithm);
            }
        }
        return Optional.empty();
    }
}

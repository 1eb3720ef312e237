package io.rampart.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.checksums.DefaultChecksumAlgorithm;
import software.amazon.awssdk.checksums.SdkChecksum;

class ChecksumAlgorithmTest {

    private static String checksum(ChecksumAlgorithm algorithm, byte[] data) {
        Checksummer checksummer = algorithm.newChecksummer();
        checksummer.update(data, 0, data.length);
        return checksummer.base64();
    }

    @ParameterizedTest
    @CsvSource({
        "CRC32,     DUoRhQ==",
        "CRC32C,    yZRlqg==",
        "SHA1,      Kq5sNclPz7QV2+lfQIuc6R7oRu0=",
        "SHA256,    uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=",
    })
    void helloWorldHasTheWellKnownChecksum(ChecksumAlgorithm algorithm, String expected) {
        assertThat(checksum(algorithm, "hello world".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(expected);
    }

    @Test
    void crc64NvmeMatchesTheCatalogueCheckValue() {
        // CRC-64/NVME in the CRC catalogue: check value of "123456789" is 0xae8b14860a799888.
        String expected = Base64.getEncoder().encodeToString(HexFormat.of().parseHex("ae8b14860a799888"));
        assertThat(checksum(ChecksumAlgorithm.CRC64NVME, "123456789".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(expected);
    }

    @Test
    void crc64NvmeOfNothingIsZero() {
        assertThat(checksum(ChecksumAlgorithm.CRC64NVME, new byte[0])).isEqualTo("AAAAAAAAAAA=");
    }

    @Test
    void crc64NvmeSlicedPathAgreesWithBytewiseReference() {
        byte[] data = new byte[100_003];
        new Random(7).nextBytes(data);
        long reference = -1L;
        for (byte b : data) {
            reference ^= b & 0xff;
            for (int k = 0; k < 8; k++) {
                reference = (reference & 1) != 0 ? (reference >>> 1) ^ 0x9a6c9329ac4bc9b5L : reference >>> 1;
            }
        }
        reference = ~reference;
        Crc64Nvme crc = new Crc64Nvme();
        // Odd-sized pieces exercise both the 8-byte and the tail loop, and state carried between updates.
        int off = 0;
        int piece = 1;
        while (off < data.length) {
            int n = Math.min(piece, data.length - off);
            crc.update(data, off, n);
            off += n;
            piece = piece * 3 + 1;
        }
        assertThat(crc.getValue()).isEqualTo(reference);
    }

    @ParameterizedTest
    @EnumSource(
            value = ChecksumAlgorithm.class,
            names = {"CRC32", "CRC32C", "SHA1", "SHA256"})
    void agreesWithTheAwsSdkImplementation(ChecksumAlgorithm algorithm) {
        var sdkAlgorithm = switch (algorithm) {
            case CRC32 -> DefaultChecksumAlgorithm.CRC32;
            case CRC32C -> DefaultChecksumAlgorithm.CRC32C;
            case SHA1 -> DefaultChecksumAlgorithm.SHA1;
            case SHA256 -> DefaultChecksumAlgorithm.SHA256;
            default -> throw new IllegalArgumentException();
        };
        Random random = new Random(42);
        for (int size : new int[] {0, 1, 7, 8, 9, 4096, 65_537}) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            SdkChecksum sdk = SdkChecksum.forAlgorithm(sdkAlgorithm);
            sdk.update(data, 0, data.length);
            assertThat(checksum(algorithm, data))
                    .as("%s of %d bytes", algorithm, size)
                    .isEqualTo(Base64.getEncoder().encodeToString(sdk.getChecksumBytes()));
        }
    }

    @Test
    void namesParseCaseInsensitively() {
        assertThat(ChecksumAlgorithm.fromName("crc32")).contains(ChecksumAlgorithm.CRC32);
        assertThat(ChecksumAlgorithm.fromName("CRC64NVME")).contains(ChecksumAlgorithm.CRC64NVME);
        assertThat(ChecksumAlgorithm.fromName("md5")).isEmpty();
        assertThat(ChecksumAlgorithm.fromHeaderName("X-Amz-Checksum-Sha256")).contains(ChecksumAlgorithm.SHA256);
        assertThat(ChecksumAlgorithm.fromHeaderName("x-amz-checksum-type")).isEmpty();
        assertThat(ChecksumAlgorithm.CRC32C.headerName()).isEqualTo("x-amz-checksum-crc32c");
    }
}

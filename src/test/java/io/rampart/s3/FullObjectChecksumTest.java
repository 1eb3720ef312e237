package io.rampart.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.auth.ChecksumAlgorithm;
import io.rampart.auth.Checksummer;
import io.rampart.storage.Part;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FullObjectChecksumTest {

    static String checksum(FullObjectChecksum.Crc crc, byte[] data, int from, int to) {
        Checksummer c = ChecksumAlgorithm.valueOf(crc.name()).newChecksummer();
        c.update(data, from, to - from);
        return Base64.getEncoder().encodeToString(c.digest());
    }

    @ParameterizedTest
    @EnumSource(FullObjectChecksum.Crc.class)
    void combiningThePartsCrcsGivesTheCrcOfTheWholeObject(FullObjectChecksum.Crc crc) {
        byte[] data = new byte[200_003];
        new Random(7).nextBytes(data);
        int[] cuts = {0, 1, 65_536, 65_537, 150_000, data.length};
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < cuts.length - 1; i++) {
            parts.add(new Part(
                    "u",
                    i + 1,
                    cuts[i + 1] - cuts[i],
                    "e",
                    0,
                    Map.of(crc.name(), checksum(crc, data, cuts[i], cuts[i + 1])),
                    "b"));
        }
        assertThat(FullObjectChecksum.of(crc, parts)).contains(checksum(crc, data, 0, data.length));
        // An empty part changes nothing; a single part is its own checksum.
        assertThat(FullObjectChecksum.of(crc, parts.subList(0, 1))).contains(checksum(crc, data, 0, 1));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"})
    void aServerComputedPartChecksumIsTheOneTheRequestPathVerifies(String algorithm) throws Exception {
        byte[] data = new byte[100_001];
        new Random(3).nextBytes(data);
        Checksummer expected = ChecksumAlgorithm.valueOf(algorithm).newChecksummer();
        expected.update(data, 0, data.length);
        PartChecksum summing = PartChecksum.of(new java.io.ByteArrayInputStream(data), algorithm);
        assertThat(summing.readAllBytes()).isEqualTo(data);
        assertThat(summing.result())
                .isEqualTo(Map.of(algorithm, Base64.getEncoder().encodeToString(expected.digest())));
    }

    @ParameterizedTest
    @EnumSource(FullObjectChecksum.Crc.class)
    void aPartWithoutTheChecksumLeavesTheObjectWithoutOne(FullObjectChecksum.Crc crc) {
        List<Part> parts = List.of(
                new Part("u", 1, 3, "e", 0, Map.of(crc.name(), checksum(crc, new byte[3], 0, 3)), "b"),
                new Part("u", 2, 3, "e", 0, Map.of(), "b"));
        assertThat(FullObjectChecksum.of(crc, parts)).isEmpty();
    }
}

package io.rampart.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A version read by a write with its metadata left as stored text answers as one read with the metadata parsed. */
class ObjectVersionTest {
    static Stream<Encryption> encryptions() {
        return Stream.of(
                null,
                new Encryption(Encryption.SSE_S3, "c2VhbGVk", null, null),
                new Encryption(Encryption.SSE_C, "c2VhbGVk", "c2FsdA==", "aG1hYw=="),
                new Encryption(
                        Encryption.SSE_KMS,
                        "YmxvYg==",
                        null,
                        null,
                        "arn:aws:kms:us-east-1:123456789012:key/k",
                        "e30=",
                        "YnVja2V0"));
    }

    private static ObjectMeta meta(Encryption e) {
        return ObjectMeta.builder()
                .contentHeaders(Map.of("Content-Type", "text/plain"))
                .userMetadata(Map.of("owner", "alice"))
                .tags(Map.of("class", "gold"))
                .checksums(Map.of("CRC32", "AAAAAA=="))
                .partSizes(List.of(5L, 7L))
                .encryption(e)
                .lock(new ObjectMeta.LockState("GOVERNANCE", 42L, true))
                .build();
    }

    private static ObjectVersion parsed(ObjectMeta m) {
        return new ObjectVersion("b", "k", "v1", 3, true, false, 12, "etag", 1000, m, List.of(), null, "arn:p", "AKIA");
    }

    private static ObjectVersion stored(ObjectMeta m) {
        return ObjectVersion.withStoredMeta(
                "b", "k", "v1", 3, true, false, 12, "etag", 1000, MetadataJson.toJson(m), List.of(), "arn:p", "AKIA");
    }

    @ParameterizedTest
    @MethodSource("encryptions")
    void storedMetadataParsedWhenAskedIsTheSameVersion(Encryption e) {
        ObjectMeta m = meta(e);
        assertThat(stored(m)).isEqualTo(parsed(m)).hasSameHashCodeAs(parsed(m));
        ObjectVersion lazy = stored(m);
        assertThat(lazy.meta()).isEqualTo(m);
        assertThat(lazy.meta().encryption()).isEqualTo(e);
        assertThat(lazy.withMeta(m.withTags(Map.of()))).isNotEqualTo(parsed(m));
    }
}

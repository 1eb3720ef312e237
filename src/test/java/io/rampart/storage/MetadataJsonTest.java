package io.rampart.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataJsonTest {
    private static String json(String contentType) {
        return MetadataJson.toJson(ObjectMeta.builder()
                .contentHeaders(Map.of("Content-Type", contentType))
                .tags(Map.of("class", "public"))
                .partSizes(List.of(5L, 6L))
                .encryption(new Encryption("AES256", "c2VhbGVk", null, null))
                .build());
    }

    @Test
    void objectMetadataIsParsedOncePerTextAndSharedReadOnly() {
        String text = json("text/plain");
        ObjectMeta first = MetadataJson.objectMeta(text);
        assertThat(first.contentHeaders()).containsEntry("Content-Type", "text/plain");
        assertThat(first.tags()).containsEntry("class", "public");
        assertThat(first.partSizes()).containsExactly(5L, 6L);
        assertThat(first.encryption().sealedKey()).isEqualTo("c2VhbGVk");
        assertThat(MetadataJson.objectMeta(new String(text))).isSameAs(first);
        assertThat(first).isEqualTo(MetadataJson.fromJson(text, ObjectMeta.class));
        assertThatThrownBy(() -> first.tags().put("class", "secret")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> first.contentHeaders().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> first.partSizes().add(7L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void changedMetadataTextIsParsedAnew() {
        ObjectMeta plain = MetadataJson.objectMeta(json("text/plain"));
        ObjectMeta html = MetadataJson.objectMeta(json("text/html"));
        assertThat(html.contentHeaders()).containsEntry("Content-Type", "text/html");
        assertThat(plain.contentHeaders()).containsEntry("Content-Type", "text/plain");
    }

    @Test
    void inlineDataHasNoSegmentsAndStoredSegmentsAreRead() {
        assertThat(MetadataJson.segments("[]")).isEmpty();
        List<Segment> stored = List.of(new Segment("blob-1", 10));
        assertThat(MetadataJson.segments(MetadataJson.toJson(stored))).isEqualTo(stored);
    }

    private static final char[] ALPHABET = {
        'a', 'Z', '0', ' ', '"', '\\', '/', '\b', '\t', '\n', '\f', '\r', '\u0000', '\u001f', '\u007f', '\u0080', 'é',
        '日', '\u2028', '\uD83D', '\uDE00', '\uFFFF', '{', '}', ':', ',', '[', ']'
    };

    private static String text(java.util.Random random) {
        if (random.nextInt(8) == 0) return null;
        char[] text = new char[random.nextInt(10)];
        for (int i = 0; i < text.length; i++) text[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        return new String(text);
    }

    private static Map<String, String> map(java.util.Random random) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            String key = text(random);
            m.put(key == null ? "k" + i : key, text(random));
        }
        return random.nextInt(10) == 0 ? null : m;
    }

    private static ObjectMeta randomMeta(java.util.Random random) {
        ObjectMeta.Builder b = ObjectMeta.builder()
                .contentHeaders(map(random))
                .userMetadata(map(random))
                .checksums(map(random))
                .checksumType(text(random))
                .tags(map(random))
                .storageClass(text(random))
                .replicationStatus(text(random));
        if (random.nextBoolean()) {
            List<Long> parts = new java.util.ArrayList<>();
            for (int i = random.nextInt(4); i > 0; i--) parts.add(random.nextLong() >> random.nextInt(64));
            b.partSizes(parts);
        }
        if (random.nextInt(4) > 0) {
            b.encryption(new Encryption(
                    text(random), text(random), text(random), text(random), text(random), text(random), text(random)));
        }
        if (random.nextBoolean()) {
            b.lock(new ObjectMeta.LockState(
                    text(random), random.nextBoolean() ? null : random.nextLong(), random.nextBoolean()));
        }
        if (random.nextBoolean()) {
            List<AccessControlList.Grant> grants = new java.util.ArrayList<>();
            for (int i = random.nextInt(3); i > 0; i--) {
                grants.add(new AccessControlList.Grant(text(random), text(random), text(random), text(random)));
            }
            b.acl(new AccessControlList(text(random), random.nextBoolean() ? null : grants));
        }
        return b.build();
    }

    @Test
    void handWrittenObjectMetadataJsonIsJacksonsTextExactly() {
        List<ObjectMeta> samples = new java.util.ArrayList<>(List.of(
                ObjectMeta.empty(),
                ObjectMeta.builder()
                        .contentHeaders(Map.of("Content-Type", "application/octet-stream"))
                        .checksums(Map.of("CRC64NVME", "AAAAAAAAAAA="))
                        .checksumType("FULL_OBJECT")
                        .partSizes(List.of())
                        .encryption(new Encryption("AES256", "q83vEjRWeJq8", null, null))
                        .lock(new ObjectMeta.LockState("GOVERNANCE", 1_800_000_000_000L, true))
                        .acl(new AccessControlList(
                                "0123456789abcdef",
                                List.of(new AccessControlList.Grant(
                                        "CanonicalUser", "0123456789abcdef", null, "FULL_CONTROL"))))
                        .build()));
        java.util.Random random = new java.util.Random(23);
        for (int i = 0; i < 5_000; i++) samples.add(randomMeta(random));
        for (ObjectMeta m : samples) {
            String text = MetadataJson.objectMetaJson(m);
            assertThat(text).isEqualTo(MetadataJson.toJson(m));
            assertThat(MetadataJson.fromJson(text, ObjectMeta.class)).isEqualTo(m);
        }
    }
}

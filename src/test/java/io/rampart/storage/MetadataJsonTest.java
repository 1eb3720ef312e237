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
}

package io.rampart.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every CloudTrail file shape is read record by record, and one bad record is reported and passed, never fatal. */
class CloudTrailReaderTest {
    private record Read(List<String> names, List<String> skipped) { }

    private static Read read(String content) throws IOException {
        List<String> names = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        CloudTrailReader.read(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)),
                (JsonNode r) -> names.add(r.path("eventName").asText()), (i, off, why) -> skipped.add(i + "@" + off + ": " + why));
        return new Read(names, skipped);
    }

    @Test void stringsHoldingBracesQuotesAndEscapesDoNotConfuseTheSplitting() throws Exception {
        Read r = read("{\"Records\":[{\"eventName\":\"A\",\"key\":\"}{\\\"]\\\\\"},{\"eventName\":\"B\",\"x\":[{\"y\":\"}\"}]}]}");
        assertThat(r.names()).containsExactly("A", "B");
        assertThat(r.skipped()).isEmpty();
    }

    @Test void aBadRecordInEachShapeIsSkippedWithItsPositionAndTheRestIsRead() throws Exception {
        assertThat(read("{\"Records\":[{\"eventName\":\"A\"},{\"eventName\":},{\"eventName\":\"C\"}]}"))
                .satisfies(r -> {
                    assertThat(r.names()).containsExactly("A", "C");
                    assertThat(r.skipped()).singleElement().satisfies(s -> assertThat(s).startsWith("1@30: not JSON"));
                });
        assertThat(read("[{\"eventName\":\"A\"}, 17, {\"eventName\":\"C\"}]"))
                .satisfies(r -> {
                    assertThat(r.names()).containsExactly("A", "C");
                    assertThat(r.skipped()).singleElement().satisfies(s -> assertThat(s).contains("not a JSON record"));
                });
        assertThat(read("{\"eventName\":\"A\"}\n{\"eventName\":\"B\"\n"))
                .satisfies(r -> {
                    assertThat(r.names()).containsExactly("A");
                    assertThat(r.skipped()).singleElement().satisfies(s -> assertThat(s).contains("cut short"));
                });
    }

    @Test void aRecordOverTheLimitIsSkippedWithoutBeingParsed() throws Exception {
        String huge = "{\"eventName\":\"H\",\"junk\":\"" + "x".repeat(CloudTrailReader.MAX_RECORD_BYTES) + "\"}";
        Read r = read("{\"Records\":[" + huge + ",{\"eventName\":\"B\"}]}");
        assertThat(r.names()).containsExactly("B");
        assertThat(r.skipped()).singleElement().satisfies(s -> assertThat(s).startsWith("0@12").contains("longer than"));
    }

    @Test void withoutAHandlerTheFirstBadRecordFailsTheRead() {
        assertThatThrownBy(() -> CloudTrailReader.read(new ByteArrayInputStream("[{\"a\":}]".getBytes(StandardCharsets.UTF_8)),
                r -> { })).isInstanceOf(IOException.class).hasMessageContaining("record 0");
    }
}

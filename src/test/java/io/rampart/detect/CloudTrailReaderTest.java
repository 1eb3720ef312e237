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
    private record Read(List<String> names, List<String> skipped) {}

    private static Read read(String content) throws IOException {
        List<String> names = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        CloudTrailReader.read(
                new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)),
                (JsonNode r) -> names.add(r.path("eventName").asText()),
                (i, off, why) -> skipped.add(i + "@" + off + ": " + why));
        return new Read(names, skipped);
    }

    @Test
    void stringsHoldingBracesQuotesAndEscapesDoNotConfuseTheSplitting() throws Exception {
        Read r = read(
                "{\"Records\":[{\"eventName\":\"A\",\"key\":\"}{\\\"]\\\\\"},{\"eventName\":\"B\",\"x\":[{\"y\":\"}\"}]}]}");
        assertThat(r.names()).containsExactly("A", "B");
        assertThat(r.skipped()).isEmpty();
    }

    @Test
    void aBadRecordInEachShapeIsSkippedWithItsPositionAndTheRestIsRead() throws Exception {
        assertThat(read("{\"Records\":[{\"eventName\":\"A\"},{\"eventName\":},{\"eventName\":\"C\"}]}"))
                .satisfies(r -> {
                    assertThat(r.names()).containsExactly("A", "C");
                    assertThat(r.skipped())
                            .singleElement()
                            .satisfies(s -> assertThat(s).startsWith("1@30: not JSON"));
                });
        assertThat(read("[{\"eventName\":\"A\"}, 17, {\"eventName\":\"C\"}]")).satisfies(r -> {
            assertThat(r.names()).containsExactly("A", "C");
            assertThat(r.skipped()).singleElement().satisfies(s -> assertThat(s).contains("not a JSON record"));
        });
        assertThat(read("{\"eventName\":\"A\"}\n{\"eventName\":\"B\"\n")).satisfies(r -> {
            assertThat(r.names()).containsExactly("A");
            assertThat(r.skipped()).singleElement().satisfies(s -> assertThat(s).contains("cut short"));
        });
    }

    @Test
    void aRecordOverTheLimitIsSkippedWithoutBeingParsed() throws Exception {
        String huge = "{\"eventName\":\"H\",\"junk\":\"" + "x".repeat(CloudTrailReader.MAX_RECORD_BYTES) + "\"}";
        Read r = read("{\"Records\":[" + huge + ",{\"eventName\":\"B\"}]}");
        assertThat(r.names()).containsExactly("B");
        assertThat(r.skipped())
                .singleElement()
                .satisfies(s -> assertThat(s).startsWith("0@12").contains("longer than"));
    }

    @Test
    void withoutAHandlerTheFirstBadRecordFailsTheRead() {
        assertThatThrownBy(() -> CloudTrailReader.read(
                        new ByteArrayInputStream("[{\"a\":}]".getBytes(StandardCharsets.UTF_8)), r -> {}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("record 0");
    }

    /** lookup-events output is split per event like a Records document, so a file over the record cap is read whole. */
    @Test
    void lookupEventsOverTheRecordLimitIsOneBoundedRecordPerEvent() throws Exception {
        StringBuilder doc = new StringBuilder("\uFEFF{\"Events\":[");
        int n = 0;
        while (doc.length() < 2 * CloudTrailReader.MAX_RECORD_BYTES) {
            String event = "{\"eventName\":\"E" + n + "\",\"pad\":\"" + "p".repeat(4000) + "\"}";
            doc.append(n == 0 ? "" : ",")
                    .append("{\"EventId\":\"id")
                    .append(n)
                    .append("\",\"EventName\":\"E")
                    .append(n)
                    .append("\",\"CloudTrailEvent\":")
                    .append(com.fasterxml.jackson.databind.json.JsonMapper.builder()
                            .build()
                            .writeValueAsString(event))
                    .append("}");
            n++;
        }
        doc.append(",{\"EventId\":\"bad\",\"EventName\":\"X\",\"CloudTrailEvent\":\"{broken\"}");
        doc.append("],\"NextToken\":\"{[\\\"}\"}");
        Read r = read(doc.toString());
        int events = n;
        assertThat(r.names()).hasSize(n).startsWith("E0", "E1").endsWith("E" + (n - 1));
        assertThat(r.skipped())
                .singleElement()
                .satisfies(s -> assertThat(s)
                        .startsWith(events + "@")
                        .contains("CloudTrailEvent is not a JSON object (EventId bad)"));
    }

    /** A CSV export is read row by row under the same cap: an over-long row is passed, not held, and reported. */
    @Test
    void aCsvRowOverTheLimitIsSkippedAndTheNextRowIsRead() throws Exception {
        String csv =
                "eventName,eventTime\nA,2025-01-01T00:00:00Z\n\"" + "x".repeat(CloudTrailReader.MAX_RECORD_BYTES + 10)
                        + "\",2025-01-01T00:00:00Z\nC,2025-01-01T00:00:01Z\n";
        Read r = read(csv);
        assertThat(r.names()).containsExactly("A", "C");
        assertThat(r.skipped())
                .singleElement()
                .satisfies(s -> assertThat(s).startsWith("1@").contains("longer than"));
    }
}

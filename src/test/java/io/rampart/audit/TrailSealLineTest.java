package io.rampart.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TrailSealLineTest {
    private static Instant time(String line) {
        return TrailWriter.eventTime(line.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aWholeRecordGivesItsEventTimeWhereverTheFieldIs() {
        assertThat(time("{\"eventVersion\":\"1.11\",\"userIdentity\":{\"eventTime\":\"x\",\"a\":[1,{\"b\":null}]},"
                        + "\"eventTime\":\"2026-11-29T02:40:01Z\",\"readOnly\":true}"))
                .isEqualTo(Instant.parse("2026-11-29T02:40:01Z"));
    }

    @Test
    void damagedLinesAreRefused() {
        assertThat(time("{\"eventTime\":\"2026-11-29T02:40:01Z\",\"userIdentity\":{\"type\":"))
                .isNull(); // torn
        assertThat(time("\u0000\u0000\u0000")).isNull(); // zeroed page
        assertThat(time("{\"eventTime\":\"2026-11-29T02:40:01Z\"}{\"eventTime\":\"2026-11-29T02:40:02Z\"}"))
                .isNull();
        assertThat(time("{\"eventName\":\"GetObject\"}")).isNull(); // no time
        assertThat(time("{\"eventTime\":\"yesterday\"}")).isNull();
        assertThat(time("[\"eventTime\"]")).isNull();
        assertThat(time("{\"eventTime\":\"2026-11-29T02:40:01Z\",\"a\":[1,2}")).isNull(); // bad nesting
    }
}

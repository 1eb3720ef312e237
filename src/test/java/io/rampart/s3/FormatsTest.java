package io.rampart.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FormatsTest {
    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    @Test
    void httpDateIsTheRfc1123FormattersTextForAnyTime() {
        assertThat(Formats.httpDate(0)).isEqualTo("Thu, 01 Jan 1970 00:00:00 GMT");
        assertThat(Formats.httpDate(1_796_593_199_999L)).isEqualTo("Sun, 06 Dec 2026 21:39:59 GMT");
        assertThat(Formats.httpDate(-1)).isEqualTo("Wed, 31 Dec 1969 23:59:59 GMT");
        SplittableRandom r = new SplittableRandom(23);
        for (int i = 0; i < 100_000; i++) {
            // From year 0 to 12000: the hand-written path (four-digit years) and the formatter's (the rest) alike.
            long millis = r.nextLong(-62_167_219_200_000L, 316_560_000_000_000L);
            assertThat(Formats.httpDate(millis))
                    .as("%d", millis)
                    .isEqualTo(RFC_1123.format(Instant.ofEpochMilli(millis)));
        }
    }
}

package io.rampart.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The hand-written X-Amz-Date parser accepts and refuses exactly what the strict formatter does. */
class AmzDateTest {
    private static final DateTimeFormatter STRICT = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC)
            .withResolverStyle(ResolverStyle.STRICT);

    private static Instant byFormatter(String s) {
        if (s.length() != 16) return null;
        try {
            return Instant.from(STRICT.parse(s));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Test
    void sameAnswerAsTheStrictFormatter() {
        List<String> samples = List.of(
                "20261206T180001Z",
                "20240229T235959Z",
                "20230229T000000Z",
                "20000229T120000Z",
                "19000229T120000Z",
                "20261301T000000Z",
                "20260001T000000Z",
                "20260100T000000Z",
                "20260431T000000Z",
                "20261206T240000Z",
                "20261206T236000Z",
                "20261206T235960Z",
                "20261206 180001Z",
                "20261206T180001z",
                "2026120GT180001Z",
                "2026-12-06T18:0",
                "+0261206T180001Z",
                "2026١206T180001Z",
                "00000101T000000Z",
                "99991231T235959Z",
                "20261206T180001",
                "");
        for (String s : samples) {
            assertThat(SignatureClaim.parseAmzDate(s)).as(s).isEqualTo(byFormatter(s));
        }
        assertThat(SignatureClaim.parseAmzDate("20261206T180001Z")).isEqualTo(Instant.parse("2026-12-06T18:00:01Z"));
        // every second of a day and every day of four years, against the formatter
        for (int i = 0; i < 86_400; i += 7) {
            String s = String.format(Locale.ROOT, "20261206T%02d%02d%02dZ", i / 3600, i / 60 % 60, i % 60);
            assertThat(SignatureClaim.parseAmzDate(s)).as(s).isEqualTo(byFormatter(s));
        }
        // the last days of February and of the year, for every four-digit year
        for (int y = 0; y <= 9999; y++) {
            for (String md : List.of("0228", "0229", "0301", "1231", "0101")) {
                String s = String.format(Locale.ROOT, "%04d%sT235959Z", y, md);
                assertThat(SignatureClaim.parseAmzDate(s)).as(s).isEqualTo(byFormatter(s));
            }
        }
        for (int y = 1899; y <= 2101; y++)
            for (int m = 1; m <= 12; m++)
                for (int d = 1; d <= 31; d++) {
                    String s = String.format(Locale.ROOT, "%04d%02d%02dT000000Z", y, m, d);
                    assertThat(SignatureClaim.parseAmzDate(s)).as(s).isEqualTo(byFormatter(s));
                }
        for (int y = 2023; y <= 2026; y++)
            for (int m = 0; m <= 13; m++)
                for (int d = 0; d <= 32; d++) {
                    String s = String.format(Locale.ROOT, "%04d%02d%02dT120000Z", y, m, d);
                    assertThat(SignatureClaim.parseAmzDate(s)).as(s).isEqualTo(byFormatter(s));
                }
    }
}

package io.rampart.recovery;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The TIME a restore names: ISO-8601 ({@code 2026-11-28T21:00:00Z}, any offset) or relative to now ({@code -15m}). */
public final class RestoreTime {
    private static final Pattern RELATIVE = Pattern.compile("-(\\d{1,9})(ms|s|m|h|d)");

    private RestoreTime() {}

    /** Parses a TIME; throws IllegalArgumentException with a message fit for the user. */
    public static Instant parse(String text, Instant now) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty time");
        String t = text.trim();
        Matcher m = RELATIVE.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(d);
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(t).toInstant();
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException("invalid time '" + text
                        + "': expected ISO-8601 like 2026-11-28T21:00:00Z or relative like -15m, -2h, -1d");
            }
        }
    }
}

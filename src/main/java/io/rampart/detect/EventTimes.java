package io.rampart.detect;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;

/**
 * A record's time, whichever way the export spells it: CloudTrail's {@code eventTime} (ISO-8601, with or without
 * milliseconds, {@code Z} or an offset), {@code @timestamp} (Elastic, Security-Datasets), Panther's normalised
 * {@code p_event_time} and its {@code 2024-11-25 22:00:58.000000000} spelling (UTC), {@code EventTime} of
 * {@code lookup-events}, or epoch seconds/milliseconds as a number.
 */
public final class EventTimes {
    /** The fields looked at, in order. */
    public static final List<String> FIELDS = List.of("eventTime", "@timestamp", "p_event_time", "EventTime");
    /** {@link #of} when a record has none of {@link #FIELDS}. */
    public static final long MISSING = Long.MIN_VALUE;
    /** {@link #of} when a record has a time field that is not a time. */
    public static final long INVALID = Long.MIN_VALUE + 1;

    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart()
            .appendLiteral('T')
            .optionalEnd()
            .optionalStart()
            .appendLiteral(' ')
            .optionalEnd()
            .appendValue(ChronoField.HOUR_OF_DAY, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .optionalEnd()
            .toFormatter();

    private EventTimes() {}

    /** Epoch milliseconds, or {@link #MISSING} / {@link #INVALID}. */
    public static long of(JsonNode r) {
        for (String f : FIELDS) {
            JsonNode n = r.get(f);
            if (n == null || n.isNull()) continue;
            return parse(n);
        }
        return MISSING;
    }

    /** Why {@link #of} gave no time, for a skipped-record report. */
    public static String reason(JsonNode r, long t) {
        if (t == MISSING) return "no event time (eventTime, @timestamp, p_event_time)";
        for (String f : FIELDS) {
            JsonNode n = r.get(f);
            if (n != null && !n.isNull()) return "unreadable " + f + " '" + abbreviate(n.asText()) + "'";
        }
        return "no event time";
    }

    static long parse(JsonNode n) {
        if (n.isNumber()) {
            double d = n.asDouble();
            return d > 1e11 ? (long) d : (long) (d * 1000);
        }
        if (!n.isTextual()) return INVALID;
        return parse(n.asText().trim());
    }

    /** The last text parsed and its value: records written in the same second share their eventTime. */
    private record Last(String text, long millis) {}

    private static volatile Last last = new Last("", INVALID);

    static long parse(String s) {
        Last l = last;
        if (l.text().equals(s)) return l.millis();
        long t = parseText(s);
        last = new Last(s, t);
        return t;
    }

    private static long parseText(String s) {
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException e) {
            // not the common shape: try the others
        }
        try {
            return OffsetDateTime.parse(s.replace(' ', 'T')).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            // no offset
        }
        String t = s.endsWith(" UTC") ? s.substring(0, s.length() - 4) : s;
        try {
            return LocalDateTime.parse(t, LOCAL).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            return INVALID;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}

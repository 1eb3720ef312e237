package io.rampart.cli.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the sizes ({@code 4KiB}, {@code 1MiB}) and durations ({@code 10s}, {@code 500ms}) of the bench command. */
public final class Units {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?i?b?)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION =
            Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);

    private Units() {}

    /** {@code 4KiB}, {@code 4k}, {@code 1MiB}, {@code 1MB} (= 10^6), {@code 123} (bytes). Binary units unless the suffix is {@code KB}/{@code MB}/{@code GB}. */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid size '" + text + "' (examples: 4KiB, 1MiB, 64MiB, 1000)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
        long mult = switch (unit) {
            case "", "b" -> 1L;
            case "k", "ki", "kib" -> 1L << 10;
            case "m", "mi", "mib" -> 1L << 20;
            case "g", "gi", "gib" -> 1L << 30;
            case "kb" -> 1_000L;
            case "mb" -> 1_000_000L;
            case "gb" -> 1_000_000_000L;
            default -> throw new IllegalArgumentException("invalid size unit in '" + text + "' (use B, KiB, MiB, GiB)");
        };
        return Math.multiplyExact(n, mult);
    }

    /** {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}, or a bare number of seconds; {@code 0} is allowed. */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid duration '" + text + "' (examples: 10s, 500ms, 2m)");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        double millis = switch (unit) {
            case "ms" -> v;
            case "s" -> v * 1_000;
            case "m" -> v * 60_000;
            case "h" -> v * 3_600_000;
            default -> throw new IllegalArgumentException("invalid duration unit in '" + text + "'");
        };
        return Duration.ofMillis(Math.round(millis));
    }

    /** Shortest exact binary form: 4096 → 4KiB, 67108864 → 64MiB, 1000 → 1000B. */
    public static String formatSize(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int i = 0;
        long v = bytes;
        while (i < units.length - 1 && v != 0 && v % 1024 == 0) {
            v /= 1024;
            i++;
        }
        return v + units[i];
    }

    /** Nanoseconds as milliseconds with a precision that suits the magnitude: 0.412, 12.3, 1234. */
    public static String formatMillis(long nanos) {
        double ms = nanos / 1e6;
        if (ms < 10) {
            return String.format(Locale.ROOT, "%.3f", ms);
        }
        if (ms < 1000) {
            return String.format(Locale.ROOT, "%.1f", ms);
        }
        return String.format(Locale.ROOT, "%.0f", ms);
    }
}

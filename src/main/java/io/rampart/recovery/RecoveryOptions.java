package io.rampart.recovery;

import java.time.Duration;
import java.util.Locale;

/**
 * The recovery window's settings: how long removed versions are kept ({@code window}; zero turns the window off), how
 * often the background purge frees what has aged out, and the free space kept on the data directory's filesystem
 * ({@code minFreeSpace}, see {@link io.rampart.s3.SpaceReserve}).
 */
public record RecoveryOptions(Duration window, Duration purgeInterval, String minFreeSpace) {
    public static final Duration DEFAULT_WINDOW = Duration.ofDays(7);
    public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofMinutes(10);

    public RecoveryOptions {
        if (window == null || window.isNegative())
            throw new IllegalArgumentException("the recovery window cannot be negative");
        if (purgeInterval == null || purgeInterval.isNegative() || purgeInterval.isZero()) {
            throw new IllegalArgumentException("the purge interval must be positive");
        }
        if (minFreeSpace == null) minFreeSpace = io.rampart.s3.SpaceReserve.DEFAULT;
    }

    public static RecoveryOptions defaults() {
        return new RecoveryOptions(DEFAULT_WINDOW, DEFAULT_PURGE_INTERVAL, null);
    }

    public RecoveryOptions withWindow(Duration w) {
        return new RecoveryOptions(w, purgeInterval, minFreeSpace);
    }

    public RecoveryOptions withPurgeInterval(Duration i) {
        return new RecoveryOptions(window, i, minFreeSpace);
    }

    public RecoveryOptions withMinFreeSpace(String spec) {
        return new RecoveryOptions(window, purgeInterval, spec);
    }

    public boolean enabled() {
        return !window.isZero();
    }

    /**
     * A duration as the command line gives it: {@code 7d}, {@code 36h}, {@code 90m}, {@code 30s}, {@code 0}, or ISO-8601
     * ({@code P7D}, {@code PT36H}).
     */
    public static Duration parseDuration(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("0")) return Duration.ZERO;
        if (s.startsWith("p")) {
            try {
                return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration: " + text);
            }
        }
        if (s.length() < 2) throw new IllegalArgumentException("not a duration (e.g. 7d, 36h, 90m, 0): " + text);
        long n;
        try {
            n = Long.parseLong(s.substring(0, s.length() - 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration (e.g. 7d, 36h, 90m, 0): " + text);
        }
        if (n < 0) throw new IllegalArgumentException("a duration cannot be negative: " + text);
        return switch (s.charAt(s.length() - 1)) {
            case 'd' -> Duration.ofDays(n);
            case 'h' -> Duration.ofHours(n);
            case 'm' -> Duration.ofMinutes(n);
            case 's' -> Duration.ofSeconds(n);
            default -> throw new IllegalArgumentException("not a duration (e.g. 7d, 36h, 90m, 0): " + text);
        };
    }
}

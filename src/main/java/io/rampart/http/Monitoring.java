package io.rampart.http;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the monitoring features: the Prometheus endpoint on its own port and S3 server access log delivery.
 *
 * @param metricsPort       port of the {@code /metrics} endpoint (0 picks a free one), or -1 for none
 * @param metricsTokenFile  file holding the bearer token scrapers must send; null binds the port to loopback only
 * @param accessLogInterval how often buffered server access log lines are delivered to their target buckets
 */
public record Monitoring(int metricsPort, Path metricsTokenFile, Duration accessLogInterval) {
    public static final Duration DEFAULT_ACCESS_LOG_INTERVAL = Duration.ofMinutes(5);

    public Monitoring {
        if (metricsPort < -1 || metricsPort > 65_535) throw new IllegalArgumentException("bad metrics port " + metricsPort);
        if (accessLogInterval == null || accessLogInterval.isNegative() || accessLogInterval.isZero()) {
            throw new IllegalArgumentException("the access log interval must be positive");
        }
    }

    public static Monitoring defaults() {
        return new Monitoring(-1, null, DEFAULT_ACCESS_LOG_INTERVAL);
    }

    public Monitoring withMetrics(int port, Path tokenFile) {
        return new Monitoring(port, tokenFile, accessLogInterval);
    }

    public Monitoring withAccessLogInterval(Duration every) {
        return new Monitoring(metricsPort, metricsTokenFile, every);
    }

    public boolean metricsEnabled() {
        return metricsPort >= 0;
    }
}

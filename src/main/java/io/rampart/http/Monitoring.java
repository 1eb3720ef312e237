package io.rampart.http;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of the monitoring features: the Prometheus endpoint on its own port, S3 server access log delivery and
 * event notification webhooks.
 *
 * @param metricsPort       port of the {@code /metrics} endpoint (0 picks a free one), or -1 for none
 * @param metricsTokenFile  file holding the bearer token scrapers must send; null binds the port to loopback only
 * @param accessLogInterval how often buffered server access log lines are delivered to their target buckets
 * @param webhooks          event notification targets by id ({@code --notify-webhook ID=URL})
 * @param notifyRetryBase   first retry delay of a failed webhook delivery; it doubles up to {@link #MAX_RETRY_DELAY}
 */
public record Monitoring(
        int metricsPort,
        Path metricsTokenFile,
        Duration accessLogInterval,
        Map<String, URI> webhooks,
        Duration notifyRetryBase,
        TrailCopy trailCopy) {
    /**
     * A copy of every sealed trail file and digest in {@code bucket}: on this server when {@code remoteConfig} is null,
     * else on the S3 endpoint that file names (endpoint, region, access_key_id, secret_access_key[, session_token]).
     */
    public record TrailCopy(String bucket, Path remoteConfig, Duration every) {
        public TrailCopy {
            if (bucket == null || bucket.isBlank())
                throw new IllegalArgumentException("the trail delivery bucket is empty");
            if (every == null || every.isNegative() || every.isZero()) every = Duration.ofMinutes(1);
        }
    }

    public static final Duration DEFAULT_ACCESS_LOG_INTERVAL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_RETRY_BASE = Duration.ofSeconds(1);
    public static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(5);

    public Monitoring {
        if (metricsPort < -1 || metricsPort > 65_535)
            throw new IllegalArgumentException("bad metrics port " + metricsPort);
        if (accessLogInterval == null || accessLogInterval.isNegative() || accessLogInterval.isZero()) {
            throw new IllegalArgumentException("the access log interval must be positive");
        }
        webhooks = webhooks == null ? Map.of() : Map.copyOf(webhooks);
        for (Map.Entry<String, URI> w : webhooks.entrySet()) {
            if (!w.getKey().matches("[A-Za-z0-9_.-]{1,64}"))
                throw new IllegalArgumentException("bad webhook id " + w.getKey());
            String scheme = w.getValue().getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("webhook " + w.getKey() + " needs an http or https URL");
            }
        }
        if (notifyRetryBase == null || notifyRetryBase.isNegative() || notifyRetryBase.isZero())
            notifyRetryBase = DEFAULT_RETRY_BASE;
    }

    public static Monitoring defaults() {
        return new Monitoring(-1, null, DEFAULT_ACCESS_LOG_INTERVAL, Map.of(), DEFAULT_RETRY_BASE, null);
    }

    public Monitoring withMetrics(int port, Path tokenFile) {
        return new Monitoring(port, tokenFile, accessLogInterval, webhooks, notifyRetryBase, trailCopy);
    }

    public Monitoring withAccessLogInterval(Duration every) {
        return new Monitoring(metricsPort, metricsTokenFile, every, webhooks, notifyRetryBase, trailCopy);
    }

    /** Event notification webhooks by id, and the first retry delay after a failed delivery. */
    public Monitoring withWebhooks(Map<String, URI> targets, Duration retryBase) {
        return new Monitoring(metricsPort, metricsTokenFile, accessLogInterval, targets, retryBase, trailCopy);
    }

    /** Copies sealed trail files into a bucket (null: no copies). */
    public Monitoring withTrailCopy(TrailCopy copy) {
        return new Monitoring(metricsPort, metricsTokenFile, accessLogInterval, webhooks, notifyRetryBase, copy);
    }

    public boolean metricsEnabled() {
        return metricsPort >= 0;
    }
}

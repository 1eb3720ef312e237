package io.rampart.detect;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the server's detector runs: the rule pack ({@code --rules FILE}; null for the built-in one), the webhook URLs
 * findings are posted to ({@code --detect-webhook URL}), the pause before a failed webhook's first retry, and how long
 * the tailer waits for a wake-up before looking at the trail anyway.
 */
public record DetectorSettings(Path rulesFile, List<String> webhooks, Duration webhookRetryPause, long idleMillis) {
    public DetectorSettings {
        webhooks = List.copyOf(webhooks);
    }

    public static DetectorSettings defaults() {
        return new DetectorSettings(null, List.of(), Duration.ofSeconds(1), 250);
    }

    public DetectorSettings withRules(Path file) {
        return new DetectorSettings(file, webhooks, webhookRetryPause, idleMillis);
    }

    public DetectorSettings withWebhooks(List<String> urls, Duration firstRetryPause) {
        return new DetectorSettings(rulesFile, urls, firstRetryPause, idleMillis);
    }
}

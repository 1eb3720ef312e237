package io.rampart.detect;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the server's detector runs: the rule pack, parsed once ({@code --rules FILE}; null for the built-in one), the
 * webhook URLs findings are posted to ({@code --detect-webhook URL}), the pause before a failed webhook's first retry,
 * and how long the tailer waits for a wake-up before looking at the trail anyway.
 */
public record DetectorSettings(List<Rule> rules, List<String> webhooks, Duration webhookRetryPause, long idleMillis) {
    public DetectorSettings {
        rules = rules == null ? null : List.copyOf(rules);
        webhooks = List.copyOf(webhooks);
    }

    public static DetectorSettings defaults() {
        return new DetectorSettings(null, List.of(), Duration.ofSeconds(1), 250);
    }

    /** The rule pack in {@code file} (null: the built-in one), parsed and checked now, once. */
    public DetectorSettings withRules(Path file) throws IOException {
        return new DetectorSettings(RulePack.load(file), webhooks, webhookRetryPause, idleMillis);
    }

    /** The rules to run: the pack given, or the built-in one. */
    public List<Rule> rulesOrBuiltIn() {
        return rules != null ? rules : RulePack.builtIn();
    }

    public DetectorSettings withWebhooks(List<String> urls, Duration firstRetryPause) {
        return new DetectorSettings(rules, urls, firstRetryPause, idleMillis);
    }
}

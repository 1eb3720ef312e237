package io.rampart.detect;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * How the server's detector runs: the rule pack, parsed once ({@code --rules FILE}; null for the built-in one), the
 * webhook URLs findings are posted to ({@code --detect-webhook URL}),  and how long the tailer waits for a wake-up before looking at the trail anyway.
 * On a database several nodes share, {@code feedPollMillis} is how often the node running the cluster's detector looks
 * for other nodes' records ({@code --detect-feed-poll-ms}, see {@link DetectionFeed}).
 */
public record DetectorSettings(List<Rule> rules, List<String> webhooks, long idleMillis, long feedPollMillis) {
    public DetectorSettings {
        rules = rules == null ? null : List.copyOf(rules);
        webhooks = List.copyOf(webhooks);
        if (feedPollMillis <= 0)
            throw new IllegalArgumentException("the detection feed's poll interval must be positive");
    }

    public static DetectorSettings defaults() {
        return new DetectorSettings(null, List.of(), 250, 200);
    }

    /** The rule pack in {@code file} (null: the built-in one), parsed and checked now, once. */
    public DetectorSettings withRules(Path file) throws IOException {
        return new DetectorSettings(RulePack.load(file), webhooks, idleMillis, feedPollMillis);
    }

    /** The rules to run: the pack given, or the built-in one. */
    public List<Rule> rulesOrBuiltIn() {
        return rules != null ? rules : RulePack.builtIn();
    }

    /** Findings' webhooks: retried as event notifications are ({@code Monitoring}'s retry base), never dropped. */
    public DetectorSettings withWebhooks(List<String> urls) {
        FindingAlerts.targets(urls);
        return new DetectorSettings(rules, urls, idleMillis, feedPollMillis);
    }

    /** How often the cluster's detector looks for other nodes' records (a database several nodes share). */
    public DetectorSettings withFeedPollMillis(long millis) {
        return new DetectorSettings(rules, webhooks, idleMillis, millis);
    }
}

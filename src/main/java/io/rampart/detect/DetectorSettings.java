package io.rampart.detect;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * How the server's detector runs: the rule pack, parsed once ({@code --rules FILE}; null for the built-in one), the
 * webhook URLs findings are posted to ({@code --detect-webhook URL}),  and how long the tailer waits for a wake-up before looking at the trail anyway.
 */
public record DetectorSettings(List<Rule> rules, List<String> webhooks, long idleMillis) {
    public DetectorSettings {
        rules = rules == null ? null : List.copyOf(rules);
        webhooks = List.copyOf(webhooks);
    }

    public static DetectorSettings defaults() {
        return new DetectorSettings(null, List.of(), 250);
    }

    /** The rule pack in {@code file} (null: the built-in one), parsed and checked now, once. */
    public DetectorSettings withRules(Path file) throws IOException {
        return new DetectorSettings(RulePack.load(file), webhooks, idleMillis);
    }

    /** The rules to run: the pack given, or the built-in one. */
    public List<Rule> rulesOrBuiltIn() {
        return rules != null ? rules : RulePack.builtIn();
    }

    /** Findings' webhooks: retried as event notifications are ({@code Monitoring}'s retry base), never dropped. */
    public DetectorSettings withWebhooks(List<String> urls) {
        FindingAlerts.targets(urls);
        return new DetectorSettings(rules, urls, idleMillis);
    }
}

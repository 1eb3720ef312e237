package io.rampart.detect;

import java.util.Locale;

/**
 * What a rule may do on its own when it fires. Each is idempotent, reversible ({@code rampart findings resolve}), and
 * acts through the administrator's services; each attempt is written to the finding's response log and the trail.
 */
public enum ResponseAction {
    /** Set the access key that made the request Inactive: its next request is refused as InvalidAccessKeyId. */
    DEACTIVATE_KEY,
    /** Revoke the principal's active sessions (temporary credentials issued before now). */
    REVOKE_SESSIONS,
    /** Attach a deny-all quarantine policy to the principal. */
    QUARANTINE,
    /** Set BlockedEncryptionTypes SSE-C on the bucket the request wrote to. */
    BLOCK_SSE_C,
    /** POST the finding's JSON to every --detect-webhook URL. */
    NOTIFY,
    /** Cancel the KMS key's scheduled deletion and re-enable it (the key the request named). */
    RESTORE_KMS_KEY;

    /** The name in rule packs: deactivate-key, revoke-sessions, quarantine, block-sse-c, notify, restore-kms-key. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static ResponseAction ofYaml(String name) {
        for (ResponseAction a : values()) if (a.yamlName().equals(name)) return a;
        throw new IllegalArgumentException("unknown response '" + name + "' (known: deactivate-key, revoke-sessions, "
                + "quarantine, block-sse-c, notify, restore-kms-key)");
    }
}

package io.rampart.detect;

/** What a rule may do on its own when it fires. Each is idempotent and acts through the administrator's services. */
public enum ResponseAction {
    /** Set the access key that made the request Inactive: its next request is refused as InvalidAccessKeyId. */
    DEACTIVATE_ACCESS_KEY,
    /** Set BlockedEncryptionTypes SSE-C on the bucket the request wrote to. */
    BLOCK_SSE_C
}

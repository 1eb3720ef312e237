package io.rampart.storage;

/**
 * A bucket row. {@code versioning} is "" (never enabled), "Enabled" or "Suspended".
 * {@code config} holds the bucket's sub-resource configurations as a JSON object.
 */
public record Bucket(
        String name, String owner, String region, long created, String versioning, boolean objectLock, String config) {
    /** The same bucket with its settings as read inside an update: they may have changed since the request began. */
    public Bucket withConfig(String json) {
        return new Bucket(name, owner, region, created, versioning, objectLock, json);
    }
}

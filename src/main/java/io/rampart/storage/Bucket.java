package io.rampart.storage;

/**
 * A bucket row. {@code versioning} is "" (never enabled), "Enabled" or "Suspended".
 * {@code config} holds the bucket's sub-resource configurations as a JSON object.
 */
public record Bucket(String name, String owner, String region, long created, String versioning, boolean objectLock,
                     String config) {
}

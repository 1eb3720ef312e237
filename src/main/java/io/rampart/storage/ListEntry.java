package io.rampart.storage;

import java.util.List;

/**
 * One object version as a listing shows it (ListObjects Contents, ListObjectVersions Version or DeleteMarker): only
 * what those entries carry, read from the listing index without the row's metadata JSON or data. {@code seq} orders
 * the versions of a key (higher is newer); {@code checksumAlgorithms} in the order they were stored. ListObjects
 * shows current versions without their version id: there {@code versionId} is null and {@code seq} 0.
 */
public record ListEntry(
        String key,
        String versionId,
        long seq,
        boolean latest,
        boolean deleteMarker,
        long size,
        String etag,
        long lastModified,
        String storageClass,
        List<String> checksumAlgorithms) {}

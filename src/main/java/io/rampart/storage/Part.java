package io.rampart.storage;

import java.util.Map;

/** One uploaded part of a multipart upload, stored as one blob. */
public record Part(
        String uploadId,
        int partNumber,
        long size,
        String etag,
        long lastModified,
        Map<String, String> checksums,
        String blob) {}

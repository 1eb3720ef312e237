package io.rampart.storage;

/** A multipart upload in progress; {@code meta} is what the completed object will carry. */
public record Upload(
        String uploadId,
        String bucket,
        String key,
        long initiated,
        ObjectMeta meta,
        String initiatorArn,
        String initiatorKeyId) {}

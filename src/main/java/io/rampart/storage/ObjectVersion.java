package io.rampart.storage;

import java.util.List;

/**
 * One version of an object (or a delete marker). Data is either inline (small objects live in the row) or a list of
 * blob segments. {@code inline} is null where a read does not load data (background scans, reads inside writes);
 * listings return {@link ListEntry} instead. The writer fields say which principal and access key created this
 * version: recovery and detection depend on them.
 */
public record ObjectVersion(
        String bucket,
        String key,
        String versionId,
        long seq,
        boolean latest,
        boolean deleteMarker,
        long size,
        String etag,
        long lastModified,
        ObjectMeta meta,
        List<Segment> segments,
        byte[] inline,
        String writerArn,
        String writerKeyId) {

    public ObjectVersion withMeta(ObjectMeta m) {
        return new ObjectVersion(
                bucket,
                key,
                versionId,
                seq,
                latest,
                deleteMarker,
                size,
                etag,
                lastModified,
                m,
                segments,
                inline,
                writerArn,
                writerKeyId);
    }
}

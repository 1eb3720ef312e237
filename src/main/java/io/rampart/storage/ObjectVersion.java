package io.rampart.storage;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One version of an object (or a delete marker). Data is either inline (small objects live in the row) or a list of
 * blob segments. {@code inline} is null where a read does not load data (background scans, reads inside writes);
 * listings return {@link ListEntry} instead. The writer fields say which principal and access key created this
 * version: recovery and detection depend on them.
 *
 * <p>A value with a record's accessors, equality and text, but not a record: a version a write reads of the key it
 * replaces ({@link ObjectVersions#keyState}) keeps its metadata as the stored JSON and parses it only when asked. The
 * single SQLite writer thread runs that read for every PUT, and parsing the replaced version's metadata there was a
 * quarter to a third of its samples, though the write itself needs none of it (its sequence number, id, ETag and
 * segments only).
 */
public final class ObjectVersion {
    private final String bucket;
    private final String key;
    private final String versionId;
    private final long seq;
    private final boolean latest;
    private final boolean deleteMarker;
    private final long size;
    private final String etag;
    private final long lastModified;
    /** Null until parsed when {@link #metaJson} is set; a racing second parse yields an equal, immutable value. */
    private @Nullable ObjectMeta meta;

    private final @Nullable String metaJson;
    private final List<Segment> segments;
    private final byte[] inline;
    private final String writerArn;
    private final String writerKeyId;

    public ObjectVersion(
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
        this(
                bucket,
                key,
                versionId,
                seq,
                latest,
                deleteMarker,
                size,
                etag,
                lastModified,
                meta,
                null,
                segments,
                inline,
                writerArn,
                writerKeyId);
    }

    private ObjectVersion(
            String bucket,
            String key,
            String versionId,
            long seq,
            boolean latest,
            boolean deleteMarker,
            long size,
            String etag,
            long lastModified,
            @Nullable ObjectMeta meta,
            @Nullable String metaJson,
            List<Segment> segments,
            byte[] inline,
            String writerArn,
            String writerKeyId) {
        this.bucket = bucket;
        this.key = key;
        this.versionId = versionId;
        this.seq = seq;
        this.latest = latest;
        this.deleteMarker = deleteMarker;
        this.size = size;
        this.etag = etag;
        this.lastModified = lastModified;
        this.meta = meta;
        this.metaJson = metaJson;
        this.segments = segments;
        this.inline = inline;
        this.writerArn = writerArn;
        this.writerKeyId = writerKeyId;
    }

    /**
     * A stored version a write replaces, whose metadata is parsed from {@code metaJson} when first asked for (without
     * inline data; see {@link MetadataJson#replacedMeta}).
     */
    static ObjectVersion withStoredMeta(
            String bucket,
            String key,
            String versionId,
            long seq,
            boolean latest,
            boolean deleteMarker,
            long size,
            String etag,
            long lastModified,
            String metaJson,
            List<Segment> segments,
            String writerArn,
            String writerKeyId) {
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
                null,
                metaJson,
                segments,
                null,
                writerArn,
                writerKeyId);
    }

    public String bucket() {
        return bucket;
    }

    public String key() {
        return key;
    }

    public String versionId() {
        return versionId;
    }

    public long seq() {
        return seq;
    }

    public boolean latest() {
        return latest;
    }

    public boolean deleteMarker() {
        return deleteMarker;
    }

    public long size() {
        return size;
    }

    public String etag() {
        return etag;
    }

    public long lastModified() {
        return lastModified;
    }

    /** The metadata, parsed on the first call for a version read with {@link #withStoredMeta} (metaJson set). */
    public ObjectMeta meta() {
        ObjectMeta m = meta;
        if (m == null) {
            m = MetadataJson.replacedMeta(metaJson);
            meta = m;
        }
        return m;
    }

    public List<Segment> segments() {
        return segments;
    }

    public byte[] inline() {
        return inline;
    }

    public String writerArn() {
        return writerArn;
    }

    public String writerKeyId() {
        return writerKeyId;
    }

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

    /** As a record's: every component (the metadata parsed), arrays by identity. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectVersion v
                && seq == v.seq
                && latest == v.latest
                && deleteMarker == v.deleteMarker
                && size == v.size
                && lastModified == v.lastModified
                && Objects.equals(bucket, v.bucket)
                && Objects.equals(key, v.key)
                && Objects.equals(versionId, v.versionId)
                && Objects.equals(etag, v.etag)
                && Objects.equals(meta(), v.meta())
                && Objects.equals(segments, v.segments)
                && inline == v.inline
                && Objects.equals(writerArn, v.writerArn)
                && Objects.equals(writerKeyId, v.writerKeyId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                bucket,
                key,
                versionId,
                seq,
                latest,
                deleteMarker,
                size,
                etag,
                lastModified,
                meta(),
                segments,
                System.identityHashCode(inline),
                writerArn,
                writerKeyId);
    }

    @Override
    public String toString() {
        return "ObjectVersion[bucket=" + bucket + ", key=" + key + ", versionId=" + versionId + ", seq=" + seq
                + ", latest=" + latest + ", deleteMarker=" + deleteMarker + ", size=" + size + ", etag=" + etag
                + ", lastModified=" + lastModified + ", meta=" + meta() + ", segments=" + segments + ", inline="
                + (inline == null ? "null" : "byte[" + inline.length + "]") + ", writerArn=" + writerArn
                + ", writerKeyId=" + writerKeyId + "]";
    }
}

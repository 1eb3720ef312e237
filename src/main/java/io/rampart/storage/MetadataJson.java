package io.rampart.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.json.JsonText;
import java.util.List;
import java.util.Map;

/** The JSON columns of the metadata tables (object metadata, segments, part checksums): one encoding for every backend. */
final class MetadataJson {
    private MetadataJson() {}

    /** Buffers from one shared pool: Jackson's default pool is per thread, and request threads are virtual. */
    static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
                    .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedConcurrentDequePool())
                    .build())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    static final TypeReference<List<Segment>> SEGMENTS = new TypeReference<>() {};
    static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    /** Beyond this many distinct texts the cache starts over rather than grow without bound (~1-2 KB an entry). */
    private static final int MAX_PARSED_META = 1_024;
    /**
     * Object metadata parsed, keyed by the text it was read from, as {@code BucketSettings} keeps bucket configurations:
     * every GET and HEAD reads its version's metadata, and Jackson's parse of it was the largest part of a read (4% of
     * a 4 KiB GET's samples). The text is the key, so changed metadata is a miss and is parsed anew; the values are
     * read-only ({@link ObjectMeta#unmodifiable}), safe to share.
     */
    private static final java.util.concurrent.ConcurrentHashMap<String, ObjectMeta> PARSED_META =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The object metadata a row's JSON column holds (read-only maps). */
    static ObjectMeta objectMeta(String json) {
        ObjectMeta m = PARSED_META.get(json);
        if (m != null) return m;
        m = fromJson(json, ObjectMeta.class).unmodifiable();
        if (PARSED_META.size() >= MAX_PARSED_META) PARSED_META.clear();
        PARSED_META.put(json, m);
        return m;
    }

    /**
     * The same for a version a write replaces ({@link ObjectVersion#withStoredMeta}): from the cache when there, but
     * never added to it, since that text is on its way out; a PUT flood would otherwise push out every GET's entry.
     */
    static ObjectMeta replacedMeta(String json) {
        ObjectMeta m = PARSED_META.get(json);
        return m != null ? m : fromJson(json, ObjectMeta.class).unmodifiable();
    }

    /** A version's segments: none for data held inline in the row (most small objects), without a parse. */
    static List<Segment> segments(String json) {
        return "[]".equals(json) ? new java.util.ArrayList<>(0) : fromJson(json, SEGMENTS);
    }

    /**
     * {@link #toJson}'s text for object metadata (the same characters: properties in the same order, nulls written
     * except in {@link Encryption}, Jackson's string escapes), written by hand: Jackson's record serializer was ~4% of
     * a small PUT flood's samples, on the request thread. MetadataJsonTest holds it equal to Jackson's on varied values.
     */
    static String objectMetaJson(ObjectMeta m) {
        StringBuilder out = new StringBuilder(512);
        out.append("{\"contentHeaders\":");
        map(out, m.contentHeaders());
        out.append(",\"userMetadata\":");
        map(out, m.userMetadata());
        out.append(",\"checksums\":");
        map(out, m.checksums());
        out.append(",\"checksumType\":");
        JsonText.string(out, m.checksumType());
        out.append(",\"partSizes\":");
        List<Long> parts = m.partSizes();
        out.append('[');
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) out.append(',');
            out.append(parts.get(i));
        }
        out.append("],\"tags\":");
        map(out, m.tags());
        out.append(",\"storageClass\":");
        JsonText.string(out, m.storageClass());
        out.append(",\"encryption\":");
        Encryption e = m.encryption();
        if (e == null) {
            out.append("null");
        } else {
            out.append('{');
            boolean first = true;
            first = optional(out, first, "type", e.type());
            first = optional(out, first, "sealedKey", e.sealedKey());
            first = optional(out, first, "keySalt", e.keySalt());
            first = optional(out, first, "keyHmac", e.keyHmac());
            first = optional(out, first, "kmsKeyArn", e.kmsKeyArn());
            first = optional(out, first, "kmsContext", e.kmsContext());
            optional(out, first, "bucketKeySealed", e.bucketKeySealed());
            out.append('}');
        }
        out.append(",\"lock\":");
        ObjectMeta.LockState lock = m.lock();
        if (lock == null) {
            out.append("null");
        } else {
            out.append("{\"mode\":");
            JsonText.string(out, lock.mode());
            out.append(",\"retainUntil\":").append(lock.retainUntil());
            out.append(",\"legalHold\":").append(lock.legalHold()).append('}');
        }
        out.append(",\"replicationStatus\":");
        JsonText.string(out, m.replicationStatus());
        out.append(",\"acl\":");
        AccessControlList acl = m.acl();
        if (acl == null) {
            out.append("null");
        } else {
            out.append("{\"owner\":");
            JsonText.string(out, acl.owner());
            out.append(",\"grants\":[");
            List<AccessControlList.Grant> grants = acl.grants();
            for (int i = 0; i < grants.size(); i++) {
                AccessControlList.Grant g = grants.get(i);
                if (i > 0) out.append(',');
                out.append("{\"type\":");
                JsonText.string(out, g.type());
                out.append(",\"id\":");
                JsonText.string(out, g.id());
                out.append(",\"uri\":");
                JsonText.string(out, g.uri());
                out.append(",\"permission\":");
                JsonText.string(out, g.permission());
                out.append('}');
            }
            out.append("]}");
        }
        return out.append('}').toString();
    }

    private static void map(StringBuilder out, Map<String, String> map) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, String> entry : map.entrySet()) {
            if (!first) out.append(',');
            first = false;
            JsonText.string(out, entry.getKey());
            out.append(':');
            JsonText.string(out, entry.getValue());
        }
        out.append('}');
    }

    /** A property written only when not null (Encryption is NON_NULL); returns whether none is written yet. */
    private static boolean optional(StringBuilder out, boolean first, String name, String value) {
        if (value == null) return first;
        if (!first) out.append(',');
        out.append('"').append(name).append("\":");
        JsonText.string(out, value);
        return false;
    }

    static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new StorageException("cannot encode metadata", e);
        }
    }

    static <T> T fromJson(String s, Class<T> type) {
        try {
            return JSON.readValue(s, type);
        } catch (JsonProcessingException e) {
            throw new StorageException("cannot decode metadata", e);
        }
    }

    static <T> T fromJson(String s, TypeReference<T> type) {
        try {
            return JSON.readValue(s, type);
        } catch (JsonProcessingException e) {
            throw new StorageException("cannot decode metadata", e);
        }
    }
}

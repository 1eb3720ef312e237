package io.rampart.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
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

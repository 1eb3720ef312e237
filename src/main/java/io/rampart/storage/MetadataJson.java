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

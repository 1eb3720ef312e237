package io.rampart.s3;

import io.rampart.storage.Encryption;
import io.rampart.storage.MetadataStore.Precondition;
import io.rampart.storage.ObjectVersion;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What an object write replaced, for the audit trail's {@code additionalEventData} (CloudTrail cannot tell an
 * overwrite from a create; these Rampart-specific entries can, so rules, SIEMs and {@code rampart detect} can):
 * <ul>
 *   <li>{@code x-rampart-replaced}: {@code {"existed": true|false, "encryption": "none"|"SSE-S3"|"SSE-KMS"|"SSE-C"}}
 *   (encryption only when a current object existed; a delete marker is no object) on PutObject, CopyObject,
 *   CreateMultipartUpload (the object the upload would replace, at its start) and CompleteMultipartUpload;</li>
 *   <li>{@code x-rampart-copy-source}: {@code {"encryption": ..., "sseCKeyGiven": true|false}} on CopyObject and
 *   UploadPartCopy: the source's encryption and whether the request gave the source's SSE-C key (only its holder can
 *   rotate an SSE-C key by copying).</li>
 * </ul>
 * The writes learn the replaced version from the store's write transaction ({@link #capturing}), which reads it anyway
 * to check preconditions: no extra read.
 */
public final class WriteFacts {
    public static final String REPLACED = "x-rampart-replaced";
    public static final String COPY_SOURCE = "x-rampart-copy-source";

    private WriteFacts() {}

    /**
     * A precondition that also notes, into {@code facts}, what the write replaces; then checks {@code inner}. The entry
     * is worked out when it is first read (the trail record is made on the request thread, after the write): the
     * replaced version's encryption is in its metadata, which the store parses only when asked, and the precondition
     * runs inside the write, on SQLite on the single writer thread every PUT waits for.
     */
    static Precondition capturing(Map<String, Object> facts, Precondition inner) {
        return current -> {
            facts.put(REPLACED, new Replaced(current));
            inner.check(current);
        };
    }

    /** {@link #replaced} of a write's current version, made on first use. */
    private static final class Replaced extends java.util.AbstractMap<String, Object> {
        private final Optional<ObjectVersion> current;
        private Map<String, Object> entries;

        Replaced(Optional<ObjectVersion> current) {
            this.current = current;
        }

        @Override
        public java.util.Set<Map.Entry<String, Object>> entrySet() {
            if (entries == null) entries = replaced(current);
            return entries.entrySet();
        }
    }

    static Map<String, Object> replaced(Optional<ObjectVersion> current) {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean existed = current.isPresent() && !current.get().deleteMarker();
        m.put("existed", existed);
        if (existed) m.put("encryption", encryption(current.get().meta().encryption()));
        return m;
    }

    static Map<String, Object> copySource(ObjectVersion source, boolean sseCKeyGiven) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("encryption", encryption(source.meta().encryption()));
        m.put("sseCKeyGiven", sseCKeyGiven);
        return m;
    }

    /** none, SSE-S3, SSE-KMS or SSE-C. */
    static String encryption(Encryption e) {
        if (e == null || e.type() == null) return "none";
        if (e.customerKey()) return "SSE-C";
        if (e.type().toLowerCase(java.util.Locale.ROOT).contains("kms")) return "SSE-KMS";
        return "SSE-S3";
    }
}

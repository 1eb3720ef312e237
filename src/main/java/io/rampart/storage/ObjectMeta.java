package io.rampart.storage;

import java.util.List;
import java.util.Map;

/**
 * What S3 remembers about an object version besides its bytes: content headers (by their HTTP names), user metadata
 * (without the x-amz-meta- prefix), checksums (algorithm name to base64 value), tags, and for multipart objects the part
 * sizes (for GET ?partNumber= and PartsCount), and the encryption envelope (null only for data written unencrypted).
 */
public record ObjectMeta(Map<String, String> contentHeaders, Map<String, String> userMetadata,
                         Map<String, String> checksums, String checksumType, List<Long> partSizes,
                         Map<String, String> tags, String storageClass, Encryption encryption) {

    public ObjectMeta {
        contentHeaders = contentHeaders == null ? Map.of() : contentHeaders;
        userMetadata = userMetadata == null ? Map.of() : userMetadata;
        checksums = checksums == null ? Map.of() : checksums;
        partSizes = partSizes == null ? List.of() : partSizes;
        tags = tags == null ? Map.of() : tags;
        storageClass = storageClass == null ? "STANDARD" : storageClass;
    }

    public ObjectMeta withTags(Map<String, String> newTags) {
        return new ObjectMeta(contentHeaders, userMetadata, checksums, checksumType, partSizes, newTags, storageClass,
                encryption);
    }

    public ObjectMeta withEncryption(Encryption e) {
        return new ObjectMeta(contentHeaders, userMetadata, checksums, checksumType, partSizes, tags, storageClass, e);
    }
}

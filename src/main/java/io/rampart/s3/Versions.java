package io.rampart.s3;

import io.rampart.storage.Bucket;
import io.rampart.storage.MetadataStore;
import io.rampart.storage.ObjectVersion;
import io.rampart.storage.SqliteMetadataStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/** Version ids and the rules S3 applies when a request names (or does not name) a version. */
final class Versions {
    static final String NULL = SqliteMetadataStore.NULL_VERSION;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Versions() {}

    /** A new version id: 32 URL-safe characters, like S3's. */
    static String newId() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The id a write gets: a new one when versioning is enabled, else "null" (which replaces the null version). */
    static String idForWrite(Bucket b) {
        return "Enabled".equals(b.versioning()) ? newId() : NULL;
    }

    /** The versionId query parameter, checked for shape; empty when absent. */
    static Optional<String> requested(S3Call call) {
        Optional<String> id = call.query("versionId");
        if (id.isPresent() && !valid(id.get())) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid version id specified")
                    .with("ArgumentName", "versionId")
                    .with("ArgumentValue", id.get());
        }
        return id;
    }

    static boolean valid(String id) {
        return id.equals(NULL)
                || (id.length() == 32
                        && id.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '-' || ch == '_'));
    }

    /**
     * The version a read names: the requested one (NoSuchVersion when absent; 405 for a delete marker) or the latest
     * (NoSuchKey when absent or a delete marker, with x-amz-delete-marker).
     */
    static ObjectVersion resolve(Context ctx, AuthorizedCall call) {
        Optional<String> id = requested(call);
        // The version read with the bucket when the call was authorised, if it was: the one the decision saw.
        Optional<MetadataStore.ObjectRead> read = call.authorizedRead();
        if (id.isPresent()) {
            Optional<ObjectVersion> found =
                    read.isPresent() ? read.get().version() : ctx.meta().version(call.bucket(), call.key(), id.get());
            ObjectVersion v = found.orElseThrow(() -> new S3Exception(S3ErrorCode.NO_SUCH_VERSION)
                    .with("Key", call.key())
                    .with("VersionId", id.get()));
            if (v.deleteMarker()) {
                throw new S3Exception(S3ErrorCode.METHOD_NOT_ALLOWED)
                        .with("Method", call.method())
                        .with("ResourceType", "DeleteMarker")
                        .header("x-amz-delete-marker", "true")
                        .header("x-amz-version-id", v.versionId())
                        .header("Last-Modified", Formats.httpDate(v.lastModified()));
            }
            return v;
        }
        Optional<ObjectVersion> v =
                read.isPresent() ? read.get().version() : ctx.meta().current(call.bucket(), call.key());
        if (v.isEmpty()) throw new S3Exception(S3ErrorCode.NO_SUCH_KEY).with("Key", call.key());
        if (v.get().deleteMarker()) {
            throw new S3Exception(S3ErrorCode.NO_SUCH_KEY)
                    .with("Key", call.key())
                    .header("x-amz-delete-marker", "true")
                    .header("x-amz-version-id", v.get().versionId());
        }
        return v.get();
    }

    /** x-amz-version-id, which S3 sends once a bucket has ever had versioning (the null version included). */
    static void header(S3Response r, Bucket b, String versionId) {
        if (!b.versioning().isEmpty()) r.header("x-amz-version-id", versionId);
    }
}

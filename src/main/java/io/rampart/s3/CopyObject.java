package io.rampart.s3;

import io.rampart.storage.Bucket;
import io.rampart.storage.Encryption;
import io.rampart.storage.ObjectMeta;
import io.rampart.storage.ObjectVersion;
import io.rampart.xml.XmlWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CopyObject. The copy shares the source's stored blobs (reference-counted) instead of rewriting bytes, so copying a
 * large object costs one metadata write.
 */
final class CopyObject {
    static final long MAX_COPY_SOURCE = 5L * 1024 * 1024 * 1024;

    /** A parsed x-amz-copy-source: "/bucket/key" or "bucket/key", URL-encoded, optionally "?versionId=". */
    record Source(String bucket, String key, String versionId) {
        static Source parse(String header) {
            String h = header.trim();
            String versionId = null;
            int q = h.indexOf('?');
            if (q >= 0) {
                String query = h.substring(q + 1);
                h = h.substring(0, q);
                for (String p : query.split("&")) {
                    if (p.startsWith("versionId="))
                        versionId = URLDecoder.decode(p.substring(10), StandardCharsets.UTF_8);
                }
            }
            String decoded = URLDecoder.decode(h.replace("+", "%2B"), StandardCharsets.UTF_8);
            if (decoded.startsWith("/")) decoded = decoded.substring(1);
            int slash = decoded.indexOf('/');
            if (slash <= 0 || slash == decoded.length() - 1) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid copy source object key")
                        .with("ArgumentName", "x-amz-copy-source")
                        .with("ArgumentValue", header);
            }
            return new Source(decoded.substring(0, slash), decoded.substring(slash + 1), versionId);
        }
    }

    private final Context ctx;

    private final ObjectLock lock;

    CopyObject(Context ctx, ObjectLock lock) {
        this.ctx = ctx;
        this.lock = lock;
    }

    /** Resolves and authorises the copy source and checks the x-amz-copy-source-if-* conditions. */
    ObjectVersion source(AuthorizedCall call) {
        Source src = Source.parse(call.header("x-amz-copy-source").orElseThrow());
        // The authorised call has checked s3:GetObject on the source against its bucket's policy already.
        if (call.copySourceBucket().or(() -> ctx.meta().bucket(src.bucket())).isEmpty()) {
            throw new S3Exception(S3ErrorCode.NO_SUCH_BUCKET).with("BucketName", src.bucket());
        }
        ObjectVersion v;
        if (src.versionId() != null) {
            if (!Versions.valid(src.versionId())) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid version id specified")
                        .with("ArgumentName", "x-amz-copy-source")
                        .with("ArgumentValue", src.versionId());
            }
            v = ctx.meta()
                    .version(src.bucket(), src.key(), src.versionId())
                    .orElseThrow(() -> new S3Exception(S3ErrorCode.NO_SUCH_VERSION)
                            .with("Key", src.key())
                            .with("VersionId", src.versionId()));
            if (v.deleteMarker()) {
                throw new S3Exception(
                        S3ErrorCode.INVALID_REQUEST,
                        "The source of a copy request may not specifically refer to a delete marker by version id.");
            }
        } else {
            v = ctx.meta()
                    .current(src.bucket(), src.key())
                    .filter(o -> !o.deleteMarker())
                    .orElseThrow(() -> new S3Exception(S3ErrorCode.NO_SUCH_KEY).with("Key", src.key()));
        }
        Conditions.checkRead(call, v, "x-amz-copy-source-");
        return v;
    }

    /** Whether the source bucket has versioning (then S3 reports the source version id). */
    boolean versioned(String bucket) {
        return ctx.meta().bucket(bucket).map(b -> !b.versioning().isEmpty()).orElse(false);
    }

    S3Response handle(AuthorizedCall call) {
        Bucket dest = ctx.ownedBucket(call);
        ObjectHeaders.checkKey(call.key());
        ObjectVersion src = source(call);
        if (src.size() > MAX_COPY_SOURCE) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "The specified copy source is larger than the maximum allowable size for a copy source: "
                            + MAX_COPY_SOURCE);
        }
        String metaDirective = call.header("x-amz-metadata-directive").orElse("COPY");
        String tagDirective = call.header("x-amz-tagging-directive").orElse("COPY");
        if (!metaDirective.equals("COPY") && !metaDirective.equals("REPLACE")) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Unknown metadata directive.")
                    .with("ArgumentName", "x-amz-metadata-directive")
                    .with("ArgumentValue", metaDirective);
        }
        if (!tagDirective.equals("COPY") && !tagDirective.equals("REPLACE")) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Unknown tagging directive.")
                    .with("ArgumentName", "x-amz-tagging-directive")
                    .with("ArgumentValue", tagDirective);
        }
        // Copying an older version onto its own key is how a version is restored: only the latest counts as "itself".
        boolean sameObject = src.bucket().equals(dest.name()) && src.key().equals(call.key()) && src.latest();
        String storageClass = call.header("x-amz-storage-class").isPresent()
                ? ObjectHeaders.storageClass(call)
                : src.meta().storageClass();
        if (sameObject
                && metaDirective.equals("COPY")
                && storageClass.equals(src.meta().storageClass())
                && call.header("x-amz-website-redirect-location").isEmpty()
                && call.header("x-amz-server-side-encryption").isEmpty()
                && call.header("x-amz-server-side-encryption-customer-algorithm")
                        .isEmpty()) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "This copy request is illegal because it is trying to copy an "
                            + "object to itself without changing the object's metadata, storage class, website redirect location or "
                            + "encryption attributes.");
        }
        Sse.checkNotBlocked(dest, call);
        Optional<Sse.CustomerKey> sourceKey = ctx.sse().customerKey(call, Sse.COPY_SOURCE_SSE_C_PREFIX);
        Optional<Sse.CustomerKey> destKey = ctx.sse().customerKey(call, Sse.SSE_C_PREFIX);
        try {
            ctx.sse().checkRequestedAlgorithm(call, destKey);
            byte[] dataKey = ctx.sse().open(src.meta().encryption(), sourceKey, call);
            ObjectMeta sm = src.meta();
            Map<String, String> content =
                    metaDirective.equals("REPLACE") ? ObjectHeaders.contentHeaders(call) : sm.contentHeaders();
            Map<String, String> user =
                    metaDirective.equals("REPLACE") ? ObjectHeaders.userMetadata(call) : sm.userMetadata();
            Map<String, String> tags = tagDirective.equals("REPLACE") ? ObjectHeaders.taggingHeader(call) : sm.tags();
            // The copy shares the source's encrypted blobs; only the data key is sealed anew for the destination's key.
            Encryption envelope = dataKey == null
                    ? null
                    : ctx.sse().seal(dataKey, destKey, call, dest, call.key()).envelope();
            // A copy is one object: multipart part boundaries are not carried over.
            ObjectMeta meta = ObjectMeta.builder()
                    .contentHeaders(content)
                    .userMetadata(user)
                    .checksums(sm.partSizes().isEmpty() ? sm.checksums() : Map.of())
                    .checksumType("FULL_OBJECT")
                    .partSizes(List.of())
                    .tags(tags)
                    .storageClass(storageClass)
                    .encryption(envelope)
                    .build();
            String etag;
            if (destKey.isPresent()) etag = Sse.opaqueEtag();
            else if (!sm.partSizes().isEmpty()
                    || (sm.encryption() != null && sm.encryption().customerKey())) {
                etag = wholeObjectEtag(src, dataKey);
            } else etag = src.etag();
            ObjectMeta.LockState lockState = lock.forNewVersion(call, dest);
            meta = meta.withLock(lockState).withAcl(Acls.forNewObject(ctx, call, dest));
            ObjectVersion v = new ObjectVersion(
                    dest.name(),
                    call.key(),
                    Versions.idForWrite(dest),
                    0,
                    true,
                    false,
                    src.size(),
                    etag,
                    ctx.now(),
                    meta,
                    src.segments(),
                    src.inline(),
                    call.principal().arn(),
                    call.principal().accessKeyId());
            Map<String, Object> facts = new java.util.LinkedHashMap<>();
            ObjectVersion stored;
            try {
                stored = ctx.meta().putCopy(v, WriteFacts.capturing(facts, Conditions.forWrite(call)));
            } catch (io.rampart.storage.CopySourceGoneException e) {
                // The source was deleted for good after it was read: the copy comes after the deletion.
                throw new S3Exception(S3ErrorCode.NO_SUCH_KEY).with("Key", src.key());
            }
            XmlWriter x = new XmlWriter()
                    .start("CopyObjectResult", XmlWriter.S3_NAMESPACE)
                    .element("LastModified", Formats.isoDate(stored.lastModified()))
                    .element("ETag", Formats.quoted(stored.etag()));
            for (Map.Entry<String, String> e : meta.checksums().entrySet()) {
                x.element("Checksum" + e.getKey().toUpperCase(java.util.Locale.ROOT), e.getValue());
            }
            S3Response r = S3Response.xml(x);
            facts.forEach(r::trail);
            r.trail(WriteFacts.COPY_SOURCE, WriteFacts.copySource(src, sourceKey.isPresent()));
            if (versioned(src.bucket())) r.header("x-amz-copy-source-version-id", src.versionId());
            Versions.header(r, dest, stored.versionId());
            Sse.responseHeaders(r, envelope, destKey);
            Sse.contextHeader(r, envelope);
            return r;
        } finally {
            Sse.forget(sourceKey);
            Sse.forget(destKey);
        }
    }

    /** The ETag S3 gives a non-multipart copy of a multipart object: the MD5 of its bytes. */
    private String wholeObjectEtag(ObjectVersion src, byte[] dataKey) {
        java.security.MessageDigest md5 = StoredData.newMd5();
        if (src.size() == 0) return java.util.HexFormat.of().formatHex(md5.digest());
        try (var in = ObjectBytes.open(ctx.blobs(), src, dataKey, 0, src.size() - 1)) {
            byte[] buf = new byte[256 * 1024];
            int r;
            while ((r = in.read(buf)) != -1) md5.update(buf, 0, r);
        } catch (java.io.IOException e) {
            throw new io.rampart.storage.StorageException("cannot read copy source", e);
        }
        return java.util.HexFormat.of().formatHex(md5.digest());
    }
}

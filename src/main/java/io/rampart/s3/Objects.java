package io.rampart.s3;

import io.rampart.storage.BlobStore;
import io.rampart.storage.Bucket;
import io.rampart.storage.MetadataStore.Precondition;
import io.rampart.storage.ObjectMeta;
import io.rampart.storage.ObjectVersion;
import io.rampart.storage.Segment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PutObject, GetObject, HeadObject, DeleteObject. */
final class Objects {
    static final long MAX_SINGLE_PUT = 5L * 1024 * 1024 * 1024;
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final Context ctx;

    private final ObjectLock lock;

    Objects(Context ctx, ObjectLock lock) {
        this.ctx = ctx;
        this.lock = lock;
    }

    S3Response put(AuthorizedCall call) throws IOException {
        return put(call, false);
    }

    /** A browser-based upload's PutObject: its length is known only at the end, its body bounded by the caller. */
    S3Response putStreamed(AuthorizedCall call) throws IOException {
        return put(call, true);
    }

    private S3Response put(AuthorizedCall call, boolean streamed) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        ObjectHeaders.checkKey(call.key());
        long length = streamed ? -1 : call.contentLength();
        if (length < 0 && !streamed) throw new S3Exception(S3ErrorCode.MISSING_CONTENT_LENGTH);
        if (length > MAX_SINGLE_PUT) {
            throw new S3Exception(S3ErrorCode.ENTITY_TOO_LARGE)
                    .with("ProposedSize", Long.toString(length))
                    .with("MaxSizeAllowed", Long.toString(MAX_SINGLE_PUT));
        }
        var precondition = Conditions.forWrite(call);
        Map<String, String> content = ObjectHeaders.contentHeaders(call);
        Map<String, String> user = ObjectHeaders.userMetadata(call);
        Map<String, String> tags = ObjectHeaders.taggingHeader(call);
        String storageClass = ObjectHeaders.storageClass(call);
        ObjectMeta.LockState lockState = lock.forNewVersion(call, b);
        Sse.checkNotBlocked(b, call);
        io.rampart.storage.AccessControlList acl = Acls.forNewObject(ctx, call, b);
        Optional<Sse.CustomerKey> customer = ctx.sse().customerKey(call, Sse.SSE_C_PREFIX);
        try {
            ctx.sse().checkRequestedAlgorithm(call, customer);
            Sse.DataKey key = ctx.sse().newDataKey(call, b, call.key(), customer);
            StoredData data = StoredData.store(ctx.blobs(), call.body(), length, true, key.key());
            try {
                ObjectMeta meta = ObjectMeta.builder()
                        .contentHeaders(content)
                        .userMetadata(user)
                        .checksums(call.verifiedChecksums())
                        .checksumType("FULL_OBJECT")
                        .partSizes(List.of())
                        .tags(tags)
                        .storageClass(storageClass)
                        .encryption(key.envelope())
                        .lock(lockState)
                        .acl(acl)
                        .build();
                String etag = customer.isPresent() ? Sse.opaqueEtag() : data.md5Hex();
                ObjectVersion v = new ObjectVersion(
                        b.name(),
                        call.key(),
                        Versions.idForWrite(b),
                        0,
                        true,
                        false,
                        data.size(),
                        etag,
                        ctx.now(),
                        meta,
                        data.segments(),
                        data.inline(),
                        call.principal().arn(),
                        call.principal().accessKeyId());
                Map<String, Object> facts = new java.util.LinkedHashMap<>();
                ctx.meta().putObject(v, WriteFacts.capturing(facts, precondition));
                S3Response r = S3Response.ok().header("ETag", Formats.quoted(etag));
                facts.forEach(r::trail);
                Versions.header(r, b, v.versionId());
                ObjectHeaders.writeChecksums(r, meta);
                Sse.responseHeaders(r, key.envelope(), customer);
                Sse.contextHeader(r, key.envelope());
                return r;
            } catch (RuntimeException e) {
                data.discardAfter(ctx.blobs(), e);
                throw e;
            }
        } finally {
            Sse.forget(customer);
        }
    }

    S3Response get(AuthorizedCall call, boolean head) throws IOException {
        Bucket bucket = ctx.ownedBucket(call);
        ObjectVersion v = Versions.resolve(ctx, call);
        Optional<Sse.CustomerKey> customer = ctx.sse().customerKey(call, Sse.SSE_C_PREFIX);
        byte[] dataKey;
        try {
            // HEAD of an SSE-KMS object reads metadata only: S3 calls no KMS (and needs no kms:Decrypt) for it.
            boolean kmsHead = head
                    && v.meta().encryption() != null
                    && v.meta().encryption().kms();
            dataKey = kmsHead ? null : ctx.sse().open(v.meta().encryption(), customer, call);
        } finally {
            Sse.forget(customer);
        }
        Conditions.checkRead(call, v, "");
        S3Response r = S3Response.ok();
        ObjectHeaders.write(r, v, call);
        Sse.responseHeaders(r, v.meta().encryption(), customer);
        Versions.header(r, bucket, v.versionId());
        ObjectLock.responseHeaders(r, v.meta().lock());
        long size = v.size();
        long first = 0;
        long last = size - 1;
        boolean partial = false;
        Optional<String> partNumber = call.query("partNumber");
        Optional<String> range = call.header("range");
        if (partNumber.isPresent()) {
            if (range.isPresent()) {
                throw new S3Exception(
                        S3ErrorCode.INVALID_REQUEST, "Cannot specify both Range header and partNumber query parameter");
            }
            int n = Multipart.partNumber(call);
            List<Long> parts = v.meta().partSizes();
            if (parts.isEmpty()) {
                if (n != 1) throw invalidPartNumber();
                // A simple upload is one part: S3 serves part 1 as a range over the whole object (206, Content-Range).
                partial = size > 0;
            } else {
                if (n > parts.size()) throw invalidPartNumber();
                // S3 gives the parts count only to a partNumber request, and only for a multipart object.
                r.header("x-amz-mp-parts-count", Integer.toString(parts.size()));
                long start = 0;
                for (int i = 0; i < n - 1; i++) start += parts.get(i);
                first = start;
                last = start + parts.get(n - 1) - 1;
                partial = true;
            }
        } else if (range.isPresent()) {
            Matcher m = RANGE.matcher(range.get().trim());
            if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                long[] fl = resolveRange(m.group(1), m.group(2), size);
                if (fl == null) {
                    throw new S3Exception(S3ErrorCode.INVALID_RANGE)
                            .with("RangeRequested", range.get())
                            .with("ActualObjectSize", Long.toString(size))
                            .header("Content-Range", "bytes */" + size);
                }
                if (fl.length == 2) {
                    first = fl[0];
                    last = fl[1];
                    partial = true;
                }
            }
        }
        if (partial) {
            r.status(206).header("Content-Range", "bytes " + first + "-" + last + "/" + size);
        } else if (call.header("x-amz-checksum-mode")
                .map("ENABLED"::equalsIgnoreCase)
                .orElse(false)) {
            ObjectHeaders.writeChecksums(r, v.meta());
        }
        long length = size == 0 ? 0 : last - first + 1;
        if (head) {
            return r.stream(length, null);
        }
        if (length == 0) return r.stream(0, out -> {});
        if (v.inline() != null && v.size() <= ObjectBytes.SMALL) {
            // A small object is decrypted here, whole, and sent in one write.
            return r.bytes(ObjectBytes.small(v, dataKey, first, last));
        }
        // Its blobs are held until the response is sent, so a delete committed meanwhile cannot take them from under
        // it; if one committed before they were held, the version is gone and the request reads again (S3Handler).
        BlobStore.Pin pin =
                ctx.blobs().pin(v.segments().stream().map(Segment::blob).toList());
        InputStream body;
        try {
            if (!ctx.meta().stillStored(v)) {
                throw new NoSuchFileException(v.bucket() + "/" + v.key() + " (version " + v.versionId() + ")");
            }
            // Opened here, not in the writer: missing or damaged data fails before the response is committed.
            body = ObjectBytes.open(ctx.blobs(), v, dataKey, first, last);
        } catch (IOException | RuntimeException e) {
            pin.close();
            throw e;
        }
        return r.stream(length, out -> {
            try (pin;
                    body) {
                body.transferTo(out);
            }
        });
    }

    private static S3Exception invalidPartNumber() {
        return new S3Exception(S3ErrorCode.INVALID_PART_NUMBER);
    }

    /** [first, last] of a single byte range; null when unsatisfiable; empty when S3 ignores the header. */
    static long[] resolveRange(String a, String b, long size) {
        try {
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                if (suffix == 0 || size == 0) return null;
                return new long[] {Math.max(0, size - suffix), size - 1};
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            if (first >= size) return null;
            if (!b.isEmpty() && Long.parseLong(b) < first) return new long[0];
            return new long[] {first, last};
        } catch (NumberFormatException e) {
            return new long[0];
        }
    }

    S3Response delete(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        ObjectHeaders.checkKey(call.key());
        Deleted d = deleteOne(b, call, call.key(), Versions.requested(call), Conditions.forDelete(call));
        S3Response r = S3Response.noContent();
        if (d.versionId() != null) Versions.header(r, b, d.versionId());
        if (d.deleteMarker()) r.header("x-amz-delete-marker", "true");
        return r;
    }

    /** What one delete did: the version removed or the delete marker created (null id when unversioned). */
    record Deleted(String versionId, boolean deleteMarker) {}

    /**
     * Deletes as S3 does: a named version is removed for good (unless Object Lock protects it); otherwise an
     * unversioned bucket removes the object, and a versioned one adds a delete marker (the "null" one when suspended),
     * so nothing is lost.
     */
    Deleted deleteOne(Bucket b, S3Call call, String key, Optional<String> versionId, Precondition precondition) {
        if (versionId.isPresent()) {
            if (MfaDelete.enabled(b)) ctx.mfa().require(call, b);
            Precondition locked = lock.permanentDelete(call);
            Optional<ObjectVersion> removed = ctx.meta().deleteVersion(b.name(), key, versionId.get(), version -> {
                precondition.check(version);
                locked.check(version);
            });
            return new Deleted(
                    versionId.get(), removed.map(ObjectVersion::deleteMarker).orElse(false));
        }
        if (b.versioning().isEmpty()) {
            ctx.meta().deleteObject(b.name(), key, precondition);
            return new Deleted(null, false);
        }
        ObjectVersion marker = new ObjectVersion(
                b.name(),
                key,
                Versions.idForWrite(b),
                0,
                true,
                true,
                0,
                "",
                ctx.now(),
                ObjectMeta.empty(),
                List.of(),
                null,
                call.principal().arn(),
                call.principal().accessKeyId());
        ObjectVersion stored = ctx.meta().putObject(marker, precondition);
        return new Deleted(stored.versionId(), true);
    }
}

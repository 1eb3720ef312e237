package io.rampart.s3;

import io.rampart.storage.Bucket;
import io.rampart.storage.Encryption;
import io.rampart.storage.ListPage;
import io.rampart.storage.MetadataStore;
import io.rampart.storage.ObjectMeta;
import io.rampart.storage.ObjectVersion;
import io.rampart.storage.Part;
import io.rampart.storage.Segment;
import io.rampart.storage.Upload;
import io.rampart.xml.XmlElement;
import io.rampart.xml.XmlWriter;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload, AbortMultipartUpload, ListParts,
 * ListMultipartUploads. Completion stitches the parts' blobs into the object without copying bytes.
 */
final class Multipart {
    static final long MIN_PART = 5L * 1024 * 1024;
    static final long MAX_PART = 5L * 1024 * 1024 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern COPY_RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

    private final Context ctx;
    private final CopyObject copy;

    private final ObjectLock lock;

    Multipart(Context ctx, CopyObject copy, ObjectLock lock) {
        this.ctx = ctx;
        this.copy = copy;
        this.lock = lock;
    }

    S3Response create(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        ObjectHeaders.checkKey(call.key());
        Map<String, String> checksums = new HashMap<>();
        String algorithm = call.header("x-amz-checksum-algorithm")
                .map(s -> s.toUpperCase(java.util.Locale.ROOT))
                .orElse(null);
        Sse.checkNotBlocked(b, call);
        Optional<Sse.CustomerKey> customer = ctx.sse().customerKey(call, Sse.SSE_C_PREFIX);
        Sse.DataKey key;
        try {
            ctx.sse().checkRequestedAlgorithm(call, customer);
            // One data key for the whole upload; every part is its own encrypted stream under it.
            key = ctx.sse().newDataKey(call, b, call.key(), customer);
        } finally {
            Sse.forget(customer);
        }
        if (algorithm != null) {
            if (!PartChecksum.ALGORITHMS.contains(algorithm)) {
                throw new S3Exception(
                        S3ErrorCode.INVALID_REQUEST,
                        "Checksum algorithm provided is unsupported. Please try "
                                + "again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
            }
            // An upload's checksums name the algorithm its parts carry; the value comes only at completion.
            checksums.put(algorithm, "");
        }
        String checksumType = checksumType(algorithm, call.header("x-amz-checksum-type"));
        ObjectMeta meta = ObjectMeta.builder()
                .contentHeaders(ObjectHeaders.contentHeaders(call))
                .userMetadata(ObjectHeaders.userMetadata(call))
                .checksums(checksums)
                .checksumType(checksumType)
                .partSizes(List.of())
                .tags(ObjectHeaders.taggingHeader(call))
                .storageClass(ObjectHeaders.storageClass(call))
                .encryption(key.envelope())
                .lock(lock.forNewVersion(call, b))
                .acl(Acls.forNewObject(ctx, call, b))
                .build();
        byte[] id = new byte[24];
        RANDOM.nextBytes(id);
        String uploadId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        ctx.meta()
                .createUpload(new Upload(
                        uploadId,
                        b.name(),
                        call.key(),
                        ctx.now(),
                        meta,
                        call.principal().arn(),
                        call.principal().accessKeyId()));
        XmlWriter x = new XmlWriter()
                .start("InitiateMultipartUploadResult", XmlWriter.S3_NAMESPACE)
                .element("Bucket", b.name())
                .element("Key", call.key())
                .element("UploadId", uploadId);
        S3Response r = S3Response.xml(x);
        // What the upload would replace, as it starts: one indexed read, so a rule can act before any part is sent.
        r.trail(WriteFacts.REPLACED, WriteFacts.replaced(ctx.meta().current(b.name(), call.key())));
        if (algorithm != null) {
            r.header("x-amz-checksum-algorithm", algorithm);
            r.header("x-amz-checksum-type", meta.checksumType());
        }
        Sse.responseHeaders(r, key.envelope(), customer);
        return r;
    }

    /**
     * The upload's checksum type as S3 settles it: only with an algorithm; CRC64NVME is FULL_OBJECT only, SHA-1 and
     * SHA-256 COMPOSITE only, CRC32 and CRC32C either (COMPOSITE unless asked).
     */
    private static String checksumType(String algorithm, Optional<String> requested) {
        if (algorithm == null) {
            if (requested.isPresent()) {
                throw new S3Exception(
                        S3ErrorCode.INVALID_REQUEST,
                        "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.");
            }
            return null;
        }
        boolean crc64 = algorithm.equals("CRC64NVME");
        boolean sha = algorithm.startsWith("SHA");
        String type = requested.map(String::trim).orElse(crc64 ? FULL_OBJECT : COMPOSITE);
        if (!type.equals(FULL_OBJECT) && !type.equals(COMPOSITE)) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Value for x-amz-checksum-type header is invalid.");
        }
        if ((crc64 && type.equals(COMPOSITE)) || (sha && type.equals(FULL_OBJECT))) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "The " + type + " checksum type cannot be used with the "
                            + algorithm.toLowerCase(java.util.Locale.ROOT) + " checksum algorithm.");
        }
        return type;
    }

    /** The checksum algorithm an upload was created with (its parts must carry it), or null. */
    static String declaredAlgorithm(Upload u) {
        return u.meta().checksums().isEmpty()
                ? null
                : u.meta().checksums().keySet().iterator().next();
    }

    /**
     * A part's checksum must be of the upload's algorithm; a COMPOSITE upload also needs one on every part (S3 computes
     * a FULL_OBJECT part's CRC itself when the client sends none).
     */
    private static void checkPartChecksum(Upload u, Map<String, String> sums) {
        String declared = declaredAlgorithm(u);
        if (declared == null) return;
        String sent = sums.isEmpty() ? null : sums.keySet().iterator().next();
        if (sent == null ? COMPOSITE.equals(u.meta().checksumType()) : !sent.equalsIgnoreCase(declared)) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "Checksum Type mismatch occurred, expected checksum Type: "
                            + declared.toLowerCase(java.util.Locale.ROOT) + ", actual checksum Type: "
                            + (sent == null ? "null" : sent.toLowerCase(java.util.Locale.ROOT)));
        }
    }

    static final String FULL_OBJECT = "FULL_OBJECT";
    static final String COMPOSITE = "COMPOSITE";

    private Upload upload(S3Call call) {
        String id = call.query("uploadId").orElse("");
        Optional<Upload> u = ctx.meta().upload(id);
        if (u.isEmpty()
                || !u.get().bucket().equals(call.bucket())
                || !u.get().key().equals(call.key())) {
            throw new S3Exception(S3ErrorCode.NO_SUCH_UPLOAD).with("UploadId", id);
        }
        return u.get();
    }

    /** The partNumber query parameter (UploadPart, GetObject, HeadObject): 1 to 10000, else InvalidArgument. */
    static int partNumber(S3Call call) {
        String v = call.query("partNumber").orElse("");
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= 10000) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new S3Exception(
                        S3ErrorCode.INVALID_ARGUMENT, "Part number must be an integer between 1 and 10000, inclusive")
                .with("ArgumentName", "partNumber")
                .with("ArgumentValue", v);
    }

    S3Response uploadPart(AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        int n = partNumber(call);
        Upload u = upload(call);
        long length = call.contentLength();
        if (length < 0) throw new S3Exception(S3ErrorCode.MISSING_CONTENT_LENGTH);
        if (length > MAX_PART) throw new S3Exception(S3ErrorCode.ENTITY_TOO_LARGE);
        // An upload begun while SSE-C was allowed takes no SSE-C parts once the bucket blocks it.
        Sse.checkNotBlocked(b, call);
        Optional<Sse.CustomerKey> customer = ctx.sse().customerKey(call, Sse.SSE_C_PREFIX);
        try {
            byte[] dataKey = uploadDataKey(u, customer, call);
            // A FULL_OBJECT part the client sent without its CRC gets one computed here, as S3 does.
            PartChecksum summing = FULL_OBJECT.equals(u.meta().checksumType())
                    ? PartChecksum.of(call.body(), declaredAlgorithm(u))
                    : null;
            StoredData data =
                    StoredData.store(ctx.blobs(), summing != null ? summing : call.body(), length, false, dataKey);
            Map<String, String> sums = call.verifiedChecksums();
            try {
                checkPartChecksum(u, sums);
            } catch (S3Exception e) {
                data.discard(ctx.blobs());
                throw e;
            }
            if (sums.isEmpty() && summing != null) sums = summing.result();
            String etag = partEtag(u, data);
            S3Response r = S3Response.ok().header("ETag", Formats.quoted(etag));
            Sse.responseHeaders(r, u.meta().encryption(), customer);
            return storePart(u, n, data, etag, sums, r);
        } finally {
            Sse.forget(customer);
        }
    }

    /** The upload's data key, opened with the part request's SSE-C key, which must be the one the upload began with. */
    private byte[] uploadDataKey(Upload u, Optional<Sse.CustomerKey> customer, S3Call call) {
        Sse.requireSameKey(u.meta().encryption(), customer);
        return ctx.sse().open(u.meta().encryption(), customer, call);
    }

    /** A part's ETag: the MD5 of its bytes, except under SSE-C where that would leak them. */
    private static String partEtag(Upload u, StoredData data) {
        Encryption e = u.meta().encryption();
        return e != null && e.customerKey() ? Sse.opaqueEtag() : data.md5Hex();
    }

    private S3Response storePart(
            Upload u, int n, StoredData data, String etag, Map<String, String> sums, S3Response r) {
        try {
            Part p = new Part(
                    u.uploadId(),
                    n,
                    data.size(),
                    etag,
                    ctx.now(),
                    sums,
                    data.segments().get(0).blob());
            if (!ctx.meta().putPart(p))
                throw new S3Exception(S3ErrorCode.NO_SUCH_UPLOAD).with("UploadId", u.uploadId());
            for (Map.Entry<String, String> e : sums.entrySet()) {
                r.header("x-amz-checksum-" + e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue());
            }
            return r;
        } catch (RuntimeException e) {
            data.discardAfter(ctx.blobs(), e);
            throw e;
        }
    }

    S3Response uploadPartCopy(AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        int n = partNumber(call);
        Upload u = upload(call);
        ObjectVersion src = copy.source(call);
        long first = 0;
        long last = src.size() - 1;
        Optional<String> range = call.header("x-amz-copy-source-range");
        if (range.isPresent()) {
            Matcher m = COPY_RANGE.matcher(range.get().trim());
            if (!m.matches()) {
                throw new S3Exception(
                                S3ErrorCode.INVALID_ARGUMENT,
                                "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy")
                        .with("ArgumentName", "x-amz-copy-source-range")
                        .with("ArgumentValue", range.get());
            }
            first = Long.parseLong(m.group(1));
            last = Long.parseLong(m.group(2));
            if (first > last || last >= src.size()) {
                throw new S3Exception(S3ErrorCode.INVALID_RANGE)
                        .with("RangeRequested", range.get())
                        .with("ActualObjectSize", Long.toString(src.size()));
            }
        }
        if (last - first + 1 > MAX_PART) throw new S3Exception(S3ErrorCode.ENTITY_TOO_LARGE);
        Sse.checkNotBlocked(b, call);
        Optional<Sse.CustomerKey> sourceKey = ctx.sse().customerKey(call, Sse.COPY_SOURCE_SSE_C_PREFIX);
        Optional<Sse.CustomerKey> customer = ctx.sse().customerKey(call, Sse.SSE_C_PREFIX);
        try {
            byte[] sourceDataKey = ctx.sse().open(src.meta().encryption(), sourceKey, call);
            byte[] dataKey = uploadDataKey(u, customer, call);
            StoredData data;
            // S3 computes the upload's checksum of a copied part.
            PartChecksum summing;
            if (src.size() == 0) {
                summing = PartChecksum.of(InputStream.nullInputStream(), declaredAlgorithm(u));
                data = StoredData.store(
                        ctx.blobs(), summing != null ? summing : InputStream.nullInputStream(), 0, false, dataKey);
            } else {
                try (InputStream in = ObjectBytes.open(ctx.blobs(), src, sourceDataKey, first, last)) {
                    summing = PartChecksum.of(in, declaredAlgorithm(u));
                    data = StoredData.store(
                            ctx.blobs(), summing != null ? summing : in, last - first + 1, false, dataKey);
                } catch (IOException | io.rampart.storage.StorageException e) {
                    // The part is a copy of the bytes, so it never depends on the source's blobs; but a source
                    // deleted (and its data released) while it was read is answered as S3 would: NoSuchKey or
                    // NoSuchVersion, read afresh, not an internal error.
                    if (!copy.stillThere(src)) copy.source(call);
                    throw e;
                }
            }
            Map<String, String> sums = summing == null ? Map.of() : summing.result();
            String etag = partEtag(u, data);
            XmlWriter x = new XmlWriter()
                    .start("CopyPartResult", XmlWriter.S3_NAMESPACE)
                    .element("LastModified", Formats.isoDate(ctx.now()))
                    .element("ETag", Formats.quoted(etag));
            sums.forEach((alg, v) -> x.element("Checksum" + alg, v));
            S3Response r = S3Response.xml(x);
            r.trail(WriteFacts.COPY_SOURCE, WriteFacts.copySource(src, sourceKey.isPresent()));
            if (copy.versioned(src.bucket())) r.header("x-amz-copy-source-version-id", src.versionId());
            Sse.responseHeaders(r, u.meta().encryption(), customer);
            return storePart(u, n, data, etag, sums, r);
        } finally {
            Sse.forget(sourceKey);
            Sse.forget(customer);
        }
    }

    S3Response complete(AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        Upload u = upload(call);
        var precondition = conflictAware(Conditions.forWrite(call), u.initiated());
        XmlElement root = RequestXml.parse(call.body().readAllBytes(), "CompleteMultipartUpload");
        List<XmlElement> requested = root.all("Part");
        if (requested.isEmpty()) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        // The parts are read before the write, which goes ahead only if the parts it uses are still those (none
        // uploaded again meanwhile, whose earlier blob that upload released): else they are read and checked again.
        for (int attempt = 1; ; attempt++) {
            Optional<S3Response> done = completeOnce(call, b, u, requested, precondition);
            if (done.isPresent()) return done.get();
            if (ctx.meta().upload(u.uploadId()).isEmpty()) {
                throw new S3Exception(S3ErrorCode.NO_SUCH_UPLOAD).with("UploadId", u.uploadId());
            }
            if (attempt == CopyObject.MAX_ATTEMPTS) throw new S3Exception(S3ErrorCode.SLOW_DOWN);
        }
    }

    /** One try of a completion: empty when the upload or a part it uses changed before it was written. */
    private Optional<S3Response> completeOnce(
            AuthorizedCall call,
            Bucket b,
            Upload u,
            List<XmlElement> requested,
            MetadataStore.Precondition precondition) {
        Map<Integer, Part> stored = new HashMap<>();
        for (Part p : ctx.meta().allParts(u.uploadId())) stored.put(p.partNumber(), p);
        List<Part> chosen = new ArrayList<>();
        int previous = 0;
        for (XmlElement e : requested) {
            int number;
            try {
                number =
                        Integer.parseInt(e.childText("PartNumber").orElseThrow().trim());
            } catch (RuntimeException ex) {
                throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
            if (number <= previous) throw new S3Exception(S3ErrorCode.INVALID_PART_ORDER);
            previous = number;
            String etag = Formats.unquote(e.childText("ETag").orElse(""));
            Part p = stored.get(number);
            if (p == null || !p.etag().equals(etag) || !checksumsMatch(e, p)) {
                throw new S3Exception(S3ErrorCode.INVALID_PART)
                        .with("UploadId", u.uploadId())
                        .with("PartNumber", Integer.toString(number))
                        .with("ETag", etag);
            }
            chosen.add(p);
        }
        for (int i = 0; i < chosen.size() - 1; i++) {
            if (chosen.get(i).size() < MIN_PART) {
                throw new S3Exception(S3ErrorCode.ENTITY_TOO_SMALL)
                        .with("UploadId", u.uploadId())
                        .with("PartNumber", Integer.toString(chosen.get(i).partNumber()))
                        .with("ProposedSize", Long.toString(chosen.get(i).size()))
                        .with("MinSizeAllowed", Long.toString(MIN_PART));
            }
        }
        MessageDigest md5 = StoredData.newMd5();
        List<Segment> segments = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        Set<Integer> used = new HashSet<>();
        long total = 0;
        for (Part p : chosen) {
            md5.update(HexFormat.of().parseHex(p.etag()));
            segments.add(new Segment(p.blob(), p.size()));
            sizes.add(p.size());
            used.add(p.partNumber());
            total += p.size();
        }
        String etag = HexFormat.of().formatHex(md5.digest()) + "-" + chosen.size();
        ObjectMeta um = u.meta();
        Optional<Map.Entry<String, String>> composite = CompositeChecksum.of(um.checksumType(), chosen);
        if (FULL_OBJECT.equals(um.checksumType())) composite = fullObjectChecksum(call, u, chosen);
        call.header("x-amz-checksum-type")
                .map(String::trim)
                .filter(t -> !t.equals(um.checksumType()))
                .ifPresent(t -> {
                    throw new S3Exception(
                            S3ErrorCode.INVALID_REQUEST,
                            "The upload was created using the "
                                    + (um.checksumType() == null ? "null" : um.checksumType())
                                    + " checksum mode. The complete request must use the same checksum mode.");
                });
        String objectChecksumType = composite.isPresent() ? um.checksumType() : null;
        ObjectMeta meta = ObjectMeta.builder()
                .contentHeaders(um.contentHeaders())
                .userMetadata(um.userMetadata())
                .checksums(composite.map(c -> Map.of(c.getKey(), c.getValue())).orElse(Map.of()))
                .checksumType(objectChecksumType)
                .partSizes(sizes)
                .tags(um.tags())
                .storageClass(um.storageClass())
                .encryption(um.encryption())
                .lock(um.lock())
                .acl(um.acl())
                .build();
        ObjectVersion v = new ObjectVersion(
                b.name(),
                u.key(),
                Versions.idForWrite(b),
                0,
                true,
                false,
                total,
                etag,
                ctx.now(),
                meta,
                segments,
                null,
                call.principal().arn(),
                call.principal().accessKeyId());
        Map<String, Object> facts = new java.util.LinkedHashMap<>();
        try {
            if (ctx.meta()
                    .completeUpload(u.uploadId(), v, used, WriteFacts.capturing(facts, precondition))
                    .isEmpty()) {
                return Optional.empty();
            }
        } catch (S3Exception e) {
            // S3: after a 409 the upload is gone; the client starts a new one.
            if (e.code() == S3ErrorCode.CONDITIONAL_REQUEST_CONFLICT) ctx.meta().abortUpload(u.uploadId());
            throw e;
        }
        XmlWriter x = new XmlWriter()
                .start("CompleteMultipartUploadResult", XmlWriter.S3_NAMESPACE)
                .element("Location", "/" + b.name() + "/" + Formats.urlEncode(u.key()))
                .element("Bucket", b.name())
                .element("Key", u.key())
                .element("ETag", Formats.quoted(etag));
        composite.ifPresent(
                c -> x.element("Checksum" + c.getKey(), c.getValue()).element("ChecksumType", objectChecksumType));
        S3Response r = S3Response.xml(x);
        facts.forEach(r::trail);
        // For SSE-C only the algorithm is echoed: the key is not part of this request.
        Sse.responseHeaders(r, um.encryption(), Optional.empty());
        Versions.header(r, b, v.versionId());
        return Optional.of(r);
    }

    /**
     * A conditional completion conflicts (409) with a delete of its key that succeeded while the upload was in progress:
     * the delete marker it left is newer than the upload. (An unversioned delete leaves no trace to see.)
     */
    private static MetadataStore.Precondition conflictAware(MetadataStore.Precondition condition, long initiated) {
        if (condition == MetadataStore.Precondition.NONE) return condition;
        return current -> {
            if (current.isPresent()
                    && current.get().deleteMarker()
                    && current.get().lastModified() > initiated) {
                throw new S3Exception(S3ErrorCode.CONDITIONAL_REQUEST_CONFLICT);
            }
            condition.check(current);
        };
    }

    /**
     * The FULL_OBJECT checksum, combined from the parts' CRCs (the algorithm is the one the parts carry); a whole-object
     * value the client sends with the completion must equal it (BadDigest otherwise).
     */
    private static Optional<Map.Entry<String, String>> fullObjectChecksum(S3Call call, Upload u, List<Part> chosen) {
        if (chosen.isEmpty()) return Optional.empty();
        String declared = declaredAlgorithm(u);
        Optional<FullObjectChecksum.Crc> crc = declared != null
                ? FullObjectChecksum.Crc.named(declared)
                : chosen.get(0).checksums().keySet().stream()
                        .map(FullObjectChecksum.Crc::named)
                        .flatMap(Optional::stream)
                        .findFirst();
        if (crc.isEmpty()) return Optional.empty();
        Optional<String> value = FullObjectChecksum.of(crc.get(), chosen);
        if (value.isEmpty()) return Optional.empty();
        String name = crc.get().name().toLowerCase(java.util.Locale.ROOT);
        call.header("x-amz-checksum-" + name)
                .map(String::trim)
                .filter(v -> !v.equals(value.get()))
                .ifPresent(v -> {
                    throw new S3Exception(
                            S3ErrorCode.BAD_DIGEST,
                            "The " + name + " you specified did not match the calculated checksum.");
                });
        return Optional.of(Map.entry(crc.get().name(), value.get()));
    }

    /** A part's checksum named in CompleteMultipartUpload (ChecksumCRC32...) must be the one stored with the part. */
    private static boolean checksumsMatch(XmlElement requested, Part p) {
        for (XmlElement c : requested.children()) {
            if (!c.name().startsWith("Checksum") || c.name().equals("ChecksumType")) continue;
            String stored = CompositeChecksum.checksum(p.checksums(), c.name().substring("Checksum".length()));
            if (stored != null && !stored.equals(c.text().trim())) return false;
        }
        return true;
    }

    S3Response abort(AuthorizedCall call) {
        ctx.ownedBucket(call);
        Upload u = upload(call);
        if (!ctx.meta().abortUpload(u.uploadId()))
            throw new S3Exception(S3ErrorCode.NO_SUCH_UPLOAD).with("UploadId", u.uploadId());
        return S3Response.noContent();
    }

    S3Response listParts(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        Upload u = upload(call);
        int max = call.query("max-parts")
                .map(v -> Buckets.parseInt(v, "max-parts", 0, 1000))
                .orElse(1000);
        int marker = call.query("part-number-marker")
                .map(v -> Buckets.parseInt(v, "part-number-marker", 0, 10000))
                .orElse(0);
        ListPage<Part> page = ctx.meta().parts(u.uploadId(), marker, max);
        XmlWriter x = new XmlWriter()
                .start("ListPartsResult", XmlWriter.S3_NAMESPACE)
                .element("Bucket", b.name())
                .element("Key", u.key())
                .element("UploadId", u.uploadId());
        Owners.write(x, "Initiator", b.owner());
        Owners.write(x, "Owner", b.owner());
        x.element("StorageClass", u.meta().storageClass())
                .element("ChecksumAlgorithm", declaredAlgorithm(u))
                .element(
                        "ChecksumType",
                        declaredAlgorithm(u) == null ? null : u.meta().checksumType())
                .element("PartNumberMarker", marker)
                .element("NextPartNumberMarker", page.nextMarker() == null ? "0" : page.nextMarker())
                .element("MaxParts", max)
                .element("IsTruncated", page.truncated());
        for (Part p : page.entries()) {
            x.start("Part")
                    .element("PartNumber", p.partNumber())
                    .element("LastModified", Formats.isoDate(p.lastModified()))
                    .element("ETag", Formats.quoted(p.etag()));
            for (Map.Entry<String, String> e : p.checksums().entrySet()) {
                x.element("Checksum" + e.getKey().toUpperCase(java.util.Locale.ROOT), e.getValue());
            }
            x.element("Size", p.size()).end();
        }
        return S3Response.xml(x);
    }

    S3Response listUploads(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        String prefix = call.query("prefix").orElse("");
        String delimiter = call.query("delimiter").orElse("");
        String keyMarker = call.query("key-marker").orElse("");
        String idMarker = call.query("upload-id-marker").orElse("");
        int max = call.query("max-uploads")
                .map(v -> Buckets.parseInt(v, "max-uploads", 0, 1000))
                .orElse(1000);
        boolean url = call.query("encoding-type").map("url"::equals).orElse(false);
        java.util.function.UnaryOperator<String> enc = url ? Formats::urlEncode : s -> s;
        ListPage<Upload> page =
                ctx.meta().uploads(b.name(), prefix, delimiter, keyMarker, keyMarker.isEmpty() ? "" : idMarker, max);
        XmlWriter x = new XmlWriter()
                .start("ListMultipartUploadsResult", XmlWriter.S3_NAMESPACE)
                .element("Bucket", b.name())
                .element("KeyMarker", enc.apply(keyMarker))
                .element("UploadIdMarker", idMarker);
        if (page.truncated()) {
            String[] next = page.nextMarker().split("\n", 2);
            x.element("NextKeyMarker", enc.apply(next[0])).element("NextUploadIdMarker", next[1]);
        } else {
            x.element("NextKeyMarker", "").element("NextUploadIdMarker", "");
        }
        if (!delimiter.isEmpty()) x.element("Delimiter", enc.apply(delimiter));
        x.element("Prefix", enc.apply(prefix)).element("MaxUploads", max).element("IsTruncated", page.truncated());
        if (url) x.element("EncodingType", "url");
        for (Upload up : page.entries()) {
            x.start("Upload").element("Key", enc.apply(up.key())).element("UploadId", up.uploadId());
            Owners.write(x, "Initiator", b.owner());
            Owners.write(x, "Owner", b.owner());
            x.element("StorageClass", up.meta().storageClass())
                    .element("Initiated", Formats.isoDate(up.initiated()))
                    .element("ChecksumAlgorithm", declaredAlgorithm(up))
                    .element(
                            "ChecksumType",
                            declaredAlgorithm(up) == null ? null : up.meta().checksumType())
                    .end();
        }
        for (String p : page.commonPrefixes())
            x.start("CommonPrefixes").element("Prefix", enc.apply(p)).end();
        return S3Response.xml(x);
    }
}

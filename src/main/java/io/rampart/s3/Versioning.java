package io.rampart.s3;

import io.rampart.storage.Bucket;
import io.rampart.storage.ListEntry;
import io.rampart.storage.ListPage;
import io.rampart.xml.XmlElement;
import io.rampart.xml.XmlWriter;
import java.io.IOException;
import java.util.function.UnaryOperator;

/**
 * PutBucketVersioning, GetBucketVersioning and ListObjectVersions. Versioning goes unversioned → Enabled ⇄ Suspended
 * and never back; a bucket with Object Lock stays Enabled.
 */
final class Versioning {
    private final Context ctx;

    Versioning(Context ctx) {
        this.ctx = ctx;
    }

    S3Response get(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        XmlWriter x = new XmlWriter().start("VersioningConfiguration", XmlWriter.S3_NAMESPACE);
        if (!b.versioning().isEmpty()) x.element("Status", b.versioning());
        x.element("MfaDelete", BucketSettings.of(b).mfaDelete());
        return S3Response.xml(x);
    }

    S3Response put(AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        XmlElement root = RequestXml.parse(call.body().readAllBytes(), "VersioningConfiguration");
        String status = root.childText("Status").map(String::trim).orElse(null);
        String mfaDelete = root.childText("MfaDelete").map(String::trim).orElse(null);
        if (status != null && !status.equals("Enabled") && !status.equals("Suspended")) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        if (mfaDelete != null && !mfaDelete.equals("Enabled") && !mfaDelete.equals("Disabled")) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        // Changing MfaDelete, or the versioning state of a bucket with MfaDelete enabled, needs the owner's MFA code.
        if (mfaDelete != null || (status != null && MfaDelete.enabled(b)))
            ctx.mfa().require(call, b);
        if (mfaDelete != null) {
            BucketSettings.update(ctx, b, s -> s.withMfaDelete(mfaDelete));
        }
        if (status == null) return S3Response.ok();
        ctx.meta().setVersioning(b.name(), current -> {
            if (current.objectLock() && status.equals("Suspended")) {
                throw new S3Exception(
                        S3ErrorCode.INVALID_BUCKET_STATE,
                        "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.");
            }
            if (status.equals("Suspended") && BucketSettings.of(current).replication() != null) {
                // Replication needs version ids: AWS refuses to suspend versioning under a replication configuration.
                throw new S3Exception(
                        S3ErrorCode.INVALID_BUCKET_STATE,
                        "A replication configuration is present on this "
                                + "bucket, so you cannot change the versioning state. To change the versioning state, first delete "
                                + "the replication configuration.");
            }
            // Suspending a never-versioned bucket is accepted by S3 and makes it "Suspended".
            return new Bucket(
                    current.name(),
                    current.owner(),
                    current.region(),
                    current.created(),
                    status,
                    current.objectLock(),
                    current.config());
        });
        return S3Response.ok();
    }

    S3Response list(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        String enc = call.query("encoding-type").orElse(null);
        if (enc != null && !enc.equals("url")) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid Encoding Method specified in Request")
                    .with("ArgumentName", "encoding-type")
                    .with("ArgumentValue", enc);
        }
        UnaryOperator<String> e = enc == null ? s -> s : Formats::urlEncode;
        String prefix = call.query("prefix").orElse("");
        String delimiter = call.query("delimiter").orElse("");
        String keyMarker = call.query("key-marker").orElse("");
        String versionIdMarker = call.query("version-id-marker").orElse("");
        if (!versionIdMarker.isEmpty() && keyMarker.isEmpty()) {
            throw new S3Exception(
                            S3ErrorCode.INVALID_ARGUMENT,
                            "A version-id marker cannot be specified without a key marker.")
                    .with("ArgumentName", "version-id-marker")
                    .with("ArgumentValue", versionIdMarker);
        }
        if (!versionIdMarker.isEmpty() && !Versions.valid(versionIdMarker)) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid version id specified")
                    .with("ArgumentName", "version-id-marker")
                    .with("ArgumentValue", versionIdMarker);
        }
        int max = call.query("max-keys")
                .map(v -> Buckets.parseInt(v, "max-keys", 0, 1000))
                .orElse(1000);
        ListPage<ListEntry> page =
                ctx.meta().listVersions(b.name(), prefix, delimiter, keyMarker, versionIdMarker, max);
        XmlWriter x = new XmlWriter()
                .start("ListVersionsResult", XmlWriter.S3_NAMESPACE)
                .element("Name", b.name())
                .element("Prefix", e.apply(prefix))
                .element("KeyMarker", e.apply(keyMarker))
                .element("VersionIdMarker", versionIdMarker);
        if (page.truncated()) {
            String[] next = page.nextMarker().split("\n", 2);
            x.element("NextKeyMarker", e.apply(next[0]));
            if (!next[1].isEmpty()) x.element("NextVersionIdMarker", next[1]);
        }
        x.element("MaxKeys", max);
        if (!delimiter.isEmpty()) x.element("Delimiter", e.apply(delimiter));
        x.element("IsTruncated", page.truncated());
        if (enc != null) x.element("EncodingType", "url");
        for (ListEntry v : page.entries()) {
            if (v.deleteMarker()) {
                x.start("DeleteMarker")
                        .element("Key", e.apply(v.key()))
                        .element("VersionId", v.versionId())
                        .element("IsLatest", v.latest())
                        .element("LastModified", Formats.isoDate(v.lastModified()));
                Owners.write(x, "Owner", b.owner());
                x.end();
            } else {
                x.start("Version")
                        .element("Key", e.apply(v.key()))
                        .element("VersionId", v.versionId())
                        .element("IsLatest", v.latest())
                        .element("LastModified", Formats.isoDate(v.lastModified()))
                        .element("ETag", Formats.quoted(v.etag()));
                for (String alg : v.checksumAlgorithms()) x.element("ChecksumAlgorithm", alg);
                x.element("Size", v.size());
                Owners.write(x, "Owner", b.owner());
                x.element("StorageClass", v.storageClass()).end();
            }
        }
        for (String p : page.commonPrefixes())
            x.start("CommonPrefixes").element("Prefix", e.apply(p)).end();
        return S3Response.xml(x);
    }
}

package io.rampart.s3;

import io.rampart.storage.Bucket;
import io.rampart.storage.MetadataStore;
import io.rampart.xml.XmlElement;
import io.rampart.xml.XmlWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * PutBucketEncryption, GetBucketEncryption, DeleteBucketEncryption: the default encryption (always SSE-S3 here) and
 * BlockedEncryptionTypes, the per-bucket switch that refuses SSE-C writes.
 */
public final class BucketEncryption {
    private final Context ctx;

    BucketEncryption(Context ctx) {
        this.ctx = ctx;
    }

    /**
     * Sets BlockedEncryptionTypes to SSE-C on {@code bucket}, keeping the rest of its default encryption: what an
     * administrator's PutBucketEncryption would do, for automatic responses. Returns whether the setting changed (false
     * when SSE-C was already blocked); empty when the bucket does not exist.
     */
    public static Optional<Boolean> blockSseC(MetadataStore meta, String bucket) {
        boolean[] changed = {false};
        return meta.updateBucketConfig(bucket, json -> {
                    BucketSettings current = BucketSettings.of(new Bucket(bucket, null, null, 0, "", false, json));
                    if (current.blocksSseC()) {
                        changed[0] = false;
                        return json;
                    }
                    changed[0] = true;
                    BucketSettings.DefaultEncryption e = current.encryption() == null
                            ? new BucketSettings.DefaultEncryption("AES256", false, List.of("SSE-C"))
                            : current.encryption().withBlockedTypes(List.of("SSE-C"));
                    return current.withEncryption(e).toJson();
                })
                .map(b -> changed[0]);
    }

    /**
     * Sets the bucket's BlockedEncryptionTypes to {@code types} (an automatic response being reversed), keeping the rest
     * of its default encryption. Returns the previous types; empty when the bucket does not exist.
     */
    public static Optional<List<String>> setBlockedTypes(MetadataStore meta, String bucket, List<String> types) {
        List<List<String>> before = new ArrayList<>();
        return meta.updateBucketConfig(bucket, json -> {
                    BucketSettings current = BucketSettings.of(new Bucket(bucket, null, null, 0, "", false, json));
                    BucketSettings.DefaultEncryption e = current.encryption();
                    before.add(e == null ? List.of() : e.blockedTypes());
                    BucketSettings.DefaultEncryption next = e == null
                            ? new BucketSettings.DefaultEncryption("AES256", false, List.copyOf(types))
                            : e.withBlockedTypes(List.copyOf(types));
                    return current.withEncryption(next).toJson();
                })
                .map(b -> before.isEmpty() ? List.<String>of() : before.get(before.size() - 1));
    }

    S3Response get(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        BucketSettings.DefaultEncryption e = BucketSettings.of(b).encryption();
        if (e == null) e = new BucketSettings.DefaultEncryption("AES256", false, List.of());
        XmlWriter x = new XmlWriter()
                .start("ServerSideEncryptionConfiguration", XmlWriter.S3_NAMESPACE)
                .start("Rule")
                .start("ApplyServerSideEncryptionByDefault")
                .element("SSEAlgorithm", e.algorithm());
        if (e.kmsMasterKeyId() != null) x.element("KMSMasterKeyID", e.kmsMasterKeyId());
        x.end().element("BucketKeyEnabled", e.bucketKeyEnabled());
        if (!e.blockedTypes().isEmpty()) {
            x.start("BlockedEncryptionTypes");
            for (String t : e.blockedTypes()) x.element("EncryptionType", t);
            x.end();
        }
        return S3Response.xml(x);
    }

    S3Response put(AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        XmlElement root = RequestXml.parse(call.body().readAllBytes(), "ServerSideEncryptionConfiguration");
        List<XmlElement> rules = root.all("Rule");
        if (rules.size() != 1) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        XmlElement rule = rules.get(0);
        String algorithm = rule.child("ApplyServerSideEncryptionByDefault")
                .flatMap(d -> d.childText("SSEAlgorithm"))
                .map(String::trim)
                .orElse("AES256");
        String kmsKey = rule.child("ApplyServerSideEncryptionByDefault")
                .flatMap(d -> d.childText("KMSMasterKeyID"))
                .map(String::trim)
                .filter(k -> !k.isEmpty())
                .orElse(null);
        switch (algorithm) {
            case "AES256" -> {
                if (kmsKey != null) {
                    throw new S3Exception(
                                    S3ErrorCode.INVALID_ARGUMENT,
                                    "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
                            .with("ArgumentName", "ApplyServerSideEncryptionByDefault");
                }
            }
            case "aws:kms" -> {}
            case "aws:kms:dsse" ->
                throw new S3Exception(
                        S3ErrorCode.NOT_IMPLEMENTED,
                        "DSSE-KMS is not available on this server; use aws:kms (SSE-KMS) or AES256 (SSE-S3)");
            default -> throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        boolean bucketKey = rule.childText("BucketKeyEnabled")
                .map(v -> v.trim().equalsIgnoreCase("true"))
                .orElse(false);
        List<String> requested = null;
        if (rule.child("BlockedEncryptionTypes").isPresent()) {
            List<String> types = new ArrayList<>();
            for (XmlElement t : rule.child("BlockedEncryptionTypes").get().all("EncryptionType")) {
                String v = t.text().trim();
                if (!v.equals("SSE-C") && !v.equals("NONE")) {
                    throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid EncryptionType: " + v)
                            .with("ArgumentName", "EncryptionType")
                            .with("ArgumentValue", v);
                }
                if (!types.contains(v)) types.add(v);
            }
            if (types.contains("SSE-C") && types.contains("NONE")) {
                throw new S3Exception(
                                S3ErrorCode.INVALID_ARGUMENT,
                                "EncryptionType NONE cannot be combined with other values")
                        .with("ArgumentName", "EncryptionType");
            }
            requested = types;
        }
        List<String> given = requested;
        // Omitting BlockedEncryptionTypes keeps the bucket's setting as read inside the update: SSE-C is never
        // unblocked by accident, nor by a PUT racing the detector's block.
        BucketSettings.update(ctx, b, s -> {
            List<String> blocked = given != null
                    ? given
                    : s.encryption() == null ? List.of() : s.encryption().blockedTypes();
            return s.withEncryption(new BucketSettings.DefaultEncryption(algorithm, bucketKey, blocked, kmsKey));
        });
        return S3Response.ok();
    }

    S3Response delete(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        // Back to what a new bucket gets: SSE-S3, and SSE-C blocked unless the server allows it by default.
        BucketSettings.update(
                ctx,
                b,
                s -> s.withEncryption(
                        BucketSettings.defaultEncryption(ctx.settings().blockSseCOnNewBuckets())));
        return S3Response.noContent();
    }
}

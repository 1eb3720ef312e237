package io.rampart.it;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.EncryptionType;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** The bucket set-ups and listings many tests need, made through the S3 API as a user would make them. */
public final class Buckets {
    private Buckets() {}

    /** Creates the bucket with versioning enabled. */
    public static String versioned(S3Client s3, String bucket) {
        s3.createBucket(b -> b.bucket(bucket));
        enableVersioning(s3, bucket);
        return bucket;
    }

    /**
     * Creates a bucket whose default encryption is SSE-S3 and which allows SSE-C (blocks only unencrypted writes), as a
     * user relying on SSE-C sets it: new buckets refuse SSE-C otherwise, as on AWS.
     */
    public static String allowingSseC(S3Client s3, String bucket) {
        s3.createBucket(b -> b.bucket(bucket));
        allowSseC(s3, bucket);
        return bucket;
    }

    /** {@link #allowingSseC} with versioning enabled. */
    public static String versionedAllowingSseC(S3Client s3, String bucket) {
        versioned(s3, bucket);
        allowSseC(s3, bucket);
        return bucket;
    }

    /** Every key of the bucket (all pages), in listing order. */
    public static List<String> keys(S3Client s3, String bucket) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    /** Every version and delete marker of the bucket (all pages) as "key@versionId", markers as "key@versionId:DM". */
    public static List<String> versions(S3Client s3, String bucket) {
        List<String> out = new ArrayList<>();
        for (ListObjectVersionsResponse page : s3.listObjectVersionsPaginator(b -> b.bucket(bucket))) {
            page.versions().forEach(v -> out.add(v.key() + "@" + v.versionId()));
            page.deleteMarkers().forEach(m -> out.add(m.key() + "@" + m.versionId() + ":DM"));
        }
        return out;
    }

    private static void enableVersioning(S3Client s3, String bucket) {
        s3.putBucketVersioning(
                b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
    }

    private static void allowSseC(S3Client s3, String bucket) {
        s3.putBucketEncryption(b -> b.bucket(bucket)
                .serverSideEncryptionConfiguration(c -> c.rules(
                        r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256))
                                .blockedEncryptionTypes(t -> t.encryptionType(EncryptionType.NONE)))));
    }
}

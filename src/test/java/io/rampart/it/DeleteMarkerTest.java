package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.DeletedObject;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Delete markers: how DELETE hides a key in a versioned bucket without losing anything, and how to undo it. */
class DeleteMarkerTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static S3Client s3;
    static RawS3 raw;
    static final AtomicInteger SEQ = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        raw = RAMPART.raw();
    }

    static String newVersionedBucket() {
        return Buckets.versioned(s3, "markers-" + SEQ.incrementAndGet());
    }

    static String put(String bucket, String key, String body) {
        return s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(body))
                .versionId();
    }

    static String header(S3Exception e, String name) {
        return e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader(name).orElse(null);
    }

    @Test
    void deleteWithoutVersionIdCreatesADeleteMarker() {
        String bucket = newVersionedBucket();
        String v1 = put(bucket, "k", "data");
        DeleteObjectResponse r = s3.deleteObject(b -> b.bucket(bucket).key("k"));
        assertThat(r.deleteMarker()).isTrue();
        assertThat(r.versionId()).isNotNull().isNotEqualTo(v1).isNotEqualTo("null");
        assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(204);

        ListObjectVersionsResponse list = s3.listObjectVersions(b -> b.bucket(bucket));
        assertThat(list.deleteMarkers())
                .extracting(DeleteMarkerEntry::key, DeleteMarkerEntry::versionId, DeleteMarkerEntry::isLatest)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("k", r.versionId(), true));
        assertThat(list.deleteMarkers().get(0).owner().id()).isNotEmpty();
        assertThat(list.versions())
                .extracting(ObjectVersion::versionId, ObjectVersion::isLatest)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(v1, false));
    }

    @Test
    void getOfAKeyWhoseLatestIsAMarkerIsNoSuchKeyWithTheMarkerHeader() {
        String bucket = newVersionedBucket();
        put(bucket, "k", "data");
        String marker = s3.deleteObject(b -> b.bucket(bucket).key("k")).versionId();
        S3Exception e = assertS3Error(
                () -> s3.getObject(b -> b.bucket(bucket).key("k")),
                404,
                "NoSuchKey",
                "The specified key does not exist.");
        assertThat(header(e, "x-amz-delete-marker")).isEqualTo("true");
        assertThat(header(e, "x-amz-version-id")).isEqualTo(marker);
        S3Exception head =
                assertS3Error(() -> s3.headObject(b -> b.bucket(bucket).key("k")), 404, null);
        assertThat(header(head, "x-amz-delete-marker")).isEqualTo("true");
        assertThat(header(head, "x-amz-version-id")).isEqualTo(marker);
    }

    @Test
    void getOrHeadOfAMarkerByVersionIdIsMethodNotAllowed() {
        String bucket = newVersionedBucket();
        put(bucket, "k", "data");
        String marker = s3.deleteObject(b -> b.bucket(bucket).key("k")).versionId();
        S3Exception e = assertS3Error(
                () -> s3.getObject(b -> b.bucket(bucket).key("k").versionId(marker)),
                405,
                "MethodNotAllowed",
                "The specified method is not allowed against this resource.");
        assertThat(header(e, "x-amz-delete-marker")).isEqualTo("true");
        assertThat(header(e, "x-amz-version-id")).isEqualTo(marker);
        assertThat(header(e, "Last-Modified")).isNotNull();
        RawS3.Reply reply = raw.signed("GET", "/" + bucket + "/k?versionId=" + marker, Map.of(), null);
        assertThat(reply.error()).containsEntry("Method", "GET").containsEntry("ResourceType", "DeleteMarker");

        S3Exception head =
                assertS3Error(() -> s3.headObject(b -> b.bucket(bucket).key("k").versionId(marker)), 405, null);
        assertThat(header(head, "x-amz-delete-marker")).isEqualTo("true");
        assertThat(header(head, "x-amz-version-id")).isEqualTo(marker);
    }

    @Test
    void deletingTheMarkerByVersionIdBringsTheObjectBack() {
        String bucket = newVersionedBucket();
        String v1 = put(bucket, "k", "data");
        String marker = s3.deleteObject(b -> b.bucket(bucket).key("k")).versionId();
        DeleteObjectResponse r = s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(marker));
        assertThat(r.versionId()).isEqualTo(marker);
        assertThat(r.deleteMarker()).isTrue();
        var got = s3.getObjectAsBytes(b -> b.bucket(bucket).key("k"));
        assertThat(got.asUtf8String()).isEqualTo("data");
        assertThat(got.response().versionId()).isEqualTo(v1);
        ListObjectVersionsResponse list = s3.listObjectVersions(b -> b.bucket(bucket));
        assertThat(list.deleteMarkers()).isEmpty();
        assertThat(list.versions())
                .extracting(ObjectVersion::versionId, ObjectVersion::isLatest)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(v1, true));
    }

    @Test
    void deletingASpecificVersionRemovesItAndThePreviousBecomesLatest() {
        String bucket = newVersionedBucket();
        String v1 = put(bucket, "k", "one");
        String v2 = put(bucket, "k", "two");
        DeleteObjectResponse r = s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(v2));
        assertThat(r.versionId()).isEqualTo(v2);
        assertThat(r.deleteMarker()).isNull();
        assertThat(r.sdkHttpResponse().firstMatchingHeader("x-amz-delete-marker"))
                .isEmpty();
        assertS3Error(
                () -> s3.getObject(b -> b.bucket(bucket).key("k").versionId(v2)),
                404,
                "NoSuchVersion",
                "The specified version does not exist.");
        var got = s3.getObjectAsBytes(b -> b.bucket(bucket).key("k"));
        assertThat(got.asUtf8String()).isEqualTo("one");
        assertThat(got.response().versionId()).isEqualTo(v1);
        assertThat(s3.listObjectVersions(b -> b.bucket(bucket)).versions())
                .extracting(ObjectVersion::versionId, ObjectVersion::isLatest)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(v1, true));

        // Deleting an older version leaves the latest alone.
        String v3 = put(bucket, "k", "three");
        s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(v1));
        assertThat(s3.listObjectVersions(b -> b.bucket(bucket)).versions())
                .extracting(ObjectVersion::versionId, ObjectVersion::isLatest)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(v3, true));
    }

    @Test
    void deletingAVersionUnderAMarkerKeepsTheMarkerLatest() {
        String bucket = newVersionedBucket();
        String v1 = put(bucket, "k", "one");
        String marker = s3.deleteObject(b -> b.bucket(bucket).key("k")).versionId();
        s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(v1));
        ListObjectVersionsResponse list = s3.listObjectVersions(b -> b.bucket(bucket));
        assertThat(list.versions()).isEmpty();
        assertThat(list.deleteMarkers())
                .extracting(DeleteMarkerEntry::versionId, DeleteMarkerEntry::isLatest)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(marker, true));
    }

    @Test
    void deletingAnUnknownVersionSucceedsAndChangesNothing() {
        String bucket = newVersionedBucket();
        String v1 = put(bucket, "k", "one");
        String unknown = "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";
        DeleteObjectResponse r = s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(unknown));
        assertThat(r.sdkHttpResponse().statusCode()).isEqualTo(204);
        assertThat(r.versionId()).isEqualTo(unknown);
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k")).versionId()).isEqualTo(v1);
    }

    @Test
    void deleteOfAMissingKeyStillAddsAMarker() {
        String bucket = newVersionedBucket();
        DeleteObjectResponse r = s3.deleteObject(b -> b.bucket(bucket).key("never-written"));
        assertThat(r.deleteMarker()).isTrue();
        assertThat(s3.listObjectVersions(b -> b.bucket(bucket)).deleteMarkers())
                .extracting(DeleteMarkerEntry::key)
                .containsExactly("never-written");
    }

    @Test
    void secondDeleteAddsASecondMarker() {
        String bucket = newVersionedBucket();
        put(bucket, "k", "one");
        String m1 = s3.deleteObject(b -> b.bucket(bucket).key("k")).versionId();
        String m2 = s3.deleteObject(b -> b.bucket(bucket).key("k")).versionId();
        assertThat(m2).isNotEqualTo(m1);
        assertThat(s3.listObjectVersions(b -> b.bucket(bucket)).deleteMarkers())
                .extracting(DeleteMarkerEntry::versionId, DeleteMarkerEntry::isLatest)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(m2, true), org.assertj.core.groups.Tuple.tuple(m1, false));
    }

    @Test
    void listObjectsHidesKeysWhoseLatestIsAMarker() {
        String bucket = newVersionedBucket();
        put(bucket, "a", "1");
        put(bucket, "b", "2");
        put(bucket, "c", "3");
        s3.deleteObject(b -> b.bucket(bucket).key("b"));
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents())
                .extracting(S3Object::key)
                .containsExactly("a", "c");
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).keyCount()).isEqualTo(2);
        assertThat(s3.listObjects(b -> b.bucket(bucket)).contents())
                .extracting(S3Object::key)
                .containsExactly("a", "c");
        // A delimiter listing does not roll up a prefix that holds only markers.
        put(bucket, "dir/x", "x");
        s3.deleteObject(b -> b.bucket(bucket).key("dir/x"));
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket).delimiter("/")).commonPrefixes())
                .isEmpty();
    }

    @Test
    void deleteInSuspendedBucketReplacesTheNullVersionWithANullMarker() {
        String bucket = newVersionedBucket();
        String v1 = put(bucket, "k", "enabled");
        s3.putBucketVersioning(
                b -> b.bucket(bucket).versioningConfiguration(c -> c.status(BucketVersioningStatus.SUSPENDED)));
        put(bucket, "k", "suspended-null");
        DeleteObjectResponse r = s3.deleteObject(b -> b.bucket(bucket).key("k"));
        assertThat(r.deleteMarker()).isTrue();
        assertThat(r.versionId()).isEqualTo("null");
        ListObjectVersionsResponse list = s3.listObjectVersions(b -> b.bucket(bucket));
        // The null version's data is gone (replaced by the null marker); the enabled-era version stays.
        assertThat(list.versions())
                .extracting(ObjectVersion::versionId, ObjectVersion::isLatest)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(v1, false));
        assertThat(list.deleteMarkers())
                .extracting(DeleteMarkerEntry::versionId, DeleteMarkerEntry::isLatest)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("null", true));
        assertS3Error(() -> s3.getObject(b -> b.bucket(bucket).key("k")), 404, "NoSuchKey");
        assertS3Error(() -> s3.getObject(b -> b.bucket(bucket).key("k").versionId("null")), 405, "MethodNotAllowed");

        // A second delete replaces the null marker: still exactly one.
        s3.deleteObject(b -> b.bucket(bucket).key("k"));
        assertThat(s3.listObjectVersions(b -> b.bucket(bucket)).deleteMarkers()).hasSize(1);

        // A PUT in the suspended bucket replaces the null marker with a null version.
        put(bucket, "k", "back");
        ListObjectVersionsResponse after = s3.listObjectVersions(b -> b.bucket(bucket));
        assertThat(after.deleteMarkers()).isEmpty();
        assertThat(after.versions()).extracting(ObjectVersion::versionId).containsExactly("null", v1);
    }

    @Test
    void deleteObjectsWithVersionIdsAndPlainKeys() {
        String bucket = newVersionedBucket();
        String a1 = put(bucket, "a", "a1");
        String a2 = put(bucket, "a", "a2");
        String b1 = put(bucket, "b", "b1");
        String c1 = put(bucket, "c", "c1");
        String cMarker = s3.deleteObject(x -> x.bucket(bucket).key("c")).versionId();

        DeleteObjectsResponse r = s3.deleteObjects(x -> x.bucket(bucket)
                .delete(d -> d.objects(
                        ObjectIdentifier.builder().key("a").versionId(a2).build(),
                        ObjectIdentifier.builder().key("b").build(),
                        ObjectIdentifier.builder().key("c").versionId(cMarker).build())));
        assertThat(r.errors()).isEmpty();
        List<DeletedObject> deleted = r.deleted();
        assertThat(deleted).hasSize(3);
        DeletedObject da =
                deleted.stream().filter(d -> d.key().equals("a")).findFirst().orElseThrow();
        assertThat(da.versionId()).isEqualTo(a2);
        assertThat(da.deleteMarker()).isNull();
        assertThat(da.deleteMarkerVersionId()).isNull();
        DeletedObject db =
                deleted.stream().filter(d -> d.key().equals("b")).findFirst().orElseThrow();
        assertThat(db.versionId()).isNull();
        assertThat(db.deleteMarker()).isTrue();
        assertThat(db.deleteMarkerVersionId()).isNotNull().isNotEqualTo(b1);
        DeletedObject dc =
                deleted.stream().filter(d -> d.key().equals("c")).findFirst().orElseThrow();
        // Deleting a marker by version id: S3 reports the marker's id in both VersionId and DeleteMarkerVersionId.
        assertThat(dc.versionId()).isEqualTo(cMarker);
        assertThat(dc.deleteMarker()).isTrue();
        assertThat(dc.deleteMarkerVersionId()).isEqualTo(cMarker);

        assertThat(s3.getObjectAsBytes(x -> x.bucket(bucket).key("a")).asUtf8String())
                .isEqualTo("a1");
        assertThat(s3.headObject(x -> x.bucket(bucket).key("a")).versionId()).isEqualTo(a1);
        assertS3Error(() -> s3.getObject(x -> x.bucket(bucket).key("b")), 404, "NoSuchKey");
        assertThat(s3.getObjectAsBytes(x -> x.bucket(bucket).key("c"))
                        .response()
                        .versionId())
                .isEqualTo(c1);
    }

    @Test
    void deleteObjectsReportsAMalformedVersionIdAsAnError() {
        String bucket = newVersionedBucket();
        put(bucket, "a", "a1");
        DeleteObjectsResponse r = s3.deleteObjects(x -> x.bucket(bucket)
                .delete(d -> d.objects(ObjectIdentifier.builder()
                        .key("a")
                        .versionId("bad-version")
                        .build())));
        assertThat(r.deleted()).isEmpty();
        assertThat(r.errors()).hasSize(1);
        assertThat(r.errors().get(0).code()).isEqualTo("NoSuchVersion");
        assertThat(r.errors().get(0).message()).isEqualTo("The specified version does not exist.");
        assertThat(r.errors().get(0).versionId()).isEqualTo("bad-version");
    }

    @Test
    void deleteBucketHoldingOnlyDeleteMarkersIsBucketNotEmpty() {
        String bucket = newVersionedBucket();
        String v1 = put(bucket, "k", "x");
        s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(v1));
        s3.deleteObject(b -> b.bucket(bucket).key("k"));
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
        assertS3Error(
                () -> s3.deleteBucket(b -> b.bucket(bucket)),
                409,
                "BucketNotEmpty",
                "The bucket you tried to delete is not empty");
        // Removing the marker empties the bucket.
        String marker = s3.listObjectVersions(b -> b.bucket(bucket))
                .deleteMarkers()
                .get(0)
                .versionId();
        s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(marker));
        s3.deleteBucket(b -> b.bucket(bucket));
        assertS3Error(() -> s3.headBucket(b -> b.bucket(bucket)), 404, null);
    }

    @Test
    void deleteBucketHoldingOnlyNoncurrentVersionsIsBucketNotEmpty() {
        String bucket = newVersionedBucket();
        put(bucket, "k", "x");
        s3.deleteObject(b -> b.bucket(bucket).key("k"));
        assertS3Error(
                () -> s3.deleteBucket(b -> b.bucket(bucket)),
                409,
                "BucketNotEmpty",
                "The bucket you tried to delete is not empty");
    }

    @Test
    void permanentlyDeletingAVersionKeepsCopiesThatShareItsData() {
        String bucket = newVersionedBucket();
        byte[] data = new byte[200_000];
        new java.util.Random(7).nextBytes(data);
        String v1 = s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromBytes(data))
                .versionId();
        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("k")
                .sourceVersionId(v1)
                .destinationBucket(bucket)
                .destinationKey("copy"));
        s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(v1));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("copy")).asByteArray())
                .isEqualTo(data);
    }

    @Test
    void replacingTheNullVersionKeepsCopiesThatShareItsData() {
        String bucket = newVersionedBucket();
        s3.putBucketVersioning(
                b -> b.bucket(bucket).versioningConfiguration(c -> c.status(BucketVersioningStatus.SUSPENDED)));
        byte[] data = new byte[200_000];
        new java.util.Random(8).nextBytes(data);
        s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromBytes(data));
        s3.putBucketVersioning(
                b -> b.bucket(bucket).versioningConfiguration(c -> c.status(BucketVersioningStatus.ENABLED)));
        // A versioned copy of the null version onto its own key, then the null version is replaced.
        String v1 = s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("k")
                        .sourceVersionId("null")
                        .destinationBucket(bucket)
                        .destinationKey("k")
                        .metadataDirective(software.amazon.awssdk.services.s3.model.MetadataDirective.REPLACE))
                .versionId();
        s3.putBucketVersioning(
                b -> b.bucket(bucket).versioningConfiguration(c -> c.status(BucketVersioningStatus.SUSPENDED)));
        put(bucket, "k", "replacement");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").versionId(v1))
                        .asByteArray())
                .isEqualTo(data);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").versionId("null"))
                        .asUtf8String())
                .isEqualTo("replacement");
    }
}

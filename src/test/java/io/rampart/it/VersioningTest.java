package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * Versioning state transitions (unversioned → Enabled ⇄ Suspended, never back), x-amz-version-id on writes, the
 * "null" version rules, and versionId on GET, HEAD, copy source and tagging, as on AWS S3.
 */
class VersioningTest {
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

    static String newBucket() {
        String name = "versioning-" + SEQ.incrementAndGet();
        s3.createBucket(b -> b.bucket(name));
        return name;
    }

    static void setVersioning(String bucket, BucketVersioningStatus status) {
        s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(c -> c.status(status)));
    }

    static PutObjectResponse put(String bucket, String key, String body) {
        return s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(body));
    }

    static String get(String bucket, String key, String versionId) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).versionId(versionId))
                .asUtf8String();
    }

    static List<ObjectVersion> versions(String bucket, String key) {
        return s3.listObjectVersions(b -> b.bucket(bucket).prefix(key)).versions().stream()
                .filter(v -> v.key().equals(key))
                .toList();
    }

    // ---- state transitions ----

    @Test
    void newBucketHasNoVersioningStatus() {
        String bucket = newBucket();
        GetBucketVersioningResponse r = s3.getBucketVersioning(b -> b.bucket(bucket));
        assertThat(r.status()).isNull();
        assertThat(r.statusAsString()).isNull();
        assertThat(r.mfaDelete()).isNull();
        // The raw document is an empty VersioningConfiguration, as S3 sends for a never-versioned bucket.
        RawS3.Reply reply = raw.signed("GET", "/" + bucket + "?versioning", Map.of(), null);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text()).contains("<VersioningConfiguration").doesNotContain("<Status>");
    }

    @Test
    void versioningGoesEnabledSuspendedEnabledAndNeverBackToUnversioned() {
        String bucket = newBucket();
        setVersioning(bucket, BucketVersioningStatus.ENABLED);
        assertThat(s3.getBucketVersioning(b -> b.bucket(bucket)).status()).isEqualTo(BucketVersioningStatus.ENABLED);
        setVersioning(bucket, BucketVersioningStatus.SUSPENDED);
        assertThat(s3.getBucketVersioning(b -> b.bucket(bucket)).status()).isEqualTo(BucketVersioningStatus.SUSPENDED);
        setVersioning(bucket, BucketVersioningStatus.ENABLED);
        assertThat(s3.getBucketVersioning(b -> b.bucket(bucket)).status()).isEqualTo(BucketVersioningStatus.ENABLED);

        // A configuration without Status changes nothing: there is no way back to "unversioned".
        RawS3.Reply noStatus = raw.signed(
                "PUT",
                "/" + bucket + "?versioning",
                Map.of(),
                "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></VersioningConfiguration>"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(noStatus.status()).isEqualTo(200);
        assertThat(s3.getBucketVersioning(b -> b.bucket(bucket)).status()).isEqualTo(BucketVersioningStatus.ENABLED);
    }

    @Test
    void unknownVersioningStatusIsMalformedXml() {
        String bucket = newBucket();
        RawS3.Reply r = raw.signed(
                "PUT",
                "/" + bucket + "?versioning",
                Map.of(),
                "<VersioningConfiguration><Status>Disabled</Status></VersioningConfiguration>"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error())
                .containsEntry("Code", "MalformedXML")
                .containsEntry(
                        "Message",
                        "The XML you provided was not well-formed or did not validate against our published schema");
        assertThat(s3.getBucketVersioning(b -> b.bucket(bucket)).status()).isNull();
    }

    @Test
    void suspendingANeverVersionedBucketMakesItSuspended() {
        String bucket = newBucket();
        setVersioning(bucket, BucketVersioningStatus.SUSPENDED);
        assertThat(s3.getBucketVersioning(b -> b.bucket(bucket)).status()).isEqualTo(BucketVersioningStatus.SUSPENDED);
    }

    // ---- x-amz-version-id on writes ----

    @Test
    void neverVersionedBucketSendsNoVersionId() {
        String bucket = newBucket();
        PutObjectResponse r = put(bucket, "k", "v1");
        assertThat(r.versionId()).isNull();
        assertThat(r.sdkHttpResponse().firstMatchingHeader("x-amz-version-id")).isEmpty();
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k")).versionId()).isNull();
        assertThat(s3.getObject(b -> b.bucket(bucket).key("k")).response().versionId())
                .isNull();
        var del = s3.deleteObject(b -> b.bucket(bucket).key("k"));
        assertThat(del.versionId()).isNull();
        assertThat(del.deleteMarker()).isNull();
    }

    @Test
    void enabledBucketGivesEachPutANewVersionId() {
        String bucket = newBucket();
        setVersioning(bucket, BucketVersioningStatus.ENABLED);
        String v1 = put(bucket, "k", "one").versionId();
        String v2 = put(bucket, "k", "two").versionId();
        assertThat(v1).isNotNull().isNotEqualTo("null").isNotEqualTo(v2);
        assertThat(v2).isNotNull().isNotEqualTo("null");
        assertThat(get(bucket, "k", v1)).isEqualTo("one");
        assertThat(get(bucket, "k", v2)).isEqualTo("two");
        var latest = s3.getObjectAsBytes(b -> b.bucket(bucket).key("k"));
        assertThat(latest.asUtf8String()).isEqualTo("two");
        assertThat(latest.response().versionId()).isEqualTo(v2);
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k").versionId(v1)).versionId())
                .isEqualTo(v1);
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k").versionId(v1)).contentLength())
                .isEqualTo(3);
    }

    @Test
    void suspendedBucketAnswersNullVersionId() {
        String bucket = newBucket();
        setVersioning(bucket, BucketVersioningStatus.ENABLED);
        setVersioning(bucket, BucketVersioningStatus.SUSPENDED);
        PutObjectResponse r = put(bucket, "k", "suspended");
        assertThat(r.versionId()).isEqualTo("null");
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k")).versionId()).isEqualTo("null");
    }

    // ---- null-version semantics ----

    @Test
    void objectsWrittenBeforeEnablingKeepTheNullVersionId() {
        String bucket = newBucket();
        put(bucket, "k", "before");
        setVersioning(bucket, BucketVersioningStatus.ENABLED);
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k")).versionId()).isEqualTo("null");
        String v1 = put(bucket, "k", "after").versionId();

        assertThat(get(bucket, "k", "null")).isEqualTo("before");
        assertThat(get(bucket, "k", v1)).isEqualTo("after");
        List<ObjectVersion> vs = versions(bucket, "k");
        assertThat(vs).extracting(ObjectVersion::versionId).containsExactly(v1, "null");
        assertThat(vs).extracting(ObjectVersion::isLatest).containsExactly(true, false);
    }

    @Test
    void putInSuspendedBucketReplacesTheNullVersionAndKeepsTheOthers() {
        String bucket = newBucket();
        put(bucket, "k", "null-1");
        setVersioning(bucket, BucketVersioningStatus.ENABLED);
        String v1 = put(bucket, "k", "enabled-1").versionId();
        String v2 = put(bucket, "k", "enabled-2").versionId();
        setVersioning(bucket, BucketVersioningStatus.SUSPENDED);

        assertThat(put(bucket, "k", "null-2").versionId()).isEqualTo("null");
        List<ObjectVersion> vs = versions(bucket, "k");
        assertThat(vs).extracting(ObjectVersion::versionId).containsExactly("null", v2, v1);
        assertThat(vs).extracting(ObjectVersion::isLatest).containsExactly(true, false, false);
        assertThat(get(bucket, "k", "null")).isEqualTo("null-2");
        assertThat(get(bucket, "k", v1)).isEqualTo("enabled-1");
        assertThat(get(bucket, "k", v2)).isEqualTo("enabled-2");

        // Another PUT replaces the null version again: still one null version, the enabled ones untouched.
        put(bucket, "k", "null-3");
        assertThat(versions(bucket, "k")).extracting(ObjectVersion::versionId).containsExactly("null", v2, v1);
        assertThat(get(bucket, "k", null)).isEqualTo("null-3");

        // Re-enabling keeps the null version as an ordinary older version.
        setVersioning(bucket, BucketVersioningStatus.ENABLED);
        String v3 = put(bucket, "k", "enabled-3").versionId();
        assertThat(versions(bucket, "k")).extracting(ObjectVersion::versionId).containsExactly(v3, "null", v2, v1);
        assertThat(get(bucket, "k", "null")).isEqualTo("null-3");
    }

    @Test
    void putInSuspendedBucketReplacesANullVersionThatIsNotTheLatest() {
        String bucket = newBucket();
        put(bucket, "k", "null-1");
        setVersioning(bucket, BucketVersioningStatus.ENABLED);
        String v1 = put(bucket, "k", "enabled-1").versionId();
        setVersioning(bucket, BucketVersioningStatus.SUSPENDED);
        put(bucket, "k", "null-2");
        List<ObjectVersion> vs = versions(bucket, "k");
        // The old null version (older than v1) is gone; the new null version is the latest.
        assertThat(vs).extracting(ObjectVersion::versionId).containsExactly("null", v1);
        assertThat(vs).extracting(ObjectVersion::size).containsExactly(6L, 9L);
    }

    @Test
    void copyInSuspendedBucketWritesTheNullVersion() {
        String bucket = newBucket();
        setVersioning(bucket, BucketVersioningStatus.ENABLED);
        String v1 = put(bucket, "src", "source").versionId();
        setVersioning(bucket, BucketVersioningStatus.SUSPENDED);
        CopyObjectResponse r = s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("dst"));
        assertThat(r.versionId()).isEqualTo("null");
        assertThat(r.copySourceVersionId()).isEqualTo(v1);
        assertThat(get(bucket, "dst", "null")).isEqualTo("source");
    }

    // ---- versionId on reads, copies and tagging ----

    @Test
    void unknownVersionIdIsNoSuchVersion() {
        String bucket = newBucket();
        setVersioning(bucket, BucketVersioningStatus.ENABLED);
        put(bucket, "k", "x");
        String unknown = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        var e = assertS3Error(
                () -> s3.getObject(b -> b.bucket(bucket).key("k").versionId(unknown)),
                404,
                "NoSuchVersion",
                "The specified version does not exist.");
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchVersion");
        RawS3.Reply reply = raw.signed("GET", "/" + bucket + "/k?versionId=" + unknown, Map.of(), null);
        assertThat(reply.error()).containsEntry("Key", "k").containsEntry("VersionId", unknown);
        assertS3Error(() -> s3.headObject(b -> b.bucket(bucket).key("k").versionId(unknown)), 404, null);
        assertS3Error(
                () -> s3.getObjectTagging(b -> b.bucket(bucket).key("k").versionId(unknown)),
                404,
                "NoSuchVersion",
                "The specified version does not exist.");
        // The null version does not exist either when every write was versioned.
        assertS3Error(
                () -> s3.getObject(b -> b.bucket(bucket).key("k").versionId("null")),
                404,
                "NoSuchVersion",
                "The specified version does not exist.");
    }

    @Test
    void malformedVersionIdIsInvalidArgument() {
        String bucket = newBucket();
        setVersioning(bucket, BucketVersioningStatus.ENABLED);
        put(bucket, "k", "x");
        assertS3Error(
                () -> s3.getObject(b -> b.bucket(bucket).key("k").versionId("not-a-version")),
                400,
                "InvalidArgument",
                "Invalid version id specified");
        RawS3.Reply reply = raw.signed("GET", "/" + bucket + "/k?versionId=not-a-version", Map.of(), null);
        assertThat(reply.error())
                .containsEntry("ArgumentName", "versionId")
                .containsEntry("ArgumentValue", "not-a-version");
        assertS3Error(
                () -> s3.deleteObject(b -> b.bucket(bucket).key("k").versionId("not-a-version")),
                400,
                "InvalidArgument",
                "Invalid version id specified");
        assertS3Error(
                () -> s3.putObjectTagging(b -> b.bucket(bucket)
                        .key("k")
                        .versionId("bad")
                        .tagging(t -> t.tagSet(Tag.builder().key("a").value("b").build()))),
                400,
                "InvalidArgument",
                "Invalid version id specified");
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("k")
                        .sourceVersionId("bad")
                        .destinationBucket(bucket)
                        .destinationKey("copy")),
                400,
                "InvalidArgument",
                "Invalid version id specified");
    }

    @Test
    void copySourceVersionIdCopiesThatVersion() {
        String bucket = newBucket();
        setVersioning(bucket, BucketVersioningStatus.ENABLED);
        String v1 = put(bucket, "k", "first").versionId();
        put(bucket, "k", "second");
        CopyObjectResponse r = s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("k")
                .sourceVersionId(v1)
                .destinationBucket(bucket)
                .destinationKey("copy"));
        assertThat(r.copySourceVersionId()).isEqualTo(v1);
        assertThat(r.versionId()).isNotNull().isNotEqualTo(v1);
        assertThat(get(bucket, "copy", null)).isEqualTo("first");

        // Copying an old version onto its own key restores it as a new latest version.
        CopyObjectResponse restore = s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("k")
                .sourceVersionId(v1)
                .destinationBucket(bucket)
                .destinationKey("k"));
        assertThat(get(bucket, "k", null)).isEqualTo("first");
        assertThat(versions(bucket, "k"))
                .hasSize(3)
                .first()
                .extracting(ObjectVersion::versionId)
                .isEqualTo(restore.versionId());

        String unknown = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("k")
                        .sourceVersionId(unknown)
                        .destinationBucket(bucket)
                        .destinationKey("copy2")),
                404,
                "NoSuchVersion",
                "The specified version does not exist.");
    }

    @Test
    void copyFromNeverVersionedBucketHasNoSourceVersionId() {
        String bucket = newBucket();
        put(bucket, "k", "data");
        CopyObjectResponse r = s3.copyObject(b ->
                b.sourceBucket(bucket).sourceKey("k").destinationBucket(bucket).destinationKey("copy"));
        assertThat(r.copySourceVersionId()).isNull();
        assertThat(r.versionId()).isNull();
    }

    @Test
    void taggingAddressesOneVersion() {
        String bucket = newBucket();
        setVersioning(bucket, BucketVersioningStatus.ENABLED);
        String v1 = put(bucket, "k", "first").versionId();
        String v2 = put(bucket, "k", "second").versionId();
        var r = s3.putObjectTagging(b -> b.bucket(bucket)
                .key("k")
                .versionId(v1)
                .tagging(t -> t.tagSet(Tag.builder().key("which").value("first").build())));
        assertThat(r.versionId()).isEqualTo(v1);
        assertThat(s3.getObjectTagging(b -> b.bucket(bucket).key("k").versionId(v1))
                        .tagSet())
                .extracting(Tag::key, Tag::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("which", "first"));
        var latest = s3.getObjectTagging(b -> b.bucket(bucket).key("k"));
        assertThat(latest.tagSet()).isEmpty();
        assertThat(latest.versionId()).isEqualTo(v2);
        var onV1 = s3.getObjectTagging(b -> b.bucket(bucket).key("k").versionId(v1));
        assertThat(onV1.versionId()).isEqualTo(v1);

        // Without versionId, tagging goes to the latest version.
        var r2 = s3.putObjectTagging(b -> b.bucket(bucket)
                .key("k")
                .tagging(
                        t -> t.tagSet(Tag.builder().key("which").value("second").build())));
        assertThat(r2.versionId()).isEqualTo(v2);
        assertThat(s3.getObjectTagging(b -> b.bucket(bucket).key("k").versionId(v2))
                        .tagSet())
                .extracting(Tag::value)
                .containsExactly("second");
        assertThat(s3.getObjectTagging(b -> b.bucket(bucket).key("k").versionId(v1))
                        .tagSet())
                .extracting(Tag::value)
                .containsExactly("first");
    }

    @Test
    void uploadPartCopyReportsAndCopiesTheSourceVersion() {
        String bucket = newBucket();
        setVersioning(bucket, BucketVersioningStatus.ENABLED);
        String v1 = put(bucket, "src", "first version").versionId();
        String v2 = put(bucket, "src", "second version").versionId();
        String uploadId =
                s3.createMultipartUpload(b -> b.bucket(bucket).key("mpu")).uploadId();
        var part = s3.uploadPartCopy(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .sourceVersionId(v1)
                .destinationBucket(bucket)
                .destinationKey("mpu")
                .uploadId(uploadId)
                .partNumber(1));
        assertThat(part.copySourceVersionId()).isEqualTo(v1);
        var latest = s3.uploadPartCopy(b -> b.sourceBucket(bucket)
                .sourceKey("src")
                .destinationBucket(bucket)
                .destinationKey("mpu")
                .uploadId(uploadId)
                .partNumber(2));
        assertThat(latest.copySourceVersionId()).isEqualTo(v2);
        // Parts before the last must be 5 MiB: complete with the versioned copy alone.
        var done = s3.completeMultipartUpload(b -> b.bucket(bucket)
                .key("mpu")
                .uploadId(uploadId)
                .multipartUpload(m ->
                        m.parts(p -> p.partNumber(1).eTag(part.copyPartResult().eTag()))));
        assertThat(done.versionId()).isNotNull().isNotEqualTo("null");
        assertThat(get(bucket, "mpu", done.versionId())).isEqualTo("first version");
    }

    @Test
    void eachVersionRecordsTheAccessKeyThatWroteIt() throws Exception {
        String bucket = newBucket();
        setVersioning(bucket, BucketVersioningStatus.ENABLED);
        String v1 = put(bucket, "k", "one").versionId();
        String marker = s3.deleteObject(b -> b.bucket(bucket).key("k")).versionId();
        // Not visible over S3: read the server's metadata store (read-only) to check what recovery will rely on.
        try (var c = server.openMetadata();
                var ps = c.prepareStatement(
                        "SELECT version_id, writer_arn, writer_key FROM objects WHERE bucket = ? ORDER BY seq")) {
            ps.setString(1, bucket);
            List<String> rows = new java.util.ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    assertThat(rs.getString(2))
                            .as("writer ARN of %s", rs.getString(1))
                            .isNotBlank()
                            .contains(server.accountId());
                    rows.add(rs.getString(1) + " " + rs.getString(3));
                }
            }
            assertThat(rows)
                    .containsExactly(v1 + " " + RampartServer.ACCESS_KEY, marker + " " + RampartServer.ACCESS_KEY);
        }
    }
}

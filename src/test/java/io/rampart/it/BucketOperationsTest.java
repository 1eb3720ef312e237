package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

class BucketOperationsTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static S3Client s3;
    static final AtomicInteger SEQ = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
    }

    static String bucketName(String stem) {
        return stem + "-" + SEQ.incrementAndGet();
    }

    @Test
    void listBucketsReturnsCreatedBucketsInNameOrderWithCreationDate() {
        Instant before = Instant.now().minusSeconds(2);
        String b1 = bucketName("list-zz");
        String b2 = bucketName("list-aa");
        s3.createBucket(b -> b.bucket(b1));
        s3.createBucket(b -> b.bucket(b2));
        var resp = s3.listBuckets();
        var names = resp.buckets().stream().map(Bucket::name).toList();
        assertThat(names).contains(b1, b2);
        assertThat(names).isSorted();
        Bucket listed = resp.buckets().stream()
                .filter(b -> b.name().equals(b1))
                .findFirst()
                .orElseThrow();
        assertThat(listed.creationDate()).isBetween(before, Instant.now().plus(Duration.ofSeconds(2)));
        assertThat(resp.owner()).isNotNull();
        assertThat(resp.owner().id()).isNotBlank();
    }

    @Test
    void createBucketWithoutLocationConstraintSucceedsAndHeadBucketAnswers200() {
        String name = bucketName("plain");
        var created = s3.createBucket(b -> b.bucket(name));
        assertThat(created.sdkHttpResponse().statusCode()).isEqualTo(200);
        assertThat(created.location()).isEqualTo("/" + name);
        var head = s3.headBucket(b -> b.bucket(name));
        assertThat(head.sdkHttpResponse().statusCode()).isEqualTo(200);
        assertThat(head.bucketRegion()).isEqualTo("us-east-1");
    }

    @Test
    void createBucketWithExplicitUsEast1ConstraintIsInvalidLocationConstraint() {
        String name = bucketName("explicit-use1");
        assertS3Error(
                () -> s3.createBucket(
                        b -> b.bucket(name).createBucketConfiguration(c -> c.locationConstraint("us-east-1"))),
                400,
                "InvalidLocationConstraint",
                "The specified location-constraint is not valid");
        assertThatThrownBy(() -> s3.headBucket(b -> b.bucket(name))).isInstanceOf(NoSuchBucketException.class);
    }

    @Test
    void createBucketWithAnotherRegionIsIllegalLocationConstraintException() {
        String name = bucketName("other-region");
        assertS3Error(
                () -> s3.createBucket(
                        b -> b.bucket(name).createBucketConfiguration(c -> c.locationConstraint("eu-west-1"))),
                400,
                "IllegalLocationConstraintException",
                "The eu-west-1 location constraint is incompatible for the region specific endpoint this request was sent to.");
        assertThatThrownBy(() -> s3.headBucket(b -> b.bucket(name))).isInstanceOf(NoSuchBucketException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "UpperCase-bucket", // uppercase
                "ab", // shorter than 3
                "a234567890123456789012345678901234567890123456789012345678901234", // 64 characters
                "192.168.5.4", // formatted as an IP address
                "my..bucket", // adjacent periods
                "xn--bucket", // reserved prefix
                "-leading-hyphen",
                "trailing-hyphen-",
                "under_score",
                "dot-.hyphen",
                "bucket-s3alias", // reserved suffix
            })
    void createBucketWithInvalidNameIsInvalidBucketName(String name) {
        // The SDK refuses most of these names itself, so the request goes out as raw signed HTTP.
        var r = new RawS3(server).signed("PUT", "/" + name, java.util.Map.of(), null);
        assertThat(r.status()).as("status; body %s", r.text()).isEqualTo(400);
        var error = r.error();
        assertThat(error.get("Code")).isEqualTo("InvalidBucketName");
        assertThat(error.get("Message")).isEqualTo("The specified bucket is not valid.");
        assertThat(error.get("BucketName")).isEqualTo(name);
        assertThat(s3.listBuckets().buckets()).extracting(Bucket::name).doesNotContain(name);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "abc",
                "a23456789012345678901234567890123456789012345678901234567890123",
                "my.dotted.bucket",
                "1-starts-with-digit"
            })
    void createBucketAcceptsNamesAtTheLimitsOfTheRules(String name) {
        s3.createBucket(b -> b.bucket(name));
        assertThat(s3.headBucket(b -> b.bucket(name)).sdkHttpResponse().statusCode())
                .isEqualTo(200);
    }

    @Test
    void createBucketTwiceInUsEast1AnswersTheOwner200AndKeepsTheBucket() {
        // S3's legacy us-east-1 behaviour: BucketAlreadyOwnedByYou everywhere else (see CreateBucketRegionTest).
        String name = bucketName("twice");
        s3.createBucket(b -> b.bucket(name));
        s3.putObject(b -> b.bucket(name).key("kept"), RequestBody.fromString("x"));
        var again = s3.createBucket(b -> b.bucket(name));
        assertThat(again.sdkHttpResponse().statusCode()).isEqualTo(200);
        assertThat(again.location()).isEqualTo("/" + name);
        assertThat(s3.headObject(b -> b.bucket(name).key("kept")).contentLength())
                .isEqualTo(1L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-a-region", "moon", "US", "eu_west_1"})
    void createBucketWithAConstraintThatIsNoRegionIsInvalidLocationConstraint(String constraint) {
        String name = bucketName("bad-constraint");
        var r = new RawS3(server)
                .signed(
                        "PUT",
                        "/" + name,
                        java.util.Map.of(),
                        ("<CreateBucketConfiguration><LocationConstraint>" + constraint
                                        + "</LocationConstraint></CreateBucketConfiguration>")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.error().get("Code")).isEqualTo("InvalidLocationConstraint");
        assertThat(r.error().get("Message")).isEqualTo("The specified location-constraint is not valid");
        assertThat(r.error().get("LocationConstraint")).isEqualTo(constraint);
        assertThatThrownBy(() -> s3.headBucket(b -> b.bucket(name))).isInstanceOf(NoSuchBucketException.class);
    }

    @Test
    void headBucketOfMissingBucketIs404() {
        var e = assertS3Error(() -> s3.headBucket(b -> b.bucket(bucketName("never-created"))), 404, null);
        assertThat(e).isInstanceOf(NoSuchBucketException.class);
        assertThat(e.requestId()).isNotBlank();
    }

    @Test
    void deleteEmptyBucketAnswers204AndTheBucketIsGone() {
        String name = bucketName("delete-me");
        s3.createBucket(b -> b.bucket(name));
        var resp = s3.deleteBucket(b -> b.bucket(name));
        assertThat(resp.sdkHttpResponse().statusCode()).isEqualTo(204);
        assertThatThrownBy(() -> s3.headBucket(b -> b.bucket(name))).isInstanceOf(NoSuchBucketException.class);
        assertThat(s3.listBuckets().buckets()).extracting(Bucket::name).doesNotContain(name);
    }

    @Test
    void deleteMissingBucketIsNoSuchBucket() {
        String name = bucketName("not-there");
        assertS3Error(
                () -> s3.deleteBucket(b -> b.bucket(name)), 404, "NoSuchBucket", "The specified bucket does not exist");
    }

    @Test
    void deleteBucketHoldingAnObjectIsBucketNotEmpty() {
        String name = bucketName("not-empty");
        s3.createBucket(b -> b.bucket(name));
        s3.putObject(b -> b.bucket(name).key("k"), RequestBody.fromString("x"));
        assertS3Error(
                () -> s3.deleteBucket(b -> b.bucket(name)),
                409,
                "BucketNotEmpty",
                "The bucket you tried to delete is not empty");
        assertThat(s3.headBucket(b -> b.bucket(name)).sdkHttpResponse().statusCode())
                .isEqualTo(200);
        s3.deleteObject(b -> b.bucket(name).key("k"));
        assertThat(s3.deleteBucket(b -> b.bucket(name)).sdkHttpResponse().statusCode())
                .isEqualTo(204);
    }

    @Test
    void deleteBucketWithOnlyInProgressMultipartUploadsAbortsThemAndFreesTheirParts() throws Exception {
        String name = bucketName("mpu-only");
        s3.createBucket(b -> b.bucket(name));
        java.util.Set<java.nio.file.Path> before = blobFiles();
        String first =
                s3.createMultipartUpload(b -> b.bucket(name).key("a/big")).uploadId();
        String second =
                s3.createMultipartUpload(b -> b.bucket(name).key("b/other")).uploadId();
        s3.uploadPart(
                b -> b.bucket(name).key("a/big").uploadId(first).partNumber(1), RequestBody.fromString("part one"));
        s3.uploadPart(
                b -> b.bucket(name).key("a/big").uploadId(first).partNumber(2), RequestBody.fromString("part two"));
        s3.uploadPart(b -> b.bucket(name).key("b/other").uploadId(second).partNumber(1), RequestBody.fromString("p"));
        assertThat(blobFiles()).hasSize(before.size() + 3);

        var resp = s3.deleteBucket(b -> b.bucket(name));

        assertThat(resp.sdkHttpResponse().statusCode()).isEqualTo(204);
        assertThatThrownBy(() -> s3.headBucket(b -> b.bucket(name))).isInstanceOf(NoSuchBucketException.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!blobFiles().equals(before) && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(blobFiles()).as("the aborted uploads' part blobs are freed").isEqualTo(before);
        // A bucket re-created under the same name has none of the old uploads.
        s3.createBucket(b -> b.bucket(name));
        assertThat(s3.listMultipartUploads(b -> b.bucket(name)).uploads()).isEmpty();
        assertS3Error(() -> s3.listParts(b -> b.bucket(name).key("a/big").uploadId(first)), 404, "NoSuchUpload");
        s3.deleteBucket(b -> b.bucket(name));
    }

    @Test
    void deleteBucketWithAnObjectAndAnUploadIsBucketNotEmptyAndKeepsTheUpload() {
        String name = bucketName("mpu-and-object");
        s3.createBucket(b -> b.bucket(name));
        s3.putObject(b -> b.bucket(name).key("k"), RequestBody.fromString("x"));
        String upload = s3.createMultipartUpload(b -> b.bucket(name).key("m")).uploadId();
        s3.uploadPart(b -> b.bucket(name).key("m").uploadId(upload).partNumber(1), RequestBody.fromString("part"));

        assertS3Error(
                () -> s3.deleteBucket(b -> b.bucket(name)),
                409,
                "BucketNotEmpty",
                "The bucket you tried to delete is not empty");

        assertThat(s3.listParts(b -> b.bucket(name).key("m").uploadId(upload)).parts())
                .hasSize(1);
        s3.deleteObject(b -> b.bucket(name).key("k"));
        assertThat(s3.deleteBucket(b -> b.bucket(name)).sdkHttpResponse().statusCode())
                .isEqualTo(204);
    }

    static java.util.Set<java.nio.file.Path> blobFiles() throws java.io.IOException {
        java.nio.file.Path blobs = server.dataDir().resolve("blobs");
        if (!java.nio.file.Files.exists(blobs)) return java.util.Set.of();
        try (var files = java.nio.file.Files.walk(blobs)) {
            return files.filter(java.nio.file.Files::isRegularFile).collect(java.util.stream.Collectors.toSet());
        }
    }

    @Test
    void getBucketLocationOfUsEast1BucketIsAnEmptyConstraint() {
        String name = bucketName("location");
        s3.createBucket(b -> b.bucket(name));
        var loc = s3.getBucketLocation(b -> b.bucket(name));
        assertThat(loc.locationConstraintAsString()).isNullOrEmpty();
    }

    @Test
    void getBucketLocationOfMissingBucketIsNoSuchBucket() {
        assertS3Error(
                () -> s3.getBucketLocation(b -> b.bucket(bucketName("no-location"))),
                404,
                "NoSuchBucket",
                "The specified bucket does not exist");
    }

    @Test
    void createBucketWithMalformedConfigurationIsMalformedXml() {
        String name = bucketName("bad-config");
        var r = new RawS3(server)
                .signed(
                        "PUT",
                        "/" + name,
                        java.util.Map.of(),
                        "<CreateBucketConfiguration><LocationConstraint>"
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.error().get("Code")).isEqualTo("MalformedXML");
        assertThat(r.error().get("Message"))
                .isEqualTo("The XML you provided was not well-formed or did not validate against our published schema");
        assertThatThrownBy(() -> s3.headBucket(b -> b.bucket(name))).isInstanceOf(NoSuchBucketException.class);
    }
}

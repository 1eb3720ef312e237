package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ObjectAttributes;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;
import software.amazon.awssdk.services.s3.model.Payer;

/** What real clients (s3cmd, rclone, the AWS CLI, boto3 scripts, Terraform) ask and AWS answers, found by running them. */
class ClientCompatibilityTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static S3Client s3;
    static RawS3 raw;
    static final String BUCKET = "compat";
    static final String NOT_ALLOWED = "The bucket does not allow ACLs";

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        raw = RAMPART.raw();
        s3.createBucket(b -> b.bucket(BUCKET));
        s3.createBucket(b -> b.bucket("compat-mfa"));
        s3.putObject(b -> b.bucket(BUCKET).key("present"), RequestBody.fromString("here"));
    }

    // s3cmd ws-info and info, Terraform's aws_s3_bucket refresh: "never configured", not 501.

    @Test
    void getBucketWebsiteOfABucketWithoutOneIsNoSuchWebsiteConfiguration() {
        var e = assertS3Error(
                () -> s3.getBucketWebsite(b -> b.bucket(BUCKET)),
                404,
                "NoSuchWebsiteConfiguration",
                "The specified bucket does not have a website configuration");
        assertThat(e.awsErrorDetails().sdkHttpResponse().statusCode()).isEqualTo(404);
    }

    @Test
    void getBucketCorsOfABucketWithoutOneIsNoSuchCorsConfiguration() {
        assertS3Error(
                () -> s3.getBucketCors(b -> b.bucket(BUCKET)),
                404,
                "NoSuchCORSConfiguration",
                "The CORS configuration does not exist");
    }

    @Test
    void getBucketTaggingOfABucketWithoutTagsIsNoSuchTagSet() {
        assertS3Error(
                () -> s3.getBucketTagging(b -> b.bucket(BUCKET)), 404, "NoSuchTagSet", "The TagSet does not exist");
    }

    @Test
    void deletingAbsentWebsiteCorsAndTagsSucceedsWith204() {
        assertThat(s3.deleteBucketWebsite(b -> b.bucket(BUCKET))
                        .sdkHttpResponse()
                        .statusCode())
                .isEqualTo(204);
        assertThat(s3.deleteBucketCors(b -> b.bucket(BUCKET)).sdkHttpResponse().statusCode())
                .isEqualTo(204);
        assertThat(s3.deleteBucketTagging(b -> b.bucket(BUCKET))
                        .sdkHttpResponse()
                        .statusCode())
                .isEqualTo(204);
    }

    @Test
    void unconfiguredSubresourcesOfAMissingBucketAreNoSuchBucket() {
        assertS3Error(() -> s3.getBucketWebsite(b -> b.bucket("compat-missing")), 404, "NoSuchBucket");
        assertS3Error(() -> s3.getBucketRequestPayment(b -> b.bucket("compat-missing")), 404, "NoSuchBucket");
    }

    @Test
    void requestPaymentIsBucketOwner() {
        assertThat(s3.getBucketRequestPayment(b -> b.bucket(BUCKET)).payer()).isEqualTo(Payer.BUCKET_OWNER);
    }

    @Test
    void putRequestPaymentBucketOwnerIsAcceptedAndRequesterIsNotImplemented() {
        assertThat(s3.putBucketRequestPayment(
                                b -> b.bucket(BUCKET).requestPaymentConfiguration(c -> c.payer(Payer.BUCKET_OWNER)))
                        .sdkHttpResponse()
                        .statusCode())
                .isEqualTo(200);
        assertS3Error(
                () -> s3.putBucketRequestPayment(
                        b -> b.bucket(BUCKET).requestPaymentConfiguration(c -> c.payer(Payer.REQUESTER))),
                501,
                "NotImplemented");
        assertThat(s3.getBucketRequestPayment(b -> b.bucket(BUCKET)).payer()).isEqualTo(Payer.BUCKET_OWNER);
    }

    @Test
    void accelerateConfigurationOfABucketNeverAcceleratedHasNoStatus() {
        var r = s3.getBucketAccelerateConfiguration(b -> b.bucket(BUCKET));
        assertThat(r.status()).isNull();
    }

    @Test
    void ownershipControlsAreBucketOwnerEnforced() {
        var rules = s3.getBucketOwnershipControls(b -> b.bucket(BUCKET))
                .ownershipControls()
                .rules();
        assertThat(rules).hasSize(1);
        assertThat(rules.get(0).objectOwnership()).isEqualTo(ObjectOwnership.BUCKET_OWNER_ENFORCED);
    }

    @Test
    void unconfiguredSubresourcesAreDeniedToAnonymousCallers() {
        var r = raw.unsigned("GET", "/" + BUCKET + "?website", Map.of(), null);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.error().get("Code")).isEqualTo("AccessDenied");
    }

    // ACL writes with ACLs disabled (s3cmd setacl, aws s3api put-object-acl / put-bucket-acl, rclone's x-amz-acl).

    @Test
    void putBucketAclPrivateIsAcceptedAndChangesNothing() {
        assertThat(s3.putBucketAcl(b -> b.bucket(BUCKET).acl(BucketCannedACL.PRIVATE))
                        .sdkHttpResponse()
                        .statusCode())
                .isEqualTo(200);
        assertThat(s3.getBucketAcl(b -> b.bucket(BUCKET)).grants()).hasSize(1);
    }

    @Test
    void putBucketAclPublicReadIsAccessControlListNotSupported() {
        assertS3Error(
                () -> s3.putBucketAcl(b -> b.bucket(BUCKET).acl(BucketCannedACL.PUBLIC_READ)),
                400,
                "AccessControlListNotSupported",
                NOT_ALLOWED);
    }

    @Test
    void putObjectAclPrivateIsAcceptedAndPublicReadRefused() {
        assertThat(s3.putObjectAcl(b -> b.bucket(BUCKET).key("present").acl(ObjectCannedACL.PRIVATE))
                        .sdkHttpResponse()
                        .statusCode())
                .isEqualTo(200);
        assertS3Error(
                () -> s3.putObjectAcl(b -> b.bucket(BUCKET).key("present").acl(ObjectCannedACL.PUBLIC_READ)),
                400,
                "AccessControlListNotSupported",
                NOT_ALLOWED);
    }

    @Test
    void putObjectAclOnAMissingKeyIsNoSuchKey() {
        assertS3Error(
                () -> s3.putObjectAcl(b -> b.bucket(BUCKET).key("absent").acl(ObjectCannedACL.PRIVATE)),
                404,
                "NoSuchKey");
    }

    @Test
    void putObjectAclWithAnOwnerOnlyAccessControlPolicyBodyIsAccepted() {
        var acl = s3.getObjectAcl(b -> b.bucket(BUCKET).key("present"));
        assertThat(s3.putObjectAcl(b -> b.bucket(BUCKET)
                                .key("present")
                                .accessControlPolicy(p -> p.owner(acl.owner()).grants(acl.grants())))
                        .sdkHttpResponse()
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void putBucketAclBodyGrantingAllUsersIsRefused() {
        String owner = s3.getBucketAcl(b -> b.bucket(BUCKET)).owner().id();
        String body = "<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>" + owner
                + "</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xsi:type=\"CanonicalUser\"><ID>" + owner
                + "</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>"
                + "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\">"
                + "<URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant>"
                + "</AccessControlList></AccessControlPolicy>";
        var r = raw.signed("PUT", "/" + BUCKET + "?acl", Map.of(), body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.error().get("Code")).isEqualTo("AccessControlListNotSupported");
    }

    @Test
    void createBucketWithPublicReadAclIsRefusedAndCreatesNothing() {
        assertS3Error(
                () -> s3.createBucket(b -> b.bucket("compat-public").acl(BucketCannedACL.PUBLIC_READ)),
                400,
                "InvalidBucketAclWithObjectOwnership",
                "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting");
        assertS3Error(() -> s3.headBucket(b -> b.bucket("compat-public")), 404, null);
        s3.createBucket(b -> b.bucket("compat-private").acl(BucketCannedACL.PRIVATE));
        assertThat(s3.headBucket(b -> b.bucket("compat-private"))
                        .sdkHttpResponse()
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void putObjectWithPublicReadAclIsRefusedAndWritesNothing() {
        assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(BUCKET).key("public").acl(ObjectCannedACL.PUBLIC_READ),
                        RequestBody.fromString("x")),
                400,
                "AccessControlListNotSupported",
                NOT_ALLOWED);
        assertS3Error(() -> s3.headObject(b -> b.bucket(BUCKET).key("public")), 404, null);
    }

    @Test
    void putObjectWithPrivateOrBucketOwnerFullControlAclIsAccepted() {
        s3.putObject(
                b -> b.bucket(BUCKET).key("private-acl").acl(ObjectCannedACL.PRIVATE), RequestBody.fromString("x"));
        s3.putObject(
                b -> b.bucket(BUCKET).key("owner-acl").acl(ObjectCannedACL.BUCKET_OWNER_FULL_CONTROL),
                RequestBody.fromString("y"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("owner-acl")).asUtf8String())
                .isEqualTo("y");
    }

    @Test
    void putObjectWithAGrantReadHeaderIsRefused() {
        assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(BUCKET)
                                .key("granted")
                                .grantRead("uri=\"http://acs.amazonaws.com/groups/global/AllUsers\""),
                        RequestBody.fromString("x")),
                400,
                "AccessControlListNotSupported",
                NOT_ALLOWED);
    }

    @Test
    void copyObjectAndCreateMultipartUploadWithPublicReadAreRefused() {
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(BUCKET)
                        .sourceKey("present")
                        .destinationBucket(BUCKET)
                        .destinationKey("copied")
                        .acl(ObjectCannedACL.PUBLIC_READ)),
                400,
                "AccessControlListNotSupported");
        assertS3Error(
                () -> s3.createMultipartUpload(b -> b.bucket(BUCKET).key("mpu").acl(ObjectCannedACL.PUBLIC_READ_WRITE)),
                400,
                "AccessControlListNotSupported");
    }

    // aws s3api get-object-attributes

    @Test
    void getObjectAttributesAnswersEtagSizeStorageClassAndChecksum() {
        s3.putObject(
                b -> b.bucket(BUCKET).key("attrs").checksumAlgorithm(ChecksumAlgorithm.SHA256),
                RequestBody.fromString("hello"));
        var r = s3.getObjectAttributes(b -> b.bucket(BUCKET)
                .key("attrs")
                .objectAttributes(
                        ObjectAttributes.E_TAG,
                        ObjectAttributes.OBJECT_SIZE,
                        ObjectAttributes.STORAGE_CLASS,
                        ObjectAttributes.CHECKSUM));
        assertThat(r.eTag()).isEqualTo("5d41402abc4b2a76b9719d911017c592");
        assertThat(r.objectSize()).isEqualTo(5L);
        assertThat(r.storageClassAsString()).isEqualTo("STANDARD");
        assertThat(r.checksum().checksumSHA256()).isEqualTo("LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=");
        assertThat(r.lastModified()).isNotNull();
        assertThat(r.objectParts()).isNull();
    }

    @Test
    void getObjectAttributesAnswersOnlyWhatWasAsked() {
        var r = s3.getObjectAttributes(
                b -> b.bucket(BUCKET).key("present").objectAttributes(ObjectAttributes.OBJECT_SIZE));
        assertThat(r.objectSize()).isEqualTo(4L);
        assertThat(r.eTag()).isNull();
        assertThat(r.storageClass()).isNull();
    }

    @Test
    void getObjectAttributesListsThePartsOfAMultipartObjectInPages() {
        String id = s3.createMultipartUpload(b -> b.bucket(BUCKET).key("parts")).uploadId();
        byte[] five = new byte[5 * 1024 * 1024];
        String e1 = s3.uploadPart(
                        b -> b.bucket(BUCKET).key("parts").uploadId(id).partNumber(1), RequestBody.fromBytes(five))
                .eTag();
        String e2 = s3.uploadPart(
                        b -> b.bucket(BUCKET).key("parts").uploadId(id).partNumber(2), RequestBody.fromString("end"))
                .eTag();
        s3.completeMultipartUpload(b -> b.bucket(BUCKET)
                .key("parts")
                .uploadId(id)
                .multipartUpload(m -> m.parts(
                        p -> p.partNumber(1).eTag(e1), p -> p.partNumber(2).eTag(e2))));
        var r = s3.getObjectAttributes(b -> b.bucket(BUCKET)
                .key("parts")
                .maxParts(1)
                .objectAttributes(ObjectAttributes.OBJECT_PARTS, ObjectAttributes.E_TAG));
        assertThat(r.eTag()).endsWith("-2");
        assertThat(r.objectParts().totalPartsCount()).isEqualTo(2);
        assertThat(r.objectParts().isTruncated()).isTrue();
        assertThat(r.objectParts().parts()).hasSize(1);
        assertThat(r.objectParts().parts().get(0).size()).isEqualTo(5L * 1024 * 1024);
        var next = s3.getObjectAttributes(b -> b.bucket(BUCKET)
                .key("parts")
                .partNumberMarker(r.objectParts().nextPartNumberMarker())
                .objectAttributes(ObjectAttributes.OBJECT_PARTS));
        assertThat(next.objectParts().isTruncated()).isFalse();
        assertThat(next.objectParts().parts().get(0).partNumber()).isEqualTo(2);
        assertThat(next.objectParts().parts().get(0).size()).isEqualTo(3L);
    }

    @Test
    void getObjectAttributesOfAMissingKeyIsNoSuchKey() {
        assertS3Error(
                () -> s3.getObjectAttributes(
                        b -> b.bucket(BUCKET).key("absent").objectAttributes(ObjectAttributes.E_TAG)),
                404,
                "NoSuchKey");
    }

    // Multipart uploads with checksums (boto3 and the AWS CLI send one per part by default).

    @Test
    void multipartUploadWithSha256GetsTheCompositeChecksumOfItsParts() throws Exception {
        String id = s3.createMultipartUpload(
                        b -> b.bucket(BUCKET).key("composite").checksumAlgorithm(ChecksumAlgorithm.SHA256))
                .uploadId();
        byte[] five = new byte[5 * 1024 * 1024];
        var p1 = s3.uploadPart(
                b -> b.bucket(BUCKET)
                        .key("composite")
                        .uploadId(id)
                        .partNumber(1)
                        .checksumAlgorithm(ChecksumAlgorithm.SHA256),
                RequestBody.fromBytes(five));
        var p2 = s3.uploadPart(
                b -> b.bucket(BUCKET)
                        .key("composite")
                        .uploadId(id)
                        .partNumber(2)
                        .checksumAlgorithm(ChecksumAlgorithm.SHA256),
                RequestBody.fromString("end"));
        var done = s3.completeMultipartUpload(b -> b.bucket(BUCKET)
                .key("composite")
                .uploadId(id)
                .multipartUpload(m -> m.parts(
                        p -> p.partNumber(1).eTag(p1.eTag()).checksumSHA256(p1.checksumSHA256()),
                        p -> p.partNumber(2).eTag(p2.eTag()).checksumSHA256(p2.checksumSHA256()))));
        byte[] h1 = java.security.MessageDigest.getInstance("SHA-256").digest(five);
        byte[] h2 = java.security.MessageDigest.getInstance("SHA-256").digest("end".getBytes(StandardCharsets.UTF_8));
        var sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update(h1);
        sha.update(h2);
        String expected = java.util.Base64.getEncoder().encodeToString(sha.digest()) + "-2";
        assertThat(done.checksumSHA256()).isEqualTo(expected);
        assertThat(done.checksumTypeAsString()).isEqualTo("COMPOSITE");
        var head = s3.headObject(b -> b.bucket(BUCKET).key("composite").checksumMode(ChecksumMode.ENABLED));
        assertThat(head.checksumSHA256()).isEqualTo(expected);
        assertThat(head.checksumTypeAsString()).isEqualTo("COMPOSITE");
        // A GET with checksum validation still reads the object (clients skip composite values).
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("composite").checksumMode(ChecksumMode.ENABLED))
                        .asByteArray())
                .hasSize(five.length + 3);
    }

    @Test
    void completeNamingAPartChecksumOtherThanTheStoredOneIsInvalidPart() {
        String id = s3.createMultipartUpload(
                        b -> b.bucket(BUCKET).key("wrong-sum").checksumAlgorithm(ChecksumAlgorithm.SHA256))
                .uploadId();
        var p1 = s3.uploadPart(
                b -> b.bucket(BUCKET)
                        .key("wrong-sum")
                        .uploadId(id)
                        .partNumber(1)
                        .checksumAlgorithm(ChecksumAlgorithm.SHA256),
                RequestBody.fromString("only"));
        assertS3Error(
                () -> s3.completeMultipartUpload(b -> b.bucket(BUCKET)
                        .key("wrong-sum")
                        .uploadId(id)
                        .multipartUpload(m -> m.parts(p -> p.partNumber(1)
                                .eTag(p1.eTag())
                                .checksumSHA256("LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=")))),
                400,
                "InvalidPart");
    }

    // ListObjectsV2 continuation tokens

    @Test
    void listObjectsV2WithAContinuationTokenNotMadeByTheServerIsInvalidArgument() {
        assertS3Error(
                () -> s3.listObjectsV2(b -> b.bucket(BUCKET).continuationToken("garbage")),
                400,
                "InvalidArgument",
                "The continuation token provided is incorrect");
        s3.putObject(b -> b.bucket(BUCKET).key("zz-page-1"), RequestBody.fromString("1"));
        s3.putObject(b -> b.bucket(BUCKET).key("zz-page-2"), RequestBody.fromString("2"));
        var first = s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("zz-page-").maxKeys(1));
        var second = s3.listObjectsV2(
                b -> b.bucket(BUCKET).prefix("zz-page-").continuationToken(first.nextContinuationToken()));
        assertThat(second.contents()).extracting(o -> o.key()).containsExactly("zz-page-2");
    }

    // Object Lock writes: AWS's PutObjectRetention and PutObjectLegalHold responses name no version.

    @Test
    void putObjectRetentionAndLegalHoldResponsesCarryNoVersionId() {
        s3.createBucket(b -> b.bucket("compat-locked").objectLockEnabledForBucket(true));
        String v = s3.putObject(b -> b.bucket("compat-locked").key("k"), RequestBody.fromString("x"))
                .versionId();
        String until = java.time.Instant.now()
                .plus(java.time.Duration.ofDays(1))
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        String retention = "<Retention xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Mode>GOVERNANCE</Mode>"
                + "<RetainUntilDate>" + until + "</RetainUntilDate></Retention>";
        var r = raw.signed(
                "PUT",
                "/compat-locked/k?retention&versionId=" + v,
                Map.of("Content-MD5", md5(retention)),
                retention.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.header("x-amz-version-id")).isNull();
        String hold = "<LegalHold xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>ON</Status></LegalHold>";
        r = raw.signed(
                "PUT",
                "/compat-locked/k?legal-hold",
                Map.of("Content-MD5", md5(hold)),
                hold.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.header("x-amz-version-id")).isNull();
        // Both took effect on the version.
        assertThat(s3.getObjectLegalHold(b -> b.bucket("compat-locked").key("k").versionId(v))
                        .legalHold()
                        .statusAsString())
                .isEqualTo("ON");
        assertThat(s3.getObjectRetention(b -> b.bucket("compat-locked").key("k").versionId(v))
                        .retention()
                        .modeAsString())
                .isEqualTo("GOVERNANCE");
    }

    @Test
    void aRequestCarryingXAmzMfaOverPlainHttpIsRefused() {
        s3.putBucketVersioning(b -> b.bucket("compat-mfa").versioningConfiguration(v -> v.status("Enabled")));
        assertS3Error(
                () -> s3.putBucketVersioning(b -> b.bucket("compat-mfa")
                        .mfa("arn:aws:iam::123456789012:mfa/x 123456")
                        .versioningConfiguration(v -> v.status("Suspended"))),
                400,
                "InvalidRequest",
                "Requests that include x-amz-mfa must use HTTPS.");
        assertThat(s3.getBucketVersioning(b -> b.bucket("compat-mfa")).statusAsString())
                .isEqualTo("Enabled");
        String v = s3.putObject(b -> b.bucket("compat-mfa").key("k"), RequestBody.fromString("x"))
                .versionId();
        assertS3Error(
                () -> s3.deleteObject(b ->
                        b.bucket("compat-mfa").key("k").versionId(v).mfa("arn:aws:iam::123456789012:mfa/x 123456")),
                400,
                "InvalidRequest");
        assertThat(s3.headObject(b -> b.bucket("compat-mfa").key("k").versionId(v))
                        .versionId())
                .isEqualTo(v);
    }

    static String md5(String body) {
        try {
            return java.util.Base64.getEncoder()
                    .encodeToString(java.security.MessageDigest.getInstance("MD5")
                            .digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

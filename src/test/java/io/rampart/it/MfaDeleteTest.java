package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.iam.Totp;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.MFADelete;
import software.amazon.awssdk.services.s3.model.MFADeleteStatus;

/** MFA delete: permanent deletes and versioning changes need the owner's MFA code once it is enabled. */
class MfaDeleteTest {
    // x-amz-mfa is only accepted over HTTPS, as on AWS.
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults().selfSignedTls();

    static RampartServer server;
    static S3Client s3;
    static final byte[] SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    static String serial;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        serial = "arn:aws:iam::" + server.accountId() + ":mfa/admin-device";
        server.rampart().iam().addMfaDevice(serial, server.accountId(), "admin", SEED);
    }

    private static String mfa() {
        return serial + " " + Totp.code(SEED, Instant.now().getEpochSecond());
    }

    private static String bucketWithMfaDelete(String name) {
        s3.createBucket(b -> b.bucket(name));
        s3.putBucketVersioning(b -> b.bucket(name)
                .mfa(mfa())
                .versioningConfiguration(
                        v -> v.status(BucketVersioningStatus.ENABLED).mfaDelete(MFADelete.ENABLED)));
        return name;
    }

    @Test
    void enablingMfaDeleteWithoutACodeIsDenied() {
        s3.createBucket(b -> b.bucket("mfa-needs-code"));
        S3Errors.assertS3Error(
                () -> s3.putBucketVersioning(b -> b.bucket("mfa-needs-code")
                        .versioningConfiguration(
                                v -> v.status(BucketVersioningStatus.ENABLED).mfaDelete(MFADelete.ENABLED))),
                403,
                "AccessDenied",
                "Mfa Authentication must be used for this request");
        assertThat(s3.getBucketVersioning(b -> b.bucket("mfa-needs-code")).mfaDelete())
                .isNull();
    }

    @Test
    void versioningShowsMfaDeleteEnabled() {
        String bucket = bucketWithMfaDelete("mfa-shown");
        var v = s3.getBucketVersioning(b -> b.bucket(bucket));
        assertThat(v.status()).isEqualTo(BucketVersioningStatus.ENABLED);
        assertThat(v.mfaDelete()).isEqualTo(MFADeleteStatus.ENABLED);
    }

    @Test
    void permanentDeleteNeedsAValidCodeButADeleteMarkerDoesNot() {
        String bucket = bucketWithMfaDelete("mfa-delete");
        String versionId = s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("v1"))
                .versionId();
        S3Errors.assertS3Error(
                () -> s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(versionId)),
                403,
                "AccessDenied",
                "Mfa Authentication must be used for this request");
        S3Errors.assertS3Error(
                () -> s3.deleteObject(
                        b -> b.bucket(bucket).key("k").versionId(versionId).mfa(serial + " 000000")),
                403,
                "AccessDenied",
                "Mfa Authentication must be used for this request");
        S3Errors.assertS3Error(
                () -> s3.deleteObject(
                        b -> b.bucket(bucket).key("k").versionId(versionId).mfa("no-space-here")),
                400,
                "InvalidArgument",
                "Mfa header is invalid -- the header should be formatted as {serialNumber}(space){tokenCode}");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").versionId(versionId))
                        .asUtf8String())
                .isEqualTo("v1");
        // A plain delete only adds a marker: nothing is lost, so no MFA is needed.
        assertThat(s3.deleteObject(b -> b.bucket(bucket).key("k")).deleteMarker())
                .isTrue();
        s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(versionId).mfa(mfa()));
        assertThat(s3.listObjectVersions(b -> b.bucket(bucket)).versions()).isEmpty();
    }

    @Test
    void suspendingVersioningNeedsACode() {
        String bucket = bucketWithMfaDelete("mfa-suspend");
        S3Errors.assertS3Error(
                () -> s3.putBucketVersioning(
                        b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED))),
                403,
                "AccessDenied",
                "Mfa Authentication must be used for this request");
        assertThat(s3.getBucketVersioning(b -> b.bucket(bucket)).status()).isEqualTo(BucketVersioningStatus.ENABLED);
        s3.putBucketVersioning(b -> b.bucket(bucket)
                .mfa(mfa())
                .versioningConfiguration(
                        v -> v.status(BucketVersioningStatus.SUSPENDED).mfaDelete(MFADelete.DISABLED)));
        var v = s3.getBucketVersioning(b -> b.bucket(bucket));
        assertThat(v.status()).isEqualTo(BucketVersioningStatus.SUSPENDED);
        assertThat(v.mfaDelete()).isEqualTo(MFADeleteStatus.DISABLED);
    }

    @Test
    void deleteObjectsOfVersionsNeedsACode() {
        String bucket = bucketWithMfaDelete("mfa-batch");
        String versionId = s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("v1"))
                .versionId();
        var denied = s3.deleteObjects(b ->
                b.bucket(bucket).delete(d -> d.objects(o -> o.key("k").versionId(versionId))));
        assertThat(denied.errors())
                .singleElement()
                .satisfies(e -> assertThat(e.code()).isEqualTo("AccessDenied"));
        var ok = s3.deleteObjects(b -> b.bucket(bucket)
                .mfa(mfa())
                .delete(d -> d.objects(o -> o.key("k").versionId(versionId))));
        assertThat(ok.deleted())
                .singleElement()
                .satisfies(d -> assertThat(d.versionId()).isEqualTo(versionId));
    }
}

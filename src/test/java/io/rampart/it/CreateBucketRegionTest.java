package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/** CreateBucket on a server outside us-east-1: the LocationConstraint must name its region, and re-creating is a 409. */
class CreateBucketRegionTest {
    static RampartServer server;
    static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        server = RampartServer.start(c -> c.region("eu-west-1"));
        s3 = S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(Region.EU_WEST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)))
                .build();
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    @Test
    void createBucketWithTheServersRegionSucceedsAndReportsIt() {
        s3.createBucket(b -> b.bucket("regional").createBucketConfiguration(c -> c.locationConstraint("eu-west-1")));
        assertThat(s3.getBucketLocation(b -> b.bucket("regional")).locationConstraintAsString())
                .isEqualTo("eu-west-1");
        assertThat(s3.headBucket(b -> b.bucket("regional")).bucketRegion()).isEqualTo("eu-west-1");
    }

    @Test
    void createBucketTwiceOutsideUsEast1IsBucketAlreadyOwnedByYou() {
        s3.createBucket(b -> b.bucket("twice").createBucketConfiguration(c -> c.locationConstraint("eu-west-1")));
        var e = assertS3Error(
                () -> s3.createBucket(
                        b -> b.bucket("twice").createBucketConfiguration(c -> c.locationConstraint("eu-west-1"))),
                409,
                "BucketAlreadyOwnedByYou",
                "Your previous request to create the named bucket succeeded and you already own it.");
        assertThat(e.requestId()).isNotBlank();
    }

    @Test
    void createBucketWithoutConfigurationFromTheSdkSucceedsBecauseTheSdkNamesItsRegion() {
        // SDK v2 adds <LocationConstraint>eu-west-1</LocationConstraint> itself outside us-east-1.
        s3.createBucket(b -> b.bucket("sdk-default"));
        assertThat(s3.getBucketLocation(b -> b.bucket("sdk-default")).locationConstraintAsString())
                .isEqualTo("eu-west-1");
        assertThatThrownBy(() -> s3.headBucket(b -> b.bucket("never"))).isInstanceOf(NoSuchBucketException.class);
    }

    @Test
    void createBucketWithAnotherRegionIsIllegalLocationConstraintException() {
        assertS3Error(
                () -> s3.createBucket(
                        b -> b.bucket("elsewhere").createBucketConfiguration(c -> c.locationConstraint("us-west-2"))),
                400,
                "IllegalLocationConstraintException",
                "The us-west-2 location constraint is incompatible for the region specific endpoint this request was sent to.");
    }

    @Test
    void createBucketWithAConstraintThatIsNoRegionIsInvalidLocationConstraint() {
        assertS3Error(
                () -> s3.createBucket(
                        b -> b.bucket("nowhere").createBucketConfiguration(c -> c.locationConstraint("atlantis"))),
                400,
                "InvalidLocationConstraint",
                "The specified location-constraint is not valid");
    }
}

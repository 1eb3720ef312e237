package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** S3 Block Public Access at bucket level: the configuration's API and what BlockPublicPolicy / RestrictPublicBuckets do. */
class PublicAccessBlockTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    private static RampartServer server;
    private static S3Client s3;
    private static S3Client anonymous;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        anonymous = S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .build();
    }

    private static String publicRead(String bucket) {
        return """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
                 "Resource":"arn:aws:s3:::%s/*"}]}""".formatted(bucket);
    }

    @Test
    void configurationIsStoredReportedAndDeleted() {
        s3.createBucket(b -> b.bucket("pab-config"));
        S3Errors.assertS3Error(
                () -> s3.getPublicAccessBlock(b -> b.bucket("pab-config")),
                404,
                "NoSuchPublicAccessBlockConfiguration");
        s3.putPublicAccessBlock(b -> b.bucket("pab-config")
                .publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                        .ignorePublicAcls(false)
                        .blockPublicPolicy(true)
                        .restrictPublicBuckets(false)));
        var c = s3.getPublicAccessBlock(b -> b.bucket("pab-config")).publicAccessBlockConfiguration();
        assertThat(c.blockPublicAcls()).isTrue();
        assertThat(c.ignorePublicAcls()).isFalse();
        assertThat(c.blockPublicPolicy()).isTrue();
        assertThat(c.restrictPublicBuckets()).isFalse();
        s3.deletePublicAccessBlock(b -> b.bucket("pab-config"));
        S3Errors.assertS3Error(
                () -> s3.getPublicAccessBlock(b -> b.bucket("pab-config")),
                404,
                "NoSuchPublicAccessBlockConfiguration");
    }

    @Test
    void blockPublicPolicyRefusesAPublicPolicyButNotAPrivateOne() {
        s3.createBucket(b -> b.bucket("pab-block"));
        s3.putPublicAccessBlock(
                b -> b.bucket("pab-block").publicAccessBlockConfiguration(c -> c.blockPublicPolicy(true)));
        S3Errors.assertS3Error(
                () -> s3.putBucketPolicy(b -> b.bucket("pab-block").policy(publicRead("pab-block"))),
                403,
                "AccessDenied");
        s3.putBucketPolicy(b -> b.bucket("pab-block").policy("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},
                 "Action":"s3:GetObject","Resource":"arn:aws:s3:::pab-block/*"}]}""".formatted(server.accountId())));
        assertThat(s3.getBucketPolicy(b -> b.bucket("pab-block")).policy()).contains(":root");
    }

    @Test
    void restrictPublicBucketsStopsAnonymousReadsThroughAPublicPolicy() {
        s3.createBucket(b -> b.bucket("pab-restrict"));
        s3.putObject(b -> b.bucket("pab-restrict").key("photo.jpg"), RequestBody.fromString("pixels"));
        s3.putBucketPolicy(b -> b.bucket("pab-restrict").policy(publicRead("pab-restrict")));
        assertThat(anonymous
                        .getObjectAsBytes(b -> b.bucket("pab-restrict").key("photo.jpg"))
                        .asUtf8String())
                .isEqualTo("pixels");

        s3.putPublicAccessBlock(
                b -> b.bucket("pab-restrict").publicAccessBlockConfiguration(c -> c.restrictPublicBuckets(true)));
        S3Errors.assertS3Error(
                () -> anonymous.getObjectAsBytes(b -> b.bucket("pab-restrict").key("photo.jpg")), 403, "AccessDenied");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("pab-restrict").key("photo.jpg"))
                        .asUtf8String())
                .isEqualTo("pixels");
    }

    @Test
    void malformedConfigurationIsRefused() {
        s3.createBucket(b -> b.bucket("pab-bad"));
        RawS3.Reply r = new RawS3(server)
                .signed(
                        "PUT",
                        "/pab-bad?publicAccessBlock",
                        java.util.Map.of(),
                        "<PublicAccessBlockConfiguration><BlockPublicPolicy>maybe</BlockPublicPolicy></PublicAccessBlockConfiguration>"
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(400);
        assertThat(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("<Code>MalformedXML</Code>");
    }
}

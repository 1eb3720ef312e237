package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.detect.Finding;
import io.rampart.detect.Severity;
import io.rampart.http.Rampart;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;

/**
 * A data directory written before numbered schema migrations (no {@code schema_version} table) starts with the new
 * code: it is adopted as the baseline in place, and every object, version, upload, user, key and finding is kept.
 */
class SchemaUpgradeTest {
    @Test
    void dataDirectoryWithoutSchemaVersionIsAdoptedAsBaselineWithoutLosingData(@TempDir Path dir) throws Exception {
        Rampart.Config config = Rampart.Config.builder(dir)
                .rootKey(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)
                .build();
        byte[] big = new byte[300_000];
        new Random(17).nextBytes(big);
        AccessKey aliceKey;
        String uploadId;
        try (Rampart r = Rampart.start(config);
                S3Client s3 = s3(r, RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY);
                IamClient iam = iam(r)) {
            s3.createBucket(b -> b.bucket("kept"));
            s3.putBucketVersioning(
                    b -> b.bucket("kept").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
            s3.putObject(b -> b.bucket("kept").key("big"), RequestBody.fromBytes(big));
            s3.putObject(b -> b.bucket("kept").key("doc"), RequestBody.fromString("first"));
            s3.putObject(b -> b.bucket("kept").key("doc"), RequestBody.fromString("second"));
            s3.deleteObject(b -> b.bucket("kept").key("gone-soon"));
            uploadId =
                    s3.createMultipartUpload(b -> b.bucket("kept").key("mpu")).uploadId();
            s3.uploadPart(
                    b -> b.bucket("kept").key("mpu").uploadId(uploadId).partNumber(1),
                    RequestBody.fromBytes(new byte[5 * 1024 * 1024]));
            iam.createUser(b -> b.userName("alice"));
            iam.putUserPolicy(
                    b -> b.userName("alice")
                            .policyName("all")
                            .policyDocument(
                                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"));
            aliceKey = iam.createAccessKey(b -> b.userName("alice")).accessKey();
            r.findings()
                    .save(new Finding(
                            "f-before-upgrade",
                            "test-rule",
                            Severity.HIGH,
                            "found before the upgrade",
                            "arn:aws:iam::123456789012:user/mallory",
                            "AKIAMALLORY",
                            "kept",
                            Instant.ofEpochSecond(1_700_000_000),
                            Instant.ofEpochSecond(1_700_000_100),
                            3,
                            List.of("e1", "e2"),
                            Finding.Status.ARCHIVED,
                            List.of()));
        }
        // What the code before numbered migrations left behind: the same tables, no version.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("rampart.db"));
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE schema_version");
        }

        try (Rampart r = Rampart.start(config);
                S3Client s3 = s3(r, RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY);
                S3Client alice = s3(r, aliceKey.accessKeyId(), aliceKey.secretAccessKey());
                IamClient iam = iam(r)) {
            assertThat(s3.getObjectAsBytes(b -> b.bucket("kept").key("big")).asByteArray())
                    .isEqualTo(big);
            assertThat(alice.getObjectAsBytes(b -> b.bucket("kept").key("doc")).asUtf8String())
                    .isEqualTo("second");
            ListObjectVersionsResponse versions = s3.listObjectVersions(b -> b.bucket("kept"));
            assertThat(versions.versions()).hasSize(3);
            assertThat(versions.deleteMarkers())
                    .singleElement()
                    .satisfies(m -> assertThat(m.key()).isEqualTo("gone-soon"));
            String older = versions.versions().stream()
                    .filter(v -> v.key().equals("doc") && !v.isLatest())
                    .findFirst()
                    .orElseThrow()
                    .versionId();
            assertThat(s3.getObjectAsBytes(b -> b.bucket("kept").key("doc").versionId(older))
                            .asUtf8String())
                    .isEqualTo("first");
            assertThat(s3.listParts(b -> b.bucket("kept").key("mpu").uploadId(uploadId))
                            .parts())
                    .singleElement()
                    .satisfies(p -> assertThat(p.size()).isEqualTo(5L * 1024 * 1024));
            assertThat(iam.getUser(b -> b.userName("alice")).user().userName()).isEqualTo("alice");
            assertThat(iam.listUserPolicies(b -> b.userName("alice")).policyNames())
                    .containsExactly("all");
            Finding kept = r.findings().find("f-before-upgrade").orElseThrow();
            assertThat(kept.status()).isEqualTo(Finding.Status.ARCHIVED);
            assertThat(kept.evidence()).containsExactly("e1", "e2");
            // The baseline is adopted; the steps after it (V6 on) are applied as new.
            List<String> recorded = versionsRecorded(dir);
            assertThat(recorded)
                    .startsWith(
                            "1 storage baseline (adopted)",
                            "2 iam baseline (adopted)",
                            "3 audit baseline (adopted)",
                            "4 detect baseline (adopted)",
                            "5 notify baseline (adopted)");
            assertThat(recorded.subList(5, recorded.size())).noneMatch(v -> v.endsWith("(adopted)"));
            assertThat(recorded).endsWith("13 cluster queue_claims", "14 recovery restore_jobs", "16 iam org_tags");
        }
    }

    private static List<String> versionsRecorded(Path dir) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("rampart.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version, owner, name FROM schema_version ORDER BY version")) {
            while (rs.next()) out.add(rs.getInt(1) + " " + rs.getString(2) + " " + rs.getString(3));
        }
        return out;
    }

    private static S3Client s3(Rampart r, String keyId, String secret) {
        return S3Client.builder()
                .endpointOverride(java.net.URI.create(r.endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret)))
                .forcePathStyle(true)
                .build();
    }

    private static IamClient iam(Rampart r) {
        return IamClient.builder()
                .endpointOverride(java.net.URI.create(r.endpoint()))
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)))
                .build();
    }
}

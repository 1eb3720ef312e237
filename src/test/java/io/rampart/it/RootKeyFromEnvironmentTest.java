package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import io.rampart.http.Rampart;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The RAMPART_ROOT_ACCESS_KEY / RAMPART_ROOT_SECRET_KEY pair at start-up only ever adds a key: it neither re-enables a
 * key that was deactivated nor replaces an existing key's secret (issue 14, finding 3).
 */
class RootKeyFromEnvironmentTest {
    static final String KEY = "AKIAENVROOTKEY000001";
    static final String SECRET = "envRootSecret00000000000000000000000000001";
    static final String OTHER_SECRET = "envRootSecret00000000000000000000000000002";

    static Rampart start(Path dir, String key, String secret) throws Exception {
        return Rampart.start(Rampart.Config.builder(dir)
                .rootKey(key, secret)
                .autoRespond(false)
                .build());
    }

    static String errorOf(Rampart r, String key, String secret) {
        try (S3Client s3 = S3Client.builder()
                .endpointOverride(URI.create(r.endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
                .forcePathStyle(true)
                .build()) {
            s3.listBuckets();
            return null;
        } catch (S3Exception e) {
            return e.statusCode() + " " + e.awsErrorDetails().errorCode();
        }
    }

    @Test
    void anInactiveRootKeyStaysInactiveAndAChangedSecretIsNotAccepted() throws Exception {
        Path dir = Files.createTempDirectory("rampart-rootkey");
        try (Rampart r = start(dir, KEY, SECRET)) {
            assertThat(errorOf(r, KEY, SECRET)).isNull();
        }
        // Someone edits the server's environment to a secret of their choosing: the stored secret stays.
        try (Rampart r = start(dir, KEY, OTHER_SECRET)) {
            assertThat(errorOf(r, KEY, OTHER_SECRET)).isEqualTo("403 SignatureDoesNotMatch");
            assertThat(errorOf(r, KEY, SECRET)).isNull();
            r.iam().setKeyStatus(KEY, "Inactive");
            assertThat(errorOf(r, KEY, SECRET)).isEqualTo("403 InvalidAccessKeyId");
        }
        // The same pair at the next start does not switch it back on.
        try (Rampart r = start(dir, KEY, SECRET)) {
            assertThat(errorOf(r, KEY, SECRET)).isEqualTo("403 InvalidAccessKeyId");
            assertThat(r.iam().keyInfo(r.accountId(), KEY).orElseThrow().status())
                    .isEqualTo("Inactive");
        }
        // A key id the server does not know yet is still added, as documented (the owner chose it).
        try (Rampart r = start(dir, "AKIAENVROOTKEY000002", OTHER_SECRET)) {
            assertThat(errorOf(r, "AKIAENVROOTKEY000002", OTHER_SECRET)).isNull();
            assertThat(errorOf(r, KEY, SECRET)).isEqualTo("403 InvalidAccessKeyId");
        }
        // Each key stored at start-up is a new root credential: one trail record each, none for the restarts.
        List<JsonNode> added = TrailQuery.all().run(TrailLayout.ofDataDir(dir)).stream()
                .filter(r -> "bootstrap-admin-key".equals(r.path("eventName").asText()))
                .toList();
        assertThat(added)
                .extracting(r -> r.path("responseElements").path("accessKeyId").asText())
                // Records of different starts are in different trail files, read in no particular order.
                .containsExactlyInAnyOrder(KEY, "AKIAENVROOTKEY000002");
        assertThat(added).allSatisfy(r -> {
            assertThat(r.path("eventSource").asText()).isEqualTo("rampart.admin");
            assertThat(r.path("requestParameters").path("source").asText()).isEqualTo("RAMPART_ROOT_ACCESS_KEY");
            assertThat(r.path("userAgent").asText()).isEqualTo("rampart-server-start");
            assertThat(r.toString()).doesNotContain(SECRET).doesNotContain(OTHER_SECRET);
        });
    }
}

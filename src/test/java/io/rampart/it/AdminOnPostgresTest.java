package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.storage.MetadataLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code rampart admin} on a server whose metadata is in PostgreSQL: given the server's {@code --metadata}, the
 * break-glass works on that database (not on a rampart.db the data directory does not have), and the running server
 * accepts what it did and writes the action to its trail.
 */
class AdminOnPostgresTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void createAdminKeyWithMetadataOnPostgresGivesAKeyTheRunningServerAccepts(@TempDir Path tmp) throws Exception {
        MetadataLocation.Postgres db = TestPostgres.freshDatabase();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String masterKey = Base64.getEncoder().encodeToString(key);
        Path keyFile = tmp.resolve("master.key.b64");
        Files.writeString(keyFile, masterKey);
        Path emptyDir = Files.createDirectories(tmp.resolve("no-sqlite-here"));
        try (RampartServer server = RampartServer.start(c -> c.metadata(db).masterKey(masterKey))) {
            // Without --metadata the command looks for rampart.db, which a PostgreSQL node does not have.
            AdminBreakGlassTest.Run withoutMetadata =
                    AdminBreakGlassTest.admin(emptyDir, "list-keys", "--master-key-file", keyFile.toString());
            assertThat(withoutMetadata.exit()).isEqualTo(1);
            assertThat(withoutMetadata.err()).contains("no rampart.db");

            AdminBreakGlassTest.Run created = AdminBreakGlassTest.admin(
                    emptyDir,
                    "create-admin-key",
                    "--json",
                    "--metadata",
                    db.toString(),
                    "--master-key-file",
                    keyFile.toString());
            assertThat(created.exit()).as(created.err()).isZero();
            JsonNode k = JSON.readTree(created.out());
            assertThat(k.path("accountId").asText()).isEqualTo(server.accountId());
            String accessKeyId = k.path("accessKeyId").asText();
            try (S3Client s3 = server.s3(accessKeyId, k.path("secretAccessKey").asText())) {
                s3.createBucket(b -> b.bucket("made-with-the-break-glass-key"));
                assertThat(s3.listBuckets().buckets())
                        .extracting(b -> b.name())
                        .contains("made-with-the-break-glass-key");
            }

            AdminBreakGlassTest.Run listed = AdminBreakGlassTest.admin(
                    emptyDir,
                    "list-keys",
                    "--json",
                    "--metadata",
                    db.toString(),
                    "--master-key-file",
                    keyFile.toString());
            assertThat(listed.exit()).as(listed.err()).isZero();
            assertThat(listed.out()).contains(accessKeyId);
            // The server drains the action from the shared database into its trail.
            JsonNode record = AdminBreakGlassTest.awaitAdminRecord(
                    server.dataDir(),
                    "create-admin-key",
                    r -> accessKeyId.equals(
                            r.path("responseElements").path("accessKeyId").asText()));
            assertThat(record.path("additionalEventData").path("offline").asBoolean())
                    .isTrue();
        }
    }
}

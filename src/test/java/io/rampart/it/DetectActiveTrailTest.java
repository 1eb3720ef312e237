package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/** {@code rampart detect --data-dir} on a running server reads the active (not yet sealed) trail file too. */
class DetectActiveTrailTest {
    @Test
    void detectReadsTheActiveTrailFileOfARunningServer() throws Exception {
        try (RampartServer server = RampartServer.start()) {
            S3Client s3 = server.s3();
            s3.createBucket(b -> b.bucket("ledger"));
            s3.putBucketVersioning(
                    b -> b.bucket("ledger").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
            s3.putBucketVersioning(
                    b -> b.bucket("ledger").versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED)));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            JsonNode doc = null;
            while (Instant.now().isBefore(deadline)) {
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                CommandLine cl = Main.commandLine();
                cl.setOut(new PrintWriter(out));
                cl.setErr(new PrintWriter(err));
                int exit = cl.execute("detect", "--data-dir", server.dataDir().toString(), "--json");
                if (exit == 0) {
                    doc = new ObjectMapper().readTree(out.toString());
                    if (doc.path("findings").toString().contains("versioning-suspended")) break;
                }
                Thread.sleep(100);
            }
            assertThat(doc).as("detect ran on the data dir").isNotNull();
            assertThat(doc.path("findings").toString()).contains("versioning-suspended");
            assertThat(doc.path("records").asLong()).isGreaterThanOrEqualTo(3);
            try (var files = Files.walk(server.dataDir().resolve("trail"))) {
                assertThat(files.filter(p -> p.toString().endsWith(".json.gz")).count())
                        .as("nothing sealed yet: the findings came from the active file")
                        .isZero();
            }
        }
    }
}

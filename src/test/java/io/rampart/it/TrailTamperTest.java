package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.audit.TrailKeys;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import io.rampart.cli.Main;
import io.rampart.detect.Finding;
import io.rampart.detect.Severity;
import io.rampart.http.Rampart;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The trail attacked through the files of a real server's data directory: {@code rampart trail validate} against the
 * public key kept elsewhere (right and wrong), the newest digest and log removed, {@code rm -rf trail/AWSLogs
 * trail/state.json}, and the next start, which raises a HIGH {@code trail-tampered} finding and keeps serving.
 */
class TrailTamperTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path elsewhere;

    private record Run(int exit, String out) {}

    private static Run cli(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        PrintStream savedErr = System.err;
        int exit;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            System.setErr(ps);
            exit = Main.commandLine().execute(args);
        } finally {
            System.setOut(saved);
            System.setErr(savedErr);
        }
        return new Run(exit, buf.toString(StandardCharsets.UTF_8));
    }

    private Rampart.Config config() {
        return Rampart.Config.builder(dataDir)
                .rootKey(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)
                .autoRespond(false)
                .build();
    }

    private static S3Client client(Rampart r) {
        return S3Client.builder()
                .endpointOverride(java.net.URI.create(r.endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)))
                .forcePathStyle(true)
                .build();
    }

    @Test
    void validateAgainstThePinnedKeyReportsTruncationAndAWipedTrailRaisesAFindingAtTheNextStart() throws Exception {
        java.util.concurrent.CompletableFuture<TrailKeys> creating;
        try (Rampart r = Rampart.start(config());
                S3Client s3 = client(r)) {
            s3.createBucket(b -> b.bucket("audited"));
            s3.putObject(b -> b.bucket("audited").key("a"), RequestBody.fromString("a"));
            assertThat(r.createdTrailKey())
                    .as("a first start creates the trail key and shows it")
                    .isPresent();
            creating = r.createdTrailKey().orElseThrow();
        }
        // The digest written at the stop needed the key: it exists now.
        TrailKeys created = creating.get(60, TimeUnit.SECONDS);
        // The owner keeps a copy of the public key off the machine.
        Run exported = cli("trail", "public-key", "--data-dir", dataDir.toString());
        assertThat(exported.exit()).as(exported.out()).isZero();
        assertThat(exported.out()).contains(created.fingerprint()).contains(TrailKeys.pem(created.publicKey()));
        Path pinned = Files.writeString(elsewhere.resolve("trail-key.pem"), exported.out());
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        Path wrong = Files.writeString(
                elsewhere.resolve("other.pem"),
                TrailKeys.pem(gen.generateKeyPair().getPublic()));

        // A second run, so that the chain has several digests and log files.
        try (Rampart r = Rampart.start(config());
                S3Client s3 = client(r)) {
            assertThat(r.createdTrailKey()).isEmpty();
            s3.putObject(b -> b.bucket("audited").key("b"), RequestBody.fromString("b"));
        }

        Run clean = cli("trail", "validate", "--data-dir", dataDir.toString(), "--public-key", pinned.toString());
        assertThat(clean.exit()).as(clean.out()).isZero();
        assertThat(clean.out()).contains("Trail valid");
        Run other = cli("trail", "validate", "--data-dir", dataDir.toString(), "--public-key", wrong.toString());
        assertThat(other.exit()).as(other.out()).isEqualTo(1);
        assertThat(other.out())
                .contains("invalid digest")
                .contains("not trusted")
                .contains("Trail INVALID");

        // The newest digest and the newest log file removed: truncation, named.
        TrailLayout layout = RampartServer.nodeTrail(dataDir);
        List<String> digests = layout.digestFiles();
        String newestDigest = digests.get(digests.size() - 1);
        List<String> logs = layout.logFiles();
        Path newestDigestFile = layout.resolve(newestDigest);
        Path newestLogFile = layout.resolve(logs.get(logs.size() - 1));
        byte[] keptDigest = Files.readAllBytes(newestDigestFile);
        byte[] keptLog = Files.readAllBytes(newestLogFile);
        Files.delete(newestDigestFile);
        Files.delete(newestLogFile);
        Run truncated = cli("trail", "validate", "--data-dir", dataDir.toString(), "--public-key", pinned.toString());
        assertThat(truncated.exit()).as(truncated.out()).isEqualTo(1);
        assertThat(truncated.out()).contains("missing digest " + newestDigest + ": truncated");
        Files.write(newestDigestFile, keptDigest);
        Files.write(newestLogFile, keptLog);
        assertThat(cli("trail", "validate", "--data-dir", dataDir.toString()).exit())
                .isZero();

        // rm -rf trail/AWSLogs trail/state.json
        try (Stream<Path> walk = Files.walk(layout.root().resolve("AWSLogs"))) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        Files.delete(layout.state());
        Run wiped = cli("trail", "validate", "--data-dir", dataDir.toString());
        assertThat(wiped.exit()).as(wiped.out()).isEqualTo(1);
        assertThat(wiped.out()).contains("missing digest " + newestDigest + ": truncated");

        // The next start notices, raises a HIGH finding, records the break, and serves.
        try (Rampart r = Rampart.start(config());
                S3Client s3 = client(r)) {
            List<Finding> findings = r.findings().list().stream()
                    .filter(f -> f.ruleId().equals("trail-tampered"))
                    .toList();
            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.severity()).isEqualTo(Severity.HIGH);
                assertThat(f.status()).isEqualTo(Finding.Status.OPEN);
                assertThat(f.description()).contains("state.json is missing").contains(newestDigest);
            });
            s3.putObject(b -> b.bucket("audited").key("c"), RequestBody.fromString("c"));
            assertThat(s3.getObjectAsBytes(b -> b.bucket("audited").key("c")).asUtf8String())
                    .isEqualTo("c");
        }
        assertThat(new TrailQuery(null, null, null, null, "TrailIntegrityBreak", null, null, null).run(layout))
                .hasSize(1);
        Run afterBreak = cli("trail", "validate", "--data-dir", dataDir.toString(), "--public-key", pinned.toString());
        assertThat(afterBreak.exit()).as(afterBreak.out()).isEqualTo(1);
        assertThat(afterBreak.out()).contains("chain-break digest").contains("state.json is missing");
        // A start after that finds the new chain intact: one finding, not one per start.
        try (Rampart r = Rampart.start(config())) {
            assertThat(r.findings().list().stream().filter(f -> f.ruleId().equals("trail-tampered")))
                    .hasSize(1);
        }
    }

    @Test
    void thePublicKeyPrintedAtTheFirstStartValidatesTheTrail() throws Exception {
        List<String> output = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        int port = ChildServer.freePort();
        Process server = ChildServer.start(dataDir, port, output);
        try (S3Client s3 = ChildServer.client(port)) {
            s3.createBucket(b -> b.bucket("audited"));
            Await.until(
                    "the public key printed",
                    Duration.ofSeconds(60),
                    () -> String.join("\n", output.toArray(new String[0])).contains("-----END PUBLIC KEY-----"));
        } finally {
            server.destroy();
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        String printed = String.join("\n", output.toArray(new String[0]));
        assertThat(printed)
                .contains("Audit trail signing key created (fingerprint")
                .contains("-----END PUBLIC KEY-----");
        Path saved = Files.writeString(
                elsewhere.resolve("trail-key.pem"),
                printed.substring(
                        printed.indexOf("-----BEGIN PUBLIC KEY-----"),
                        printed.indexOf("-----END PUBLIC KEY-----") + 24));
        Run run = cli("trail", "validate", "--data-dir", dataDir.toString(), "--public-key", saved.toString());
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).contains("Trail valid");
    }
}

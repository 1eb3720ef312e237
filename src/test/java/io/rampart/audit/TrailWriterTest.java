package io.rampart.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.crypto.MasterKey;
import io.rampart.iam.Principal;
import io.rampart.it.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrailWriterTest {
    private static final MasterKey MASTER = MasterKey.of(new byte[32]);
    private static final Principal ADMIN = new Principal(
            "IAMUser",
            "111122223333",
            "arn:aws:iam::111122223333:user/admin",
            "AIDAADMIN",
            "admin",
            "AKIAADMIN",
            Optional.empty());

    @TempDir
    Path dir;

    @TempDir
    Path dbDir;

    private io.rampart.storage.Database db;

    @org.junit.jupiter.api.BeforeEach
    void openDatabase() throws Exception {
        db = new io.rampart.storage.Database(dbDir.resolve("rampart.db"), 2);
    }

    @org.junit.jupiter.api.AfterEach
    void closeDatabase() {
        db.close();
    }

    private TrailWriter open() throws Exception {
        return TrailWriter.open(
                dir, TrailWriter.Options.defaults("111122223333", "us-east-1"), MASTER, db, Clock.systemUTC());
    }

    static RequestFacts put(String key) {
        return RequestFacts.builder()
                .time(Instant.now())
                .requestId("REQ-" + key)
                .hostId("host")
                .service("s3")
                .eventName("PutObject")
                .region("us-east-1")
                .principal(ADMIN)
                .accessKeyId("AKIAADMIN")
                .sourceIp("127.0.0.1")
                .userAgent("test")
                .bucket("bucket")
                .key(key)
                .requestParameters(Map.of("bucketName", "bucket", "key", key))
                .status(200)
                .bytesIn(1)
                .authMethod("AuthHeader")
                .build();
    }

    private List<String> keysInTrail() throws Exception {
        return TrailQuery.all().run(new TrailLayout(dir)).stream()
                .map(r -> r.path("requestParameters").path("key").asText())
                .toList();
    }

    private TrailValidator.Report validate() throws Exception {
        return new TrailValidator(
                        new TrailLayout(dir),
                        TrailValidator.Trust.recorded(TrailAnchor.read(dbDir.resolve("rampart.db"))))
                .validate(null, null);
    }

    @Test
    void concurrentDurableRecordsAreAllWrittenAndSealedIntoCloudTrailNamedGzipFiles() throws Exception {
        try (TrailWriter w = open();
                ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<?>> fs = IntStream.range(0, 400)
                    .<Future<?>>mapToObj(i -> pool.submit(() -> w.recordDurably(put("k" + i))))
                    .toList();
            for (Future<?> f : fs) f.get();
            w.record(put("async"));
        }
        assertThat(keysInTrail()).hasSize(401).contains("k0", "k399", "async");
        TrailLayout layout = new TrailLayout(dir);
        assertThat(layout.logFiles())
                .singleElement()
                .asString()
                .matches(
                        "AWSLogs/111122223333/CloudTrail/us-east-1/\\d{4}/\\d{2}/\\d{2}/111122223333_CloudTrail_us-east-1_\\d{8}T\\d{4}Z_[0-9a-f]{16}\\.json\\.gz");
        assertThat(layout.digestFiles())
                .singleElement()
                .asString()
                .matches(
                        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/\\d{4}/\\d{2}/\\d{2}/111122223333_CloudTrail-Digest_us-east-1_rampart_us-east-1_\\d{8}T\\d{6}Z\\.json\\.gz");
        JsonNode doc = new ObjectMapper()
                .readTree(TrailLayout.gunzip(layout.resolve(layout.logFiles().get(0))));
        assertThat(doc.path("Records").size()).isEqualTo(401);
        assertThat(Files.list(layout.segments())).isEmpty();
    }

    @Test
    void digestHasCloudTrailsFieldsAndChainsToThePreviousOne() throws Exception {
        String first;
        String second;
        try (TrailWriter w = open()) {
            w.recordDurably(put("a"));
            first = w.digestNow();
            w.recordDurably(put("b"));
            second = w.digestNow();
        }
        TrailLayout layout = new TrailLayout(dir);
        JsonNode d1 = new ObjectMapper().readTree(TrailLayout.gunzip(layout.resolve(first)));
        JsonNode d2 = new ObjectMapper().readTree(TrailLayout.gunzip(layout.resolve(second)));
        assertThat(d1.fieldNames())
                .toIterable()
                .containsExactly(
                        "awsAccountId",
                        "digestStartTime",
                        "digestEndTime",
                        "digestS3Bucket",
                        "digestS3Object",
                        "digestPublicKeyFingerprint",
                        "digestSignatureAlgorithm",
                        "newestEventTime",
                        "oldestEventTime",
                        "previousDigestS3Bucket",
                        "previousDigestS3Object",
                        "previousDigestHashValue",
                        "previousDigestHashAlgorithm",
                        "previousDigestSignature",
                        "logFiles");
        assertThat(d1.get("previousDigestSignature").isNull()).isTrue();
        assertThat(d1.path("digestS3Object").asText()).isEqualTo(first);
        assertThat(d1.path("digestSignatureAlgorithm").asText()).isEqualTo("SHA256withRSA");
        assertThat(d1.path("digestPublicKeyFingerprint").asText()).matches("[0-9a-f]{32}");
        assertThat(d1.path("logFiles").get(0).fieldNames())
                .toIterable()
                .containsExactly(
                        "s3Bucket", "s3Object", "hashValue", "hashAlgorithm", "newestEventTime", "oldestEventTime");
        assertThat(d2.path("previousDigestS3Object").asText()).isEqualTo(first);
        assertThat(d2.path("previousDigestHashValue").asText())
                .isEqualTo(TrailLayout.sha256Hex(TrailLayout.gunzip(layout.resolve(first))));
        String sig1 = new ObjectMapper()
                .readTree(layout.resolve(first + ".sig").toFile())
                .path("signature")
                .asText();
        assertThat(d2.path("previousDigestSignature").asText()).isEqualTo(sig1);
        // The digest written at close has no log files but is still chained and signed.
        TrailValidator.Report report = validate();
        assertThat(report.clean()).as(report.toString()).isTrue();
        assertThat(report.count("digest", TrailValidator.Status.VALID)).isEqualTo(3);
        assertThat(report.count("log", TrailValidator.Status.VALID)).isEqualTo(2);
    }

    @Test
    void leftoverSegmentIsSealedAtStartAndATornLastLineIsDropped() throws Exception {
        Path segments = new TrailLayout(dir).segments();
        Files.createDirectories(segments);
        CloudTrailRecord records = new CloudTrailRecord("111122223333");
        String line = new ObjectMapper().writeValueAsString(records.of(put("survivor")));
        Files.writeString(
                segments.resolve("0000000000001-00112233aabbccdd.jsonl"),
                line + "\n" + line.substring(0, line.length() / 2),
                StandardCharsets.UTF_8);
        try (TrailWriter w = open()) {
            assertThat(Files.list(segments)).isEmpty();
            w.recordDurably(put("after"));
        }
        assertThat(keysInTrail()).containsExactly("survivor", "after");
        assertThat(validate().clean()).isTrue();
    }

    @Test
    void tamperingIsReportedAndAnUntouchedTrailValidatesClean() throws Exception {
        try (TrailWriter w = open()) {
            for (int i = 0; i < 4; i++) {
                w.recordDurably(put("k" + i));
                w.rotateNow();
            }
            w.digestNow();
            w.recordDurably(put("later"));
            w.digestNow();
        }
        TrailLayout layout = new TrailLayout(dir);
        TrailValidator.Report untouched = validate();
        assertThat(untouched.clean()).as(untouched.toString()).isTrue();
        List<String> logs = layout.logFiles();
        List<String> digests = layout.digestFiles();
        assertThat(logs).hasSize(5);
        assertThat(digests).hasSize(3);

        // Edit one byte of a log file.
        Path edited = layout.resolve(logs.get(0));
        byte[] original = Files.readAllBytes(edited);
        byte[] gz = original.clone();
        gz[gz.length / 2] ^= 1;
        Files.write(edited, gz);
        assertThat(statusOf(logs.get(0))).isIn(TrailValidator.Status.MODIFIED);
        Files.write(edited, original);

        // Delete one.
        Path deleted = layout.resolve(logs.get(1));
        byte[] kept = Files.readAllBytes(deleted);
        Files.delete(deleted);
        assertThat(statusOf(logs.get(1))).isEqualTo(TrailValidator.Status.DELETED);
        Files.write(deleted, kept);

        // Swap two.
        Path a = layout.resolve(logs.get(2));
        Path b = layout.resolve(logs.get(3));
        byte[] ba = Files.readAllBytes(a);
        byte[] bb = Files.readAllBytes(b);
        Files.write(a, bb);
        Files.write(b, ba);
        assertThat(statusOf(logs.get(2))).isEqualTo(TrailValidator.Status.MODIFIED);
        assertThat(statusOf(logs.get(3))).isEqualTo(TrailValidator.Status.MODIFIED);
        Files.write(a, ba);
        Files.write(b, bb);
        assertThat(validate().clean()).isTrue();

        // Drop a digest in the middle of the chain, then the newest one.
        String middle = digests.stream().sorted().toList().get(1);
        byte[] mid = Files.readAllBytes(layout.resolve(middle));
        Files.delete(layout.resolve(middle));
        assertThat(statusOf(middle)).isEqualTo(TrailValidator.Status.MISSING);
        Files.write(layout.resolve(middle), mid);
        String newest = digests.stream().sorted().toList().get(2);
        Files.delete(layout.resolve(newest));
        assertThat(statusOf(newest)).isEqualTo(TrailValidator.Status.MISSING);
    }

    @Test
    void aForgedDigestFailsItsSignature() throws Exception {
        try (TrailWriter w = open()) {
            w.recordDurably(put("x"));
        }
        TrailLayout layout = new TrailLayout(dir);
        String digest = layout.digestFiles().get(0);
        JsonNode d = new ObjectMapper().readTree(TrailLayout.gunzip(layout.resolve(digest)));
        ((com.fasterxml.jackson.databind.node.ObjectNode) d.path("logFiles").get(0)).put("hashValue", "00".repeat(32));
        Files.write(
                layout.resolve(digest),
                TrailLayout.gzip(new ObjectMapper().writeValueAsBytes(d)),
                StandardOpenOption.TRUNCATE_EXISTING);
        assertThat(statusOf(digest)).isEqualTo(TrailValidator.Status.INVALID);
        assertThat(validate().clean()).isFalse();
    }

    @Test
    void rotationByTimeSealsWithoutBeingAsked() throws Exception {
        TrailWriter.Options opts =
                TrailWriter.Options.defaults("111122223333", "us-east-1").withRotation(Duration.ofMillis(200), 1 << 20);
        try (TrailWriter w = TrailWriter.open(dir, opts, MASTER, db, Clock.systemUTC())) {
            w.recordDurably(put("t"));
            Await.until(
                    "a sealed log file", () -> !new TrailLayout(dir).logFiles().isEmpty());
            assertThat(new TrailLayout(dir).logFiles()).hasSize(1);
        }
    }

    private TrailValidator.Status statusOf(String object) throws Exception {
        return validate().results().stream()
                .filter(r -> r.file().equals(object))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no result for " + object))
                .status();
    }
}

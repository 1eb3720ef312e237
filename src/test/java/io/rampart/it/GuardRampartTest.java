package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.audit.TrailLayout;
import io.rampart.http.Monitoring;
import io.rampart.http.Rampart;
import io.rampart.recovery.RecoveryOptions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code rampart guard}'s Rampart-only checks (recovery window, detector and automatic response, trail validation,
 * metrics) read from the admin API, PASS and FAIL on servers configured each way, UNKNOWN for a caller the admin API
 * refuses; account-level Block Public Access UNKNOWN with its reason; SSE-C objects found from an S3 Inventory report
 * built by hand in a bucket (--inventory-manifest), and HEAD again when the report is corrupt.
 */
class GuardRampartTest {
    private static final Rampart.TrailTiming FAST =
            new Rampart.TrailTiming(Duration.ofSeconds(1), 1 << 20, Duration.ofSeconds(2));

    static GuardCommandTest.Run guard(RampartServer s, String... more) {
        return guardAs(s, RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY, more);
    }

    static GuardCommandTest.Run guardAs(RampartServer s, String key, String secret, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "guard",
                "--endpoint",
                s.endpoint().toString(),
                "--access-key",
                key,
                "--secret-key",
                secret,
                "--format",
                "json"));
        args.addAll(Arrays.asList(more));
        return GuardCommandTest.run(args);
    }

    static String server(RampartServer s) {
        return s.endpoint().toString();
    }

    @Test
    void aServerWithEveryDefenceOnPassesTheRampartChecks() throws Exception {
        Path token = Files.createTempFile("metrics-token", ".txt");
        Files.writeString(token, "metrics-token-0123456789abcdef");
        try (RampartServer s = RampartServer.start(c -> c.autoRespond(true)
                        .trail(FAST)
                        .recovery(RecoveryOptions.defaults().withWindow(Duration.ofDays(14)))
                        .monitoring(Monitoring.defaults().withMetrics(0, token)));
                S3Client s3 = s.s3()) {
            s3.createBucket(b -> b.bucket("all-on"));
            s3.putObject(b -> b.bucket("all-on").key("k"), RequestBody.fromString("x"));
            // A digest file covering a sealed log: validation has something to check.
            TrailLayout layout = TrailLayout.ofDataDir(s.dataDir());
            Await.until(
                    "a sealed log file and a digest",
                    () -> !layout.logFiles().isEmpty() && !layout.digestFiles().isEmpty());

            GuardCommandTest.Run run = guard(s, "--bucket", "all-on");

            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode window = run.check("RAMPART.RECOVERY_WINDOW", server(s));
            assertThat(window.path("status").asText()).isEqualTo("PASS");
            assertThat(window.path("evidence").asText()).isEqualTo("recovery window on, 14 days");
            assertThat(window.path("practice").asText()).isEqualTo("data-recovery");
            JsonNode detector = run.check("RAMPART.DETECTOR", server(s));
            assertThat(detector.path("status").asText()).as(detector.toString()).isEqualTo("PASS");
            assertThat(detector.path("evidence").asText())
                    .startsWith("detector running, ")
                    .contains("automatic response on");
            JsonNode trail = run.check("RAMPART.TRAIL.VALID", server(s));
            assertThat(trail.path("status").asText()).as(trail.toString()).isEqualTo("PASS");
            assertThat(trail.path("evidence").asText())
                    .startsWith("trail valid: ")
                    .doesNotContain(" 0 digest file(s)");
            JsonNode metrics = run.check("RAMPART.METRICS", server(s));
            assertThat(metrics.path("status").asText()).isEqualTo("PASS");
            assertThat(metrics.path("evidence").asText())
                    .isEqualTo("GET /metrics on port "
                            + s.rampart().metricsPort().orElseThrow() + " (bearer token required)");
            // Rampart's own trail records data events: the CloudTrail check is answered by it, not left UNKNOWN.
            assertThat(run.status(
                            "CLOUDTRAIL.S3_DATA_EVENTS", "arn:aws:cloudtrail:us-east-1:" + s.accountId() + ":trail/*"))
                    .isEqualTo("PASS");
            // No S3 Control on Rampart: UNKNOWN with the reason, not a FAIL.
            JsonNode bpa = run.check("S3.ACCOUNT.PUBLIC_ACCESS_BLOCK", "arn:aws:iam::" + s.accountId() + ":root");
            assertThat(bpa.path("status").asText()).isEqualTo("UNKNOWN");
            assertThat(bpa.path("evidence").asText()).startsWith("Rampart has no account-level Block Public Access");

            // The trail's files tampered with: a log file rewritten after its digest signed it.
            String tampered = layout.logFiles().get(0);
            Path log = layout.resolve(tampered);
            ByteArrayOutputStream forged = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(forged)) {
                gz.write("{\"Records\":[]}".getBytes(StandardCharsets.UTF_8));
            }
            Files.write(log, forged.toByteArray());
            GuardCommandTest.Run after = guard(s, "--bucket", "all-on", "--fail-on", "HIGH");
            JsonNode bad = after.check("RAMPART.TRAIL.VALID", server(s));
            assertThat(bad.path("status").asText()).isEqualTo("FAIL");
            assertThat(bad.path("evidence").asText())
                    .startsWith("trail INVALID")
                    .contains("modified log " + tampered);
            assertThat(after.exitCode()).isEqualTo(1);
        }
    }

    @Test
    void aServerWithoutWindowResponseOrMetricsFailsThemAndANonAdminGetsUnknown() throws Exception {
        try (RampartServer s = RampartServer.start(
                        c -> c.recovery(RecoveryOptions.defaults().withWindow(Duration.ZERO)));
                S3Client s3 = s.s3()) {
            s3.createBucket(b -> b.bucket("all-off"));
            GuardCommandTest.Run run = guard(s, "--bucket", "all-off");

            JsonNode window = run.check("RAMPART.RECOVERY_WINDOW", server(s));
            assertThat(window.path("status").asText()).isEqualTo("FAIL");
            assertThat(window.path("evidence").asText()).startsWith("recovery window OFF");
            assertThat(window.path("remediation").asText()).contains("--recovery-window 7d");
            JsonNode detector = run.check("RAMPART.DETECTOR", server(s));
            assertThat(detector.path("status").asText()).isEqualTo("FAIL");
            assertThat(detector.path("evidence").asText()).contains("automatic response OFF");
            assertThat(run.status("RAMPART.METRICS", server(s))).isEqualTo("FAIL");

            try (IamClient iam = s.iam()) {
                iam.createUser(b -> b.userName("auditor"));
                // Every IAM permission, and still not the account's admin: the admin API refuses it.
                iam.putUserPolicy(b -> b.userName("auditor")
                        .policyName("all")
                        .policyDocument("{\"Version\":\"2012-10-17\","
                                + "\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
                AccessKey k = iam.createAccessKey(b -> b.userName("auditor")).accessKey();
                GuardCommandTest.Run ro = guardAs(s, k.accessKeyId(), k.secretAccessKey(), "--bucket", "all-off");
                assertThat(ro.exitCode()).as(ro.err()).isZero();
                for (String id : List.of(
                        "RAMPART.RECOVERY_WINDOW", "RAMPART.DETECTOR", "RAMPART.TRAIL.VALID", "RAMPART.METRICS")) {
                    JsonNode c = ro.check(id, server(s));
                    assertThat(c.path("status").asText()).as(id).isEqualTo("UNKNOWN");
                    assertThat(c.path("evidence").asText())
                            .contains("the Rampart admin API")
                            .contains("refused this caller")
                            .contains("AccessDenied");
                }
            }
        }
    }

    @Test
    void sseCObjectsComeFromAnInventoryReportWhenNamedAndFromHeadWhenItIsCorrupt() throws Exception {
        try (RampartServer s = RampartServer.start();
                S3Client s3 = s.s3()) {
            s3.createBucket(b -> b.bucket("photos"));
            s3.putObject(b -> b.bucket("photos").key("a.jpg"), RequestBody.fromString("a"));
            s3.createBucket(b -> b.bucket("inventory"));
            // A report as S3 Inventory writes it: every field quoted, keys URL-encoded, one version listed that HEAD
            // would
            // not find (the report is what guard read).
            String csv =
                    "\"photos\",\"a.jpg\",\"v1\",\"true\",\"false\",\"1\",\"2026-12-01T00:00:00.000Z\",\"SSE-S3\"\n"
                            + "\"photos\",\"ransom%20note.jpg\",\"v2\",\"true\",\"false\",\"8\",\"2026-12-02T00:00:00.000Z\",\"SSE-C\"\n"
                            + "\"photos\",\"b.jpg\",\"v3\",\"false\",\"false\",\"8\",\"2026-12-02T00:00:00.000Z\",\"SSE-C\"\n"
                            + "\"photos\",\"b.jpg\",\"v4\",\"true\",\"true\",\"\",\"2026-12-03T00:00:00.000Z\",\"\"\n";
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                out.write(csv.getBytes(StandardCharsets.UTF_8));
            }
            byte[] data = gz.toByteArray();
            String dataKey = "reports/photos/all/data/0b1c.csv.gz";
            s3.putObject(b -> b.bucket("inventory").key(dataKey), RequestBody.fromBytes(data));
            String manifestKey = "reports/photos/all/2026-12-03T01-00Z/manifest.json";
            putManifest(
                    s3,
                    manifestKey,
                    dataKey,
                    HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data)));

            GuardCommandTest.Run run =
                    guard(s, "--bucket", "photos", "--inventory-manifest", "s3://inventory/" + manifestKey);

            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode objects = run.check("S3.SSEC.OBJECTS", "arn:aws:s3:::photos");
            assertThat(objects.path("status").asText()).isEqualTo("FAIL");
            assertThat(objects.path("evidence").asText())
                    .startsWith("2 of 3 versions are SSE-C (S3 Inventory report s3://inventory/" + manifestKey + " of ")
                    .contains("b.jpg (version v3, noncurrent, 2026-12-02T00:00:00Z)")
                    .contains("ransom note.jpg (version v2, current")
                    .contains("writers UNKNOWN: 2 version(s) have no write record in the trail");

            // A caller the admin API refuses still gets the report's findings; who wrote them is UNKNOWN, and why.
            try (IamClient iam = s.iam()) {
                iam.createUser(b -> b.userName("reader"));
                iam.putUserPolicy(b -> b.userName("reader")
                        .policyName("all")
                        .policyDocument("{\"Version\":\"2012-10-17\","
                                + "\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"));
                AccessKey k = iam.createAccessKey(b -> b.userName("reader")).accessKey();
                GuardCommandTest.Run ro = guardAs(
                        s,
                        k.accessKeyId(),
                        k.secretAccessKey(),
                        "--bucket",
                        "photos",
                        "--inventory-manifest",
                        "s3://inventory/" + manifestKey);
                JsonNode found = ro.check("S3.SSEC.OBJECTS", "arn:aws:s3:::photos");
                assertThat(found.path("status").asText()).isEqualTo("FAIL");
                assertThat(found.path("evidence").asText())
                        .contains("; writers UNKNOWN: the Rampart admin API")
                        .contains("refused this caller (AccessDenied (HTTP 403)");
            }

            // The data file no longer matches the manifest's MD5: guard says so and HEADs every version instead.
            putManifest(s3, manifestKey, dataKey, "00000000000000000000000000000000");
            GuardCommandTest.Run corrupt =
                    guard(s, "--bucket", "photos", "--inventory-manifest", "s3://inventory/" + manifestKey);
            JsonNode head = corrupt.check("S3.SSEC.OBJECTS", "arn:aws:s3:::photos");
            assertThat(head.path("status").asText()).isEqualTo("PASS");
            assertThat(head.path("evidence").asText())
                    .startsWith("1 versions, none SSE-C")
                    .contains("(HeadObject of every version; the S3 Inventory report s3://inventory/" + manifestKey
                            + " was unreadable (" + dataKey + ": MD5 ");

            GuardCommandTest.Run missing =
                    guard(s, "--bucket", "photos", "--inventory-manifest", "s3://inventory/nope/manifest.json");
            assertThat(missing.exitCode()).isEqualTo(2);
            assertThat(missing.err())
                    .startsWith("rampart guard: cannot read --inventory-manifest s3://inventory/nope/manifest.json: ");
            GuardCommandTest.Run malformed = guard(s, "--inventory-manifest", "inventory/manifest.json");
            assertThat(malformed.exitCode()).isEqualTo(2);
            assertThat(malformed.err()).contains("expected s3://BUCKET/PATH/manifest.json");
        }
    }

    @Test
    void aShortRecoveryWindowWarnsAndThePostureResourcesAnswerBadRequestsWithAnErrorNotA500() throws Exception {
        try (RampartServer s =
                RampartServer.start(c -> c.recovery(RecoveryOptions.defaults().withWindow(Duration.ofDays(1))))) {
            GuardCommandTest.Run run = guard(s);
            JsonNode window = run.check("RAMPART.RECOVERY_WINDOW", server(s));
            assertThat(window.path("status").asText()).isEqualTo("WARN");
            assertThat(window.path("evidence").asText())
                    .isEqualTo("recovery window on, 1 day (under 7 days to notice an attack)");

            RawS3 raw = new RawS3(s);
            RawS3.Reply noBucket = raw.signed("GET", "/_rampart/admin/trail/writes", java.util.Map.of(), new byte[0]);
            assertThat(noBucket.status()).isEqualTo(400);
            assertThat(noBucket.text()).contains("\"code\":\"InvalidArgument\"").contains("bucket is required");
            RawS3.Reply post = raw.signed("POST", "/_rampart/admin/posture", java.util.Map.of(), new byte[0]);
            assertThat(post.status()).isEqualTo(405);
            assertThat(post.text()).contains("\"code\":\"MethodNotAllowed\"");
            RawS3.Reply posture = raw.signed("GET", "/_rampart/admin/posture", java.util.Map.of(), new byte[0]);
            assertThat(posture.status()).isEqualTo(200);
            assertThat(posture.text())
                    .contains("\"server\":\"rampart\"")
                    .contains("\"recoveryWindow\":{\"enabled\":true,\"seconds\":86400}");
            RawS3.Reply anonymous = raw.unsigned("GET", "/_rampart/admin/posture", java.util.Map.of(), new byte[0]);
            assertThat(anonymous.status()).isEqualTo(403);
        }
    }

    private static void putManifest(S3Client s3, String key, String dataKey, String md5) {
        String manifest =
                "{\"sourceBucket\":\"photos\",\"destinationBucket\":\"arn:aws:s3:::inventory\",\"version\":\"2016-11-30\","
                        + "\"creationTimestamp\":\"1764723600000\",\"fileFormat\":\"CSV\",\"fileSchema\":\"Bucket, Key, VersionId, IsLatest, "
                        + "IsDeleteMarker, Size, LastModifiedDate, EncryptionStatus\",\"files\":[{\"key\":\"" + dataKey
                        + "\",\"size\":1,"
                        + "\"MD5checksum\":\"" + md5 + "\"}]}";
        s3.putObject(b -> b.bucket("inventory").key(key), RequestBody.fromString(manifest));
    }
}

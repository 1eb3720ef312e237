package io.rampart.it;

import static io.rampart.it.Buckets.keys;
import static io.rampart.it.Buckets.versions;
import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.cli.AdminPurgeRecoveryWindowCommand;
import io.rampart.cli.Main;
import io.rampart.http.Rampart;
import io.rampart.iam.AccessKey;
import io.rampart.recovery.RecoveryOptions;
import io.rampart.storage.RecoveryWindow;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The recovery window end to end, through the AWS SDK against real servers: every version an overwrite, a delete or
 * a lifecycle expiration removes from view is kept hidden (S3 shows nothing of it) and {@code rampart restore} brings
 * it back, in unversioned, suspended and versioned buckets; the background purge and the offline purge free it.
 */
class RecoveryWindowTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "window-metrics-token-0123456789";

    // SSE-C allowed over HTTP (the attacker's tool), lifecycle days of a second, and metrics.
    @RegisterExtension
    static final RampartExtension RAMPART =
            RampartExtension.withDefaults().allowSseCOverHttp().lifecycle(1, 1).metrics(TOKEN);

    static RampartServer server;
    static S3Client admin;
    static int metricsPort;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        admin = RAMPART.s3();
        metricsPort = RAMPART.metricsPort();
    }

    // ---- helpers ----

    record Run(int exitCode, String out, String err) {
        JsonNode summary() {
            String[] lines = out.strip().split("\n");
            try {
                JsonNode last = JSON.readTree(lines[lines.length - 1]);
                assertThat(last.has("summary"))
                        .as("last line is the summary: %s", out)
                        .isTrue();
                return last.get("summary");
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out, e);
            }
        }

        List<JsonNode> keys() {
            List<JsonNode> out = new ArrayList<>();
            for (String l : this.out.split("\n")) {
                if (l.isBlank()) continue;
                try {
                    JsonNode n = JSON.readTree(l);
                    if (n.has("key")) out.add(n);
                } catch (IOException e) {
                    throw new AssertionError("not a JSON line: " + l, e);
                }
            }
            return out;
        }
    }

    static Run restore(URI endpoint, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(
                "restore",
                "--endpoint",
                endpoint.toString(),
                "--access-key",
                RampartServer.ACCESS_KEY,
                "--secret-key",
                RampartServer.SECRET_KEY));
        all.addAll(List.of(args));
        int rc = cmd.execute(all.toArray(String[]::new));
        Run r = new Run(rc, out.toString(), err.toString());
        assertThat(r.exitCode()).as("restore %s: %s", all, r.err()).isZero();
        return r;
    }

    static Run restore(String... args) {
        return restore(server.endpoint(), args);
    }

    static List<JsonNode> trail() {
        try {
            return io.rampart.audit.TrailQuery.all().run(io.rampart.audit.TrailLayout.ofDataDir(server.dataDir()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Run purge(Path dataDir, String... args) {
        return purgeAnswering("", dataDir, args);
    }

    /** The purge command, answering its confirmation prompt with {@code input}. */
    static Run purgeAnswering(String input, Path dataDir, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(
                new AdminPurgeRecoveryWindowCommand(new java.io.ByteArrayInputStream(input.getBytes())));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("--data-dir", dataDir.toString()));
        all.addAll(List.of(args));
        return new Run(cmd.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] get(S3Client s3, String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    /** A bucket whose default encryption is SSE-S3 and which allows SSE-C (as a user relying on SSE-C sets it). */
    static void bucketAllowingSseC(String bucket) {
        Buckets.allowingSseC(admin, bucket);
    }

    static List<RecoveryWindow.Entry> held(RampartServer s, String bucket) {
        return s.rampart().recoveryWindow().after(bucket, "", 0, 1000);
    }

    static Instant tick() throws InterruptedException {
        Thread.sleep(15);
        Instant t = Instant.now();
        Thread.sleep(15);
        return t;
    }

    static Set<Path> blobFiles(Path dataDir) throws IOException {
        try (Stream<Path> files = Files.walk(dataDir.resolve("blobs"))) {
            return files.filter(Files::isRegularFile).collect(Collectors.toSet());
        }
    }

    // ---- unversioned and suspended buckets: the Codefinger attack undone in one command ----

    @Test
    void anAttackOnAnUnversionedBucketIsUndoneByteIdenticalAndTheS3ViewShowsNothingOfTheWindow() throws Exception {
        String bucket = "plain";
        bucketAllowingSseC(bucket);
        byte[] small = random(3_000, 1);
        byte[] large = random(200_000, 2);
        byte[] gone = random(70_000, 3);
        admin.putObject(b -> b.bucket(bucket).key("a.txt"), RequestBody.fromBytes(small));
        admin.putObject(b -> b.bucket(bucket).key("b.bin"), RequestBody.fromBytes(large));
        admin.putObject(b -> b.bucket(bucket).key("c.bin"), RequestBody.fromBytes(gone));
        admin.putObject(b -> b.bucket(bucket).key("untouched"), RequestBody.fromString("stays"));
        Instant t0 = tick();

        AccessKey attacker = server.userWithS3FullAccess("plain-attacker");
        SseCKey k = SseCKey.random();
        try (S3Client evil = server.s3(attacker.accessKeyId(), attacker.secretKey())) {
            // In place with CopyObject, then GetObject + PutObject, then a delete: no version is left in S3's view.
            evil.copyObject(b -> b.sourceBucket(bucket)
                    .sourceKey("a.txt")
                    .destinationBucket(bucket)
                    .destinationKey("a.txt")
                    .sseCustomerAlgorithm("AES256")
                    .sseCustomerKey(k.base64())
                    .sseCustomerKeyMD5(k.md5()));
            byte[] read = get(evil, bucket, "b.bin");
            evil.putObject(
                    b -> b.bucket(bucket)
                            .key("b.bin")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(k.base64())
                            .sseCustomerKeyMD5(k.md5()),
                    RequestBody.fromBytes(read));
            evil.deleteObject(b -> b.bucket(bucket).key("c.bin"));
        }

        // S3 looks exactly as AWS would: one null version per remaining key, the deleted key gone everywhere.
        assertThat(versions(admin, bucket)).containsExactly("a.txt@null", "b.bin@null", "untouched@null");
        assertThat(keys(admin, bucket)).containsExactly("a.txt", "b.bin", "untouched");
        assertS3Error(() -> admin.headObject(b -> b.bucket(bucket).key("c.bin")), 404, null);
        assertS3Error(
                () -> admin.getObject(b -> b.bucket(bucket).key("c.bin").versionId("null")), 404, "NoSuchVersion");
        assertS3Error(() -> admin.getObject(b -> b.bucket(bucket).key("a.txt")), 400, "InvalidRequest");
        // ... while the window holds the three originals, with who removed them and how.
        List<RecoveryWindow.Entry> held = held(server, bucket);
        assertThat(held)
                .extracting(e -> e.version().key() + ":" + e.reason() + ":" + e.removedByKey())
                .containsExactly(
                        "a.txt:CopyObject:" + attacker.accessKeyId(),
                        "b.bin:PutObject:" + attacker.accessKeyId(),
                        "c.bin:DeleteObject:" + attacker.accessKeyId());

        Run applied = restore(
                "--bucket",
                bucket,
                "--undo-access-key",
                attacker.accessKeyId(),
                "--since",
                t0.toString(),
                "--apply",
                "--json");
        assertThat(applied.summary().path("restore").asLong()).as(applied.out()).isEqualTo(3);
        assertThat(applied.summary().path("failed").asLong()).isZero();
        assertThat(get(admin, bucket, "a.txt")).isEqualTo(small);
        assertThat(get(admin, bucket, "b.bin")).isEqualTo(large);
        assertThat(get(admin, bucket, "c.bin")).isEqualTo(gone);
        assertThat(admin.headObject(b -> b.bucket(bucket).key("b.bin")).serverSideEncryption())
                .isEqualTo(ServerSideEncryption.AES256);
        assertThat(get(admin, bucket, "untouched")).isEqualTo("stays".getBytes());
        // Still an unversioned bucket in S3's eyes: null versions only.
        assertThat(versions(admin, bucket)).containsExactly("a.txt@null", "b.bin@null", "c.bin@null", "untouched@null");

        // Idempotent: a second run changes nothing.
        Run again = restore(
                "--bucket",
                bucket,
                "--undo-access-key",
                attacker.accessKeyId(),
                "--since",
                t0.toString(),
                "--apply",
                "--json");
        assertThat(again.keys())
                .hasSize(3)
                .allSatisfy(n -> assertThat(n.path("action").asText()).isEqualTo("ALREADY_CURRENT"));
        assertThat(get(admin, bucket, "b.bin")).isEqualTo(large);
    }

    @Test
    void anAttackOnASuspendedBucketIsUndone() throws Exception {
        String bucket = "suspended";
        bucketAllowingSseC(bucket);
        admin.putBucketVersioning(
                b -> b.bucket(bucket).versioningConfiguration(c -> c.status(BucketVersioningStatus.ENABLED)));
        admin.putObject(b -> b.bucket(bucket).key("versioned"), RequestBody.fromString("from the versioned days"));
        admin.putBucketVersioning(
                b -> b.bucket(bucket).versioningConfiguration(c -> c.status(BucketVersioningStatus.SUSPENDED)));
        byte[] s = random(5_000, 4);
        byte[] t = random(100_000, 5);
        admin.putObject(b -> b.bucket(bucket).key("s"), RequestBody.fromBytes(s));
        admin.putObject(b -> b.bucket(bucket).key("t"), RequestBody.fromBytes(t));
        Instant t0 = tick();

        AccessKey attacker = server.userWithS3FullAccess("suspended-attacker");
        SseCKey k = SseCKey.random();
        try (S3Client evil = server.s3(attacker.accessKeyId(), attacker.secretKey())) {
            evil.putObject(
                    b -> b.bucket(bucket)
                            .key("s")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(k.base64())
                            .sseCustomerKeyMD5(k.md5()),
                    RequestBody.fromString("ransomed"));
            // A delete in a suspended bucket: a null delete marker replaces the null version.
            evil.deleteObject(b -> b.bucket(bucket).key("t"));
        }
        assertThat(versions(admin, bucket))
                .filteredOn(v -> !v.startsWith("versioned"))
                .containsExactlyInAnyOrder("s@null", "t@null:DM");

        Run applied = restore(
                "--bucket",
                bucket,
                "--undo-principal",
                attacker.principal().arn(),
                "--since",
                t0.toString(),
                "--apply",
                "--json");
        assertThat(applied.summary().path("restore").asLong()).as(applied.out()).isEqualTo(2);
        assertThat(get(admin, bucket, "s")).isEqualTo(s);
        assertThat(get(admin, bucket, "t")).isEqualTo(t);
        assertThat(get(admin, bucket, "versioned")).isEqualTo("from the versioned days".getBytes());
        assertThat(versions(admin, bucket))
                .filteredOn(v -> !v.startsWith("versioned"))
                .containsExactlyInAnyOrder("s@null", "t@null");
    }

    @Test
    void aMultipartUploadOverAnObjectKeepsTheReplacedOne() throws Exception {
        String bucket = "mpu-over";
        admin.createBucket(b -> b.bucket(bucket));
        byte[] original = random(120_000, 13);
        admin.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromBytes(original));
        Instant t = tick();
        String id = admin.createMultipartUpload(b -> b.bucket(bucket).key("k")).uploadId();
        String etag = admin.uploadPart(
                        b -> b.bucket(bucket).key("k").uploadId(id).partNumber(1),
                        RequestBody.fromString("replacement"))
                .eTag();
        admin.completeMultipartUpload(b -> b.bucket(bucket)
                .key("k")
                .uploadId(id)
                .multipartUpload(m -> m.parts(p -> p.partNumber(1).eTag(etag))));
        assertThat(held(server, bucket))
                .extracting(RecoveryWindow.Entry::reason)
                .containsExactly("CompleteMultipartUpload");
        restore("--bucket", bucket, "--to", t.toString(), "--apply", "--json");
        assertThat(get(admin, bucket, "k")).isEqualTo(original);
    }

    // ---- deletes ----

    @Test
    void deleteObjectsInAnUnversionedBucketIsBroughtBackByRestoreDeleted() throws Exception {
        String bucket = "bulk-deleted";
        admin.createBucket(b -> b.bucket(bucket));
        for (String key : List.of("d/1", "d/2", "d/3", "e/1")) {
            admin.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("content of " + key));
        }
        admin.putObject(b -> b.bucket(bucket).key("d/2"), RequestBody.fromString("newer content of d/2"));
        Instant t0 = tick();
        admin.deleteObjects(b -> b.bucket(bucket)
                .delete(d -> d.objects(
                        ObjectIdentifier.builder().key("d/1").build(),
                        ObjectIdentifier.builder().key("d/2").build(),
                        ObjectIdentifier.builder().key("e/1").build())));
        assertThat(keys(admin, bucket)).containsExactly("d/3");
        assertThat(held(server, bucket))
                .filteredOn(e -> e.reason().equals("DeleteObjects"))
                .hasSize(3);

        Run plan = restore("--bucket", bucket, "--prefix", "d/", "--deleted", "--since", t0.toString(), "--json");
        assertThat(plan.keys())
                .extracting(n -> n.path("key").asText() + "=" + n.path("action").asText())
                .containsExactly("d/1=RESTORE", "d/2=RESTORE");
        assertThat(keys(admin, bucket)).as("a dry run changes nothing").containsExactly("d/3");

        restore("--bucket", bucket, "--prefix", "d/", "--deleted", "--since", t0.toString(), "--apply", "--json");
        assertThat(keys(admin, bucket)).containsExactly("d/1", "d/2", "d/3");
        assertThat(get(admin, bucket, "d/1")).isEqualTo("content of d/1".getBytes());
        // The newest version that was deleted, not the overwritten one before it.
        assertThat(get(admin, bucket, "d/2")).isEqualTo("newer content of d/2".getBytes());
        // Without --since: everything deleted that the window holds, here e/1.
        restore("--bucket", bucket, "--deleted", "--apply", "--json");
        assertThat(keys(admin, bucket)).containsExactly("d/1", "d/2", "d/3", "e/1");
    }

    @Test
    void versionsHeldFromAnEarlierBucketOfTheSameNameAreNeverRestoredIntoANewOne() throws Exception {
        String bucket = "reborn";
        admin.createBucket(b -> b.bucket(bucket));
        admin.putObject(b -> b.bucket(bucket).key("secret"), RequestBody.fromString("the first owner's data"));
        admin.deleteObject(b -> b.bucket(bucket).key("secret"));
        admin.deleteBucket(b -> b.bucket(bucket));
        assertThat(held(server, bucket)).hasSize(1);
        tick();
        admin.createBucket(b -> b.bucket(bucket));
        Run r = restore("--bucket", bucket, "--deleted", "--apply", "--json");
        assertThat(r.summary().path("keysScanned").asLong())
                .as("the window still holds it: %s", r.out())
                .isEqualTo(1);
        assertThat(r.summary().path("keysPlanned").asLong()).as(r.out()).isZero();
        assertThat(keys(admin, bucket)).isEmpty();
    }

    @Test
    void aPermanentVersionDeleteInAVersionedBucketIsUndoneByRestoreTo() throws Exception {
        String bucket = "versioned-purge";
        admin.createBucket(b -> b.bucket(bucket));
        admin.putBucketVersioning(
                b -> b.bucket(bucket).versioningConfiguration(c -> c.status(BucketVersioningStatus.ENABLED)));
        admin.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("v1"));
        byte[] v2 = random(150_000, 6);
        String v2Id = admin.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromBytes(v2))
                .versionId();
        Instant t = tick();
        admin.deleteObject(b -> b.bucket(bucket).key("k").versionId(v2Id));
        assertThat(get(admin, bucket, "k")).isEqualTo("v1".getBytes());
        assertThat(versions(admin, bucket)).hasSize(1).doesNotContain("k@" + v2Id);
        assertS3Error(() -> admin.getObject(b -> b.bucket(bucket).key("k").versionId(v2Id)), 404, "NoSuchVersion");

        Run applied = restore("--bucket", bucket, "--to", t.toString(), "--apply", "--json");
        assertThat(applied.summary().path("restore").asLong()).as(applied.out()).isEqualTo(1);
        assertThat(get(admin, bucket, "k")).isEqualTo(v2);
        assertThat(versions(admin, bucket)).hasSize(2);
    }

    @Test
    void lifecycleExpirationsAreHeldAndRestored() throws Exception {
        String bucket = "expiring";
        admin.createBucket(b -> b.bucket(bucket));
        byte[] data = random(80_000, 7);
        admin.putObject(b -> b.bucket(bucket).key("logs/old"), RequestBody.fromBytes(data));
        Instant t0 = tick();
        admin.putBucketLifecycleConfiguration(b -> b.bucket(bucket)
                .lifecycleConfiguration(c -> c.rules(LifecycleRule.builder()
                        .id("expire")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().prefix("logs/").build())
                        .expiration(e -> e.days(1))
                        .build())));
        Await.until("logs/old expired", () -> keys(admin, bucket).isEmpty());
        admin.deleteBucketLifecycle(b -> b.bucket(bucket));
        assertThat(held(server, bucket)).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo("LifecycleExpiration");
            assertThat(e.removedByArn()).isEqualTo("s3.amazonaws.com");
        });

        restore("--bucket", bucket, "--deleted", "--since", t0.toString(), "--apply", "--json");
        assertThat(get(admin, bucket, "logs/old")).isEqualTo(data);
    }

    @Test
    void noncurrentVersionExpirationsAreHeld() throws Exception {
        String bucket = "noncurrent";
        admin.createBucket(b -> b.bucket(bucket));
        admin.putBucketVersioning(
                b -> b.bucket(bucket).versioningConfiguration(c -> c.status(BucketVersioningStatus.ENABLED)));
        String old = admin.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("old"))
                .versionId();
        admin.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("new"));
        Instant beforeExpiry = tick();
        admin.putBucketLifecycleConfiguration(b -> b.bucket(bucket)
                .lifecycleConfiguration(c -> c.rules(LifecycleRule.builder()
                        .id("noncurrent")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().prefix("").build())
                        .noncurrentVersionExpiration(n -> n.noncurrentDays(1))
                        .build())));
        Await.until(
                "the noncurrent version expired", () -> versions(admin, bucket).size() == 1);
        admin.deleteBucketLifecycle(b -> b.bucket(bucket));
        assertThat(held(server, bucket)).singleElement().satisfies(e -> {
            assertThat(e.version().versionId()).isEqualTo(old);
            assertThat(e.reason()).isEqualTo("LifecycleExpiration");
        });
        // It existed (noncurrent) before the expiry: a point-in-time restore to when "old" was current brings it back.
        Instant whenOldWasCurrent =
                Instant.ofEpochMilli(held(server, bucket).get(0).version().lastModified());
        assertThat(whenOldWasCurrent).isBefore(beforeExpiry);
        restore("--bucket", bucket, "--to", whenOldWasCurrent.toString(), "--apply", "--json");
        assertThat(get(admin, bucket, "k")).isEqualTo("old".getBytes());
    }

    // ---- purge, Object Lock, metrics ----

    @Test
    void theOfflinePurgeFreesOnlyWhatIsOldEnoughAndKeepsLockedVersions() throws Exception {
        String bucket = "purged-window";
        admin.createBucket(b -> b.bucket(bucket).objectLockEnabledForBucket(true));
        String free = admin.putObject(b -> b.bucket(bucket).key("free"), RequestBody.fromBytes(random(90_000, 8)))
                .versionId();
        Instant until = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        String locked = admin.putObject(
                        b -> b.bucket(bucket)
                                .key("locked")
                                .objectLockMode(ObjectLockMode.GOVERNANCE)
                                .objectLockRetainUntilDate(until),
                        RequestBody.fromString("under retention"))
                .versionId();
        admin.deleteObject(b -> b.bucket(bucket).key("free").versionId(free));
        // Governance retention can be bypassed by whoever may: the window still keeps the version, and its lock.
        admin.deleteObject(b -> b.bucket(bucket).key("locked").versionId(locked).bypassGovernanceRetention(true));
        assertThat(held(server, bucket)).hasSize(2);

        Run tooYoung = purge(server.dataDir(), "--bucket", bucket, "--older-than", "1d", "--yes");
        assertThat(tooYoung.exitCode()).as(tooYoung.err()).isZero();
        assertThat(tooYoung.out()).contains("0 versions (0 bytes) to purge");
        assertThat(held(server, bucket)).hasSize(2);

        Run notConfirmed = purgeAnswering("no\n", server.dataDir(), "--bucket", bucket, "--older-than", "0");
        assertThat(notConfirmed.exitCode()).isEqualTo(1);
        assertThat(notConfirmed.err()).contains("not confirmed");
        assertThat(held(server, bucket)).hasSize(2);

        Run done = purgeAnswering("purge\n", server.dataDir(), "--bucket", bucket, "--older-than", "0");
        assertThat(done.exitCode()).as(done.err()).isZero();
        assertThat(done.out()).contains("Purged 1 versions (90000 bytes); 1 kept by Object Lock.");
        // The owner's purge is in the trail (drained from admin_actions by the running server), with what it freed.
        Await.until(
                "the purge recorded in the trail",
                () -> trail().stream()
                        .anyMatch(r ->
                                "rampart.admin".equals(r.path("eventSource").asText())
                                        && "purge-recovery-window"
                                                .equals(r.path("eventName").asText())
                                        && "1"
                                                .equals(r.path("responseElements")
                                                        .path("purgedVersions")
                                                        .asText())
                                        && bucket.equals(r.path("requestParameters")
                                                .path("bucket")
                                                .asText())));
        assertThat(held(server, bucket)).extracting(e -> e.version().key()).containsExactly("locked");
        // What was purged cannot come back; what the lock kept can.
        restore("--bucket", bucket, "--deleted", "--apply", "--json");
        assertThat(keys(admin, bucket)).containsExactly("locked");
    }

    @Test
    void metricsShowWhatTheWindowHolds() throws Exception {
        admin.createBucket(b -> b.bucket("metered"));
        admin.putObject(b -> b.bucket("metered").key("k"), RequestBody.fromBytes(new byte[12_345]));
        admin.deleteObject(b -> b.bucket("metered").key("k"));
        RecoveryWindow.Stats stats = server.rampart().recoveryWindow().stats();
        assertThat(stats.versions()).isGreaterThanOrEqualTo(1);
        Await.until("the metrics show the held version", () -> {
            Scrape m = Scrape.of(metricsPort, TOKEN);
            return m.value("rampart_recovery_window_versions") >= 1
                    && m.value("rampart_recovery_window_bytes") >= 12_345
                    && m.has("rampart_recovery_window_oldest_age_seconds");
        });
    }

    // ---- servers of their own ----

    @Test
    void theWindowsBlobsSurviveTheOrphanSweepAndARestart(@TempDir Path dir) throws Exception {
        Rampart.Config config = Rampart.Config.builder(dir)
                .rootKey(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)
                .autoRespond(false)
                .build();
        byte[] original = random(300_000, 9);
        Instant t;
        Set<Path> blobs;
        try (Rampart r = Rampart.start(config);
                S3Client s3 = client(r)) {
            s3.createBucket(b -> b.bucket("durable"));
            s3.putObject(b -> b.bucket("durable").key("k"), RequestBody.fromBytes(original));
            t = tick();
            s3.putObject(b -> b.bucket("durable").key("k"), RequestBody.fromBytes(random(300_000, 10)));
            blobs = blobFiles(dir);
            assertThat(blobs).as("the overwritten version's blob is kept").hasSize(2);
        }
        // The start-up sweep deletes blobs no row references: the window's row references this one.
        try (Rampart r = Rampart.start(config);
                S3Client s3 = client(r)) {
            assertThat(blobFiles(dir)).isEqualTo(blobs);
            Run applied =
                    restore(URI.create(r.endpoint()), "--bucket", "durable", "--to", t.toString(), "--apply", "--json");
            assertThat(applied.summary().path("restore").asLong()).isEqualTo(1);
            assertThat(s3.getObjectAsBytes(b -> b.bucket("durable").key("k")).asByteArray())
                    .isEqualTo(original);
            // No byte was copied: the restored version shares the held blob, and the replaced one went to the window.
            assertThat(blobFiles(dir)).isEqualTo(blobs);
        }
    }

    @Test
    void agedOutEntriesAreFreedByTheBackgroundPurge() throws Exception {
        try (RampartServer s = RampartServer.start(c -> c.recovery(RecoveryOptions.defaults()
                        .withWindow(Duration.ofSeconds(1))
                        .withPurgeInterval(Duration.ofMillis(200))));
                S3Client s3 = s.s3()) {
            s3.createBucket(b -> b.bucket("short"));
            Set<Path> before = blobFiles(s.dataDir());
            s3.putObject(b -> b.bucket("short").key("k"), RequestBody.fromBytes(random(100_000, 11)));
            s3.putObject(b -> b.bucket("short").key("k"), RequestBody.fromString("small now"));
            assertThat(blobFiles(s.dataDir())).hasSize(before.size() + 1);
            Await.until("the aged-out version is purged and its blob freed", () -> {
                try {
                    return held(s, "short").isEmpty() && blobFiles(s.dataDir()).equals(before);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(s.rampart().windowPurger().purged()).isEqualTo(1);
            assertThat(s3.getObjectAsBytes(b -> b.bucket("short").key("k")).asUtf8String())
                    .isEqualTo("small now");
        }
    }

    @Test
    void aWindowOfZeroKeepsNothing() throws Exception {
        try (RampartServer s = RampartServer.start(
                        c -> c.recovery(RecoveryOptions.defaults().withWindow(Duration.ZERO)));
                S3Client s3 = s.s3()) {
            s3.createBucket(b -> b.bucket("nowindow"));
            Set<Path> before = blobFiles(s.dataDir());
            s3.putObject(b -> b.bucket("nowindow").key("k"), RequestBody.fromBytes(random(100_000, 12)));
            Instant t0 = tick();
            s3.putObject(b -> b.bucket("nowindow").key("k"), RequestBody.fromString("replaced"));
            s3.deleteObject(b -> b.bucket("nowindow").key("k"));
            assertThat(held(s, "nowindow")).isEmpty();
            assertThat(s.rampart().recoveryWindow().stats().versions()).isZero();
            assertThat(blobFiles(s.dataDir())).isEqualTo(before);
            Run r = restore(
                    s.endpoint(), "--bucket", "nowindow", "--deleted", "--since", t0.toString(), "--apply", "--json");
            assertThat(r.summary().path("keysScanned").asLong()).isZero();
        }
    }

    @Test
    void writesAreRefusedWith503WhenTheDiskIsBelowItsReserve() throws Exception {
        try (RampartServer s = RampartServer.start(
                        c -> c.recovery(RecoveryOptions.defaults().withMinFreeSpace("100%")));
                S3Client s3 = s.s3()) {
            // Buckets are metadata only, and reads and deletes go on: only writes that add data are refused.
            s3.createBucket(b -> b.bucket("full"));
            assertS3Error(
                    () -> s3.putObject(b -> b.bucket("full").key("k"), RequestBody.fromString("x")),
                    503,
                    "ServiceUnavailable");
            assertS3Error(() -> s3.createMultipartUpload(b -> b.bucket("full").key("k")), 503, "ServiceUnavailable");
            assertThat(s3.listObjectsV2(b -> b.bucket("full")).contents()).isEmpty();
            s3.deleteObject(b -> b.bucket("full").key("k"));
        }
    }

    private static S3Client client(Rampart r) {
        return S3Client.builder()
                .endpointOverride(URI.create(r.endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)))
                .forcePathStyle(true)
                .build();
    }
}

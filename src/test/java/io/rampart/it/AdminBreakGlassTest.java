package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import io.rampart.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Issue 14, finding 3, replayed: the detector deactivates the admin's key; a restart with the same RAMPART_ROOT_* pair
 * used to switch it back on silently. Now it stays off, start-up names the finding, and the owner gets back in with
 * {@code rampart admin} on the data directory while the server runs; every admin action reaches the trail, whether
 * the server was running (within a second) or stopped (at its next start).
 */
class AdminBreakGlassTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] SSE_C_ALLOWED = {"--allow-sse-c-over-http", "--allow-sse-c-on-new-buckets"};

    record Run(int exit, String out, String err) {}

    static Run admin(Path dataDir, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 3];
        all[0] = "admin";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--data-dir";
        all[args.length + 2] = dataDir.toString();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return new Run(cl.execute(all), out.toString(), err.toString());
    }

    static S3Client client(int port, String accessKey, String secretKey) {
        return S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .forcePathStyle(true)
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(30)))
                .build();
    }

    /** null when the call succeeds, else its S3 error code. */
    static String errorOf(S3Client s3) {
        try {
            s3.listBuckets();
            return null;
        } catch (S3Exception e) {
            return e.statusCode() + " " + e.awsErrorDetails().errorCode();
        }
    }

    static List<JsonNode> adminRecords(Path dataDir, String eventName) {
        try {
            return TrailQuery.all().run(TrailLayout.ofDataDir(dataDir)).stream()
                    .filter(r -> "rampart.admin".equals(r.path("eventSource").asText()))
                    .filter(r -> eventName.equals(r.path("eventName").asText()))
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static JsonNode awaitAdminRecord(Path dataDir, String eventName, Predicate<JsonNode> match)
            throws InterruptedException {
        return Await.value(
                "a rampart.admin " + eventName + " record in the trail",
                () -> adminRecords(dataDir, eventName).stream()
                        .filter(match)
                        .findFirst()
                        .orElse(null));
    }

    static void stop(Process p) throws InterruptedException {
        p.destroy();
        assertThat(p.waitFor(60, TimeUnit.SECONDS))
                .as("server stopped on SIGTERM")
                .isTrue();
    }

    @Test
    void deactivatedAdminKeyStaysOffAcrossARestartAndTheOwnerGetsBackInWithRampartAdmin() throws Exception {
        Path dir = Files.createTempDirectory("rampart-breakglass");
        int port = ChildServer.freePort();
        Process first = ChildServer.start(dir, port, new CopyOnWriteArrayList<>(), SSE_C_ALLOWED);
        String findingId;
        try (S3Client root = ChildServer.client(port)) {
            // The attack, by the admin's own (stolen) key: an in-place SSE-C re-encryption. The detector deactivates
            // it.
            root.createBucket(b -> b.bucket("vault"));
            root.putObject(b -> b.bucket("vault").key("ledger.csv"), RequestBody.fromString("precious"));
            SseCKey ransom = SseCKey.random();
            root.copyObject(b -> b.sourceBucket("vault")
                    .sourceKey("ledger.csv")
                    .destinationBucket("vault")
                    .destinationKey("ledger.csv")
                    .sseCustomerAlgorithm("AES256")
                    .sseCustomerKey(ransom.base64())
                    .sseCustomerKeyMD5(ransom.md5()));
            assertThat(Await.value("the admin key refused", () -> errorOf(root)))
                    .isEqualTo("403 InvalidAccessKeyId");
        } finally {
            stop(first);
        }
        Run list = admin(dir, "findings", "list", "--json");
        assertThat(list.exit()).as(list.err()).isZero();
        JsonNode finding = null;
        for (JsonNode f : JSON.readTree(list.out()).path("findings")) {
            if ("in-place-sse-c-reencryption".equals(f.path("rule").asText())) finding = f;
        }
        assertThat(finding).as("the detector's finding, read offline").isNotNull();
        findingId = finding.path("id").asText();
        assertThat(finding.path("accessKeyId").asText()).isEqualTo(RampartServer.ACCESS_KEY);

        // Restart with the same RAMPART_ROOT_* pair: the key stays off, and start-up says why and what to do.
        List<String> output = new CopyOnWriteArrayList<>();
        Process second = ChildServer.start(dir, port, output, SSE_C_ALLOWED);
        try (S3Client root = ChildServer.client(port)) {
            String startup = String.join("\n", output);
            assertThat(startup)
                    .contains("ADMIN ACCESS KEY " + RampartServer.ACCESS_KEY + " IS INACTIVE")
                    .contains("deactivated by finding " + findingId + " (in-place-sse-c-reencryption")
                    .contains("rampart admin findings resolve " + findingId + " --data-dir " + dir)
                    .contains("rampart admin create-admin-key --data-dir " + dir);
            assertThat(errorOf(root)).isEqualTo("403 InvalidAccessKeyId");

            // Break glass while the server runs: a new admin pair, printed as at first start, works at once.
            Run created = admin(dir, "create-admin-key");
            assertThat(created.exit()).as(created.err()).isZero();
            Matcher m = Pattern.compile(
                            "Admin credentials for account (\\d{12}) \\(user admin\\):\\n  export AWS_ACCESS_KEY_ID=(AKIA\\w+)"
                                    + "\\n  export AWS_SECRET_ACCESS_KEY=(\\S+)\\n")
                    .matcher(created.out());
            assertThat(m.find()).as(created.out()).isTrue();
            String newKey = m.group(2);
            String newSecret = m.group(3);
            try (S3Client fresh = client(port, newKey, newSecret)) {
                assertThat(fresh.listBuckets().buckets())
                        .extracting(b -> b.name())
                        .contains("vault");
            }

            // The old key, which the server has cached as inactive, comes back within the drain interval.
            Run activated = admin(dir, "activate-key", RampartServer.ACCESS_KEY);
            assertThat(activated.exit()).as(activated.err()).isZero();
            assertThat(activated.out()).contains("is now Active").contains("Finding " + findingId);
            assertThat(Await.value("the old admin key accepted again", () -> errorOf(root) == null ? "ok" : null))
                    .isEqualTo("ok");

            Run resolved = admin(dir, "findings", "resolve", findingId, "--yes");
            assertThat(resolved.exit()).as(resolved.err()).isZero();
            assertThat(resolved.out()).contains("Resolved " + findingId).contains("block-sse-c vault: reversed");
            Run keys = admin(dir, "list-keys", "--user", "admin", "--json");
            assertThat(keys.exit()).as(keys.err()).isZero();
            assertThat(JSON.readTree(keys.out()).path("accessKeys").findValuesAsText("status"))
                    .containsExactly("Active", "Active");

            // Each action is in the trail, as the account root acting from localhost; the secret never is.
            JsonNode create = awaitAdminRecord(
                    dir,
                    "create-admin-key",
                    r -> newKey.equals(
                            r.path("responseElements").path("accessKeyId").asText()));
            assertThat(create.path("userIdentity").path("type").asText()).isEqualTo("Root");
            assertThat(create.path("sourceIPAddress").asText()).isEqualTo("localhost");
            assertThat(create.path("eventType").asText()).isEqualTo("AwsApiCall");
            assertThat(create.toString()).doesNotContain(newSecret);
            awaitAdminRecord(
                    dir,
                    "activate-key",
                    r -> RampartServer.ACCESS_KEY.equals(
                            r.path("requestParameters").path("accessKeyId").asText()));
            awaitAdminRecord(
                    dir,
                    "findings-resolve",
                    r -> findingId.equals(
                            r.path("requestParameters").path("findingId").asText()));
            awaitAdminRecord(
                    dir,
                    "DetectorResponseReversed",
                    r -> "block-sse-c"
                            .equals(r.path("requestParameters").path("action").asText()));
            awaitAdminRecord(dir, "findings-list", r -> true);

            // Deactivating offline a key the running server has just accepted (and cached) takes effect promptly too.
            try (S3Client fresh = client(port, newKey, newSecret)) {
                assertThat(errorOf(fresh)).isNull();
                Run off = admin(dir, "deactivate-key", newKey);
                assertThat(off.exit()).as(off.err()).isZero();
                assertThat(Await.value("the new key refused", () -> errorOf(fresh)))
                        .isEqualTo("403 InvalidAccessKeyId");
                awaitAdminRecord(
                        dir,
                        "deactivate-key",
                        r -> newKey.equals(
                                r.path("requestParameters").path("accessKeyId").asText()));
            }

            // With the server stopped, an action waits in the database and reaches the trail at the next start.
            stop(second);
            Run on = admin(dir, "activate-key", newKey);
            assertThat(on.exit()).as(on.err()).isZero();
            Predicate<JsonNode> activatesNewKey = r -> newKey.equals(
                    r.path("requestParameters").path("accessKeyId").asText());
            assertThat(adminRecords(dir, "activate-key")).noneMatch(activatesNewKey);
            Process third = ChildServer.start(dir, port, new CopyOnWriteArrayList<>(), SSE_C_ALLOWED);
            try (S3Client fresh = client(port, newKey, newSecret)) {
                awaitAdminRecord(dir, "activate-key", activatesNewKey);
                assertThat(errorOf(fresh)).isNull();
                assertThat(errorOf(root)).isNull();
                // Drained once: a restart does not write the same actions again.
                assertThat(adminRecords(dir, "create-admin-key")).hasSize(1);
            } finally {
                stop(third);
            }
        } finally {
            if (second.isAlive()) stop(second);
        }
    }

    @Test
    void adminRefusesADirectoryWithoutDataOrMasterKeyAndRecordsFailedActions() throws Exception {
        Path empty = Files.createTempDirectory("rampart-empty");
        Run none = admin(empty, "list-users");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("no Rampart data in " + empty);
        assertThat(empty.resolve("rampart.db")).doesNotExist();

        Path dir = Files.createTempDirectory("rampart-breakglass");
        int port = ChildServer.freePort();
        Process p = ChildServer.start(dir, port, new CopyOnWriteArrayList<>());
        try {
            Run unknown = admin(dir, "activate-key", "AKIANOSUCHKEY0000000");
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.err()).contains("no access key AKIANOSUCHKEY0000000");
            JsonNode failed = awaitAdminRecord(dir, "activate-key", r -> true);
            assertThat(failed.path("errorMessage").asText()).contains("no access key AKIANOSUCHKEY0000000");

            Run users = admin(dir, "list-users");
            assertThat(users.exit()).as(users.err()).isZero();
            assertThat(users.out()).contains("admin").contains("(account root)").contains("1 active/1");
        } finally {
            stop(p);
        }
        // Without the master key the data directory proves nothing: refused.
        Files.move(dir.resolve("master.key"), dir.resolve("master.key.elsewhere"));
        Run keyless = admin(dir, "create-admin-key");
        assertThat(keyless.exit()).isEqualTo(1);
        assertThat(keyless.err()).contains("the master key is needed");
        assertThat(keyless.out()).doesNotContain("AWS_SECRET_ACCESS_KEY");
        // ...and works with it given explicitly.
        Run withFile = admin(
                dir,
                "create-admin-key",
                "--master-key-file",
                dir.resolve("master.key.elsewhere").toString());
        assertThat(withFile.exit()).as(withFile.err()).isZero();
        assertThat(withFile.out()).contains("export AWS_SECRET_ACCESS_KEY=");
    }
}

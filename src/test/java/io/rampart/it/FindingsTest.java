package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import io.rampart.cli.Main;
import io.rampart.detect.DetectorSettings;
import io.rampart.detect.Finding;
import io.rampart.http.Monitoring;
import io.rampart.iam.AccessKey;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Findings end to end: a rule pack from a file, containment, the webhook (retried), the trail record, and the
 * {@code rampart findings} CLI over the admin API: list, show, archive, resolve (which reverses the responses).
 */
class FindingsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static RampartServer server;
    static S3Client admin;
    static HttpServer webhook;
    static Path rules;
    // The webhook receiver and the operator's rule pack are made first (in start()): the detection settings name them.
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults()
            .allowSseCOverHttp()
            .autoRespond()
            .detection(() -> DetectorSettings.defaults()
                    .withRules(rules)
                    .withWebhooks(
                            List.of("http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook")))
            .config(c -> c.monitoring(Monitoring.defaults().withWebhooks(Map.of(), Duration.ofMillis(50))));

    static final List<String> delivered = new CopyOnWriteArrayList<>();
    static final AtomicInteger attempts = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", ex -> {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            // The first delivery fails: the notifier must retry.
            int status = attempts.incrementAndGet() == 1 ? 503 : 204;
            if (status == 204) delivered.add(new String(body, StandardCharsets.UTF_8));
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        webhook.start();
        String pack;
        try (InputStream in = FindingsTest.class.getResourceAsStream("/io/rampart/detect/rules.yaml")) {
            pack = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // The operator's pack: deletes contained from the fifth in a minute.
        rules = Files.createTempFile("rules", ".yaml");
        Files.writeString(rules, pack.replace("threshold: 50", "threshold: 5"));
        server = RAMPART.server();
        admin = RAMPART.s3();
    }

    @AfterAll
    static void stop() throws Exception {
        webhook.stop(0);
        Files.deleteIfExists(rules);
    }

    record Run(int exit, String out, String err) {}

    static Run cli(String accessKey, String secretKey, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 7];
        all[0] = "findings";
        all[1] = args[0];
        System.arraycopy(args, 1, all, 2, args.length - 1);
        int n = args.length + 1;
        all[n] = "--endpoint";
        all[n + 1] = server.endpoint().toString();
        all[n + 2] = "--access-key";
        all[n + 3] = accessKey;
        all[n + 4] = "--secret-key";
        all[n + 5] = secretKey;
        return new Run(cl.execute(java.util.Arrays.copyOf(all, n + 6)), out.toString(), err.toString());
    }

    static Run adminCli(String... args) {
        return cli(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY, args);
    }

    /** Kept for tests written before {@link Await} (other branches); new code calls {@code Await.value}. */
    static <T> T await(String what, Supplier<T> probe) {
        return Await.value(what, probe::get);
    }

    static Finding awaitFinding(String rule, String keyId) throws InterruptedException {
        return Await.value(
                "a " + rule + " finding for " + keyId,
                () -> server.rampart().findings().list().stream()
                        .filter(f -> f.ruleId().equals(rule) && keyId.equals(f.accessKeyId()))
                        .findFirst()
                        .orElse(null));
    }

    @Test
    void inPlaceAttackIsContainedNotifiedAndResolvedThroughTheCli() throws Exception {
        String bucket = "ledger";
        admin.createBucket(b -> b.bucket(bucket));
        admin.putBucketEncryption(b -> b.bucket(bucket)
                .serverSideEncryptionConfiguration(
                        c -> c.rules(r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm("AES256"))
                                .blockedEncryptionTypes(t -> t.encryptionTypeWithStrings("NONE")))));
        for (int i = 0; i < 5; i++) {
            int n = i;
            admin.putObject(b -> b.bucket(bucket).key("row-" + n), RequestBody.fromString("row " + n));
        }
        AccessKey attacker = server.userWithS3FullAccess("etl");
        SseCKey ransom = SseCKey.random();
        try (S3Client s3 = server.s3(attacker.accessKeyId(), attacker.secretKey())) {
            for (int i = 0; i < 5; i++) {
                int n = i;
                try {
                    s3.copyObject(b -> b.sourceBucket(bucket)
                            .sourceKey("row-" + n)
                            .destinationBucket(bucket)
                            .destinationKey("row-" + n)
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(ransom.base64())
                            .sseCustomerKeyMD5(ransom.md5()));
                } catch (S3Exception e) {
                    break;
                }
            }
        }
        Finding f = awaitFinding("in-place-sse-c-reencryption", attacker.accessKeyId());
        assertThat(server.rampart()
                        .iam()
                        .findKey(attacker.accessKeyId())
                        .orElseThrow()
                        .active())
                .isFalse();
        assertThat(f.responses())
                .extracting(r -> r.action() + " " + r.outcome())
                .contains("deactivate-key done", "revoke-sessions done", "block-sse-c done", "notify queued");
        // Sessions revoked as AWS does it: the deny-older-tokens policy is on the user.
        assertThat(server.iam().listUserPolicies(b -> b.userName("etl")).policyNames())
                .contains("AWSRevokeOlderSessions");

        // The webhook got the finding's JSON, after one failed attempt.
        String body = Await.value(
                "the webhook delivery",
                () -> delivered.stream()
                        .filter(d -> d.contains(f.id()))
                        .findFirst()
                        .orElse(null));
        JsonNode hook = JSON.readTree(body);
        assertThat(hook.path("rule").asText()).isEqualTo("in-place-sse-c-reencryption");
        assertThat(hook.path("accessKeyId").asText()).isEqualTo(attacker.accessKeyId());
        assertThat(attempts.get()).isGreaterThanOrEqualTo(2);

        // The trail has the finding and each response, as service events.
        TrailLayout layout = TrailLayout.ofDataDir(server.dataDir());
        List<JsonNode> trail = Await.value("the finding in the trail", () -> {
            try {
                List<JsonNode> rs =
                        new TrailQuery(null, null, null, null, "DetectorFinding", null, null, null).run(layout);
                return rs.stream()
                                .anyMatch(r -> f.id().equals(r.path("serviceEventDetails")
                                        .path("id")
                                        .asText()))
                        ? rs
                        : null;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(trail).isNotEmpty();
        assertThat(new TrailQuery(null, null, null, null, "DetectorResponse", null, null, null).run(layout))
                .anySatisfy(r -> assertThat(
                                r.path("serviceEventDetails").path("action").asText())
                        .isEqualTo("deactivate-key"));

        Run list = adminCli("list", "--json");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(JSON.readTree(list.out()).path("findings").findValuesAsText("id"))
                .contains(f.id());
        Run show = adminCli("show", f.id());
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("in-place-sse-c-reencryption").contains("revoke-sessions");

        Run resolve = adminCli("resolve", f.id(), "--yes");
        assertThat(resolve.exit()).as(resolve.err()).isZero();
        assertThat(resolve.out())
                .contains("deactivate-key " + attacker.accessKeyId() + ": reversed")
                .contains("block-sse-c " + bucket + ": reversed");
        assertThat(server.rampart()
                        .iam()
                        .findKey(attacker.accessKeyId())
                        .orElseThrow()
                        .active())
                .isTrue();
        assertThat(server.iam().listUserPolicies(b -> b.userName("etl")).policyNames())
                .doesNotContain("AWSRevokeOlderSessions");
        var rule = admin.getBucketEncryption(b -> b.bucket(bucket))
                .serverSideEncryptionConfiguration()
                .rules()
                .get(0);
        assertThat(rule.blockedEncryptionTypes().encryptionTypeAsStrings()).containsExactly("NONE");
        Finding resolved = server.rampart().findings().find(f.id()).orElseThrow();
        assertThat(resolved.status()).isEqualTo(Finding.Status.RESOLVED);

        // Resolving again reverses nothing more.
        Run again = adminCli("resolve", f.id(), "--yes", "--json");
        assertThat(again.exit()).isZero();
        assertThat(server.rampart().findings().find(f.id()).orElseThrow().responses())
                .hasSize(resolved.responses().size());
    }

    @Test
    void aDeleteBurstFromTheOperatorsPackDeactivatesTheKeyAndArchivingKeepsItOff() throws Exception {
        String bucket = "scratch";
        admin.createBucket(b -> b.bucket(bucket));
        for (int i = 0; i < 12; i++) {
            int n = i;
            admin.putObject(b -> b.bucket(bucket).key("f" + n), RequestBody.fromString("x"));
        }
        AccessKey wiper = server.userWithS3FullAccess("wiper");
        int deleted = 0;
        try (S3Client s3 = server.s3(wiper.accessKeyId(), wiper.secretKey())) {
            for (int i = 0; i < 12; i++) {
                int n = i;
                try {
                    s3.deleteObject(b -> b.bucket(bucket).key("f" + n));
                    deleted++;
                } catch (S3Exception e) {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAccessKeyId");
                    break;
                }
            }
        }
        Finding f = awaitFinding("overwrite-or-delete-burst", wiper.accessKeyId());
        assertThat(deleted).isLessThan(12);
        assertThat(server.rampart()
                        .iam()
                        .findKey(wiper.accessKeyId())
                        .orElseThrow()
                        .active())
                .isFalse();
        Run archive = adminCli("archive", f.id());
        assertThat(archive.exit()).as(archive.err()).isZero();
        assertThat(server.rampart().findings().find(f.id()).orElseThrow().status())
                .isEqualTo(Finding.Status.ARCHIVED);
        assertThat(server.rampart()
                        .iam()
                        .findKey(wiper.accessKeyId())
                        .orElseThrow()
                        .active())
                .isFalse();
        Run archived = adminCli("list", "--status", "archived", "--json");
        assertThat(JSON.readTree(archived.out()).path("findings").findValuesAsText("id"))
                .containsExactly(f.id());
    }

    static List<String> rulesFiredOn(String bucket) {
        return server.rampart().findings().list().stream()
                .filter(f -> bucket.equals(f.bucket()))
                .map(Finding::ruleId)
                .toList();
    }

    /** The server's own trail carries the configuration documents the rules read, as CloudTrail does. */
    @Test
    void configurationChangesThatWeakenABucketAreFoundFromTheServersOwnTrail() throws Exception {
        String bucket = "weakened";
        admin.createBucket(b -> b.bucket(bucket));
        admin.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
        admin.putBucketLifecycleConfiguration(b -> b.bucket(bucket)
                .lifecycleConfiguration(l -> l.rules(r -> r.id("tidy")
                        .status("Enabled")
                        .filter(f -> f.prefix("tmp/"))
                        .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(7)))));
        String last = admin.putBucketEncryption(b -> b.bucket(bucket)
                        .serverSideEncryptionConfiguration(
                                c -> c.rules(r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm("AES256"))
                                        .blockedEncryptionTypes(t -> t.encryptionTypeWithStrings("SSE-C")))))
                .responseMetadata()
                .requestId();
        // Benign so far: versioning on, a lifecycle without expiration, SSE-C blocked.
        server.awaitDetectorProcessed(last);
        assertThat(rulesFiredOn(bucket)).isEmpty();

        admin.putBucketLifecycleConfiguration(b -> b.bucket(bucket)
                .lifecycleConfiguration(l -> l.rules(r ->
                        r.id("wipe").status("Enabled").filter(f -> f.prefix("")).expiration(e -> e.days(1)))));
        admin.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Suspended")));
        admin.putBucketEncryption(b -> b.bucket(bucket)
                .serverSideEncryptionConfiguration(
                        c -> c.rules(r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm("AES256"))
                                .blockedEncryptionTypes(t -> t.encryptionTypeWithStrings("NONE")))));
        admin.putBucketPolicy(
                b -> b.bucket(bucket)
                        .policy(
                                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                                        + "\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::weakened/*\"}]}"));
        admin.deleteBucketPolicy(b -> b.bucket(bucket));
        Await.value(
                "the defence-evasion findings",
                () -> rulesFiredOn(bucket)
                                .containsAll(List.of(
                                        "lifecycle-expiration-added",
                                        "versioning-suspended",
                                        "sse-c-unblocked",
                                        "bucket-policy-made-public",
                                        "bucket-policy-deleted"))
                        ? true
                        : null);
    }

    @Test
    void onlyTheAdminMayReadFindingsAndUnknownIdsAreNotFound() throws Exception {
        AccessKey user = server.userWithS3FullAccess("reader");
        Run denied = cli(user.accessKeyId(), user.secretKey(), "list");
        assertThat(denied.exit()).isEqualTo(1);
        assertThat(denied.err()).contains("AccessDenied");
        Run missing = adminCli("show", "F0-nothing");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("NoSuchKey").contains("No finding with id F0-nothing");
    }
}

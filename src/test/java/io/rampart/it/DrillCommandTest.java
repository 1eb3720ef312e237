package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * {@code rampart drill} end to end, run in-process against real servers with automatic response on (as
 * {@code ./rampart server} runs): a default server blocks the attack outright; a bucket that allows SSE-C sees it
 * contained within three writes with nothing lost, and {@code rampart restore} undoes what the drill's attacker did.
 */
class DrillCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** SSE-C over plain HTTP accepted, so the attacker's tool works and the detector has something to contain. */
    @RegisterExtension
    static final RampartExtension SSE_C =
            RampartExtension.withDefaults().allowSseCOverHttp().autoRespond();
    /** The server's defaults: SSE-C refused over plain HTTP and blocked on new buckets. */
    @RegisterExtension
    static final RampartExtension DEFAULTS = RampartExtension.withDefaults().autoRespond();

    static RampartServer sseCServer;
    static RampartServer defaultServer;

    @BeforeAll
    static void start() throws Exception {
        sseCServer = SSE_C.server();
        defaultServer = DEFAULTS.server();
    }

    record Run(int exitCode, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not one JSON document: " + out + "\nstderr: " + err, e);
            }
        }
    }

    static Run rampart(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Run drill(RampartServer server, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "drill",
                "--endpoint",
                server.endpoint().toString(),
                "--access-key",
                RampartServer.ACCESS_KEY,
                "--secret-key",
                RampartServer.SECRET_KEY));
        args.addAll(Arrays.asList(more));
        return rampart(args.toArray(String[]::new));
    }

    @Test
    void onADefaultServerTheAttackIsBlockedAndTheSandboxRemoved() {
        Run run = drill(defaultServer);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("result           blocked\n");
        assertThat(run.out()).contains("refused 403 AccessDenied");
        assertThat(run.out()).contains("20 of 20 objects byte-identical to their originals after the restore");
        assertThat(run.out()).contains("clean-up         done");
        try (S3Client admin = defaultServer.s3()) {
            assertThat(admin.listBuckets().buckets()).noneMatch(b -> b.name().startsWith("rampart-drill-"));
        }
        assertThat(defaultServer.iam().listUsers().users())
                .noneMatch(u -> u.userName().startsWith("rampart-drill-attacker-"));
    }

    @Test
    void onABucketThatAllowsSseCTheAttackIsContainedWithinThreeWritesAndTheKeyDisabled() throws Exception {
        // Watch the server's key table from the side, to time the key being disabled independently of the drill.
        var iam = sseCServer.rampart().iam();
        String account = sseCServer.accountId();
        var before = iam.allAccessKeys(account).stream()
                .map(k -> k.accessKeyId())
                .collect(java.util.stream.Collectors.toSet());
        var disabledAt = new java.util.concurrent.atomic.AtomicReference<java.time.Instant>();
        var disabledKey = new java.util.concurrent.atomic.AtomicReference<String>();
        var done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread watcher = Thread.ofPlatform().daemon(true).start(() -> {
            while (!done.get()) {
                for (var k : iam.allAccessKeys(account)) {
                    if (!before.contains(k.accessKeyId())
                            && k.userName().startsWith("rampart-drill-attacker-")
                            && k.status().equals("Inactive")) {
                        disabledAt.set(java.time.Instant.now());
                        disabledKey.set(k.accessKeyId());
                        return;
                    }
                }
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
        });

        Run run = drill(sseCServer, "--allow-sse-c", "--json");
        done.set(true);
        watcher.join();

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        JsonNode r = run.json();
        assertThat(r.path("verdict").asText()).isEqualTo("contained");
        int writes = r.path("maliciousWritesSucceeded").asInt();
        assertThat(writes).as("malicious writes before containment").isBetween(1, 3);
        assertThat(r.path("result").asText())
                .isEqualTo("contained after " + writes + " write" + (writes == 1 ? "" : "s") + ", 0 objects lost");
        assertThat(r.path("attackerKeyStatus").asText()).isEqualTo("Inactive");
        assertThat(r.path("objectsLost").asInt()).isZero();
        assertThat(r.path("objectsVerified").asInt()).isEqualTo(20);
        JsonNode steps = r.path("steps");
        JsonNode refusal = steps.get(writes);
        assertThat(refusal.path("operation").asText()).isEqualTo("CopyObject");
        assertThat(refusal.path("errorCode").asText()).isEqualTo("InvalidAccessKeyId");
        // The lifecycle rule and the ransom note come after the key was disabled: both refused.
        assertThat(steps.get(writes + 1).path("errorCode").asText()).isEqualTo("InvalidAccessKeyId");
        assertThat(steps.get(writes + 2).path("errorCode").asText()).isEqualTo("InvalidAccessKeyId");
        assertThat(r.path("findingRaised").asText()).isNotBlank();
        assertThat(r.path("cleanedUp").asBoolean())
                .as(r.path("cleanupFailures").toString())
                .isTrue();
        double millis = r.path("containmentMillis").asDouble();
        assertThat(millis).isPositive();
        assertThat(disabledKey.get())
                .as("the attacker's key seen disabled on the server")
                .isEqualTo(r.path("attacker").path("accessKeyId").asText());
        double disabledMillis = java.time.Duration.between(
                                java.time.Instant.parse(
                                        r.path("firstMaliciousRequestAt").asText()),
                                disabledAt.get())
                        .toNanos()
                / 1e6;
        List<String> stepMillis = new ArrayList<>();
        steps.forEach(s -> stepMillis.add(
                s.path("operation").asText() + " " + s.path("millis").asDouble() + " ms"));
        System.out.printf(
                "DrillCommandTest: contained after %d malicious write(s); key disabled %.1f ms after the first "
                        + "malicious request (drill's own measure, to the refusal: %.1f ms); steps: %s%n",
                writes, disabledMillis, millis, stepMillis);
    }

    @Test
    void afterADrillWithKeepRestoreUndoingTheAttackersKeyBringsEveryObjectBack() {
        Run run = drill(sseCServer, "--allow-sse-c", "--keep", "--objects", "8");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).containsPattern("result +contained after [123] writes?, 0 objects lost");
        String restoreLine = run.out()
                .lines()
                .filter(l -> l.trim().startsWith("./rampart restore "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no restore line in:\n" + run.out()))
                .trim();
        assertThat(restoreLine)
                .contains("--undo-access-key AKIA")
                .contains("--since ")
                .endsWith(" --apply");
        String bucket = restoreLine.replaceAll(".* --bucket (\\S+) .*", "$1");
        assertThat(bucket).matches("rampart-drill-\\d{8}-\\d{6}-[a-z0-9]{4}");

        try (S3Client admin = sseCServer.s3()) {
            // The oldest version of each key is the drill's original (versions list newest first within a key).
            Map<String, ObjectVersion> originals = new TreeMap<>();
            for (ObjectVersion v :
                    admin.listObjectVersionsPaginator(b -> b.bucket(bucket)).versions()) {
                if (v.key().startsWith("drill/")) originals.put(v.key(), v);
            }
            assertThat(originals.keySet()).hasSize(8).allMatch(k -> k.startsWith("drill/object-"));
            // The attacker's SSE-C versions are kept (noncurrent): the drill already ran the restore it printed.
            long attackerVersions = 0;
            for (ObjectVersion v :
                    admin.listObjectVersionsPaginator(b -> b.bucket(bucket)).versions()) {
                if (v.key().startsWith("drill/")
                        && !v.versionId().equals(originals.get(v.key()).versionId())) attackerVersions++;
            }
            assertThat(attackerVersions)
                    .as("versions the attacker wrote before containment, plus the restore's")
                    .isPositive();
            assertThat(run.out()).containsPattern("restore +\\./rampart restore .*: done: [1-3] key\\(s\\) restored");

            // Running the printed line again changes nothing and succeeds.
            List<String> args = new ArrayList<>(
                    Arrays.asList(restoreLine.substring("./rampart ".length()).split(" ")));
            args.addAll(List.of("--access-key", RampartServer.ACCESS_KEY, "--secret-key", RampartServer.SECRET_KEY));
            Run restore = rampart(args.toArray(String[]::new));
            assertThat(restore.exitCode()).as(restore.out() + restore.err()).isZero();
            assertThat(restore.out()).containsPattern("restored +0\n");

            for (var e : originals.entrySet()) {
                byte[] current = admin.getObjectAsBytes(b -> b.bucket(bucket).key(e.getKey()))
                        .asByteArray();
                byte[] original = admin.getObjectAsBytes(b -> b.bucket(bucket)
                                .key(e.getKey())
                                .versionId(e.getValue().versionId()))
                        .asByteArray();
                assertThat(current).as(e.getKey()).isEqualTo(original);
                assertThat(new String(current, 0, 30, java.nio.charset.StandardCharsets.UTF_8))
                        .startsWith("Rampart drill sandbox object");
            }
        }
    }

    @Test
    void withSseCAllowedOnAPlainHttpServerThatRefusesItTheReportSaysSo() {
        Run run = drill(defaultServer, "--allow-sse-c", "--objects", "3", "--json");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        JsonNode r = run.json();
        assertThat(r.path("verdict").asText()).isEqualTo("blocked");
        assertThat(r.path("reason").asText())
                .startsWith(
                        "the server refuses SSE-C over plain HTTP (InvalidRequest: "
                                + "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.)");
        assertThat(r.path("cleanedUp").asBoolean()).isTrue();
    }

    @Test
    void refusesANonLoopbackEndpointWithoutTheExplicitFlag() {
        // TEST-NET-3: never routed; the refusal comes before any connection.
        Run run = rampart(
                "drill", "--endpoint", "http://203.0.113.7:9000", "--access-key", "AKIAEXAMPLE", "--secret-key", "x");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains("refusing to run against http://203.0.113.7:9000")
                .contains("--i-understand-this-simulates-an-attack");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void usageErrorsExitWithOne() {
        Run notANumber = rampart("drill", "--objects", "many");
        assertThat(notANumber.exitCode()).isEqualTo(1);
        assertThat(notANumber.err()).contains("--objects");
        Run halfAKey = drill(defaultServer, "--attacker-access-key", "AKIAEXAMPLE");
        assertThat(halfAKey.exitCode()).isEqualTo(1);
        assertThat(halfAKey.err()).contains("--attacker-access-key and --attacker-secret-key go together");
    }
}

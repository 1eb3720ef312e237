package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code rampart drill --scenario ...} end to end on a real server with automatic response on and SSE-C accepted over
 * plain HTTP: each shape of the attack on a versioned sandbox is contained within three writes, and the restore the
 * drill runs itself brings every object back byte-identical (0 lost, measured).
 */
class DrillScenariosTest {
    @RegisterExtension
    static final RampartExtension RAMPART =
            RampartExtension.withDefaults().allowSseCOverHttp().autoRespond();

    static RampartServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
    }

    static DrillCommandTest.Run drill(String... more) {
        return drill(server, more);
    }

    static DrillCommandTest.Run drill(RampartServer on, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "drill",
                "--endpoint",
                on.endpoint().toString(),
                "--access-key",
                RampartServer.ACCESS_KEY,
                "--secret-key",
                RampartServer.SECRET_KEY));
        args.addAll(Arrays.asList(more));
        return DrillCommandTest.rampart(args.toArray(String[]::new));
    }

    /** The per-scenario result every scenario must reach: contained within three writes, 0 objects lost after the restore. */
    static void assertContainedWithNothingLost(JsonNode r, String scenario, int objects) {
        System.out.printf(
                "drill scenario %s: %s; containment %s ms; restore: %s%n",
                r.path("scenario").asText(),
                r.path("result").asText(),
                r.path("containmentMillis").asText(),
                r.path("restoreOutcome").asText());
        assertThat(r.path("scenario").asText()).isEqualTo(scenario);
        assertThat(r.path("verdict").asText()).as(r.toString()).isEqualTo("contained");
        assertThat(r.path("maliciousWritesSucceeded").asInt())
                .as("malicious writes before containment")
                .isBetween(0, 3);
        assertThat(r.path("containmentMillis").asDouble()).isPositive();
        assertThat(r.path("restoreRan").asBoolean())
                .as(r.path("restoreOutcome").asText())
                .isTrue();
        assertThat(r.path("restoreOutcome").asText()).startsWith("done: ");
        assertThat(r.path("objectsVerified").asInt()).isEqualTo(objects);
        assertThat(r.path("objectsLost").asInt())
                .as(r.path("lostKeys").toString())
                .isZero();
        assertThat(r.path("findingRaised").asText()).isEqualTo("yes");
        assertThat(r.path("cleanedUp").asBoolean())
                .as(r.path("cleanupFailures").toString())
                .isTrue();
        assertThat(r.path("exitCode").asInt()).isZero();
    }

    @Test
    void putScenarioGetThenSseCPutIsContainedAndNothingIsLost() {
        DrillCommandTest.Run run = drill("--scenario", "put", "--allow-sse-c", "--objects", "10", "--json");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        JsonNode r = run.json();
        assertContainedWithNothingLost(r, "put", 10);
        assertThat(r.path("attackerKeyStatus").asText()).isEqualTo("Inactive");
        List<String> ops = new ArrayList<>();
        r.path("steps").forEach(s -> ops.add(s.path("operation").asText()));
        assertThat(ops).startsWith("GetObject").contains("PutObject").doesNotContain("CopyObject");
        assertThat(r.path("scenarios")).hasSize(1);
    }

    @Test
    void stsScenarioTheAttackersSessionIsEndedAndNothingIsLost() {
        DrillCommandTest.Run run = drill("--scenario", "sts", "--allow-sse-c", "--objects", "10", "--json");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        JsonNode r = run.json();
        assertContainedWithNothingLost(r, "sts", 10);
        assertThat(r.path("attacker").path("kind").asText()).isEqualTo("sts-session");
        assertThat(r.path("attacker").path("accessKeyId").asText()).startsWith("ASIA");
        assertThat(r.path("attackerKeyStatus").asText()).startsWith("Inactive (session ended");
        assertThat(r.path("restoreCommand").asText()).contains("--undo-access-key ASIA");
        assertThat(server.iam().listRoles().roles())
                .noneMatch(role -> role.roleName().startsWith("rampart-drill-role-"));
        assertThat(server.iam().listUsers().users()).noneMatch(u -> u.userName().startsWith("rampart-drill-attacker-"));
    }

    @Test
    void multipartScenarioIsContainedAndNothingIsLost() {
        DrillCommandTest.Run run = drill("--scenario", "multipart", "--allow-sse-c", "--objects", "8", "--json");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        JsonNode r = run.json();
        assertContainedWithNothingLost(r, "multipart", 8);
        assertThat(r.path("attackerKeyStatus").asText()).isEqualTo("Inactive");
    }

    @Test
    void severalScenariosReportEachInItsOwnSandboxAndATable() {
        DrillCommandTest.Run run = drill("--scenario", "copy,put", "--allow-sse-c", "--objects", "5");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).containsPattern("(?m)^copy +contained +[0-3] +[0-9.]+ ms +0  done: ");
        assertThat(run.out()).containsPattern("(?m)^put +contained +[0-3] +[0-9.]+ ms +0  done: ");
        assertThat(run.out()).contains("scenario         copy: ").contains("scenario         put: ");
        try (S3Client admin = server.s3()) {
            assertThat(admin.listBuckets().buckets()).noneMatch(b -> b.name().startsWith("rampart-drill-"));
        }
    }

    @Test
    void anUnknownScenarioIsAUsageError() {
        DrillCommandTest.Run run = drill("--scenario", "ransom");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains("unknown --scenario 'ransom' (copy, put, multipart, sts, evasion, unversioned, all)");
    }
}

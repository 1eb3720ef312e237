package io.rampart.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.it.RampartExtension;
import io.rampart.it.RampartServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import software.amazon.awssdk.services.s3.S3Client;

/** Runs {@code rampart bench} for about a second against a real Rampart server and checks its JSON report. */
class BenchCommandTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    private static RampartServer server;

    @BeforeAll
    static void start() {
        server = RAMPART.server();
    }

    record Run(int exitCode, String out, String err) {}

    private static Run bench(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        int rc = cmd.execute(all);
        return new Run(rc, out.toString(), err.toString());
    }

    private static String[] against(String... more) {
        String[] base = {
            "--endpoint",
            server.endpoint().toString(),
            "--access-key",
            RampartServer.ACCESS_KEY,
            "--secret-key",
            RampartServer.SECRET_KEY
        };
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"put", "get", "mixed", "list", "delete"})
    void runsEachOperationWithoutErrorsAndCleansUp(String op) throws Exception {
        Run run = bench(against(
                "--op", op, "--size", "4KiB", "--objects", "20", "--concurrency", "4", "--duration", "1s", "--json"));

        assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.at("/totals/ops").asLong()).as(run.out()).isPositive();
        assertThat(json.at("/totals/errors").asLong()).as(run.out()).isZero();
        assertThat(json.at("/results/" + (op.equals("mixed") ? "GET" : op.toUpperCase(java.util.Locale.ROOT))
                                + "/latencyMs/p99")
                        .asDouble())
                .isPositive();
        assertThat(json.at("/client/cpuCores").isNumber()).isTrue();
        assertThat(json.at("/bucketCreated").asBoolean()).isTrue();
        assertThat(json.at("/cleanup/cleanedUp").asBoolean()).isTrue();
        String bucket = json.get("bucket").asText();
        try (S3Client s3 = server.s3()) {
            assertThat(s3.listBuckets().buckets()).noneMatch(b -> b.name().equals(bucket));
        }
    }

    @Test
    void severalEndpointsShareTheWorkersInTurn() throws Exception {
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        // Worker 0 sends to the server, worker 1 to a port nobody listens on: both endpoints carry requests.
        Run run = bench(
                "--endpoint",
                server.endpoint() + ",http://127.0.0.1:" + dead,
                "--access-key",
                RampartServer.ACCESS_KEY,
                "--secret-key",
                RampartServer.SECRET_KEY,
                "--op",
                "put",
                "--concurrency",
                "2",
                "--duration",
                "500ms",
                "--json");

        assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("endpoints")).hasSize(2);
        assertThat(json.at("/results/PUT/ops").asLong()).as(run.out()).isPositive();
        assertThat(json.at("/totals/errors").asLong()).as(run.out()).isPositive();

        Run invalid = bench("--endpoint", server.endpoint() + ",ftp://x", "--access-key", "A", "--secret-key", "B");
        assertThat(invalid.exitCode()).isEqualTo(2);
        assertThat(invalid.err()).contains("invalid --endpoint 'ftp://x'");
    }

    @Test
    void runsAFixedNumberOfOperationsWithDurationZero() throws Exception {
        Run run = bench(against("--op", "put", "--objects", "7", "--concurrency", "3", "--duration", "0", "--json"));

        assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.at("/results/PUT/ops").asLong()).isEqualTo(7);
        assertThat(json.at("/results/PUT/bytes").asLong()).isEqualTo(7 * 4096);
    }

    @Test
    void keepsAnExistingBucketAndDeletesOnlyItsOwnObjects() throws Exception {
        try (S3Client s3 = server.s3()) {
            s3.createBucket(b -> b.bucket("bench-mine"));
            s3.putObject(
                    b -> b.bucket("bench-mine").key("precious"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("keep me"));
            Run run = bench(against("--bucket", "bench-mine", "--op", "get", "--objects", "5", "--duration", "300ms"));

            assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
            assertThat(run.out()).contains("GET").contains("errors: none").contains("client CPU");
            assertThat(s3.listObjectsV2(b -> b.bucket("bench-mine")).contents())
                    .extracting(o -> o.key())
                    .containsExactly("precious");
        }
    }

    @Test
    void unreachableEndpointFailsWithOneLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run run = bench("--endpoint", "http://127.0.0.1:" + port, "--access-key", "AKIAX", "--secret-key", "x");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("rampart bench: cannot reach").doesNotContain("\n");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void badCredentialsFailWithOneLine() {
        Run run = bench(
                "--endpoint",
                server.endpoint().toString(),
                "--access-key",
                RampartServer.ACCESS_KEY,
                "--secret-key",
                "wrong-secret");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip())
                .startsWith("rampart bench: credentials rejected")
                .contains("SignatureDoesNotMatch")
                .doesNotContain("\n");
    }
}

package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** A Rampart server as a separate process, for what only a real process shows: kill -9, SIGTERM, restarts. */
final class ChildServer {
    private ChildServer() {}

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code rampart server} on the data dir and port and returns once it logs that it is listening. */
    static Process start(Path dataDir, int port, String... moreArgs) throws Exception {
        return start(
                dataDir,
                port,
                new java.util.AbstractList<>() {
                    @Override
                    public String get(int i) {
                        throw new IndexOutOfBoundsException(i);
                    }

                    @Override
                    public int size() {
                        return 0;
                    }

                    @Override
                    public boolean add(String line) {
                        return true;
                    }
                },
                moreArgs);
    }

    /** The same, with more server options, collecting every line the server prints (stdout and stderr) in {@code output}. */
    static Process start(Path dataDir, int port, List<String> output, String... options) throws Exception {
        Process p = command(dataDir, port, options).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while ((line = out.readLine()) != null) {
            output.add(line);
            if (line.contains("Rampart listening on")) break;
            if (System.nanoTime() > deadline) break;
        }
        assertThat(line).as("server start-up line").contains("Rampart listening on");
        Thread drain = new Thread(() -> {
            try {
                String more;
                while ((more = out.readLine()) != null) output.add(more);
            } catch (java.io.IOException ignored) {
                // process ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    /** How a server that was to refuse to start ended: its exit status and everything it printed. */
    record Exited(int status, String output) {}

    /** Runs {@code rampart server} that is expected to refuse to start, until it exits (at most 90 s). */
    static Exited startRefused(Path dataDir, int port, String... options) throws Exception {
        Process p = command(dataDir, port, options).start();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Thread drain = Thread.ofPlatform().daemon().start(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (java.io.IOException ignored) {
                // process ended
            }
        });
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("the server did not exit; it printed:\n" + out.toString(StandardCharsets.UTF_8));
        }
        drain.join(10_000);
        return new Exited(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }

    private static ProcessBuilder command(Path dataDir, int port, String... options) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "io.rampart.cli.Main",
                "server",
                "--data-dir",
                dataDir.toString(),
                "--port",
                Integer.toString(port)));
        command.addAll(List.of(options));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("RAMPART_ROOT_ACCESS_KEY", RampartServer.ACCESS_KEY);
        pb.environment().put("RAMPART_ROOT_SECRET_KEY", RampartServer.SECRET_KEY);
        pb.redirectErrorStream(true);
        return pb;
    }

    /** An SDK client for the child server, with a bounded call time so a killed server cannot hang a test. */
    static S3Client client(int port) {
        return S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)))
                .forcePathStyle(true)
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(30)))
                .build();
    }
}

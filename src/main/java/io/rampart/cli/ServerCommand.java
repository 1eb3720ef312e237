package io.rampart.cli;

import io.rampart.http.Rampart;
import io.rampart.iam.IamStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rampart server}: runs the S3 endpoint until SIGTERM or SIGINT, then drains in-flight requests and exits 0. */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the Rampart S3 server.",
                "On first start it creates an account and an admin user and prints the admin's access key pair once.",
                "Environment: RAMPART_ROOT_ACCESS_KEY and RAMPART_ROOT_SECRET_KEY set the admin key pair instead;",
                "RAMPART_MASTER_KEY (base64, 32 bytes) replaces the master key file <data-dir>/master.key."})
final class ServerCommand implements Callable<Integer> {

    @Option(names = "--address", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String address;

    @Option(names = "--port", defaultValue = "9000", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "./rampart-data",
            description = "Directory for metadata, object data and keys (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--region", defaultValue = "us-east-1", description = "Region this server answers as (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--domain", description = "Base domain for virtual-host-style requests, e.g. s3.example.test "
            + "makes bucket.s3.example.test address bucket 'bucket' (default: path style only).")
    String domain;

    @Option(names = "--stop-timeout", defaultValue = "30", description = "Seconds to let in-flight requests finish on shutdown (default: ${DEFAULT-VALUE}).")
    int stopTimeoutSeconds;


    @Override public Integer call() throws Exception {
        if (!region.matches("[a-z0-9-]{1,32}")) {
            System.err.println("rampart: invalid --region '" + region + "'");
            return 2;
        }
        Rampart.Config config = new Rampart.Config(address, port, dataDir, region, domain,
                System.getenv("RAMPART_ROOT_ACCESS_KEY"), System.getenv("RAMPART_ROOT_SECRET_KEY"),
                System.getenv("RAMPART_MASTER_KEY"), true, Duration.ofSeconds(stopTimeoutSeconds));
        Rampart rampart;
        try {
            rampart = Rampart.start(config);
        } catch (java.io.IOException e) {
            System.err.println("rampart: cannot start: " + e.getMessage());
            return 1;
        }
        rampart.createdCredentials().ifPresent(ServerCommand::printCredentials);
        CountDownLatch stop = new CountDownLatch(1);
        Runnable onSignal = stop::countDown;
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> onSignal.run());
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> onSignal.run());
        stop.await();
        System.err.println("rampart: shutting down, letting in-flight requests finish...");
        rampart.close();
        return 0;
    }

    private static void printCredentials(IamStore.Bootstrap b) {
        // Printed once, to the terminal, never to the log: the secret is stored only sealed under the master key.
        System.out.println();
        System.out.println("Admin credentials for account " + b.accountId() + " (user " + b.userName() + "):");
        System.out.println("  export AWS_ACCESS_KEY_ID=" + b.accessKeyId());
        System.out.println("  export AWS_SECRET_ACCESS_KEY=" + b.secretKey());
        System.out.println("Keep them safe: the secret is not shown again.");
        System.out.println();
        System.out.flush();
    }
}

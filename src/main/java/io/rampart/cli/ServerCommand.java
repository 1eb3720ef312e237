package io.rampart.cli;

import io.rampart.http.Rampart;
import io.rampart.iam.IamStore;
import io.rampart.s3.S3Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rampart server}: runs the S3 endpoint until SIGTERM or SIGINT, then drains in-flight requests and exits 0. */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run the Rampart S3 server.",
            "On first start it creates an account and an admin user and prints the admin's access key pair once.",
            "Environment: RAMPART_ROOT_ACCESS_KEY and RAMPART_ROOT_SECRET_KEY set the admin key pair instead;",
            "RAMPART_MASTER_KEY (base64, 32 bytes) replaces the master key file <data-dir>/master.key."
        })
final class ServerCommand implements Callable<Integer> {

    @Option(
            names = "--address",
            defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String address;

    @Option(names = "--port", defaultValue = "9000", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--data-dir",
            defaultValue = "./rampart-data",
            description = "Directory for metadata, object data and keys (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--region",
            defaultValue = "us-east-1",
            description = "Region this server answers as (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(
            names = "--domain",
            description = "Base domain for virtual-host-style requests, e.g. s3.example.test "
                    + "makes bucket.s3.example.test address bucket 'bucket' (default: path style only).")
    String domain;

    @Option(names = "--tls-cert", description = "PEM certificate chain to serve HTTPS with (needs --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM private key (unencrypted PKCS#8) for --tls-cert.")
    Path tlsKey;

    @Option(
            names = "--tls-self-signed",
            description = "Serve HTTPS with a self-signed certificate for localhost, "
                    + "created once in <data-dir>/tls; its fingerprint is printed at start-up.")
    boolean tlsSelfSigned;

    @Option(
            names = "--allow-sse-c-over-http",
            description = "Accept SSE-C customer keys over plain HTTP "
                    + "(local testing only: the key crosses the network in clear).")
    boolean allowSseCOverHttp;

    @Option(
            names = "--allow-sse-c-on-new-buckets",
            description = "Create new buckets with SSE-C allowed. By default "
                    + "new buckets block SSE-C writes (BlockedEncryptionTypes SSE-C), as on AWS.")
    boolean allowSseCOnNewBuckets;

    @Option(
            names = "--no-sigv2",
            description = "Refuse AWS Signature Version 2 (header and query string) everywhere, "
                    + "as AWS regions opened after 2014 do; by default it is accepted, and s3:signatureversion lets a bucket "
                    + "policy or RCP refuse it.")
    boolean noSigV2;

    @Option(
            names = "--master-key-file",
            description =
                    "File holding the master key (base64 of 32 bytes), e.g. on a "
                            + "separate volume or a secrets mount; overrides <data-dir>/master.key. RAMPART_MASTER_KEY overrides both.")
    Path masterKeyFile;

    @Option(
            names = "--recovery-window",
            defaultValue = "7d",
            paramLabel = "DURATION",
            description = "How long overwritten and deleted object versions are kept, hidden, for restore (7d, 36h, 0 "
                    + "turns it off; default: ${DEFAULT-VALUE}). Nothing over the network can shorten it or purge it.")
    String recoveryWindow;

    @Option(
            names = "--min-free-space",
            defaultValue = "default",
            paramLabel = "SIZE",
            description =
                    "Free space to keep on the data directory's filesystem: below it, writes get 503 "
                            + "ServiceUnavailable (1GiB, 500MiB, 2%%; default: 1 GiB or 1%% of the filesystem, whichever is smaller).")
    String minFreeSpace;

    @Option(
            names = "--stop-timeout",
            defaultValue = "30",
            description = "Seconds to let in-flight requests finish on shutdown (default: ${DEFAULT-VALUE}).")
    int stopTimeoutSeconds;

    @Option(
            names = "--idle-timeout",
            defaultValue = "20",
            description =
                    "Seconds a connection may send or take nothing; "
                            + "a stalled request body is then answered 400 RequestTimeout, as S3 does (default: ${DEFAULT-VALUE}).")
    int idleTimeoutSeconds;

    @Option(
            names = "--lifecycle-interval-seconds",
            defaultValue = "3600",
            description =
                    "How often the lifecycle worker applies the buckets' lifecycle rules, in seconds (default: ${DEFAULT-VALUE}).")
    long lifecycleIntervalSeconds;

    @Option(
            names = "--lifecycle-day-seconds",
            defaultValue = "86400",
            description = "For testing only: the length of a lifecycle 'day' in seconds, so that rules counted in days "
                    + "(Expiration, NoncurrentVersionExpiration, AbortIncompleteMultipartUpload) act within seconds "
                    + "(default: ${DEFAULT-VALUE}, a real day).")
    long lifecycleDaySeconds;

    @Option(
            names = "--auto-respond",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Let the threat detector respond on its own (deactivate the access key, block SSE-C on the "
                    + "bucket) when a rule fires; --no-auto-respond only logs and records findings (default: on).")
    boolean autoRespond;

    @Option(
            names = "--rules",
            paramLabel = "FILE",
            description = "Detection rule pack (YAML) instead of the built-in one (see 'rampart detect --help').")
    Path rulesFile;

    @Option(
            names = "--detect-webhook",
            paramLabel = "URL",
            description = "POST each new finding's JSON to this URL (retried); repeat for several.")
    java.util.List<String> detectWebhooks = new java.util.ArrayList<>();

    @Option(
            names = "--detect-feed-poll-ms",
            paramLabel = "MS",
            description = "On a shared PostgreSQL: how often the node running the cluster's detector reads the other"
                    + " nodes' new trail records (default: ${DEFAULT-VALUE}).")
    long detectFeedPollMillis = 200;

    @Option(
            names = "--trail-rotate-minutes",
            defaultValue = "5",
            description =
                    "Seal the audit trail's open segment into a CloudTrail log file at least this often, in minutes (default: ${DEFAULT-VALUE}).")
    long trailRotateMinutes;

    @Option(
            names = "--trail-rotate-mib",
            defaultValue = "64",
            description = "...or once the open segment reaches this many MiB (default: ${DEFAULT-VALUE}).")
    long trailRotateMib;

    @Option(
            names = "--trail-digest-minutes",
            defaultValue = "60",
            description =
                    "Write a signed audit trail digest this often, in minutes; one is also written at shutdown (default: ${DEFAULT-VALUE}).")
    long trailDigestMinutes;

    @Option(
            names = "--metrics-port",
            defaultValue = "-1",
            description = "Serve Prometheus metrics at /metrics on this port, on the same address as the server "
                    + "(default: off).")
    int metricsPort;

    @Option(
            names = "--metrics-token-file",
            description =
                    "File holding the bearer token (16 characters or more) a "
                            + "scraper must send as 'Authorization: Bearer <token>'. Without it the metrics port listens on 127.0.0.1 only.")
    java.nio.file.Path metricsTokenFile;

    @Option(
            names = "--access-log-interval-seconds",
            defaultValue = "300",
            description = "How often buffered S3 server access log lines are delivered to their target buckets, in "
                    + "seconds (default: ${DEFAULT-VALUE}).")
    long accessLogIntervalSeconds;

    @Option(
            names = "--notify-webhook",
            paramLabel = "ID=URL",
            description = "An event notification target: buckets name it in QueueConfiguration as "
                    + "arn:rampart:sqs::ID:webhook, and event messages are POSTed to URL. Repeatable.")
    java.util.List<String> notifyWebhooks = new java.util.ArrayList<>();

    @Option(
            names = "--trail-delivery-bucket",
            description =
                    "Copy every sealed audit trail file and digest into this "
                            + "bucket (on this server unless --trail-delivery-config names another S3 endpoint), retried until delivered.")
    String trailDeliveryBucket;

    @Option(
            names = "--trail-delivery-config",
            description = "Properties file for a remote --trail-delivery-bucket: "
                    + "endpoint (omit for AWS), region, access_key_id, secret_access_key, session_token (optional).")
    java.nio.file.Path trailDeliveryConfig;

    @Option(
            names = "--trail-delivery-interval-seconds",
            defaultValue = "60",
            description =
                    "How often sealed trail files are copied to --trail-delivery-bucket, in seconds (default: ${DEFAULT-VALUE}).")
    long trailDeliveryIntervalSeconds;

    @Option(
            names = "--replication-targets",
            paramLabel = "FILE",
            description =
                    "JSON file mapping replication destination bucket names to remote S3 endpoints and the "
                            + "credentials this server writes there with (see README); other destinations must be local buckets.")
    Path replicationTargets;

    @Option(
            names = "--blobs",
            paramLabel = "DIR|s3://BUCKET[/PREFIX]?endpoint=URL&region=R",
            defaultValue = "${env:RAMPART_BLOBS}",
            description =
                    "Where object data (ciphertext only) is kept: a directory, which several nodes may share, or a "
                            + "bucket on any S3 endpoint, signed with RAMPART_BLOBS_ACCESS_KEY_ID / RAMPART_BLOBS_SECRET_ACCESS_KEY "
                            + "(else the default AWS credential chain). Default: <data-dir>/blobs; env RAMPART_BLOBS.")
    String blobs;

    @Option(
            names = "--metadata",
            paramLabel = "URL",
            defaultValue = "${env:RAMPART_METADATA}",
            description = "Where the metadata lives: sqlite (default: rampart.db in --data-dir) or "
                    + "postgresql://USER[:PASSWORD]@HOST:PORT/DB, shared by several nodes (env RAMPART_METADATA). The "
                    + "password may instead come from --metadata-password-file or RAMPART_METADATA_PASSWORD.")
    String metadata;

    @Option(
            names = "--metadata-password-file",
            paramLabel = "FILE",
            description = "File holding the PostgreSQL password for --metadata (first line).")
    Path metadataPasswordFile;

    @Option(
            names = "--node-id",
            paramLabel = "ID",
            defaultValue = "${env:RAMPART_NODE_ID}",
            description = "This node's id, in its trail file names and digest chain (1-32 of a-z, 0-9, '-'). Default: "
                    + "the one kept in <data-dir>/node-id, created at the first start; env RAMPART_NODE_ID.")
    String nodeId;

    @Option(
            names = "--trail-dir",
            paramLabel = "DIR",
            description = "Where the audit trail is written (default: <data-dir>/trail). Several nodes may share one "
                    + "directory: each writes only its own files.")
    Path trailDir;

    @Override
    public Integer call() throws Exception {
        if (!region.matches("[a-z0-9-]{1,32}")) {
            System.err.println("rampart: invalid --region '" + region + "'");
            return 2;
        }
        if (nodeId != null && !nodeId.isEmpty()) {
            try {
                new io.rampart.storage.NodeId(nodeId);
            } catch (IllegalArgumentException e) {
                System.err.println("rampart: --node-id: " + e.getMessage());
                return 2;
            }
        } else {
            nodeId = null;
        }
        if ((tlsCert == null) != (tlsKey == null) || (tlsSelfSigned && tlsCert != null)) {
            System.err.println("rampart: give --tls-cert and --tls-key together, or --tls-self-signed alone");
            return 2;
        }
        if (lifecycleDaySeconds <= 0 || lifecycleIntervalSeconds <= 0) {
            System.err.println("rampart: --lifecycle-day-seconds and --lifecycle-interval-seconds must be positive");
            return 2;
        }
        if (trailRotateMinutes <= 0 || trailRotateMib <= 0 || trailDigestMinutes <= 0) {
            System.err.println(
                    "rampart: --trail-rotate-minutes, --trail-rotate-mib and --trail-digest-minutes must be positive");
            return 2;
        }
        if (metricsPort < -1 || metricsPort > 65_535 || accessLogIntervalSeconds <= 0) {
            System.err.println(
                    "rampart: --metrics-port must be a port number and --access-log-interval-seconds positive");
            return 2;
        }
        if (metricsTokenFile != null && metricsPort < 0) {
            System.err.println("rampart: --metrics-token-file needs --metrics-port");
            return 2;
        }
        if ((trailDeliveryConfig != null && trailDeliveryBucket == null) || trailDeliveryIntervalSeconds <= 0) {
            System.err.println(
                    "rampart: --trail-delivery-config needs --trail-delivery-bucket, and the interval must be positive");
            return 2;
        }
        if (trailDeliveryConfig != null && !java.nio.file.Files.isReadable(trailDeliveryConfig)) {
            System.err.println("rampart: --trail-delivery-config " + trailDeliveryConfig + " cannot be read");
            return 2;
        }
        io.rampart.recovery.RecoveryOptions recovery;
        try {
            recovery = io.rampart.recovery.RecoveryOptions.defaults()
                    .withWindow(io.rampart.recovery.RecoveryOptions.parseDuration(recoveryWindow))
                    .withMinFreeSpace(minFreeSpace);
            java.nio.file.Files.createDirectories(dataDir);
            io.rampart.s3.SpaceReserve.of(dataDir, minFreeSpace);
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("rampart: --recovery-window / --min-free-space: " + e.getMessage());
            return 2;
        }
        java.util.Map<String, java.net.URI> webhooks = new java.util.LinkedHashMap<>();
        for (String w : notifyWebhooks) {
            int eq = w.indexOf('=');
            java.net.URI url;
            try {
                url = eq > 0 ? java.net.URI.create(w.substring(eq + 1)) : null;
            } catch (IllegalArgumentException e) {
                url = null;
            }
            if (url == null
                    || url.getHost() == null
                    || !w.substring(0, eq).matches("[A-Za-z0-9_.-]{1,64}")
                    || w.startsWith(io.rampart.detect.FindingAlerts.TARGET_PREFIX)
                    || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
                System.err.println(
                        "rampart: --notify-webhook wants ID=URL (ID of letters, digits, '_', '.', '-', not starting "
                                + io.rampart.detect.FindingAlerts.TARGET_PREFIX + "; an http(s) URL), got '"
                                + w + "'");
                return 2;
            }
            webhooks.put(w.substring(0, eq), url);
        }
        io.rampart.detect.DetectorSettings detection;
        try {
            detection = io.rampart.detect.DetectorSettings.defaults()
                    .withRules(rulesFile)
                    .withWebhooks(detectWebhooks)
                    .withFeedPollMillis(detectFeedPollMillis);
        } catch (java.io.IOException | IllegalArgumentException e) {
            System.err.println("rampart: "
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such rules file: " : "") + e.getMessage());
            return 2;
        }
        String masterKey;
        try {
            masterKey = masterKey();
        } catch (java.io.IOException e) {
            System.err.println("rampart: cannot start: " + e.getMessage());
            return 1;
        }
        io.rampart.s3.ReplicationTargets targets = io.rampart.s3.ReplicationTargets.none();
        if (replicationTargets != null) {
            try {
                targets = io.rampart.s3.ReplicationTargets.load(replicationTargets);
            } catch (java.io.IOException | IllegalArgumentException e) {
                System.err.println("rampart: cannot read --replication-targets: " + e.getMessage());
                return 2;
            }
        }
        if (idleTimeoutSeconds <= 0) {
            System.err.println("rampart: --idle-timeout must be a positive number of seconds");
            return 2;
        }
        io.rampart.storage.BlobLocation blobLocation = null;
        if (blobs != null && !blobs.isBlank()) {
            try {
                blobLocation = io.rampart.storage.BlobLocation.parse(blobs, System.getenv());
            } catch (IllegalArgumentException e) {
                System.err.println("rampart: " + e.getMessage());
                return 2;
            }
        }
        io.rampart.storage.MetadataLocation metadataLocation;
        try {
            metadataLocation =
                    metadataLocation(metadata, metadataPasswordFile, System.getenv("RAMPART_METADATA_PASSWORD"));
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("rampart: " + e.getMessage());
            return 2;
        }
        Rampart.Tls tls = tlsSelfSigned
                ? new Rampart.Tls(null, null, true)
                : tlsCert != null ? new Rampart.Tls(tlsCert, tlsKey, false) : null;
        Rampart.Config config = Rampart.Config.builder(dataDir)
                .listen(address, port)
                .region(region)
                .domain(domain)
                .rootKey(System.getenv("RAMPART_ROOT_ACCESS_KEY"), System.getenv("RAMPART_ROOT_SECRET_KEY"))
                .masterKey(masterKey)
                .stopTimeout(Duration.ofSeconds(stopTimeoutSeconds))
                .s3(new S3Settings(allowSseCOverHttp, !allowSseCOnNewBuckets, Duration.ofSeconds(idleTimeoutSeconds))
                        .withSigV2(!noSigV2))
                .tls(tls)
                .lifecycle(lifecycleDaySeconds, lifecycleIntervalSeconds)
                .trail(new Rampart.TrailTiming(
                        Duration.ofMinutes(trailRotateMinutes),
                        trailRotateMib << 20,
                        Duration.ofMinutes(trailDigestMinutes)))
                .autoRespond(autoRespond)
                .monitoring(io.rampart.http.Monitoring.defaults()
                        .withMetrics(metricsPort, metricsTokenFile)
                        .withAccessLogInterval(Duration.ofSeconds(accessLogIntervalSeconds))
                        .withWebhooks(webhooks, io.rampart.http.Monitoring.DEFAULT_RETRY_BASE)
                        .withTrailCopy(
                                trailDeliveryBucket == null
                                        ? null
                                        : new io.rampart.http.Monitoring.TrailCopy(
                                                trailDeliveryBucket,
                                                trailDeliveryConfig,
                                                Duration.ofSeconds(trailDeliveryIntervalSeconds))))
                .replication(io.rampart.s3.ReplicationOptions.defaults().withTargets(targets))
                .recovery(recovery)
                .blobs(blobLocation)
                .metadata(metadataLocation)
                .nodeId(nodeId)
                .trailDir(trailDir)
                .build();
        // The hook first: a SIGTERM or SIGINT that arrives while starting must still end in a clean close (the final
        // trail digest), and a stop asked for by a signal exits 0 once closed.
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean exiting = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime()
                .addShutdownHook(Thread.ofPlatform().name("rampart-stop").unstarted(() -> {
                    if (exiting.get()) return; // the server's own exit (a failed start): its status stands
                    stop.countDown();
                    try {
                        closed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    Runtime.getRuntime().halt(0);
                }));
        try {
            Rampart rampart;
            try {
                rampart = Rampart.start(config, detection);
            } catch (java.io.IOException
                    | IllegalStateException
                    | java.security.GeneralSecurityException
                    | java.sql.SQLException
                    | io.rampart.storage.StorageException e) {
                // Messages name the metadata location without its password (MetadataLocation.toString).
                System.err.println("rampart: cannot start: " + e.getMessage()
                        + (e.getCause() instanceof java.sql.SQLException se
                                        && e instanceof io.rampart.storage.StorageException
                                ? ": " + se.getMessage()
                                : ""));
                return 1;
            }
            rampart.tlsFingerprint().ifPresent(f -> System.out.println("TLS certificate SHA-256 fingerprint: " + f));
            rampart.createdCredentials().ifPresent(ServerCommand::printCredentials);
            rampart.createdTrailKey().ifPresent(k -> {
                var unused = k.thenAccept(ServerCommand::printTrailKey);
            });
            stop.await();
            System.err.println("rampart: shutting down, letting in-flight requests finish...");
            rampart.close();
            return 0;
        } finally {
            exiting.set(true); // a signal's hook is past this check already; any other exit keeps its status
            closed.countDown();
        }
    }

    /**
     * The --metadata location with its password: in the URL, else the password file's first line, else
     * RAMPART_METADATA_PASSWORD. Messages never hold the password.
     */
    static io.rampart.storage.MetadataLocation metadataLocation(String url, Path passwordFile, String envPassword)
            throws java.io.IOException {
        io.rampart.storage.MetadataLocation location = io.rampart.storage.MetadataLocation.parse(url);
        if (!(location instanceof io.rampart.storage.MetadataLocation.Postgres pg)) {
            if (passwordFile != null)
                throw new IllegalArgumentException("--metadata-password-file needs a postgresql:// --metadata");
            return location;
        }
        String password = null;
        if (passwordFile != null) {
            if (!java.nio.file.Files.isReadable(passwordFile)) {
                throw new java.io.IOException("--metadata-password-file " + passwordFile + " cannot be read");
            }
            password = java.nio.file.Files.readString(passwordFile)
                    .lines()
                    .findFirst()
                    .orElse("");
        } else if (envPassword != null && !envPassword.isEmpty()) {
            password = envPassword;
        }
        return pg.withPassword(password);
    }

    /** The master key value: RAMPART_MASTER_KEY, else the --master-key-file contents, else null (the data-dir file). */
    static String masterKey(Path masterKeyFile) throws java.io.IOException {
        String env = System.getenv("RAMPART_MASTER_KEY");
        if (env != null && !env.isBlank()) return env;
        if (masterKeyFile == null) return null;
        if (!java.nio.file.Files.isReadable(masterKeyFile)) {
            throw new java.io.IOException("--master-key-file " + masterKeyFile + " cannot be read");
        }
        return java.nio.file.Files.readString(masterKeyFile).trim();
    }

    private String masterKey() throws java.io.IOException {
        return masterKey(masterKeyFile);
    }

    private static void printTrailKey(io.rampart.audit.TrailKeys k) {
        // Public, but it is what proves the trail later: the copy kept elsewhere is the one to trust.
        System.out.println();
        System.out.println(
                "Audit trail signing key created (fingerprint " + k.fingerprint() + "). Save this public key off");
        System.out.println("this machine (e.g. as trail-key.pem) and check the trail against it with");
        System.out.println("  rampart trail validate --public-key trail-key.pem");
        System.out.print(io.rampart.audit.TrailKeys.pem(k.publicKey()));
        System.out.println();
        System.out.flush();
    }

    private static void printCredentials(IamStore.Bootstrap b) {
        java.io.PrintWriter out = new java.io.PrintWriter(System.out, true, java.nio.charset.Charset.defaultCharset());
        printCredentials(out, b);
    }

    /** The admin's new key pair, as the first start and {@code rampart admin create-admin-key} print it. */
    static void printCredentials(java.io.PrintWriter out, IamStore.Bootstrap b) {
        // Printed once, to the terminal, never to the log: the secret is stored only sealed under the master key.
        out.println();
        out.println("Admin credentials for account " + b.accountId() + " (user " + b.userName() + "):");
        out.println("  export AWS_ACCESS_KEY_ID=" + b.accessKeyId());
        out.println("  export AWS_SECRET_ACCESS_KEY=" + b.secretKey());
        out.println("Keep them safe: the secret is not shown again.");
        out.println();
        out.flush();
    }
}

package io.rampart.http;

import io.rampart.audit.AccessLog;
import io.rampart.audit.AuditTrail;
import io.rampart.audit.TrailDelivery;
import io.rampart.audit.TrailWriter;
import io.rampart.auth.Credential;
import io.rampart.auth.CredentialStore;
import io.rampart.auth.SigV4Verifier;
import io.rampart.crypto.MasterKey;
import io.rampart.detect.DetectingTrail;
import io.rampart.detect.DetectorSettings;
import io.rampart.detect.FindingAlerts;
import io.rampart.detect.FindingJson;
import io.rampart.detect.FindingStore;
import io.rampart.detect.FindingsService;
import io.rampart.detect.IamIdentityControls;
import io.rampart.detect.Responder;
import io.rampart.detect.TrailTailer;
import io.rampart.iam.IamApi;
import io.rampart.iam.IamStore;
import io.rampart.iam.Organization;
import io.rampart.iam.OrganizationsApi;
import io.rampart.iam.Permissions;
import io.rampart.iam.StsApi;
import io.rampart.metrics.MeteredTrail;
import io.rampart.metrics.ServerMetrics;
import io.rampart.notify.EventQueue;
import io.rampart.notify.WebhookSender;
import io.rampart.s3.BucketLogging;
import io.rampart.s3.LifecycleWorker;
import io.rampart.s3.ReplicatingMetadataStore;
import io.rampart.s3.ReplicationOptions;
import io.rampart.s3.ReplicationWorker;
import io.rampart.s3.S3Service;
import io.rampart.s3.S3Settings;
import io.rampart.storage.Database;
import io.rampart.storage.MetadataLocation;
import io.rampart.storage.ReplicationQueue;
import io.rampart.storage.SqliteMetadataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the stores, services and the HTTP server from a {@link Config}, explicitly, in one place.
 */
public final class Rampart implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Rampart.class);

    /** TLS: PEM certificate chain and PKCS#8 key, or a self-signed certificate kept in the data directory. */
    public record Tls(Path certFile, Path keyFile, boolean selfSigned) {}

    /**
     * Audit trail timing: the open segment is sealed into a log file every {@code rotateEvery} or at
     * {@code rotateBytes}, whichever comes first; a signed digest is written every {@code digestEvery} and at shutdown.
     */
    public record TrailTiming(Duration rotateEvery, long rotateBytes, Duration digestEvery) {
        public static TrailTiming defaults() {
            return new TrailTiming(
                    TrailWriter.Options.DEFAULT_ROTATE_EVERY,
                    TrailWriter.Options.DEFAULT_ROTATE_BYTES,
                    TrailWriter.Options.DEFAULT_DIGEST_EVERY);
        }
    }

    /**
     * Server settings, made with {@link #builder(Path)} (or {@link #toBuilder()} from another). {@code port} 0 picks a
     * free port. The root key pair, when both are set, becomes the admin's key. {@code tls} null serves plain HTTP.
     * {@code lifecycleDaySeconds} is how long a lifecycle "day" lasts (86400; tests shorten it) and
     * {@code lifecycleIntervalSeconds} how often the lifecycle worker runs.
     */
    public record Config(
            String address,
            int port,
            Path dataDir,
            String region,
            String domain,
            String rootAccessKey,
            String rootSecretKey,
            String masterKey,
            boolean fsync,
            Duration stopTimeout,
            S3Settings s3,
            Tls tls,
            long lifecycleDaySeconds,
            long lifecycleIntervalSeconds,
            TrailTiming trail,
            boolean autoRespond,
            Monitoring monitoring,
            ReplicationOptions replication,
            io.rampart.recovery.RecoveryOptions recovery,
            io.rampart.storage.BlobLocation blobs,
            MetadataLocation metadata,
            String nodeId,
            Path trailDir) {
        public static final long DEFAULT_LIFECYCLE_DAY_SECONDS = 86_400;
        public static final long DEFAULT_LIFECYCLE_INTERVAL_SECONDS = 3_600;

        public Config {
            if (dataDir == null) throw new IllegalArgumentException("a data directory is required");
            if (lifecycleDaySeconds <= 0 || lifecycleIntervalSeconds <= 0) {
                throw new IllegalArgumentException("lifecycle day and interval must be positive");
            }
            if (trail == null) trail = TrailTiming.defaults();
            if (monitoring == null) monitoring = Monitoring.defaults();
            if (replication == null) replication = ReplicationOptions.defaults();
            if (recovery == null) recovery = io.rampart.recovery.RecoveryOptions.defaults();
            if (s3 == null) s3 = S3Settings.defaults();
            if (metadata == null) metadata = MetadataLocation.SQLITE;
        }

        /** The defaults for a server keeping its data in {@code dataDir}: loopback, a free port, us-east-1, fsync on. */
        public static Builder builder(Path dataDir) {
            return new Builder(dataDir);
        }

        /** A builder starting from these settings. */
        public Builder toBuilder() {
            return new Builder(this);
        }

        /**
         * The one way to make or change settings: each setter names one setting (or one group of them) and returns the
         * builder; {@link #build()} checks them.
         */
        public static final class Builder {
            private String address = "127.0.0.1";
            private int port;
            private Path dataDir;
            private String region = "us-east-1";
            private String domain;
            private String rootAccessKey;
            private String rootSecretKey;
            private String masterKey;
            private boolean fsync = true;
            private Duration stopTimeout = Duration.ofSeconds(30);
            private S3Settings s3 = S3Settings.defaults();
            private Tls tls;
            private long lifecycleDaySeconds = DEFAULT_LIFECYCLE_DAY_SECONDS;
            private long lifecycleIntervalSeconds = DEFAULT_LIFECYCLE_INTERVAL_SECONDS;
            private TrailTiming trail = TrailTiming.defaults();
            private boolean autoRespond = true;
            private Monitoring monitoring = Monitoring.defaults();
            private ReplicationOptions replication = ReplicationOptions.defaults();
            private io.rampart.recovery.RecoveryOptions recovery = io.rampart.recovery.RecoveryOptions.defaults();
            private io.rampart.storage.BlobLocation blobs;
            private MetadataLocation metadata = MetadataLocation.SQLITE;
            private String nodeId;
            private Path trailDir;

            private Builder(Path dataDir) {
                this.dataDir = dataDir;
            }

            private Builder(Config c) {
                address = c.address;
                port = c.port;
                dataDir = c.dataDir;
                region = c.region;
                domain = c.domain;
                rootAccessKey = c.rootAccessKey;
                rootSecretKey = c.rootSecretKey;
                masterKey = c.masterKey;
                fsync = c.fsync;
                stopTimeout = c.stopTimeout;
                s3 = c.s3;
                tls = c.tls;
                lifecycleDaySeconds = c.lifecycleDaySeconds;
                lifecycleIntervalSeconds = c.lifecycleIntervalSeconds;
                trail = c.trail;
                autoRespond = c.autoRespond;
                monitoring = c.monitoring;
                replication = c.replication;
                recovery = c.recovery;
                metadata = c.metadata;
                blobs = c.blobs;
                nodeId = c.nodeId;
                trailDir = c.trailDir;
            }

            /** The address to listen on, and the port (0: a free one; a test restarting a server keeps its port). */
            public Builder listen(String address, int port) {
                this.address = address;
                this.port = port;
                return this;
            }

            public Builder port(int port) {
                this.port = port;
                return this;
            }

            public Builder dataDir(Path dataDir) {
                this.dataDir = dataDir;
                return this;
            }

            public Builder region(String region) {
                this.region = region;
                return this;
            }

            /** The domain of virtual-hosted-style requests ({@code bucket.domain}); null: path style only. */
            public Builder domain(String domain) {
                this.domain = domain;
                return this;
            }

            /** The admin's key pair, created at start-up when absent (null, null: generated and printed once). */
            public Builder rootKey(String accessKey, String secretKey) {
                this.rootAccessKey = accessKey;
                this.rootSecretKey = secretKey;
                return this;
            }

            /** The master key (base64); null: the one kept in the data directory, generated on first start. */
            public Builder masterKey(String masterKey) {
                this.masterKey = masterKey;
                return this;
            }

            public Builder fsync(boolean fsync) {
                this.fsync = fsync;
                return this;
            }

            /** How long a stop waits for requests in flight. */
            public Builder stopTimeout(Duration stopTimeout) {
                this.stopTimeout = stopTimeout;
                return this;
            }

            public Builder s3(S3Settings s3) {
                this.s3 = s3;
                return this;
            }

            /** HTTPS; null serves plain HTTP. */
            public Builder tls(Tls tls) {
                this.tls = tls;
                return this;
            }

            /** Lifecycle timing: a "day" of {@code daySeconds} (tests use 1) and a worker pass every {@code intervalSeconds}. */
            public Builder lifecycle(long daySeconds, long intervalSeconds) {
                this.lifecycleDaySeconds = daySeconds;
                this.lifecycleIntervalSeconds = intervalSeconds;
                return this;
            }

            /** Audit trail timing: segment rotation (time or size) and the digest interval. */
            public Builder trail(TrailTiming trail) {
                this.trail = trail;
                return this;
            }

            /** Whether the detector's responses (deactivate the key, block SSE-C...) run, or are only logged. */
            public Builder autoRespond(boolean on) {
                this.autoRespond = on;
                return this;
            }

            /** Metrics endpoint, access log delivery, webhooks, trail copies. */
            public Builder monitoring(Monitoring monitoring) {
                this.monitoring = monitoring;
                return this;
            }

            public Monitoring monitoring() {
                return monitoring;
            }

            /** Replication: remote destinations (the operator's targets file) and retry back-off. */
            public Builder replication(ReplicationOptions replication) {
                this.replication = replication;
                return this;
            }

            /** The recovery window, its purge interval, and the free space kept on the data directory's filesystem. */
            public Builder recovery(io.rampart.recovery.RecoveryOptions recovery) {
                this.recovery = recovery;
                return this;
            }

            /** Where the metadata lives: the embedded SQLite in the data directory (default) or a PostgreSQL database. */
            public Builder metadata(MetadataLocation metadata) {
                this.metadata = metadata;
                return this;
            }

            /** Where blobs live (a directory, perhaps shared, or an S3 bucket); null: {@code <data-dir>/blobs}. */
            public Builder blobs(io.rampart.storage.BlobLocation blobs) {
                this.blobs = blobs;
                return this;
            }

            /** This node's id (its trail files and digest chain); null: the one kept in the data directory. */
            public Builder nodeId(String nodeId) {
                this.nodeId = nodeId;
                return this;
            }

            /** Where the trail is written (several nodes may share one); null: {@code <data-dir>/trail}. */
            public Builder trailDir(Path trailDir) {
                this.trailDir = trailDir;
                return this;
            }

            public Config build() {
                return new Config(
                        address,
                        port,
                        dataDir,
                        region,
                        domain,
                        rootAccessKey,
                        rootSecretKey,
                        masterKey,
                        fsync,
                        stopTimeout,
                        s3,
                        tls,
                        lifecycleDaySeconds,
                        lifecycleIntervalSeconds,
                        trail,
                        autoRespond,
                        monitoring,
                        replication,
                        recovery,
                        blobs,
                        metadata,
                        nodeId,
                        trailDir);
            }
        }
    }

    private final Config config;
    private final Database db;
    private final SqliteMetadataStore meta;
    private final Server server;
    private final IamStore.Bootstrap bootstrap;
    private final int sweptBlobs;
    private final io.rampart.storage.BlobStore blobs;
    private final TlsMaterial tls;
    private final IamStore iam;
    private final AuditTrail trail;
    private final FindingStore findings;
    private final FindingsService findingsService;
    private final TrailTailer tailer;
    private final LifecycleWorker lifecycle;
    private final ServerMetrics metrics = new ServerMetrics();
    private final AccessLog accessLog;
    private final WebhookSender webhooks;
    private final TrailDelivery trailDelivery;
    private final TrailDestinations.Closeable trailDestination;
    private MetricsEndpoint metricsEndpoint;
    private final ReplicationWorker replication;
    private final java.util.concurrent.CompletableFuture<io.rampart.audit.TrailKeys> createdTrailKey;
    private io.rampart.audit.AdminActions adminActions;
    private final io.rampart.recovery.WindowPurger windowPurger;
    private final io.rampart.recovery.RestoreJobs restoreJobs;
    private final io.rampart.kms.KeyService kms;
    private final io.rampart.s3.PeriodicWorker kmsMaintenance;
    /**
     * How often a node on a shared (PostgreSQL) database forgets cached keys, sessions and policies: a key
     * deactivated through another node is refused here within twice this (a load racing the change lives one more
     * period), 1 s.
     */
    public static final Duration CLUSTER_CACHE_EXPIRY = Duration.ofMillis(500);
    /**
     * The lease of the queue workers (replication, webhook delivery) on several nodes: the holder renews it every
     * third of it (and polls the queue as often, for work queued through other nodes); a survivor takes over this
     * long after the holder died.
     */
    static final Duration QUEUE_LEASE = Duration.ofSeconds(6);
    /**
     * How long a background restore's claim outlives its last renewal (every third of it, and at each chunk of keys):
     * a job whose node died is taken up by another node this long after.
     */
    static final Duration RESTORE_JOB_CLAIM = Duration.ofSeconds(15);

    private io.rampart.s3.PeriodicWorker clusterCaches;
    private io.rampart.s3.PeriodicWorker adminDrain;
    /** On a shared database: this process's claim on its node id, and the worker that renews it. */
    private io.rampart.storage.NodeClaim nodeClaim;

    private io.rampart.s3.PeriodicWorker nodeClaimRenewal;

    private Rampart(Config config, DetectorSettings detection) throws Exception {
        this.config = config;
        Path dir = Files.createDirectories(config.dataDir());
        io.rampart.storage.OwnerOnly.restrictDirectory(dir);
        Path keyFile = dir.resolve("master.key");
        boolean existingData = Files.exists(dir.resolve("rampart.db"));
        if (existingData
                && !Files.exists(keyFile)
                && (config.masterKey() == null || config.masterKey().isBlank())) {
            // Creating a new key here would make every stored object and secret unreadable: refuse, loudly.
            throw new IllegalStateException(
                    "the master key is missing: " + keyFile + " does not exist and RAMPART_MASTER_KEY "
                            + "is not set, but " + dir
                            + " holds data encrypted under a master key. Restore the key file (or set "
                            + "RAMPART_MASTER_KEY); Rampart will not start with a new key over existing data.");
        }
        MasterKey masterKey = MasterKey.load(config.masterKey(), keyFile);
        io.rampart.storage.BlobStore blobs = (config.blobs() != null
                        ? config.blobs()
                        : io.rampart.storage.BlobLocation.defaultFor(dir))
                .open(config.fsync());
        this.blobs = blobs;
        this.db = Database.open(config.metadata(), dir);
        AuditTrail openedTrail = null;
        WebhookSender openedSender = null;
        try {
            io.rampart.storage.NodeId nodeId = io.rampart.storage.NodeId.resolve(dir, config.nodeId());
            log.info("node id {}: this node's trail files and digest chain carry it", nodeId);
            // This process's name in leases and queue claims (unique per run).
            String node = io.rampart.storage.Leases.runName();
            if (db.shared()) {
                // Before anything acts as this node: no other live process may run with its id (NodeClaim).
                this.nodeClaim = io.rampart.storage.NodeClaim.take(
                        db, nodeId, dir, node, io.rampart.storage.NodeClaim.LENGTH, Clock.systemUTC());
                Duration renewal = io.rampart.storage.NodeClaim.LENGTH.dividedBy(3);
                this.nodeClaimRenewal = new io.rampart.s3.PeriodicWorker(
                        "rampart-node-claim", "node id claim renewal", renewal, renewal, nodeClaim::renew);
                nodeClaimRenewal.start();
            }
            this.meta = new SqliteMetadataStore(db, blobs::delete);
            io.rampart.storage.RecoveryWindow window = meta.recoveryWindow();
            window.holding(config.recovery().enabled());
            if (!config.recovery().enabled()) {
                log.warn(
                        "the recovery window is OFF (--recovery-window 0): overwritten and deleted versions are gone at once "
                                + "and cannot be restored; versions it still holds are freed by the next purge");
            }
            this.windowPurger = new io.rampart.recovery.WindowPurger(
                    window,
                    Clock.systemUTC(),
                    config.recovery().window(),
                    config.recovery().purgeInterval());
            metrics.gauge(
                    "rampart.recovery.window.versions",
                    "Object versions held by the recovery window",
                    () -> window.stats(1000).versions());
            metrics.gauge(
                    "rampart.recovery.window.bytes",
                    "Bytes (object sizes) held by the recovery window",
                    () -> window.stats(1000).bytes());
            metrics.gauge(
                    "rampart.recovery.window.oldest.age.seconds",
                    "Age of the oldest entry in the recovery window",
                    () -> {
                        Long oldest = window.stats(1000).oldestRemovedAt();
                        return oldest == null ? 0 : Math.max(0, (System.currentTimeMillis() - oldest) / 1000);
                    });
            // Blobs written before a crash but never committed to metadata are garbage: collect them before serving.
            this.sweptBlobs = blobs.sweep(meta::isLiveBlob);
            IamStore iam = new IamStore(db, masterKey);
            this.iam = iam;
            iam.verifyMasterKey();
            this.bootstrap = iam.bootstrap(config.rootAccessKey(), config.rootSecretKey());
            bootstrap.warnings().forEach(w -> log.warn("{}", w));
            CredentialStore credentials = id -> iam.findKey(id)
                    .filter(k -> k.active())
                    .map(k -> new Credential(
                            k.accessKeyId(),
                            k.secretKey(),
                            k.sessionToken(),
                            k.principal(),
                            k.expiration().orElse(null)));
            SigV4Verifier verifier = new SigV4Verifier(
                    credentials, config.region(), Clock.systemUTC(), config.s3().sigV2());
            Organization organization = new Organization(db);
            // Another node may deactivate a key, revoke sessions or change policies: on a shared database what this
            // node caches of identities is dropped every half second, so such a change applies here within a second.
            this.clusterCaches = db.shared()
                    ? new io.rampart.s3.PeriodicWorker(
                            "rampart-cluster-caches",
                            "cache expiry",
                            CLUSTER_CACHE_EXPIRY,
                            CLUSTER_CACHE_EXPIRY,
                            () -> {
                                iam.forgetCached();
                                // An account closed through another node: its keys and sessions stop here too.
                                iam.orgAccounts().refresh();
                                organization.changed();
                            })
                    : null;
            if (clusterCaches != null) clusterCaches.start();
            if (db.shared()) {
                metrics.gauge(
                        "rampart.metadata.write.retries",
                        "Metadata write transactions run again after a conflict "
                                + "with another transaction (PostgreSQL), since start",
                        db::retries);
            }
            Permissions permissions = new Permissions(iam.directory(), iam.sessions(), organization);
            // The key service (KMS API, SSE-KMS): key material sealed under the master key; deletions and rotations due
            // are carried out by a background pass.
            this.kms = new io.rampart.kms.KeyService(db, masterKey, permissions, config.region(), Clock.systemUTC());
            this.kmsMaintenance = new io.rampart.s3.PeriodicWorker(
                    "rampart-kms",
                    "key service pass",
                    Duration.ofMinutes(1),
                    Duration.ofHours(1),
                    kms::maintenancePass);
            // Replication: versions its rules select are queued in their own write transaction (through the replicating
            // store); the worker writes replicas through the plain store, so they are not queued again.
            io.rampart.storage.Leases leases =
                    db.shared() ? new io.rampart.storage.Leases(db, node, Clock.systemUTC()) : null;
            this.replication = new ReplicationWorker(
                    meta, blobs, masterKey, new ReplicationQueue(db, node), config.replication(), Clock.systemUTC());
            ReplicatingMetadataStore replicating =
                    new ReplicatingMetadataStore(meta, replication::wake, CLUSTER_CACHE_EXPIRY);
            S3Service s3 = new S3Service(
                    replicating,
                    blobs,
                    config.region(),
                    Clock.systemUTC(),
                    masterKey,
                    config.s3(),
                    (serial, account, code) ->
                            iam.verifyMfa(serial, account, code, Instant.now().getEpochSecond()),
                    permissions,
                    config.replication().targets());
            s3.spaceReserve(io.rampart.s3.SpaceReserve.of(dir, config.recovery().minFreeSpace()));
            io.rampart.kms.SseKms sseKms = new io.rampart.kms.SseKms(kms);
            s3.kms(sseKms);
            replication.kms(sseKms);
            this.lifecycle = new LifecycleWorker(
                    meta,
                    Clock.systemUTC(),
                    Duration.ofSeconds(config.lifecycleDaySeconds()),
                    Duration.ofSeconds(config.lifecycleIntervalSeconds()));
            if (leases != null) {
                // Several nodes: background work runs once per cluster, on the node holding its lease.
                lifecycle.leased(leases);
                windowPurger.leased(leases);
                kmsMaintenance.leased(leases);
                replication.leased(leases, QUEUE_LEASE);
            }
            this.tls = config.tls() == null
                    ? null
                    : config.tls().selfSigned()
                            ? TlsMaterial.selfSigned(dir.resolve("tls"))
                            : TlsMaterial.fromPem(
                                    config.tls().certFile(), config.tls().keyFile());
            TrailTiming timing = config.trail();
            TrailWriter.Options trailOptions = TrailWriter.Options.defaults(bootstrap.accountId(), config.region())
                    .withNode(nodeId.value())
                    .withRotation(timing.rotateEvery(), timing.rotateBytes())
                    .withDigestEvery(timing.digestEvery())
                    .withFsync(config.fsync());
            TrailWriter trailWriter = TrailWriter.open(
                    config.trailDir() != null ? config.trailDir() : dir.resolve("trail"),
                    trailOptions,
                    masterKey,
                    db,
                    Clock.systemUTC());
            openedTrail = trailWriter;
            this.createdTrailKey = trailWriter.createdKey().orElse(null);
            // The detector takes the trail's records as they are written, keeping a stored position in its files, off
            // the request path (on a shared database through the cluster's feed), and may respond on its own; its
            // responses and findings go to the trail as service events.
            this.findings = new FindingStore(db);
            // Event notifications and findings' webhooks: queued durably in the database, delivered with retries.
            java.util.Map<String, java.net.URI> targets =
                    FindingAlerts.withTargets(config.monitoring().webhooks(), detection.webhooks());
            EventQueue events = new EventQueue(db, node);
            this.webhooks = new WebhookSender(
                    events,
                    targets,
                    Clock.systemUTC(),
                    config.monitoring().notifyRetryBase(),
                    Monitoring.MAX_RETRY_DELAY);
            openedSender = webhooks;
            if (leases != null) webhooks.leased(leases, QUEUE_LEASE);
            webhooks.start();
            FindingAlerts alerts = new FindingAlerts(detection.webhooks(), events, webhooks, Clock.systemUTC());
            Responder.Audit audit = (event, bucket, details) -> trailWriter.append(
                    trailWriter.records().detectorEvent(Instant.now(), config.region(), event, bucket, details), false);
            Responder responder = new Responder(new IamIdentityControls(iam), meta, alerts, audit, config.autoRespond())
                    .withKeys(new io.rampart.detect.KmsKeyRestore(kms));
            trailWriter.integrityBreak().ifPresent(problem -> trailTampered(findings, audit, problem));
            this.tailer = new TrailTailer(
                    trailWriter.layout(),
                    findings,
                    detection.rulesOrBuiltIn(),
                    responder,
                    f -> audit.record("DetectorFinding", f.bucket(), findingDetails(f)),
                    detection.idleMillis(),
                    db.shared()
                            ? new io.rampart.detect.DetectionFeed(
                                    db, node, detection.feedPollMillis(), Clock.systemUTC())
                            : null);
            // Records reach the detector in memory as the writer writes them; the files only for catch-up.
            tailer.attachTo(trailWriter);
            this.findingsService = new FindingsService(
                    findings, responder, tailer, (event, details) -> audit.record(event, null, details));
            // Every request's facts pass the metered trail once: request metrics are taken there.
            this.trail = new MeteredTrail(new DetectingTrail(trailWriter, tailer), metrics);
            sseKms.auditTo(trail);
            openedTrail = trail;
            tailer.start();
            // The owner's offline actions (rampart admin) reach the trail through the database: drained now, then every
            // second; each drain drops what the server cached about identities, so an offline change applies at once.
            this.adminActions = new io.rampart.audit.AdminActions(db);
            if (bootstrap.added()) {
                // A new root credential is a fact for the trail, whether generated or taken from the environment.
                String source = bootstrap.created() ? "generated" : "RAMPART_ROOT_ACCESS_KEY";
                log.info("Added admin access key {} ({})", bootstrap.accessKeyId(), source);
                adminActions.record(
                        io.rampart.audit.AdminActions.SERVER_START,
                        bootstrap.accountId(),
                        "bootstrap-admin-key",
                        false,
                        java.util.Map.of("source", source),
                        java.util.Map.of("accessKeyId", bootstrap.accessKeyId()),
                        null);
            }
            java.util.function.Consumer<java.util.List<io.rampart.audit.AdminActions.Action>> drained = actions -> {
                iam.forgetCached();
                actions.stream()
                        .map(a -> a.request().get("findingId"))
                        .filter(java.util.Objects::nonNull)
                        .forEach(tailer::forget);
            };
            // Drained before serving, then every second; on several nodes by the holder of its lease only, so each
            // action reaches one node's trail once.
            if (leases == null) adminActions.drain(trailWriter, config.region(), drained);
            this.adminDrain = new io.rampart.s3.PeriodicWorker(
                    "rampart-admin-actions",
                    "moving the owner's offline admin actions into the audit trail",
                    leases == null ? Duration.ofSeconds(1) : Duration.ZERO,
                    Duration.ofSeconds(1),
                    () -> adminActions.drain(trailWriter, config.region(), drained));
            if (leases != null) adminDrain.leased(leases, "rampart-admin-actions", QUEUE_LEASE);
            adminDrain.start();
            io.rampart.detect.InactiveAdminKeys.warning(
                            iam, findings, bootstrap.accountId(), bootstrap.accessKeyId(), config.dataDir())
                    .ifPresent(w -> log.error("\n{}", w));
            // Lifecycle actions change data as surely as a DeleteObject: they are in the trail too, made by the
            // service.
            lifecycle.addListener(e -> metrics.trailWrite(() -> trailWriter.append(
                    trailWriter
                            .records()
                            .serviceEvent(
                                    e.time(),
                                    config.region(),
                                    lifecycleEventName(e.action()),
                                    e.bucket(),
                                    e.key(),
                                    lifecycleDetails(e)),
                    true)));
            lifecycle.addListener(e -> metrics.lifecycleAction(e.action().accessLogOperation(), e.bucket()));
            replication.addListener(e -> metrics.trailWrite(() -> trailWriter.append(
                    trailWriter
                            .records()
                            .serviceEvent(
                                    e.time(),
                                    config.region(),
                                    e.deleteMarker() ? "ReplicateDelete" : "ReplicateObject",
                                    e.bucket(),
                                    e.key(),
                                    replicationDetails(e)),
                    true)));
            // Server access logs: lines of buckets with logging enabled, delivered by the server as the logging
            // service.
            this.accessLog = new AccessLog(
                    bucket -> BucketLogging.target(meta, bucket)
                            .map(t -> new AccessLog.Target(
                                    t.sourceOwnerCanonicalId(),
                                    t.targetBucket(),
                                    t.targetPrefix(),
                                    t.partitionedPrefix(),
                                    t.eventTime())),
                    (bucket, key, body) -> s3.putAsService("logging.s3.amazonaws.com", bucket, key, body, "text/plain"),
                    Clock.systemUTC(),
                    config.monitoring().accessLogInterval());
            s3.notificationTargets(config.monitoring().webhooks().keySet());
            metrics.gauge("rampart.notifications.pending", "Event notifications waiting for delivery", events::size);
            metrics.gauge(
                    "rampart.notifications.delivered",
                    "Event notifications delivered since start",
                    webhooks::delivered);
            metrics.gauge(
                    "rampart.notifications.failed.attempts",
                    "Failed webhook delivery attempts since start",
                    webhooks::failures);
            // Optional copies of the sealed trail files in a bucket, here or on another S3 endpoint.
            Monitoring.TrailCopy copy = config.monitoring().trailCopy();
            if (copy != null) {
                this.trailDestination = copy.remoteConfig() == null
                        ? TrailDestinations.local(s3, copy.bucket())
                        : TrailDestinations.remote(copy.remoteConfig(), copy.bucket());
                this.trailDelivery = new TrailDelivery(
                        trailWriter.layout(),
                        db,
                        trailDestination,
                        copy.remoteConfig() == null ? "bucket " + copy.bucket() : "remote bucket " + copy.bucket(),
                        Clock.systemUTC(),
                        copy.every());
                metrics.gauge(
                        "rampart.trail.delivery.pending",
                        "Sealed trail files not yet copied to the delivery bucket",
                        trailDelivery::pending);
                metrics.gauge(
                        "rampart.trail.delivery.failed.attempts",
                        "Failed trail file copies since start",
                        trailDelivery::failures);
            } else {
                this.trailDestination = null;
                this.trailDelivery = null;
            }
            io.rampart.notify.Notifier notifications =
                    new io.rampart.notify.Notifier(meta, events, webhooks, Clock.systemUTC(), config.region());
            // Lifecycle expirations are S3's own deletes: they notify as s3:LifecycleExpiration:* (aborted uploads do
            // not).
            lifecycle.addListener(e -> {
                if (e.action() == LifecycleWorker.Action.ABORT_MULTIPART_UPLOAD) return;
                notifications.lifecycleExpiration(
                        e.bucket(),
                        e.key(),
                        e.versionId(),
                        e.action() == LifecycleWorker.Action.CREATE_DELETE_MARKER,
                        e.time());
            });
            // Every front door records its requests through the same exchanges: one trail, one access log.
            Exchanges exchanges = new Exchanges(trail, accessLog, config.region());
            // What the console's trail search and restore's cross-check read: every node's records in the trail
            // directory (all of the cluster's when the nodes share --trail-dir), not only this node's.
            io.rampart.audit.TrailLayout everyNodesTrail = trailWriter.layout().everyNode();
            // Background restores, started through the console or the admin API, are kept in the database: any node
            // answers their status, and one whose node died (or stopped) is run again by another node (or this one at
            // its next start), recording its writes from the starting call's record.
            io.rampart.recovery.Restore restore =
                    new io.rampart.recovery.Restore(replicating, Clock.systemUTC(), everyNodesTrail, window);
            this.restoreJobs = new io.rampart.recovery.RestoreJobs(
                    restore, db, nodeId, node, Clock.systemUTC(), RESTORE_JOB_CLAIM);
            restoreJobs.resumeWith(job -> RestoreJobTrail.hooks(exchanges, job));
            // The web console (/_rampart/console/) acts through the same S3 service, IAM API and trail as the port.
            Console console = new Console(new Console.Deps(
                    s3,
                    new IamApi(iam, permissions, config.region()),
                    permissions,
                    new io.rampart.console.ConsoleSessions(
                            credentials,
                            Clock.systemUTC(),
                            io.rampart.console.ConsoleSessions.DEFAULT_IDLE,
                            io.rampart.console.ConsoleSessions.DEFAULT_ABSOLUTE),
                    exchanges,
                    findingsService,
                    restore,
                    everyNodesTrail,
                    meta,
                    window,
                    metrics,
                    config.region(),
                    bootstrap.accountId(),
                    config.domain(),
                    restoreJobs));
            AdminHandler admin = new AdminHandler(
                    verifier,
                    restore,
                    bootstrap.accountId(),
                    findingsService,
                    new AdminPosture(new AdminPosture.Settings(
                            config.recovery().enabled(),
                            config.recovery().window(),
                            config.autoRespond(),
                            tailer::running,
                            () -> tailer.detector().rules().size(),
                            detection.webhooks().size(),
                            this::metricsPort,
                            config.monitoring().metricsTokenFile() != null,
                            trailWriter.layout(),
                            () -> io.rampart.audit.TrailAnchor.read(db))),
                    restoreJobs);
            ServiceEndpoint services = new ServiceEndpoint(
                    new IamApi(iam, permissions, config.region()),
                    new StsApi(iam, permissions, config.region()),
                    new OrganizationsApi(iam, organization, permissions, config.region()),
                    new io.rampart.kms.KmsApi(kms));
            RolesAnywhereEndpoint rolesAnywhere = new RolesAnywhereEndpoint(
                    new io.rampart.iam.RolesAnywhere(db, iam, permissions, config.region()),
                    config.region(),
                    Clock.systemUTC());
            this.server = httpServer(
                    config,
                    tls,
                    console.wrap(new S3Handler(
                            verifier,
                            s3,
                            config.domain(),
                            exchanges,
                            admin,
                            services,
                            rolesAnywhere,
                            notifications,
                            (key, service) -> iam.noteUse(key, service, config.region(), Instant.now()))));
        } catch (Exception e) {
            if (adminDrain != null) adminDrain.close();
            if (clusterCaches != null) clusterCaches.close();
            if (openedTrail != null) openedTrail.close();
            if (openedSender != null) openedSender.close();
            if (nodeClaimRenewal != null) nodeClaimRenewal.close();
            if (nodeClaim != null) nodeClaim.close();
            db.close();
            blobs.close();
            throw e;
        }
    }

    /**
     * The trail went backwards or vanished relative to the database (TrailWriter began a new chain recording it): a
     * HIGH finding and a trail record, while the server keeps serving.
     */
    private static void trailTampered(FindingStore findings, Responder.Audit audit, String problem) {
        Instant now = Instant.now();
        io.rampart.detect.Finding f = new io.rampart.detect.Finding(
                "F" + now.toEpochMilli() + "-"
                        + java.util.UUID.randomUUID().toString().substring(0, 8),
                "trail-tampered",
                io.rampart.detect.Severity.HIGH,
                "The audit trail went backwards or vanished since the database last recorded it: " + problem
                        + ". A new digest chain records the break; run 'rampart trail validate' to see what is missing.",
                null,
                null,
                null,
                now,
                now,
                1,
                java.util.List.of(),
                io.rampart.detect.Finding.Status.OPEN,
                java.util.List.of());
        findings.save(f);
        audit.record("TrailIntegrityBreak", null, findingDetails(f));
        log.error("FINDING {} HIGH trail-tampered: {}", f.id(), problem);
    }

    /** A finding's summary in its trail record (the full finding is in the admin API). */
    private static java.util.Map<String, String> findingDetails(io.rampart.detect.Finding f) {
        java.util.Map<String, String> d = new java.util.LinkedHashMap<>();
        FindingJson.of(f).properties().forEach(e -> {
            if (e.getValue().isValueNode() && !e.getValue().isNull())
                d.put(e.getKey(), e.getValue().asText());
        });
        return d;
    }

    /** S3 event notification names for lifecycle actions (s3:LifecycleExpiration:*), CloudTrail-style. */
    private static String lifecycleEventName(LifecycleWorker.Action a) {
        return a == LifecycleWorker.Action.ABORT_MULTIPART_UPLOAD
                ? "LifecycleAbortIncompleteMultipartUpload"
                : "LifecycleExpiration";
    }

    private static java.util.Map<String, String> lifecycleDetails(LifecycleWorker.Event e) {
        java.util.Map<String, String> d = new java.util.LinkedHashMap<>();
        d.put("lifecycleAction", e.action().accessLogOperation());
        d.put(
                "eventType",
                switch (e.action()) {
                    case CREATE_DELETE_MARKER -> "s3:LifecycleExpiration:DeleteMarkerCreated";
                    case ABORT_MULTIPART_UPLOAD -> "s3:LifecycleAbortIncompleteMultipartUpload";
                    default -> "s3:LifecycleExpiration:Delete";
                });
        if (e.ruleId() != null) d.put("ruleId", e.ruleId());
        if (e.versionId() != null) {
            d.put(
                    e.action() == LifecycleWorker.Action.ABORT_MULTIPART_UPLOAD ? "uploadId" : "versionId",
                    e.versionId());
        }
        return d;
    }

    private static java.util.Map<String, String> replicationDetails(ReplicationWorker.Event e) {
        java.util.Map<String, String> d = new java.util.LinkedHashMap<>();
        d.put("versionId", e.versionId());
        d.put("replicationStatus", e.status());
        if (e.destination() != null) d.put("destinationBucket", e.destination());
        if (e.reason() != null) d.put("reason", e.reason());
        return d;
    }

    /** Concurrent client connections the S3 port keeps open at most. */
    static final int MAX_CONNECTIONS = 4096;

    private static Server httpServer(Config config, TlsMaterial tls, org.eclipse.jetty.server.Handler handler) {
        JettyStartup.skipMBeanServerProbe();
        QueuedThreadPool pool = new QueuedThreadPool(200, 8);
        pool.setName("rampart-http");
        // Requests run on virtual threads: blocking I/O code, no thread-pool starvation under slow clients.
        pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        // Object keys may hold "..", "//", encoded slashes and other characters a web server would normally refuse.
        http.setUriCompliance(UriCompliance.UNSAFE);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSendDateHeader(true);
        http.setRequestHeaderSize(64 * 1024);
        // Jetty's header cache matches common fields case-insensitively and would hand back its own spelling
        // (e.g. "charset=utf-8" for "charset=UTF-8"), breaking SigV4 over signed headers: keep values verbatim.
        http.setHeaderCacheCaseSensitive(true);
        http.setRelativeRedirectAllowed(true);
        ServerConnector connector;
        if (tls == null) {
            connector = new ServerConnector(server, new VerbatimPathConnectionFactory(http));
        } else {
            http.addCustomizer(new SecureRequestCustomizer(false));
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(tls.keyStore());
            ssl.setKeyStorePassword(new String(tls.password()));
            ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            connector = new ServerConnector(
                    server, new SslConnectionFactory(ssl, "http/1.1"), new VerbatimPathConnectionFactory(http));
        }
        connector.setHost(config.address());
        connector.setPort(config.port());
        // A stalled body fails its read after this long, answered 400 RequestTimeout (S3Handler), as S3 does after ~20
        // s.
        connector.setIdleTimeout((config.s3() == null
                        ? S3Settings.DEFAULT_IDLE_TIMEOUT
                        : config.s3().idleTimeout())
                .toMillis());
        server.addConnector(connector);
        // Slow or stalled clients hold a connection each until the idle timeout: at most this many at once (the
        // rest wait in the accept queue), so they cannot exhaust file descriptors.
        server.addBean(new org.eclipse.jetty.server.NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        GracefulHandler graceful = new GracefulHandler();
        graceful.setHandler(handler);
        server.setHandler(graceful);
        server.setStopTimeout(config.stopTimeout().toMillis());
        server.setErrorHandler(new S3ErrorPages());
        return server;
    }

    public static Rampart start(Config config) throws Exception {
        return start(config, DetectorSettings.defaults());
    }

    /** Starts with the detector's rule pack and webhooks. */
    public static Rampart start(Config config, DetectorSettings detection) throws Exception {
        Rampart r = new Rampart(config, detection);
        try {
            r.server.start();
            r.lifecycle.start();
            Monitoring m = config.monitoring();
            if (m.metricsEnabled()) {
                r.metricsEndpoint =
                        MetricsEndpoint.start(r.metrics, config.address(), m.metricsPort(), m.metricsTokenFile());
            }
            r.replication.start();
            r.windowPurger.start();
            r.kmsMaintenance.start();
            r.restoreJobs.start();
        } catch (Exception e) {
            r.close();
            throw e;
        }
        log.info(
                "Rampart listening on {} (region {}, data {}){}",
                r.endpoint(),
                config.region(),
                config.dataDir().toAbsolutePath(),
                r.sweptBlobs > 0 ? ", removed " + r.sweptBlobs + " orphan blobs" : "");
        // The location's toString never holds the password.
        if (r.db.shared())
            log.info(
                    "Metadata on {}, blobs in {}",
                    config.metadata(),
                    config.blobs() == null ? "the data directory" : config.blobs());
        r.metricsPort()
                .ifPresent(p -> log.info(
                        "Prometheus metrics on port {} at /metrics ({})",
                        p,
                        config.monitoring().metricsTokenFile() == null
                                ? "loopback only, no token"
                                : "bearer token required"));
        return r;
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    public String endpoint() {
        String host = config.address().contains(":") ? "[" + config.address() + "]" : config.address();
        if ("0.0.0.0".equals(host)) host = "127.0.0.1";
        return (tls == null ? "http://" : "https://") + host + ":" + port();
    }

    /** The admin key pair when this start generated it (first start without a key in the environment). */
    public Optional<IamStore.Bootstrap> createdCredentials() {
        return bootstrap.created() ? Optional.of(bootstrap) : Optional.empty();
    }

    /** On a first start, the trail signing key being created: its public key is shown to be kept off the machine. */
    public Optional<java.util.concurrent.CompletableFuture<io.rampart.audit.TrailKeys>> createdTrailKey() {
        return Optional.ofNullable(createdTrailKey);
    }

    /** SHA-256 fingerprint of the served TLS certificate, when serving HTTPS. */
    public Optional<String> tlsFingerprint() {
        return tls == null ? Optional.empty() : Optional.of(tls.fingerprint());
    }

    /** Accounts, keys and MFA devices (the IAM API will be built on it; tests use it to register devices). */
    public IamStore iam() {
        return iam;
    }

    /** The detector's findings (the findings CLI and admin API will be built on it). */
    public FindingStore findings() {
        return findings;
    }

    /** Findings as an administrator handles them (list, archive, resolve). */
    public FindingsService findingsService() {
        return findingsService;
    }

    /** The detector's tailer (tests look at what it has processed). */
    public TrailTailer detector() {
        return tailer;
    }

    public String accountId() {
        return bootstrap.accountId();
    }

    /** The lifecycle worker: its counters and recent actions (the audit trail will subscribe to it). */
    public LifecycleWorker lifecycle() {
        return lifecycle;
    }

    /** Copies of sealed trail files into the delivery bucket, when configured. */
    public Optional<TrailDelivery> trailDelivery() {
        return Optional.ofNullable(trailDelivery);
    }

    /** The server access log (tests deliver its buffered lines at once). */
    public AccessLog accessLog() {
        return accessLog;
    }

    /** The port of the {@code /metrics} endpoint, when it is on. */
    public Optional<Integer> metricsPort() {
        return metricsEndpoint == null ? Optional.empty() : Optional.of(metricsEndpoint.port());
    }

    /** The replication worker: its metrics (queue length, lag, failures) and outcomes. */
    public ReplicationWorker replication() {
        return replication;
    }

    /** The recovery window's background purge (tests run a pass at once). */
    public io.rampart.recovery.WindowPurger windowPurger() {
        return windowPurger;
    }

    /** The recovery window (tests look at what it holds). */
    public io.rampart.storage.RecoveryWindow recoveryWindow() {
        return meta.recoveryWindow();
    }

    /** The key service (tests run its deletion and rotation pass at once). */
    public io.rampart.kms.KeyService kms() {
        return kms;
    }

    public void join() throws InterruptedException {
        server.join();
    }

    /** Stops accepting requests, lets in-flight ones finish (up to the stop timeout), then closes the stores. */
    @Override
    public void close() {
        // Background restores hand their jobs back now, not after the drain below: another node (or the next start)
        // takes them up without waiting for this one's in-flight requests.
        if (restoreJobs != null) restoreJobs.stopRunning();
        try {
            if (server != null && server.isStarted()) server.stop();
        } catch (Exception e) {
            log.warn("error stopping HTTP server: {}", e.toString());
        }
        // After the HTTP server (no new job), before the stores: jobs running here stop at their next chunk, handed
        // back.
        if (restoreJobs != null) restoreJobs.close();
        if (metricsEndpoint != null) metricsEndpoint.close();
        if (lifecycle != null) lifecycle.close();
        if (accessLog != null) accessLog.close();
        if (webhooks != null) webhooks.close();
        if (replication != null) replication.close();
        if (adminDrain != null) adminDrain.close();
        if (windowPurger != null) windowPurger.close();
        if (kmsMaintenance != null) kmsMaintenance.close();
        if (clusterCaches != null) clusterCaches.close();
        if (trail != null) trail.close();
        // After the trail's final digest, so that it is copied too (when the destination is reachable).
        if (trailDelivery != null) trailDelivery.closeAfterFinalPass();
        if (trailDestination != null) trailDestination.close();
        // Given up after the node's last trail write: a successor with this id starts at once.
        if (nodeClaimRenewal != null) nodeClaimRenewal.close();
        if (nodeClaim != null) nodeClaim.close();
        metrics.close();
        meta.close();
        blobs.close();
    }
}

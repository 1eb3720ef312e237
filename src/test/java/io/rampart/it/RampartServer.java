package io.rampart.it;

import io.rampart.http.Rampart;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * A real Rampart server on a random loopback port with a temporary data directory, and AWS SDK v2 clients for it.
 * Tests talk to it only through the wire protocol.
 */
public final class RampartServer implements AutoCloseable {
    public static final String ACCESS_KEY = "AKIATESTADMIN0000001";
    public static final String SECRET_KEY = "testSecretKey0000000000000000000000000001";

    private final Path dataDir;
    private final Rampart rampart;
    private final io.rampart.storage.MetadataLocation metadata;

    private RampartServer(Path dataDir, Rampart.Config config, Rampart rampart) {
        this.dataDir = dataDir;
        this.rampart = rampart;
        this.metadata = config.metadata();
    }

    private RampartServer(Path dataDir, Rampart.Config config) throws Exception {
        this(dataDir, config, Rampart.start(config));
    }

    private RampartServer(Path dataDir, Rampart.Config config, io.rampart.detect.DetectorSettings detection)
            throws Exception {
        this(dataDir, config, Rampart.start(config, detection));
    }

    /**
     * A read-only connection to the server's metadata database, whichever backend holds it: for tests that check what
     * the server stored and S3 does not show.
     */
    public java.sql.Connection openMetadata() throws java.sql.SQLException {
        if (metadata instanceof io.rampart.storage.MetadataLocation.Postgres pg) {
            java.sql.Connection c = java.sql.DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
            c.setReadOnly(true);
            return c;
        }
        return java.sql.DriverManager.getConnection("jdbc:sqlite:file:" + dataDir.resolve("rampart.db") + "?mode=ro");
    }

    public static RampartServer start() throws Exception {
        return start(c -> c);
    }

    /** Starts a server whose configuration the test adjusts (TLS, SSE-C settings...). */
    public static RampartServer start(java.util.function.UnaryOperator<Rampart.Config.Builder> adjust)
            throws Exception {
        Path dir = Files.createTempDirectory("rampart-it");
        // The detector's automatic responses would disable the admin key of tests that use SSE-C on purpose: they are
        // off here, and DetectorTest turns them on.
        return new RampartServer(dir, adjust.apply(defaults(dir)).build());
    }

    /**
     * The test server's settings before a test adjusts them: the test admin key, automatic responses off, and the
     * metadata on a fresh PostgreSQL database when the JVM runs the kit on PostgreSQL ({@link TestPostgres#selected}).
     */
    static Rampart.Config.Builder defaults(Path dir) {
        Rampart.Config.Builder b =
                Rampart.Config.builder(dir).rootKey(ACCESS_KEY, SECRET_KEY).autoRespond(false);
        return TestPostgres.selected() ? b.metadata(TestPostgres.freshDatabase()) : b;
    }

    /** Starts a server with the detector's rule pack and webhooks set too. */
    public static RampartServer start(
            java.util.function.UnaryOperator<Rampart.Config.Builder> adjust,
            io.rampart.detect.DetectorSettings detection)
            throws Exception {
        Path dir = Files.createTempDirectory("rampart-it");
        return new RampartServer(dir, adjust.apply(defaults(dir)).build(), detection);
    }

    public URI endpoint() {
        return URI.create(rampart.endpoint());
    }

    public int port() {
        return rampart.port();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The server itself, for what has no S3 API yet (e.g. registering an MFA device). */
    public Rampart rampart() {
        return rampart;
    }

    public String accountId() {
        return rampart.accountId();
    }

    /** An S3 client with the SDK's default settings, pointed at this server (path-style: there is no DNS for buckets). */
    public S3Client s3() {
        return s3(ACCESS_KEY, SECRET_KEY);
    }

    public S3Client s3(String accessKey, String secretKey) {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .forcePathStyle(true)
                .build();
    }

    /**
     * Trust managers that trust exactly the self-signed certificate this server generated into
     * {@code <dataDir>/tls} (started with {@code withTls(new Rampart.Tls(null, null, true))}).
     */
    public TrustManager[] selfSignedTrustManagers() {
        Path tls = dataDir.resolve("tls");
        try (var in = Files.newInputStream(tls.resolve("self-signed.p12"))) {
            char[] password =
                    Files.readString(tls.resolve("self-signed.pass")).trim().toCharArray();
            KeyStore served = KeyStore.getInstance("PKCS12");
            served.load(in, password);
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry(
                    "rampart", served.getCertificate(served.aliases().nextElement()));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            return tmf.getTrustManagers();
        } catch (java.io.IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the server's self-signed certificate from " + tls, e);
        }
    }

    /** An S3 client over HTTPS that trusts this server's self-signed certificate (and nothing else). */
    public S3Client s3TrustingSelfSigned() {
        return s3Trusting(selfSignedTrustManagers());
    }

    /** An S3 client over HTTPS that validates the server's certificate with the given trust managers. */
    public S3Client s3Trusting(TrustManager[] trust) {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .forcePathStyle(true)
                .httpClient(Apache5HttpClient.builder()
                        .tlsTrustManagersProvider(() -> trust)
                        .build())
                .build();
    }

    /**
     * A second identity: a new IAM user with a long-lived key and AWS's AmazonS3FullAccess policy attached (users have
     * no permissions until a policy grants them).
     */
    public io.rampart.iam.AccessKey userWithS3FullAccess(String userName) {
        io.rampart.iam.AccessKey key = rampart.iam().createUserWithKey(userName);
        iam().attachUserPolicy(b -> b.userName(userName).policyArn("arn:aws:iam::aws:policy/AmazonS3FullAccess"));
        return key;
    }

    /** An IAM client for this server, signed as the admin. */
    public IamClient iam() {
        return iam(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    public IamClient iam(AwsCredentials credentials) {
        return IamClient.builder()
                .endpointOverride(endpoint())
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .build();
    }

    public StsClient sts() {
        return sts(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    public StsClient sts(AwsCredentials credentials) {
        return StsClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .build();
    }

    /** An S3 client signing with any credentials (long-lived or temporary). */
    public S3Client s3(AwsCredentials credentials) {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .forcePathStyle(true)
                .build();
    }

    /** The trail of the node whose data directory is {@code dataDir}: its own segments and state. */
    public static io.rampart.audit.TrailLayout nodeTrail(Path dataDir) throws java.io.IOException {
        return io.rampart.audit.TrailLayout.ofDataDir(dataDir)
                .forNode(java.nio.file.Files.readString(dataDir.resolve(io.rampart.storage.NodeId.FILE))
                        .strip());
    }

    /**
     * Waits until the request's record is in the trail and the detector has processed every record the trail holds (its
     * processed-records counter has reached the trail's record count): after this, whatever the detector would do about
     * that request is done, so a test may assert that nothing was raised.
     */
    public void awaitDetectorProcessed(String requestId) {
        io.rampart.audit.TrailLayout layout = io.rampart.audit.TrailLayout.ofDataDir(dataDir);
        Await.until(
                "the record of request " + requestId + " in the trail",
                () -> io.rampart.audit.TrailQuery.all().run(layout).stream()
                        .anyMatch(r -> requestId.equals(r.path("requestID").asText())));
        rampart.detector().wake();
        // The count first, then the counter: a record appended in between only makes the wait longer.
        Await.until("the detector to process every record in the trail", () -> {
            long inTrail = io.rampart.audit.TrailQuery.all().run(layout).size();
            return rampart.detector().processed() >= inTrail;
        });
    }

    @Override
    public void close() {
        rampart.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // temporary directory; best effort
        }
    }
}

package io.rampart.it;

import io.rampart.detect.DetectorSettings;
import io.rampart.http.Rampart;
import io.rampart.recovery.RecoveryOptions;
import io.rampart.s3.S3Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Starts one {@link RampartServer} per test class and closes it, with the clients it handed out, after the class:
 *
 * <pre>{@code
 * @RegisterExtension static final RampartExtension RAMPART = RampartExtension.withDefaults().allowSseCOverHttp();
 * static S3Client s3;
 *
 * @BeforeAll static void start() {
 *     s3 = RAMPART.s3();
 * }
 * // or: @Test void something(S3Client s3, RampartServer server) { ... }
 * }</pre>
 *
 * The server starts on first use ({@link #server()}, a client, a parameter), so a class's {@code @BeforeAll} may
 * first start what the configuration names (a webhook receiver, a rule file); it stops after the class's
 * {@code @AfterAll} methods. Test and lifecycle methods may declare {@link RampartServer}, {@link S3Client} (the admin's),
 * {@link IamClient} (the admin's) or {@link RawS3} parameters (with one such extension per class). Each setting
 * below returns a new extension: the extension itself holds no server until the class starts.
 */
public final class RampartExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private final UnaryOperator<Rampart.Config.Builder> adjust;
    private final Callable<DetectorSettings> detection;
    private final String metricsToken;

    private boolean running;
    private RampartServer server;
    private S3Client s3;
    private IamClient iam;
    private RawS3 raw;
    private Path metricsTokenFile;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    private RampartExtension(
            UnaryOperator<Rampart.Config.Builder> adjust, Callable<DetectorSettings> detection, String metricsToken) {
        this.adjust = adjust;
        this.detection = detection;
        this.metricsToken = metricsToken;
    }

    /** The test server's defaults: the test admin key, automatic responses off (see {@link RampartServer#start}). */
    public static RampartExtension withDefaults() {
        return new RampartExtension(c -> c, null, null);
    }

    /** Defaults, then any other configuration the test needs. */
    public static RampartExtension with(UnaryOperator<Rampart.Config.Builder> adjust) {
        return withDefaults().config(adjust);
    }

    /** A further configuration change, applied after the ones before it. */
    public RampartExtension config(UnaryOperator<Rampart.Config.Builder> more) {
        return new RampartExtension(c -> more.apply(adjust.apply(c)), detection, metricsToken);
    }

    /**
     * SSE-C accepted over plain HTTP (the attacker's tool must be available for an attack to start); new buckets still
     * refuse SSE-C writes until their owner allows them, as on AWS.
     */
    public RampartExtension allowSseCOverHttp() {
        return config(c -> c.s3(new S3Settings(true, true)));
    }

    /** SSE-C accepted over plain HTTP and on new buckets (so that only policies block it). */
    public RampartExtension allowSseCOverHttpOnNewBuckets() {
        return config(c -> c.s3(new S3Settings(true, false)));
    }

    /** The detector's automatic responses on (deactivate the key, block SSE-C on the bucket...). */
    public RampartExtension autoRespond() {
        return config(c -> c.autoRespond(true));
    }

    /** A lifecycle "day" of {@code daySeconds} and a worker pass every {@code intervalSeconds}. */
    public RampartExtension lifecycle(long daySeconds, long intervalSeconds) {
        return config(c -> c.lifecycle(daySeconds, intervalSeconds));
    }

    /** The recovery window ({@link Duration#ZERO}: off, blobs are released the moment their last version goes). */
    public RampartExtension recoveryWindow(Duration window) {
        return config(c -> c.recovery(RecoveryOptions.defaults().withWindow(window)));
    }

    /** The metrics endpoint on a free port, guarded by this bearer token (see {@link #metricsPort()}). */
    public RampartExtension metrics(String token) {
        return new RampartExtension(adjust, detection, token);
    }

    /** HTTPS with a self-signed certificate generated into the data directory; {@link #s3()} trusts exactly it. */
    public RampartExtension selfSignedTls() {
        return config(c -> c.tls(new Rampart.Tls(null, null, true)));
    }

    /** The detector's rule pack and webhooks, read when the server starts. */
    public RampartExtension detection(Callable<DetectorSettings> settings) {
        return new RampartExtension(adjust, settings, metricsToken);
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        running = true; // the server itself starts on first use
    }

    private void start() throws Exception {
        UnaryOperator<Rampart.Config.Builder> config = adjust;
        if (metricsToken != null) {
            metricsTokenFile = Files.createTempFile("rampart-metrics", ".token");
            Files.writeString(metricsTokenFile, metricsToken + "\n");
            Path tokenFile = metricsTokenFile;
            config = c -> {
                Rampart.Config.Builder adjusted = adjust.apply(c);
                return adjusted.monitoring(adjusted.monitoring().withMetrics(0, tokenFile));
            };
        }
        server = detection == null ? RampartServer.start(config) : RampartServer.start(config, detection.call());
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) throws Exception {
        running = false;
        try {
            while (!opened.isEmpty()) opened.pop().close();
        } finally {
            s3 = null;
            iam = null;
            raw = null;
            if (server != null) server.close();
            server = null;
            if (metricsTokenFile != null) Files.deleteIfExists(metricsTokenFile);
        }
    }

    /** The server, started on the first call (from the class's {@code @BeforeAll} on). */
    public synchronized RampartServer server() {
        if (!running) throw new IllegalStateException("the Rampart server runs only while its test class does");
        if (server == null) {
            try {
                start();
            } catch (Exception e) {
                throw new IllegalStateException("the Rampart server did not start", e);
            }
        }
        return server;
    }

    /** The admin's S3 client (over HTTPS, trusting the server's self-signed certificate), made once per class. */
    public synchronized S3Client s3() {
        if (s3 == null)
            s3 = track("https".equals(server().endpoint().getScheme()) ? server.s3TrustingSelfSigned() : server.s3());
        return s3;
    }

    /** The admin's IAM client, made once per class and closed after it. */
    public synchronized IamClient iam() {
        if (iam == null) iam = track(server().iam());
        return iam;
    }

    /** Hand-made signed requests, for what the SDK will not send. */
    public synchronized RawS3 raw() {
        if (raw == null) raw = new RawS3(server());
        return raw;
    }

    /** The metrics endpoint's port (set up with {@link #metrics(String)}). */
    public int metricsPort() {
        return server().rampart()
                .metricsPort()
                .orElseThrow(() -> new IllegalStateException("metrics are off: use metrics(token)"));
    }

    private <T extends AutoCloseable> T track(T closeable) {
        opened.push(closeable);
        return closeable;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == RampartServer.class || type == S3Client.class || type == IamClient.class || type == RawS3.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == RampartServer.class) return server();
        if (type == S3Client.class) return s3();
        if (type == IamClient.class) return iam();
        return raw();
    }
}

package io.rampart.http;

import io.rampart.metrics.ServerMetrics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} in the Prometheus text format, on its own port. With a token file every scrape must send
 * {@code Authorization: Bearer <token>} (compared in constant time); without one the port listens on loopback only.
 */
final class MetricsEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);

    private final Server server;

    private MetricsEndpoint(Server server) {
        this.server = server;
    }

    static MetricsEndpoint start(ServerMetrics metrics, String address, int port, Path tokenFile) throws Exception {
        byte[] tokenHash = null;
        String bind = address;
        if (tokenFile != null) {
            String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            if (token.length() < 16)
                throw new IOException("the metrics token in " + tokenFile + " is shorter than 16 characters");
            tokenHash = sha256(token);
        } else {
            // Nothing to authenticate scrapers with: only this machine may scrape.
            bind = "127.0.0.1";
            if (!"127.0.0.1".equals(address) && !"localhost".equals(address) && !"::1".equals(address)) {
                log.warn("no --metrics-token-file: the metrics endpoint listens on 127.0.0.1 only, not on {}", address);
            }
        }
        QueuedThreadPool pool = new QueuedThreadPool(8, 1);
        pool.setName("rampart-metrics");
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        // Jetty's connection-level header cache matches fields case-insensitively and would hand back a previously seen
        // spelling: "Bearer secreT" after "Bearer secret" on the same connection would pass. Keep values verbatim.
        http.setHeaderCacheCaseSensitive(true);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(bind);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Scrape(metrics, tokenHash));
        server.start();
        return new MetricsEndpoint(server);
    }

    /** The address the endpoint listens on. */
    String host() {
        return ((ServerConnector) server.getConnectors()[0]).getHost();
    }

    int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("error stopping the metrics endpoint: {}", e.toString());
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Scrape extends Handler.Abstract {
        private final ServerMetrics metrics;
        private final byte[] tokenHash;

        Scrape(ServerMetrics metrics, byte[] tokenHash) {
            super(InvocationType.BLOCKING);
            this.metrics = metrics;
            this.tokenHash = tokenHash;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!authorized(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"rampart-metrics\"");
                return answer(response, callback, 401, "text/plain; charset=utf-8", "401 Unauthorized\n");
            }
            if (!"/metrics".equals(request.getHttpURI().getPath())) {
                return answer(response, callback, 404, "text/plain; charset=utf-8", "404 Not Found\n");
            }
            if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
                return answer(response, callback, 405, "text/plain; charset=utf-8", "405 Method Not Allowed\n");
            }
            return answer(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
        }

        private boolean authorized(String header) {
            if (tokenHash == null) return true;
            if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
            // Hashing first makes the comparison constant-time in the token's length as well as its content.
            return MessageDigest.isEqual(tokenHash, sha256(header.substring(7).strip()));
        }

        private static boolean answer(Response response, Callback callback, int status, String type, String body) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Integer.toString(bytes.length));
            response.write(true, ByteBuffer.wrap(bytes), callback);
            return true;
        }
    }
}

package io.rampart.http;

import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * HTTP/1.1 connections that accept ".." path segments as the literal key characters S3 treats them as. Jetty refuses
 * outright a request target whose dot segments climb above "/" (key "../../x" in bucket "b" is "/b/../../x"), even
 * percent-encoded. So before Jetty parses such a target it is shown a padded copy that cannot climb out
 * ("/_/_/b/../../x"), and the target as sent is kept on the connection for {@link #rawPath}. Rampart never maps paths
 * to files, so nothing is weakened.
 */
final class VerbatimPathConnectionFactory extends HttpConnectionFactory {

    VerbatimPathConnectionFactory(HttpConfiguration config) {
        super(config);
    }

    /** HTTP/1.1 handles one request at a time per connection, so one remembered target per connection suffices. */
    static final class VerbatimConnection extends HttpConnection {
        private volatile String sentTarget;

        VerbatimConnection(HttpConfiguration config, Connector connector, EndPoint endPoint) {
            super(config, connector, endPoint);
        }

        @Override
        protected HttpStreamOverHTTP1 newHttpStream(String method, String uri, HttpVersion version) {
            String shown = padded(uri);
            sentTarget = shown.equals(uri) ? null : uri;
            return super.newHttpStream(method, shown, version);
        }
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        VerbatimConnection connection = new VerbatimConnection(getHttpConfiguration(), connector, endPoint);
        return configure(connection, connector, endPoint);
    }

    /** The request path exactly as the client sent it, still percent-encoded. */
    static String rawPath(Request request) {
        if (request.getConnectionMetaData().getConnection() instanceof VerbatimConnection c) {
            String sent = c.sentTarget;
            if (sent != null) {
                int q = sent.indexOf('?');
                return q < 0 ? sent : sent.substring(0, q);
            }
        }
        return request.getHttpURI().getPath();
    }

    /** Prefixes one dummy segment per ".." segment of the path, so canonicalisation can never leave "/". */
    static String padded(String uri) {
        if (uri == null || !uri.startsWith("/") || !uri.contains("..")) return uri;
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        int climbs = 0;
        for (String segment : path.split("/", -1)) if (segment.equals("..")) climbs++;
        return climbs == 0 ? uri : "/_".repeat(climbs) + uri;
    }
}

package io.rampart.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the metadata lives: the embedded SQLite database in the data directory (the default), or a PostgreSQL
 * database shared by several nodes, named {@code postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?PARAMS]}. The password
 * never appears in its string form, so a location can be logged or put in an error message as it is.
 */
public sealed interface MetadataLocation {
    /** The embedded default: {@code rampart.db} in the data directory. */
    MetadataLocation SQLITE = new Sqlite();

    /** The embedded SQLite database in the data directory. */
    record Sqlite() implements MetadataLocation {
        @Override
        public String toString() {
            return "sqlite (in the data directory)";
        }
    }

    /** A PostgreSQL database; {@code password} null when the server authenticates otherwise (trust, peer, .pgpass). */
    record Postgres(String user, String password, String host, int port, String database, String params)
            implements MetadataLocation {
        public Postgres {
            if (user == null || user.isEmpty()) throw new IllegalArgumentException("the PostgreSQL URL names no user");
            if (host == null || host.isEmpty()) throw new IllegalArgumentException("the PostgreSQL URL names no host");
            if (database == null || database.isEmpty()) {
                throw new IllegalArgumentException(
                        "the PostgreSQL URL names no database (postgresql://USER@HOST:PORT/DB)");
            }
        }

        /** This location with the password from elsewhere (a file, the environment) unless the URL carried one. */
        public Postgres withPassword(String other) {
            return password != null || other == null ? this : new Postgres(user, other, host, port, database, params);
        }

        /** The JDBC URL, without user or password (they go to the driver as properties). */
        public String jdbcUrl() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database + (params.isEmpty() ? "" : "?" + params);
        }

        @Override
        public String toString() {
            return "postgresql://" + user + (password == null ? "" : ":***") + "@" + host + ":" + port + "/" + database
                    + (params.isEmpty() ? "" : "?" + params);
        }
    }

    /**
     * Parses a {@code --metadata} value: {@code sqlite} (or empty) for the default, else a {@code postgresql://} (or
     * {@code postgres://}) URL; user and password may be percent-encoded. The message of a refusal never holds the
     * password.
     */
    static MetadataLocation parse(String text) {
        if (text == null || text.isBlank() || text.equals("sqlite")) return SQLITE;
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--metadata: not a postgresql://USER[:PASSWORD]@HOST:PORT/DB URL");
        }
        String scheme = uri.getScheme();
        if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
            throw new IllegalArgumentException(
                    "--metadata: expected sqlite or postgresql://USER[:PASSWORD]@HOST:PORT/DB, got "
                            + (scheme == null ? "no scheme" : "scheme " + scheme));
        }
        String info = uri.getRawUserInfo();
        if (info == null) throw new IllegalArgumentException("--metadata: the PostgreSQL URL names no user");
        int colon = info.indexOf(':');
        String user = decode(colon < 0 ? info : info.substring(0, colon));
        String password = colon < 0 ? null : decode(info.substring(colon + 1));
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        return new Postgres(
                user,
                password,
                uri.getHost(),
                uri.getPort() < 0 ? 5432 : uri.getPort(),
                database,
                uri.getRawQuery() == null ? "" : uri.getRawQuery());
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}

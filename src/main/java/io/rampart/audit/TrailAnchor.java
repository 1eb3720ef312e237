package io.rampart.audit;

import io.rampart.crypto.MasterKey;
import io.rampart.storage.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the database pins about the trail, outside the trail directory: the digest signing keys (the private half
 * sealed under the master key, with each key's validity, as CloudTrail's ListPublicKeys gives it) and the newest digest
 * the server wrote (its object, end time and hash), so that a trail that went backwards or vanished is noticed. Each
 * node has its own keys and head, as it has its own digest chain; what a server recorded before node ids (node "") is
 * taken over by the first node to start, so that a single server's chain continues when it becomes a node.
 */
public final class TrailAnchor {
    static final String SEAL_CONTEXT = "rampart-trail-signing-key";

    /** A key's status: signing now, announced by the next digest (then signing), or retired (public half only). */
    public enum KeyStatus {
        CURRENT,
        NEXT,
        RETIRED
    }

    /** A public key and when it signed: {@code validTo} null while it still signs. */
    public record KeyRecord(
            String fingerprint,
            PublicKey publicKey,
            KeyStatus status,
            Instant validFrom,
            Instant validTo,
            String node) {}

    /**
     * The newest digest the server wrote: its object, end time, SHA-256 of its content, the server's digest interval,
     * and whether the server stopped cleanly after it (so no newer digest is due).
     */
    public record Head(String digestObject, Instant digestEnd, String hash, Duration digestEvery, boolean stopped) {}

    /** What a validator reads from the database (no secret): every node's keys, and each node's newest digest. */
    public record Recorded(List<KeyRecord> keys, java.util.Map<String, Head> heads) {
        /** A single writer's record, from before node ids. */
        public Recorded(List<KeyRecord> keys, Optional<Head> head) {
            this(keys, head.map(h -> java.util.Map.of("", h)).orElse(java.util.Map.of()));
        }
    }

    private final Database db;
    private final MasterKey masterKey;
    private final String node;

    /** The anchor of a single writer's trail (node ""), as before node ids. */
    public TrailAnchor(Database db, MasterKey masterKey) throws SQLException {
        this(db, masterKey, "");
    }

    /**
     * The anchor of {@code node}'s chain. A node with nothing recorded yet takes over what was recorded before node
     * ids: of several nodes starting at once on an upgraded database, one gets it, the others begin their own.
     */
    public TrailAnchor(Database db, MasterKey masterKey, String node) throws SQLException {
        this.db = db;
        this.masterKey = masterKey;
        this.node = node;
        if (!node.isEmpty()) {
            db.write(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT (SELECT COUNT(*) FROM trail_signing_keys WHERE node = ?) + (SELECT COUNT(*) FROM trail_heads"
                                + " WHERE node = ?)")) {
                    ps.setString(1, node);
                    ps.setString(2, node);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getLong(1) > 0) return null;
                    }
                }
                for (String table : List.of("trail_signing_keys", "trail_heads")) {
                    try (PreparedStatement ps =
                            c.prepareStatement("UPDATE " + table + " SET node = ? WHERE node = ''")) {
                        ps.setString(1, node);
                        ps.executeUpdate();
                    }
                }
                return null;
            });
        }
    }

    /** The key that signs now, unsealed; empty on a first start. */
    Optional<TrailKeys> current() {
        return key(KeyStatus.CURRENT);
    }

    /** The key the next digest announces, when a rotation is under way. */
    Optional<TrailKeys> next() {
        return key(KeyStatus.NEXT);
    }

    private Optional<TrailKeys> key(KeyStatus status) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT fingerprint, public_key, sealed_private FROM trail_signing_keys WHERE node = ? AND status = ?")) {
                ps.setString(1, node);
                ps.setString(2, status.name());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.<TrailKeys>empty();
                    String fp = rs.getString(1);
                    return Optional.of(
                            TrailKeys.of(masterKey.unseal(rs.getBytes(3), SEAL_CONTEXT + ":" + fp), rs.getBytes(2)));
                }
            }
        });
    }

    /** Stores a key pair, its private half sealed; CURRENT keys are valid from {@code from}. */
    void store(TrailKeys keys, KeyStatus status, Instant from) {
        byte[] sealed = masterKey.seal(keys.privateKeyEncoded(), SEAL_CONTEXT + ":" + keys.fingerprint());
        db.write(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO trail_signing_keys(fingerprint, public_key, sealed_private, "
                            + "status, valid_from, valid_to, node) VALUES(?,?,?,?,?,NULL,?)")) {
                ps.setString(1, keys.fingerprint());
                ps.setBytes(2, keys.publicKey().getEncoded());
                ps.setBytes(3, sealed);
                ps.setString(4, status.name());
                // Digest times have one-second resolution.
                ps.setLong(
                        5,
                        from.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toEpochMilli());
                ps.setString(6, node);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * The digest announcing the NEXT key was written: the current key retires at {@code at} (its private half is
     * dropped) and the next one signs from then on. Does nothing when no rotation is under way (a redo after a crash).
     */
    void completeRotation(Instant at) {
        db.write(c -> {
            try (PreparedStatement check =
                    c.prepareStatement("SELECT 1 FROM trail_signing_keys WHERE node = ? AND status = 'NEXT'")) {
                check.setString(1, node);
                try (ResultSet rs = check.executeQuery()) {
                    if (!rs.next()) return null;
                }
            }
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE trail_signing_keys SET status = 'RETIRED', sealed_private = NULL, "
                            + "valid_to = ? WHERE node = ? AND status = 'CURRENT'")) {
                ps.setLong(1, at.toEpochMilli());
                ps.setString(2, node);
                ps.executeUpdate();
            }
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE trail_signing_keys SET status = 'CURRENT', valid_from = ? "
                            + "WHERE node = ? AND status = 'NEXT'")) {
                ps.setLong(1, at.toEpochMilli());
                ps.setString(2, node);
                ps.executeUpdate();
            }
            return null;
        });
    }

    Optional<Head> head() {
        return db.read(c -> Optional.ofNullable(heads(c).get(node)));
    }

    /** Records the newest digest, written after its files are durable. */
    void recordHead(Head h) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO trail_heads(node, digest_object, digest_end, "
                    + "hash, digest_every, stopped) VALUES(?,?,?,?,?,?) ON CONFLICT(node) DO UPDATE SET"
                    + " digest_object = excluded.digest_object, digest_end = excluded.digest_end, hash = excluded.hash,"
                    + " digest_every = excluded.digest_every, stopped = excluded.stopped")) {
                ps.setString(1, node);
                ps.setString(2, h.digestObject());
                ps.setLong(3, h.digestEnd().toEpochMilli());
                ps.setString(4, h.hash());
                ps.setLong(5, h.digestEvery().toMillis());
                ps.setInt(6, h.stopped() ? 1 : 0);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** This node's keys, oldest first, public halves only. */
    List<KeyRecord> keys() {
        return db.read(TrailAnchor::keys).stream()
                .filter(k -> k.node().equals(node))
                .toList();
    }

    /** Whether any node recorded a key with this fingerprint. */
    boolean knows(String fingerprint) {
        return db.read(TrailAnchor::keys).stream().anyMatch(k -> k.fingerprint().equals(fingerprint));
    }

    /** Every node's keys and heads from an open database (SQLite or PostgreSQL). */
    public static Recorded read(Database db) {
        return db.read(c -> new Recorded(keys(c), heads(c)));
    }

    /**
     * Reads the keys and head from a data directory's database, read-only (the server may be running); empty when
     * the database does not exist or predates the anchor.
     */
    public static Recorded read(Path databaseFile) throws SQLException {
        if (!Files.exists(databaseFile)) return new Recorded(List.of(), Optional.empty());
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(10_000);
        try (Connection c =
                DriverManager.getConnection("jdbc:sqlite:" + databaseFile.toAbsolutePath(), config.toProperties())) {
            if (hasTable(c, "trail_signing_keys")) return new Recorded(keys(c), heads(c));
            if (!hasTable(c, "trail_keys")) return new Recorded(List.of(), Optional.empty());
            // Written before node ids and not opened since: read as a single writer's record.
            return new Recorded(legacyKeys(c), legacyHead(c));
        }
    }

    private static boolean hasTable(Connection c, String name) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static List<KeyRecord> keys(Connection c) throws SQLException {
        return keys(
                c,
                "SELECT fingerprint, public_key, status, valid_from, valid_to, node FROM trail_signing_keys"
                        + " ORDER BY valid_from, fingerprint");
    }

    private static List<KeyRecord> legacyKeys(Connection c) throws SQLException {
        return keys(
                c,
                "SELECT fingerprint, public_key, status, valid_from, valid_to, '' FROM trail_keys"
                        + " ORDER BY valid_from, fingerprint");
    }

    private static List<KeyRecord> keys(Connection c, String sql) throws SQLException {
        List<KeyRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long to = rs.getLong(5);
                boolean open = rs.wasNull();
                String keyNode = rs.getString(6);
                out.add(new KeyRecord(
                        rs.getString(1),
                        publicKey(rs.getBytes(2)),
                        KeyStatus.valueOf(rs.getString(3)),
                        Instant.ofEpochMilli(rs.getLong(4)),
                        open ? null : Instant.ofEpochMilli(to),
                        keyNode));
            }
        }
        return out;
    }

    private static java.util.Map<String, Head> heads(Connection c) throws SQLException {
        java.util.Map<String, Head> out = new java.util.TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                        "SELECT node, digest_object, digest_end, hash, digest_every, stopped FROM trail_heads");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(
                        rs.getString(1),
                        new Head(
                                rs.getString(2),
                                Instant.ofEpochMilli(rs.getLong(3)),
                                rs.getString(4),
                                Duration.ofMillis(rs.getLong(5)),
                                rs.getInt(6) != 0));
            }
        }
        return out;
    }

    /** The single head of a database from before node ids. */
    private static Optional<Head> legacyHead(Connection c) throws SQLException {
        if (!hasTable(c, "trail_head")) return Optional.empty();
        try (PreparedStatement ps = c.prepareStatement(
                        "SELECT digest_object, digest_end, hash, digest_every, stopped FROM trail_head WHERE id = 1");
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) return Optional.empty();
            return Optional.of(new Head(
                    rs.getString(1),
                    Instant.ofEpochMilli(rs.getLong(2)),
                    rs.getString(3),
                    Duration.ofMillis(rs.getLong(4)),
                    rs.getInt(5) != 0));
        }
    }

    static PublicKey publicKey(byte[] der) throws SQLException {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new SQLException("unreadable trail public key", e);
        }
    }
}

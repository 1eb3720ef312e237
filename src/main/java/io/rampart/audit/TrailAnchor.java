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
 * the server wrote (its object, end time and hash), so that a trail that went backwards or vanished is noticed.
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
            String fingerprint, PublicKey publicKey, KeyStatus status, Instant validFrom, Instant validTo) {}

    /**
     * The newest digest the server wrote: its object, end time, SHA-256 of its content, the server's digest interval,
     * and whether the server stopped cleanly after it (so no newer digest is due).
     */
    public record Head(String digestObject, Instant digestEnd, String hash, Duration digestEvery, boolean stopped) {}

    /** What a validator reads from the database (no secret). */
    public record Recorded(List<KeyRecord> keys, Optional<Head> head) {}

    private final Database db;
    private final MasterKey masterKey;

    public TrailAnchor(Database db, MasterKey masterKey) throws SQLException {
        this.db = db;
        this.masterKey = masterKey;
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
                    "SELECT fingerprint, public_key, sealed_private FROM trail_keys WHERE status = ?")) {
                ps.setString(1, status.name());
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
                    c.prepareStatement("INSERT INTO trail_keys(fingerprint, public_key, sealed_private, "
                            + "status, valid_from, valid_to) VALUES(?,?,?,?,?,NULL)")) {
                ps.setString(1, keys.fingerprint());
                ps.setBytes(2, keys.publicKey().getEncoded());
                ps.setBytes(3, sealed);
                ps.setString(4, status.name());
                // Digest times have one-second resolution.
                ps.setLong(
                        5,
                        from.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toEpochMilli());
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
            try (PreparedStatement check = c.prepareStatement("SELECT 1 FROM trail_keys WHERE status = 'NEXT'");
                    ResultSet rs = check.executeQuery()) {
                if (!rs.next()) return null;
            }
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE trail_keys SET status = 'RETIRED', sealed_private = NULL, "
                            + "valid_to = ? WHERE status = 'CURRENT'")) {
                ps.setLong(1, at.toEpochMilli());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE trail_keys SET status = 'CURRENT', valid_from = ? " + "WHERE status = 'NEXT'")) {
                ps.setLong(1, at.toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    Optional<Head> head() {
        return db.read(TrailAnchor::head);
    }

    /** Records the newest digest, written after its files are durable. */
    void recordHead(Head h) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO trail_head(id, digest_object, digest_end, "
                    + "hash, digest_every, stopped) VALUES(1,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"
                    + " digest_object = excluded.digest_object, digest_end = excluded.digest_end, hash = excluded.hash,"
                    + " digest_every = excluded.digest_every, stopped = excluded.stopped")) {
                ps.setString(1, h.digestObject());
                ps.setLong(2, h.digestEnd().toEpochMilli());
                ps.setString(3, h.hash());
                ps.setLong(4, h.digestEvery().toMillis());
                ps.setInt(5, h.stopped() ? 1 : 0);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Every key, oldest first, public halves only. */
    List<KeyRecord> keys() {
        return db.read(TrailAnchor::keys);
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
            if (!hasTable(c, "trail_keys")) return new Recorded(List.of(), Optional.empty());
            return new Recorded(keys(c), head(c));
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
        List<KeyRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                        "SELECT fingerprint, public_key, status, valid_from, valid_to FROM trail_keys ORDER BY valid_from, fingerprint");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long to = rs.getLong(5);
                boolean open = rs.wasNull();
                out.add(new KeyRecord(
                        rs.getString(1),
                        publicKey(rs.getBytes(2)),
                        KeyStatus.valueOf(rs.getString(3)),
                        Instant.ofEpochMilli(rs.getLong(4)),
                        open ? null : Instant.ofEpochMilli(to)));
            }
        }
        return out;
    }

    private static Optional<Head> head(Connection c) throws SQLException {
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

package io.rampart.iam;

import io.rampart.crypto.MasterKey;
import io.rampart.storage.Database;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Accounts, users and access keys. Secrets are stored sealed under the master key and unsealed only into an in-memory
 * cache used to verify signatures.
 */
public final class IamStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String SECRET_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private static final List<String> SCHEMA = List.of(
            "CREATE TABLE IF NOT EXISTS accounts(id TEXT PRIMARY KEY, created INTEGER NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS users(account TEXT NOT NULL, name TEXT NOT NULL, user_id TEXT NOT NULL UNIQUE,
              created INTEGER NOT NULL, PRIMARY KEY(account, name))
            """,
            "CREATE TABLE IF NOT EXISTS server_keys(name TEXT PRIMARY KEY, sealed BLOB NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS mfa_devices(serial TEXT PRIMARY KEY, account TEXT NOT NULL, user_name TEXT NOT NULL,
              secret BLOB NOT NULL, enabled INTEGER NOT NULL, created INTEGER NOT NULL)
            """,
            """
            CREATE TABLE IF NOT EXISTS access_keys(id TEXT PRIMARY KEY, account TEXT NOT NULL, user_name TEXT NOT NULL,
              secret BLOB NOT NULL, status TEXT NOT NULL, created INTEGER NOT NULL)
            """);

    /** The admin key; {@code created} when this start generated it (its secret is then printed once, never stored in clear). */
    public record Bootstrap(String accountId, String userName, String accessKeyId, String secretKey, boolean created) {
        @Override public String toString() {
            return "Bootstrap[" + accountId + ", " + userName + ", " + accessKeyId + "]";
        }
    }

    private final Database db;
    private final MasterKey masterKey;
    private final ConcurrentHashMap<String, Optional<AccessKey>> cache = new ConcurrentHashMap<>();

    public IamStore(Database db, MasterKey masterKey) throws SQLException {
        this.db = db;
        this.masterKey = masterKey;
        db.migrate(SCHEMA);
    }

    /**
     * Makes sure the account and its admin user exist. The admin's key is the given pair when both are set (added or
     * updated), else a new random key on first start only.
     */
    public Bootstrap bootstrap(String envAccessKey, String envSecretKey) {
        boolean useEnv = envAccessKey != null && !envAccessKey.isBlank() && envSecretKey != null && !envSecretKey.isBlank();
        Bootstrap b = db.write(c -> {
            String account;
            boolean fresh;
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM accounts ORDER BY created LIMIT 1");
                 ResultSet rs = ps.executeQuery()) {
                fresh = !rs.next();
                account = fresh ? null : rs.getString(1);
            }
            long now = System.currentTimeMillis();
            if (fresh) {
                account = randomDigits(12);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts(id, created) VALUES(?, ?)")) {
                    ps.setString(1, account);
                    ps.setLong(2, now);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO users(account, name, user_id, created) VALUES(?, 'admin', ?, ?)")) {
                    ps.setString(1, account);
                    ps.setString(2, "AIDA" + random(KEY_ALPHABET, 17));
                    ps.setLong(3, now);
                    ps.executeUpdate();
                }
            }
            if (!useEnv && !fresh) return new Bootstrap(account, "admin", null, null, false);
            String id = useEnv ? envAccessKey.trim() : "AKIA" + random(KEY_ALPHABET, 16);
            String secret = useEnv ? envSecretKey.trim() : random(SECRET_ALPHABET, 40);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO access_keys(id, account, user_name, secret, status, created) VALUES(?, ?, 'admin', ?, 'Active', ?) "
                            + "ON CONFLICT(id) DO UPDATE SET secret = excluded.secret, status = 'Active'")) {
                ps.setString(1, id);
                ps.setString(2, account);
                ps.setBytes(3, masterKey.seal(secret.getBytes(StandardCharsets.UTF_8), "access-key:" + id));
                ps.setLong(4, now);
                ps.executeUpdate();
            }
            return new Bootstrap(account, "admin", id, useEnv ? null : secret, !useEnv);
        });
        cache.clear();
        return b;
    }

    /**
     * Checks that the master key opens what this database sealed (a canary written on first start), so a wrong key
     * stops start-up with a clear message instead of failing every request.
     */
    public void verifyMasterKey() {
        byte[] canary = "rampart-master-key-canary".getBytes(StandardCharsets.UTF_8);
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT sealed FROM server_keys WHERE name = 'canary'");
                 ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    try {
                        masterKey.unseal(rs.getBytes(1), "canary");
                    } catch (IllegalArgumentException e) {
                        throw new IllegalStateException("the master key does not match this data directory: it cannot open "
                                + "what was sealed here. Start with the key this data was written with.");
                    }
                    return null;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO server_keys(name, sealed) VALUES('canary', ?)")) {
                ps.setBytes(1, masterKey.seal(canary, "canary"));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The active or inactive key with this id, secret unsealed; empty for unknown ids. */
    public Optional<AccessKey> findKey(String accessKeyId) {
        return cache.computeIfAbsent(accessKeyId, this::loadKey);
    }

    /**
     * Sets an access key's status ("Active" or "Inactive") and drops it from the cache, so the very next request signed
     * with it sees the new status (an inactive key is refused as InvalidAccessKeyId, as AWS does). Returns whether the
     * status changed: false when the key was already in that status or does not exist.
     */
    public boolean setKeyStatus(String accessKeyId, String status) {
        if (!"Active".equals(status) && !"Inactive".equals(status)) {
            throw new IllegalArgumentException("access key status must be Active or Inactive: " + status);
        }
        int changed = db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE access_keys SET status = ? WHERE id = ? AND status <> ?")) {
                ps.setString(1, status);
                ps.setString(2, accessKeyId);
                ps.setString(3, status);
                return ps.executeUpdate();
            }
        });
        // After the commit: a load racing with this removal either finished before it (and is dropped) or reads the new row.
        cache.remove(accessKeyId);
        return changed > 0;
    }

    private Optional<AccessKey> loadKey(String id) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT k.account, k.user_name, k.secret, k.status, u.user_id FROM access_keys k "
                            + "JOIN users u ON u.account = k.account AND u.name = k.user_name WHERE k.id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.<AccessKey>empty();
                    String account = rs.getString(1);
                    String user = rs.getString(2);
                    String secret = new String(masterKey.unseal(rs.getBytes(3), "access-key:" + id), StandardCharsets.UTF_8);
                    Principal p = new Principal("IAMUser", account, "arn:aws:iam::" + account + ":user/" + user,
                            rs.getString(5), user, id, Optional.empty());
                    return Optional.of(new AccessKey(id, secret, rs.getString(4), p));
                }
            }
        });
    }

    /**
     * Registers an enabled virtual MFA device for a user; its TOTP seed is stored sealed. The IAM API
     * (CreateVirtualMFADevice / EnableMFADevice) will be built on this.
     */
    public void addMfaDevice(String serial, String accountId, String userName, byte[] seed) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT OR REPLACE INTO mfa_devices(serial, account, user_name, secret, enabled, created) VALUES(?,?,?,?,1,?)")) {
                ps.setString(1, serial);
                ps.setString(2, accountId);
                ps.setString(3, userName);
                ps.setBytes(4, masterKey.seal(seed, "mfa:" + serial));
                ps.setLong(5, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Whether {@code code} is a valid current TOTP code of the enabled device {@code serial} belonging to the account.
     */
    public boolean verifyMfa(String serial, String accountId, String code, long epochSeconds) {
        Optional<byte[]> seed = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT secret FROM mfa_devices WHERE serial = ? AND account = ? AND enabled = 1")) {
                ps.setString(1, serial);
                ps.setString(2, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(masterKey.unseal(rs.getBytes(1), "mfa:" + serial)) : Optional.<byte[]>empty();
                }
            }
        });
        if (seed.isEmpty()) return false;
        try {
            return Totp.verify(seed.get(), code, epochSeconds);
        } finally {
            java.util.Arrays.fill(seed.get(), (byte) 0);
        }
    }

    /**
     * Creates user {@code userName} in the primary account with a new active long-lived access key and returns the key
     * with its secret (shown once, stored sealed). The IAM API (CreateUser, CreateAccessKey) will be built on this;
     * tests use it for a second identity.
     */
    public AccessKey createUserWithKey(String userName) {
        String account = primaryAccount().orElseThrow(() -> new IllegalStateException("no account: bootstrap first"));
        String id = "AKIA" + random(KEY_ALPHABET, 16);
        String secret = random(SECRET_ALPHABET, 40);
        db.write(c -> {
            long now = System.currentTimeMillis();
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO users(account, name, user_id, created) VALUES(?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, account);
                ps.setString(2, userName);
                ps.setString(3, "AIDA" + random(KEY_ALPHABET, 17));
                ps.setLong(4, now);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO access_keys(id, account, user_name, secret, status, created) VALUES(?, ?, ?, ?, 'Active', ?)")) {
                ps.setString(1, id);
                ps.setString(2, account);
                ps.setString(3, userName);
                ps.setBytes(4, masterKey.seal(secret.getBytes(StandardCharsets.UTF_8), "access-key:" + id));
                ps.setLong(5, now);
                ps.executeUpdate();
            }
            return null;
        });
        cache.remove(id);
        return findKey(id).orElseThrow();
    }

    /** The first account (single-account servers): the owner of buckets the admin creates. */
    public Optional<String> primaryAccount() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM accounts ORDER BY created LIMIT 1");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
        });
    }

    private static String random(String alphabet, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        return sb.toString();
    }

    private static String randomDigits(int n) {
        StringBuilder sb = new StringBuilder(n);
        sb.append((char) ('1' + RANDOM.nextInt(9)));
        for (int i = 1; i < n; i++) sb.append((char) ('0' + RANDOM.nextInt(10)));
        return sb.toString();
    }
}

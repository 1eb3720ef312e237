package io.rampart.iam;

import io.rampart.crypto.MasterKey;
import io.rampart.storage.Database;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Accounts, users and access keys. Secrets are stored sealed under the master key and unsealed only into an in-memory
 * cache used to verify signatures.
 */
public final class IamStore {
    private static final String KEY_ALPHABET = IamIds.KEY_ALPHABET;
    private static final String SECRET_ALPHABET = IamIds.SECRET_ALPHABET;

    /**
     * The admin key; {@code created} when this start generated it (its secret is then printed once, never stored in
     * clear). {@code added} when this start stored the key (generated, or new from the environment): a new root
     * credential, which start-up records in the trail. {@code warnings}: what start-up must say loudly (an environment
     * pair that was not applied, and why).
     */
    public record Bootstrap(
            String accountId,
            String userName,
            @Nullable String accessKeyId,
            @Nullable String secretKey,
            boolean created,
            boolean added,
            List<String> warnings) {
        public Bootstrap(
                String accountId,
                String userName,
                @Nullable String accessKeyId,
                @Nullable String secretKey,
                boolean created) {
            this(accountId, userName, accessKeyId, secretKey, created, created, List.of());
        }

        @Override
        public String toString() {
            return "Bootstrap[" + accountId + ", " + userName + ", " + accessKeyId + "]";
        }
    }

    private final Database db;
    private final MasterKey masterKey;
    private final ConcurrentHashMap<String, Optional<AccessKey>> cache = new ConcurrentHashMap<>();
    private final Directory directory;
    private final Sessions sessions;
    private final OidcProviders oidc;
    private final OrgAccounts orgAccounts;
    private final OrgPages orgPages;
    private final ConcurrentHashMap<String, KeyUse> lastUsed = new ConcurrentHashMap<>();

    public IamStore(Database db, MasterKey masterKey) throws SQLException {
        this.db = db;
        this.masterKey = masterKey;
        this.directory = new Directory(db);
        this.sessions = new Sessions(db, masterKey);
        this.oidc = new OidcProviders(db);
        this.orgAccounts = new OrgAccounts(db, directory);
        this.orgPages = new OrgPages(masterKey);
        // Tags and names feed the principals cached with keys: any IAM change drops the cache.
        directory.onChange(cache::clear);
        // Sessions that ended more than a day ago are of no use to anyone (the trail keeps their story).
        sessions.purgeExpired(Instant.now());
    }

    /** Users, groups, roles and policies. */
    public Directory directory() {
        return directory;
    }

    /** OpenID Connect identity providers (AssumeRoleWithWebIdentity). */
    public OidcProviders oidc() {
        return oidc;
    }

    /** The organisation's accounts (CreateAccount, CloseAccount...). */
    public OrgAccounts orgAccounts() {
        return orgAccounts;
    }

    /** Organizations' paging (its NextToken is sealed under the master key). */
    OrgPages orgPages() {
        return orgPages;
    }

    /** STS sessions (temporary credentials). */
    public Sessions sessions() {
        return sessions;
    }

    /**
     * Makes sure the account and its admin user exist. The admin's key is the given pair when both are set, else a new
     * random key on first start only. An environment pair only ever adds a key: a key id that already exists keeps its
     * status (a key the detector or an administrator deactivated stays Inactive across restarts) and its secret (a
     * different secret in the environment is ignored with a warning: minting the root's credential takes
     * {@code rampart admin create-admin-key}, which the trail records, not an edit of the server's environment).
     */
    public Bootstrap bootstrap(@Nullable String envAccessKey, @Nullable String envSecretKey) {
        boolean useEnv =
                envAccessKey != null && !envAccessKey.isBlank() && envSecretKey != null && !envSecretKey.isBlank();
        String envKey = envAccessKey == null ? "" : envAccessKey.trim();
        String envSecret = envSecretKey == null ? "" : envSecretKey.trim();
        Bootstrap b = db.write(c -> {
            String account;
            boolean fresh;
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM accounts ORDER BY created LIMIT 1");
                    ResultSet rs = ps.executeQuery()) {
                fresh = !rs.next();
                account = fresh ? randomDigits(12) : rs.getString(1);
            }
            long now = System.currentTimeMillis();
            if (fresh) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts(id, created) VALUES(?, ?)")) {
                    ps.setString(1, account);
                    ps.setLong(2, now);
                    ps.executeUpdate();
                }
                String adminId = IamIds.entityId("user");
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO users(account, name, user_id, created) VALUES(?, 'admin', ?, ?)")) {
                    ps.setString(1, account);
                    ps.setString(2, adminId);
                    ps.setLong(3, now);
                    ps.executeUpdate();
                }
                Sql.update(
                        c,
                        "INSERT INTO iam_entities(account, kind, name, id, path, created) "
                                + "VALUES(?, 'user', 'admin', ?, '/', ?) ON CONFLICT DO NOTHING",
                        account,
                        adminId,
                        now);
            }
            if (!useEnv && !fresh) return new Bootstrap(account, "admin", null, null, false);
            String id = useEnv ? envKey : "AKIA" + random(KEY_ALPHABET, 16);
            String secret = useEnv ? envSecret : random(SECRET_ALPHABET, 40);
            if (useEnv) {
                record Stored(String account, String user, byte[] secret) {}
                Optional<Stored> stored = Sql.one(
                        c,
                        "SELECT account, user_name, secret FROM access_keys WHERE id = ?",
                        rs -> new Stored(rs.getString(1), rs.getString(2), rs.getBytes(3)),
                        id);
                if (stored.isPresent()) {
                    List<String> warnings = new java.util.ArrayList<>();
                    if (!stored.get().account().equals(account)
                            || !stored.get().user().equals("admin")) {
                        warnings.add("RAMPART_ROOT_ACCESS_KEY " + id + " is a key of "
                                + stored.get().user() + " in account "
                                + stored.get().account() + ", not the admin's: the environment pair was ignored.");
                    } else {
                        byte[] had = masterKey.unseal(stored.get().secret(), "access-key:" + id);
                        byte[] given = secret.getBytes(StandardCharsets.UTF_8);
                        if (!java.security.MessageDigest.isEqual(had, given)) {
                            warnings.add(
                                    "RAMPART_ROOT_SECRET_KEY differs from the stored secret of admin key " + id
                                            + ": the environment cannot change an existing key's secret, the stored one stays. "
                                            + "For a new admin key pair run: rampart admin create-admin-key --data-dir <data-dir>");
                        }
                        java.util.Arrays.fill(had, (byte) 0);
                    }
                    return new Bootstrap(account, "admin", id, null, false, false, List.copyOf(warnings));
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO access_keys(id, account, user_name, secret, status, created) VALUES(?, ?, 'admin', ?, 'Active', ?)")) {
                ps.setString(1, id);
                ps.setString(2, account);
                ps.setBytes(3, masterKey.seal(secret.getBytes(StandardCharsets.UTF_8), "access-key:" + id));
                ps.setLong(4, now);
                ps.executeUpdate();
            }
            return new Bootstrap(account, "admin", id, useEnv ? null : secret, !useEnv, true, List.of());
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
                        throw new IllegalStateException(
                                "the master key does not match this data directory: it cannot open "
                                        + "what was sealed here. Start with the key this data was written with.");
                    }
                    return null;
                }
            }
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO server_keys(name, sealed) VALUES('canary', ?)")) {
                ps.setBytes(1, masterKey.seal(canary, "canary"));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The active or inactive key with this id, secret unsealed; empty for unknown ids. */
    public Optional<AccessKey> findKey(String accessKeyId) {
        Optional<AccessKey> k;
        if (accessKeyId.startsWith("ASIA")) {
            k = sessions.find(accessKeyId);
        } else {
            k = cache.get(accessKeyId);
            if (k == null) {
                // Bounded, as the sessions' cache: unknown ids (anyone can send them) are cached too.
                if (cache.size() > 10_000) cache.clear();
                k = cache.computeIfAbsent(accessKeyId, this::loadKey);
            }
        }
        // A closed account's keys and sessions sign nothing (InvalidAccessKeyId), as on AWS.
        if (k.isPresent() && orgAccounts.isClosed(k.get().principal().accountId())) return Optional.empty();
        return k;
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
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE access_keys SET status = ? WHERE id = ? AND status <> ?")) {
                ps.setString(1, status);
                ps.setString(2, accessKeyId);
                ps.setString(3, status);
                return ps.executeUpdate();
            }
        });
        // After the commit: a load racing with this removal either finished before it (and is dropped) or reads the new
        // row.
        cache.remove(accessKeyId);
        return changed > 0;
    }

    /**
     * Forgets every cached key, session and compiled policy, so the next request reads them from the database: the
     * owner changed them from another process ({@code rampart admin} on the data directory).
     */
    public void forgetCached() {
        cache.clear();
        sessions.forgetCached();
        directory.changed();
    }

    /**
     * The owner's break-glass key ({@code rampart admin create-admin-key}): a new active key for the account's admin,
     * secret returned once. Not bound by the two-keys-per-user quota: locked-out owners may hold two dead keys.
     */
    public AccessKey createAdminKey(String account) {
        String id = IamIds.longLivedKeyId();
        String secret = IamIds.secret();
        db.write(c -> {
            if (!Sql.exists(c, "SELECT 1 FROM users WHERE account = ? AND name = 'admin'", account)) {
                throw new IllegalStateException("account " + account + " has no admin user");
            }
            return Sql.update(
                    c,
                    "INSERT INTO access_keys(id, account, user_name, secret, status, created) "
                            + "VALUES(?,?,'admin',?,'Active',?)",
                    id,
                    account,
                    masterKey.seal(secret.getBytes(StandardCharsets.UTF_8), "access-key:" + id),
                    System.currentTimeMillis());
        });
        cache.remove(id);
        return findKey(id).orElseThrow();
    }

    private Optional<AccessKey> loadKey(String id) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT k.account, k.user_name, k.secret, k.status, u.user_id, e.tags, e.path FROM access_keys k "
                            + "JOIN users u ON u.account = k.account AND u.name = k.user_name "
                            + "LEFT JOIN iam_entities e ON e.account = k.account AND e.kind = 'user' AND e.name = k.user_name "
                            + "WHERE k.id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.<AccessKey>empty();
                    String account = rs.getString(1);
                    String user = rs.getString(2);
                    String secret =
                            new String(masterKey.unseal(rs.getBytes(3), "access-key:" + id), StandardCharsets.UTF_8);
                    String path = rs.getString(7) == null ? "/" : rs.getString(7);
                    Principal p = new Principal(
                            "IAMUser",
                            account,
                            "arn:aws:iam::" + account + ":user" + path + user,
                            rs.getString(5),
                            user,
                            id,
                            Optional.empty(),
                            false,
                            Directory.tags(rs.getString(6)));
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
                    "INSERT INTO mfa_devices(serial, account, user_name, secret, enabled, created) VALUES(?,?,?,?,1,?)"
                            + " ON CONFLICT(serial) DO UPDATE SET account = excluded.account, user_name = excluded.user_name,"
                            + " secret = excluded.secret, enabled = excluded.enabled, created = excluded.created")) {
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
                    return rs.next()
                            ? Optional.of(masterKey.unseal(rs.getBytes(1), "mfa:" + serial))
                            : Optional.<byte[]>empty();
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
        if (directory.find(account, "user", userName).isEmpty()) {
            directory.create(
                    "user", account, userName, "/", Optional.empty(), 3600, "", java.util.Map.of(), Optional.empty());
        }
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

    /**
     * Revokes every session a role (kind "role") or user (kind "user") holds, as AWS's "Revoke active sessions" does:
     * an inline policy {@code AWSRevokeOlderSessions} denying everything to tokens issued before now, plus the
     * sessions' immediate expiry (they answer ExpiredToken from the next request). Returns the sessions ended.
     */
    public int revokeSessions(String account, String kind, String name, Instant now) {
        directory.get(account, kind, name);
        String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[\"*\"],"
                + "\"Resource\":[\"*\"],\"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":\""
                + now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\"}}}]}";
        directory.putInline(account, kind, name, "AWSRevokeOlderSessions", policy);
        List<String> ids = sessions.active(account, kind, name, now).stream()
                .map(Sessions.Session::accessKeyId)
                .toList();
        return sessions.expire(ids, now);
    }

    /** Ends the sessions created with a long-lived key (what a stolen key spun off). Returns how many were active. */
    public int revokeSessionsCreatedWith(String accessKeyId, Instant now) {
        return sessions.expire(
                sessions.createdWith(accessKeyId, now).stream()
                        .map(Sessions.Session::accessKeyId)
                        .toList(),
                now);
    }

    /** A key as ListAccessKeys shows it (never the secret). */
    public record KeyInfo(String accessKeyId, String userName, String status, Instant created) {}

    /** When and where a key was last used (GetAccessKeyLastUsed, the credential report). */
    public record KeyUse(Instant used, String service, String region) {}

    /** CreateAccessKey: a new active key for the user (at most two per user, as AWS), secret returned once. */
    public AccessKey createAccessKey(String account, String userName) {
        directory.get(account, "user", userName);
        String id = IamIds.longLivedKeyId();
        String secret = IamIds.secret();
        db.write(c -> {
            int n = Sql.one(
                            c,
                            "SELECT COUNT(*) FROM access_keys WHERE account = ? AND user_name = ?",
                            rs -> rs.getInt(1),
                            account,
                            userName)
                    .orElse(0);
            if (n >= 2) throw IamException.limitExceeded("Cannot exceed quota for AccessKeysPerUser: 2");
            Sql.update(
                    c,
                    "INSERT INTO access_keys(id, account, user_name, secret, status, created) VALUES(?,?,?,?,'Active',?)",
                    id,
                    account,
                    userName,
                    masterKey.seal(secret.getBytes(StandardCharsets.UTF_8), "access-key:" + id),
                    System.currentTimeMillis());
            return null;
        });
        cache.remove(id);
        return findKey(id).orElseThrow();
    }

    public List<KeyInfo> listAccessKeys(String account, String userName) {
        directory.get(account, "user", userName);
        return db.read(c -> Sql.list(
                c,
                "SELECT id, user_name, status, created FROM access_keys WHERE account = ? AND user_name = ? "
                        + "ORDER BY created",
                rs -> new KeyInfo(
                        rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4))),
                account,
                userName));
    }

    /** Every long-lived key of the account (for the credential report). */
    public List<KeyInfo> allAccessKeys(String account) {
        return db.read(c -> Sql.list(
                c,
                "SELECT id, user_name, status, created FROM access_keys WHERE account = ? ORDER BY user_name, created",
                rs -> new KeyInfo(
                        rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4))),
                account));
    }

    /** The key's owner, when the key belongs to the account. */
    public Optional<KeyInfo> keyInfo(String account, String accessKeyId) {
        return db.read(c -> Sql.one(
                c,
                "SELECT id, user_name, status, created FROM access_keys WHERE account = ? AND id = ?",
                rs -> new KeyInfo(
                        rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4))),
                account,
                accessKeyId));
    }

    public void updateAccessKey(String account, String userName, String accessKeyId, String status) {
        if (!"Active".equals(status) && !"Inactive".equals(status)) {
            throw IamException.validation(
                    "1 validation error detected: Value '" + status + "' at 'status' failed to satisfy "
                            + "constraint: Member must satisfy enum value set: [Active, Inactive]");
        }
        KeyInfo k = keyInfo(account, accessKeyId)
                .filter(i -> i.userName().equalsIgnoreCase(userName))
                .orElseThrow(
                        () -> IamException.noSuchEntity("The Access Key with id " + accessKeyId + " cannot be found."));
        setKeyStatus(k.accessKeyId(), status);
    }

    public void deleteAccessKey(String account, String userName, String accessKeyId) {
        int n = db.write(c -> Sql.update(
                c,
                "DELETE FROM access_keys WHERE account = ? AND user_name = ? AND id = ?",
                account,
                userName,
                accessKeyId));
        cache.remove(accessKeyId);
        if (n == 0) throw IamException.noSuchEntity("The Access Key with id " + accessKeyId + " cannot be found.");
    }

    /**
     * Notes that a key signed a request. Kept in memory to the second (a key signing thousands of requests a second
     * changes its note once a second, not once a request) and written at most once a minute per key, off the
     * request's path, so the credential report sees recent use without a database write per request.
     */
    public void noteUse(String accessKeyId, String service, String region, Instant when) {
        if (accessKeyId == null || accessKeyId.isEmpty() || accessKeyId.startsWith("ASIA")) return;
        KeyUse noted = lastUsed.get(accessKeyId);
        if (noted != null
                && noted.service().equals(service)
                && noted.region().equals(region)
                && !noted.used().isAfter(when)
                && when.toEpochMilli() - noted.used().toEpochMilli() < 1_000) {
            return;
        }
        KeyUse now = new KeyUse(when, service, region);
        KeyUse before = lastUsed.put(accessKeyId, now);
        if (before == null
                || before.used().plusSeconds(60).isBefore(when)
                || !before.service().equals(service)) {
            Thread.ofVirtual().start(() -> {
                try {
                    db.write(c -> Sql.update(
                            c,
                            "INSERT INTO access_key_use(id, used, service, region) VALUES(?,?,?,?) "
                                    + "ON CONFLICT(id) DO UPDATE SET used = excluded.used, service = excluded.service, "
                                    + "region = excluded.region",
                            accessKeyId,
                            when.toEpochMilli(),
                            service,
                            region));
                } catch (RuntimeException e) {
                    // Last-used is advisory; the database being closed at shutdown is not worth an error.
                }
            });
        }
    }

    public Optional<KeyUse> lastUsed(String accessKeyId) {
        KeyUse mem = lastUsed.get(accessKeyId);
        if (mem != null) return Optional.of(mem);
        return db.read(c -> Sql.one(
                c,
                "SELECT used, service, region FROM access_key_use WHERE id = ?",
                rs -> new KeyUse(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3)),
                accessKeyId));
    }

    /** Every account on this server. */
    public List<String> accounts() {
        return db.read(c -> Sql.list(c, "SELECT id FROM accounts ORDER BY created", rs -> rs.getString(1)));
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
        return IamIds.random(alphabet, n);
    }

    private static String randomDigits(int n) {
        return IamIds.randomDigits(n);
    }

    /** An MFA device: assigned to a user once enabled. */
    public record MfaDevice(String serial, String userName, boolean enabled, Instant created) {}

    /** CreateVirtualMFADevice: stores the seed sealed, unassigned until EnableMFADevice. */
    public void createVirtualMfa(String serial, String account, byte[] seed) {
        db.write(c -> {
            if (Sql.exists(c, "SELECT 1 FROM mfa_devices WHERE serial = ?", serial)) {
                throw IamException.alreadyExists("MFADevice entity at the same path and name already exists.");
            }
            return Sql.update(
                    c,
                    "INSERT INTO mfa_devices(serial, account, user_name, secret, enabled, created) VALUES(?,?,'',?,0,?)",
                    serial,
                    account,
                    masterKey.seal(seed, "mfa:" + serial),
                    System.currentTimeMillis());
        });
    }

    /** EnableMFADevice: two consecutive codes prove the user holds the seed. */
    public void enableMfa(
            String account, String userName, String serial, String code1, String code2, long epochSeconds) {
        byte[] seed = db.read(c -> Sql.one(
                        c,
                        "SELECT secret FROM mfa_devices WHERE serial = ? AND account = ?",
                        rs -> rs.getBytes(1),
                        serial,
                        account))
                .map(b -> masterKey.unseal(b, "mfa:" + serial))
                .orElseThrow(() ->
                        IamException.noSuchEntity("VirtualMFADevice with serial number " + serial + " doesn't exist."));
        try {
            if (!Totp.verifyConsecutive(seed, code1, code2, epochSeconds)) {
                throw new IamException(
                        IamErrorCode.INVALID_AUTHENTICATION_CODE, "Authentication code for device is not valid.");
            }
        } finally {
            java.util.Arrays.fill(seed, (byte) 0);
        }
        db.write(c -> {
            if (Sql.exists(c, "SELECT 1 FROM mfa_devices WHERE serial = ? AND enabled = 1", serial)) {
                throw IamException.alreadyExists("MFA Device is already in use.");
            }
            return Sql.update(
                    c,
                    "UPDATE mfa_devices SET user_name = ?, enabled = 1, created = ? WHERE serial = ?",
                    userName,
                    System.currentTimeMillis(),
                    serial);
        });
    }

    public void deactivateMfa(String account, String userName, String serial) {
        int n = db.write(c -> Sql.update(
                c,
                "UPDATE mfa_devices SET enabled = 0, user_name = '' WHERE serial = ? AND account = ? "
                        + "AND user_name = ? AND enabled = 1",
                serial,
                account,
                userName));
        if (n == 0)
            throw IamException.noSuchEntity(
                    "MFA Device with serial number " + serial + " does not exist for user " + userName + ".");
    }

    public void deleteVirtualMfa(String account, String serial) {
        int n = db.write(c -> {
            if (Sql.exists(c, "SELECT 1 FROM mfa_devices WHERE serial = ? AND enabled = 1", serial)) {
                throw IamException.deleteConflict("MFA VirtualDevice in use. Must deactivate first.");
            }
            return Sql.update(c, "DELETE FROM mfa_devices WHERE serial = ? AND account = ?", serial, account);
        });
        if (n == 0)
            throw IamException.noSuchEntity("VirtualMFADevice with serial number " + serial + " doesn't exist.");
    }

    public List<MfaDevice> mfaDevices(String account) {
        return db.read(c -> Sql.list(
                c,
                "SELECT serial, user_name, enabled, created FROM mfa_devices WHERE account = ? ORDER BY serial",
                rs -> new MfaDevice(
                        rs.getString(1), rs.getString(2), rs.getInt(3) == 1, Instant.ofEpochMilli(rs.getLong(4))),
                account));
    }

    /** The enabled device of a user with this serial, when the code is valid now (GetSessionToken with MFA). */
    public boolean verifyUserMfa(String account, String userName, String serial, String code, long epochSeconds) {
        boolean owned = db.read(c -> Sql.exists(
                c,
                "SELECT 1 FROM mfa_devices WHERE serial = ? AND account = ? AND user_name = ? " + "AND enabled = 1",
                serial,
                account,
                userName));
        return owned && verifyMfa(serial, account, code, epochSeconds);
    }
}

package io.rampart.kms;

import io.rampart.storage.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The key service's tables: keys, their sealed material versions, aliases, grants, tags, and the buckets each key protects. */
final class KeyStore {
    /** An alias: its name (alias/...) and the key it points to. */
    record Alias(String accountId, String name, String keyId, long created, long updated) {}

    /** A grant: who may use the key for which operations, under which encryption-context constraints (JSON). */
    record Grant(
            String grantId,
            String keyId,
            String name,
            String grantee,
            String retiring,
            List<String> operations,
            String constraints,
            String issuer,
            long created) {}

    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final Database db;

    KeyStore(Database db) {
        this.db = db;
    }

    void insert(KmsKey k, String sealedMaterial) {
        db.write(c -> {
            update(
                    c,
                    "INSERT INTO kms_keys(key_id, account_id, description, state, key_manager, created, deletion_date, "
                            + "rotation_enabled, rotation_period_days, last_rotation, current_version, policy) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                    k.keyId(),
                    k.accountId(),
                    k.description(),
                    k.state(),
                    k.keyManager(),
                    k.created(),
                    k.deletionDate(),
                    k.rotationEnabled() ? 1 : 0,
                    k.rotationPeriodDays(),
                    k.lastRotation(),
                    k.currentVersion(),
                    k.policy());
            update(
                    c,
                    "INSERT INTO kms_key_material(key_id, version, sealed, created) VALUES(?,?,?,?)",
                    k.keyId(),
                    1,
                    sealedMaterial,
                    k.created());
            return null;
        });
    }

    Optional<KmsKey> key(String keyId) {
        return db.read(c -> one(c, "SELECT * FROM kms_keys WHERE key_id = ?", KeyStore::key, keyId));
    }

    List<KmsKey> keys(String accountId) {
        return db.read(
                c -> list(c, "SELECT * FROM kms_keys WHERE account_id = ? ORDER BY key_id", KeyStore::key, accountId));
    }

    /** Keys pending deletion whose date has come. */
    List<KmsKey> dueForDeletion(long now) {
        return db.read(c -> list(
                c,
                "SELECT * FROM kms_keys WHERE state = ? AND deletion_date <= ?",
                KeyStore::key,
                KmsKey.PENDING_DELETION,
                now));
    }

    /** Enabled keys with automatic rotation whose period has passed since their last rotation (or creation). */
    List<KmsKey> rotationCandidates() {
        return db.read(c -> list(
                c, "SELECT * FROM kms_keys WHERE state = ? AND rotation_enabled = 1", KeyStore::key, KmsKey.ENABLED));
    }

    void setState(String keyId, String state, @Nullable Long deletionDate) {
        db.write(c -> update(
                c, "UPDATE kms_keys SET state = ?, deletion_date = ? WHERE key_id = ?", state, deletionDate, keyId));
    }

    void setRotation(String keyId, boolean enabled, int periodDays) {
        db.write(c -> update(
                c,
                "UPDATE kms_keys SET rotation_enabled = ?, rotation_period_days = ? WHERE key_id = ?",
                enabled ? 1 : 0,
                periodDays,
                keyId));
    }

    void setPolicy(String keyId, String policy) {
        db.write(c -> update(c, "UPDATE kms_keys SET policy = ? WHERE key_id = ?", policy, keyId));
    }

    void setDescription(String keyId, String description) {
        db.write(c -> update(c, "UPDATE kms_keys SET description = ? WHERE key_id = ?", description, keyId));
    }

    /** Adds material version {@code version} and makes it current. */
    void rotate(String keyId, int version, String sealedMaterial, long now) {
        db.write(c -> {
            update(
                    c,
                    "INSERT INTO kms_key_material(key_id, version, sealed, created) VALUES(?,?,?,?)",
                    keyId,
                    version,
                    sealedMaterial,
                    now);
            update(
                    c,
                    "UPDATE kms_keys SET current_version = ?, last_rotation = ? WHERE key_id = ?",
                    version,
                    now,
                    keyId);
            return null;
        });
    }

    Optional<String> material(String keyId, int version) {
        return db.read(c -> one(
                c,
                "SELECT sealed FROM kms_key_material WHERE key_id = ? AND version = ?",
                rs -> rs.getString(1),
                keyId,
                version));
    }

    /** Rotation history: version to the time it was created. */
    Map<Integer, Long> materialVersions(String keyId) {
        return db.read(c -> {
            Map<Integer, Long> out = new LinkedHashMap<>();
            for (long[] r : list(
                    c,
                    "SELECT version, created FROM kms_key_material WHERE key_id = ? ORDER BY version",
                    rs -> new long[] {rs.getInt(1), rs.getLong(2)},
                    keyId)) {
                out.put((int) r[0], r[1]);
            }
            return out;
        });
    }

    /** Destroys a key for good: its material, aliases, grants and tags go with it. */
    void destroy(String keyId) {
        db.write(c -> {
            update(c, "DELETE FROM kms_key_material WHERE key_id = ?", keyId);
            update(c, "DELETE FROM kms_aliases WHERE key_id = ?", keyId);
            update(c, "DELETE FROM kms_grants WHERE key_id = ?", keyId);
            update(c, "DELETE FROM kms_tags WHERE key_id = ?", keyId);
            update(c, "DELETE FROM kms_key_buckets WHERE key_id = ?", keyId);
            update(c, "DELETE FROM kms_keys WHERE key_id = ?", keyId);
            return null;
        });
    }

    Optional<Alias> alias(String accountId, String name) {
        return db.read(c -> one(
                c,
                "SELECT * FROM kms_aliases WHERE account_id = ? AND alias_name = ?",
                KeyStore::alias,
                accountId,
                name));
    }

    List<Alias> aliases(String accountId) {
        return db.read(c -> list(
                c, "SELECT * FROM kms_aliases WHERE account_id = ? ORDER BY alias_name", KeyStore::alias, accountId));
    }

    /** False when the alias exists already. */
    boolean insertAlias(String accountId, String name, String keyId, long now) {
        return db.write(c -> {
            if (one(c, "SELECT 1 FROM kms_aliases WHERE account_id = ? AND alias_name = ?", rs -> 1, accountId, name)
                    .isPresent()) {
                return false;
            }
            update(
                    c,
                    "INSERT INTO kms_aliases(account_id, alias_name, key_id, created, updated) VALUES(?,?,?,?,?)",
                    accountId,
                    name,
                    keyId,
                    now,
                    now);
            return true;
        });
    }

    void updateAlias(String accountId, String name, String keyId, long now) {
        db.write(c -> update(
                c,
                "UPDATE kms_aliases SET key_id = ?, updated = ? WHERE account_id = ? AND alias_name = ?",
                keyId,
                now,
                accountId,
                name));
    }

    void deleteAlias(String accountId, String name) {
        db.write(c -> update(c, "DELETE FROM kms_aliases WHERE account_id = ? AND alias_name = ?", accountId, name));
    }

    void insertGrant(Grant g) {
        db.write(c -> update(
                c,
                "INSERT INTO kms_grants(grant_id, key_id, name, grantee, retiring, operations, constraints, "
                        + "issuer, created) VALUES(?,?,?,?,?,?,?,?,?)",
                g.grantId(),
                g.keyId(),
                g.name(),
                g.grantee(),
                g.retiring(),
                String.join(",", g.operations()),
                g.constraints(),
                g.issuer(),
                g.created()));
    }

    List<Grant> grants(String keyId) {
        return db.read(c -> list(
                c, "SELECT * FROM kms_grants WHERE key_id = ? ORDER BY created, grant_id", KeyStore::grant, keyId));
    }

    boolean deleteGrant(String keyId, String grantId) {
        return db.write(c -> update(c, "DELETE FROM kms_grants WHERE key_id = ? AND grant_id = ?", keyId, grantId)) > 0;
    }

    Map<String, String> tags(String keyId) {
        return db.read(c -> {
            Map<String, String> out = new LinkedHashMap<>();
            for (String[] t : list(
                    c,
                    "SELECT tag_key, tag_value FROM kms_tags WHERE key_id = ? ORDER BY tag_key",
                    rs -> new String[] {rs.getString(1), rs.getString(2)},
                    keyId)) {
                out.put(t[0], t[1]);
            }
            return out;
        });
    }

    void putTags(String keyId, Map<String, String> tags) {
        db.write(c -> {
            for (Map.Entry<String, String> t : tags.entrySet()) {
                update(c, "DELETE FROM kms_tags WHERE key_id = ? AND tag_key = ?", keyId, t.getKey());
                update(
                        c,
                        "INSERT INTO kms_tags(key_id, tag_key, tag_value) VALUES(?,?,?)",
                        keyId,
                        t.getKey(),
                        t.getValue());
            }
            return null;
        });
    }

    void removeTags(String keyId, List<String> keys) {
        db.write(c -> {
            for (String k : keys) update(c, "DELETE FROM kms_tags WHERE key_id = ? AND tag_key = ?", keyId, k);
            return null;
        });
    }

    /** Notes that {@code bucket} has objects under {@code keyId}; true the first time. */
    boolean noteBucket(String keyId, String bucket, long now) {
        return db.write(c -> {
            if (one(c, "SELECT 1 FROM kms_key_buckets WHERE key_id = ? AND bucket = ?", rs -> 1, keyId, bucket)
                    .isPresent()) {
                return false;
            }
            update(c, "INSERT INTO kms_key_buckets(key_id, bucket, first_used) VALUES(?,?,?)", keyId, bucket, now);
            return true;
        });
    }

    List<String> bucketsOf(String keyId) {
        return db.read(c -> list(
                c,
                "SELECT bucket FROM kms_key_buckets WHERE key_id = ? ORDER BY bucket",
                rs -> rs.getString(1),
                keyId));
    }

    private static KmsKey key(ResultSet rs) throws SQLException {
        long deletion = rs.getLong("deletion_date");
        Long deletionDate = rs.wasNull() ? null : deletion;
        long last = rs.getLong("last_rotation");
        Long lastRotation = rs.wasNull() ? null : last;
        return new KmsKey(
                rs.getString("key_id"),
                rs.getString("account_id"),
                rs.getString("description"),
                rs.getString("state"),
                rs.getString("key_manager"),
                rs.getLong("created"),
                deletionDate,
                rs.getInt("rotation_enabled") != 0,
                rs.getInt("rotation_period_days"),
                lastRotation,
                rs.getInt("current_version"),
                rs.getString("policy"));
    }

    private static Alias alias(ResultSet rs) throws SQLException {
        return new Alias(
                rs.getString("account_id"),
                rs.getString("alias_name"),
                rs.getString("key_id"),
                rs.getLong("created"),
                rs.getLong("updated"));
    }

    private static Grant grant(ResultSet rs) throws SQLException {
        String ops = rs.getString("operations");
        return new Grant(
                rs.getString("grant_id"),
                rs.getString("key_id"),
                rs.getString("name"),
                rs.getString("grantee"),
                rs.getString("retiring"),
                ops.isEmpty() ? List.of() : List.of(ops.split(",")),
                rs.getString("constraints"),
                rs.getString("issuer"),
                rs.getLong("created"));
    }

    private static int update(Connection c, String sql, @Nullable Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    private static <T> List<T> list(Connection c, String sql, Row<T> row, @Nullable Object... args)
            throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args);
                ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) out.add(row.map(rs));
            return out;
        }
    }

    private static <T> Optional<T> one(Connection c, String sql, Row<T> row, @Nullable Object... args)
            throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(row.map(rs)) : Optional.empty();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, @Nullable Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
        return ps;
    }
}

package io.rampart.iam;

import io.rampart.crypto.MasterKey;
import io.rampart.storage.Database;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * STS sessions: temporary credentials ({@code ASIA...} key, secret, session token) with their expiry, the identity they
 * act as and the session policies that narrow it. The secret and the token are stored sealed under the master key.
 */
public final class Sessions {

    /**
     * A session as created.
     *
     * @param kind  "role" for AssumeRole sessions, "user" for GetSessionToken sessions
     * @param owner the role's or user's name
     */
    public record Session(
            String accessKeyId,
            String account,
            String kind,
            String owner,
            String sessionName,
            String principalId,
            String arn,
            Instant issued,
            Instant expires,
            Optional<String> policy,
            List<String> policyArns,
            boolean mfa,
            Optional<String> sourceIdentity,
            Map<String, String> tags) {}

    /** What STS hands back once: the credentials. */
    public record Issued(Session session, String secretKey, String sessionToken) {
        @Override
        public String toString() {
            return "Issued[" + session.accessKeyId() + ", expires " + session.expires() + "]";
        }
    }

    private final Database db;
    private final MasterKey masterKey;
    private final ConcurrentHashMap<String, Optional<AccessKey>> cache = new ConcurrentHashMap<>();

    Sessions(Database db, MasterKey masterKey) throws SQLException {
        this.db = db;
        this.masterKey = masterKey;
    }

    /**
     * Creates a session; the caller has checked the trust policy, durations and policies. {@code sourceKey}: the access
     * key that asked for it, null when no access key did (web identity, Roles Anywhere).
     */
    public Issued create(
            String account,
            String kind,
            String owner,
            String sessionName,
            String principalId,
            String arn,
            Instant issued,
            Instant expires,
            Optional<String> policy,
            List<String> policyArns,
            boolean mfa,
            Optional<String> sourceIdentity,
            Map<String, String> tags,
            @Nullable String sourceKey) {
        String id = IamIds.temporaryKeyId();
        String secret = IamIds.secret();
        String token = Base64.getEncoder().encodeToString(IamIds.randomBytes(180));
        db.write(c -> Sql.update(
                c,
                "INSERT INTO sts_sessions(id, account, kind, owner, session_name, principal_id, arn, secret, "
                        + "token, issued, expires, policy, policy_arns, mfa, source_identity, tags, source_key) "
                        + "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                id,
                account,
                kind,
                owner,
                sessionName,
                principalId,
                arn,
                masterKey.seal(secret.getBytes(StandardCharsets.UTF_8), "session-secret:" + id),
                masterKey.seal(token.getBytes(StandardCharsets.UTF_8), "session-token:" + id),
                issued.toEpochMilli(),
                expires.toEpochMilli(),
                policy.orElse(null),
                jsonList(policyArns),
                mfa ? 1 : 0,
                sourceIdentity.orElse(null),
                Directory.json(tags),
                sourceKey));
        Session s = new Session(
                id,
                account,
                kind,
                owner,
                sessionName,
                principalId,
                arn,
                issued,
                expires,
                policy,
                policyArns,
                mfa,
                sourceIdentity,
                tags);
        return new Issued(s, secret, token);
    }

    /** The session's credentials as the signature verifier needs them (expired ones too: they answer ExpiredToken). */
    Optional<AccessKey> find(String accessKeyId) {
        // Bounded: a lookup after a clear reads one row again.
        if (cache.size() > 10_000) cache.clear();
        return cache.computeIfAbsent(accessKeyId, this::load);
    }

    /** Drops the cached credentials (changed by another process). */
    void forgetCached() {
        cache.clear();
    }

    public Optional<Session> session(String accessKeyId) {
        return db.read(c -> Sql.one(c, "SELECT * FROM sts_sessions WHERE id = ?", Sessions::session, accessKeyId));
    }

    /** Sessions that have not expired, of one role or user (kind "role" / "user"). */
    public List<Session> active(String account, String kind, String owner, Instant now) {
        return db.read(c -> Sql.list(
                c,
                "SELECT * FROM sts_sessions WHERE account = ? AND kind = ? AND owner = ? AND expires > ? "
                        + "ORDER BY issued",
                Sessions::session,
                account,
                kind,
                owner,
                now.toEpochMilli()));
    }

    /** Sessions created with a given long-lived key (what the detector revokes with the key). */
    public List<Session> createdWith(String sourceKey, Instant now) {
        return db.read(c -> Sql.list(
                c,
                "SELECT * FROM sts_sessions WHERE source_key = ? AND expires > ? ORDER BY issued",
                Sessions::session,
                sourceKey,
                now.toEpochMilli()));
    }

    /**
     * Ends sessions now: each one's credentials answer ExpiredToken from the next request on. Returns how many were
     * still active. Used to revoke a role's or user's sessions, or those a compromised key created.
     */
    public int expire(List<String> accessKeyIds, Instant now) {
        int n = 0;
        for (String id : accessKeyIds) {
            n += db.write(c -> Sql.update(
                    c,
                    "UPDATE sts_sessions SET expires = ? WHERE id = ? AND expires > ?",
                    now.toEpochMilli(),
                    id,
                    now.toEpochMilli()));
            cache.remove(id);
        }
        return n;
    }

    /** Drops expired sessions that ended more than a day ago (the trail keeps their story). */
    public int purgeExpired(Instant now) {
        long before = now.minusSeconds(86_400).toEpochMilli();
        int n = db.write(c -> Sql.update(c, "DELETE FROM sts_sessions WHERE expires < ?", before));
        cache.clear();
        return n;
    }

    private Optional<AccessKey> load(String id) {
        return db.read(c -> Sql.one(
                c,
                "SELECT * FROM sts_sessions WHERE id = ?",
                rs -> {
                    Session s = session(rs);
                    String secret = new String(
                            masterKey.unseal(rs.getBytes("secret"), "session-secret:" + id), StandardCharsets.UTF_8);
                    String token = new String(
                            masterKey.unseal(rs.getBytes("token"), "session-token:" + id), StandardCharsets.UTF_8);
                    boolean role = s.kind().equals("role");
                    Principal p = new Principal(
                            role ? "AssumedRole" : "IAMUser",
                            s.account(),
                            s.arn(),
                            s.principalId(),
                            role ? "" : s.owner(),
                            id,
                            Optional.of(s.issued().toEpochMilli()),
                            s.mfa(),
                            s.tags());
                    return new AccessKey(id, secret, "Active", p, token, Optional.of(s.expires()));
                },
                id));
    }

    private static Session session(ResultSet rs) throws SQLException {
        return new Session(
                rs.getString("id"),
                rs.getString("account"),
                rs.getString("kind"),
                rs.getString("owner"),
                rs.getString("session_name"),
                rs.getString("principal_id"),
                rs.getString("arn"),
                Instant.ofEpochMilli(rs.getLong("issued")),
                Instant.ofEpochMilli(rs.getLong("expires")),
                Optional.ofNullable(rs.getString("policy")),
                parseList(rs.getString("policy_arns")),
                rs.getInt("mfa") == 1,
                Optional.ofNullable(rs.getString("source_identity")),
                Directory.tags(rs.getString("tags")));
    }

    private static String jsonList(List<String> values) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(values);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> parseList(String json) {
        try {
            return List.of(new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, String[].class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored policy ARNs are not JSON", e);
        }
    }
}

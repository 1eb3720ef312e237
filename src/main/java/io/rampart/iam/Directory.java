package io.rampart.iam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.storage.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The IAM entities of every account: users, groups and roles, group membership, inline and managed policies (with
 * versions), attachments, permissions boundaries and tags. Every change bumps {@link #generation()}, so caches of
 * compiled identity policies know when to reload.
 */
public final class Directory {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[\\w+=,.@-]+");
    private static final Pattern PATH = Pattern.compile("/|/[\\u0021-\\u007E]*/");
    static final int MAX_POLICY_VERSIONS = 5;
    static final int MAX_MANAGED_ATTACHMENTS = 20;

    private final Database db;
    private final AtomicLong generation = new AtomicLong();
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Directory(Database db) throws SQLException {
        this.db = db;
    }

    /** Grows with every change; compiled-policy caches compare it. */
    public long generation() {
        return generation.get();
    }

    Database db() {
        return db;
    }

    void changed() {
        generation.incrementAndGet();
        for (Runnable r : listeners) r.run();
    }

    /** Runs {@code r} after every change (caches of principals and policies drop what they hold). */
    public void onChange(Runnable r) {
        listeners.add(r);
    }

    private <T> T write(Database.Work<T> work) {
        try {
            return db.write(work);
        } finally {
            changed();
        }
    }

    // ---- validation ----

    static String checkName(String what, String name, int max) {
        if (name.length() > max || !NAME.matcher(name).matches()) {
            throw IamException.validation("1 validation error detected: Value '" + name + "' at '" + what
                    + "' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+ and "
                    + "have length less than or equal to " + max);
        }
        return name;
    }

    static String checkPath(String path) {
        if (path.length() > 512 || !PATH.matcher(path).matches()) {
            throw IamException.validation("1 validation error detected: Value '" + path
                    + "' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                    + "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)");
        }
        return path;
    }

    // ---- users, groups, roles ----

    public Entity create(
            String kind,
            String account,
            String name,
            String path,
            Optional<String> trust,
            int maxSession,
            String description,
            Map<String, String> tags,
            Optional<String> boundary) {
        checkName(kind + "Name", name, kind.equals("group") ? 128 : 64);
        checkPath(path);
        String id = IamIds.entityId(kind);
        long now = System.currentTimeMillis();
        return write(c -> {
            if (Sql.exists(
                    c, "SELECT 1 FROM iam_entities WHERE account = ? AND kind = ? AND name = ?", account, kind, name)) {
                throw IamException.alreadyExists(capital(kind) + " with name " + name + " already exists.");
            }
            Sql.update(
                    c,
                    "INSERT INTO iam_entities(account, kind, name, id, path, created, boundary, trust, max_session, "
                            + "description, tags) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                    account,
                    kind,
                    name,
                    id,
                    path,
                    now,
                    boundary.orElse(null),
                    trust.orElse(null),
                    maxSession,
                    description,
                    json(tags));
            if (kind.equals("user")) {
                // Access keys and MFA devices still join on the users table.
                Sql.update(
                        c,
                        "INSERT INTO users(account, name, user_id, created) VALUES(?,?,?,?) ON CONFLICT DO NOTHING",
                        account,
                        name,
                        id,
                        now);
            }
            return entityIn(c, account, kind, name).orElseThrow();
        });
    }

    public Optional<Entity> find(String account, String kind, String name) {
        return db.read(c -> entityIn(c, account, kind, name));
    }

    public Entity get(String account, String kind, String name) {
        return find(account, kind, name).orElseThrow(() -> noSuch(kind, name));
    }

    static IamException noSuch(String kind, String name) {
        return IamException.noSuchEntity("The " + kind + " with name " + name + " cannot be found.");
    }

    public List<Entity> list(String account, String kind, String pathPrefix) {
        return db.read(c -> Sql.list(
                c,
                "SELECT * FROM iam_entities WHERE account = ? AND kind = ? AND path LIKE ? ESCAPE '\\' "
                        + "ORDER BY name",
                Directory::entity,
                account,
                kind,
                likePrefix(pathPrefix)));
    }

    /** Deletes a user, group or role that has nothing attached (AWS's DeleteConflict otherwise). */
    public void delete(String account, String kind, String name) {
        write(c -> {
            if (entityIn(c, account, kind, name).isEmpty()) throw noSuch(kind, name);
            if (Sql.exists(
                            c,
                            "SELECT 1 FROM iam_inline_policies WHERE account = ? AND kind = ? AND owner = ?",
                            account,
                            kind,
                            name)
                    || Sql.exists(
                            c,
                            "SELECT 1 FROM iam_attachments WHERE account = ? AND kind = ? AND owner = ?",
                            account,
                            kind,
                            name)) {
                throw IamException.deleteConflict("Cannot delete entity, must delete policies first.");
            }
            if (kind.equals("group")
                    && Sql.exists(
                            c, "SELECT 1 FROM iam_group_members WHERE account = ? AND group_name = ?", account, name)) {
                throw IamException.deleteConflict("Cannot delete entity, must remove users from group first.");
            }
            if (kind.equals("user")) {
                if (Sql.exists(c, "SELECT 1 FROM access_keys WHERE account = ? AND user_name = ?", account, name)) {
                    throw IamException.deleteConflict("Cannot delete entity, must delete access keys first.");
                }
                if (Sql.exists(
                        c,
                        "SELECT 1 FROM mfa_devices WHERE account = ? AND user_name = ? AND enabled = 1",
                        account,
                        name)) {
                    throw IamException.deleteConflict("Cannot delete entity, must delete MFA device first.");
                }
                if (Sql.exists(
                        c, "SELECT 1 FROM iam_group_members WHERE account = ? AND user_name = ?", account, name)) {
                    throw IamException.deleteConflict("Cannot delete entity, must remove user from all groups first.");
                }
                Sql.update(c, "DELETE FROM users WHERE account = ? AND name = ?", account, name);
            }
            Sql.update(c, "DELETE FROM iam_entities WHERE account = ? AND kind = ? AND name = ?", account, kind, name);
            return null;
        });
    }

    public void updateRole(
            String account,
            String name,
            Optional<String> description,
            Optional<Integer> maxSession,
            Optional<String> trust) {
        write(c -> {
            if (entityIn(c, account, "role", name).isEmpty()) throw noSuch("role", name);
            if (description.isPresent()) {
                Sql.update(
                        c,
                        "UPDATE iam_entities SET description = ? WHERE account = ? AND kind = 'role' AND name = ?",
                        description.get(),
                        account,
                        name);
            }
            if (maxSession.isPresent()) {
                Sql.update(
                        c,
                        "UPDATE iam_entities SET max_session = ? WHERE account = ? AND kind = 'role' AND name = ?",
                        maxSession.get(),
                        account,
                        name);
            }
            if (trust.isPresent()) {
                Sql.update(
                        c,
                        "UPDATE iam_entities SET trust = ? WHERE account = ? AND kind = 'role' AND name = ?",
                        trust.get(),
                        account,
                        name);
            }
            return null;
        });
    }

    public void setBoundary(String account, String kind, String name, Optional<String> policyArn) {
        write(c -> {
            if (Sql.update(
                            c,
                            "UPDATE iam_entities SET boundary = ? WHERE account = ? AND kind = ? AND name = ?",
                            policyArn.orElse(null),
                            account,
                            kind,
                            name)
                    == 0) {
                throw noSuch(kind, name);
            }
            return null;
        });
    }

    public void tag(String account, String kind, String name, Map<String, String> add, List<String> remove) {
        write(c -> {
            Entity e = entityIn(c, account, kind, name).orElseThrow(() -> noSuch(kind, name));
            Map<String, String> tags = new LinkedHashMap<>(e.tags());
            tags.putAll(add);
            remove.forEach(tags::remove);
            if (tags.size() > 50) throw IamException.limitExceeded("The number of tags has reached the maximum limit.");
            Sql.update(
                    c,
                    "UPDATE iam_entities SET tags = ? WHERE account = ? AND kind = ? AND name = ?",
                    json(tags),
                    account,
                    kind,
                    name);
            return null;
        });
    }

    // ---- groups ----

    public void addToGroup(String account, String group, String user) {
        write(c -> {
            if (entityIn(c, account, "group", group).isEmpty()) throw noSuch("group", group);
            if (entityIn(c, account, "user", user).isEmpty()) throw noSuch("user", user);
            Sql.update(
                    c,
                    "INSERT INTO iam_group_members(account, group_name, user_name) VALUES(?,?,?) ON CONFLICT DO NOTHING",
                    account,
                    group,
                    user);
            return null;
        });
    }

    public void removeFromGroup(String account, String group, String user) {
        write(c -> {
            if (entityIn(c, account, "group", group).isEmpty()) throw noSuch("group", group);
            if (Sql.update(
                            c,
                            "DELETE FROM iam_group_members WHERE account = ? AND group_name = ? AND user_name = ?",
                            account,
                            group,
                            user)
                    == 0) {
                throw noSuch("user", user);
            }
            return null;
        });
    }

    public List<Entity> groupsOf(String account, String user) {
        return db.read(c -> Sql.list(
                c,
                "SELECT e.* FROM iam_entities e JOIN iam_group_members m ON m.account = e.account "
                        + "AND m.group_name = e.name WHERE e.account = ? AND e.kind = 'group' AND m.user_name = ? ORDER BY e.name",
                Directory::entity,
                account,
                user));
    }

    public List<Entity> membersOf(String account, String group) {
        return db.read(c -> Sql.list(
                c,
                "SELECT e.* FROM iam_entities e JOIN iam_group_members m ON m.account = e.account "
                        + "AND m.user_name = e.name WHERE e.account = ? AND e.kind = 'user' AND m.group_name = ? ORDER BY e.name",
                Directory::entity,
                account,
                group));
    }

    // ---- inline policies ----

    public void putInline(String account, String kind, String owner, String policyName, String document) {
        checkName("policyName", policyName, 128);
        write(c -> {
            if (entityIn(c, account, kind, owner).isEmpty()) throw noSuch(kind, owner);
            Sql.update(
                    c,
                    "INSERT INTO iam_inline_policies(account, kind, owner, name, document) VALUES(?,?,?,?,?) "
                            + "ON CONFLICT(account, kind, owner, name) DO UPDATE SET document = excluded.document",
                    account,
                    kind,
                    owner,
                    policyName,
                    document);
            return null;
        });
    }

    public String getInline(String account, String kind, String owner, String policyName) {
        return db.read(c -> {
            if (entityIn(c, account, kind, owner).isEmpty()) throw noSuch(kind, owner);
            return Sql.one(
                            c,
                            "SELECT document FROM iam_inline_policies WHERE account = ? AND kind = ? AND owner = ? AND name = ?",
                            rs -> rs.getString(1),
                            account,
                            kind,
                            owner,
                            policyName)
                    .orElseThrow(() -> IamException.noSuchEntity(
                            "The " + kind + " policy with name " + policyName + " cannot be found."));
        });
    }

    public void deleteInline(String account, String kind, String owner, String policyName) {
        write(c -> {
            if (entityIn(c, account, kind, owner).isEmpty()) throw noSuch(kind, owner);
            if (Sql.update(
                            c,
                            "DELETE FROM iam_inline_policies WHERE account = ? AND kind = ? AND owner = ? AND name = ?",
                            account,
                            kind,
                            owner,
                            policyName)
                    == 0) {
                throw IamException.noSuchEntity(
                        "The " + kind + " policy with name " + policyName + " cannot be found.");
            }
            return null;
        });
    }

    /** Inline policies of one owner: name → document, by name. */
    public Map<String, String> inline(String account, String kind, String owner) {
        return db.read(c -> {
            Map<String, String> out = new LinkedHashMap<>();
            for (String[] row : Sql.list(
                    c,
                    "SELECT name, document FROM iam_inline_policies WHERE account = ? AND kind = ? "
                            + "AND owner = ? ORDER BY name",
                    rs -> new String[] {rs.getString(1), rs.getString(2)},
                    account,
                    kind,
                    owner)) {
                out.put(row[0], row[1]);
            }
            return out;
        });
    }

    // ---- managed policies ----

    public ManagedPolicy createPolicy(
            String account, String name, String path, String document, String description, Map<String, String> tags) {
        checkName("policyName", name, 128);
        checkPath(path);
        String id = IamIds.entityId("policy");
        long now = System.currentTimeMillis();
        return write(c -> {
            if (Sql.exists(c, "SELECT 1 FROM iam_policies WHERE account = ? AND name = ?", account, name)) {
                throw IamException.alreadyExists(
                        "A policy called " + name + " already exists. Duplicate names are not allowed.");
            }
            Sql.update(
                    c,
                    "INSERT INTO iam_policies(account, name, id, path, default_version, next_version, created, updated, "
                            + "description, tags) VALUES(?,?,?,?,'v1',2,?,?,?,?)",
                    account,
                    name,
                    id,
                    path,
                    now,
                    now,
                    description,
                    json(tags));
            Sql.update(
                    c,
                    "INSERT INTO iam_policy_versions(account, name, version, document, created) VALUES(?,?,'v1',?,?)",
                    account,
                    name,
                    document,
                    now);
            return policyIn(c, account, name).orElseThrow();
        });
    }

    /** The managed policy an ARN names (customer-managed in {@code account}, or AWS-managed). */
    public ManagedPolicy policy(String arn) {
        return findPolicy(arn)
                .orElseThrow(
                        () -> IamException.noSuchEntity("Policy " + arn + " does not exist or is not attachable."));
    }

    public Optional<ManagedPolicy> findPolicy(String arn) {
        Optional<ManagedPolicy> aws = AwsManagedPolicies.find(arn);
        if (aws.isPresent()) {
            return Optional.of(withAttachments(aws.get()));
        }
        ParsedArn p = ParsedArn.policy(arn).orElse(null);
        if (p == null) return Optional.empty();
        return db.read(
                c -> policyIn(c, p.account(), p.name()).filter(m -> m.path().equals(p.path())));
    }

    private ManagedPolicy withAttachments(ManagedPolicy m) {
        int n = db.read(c -> Sql.one(
                        c, "SELECT COUNT(*) FROM iam_attachments WHERE policy_arn = ?", rs -> rs.getInt(1), m.arn())
                .orElse(0));
        return new ManagedPolicy(
                m.account(),
                m.name(),
                m.id(),
                m.path(),
                m.defaultVersion(),
                n,
                m.created(),
                m.updated(),
                m.description(),
                m.tags());
    }

    public List<ManagedPolicy> listPolicies(String account, String scope, boolean onlyAttached, String pathPrefix) {
        List<ManagedPolicy> out = new ArrayList<>();
        if (!"Local".equals(scope)) {
            for (ManagedPolicy m : AwsManagedPolicies.all()) {
                ManagedPolicy w = withAttachments(m);
                if ((!onlyAttached || w.attachmentCount() > 0) && w.path().startsWith(pathPrefix)) out.add(w);
            }
        }
        if (!"AWS".equals(scope)) {
            out.addAll(db
                    .read(c -> Sql.list(
                            c,
                            "SELECT p.*, (SELECT COUNT(*) FROM iam_attachments a WHERE a.policy_arn = "
                                    + "'arn:aws:iam::' || p.account || ':policy' || p.path || p.name) AS attached FROM iam_policies p "
                                    + "WHERE p.account = ? AND p.path LIKE ? ESCAPE '\\' ORDER BY p.name",
                            Directory::policy,
                            account,
                            likePrefix(pathPrefix)))
                    .stream()
                    .filter(m -> !onlyAttached || m.attachmentCount() > 0)
                    .toList());
        }
        return out;
    }

    public void deletePolicy(String arn) {
        ManagedPolicy m = customerPolicy(arn);
        write(c -> {
            if (Sql.exists(c, "SELECT 1 FROM iam_attachments WHERE policy_arn = ?", arn)
                    || Sql.exists(c, "SELECT 1 FROM iam_entities WHERE boundary = ?", arn)) {
                throw IamException.deleteConflict("Cannot delete a policy attached to entities.");
            }
            if (Sql.one(
                                    c,
                                    "SELECT COUNT(*) FROM iam_policy_versions WHERE account = ? AND name = ?",
                                    rs -> rs.getInt(1),
                                    m.account(),
                                    m.name())
                            .orElse(0)
                    > 1) {
                throw IamException.deleteConflict(
                        "Cannot delete a policy with versions other than the default version.");
            }
            Sql.update(c, "DELETE FROM iam_policy_versions WHERE account = ? AND name = ?", m.account(), m.name());
            Sql.update(c, "DELETE FROM iam_policies WHERE account = ? AND name = ?", m.account(), m.name());
            return null;
        });
    }

    private ManagedPolicy customerPolicy(String arn) {
        ManagedPolicy m = policy(arn);
        if (m.awsManaged()) throw IamException.accessDenied("AWS managed policies cannot be changed.");
        return m;
    }

    public ManagedPolicy.Version createPolicyVersion(String arn, String document, boolean setAsDefault) {
        ManagedPolicy m = customerPolicy(arn);
        long now = System.currentTimeMillis();
        return write(c -> {
            int count = Sql.one(
                            c,
                            "SELECT COUNT(*) FROM iam_policy_versions WHERE account = ? AND name = ?",
                            rs -> rs.getInt(1),
                            m.account(),
                            m.name())
                    .orElse(0);
            if (count >= MAX_POLICY_VERSIONS) {
                throw IamException.limitExceeded("A managed policy can have up to " + MAX_POLICY_VERSIONS
                        + " versions. Before you create a new version, you must delete an existing version.");
            }
            int next = Sql.one(
                            c,
                            "SELECT next_version FROM iam_policies WHERE account = ? AND name = ?",
                            rs -> rs.getInt(1),
                            m.account(),
                            m.name())
                    .orElseThrow();
            String version = "v" + next;
            Sql.update(
                    c,
                    "INSERT INTO iam_policy_versions(account, name, version, document, created) VALUES(?,?,?,?,?)",
                    m.account(),
                    m.name(),
                    version,
                    document,
                    now);
            Sql.update(
                    c,
                    "UPDATE iam_policies SET next_version = ?, updated = ?"
                            + (setAsDefault ? ", default_version = ?" : "") + " WHERE account = ? AND name = ?",
                    setAsDefault
                            ? new Object[] {next + 1, now, version, m.account(), m.name()}
                            : new Object[] {next + 1, now, m.account(), m.name()});
            return new ManagedPolicy.Version(version, document, setAsDefault, Instant.ofEpochMilli(now));
        });
    }

    public List<ManagedPolicy.Version> versions(String arn) {
        ManagedPolicy m = policy(arn);
        if (m.awsManaged()) {
            String document = AwsManagedPolicies.DOCUMENTS.get(m.name());
            if (document == null) throw IamException.noSuchEntity("Policy " + arn + " does not exist.");
            return List.of(new ManagedPolicy.Version("v1", document, true, m.created()));
        }
        return db.read(c -> Sql.list(
                c,
                "SELECT version, document, created FROM iam_policy_versions WHERE account = ? AND name = ? "
                        + "ORDER BY created DESC, version DESC",
                rs -> new ManagedPolicy.Version(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(1).equals(m.defaultVersion()),
                        Instant.ofEpochMilli(rs.getLong(3))),
                m.account(),
                m.name()));
    }

    public ManagedPolicy.Version version(String arn, String versionId) {
        return versions(arn).stream()
                .filter(v -> v.versionId().equals(versionId))
                .findFirst()
                .orElseThrow(() -> IamException.noSuchEntity(
                        "Policy " + arn + " version " + versionId + " does not exist or is not attachable."));
    }

    public String defaultDocument(String arn) {
        ManagedPolicy m = policy(arn);
        return version(arn, m.defaultVersion()).document();
    }

    public void deletePolicyVersion(String arn, String versionId) {
        ManagedPolicy m = customerPolicy(arn);
        if (m.defaultVersion().equals(versionId)) {
            throw IamException.deleteConflict("Cannot delete the default version of a policy.");
        }
        write(c -> {
            if (Sql.update(
                            c,
                            "DELETE FROM iam_policy_versions WHERE account = ? AND name = ? AND version = ?",
                            m.account(),
                            m.name(),
                            versionId)
                    == 0) {
                throw IamException.noSuchEntity(
                        "Policy " + arn + " version " + versionId + " does not exist or is not attachable.");
            }
            return null;
        });
    }

    public void setDefaultVersion(String arn, String versionId) {
        ManagedPolicy m = customerPolicy(arn);
        version(arn, versionId);
        write(c -> Sql.update(
                c,
                "UPDATE iam_policies SET default_version = ?, updated = ? WHERE account = ? AND name = ?",
                versionId,
                System.currentTimeMillis(),
                m.account(),
                m.name()));
    }

    // ---- attachments ----

    public void attach(String account, String kind, String owner, String policyArn) {
        ManagedPolicy m = policy(policyArn);
        write(c -> {
            if (entityIn(c, account, kind, owner).isEmpty()) throw noSuch(kind, owner);
            int n = Sql.one(
                            c,
                            "SELECT COUNT(*) FROM iam_attachments WHERE account = ? AND kind = ? AND owner = ?",
                            rs -> rs.getInt(1),
                            account,
                            kind,
                            owner)
                    .orElse(0);
            if (n >= MAX_MANAGED_ATTACHMENTS) {
                throw IamException.limitExceeded(
                        "Cannot exceed quota for PoliciesPer" + capital(kind) + ": " + MAX_MANAGED_ATTACHMENTS);
            }
            Sql.update(
                    c,
                    "INSERT INTO iam_attachments(account, kind, owner, policy_arn) VALUES(?,?,?,?) ON CONFLICT DO NOTHING",
                    account,
                    kind,
                    owner,
                    m.arn());
            return null;
        });
    }

    public void detach(String account, String kind, String owner, String policyArn) {
        write(c -> {
            if (entityIn(c, account, kind, owner).isEmpty()) throw noSuch(kind, owner);
            if (Sql.update(
                            c,
                            "DELETE FROM iam_attachments WHERE account = ? AND kind = ? AND owner = ? AND policy_arn = ?",
                            account,
                            kind,
                            owner,
                            policyArn)
                    == 0) {
                throw IamException.noSuchEntity("Policy " + policyArn + " was not found.");
            }
            return null;
        });
    }

    /** Managed policies attached to one user, group or role: ARNs in attachment order. */
    public List<String> attached(String account, String kind, String owner) {
        return db.read(c -> Sql.list(
                c,
                "SELECT policy_arn FROM iam_attachments WHERE account = ? AND kind = ? AND owner = ? "
                        + "ORDER BY policy_arn",
                rs -> rs.getString(1),
                account,
                kind,
                owner));
    }

    /** Who a managed policy is attached to: (kind, name) pairs. */
    public List<String[]> attachedTo(String policyArn) {
        return db.read(c -> Sql.list(
                c,
                "SELECT kind, owner FROM iam_attachments WHERE policy_arn = ? ORDER BY kind, owner",
                rs -> new String[] {rs.getString(1), rs.getString(2)},
                policyArn));
    }

    // ---- rows ----

    private static Optional<Entity> entityIn(Connection c, String account, String kind, String name)
            throws SQLException {
        return Sql.one(
                c,
                "SELECT * FROM iam_entities WHERE account = ? AND kind = ? AND name = ?",
                Directory::entity,
                account,
                kind,
                name);
    }

    private static Optional<ManagedPolicy> policyIn(Connection c, String account, String name) throws SQLException {
        return Sql.one(
                c,
                "SELECT p.*, (SELECT COUNT(*) FROM iam_attachments a WHERE a.policy_arn = "
                        + "'arn:aws:iam::' || p.account || ':policy' || p.path || p.name) AS attached FROM iam_policies p "
                        + "WHERE p.account = ? AND p.name = ?",
                Directory::policy,
                account,
                name);
    }

    private static Entity entity(ResultSet rs) throws SQLException {
        return new Entity(
                rs.getString("kind"),
                rs.getString("account"),
                rs.getString("name"),
                rs.getString("id"),
                rs.getString("path"),
                Instant.ofEpochMilli(rs.getLong("created")),
                Optional.ofNullable(rs.getString("boundary")),
                Optional.ofNullable(rs.getString("trust")),
                rs.getInt("max_session"),
                rs.getString("description"),
                tags(rs.getString("tags")));
    }

    private static ManagedPolicy policy(ResultSet rs) throws SQLException {
        return new ManagedPolicy(
                rs.getString("account"),
                rs.getString("name"),
                rs.getString("id"),
                rs.getString("path"),
                rs.getString("default_version"),
                rs.getInt("attached"),
                Instant.ofEpochMilli(rs.getLong("created")),
                Instant.ofEpochMilli(rs.getLong("updated")),
                rs.getString("description"),
                tags(rs.getString("tags")));
    }

    private static String likePrefix(String prefix) {
        String p = prefix == null || prefix.isEmpty() ? "/" : prefix;
        return p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    static String capital(String kind) {
        return Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
    }

    static String json(Map<String, String> tags) {
        try {
            return JSON.writeValueAsString(tags);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> tags(String json) {
        if (json == null || json.isEmpty()) return Map.of();
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored tags are not JSON", e);
        }
    }

    /** arn:aws:iam::ACCOUNT:policy/PATH/NAME split into its parts. */
    record ParsedArn(String account, String path, String name) {
        static Optional<ParsedArn> policy(String arn) {
            String[] parts = arn.split(":", 6);
            if (parts.length != 6
                    || !parts[0].equals("arn")
                    || !parts[2].equals("iam")
                    || !parts[5].startsWith("policy/")) {
                return Optional.empty();
            }
            String rest = parts[5].substring("policy".length());
            int slash = rest.lastIndexOf('/');
            return Optional.of(new ParsedArn(parts[4], rest.substring(0, slash + 1), rest.substring(slash + 1)));
        }
    }
}

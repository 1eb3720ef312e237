package io.rampart.iam;

import io.rampart.storage.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The organisation the server's accounts belong to, reduced to what guardrails need: one root, a tree of organisational
 * units under it (at most five deep), where each account sits, service and resource control policies and where they
 * are attached. Policy types start disabled, as on AWS; enabling one attaches its full-access default policy
 * (FullAWSAccess / RCPFullAWSAccess) to the root, every OU and every account, and OUs created later get it too.
 */
public final class Organization {
    public static final String SCP = "SERVICE_CONTROL_POLICY";
    public static final String RCP = "RESOURCE_CONTROL_POLICY";
    static final String FULL_AWS_ACCESS = "p-FullAWSAccess";
    static final String RCP_FULL_AWS_ACCESS = "p-RCPFullAWSAccess";
    /** How many OUs deep the tree may go under the root (AWS's limit with SCPs). */
    public static final int MAX_OU_DEPTH = 5;
    /** OUs in one organisation (AWS's quota). */
    static final int MAX_UNITS = 1000;
    /** Policies of one type attached to one root, OU or account (AWS's quota for SCPs and RCPs). */
    static final int MAX_ATTACHED = 5;

    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String FULL_DOCUMENT =
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
    private static final String RCP_FULL_DOCUMENT = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

    /** The organisation's identity. */
    public record Info(String id, String rootId, String managementAccount, boolean scpEnabled, boolean rcpEnabled) {
        public String arn() {
            return "arn:aws:organizations::" + managementAccount + ":organization/" + id;
        }

        public String rootArn() {
            return "arn:aws:organizations::" + managementAccount + ":root/" + id + "/" + rootId;
        }

        public String unitArn(String unitId) {
            return "arn:aws:organizations::" + managementAccount + ":ou/" + id + "/" + unitId;
        }

        public String accountArn(String account) {
            return "arn:aws:organizations::" + managementAccount + ":account/" + id + "/" + account;
        }
    }

    /** An organisational unit: a container of accounts and OUs under the root or another OU. */
    public record Unit(String id, String parentId, String name) {}

    /** An organisation policy. */
    public record Policy(String id, String type, String name, String description, String content, boolean awsManaged) {}

    private final Database db;
    private final OrgTags tags;
    private final AtomicLong generation = new AtomicLong();
    private final ConcurrentHashMap<String, CachedPath> paths = new ConcurrentHashMap<>();

    /** An account's place in the tree and its aws:PrincipalOrgPaths value, as of one generation. */
    private record CachedPath(long generation, Optional<List<String>> path, Optional<String> orgPath) {}

    public Organization(Database db) throws SQLException {
        this.db = db;
        this.tags = new OrgTags(db);
    }

    /** Tags on the root, OUs, accounts and policies. */
    public OrgTags tags() {
        return tags;
    }

    public long generation() {
        return generation.get();
    }

    /** Drops what callers compiled from the organisation's policies (another node may have changed them). */
    public void changed() {
        generation.incrementAndGet();
    }

    public Optional<Info> info() {
        return db.read(c -> Sql.one(c, "SELECT * FROM org", Organization::info));
    }

    /** CreateOrganization: the server's primary account becomes the management account. */
    public Info create(String managementAccount) {
        Info created = db.write(c -> {
            if (Sql.exists(c, "SELECT 1 FROM org")) {
                throw new IamException(
                        IamErrorCode.ALREADY_IN_ORGANIZATION,
                        "The AWS account is already a member of an organization.");
            }
            String id = "o-" + IamIds.random("abcdefghijklmnopqrstuvwxyz0123456789", 10);
            String root = "r-" + IamIds.random("abcdefghijklmnopqrstuvwxyz0123456789", 4);
            Sql.update(
                    c,
                    "INSERT INTO org(id, root_id, management_account, created) VALUES(?,?,?,?)",
                    id,
                    root,
                    managementAccount,
                    System.currentTimeMillis());
            Sql.update(
                    c,
                    "INSERT INTO org_policies(id, type, name, description, content, aws_managed) "
                            + "VALUES(?,?,?,?,?,1) ON CONFLICT DO NOTHING",
                    FULL_AWS_ACCESS,
                    SCP,
                    "FullAWSAccess",
                    "Allows access to every operation",
                    FULL_DOCUMENT);
            Sql.update(
                    c,
                    "INSERT INTO org_policies(id, type, name, description, content, aws_managed) "
                            + "VALUES(?,?,?,?,?,1) ON CONFLICT DO NOTHING",
                    RCP_FULL_AWS_ACCESS,
                    RCP,
                    "RCPFullAWSAccess",
                    "Allows access to every operation",
                    RCP_FULL_DOCUMENT);
            return Sql.one(c, "SELECT * FROM org", Organization::info).orElseThrow();
        });
        generation.incrementAndGet();
        return created;
    }

    public Info require() {
        return info().orElseThrow(() -> new IamException(
                IamErrorCode.ORGANIZATIONS_NOT_IN_USE, "Your account is not a member of an organization."));
    }

    /** Enables or disables a policy type at the root; enabling attaches the type's full-access policy everywhere. */
    public Info setPolicyType(String type, boolean enabled, List<String> accounts) {
        Info info = require();
        boolean current = type.equals(SCP) ? info.scpEnabled() : info.rcpEnabled();
        if (current == enabled) {
            throw new IamException(
                    enabled ? IamErrorCode.POLICY_TYPE_ALREADY_ENABLED : IamErrorCode.POLICY_TYPE_NOT_ENABLED,
                    enabled
                            ? "The specified policy type is already enabled."
                            : "The specified policy type isn't currently enabled in this root.");
        }
        String column = type.equals(SCP) ? "scp_enabled" : "rcp_enabled";
        String full = type.equals(SCP) ? FULL_AWS_ACCESS : RCP_FULL_AWS_ACCESS;
        db.write(c -> {
            Sql.update(c, "UPDATE org SET " + column + " = ?", enabled ? 1 : 0);
            if (enabled) {
                Sql.update(
                        c,
                        "INSERT INTO org_attachments(policy_id, target) VALUES(?, ?) ON CONFLICT DO NOTHING",
                        full,
                        info.rootId());
                for (String a : accounts) {
                    Sql.update(
                            c,
                            "INSERT INTO org_attachments(policy_id, target) VALUES(?, ?) ON CONFLICT DO NOTHING",
                            full,
                            a);
                }
                Sql.update(
                        c,
                        "INSERT INTO org_attachments(policy_id, target) SELECT ?, id FROM org_units "
                                + "WHERE 1 = 1 ON CONFLICT DO NOTHING",
                        full);
            } else {
                Sql.update(
                        c,
                        "DELETE FROM org_attachments WHERE policy_id IN (SELECT id FROM org_policies WHERE type = ?)",
                        type);
            }
            return null;
        });
        generation.incrementAndGet();
        return require();
    }

    public Policy createPolicy(String type, String name, String description, String content) {
        return createPolicy(type, name, description, content, Map.of());
    }

    /** CreatePolicy with its tags, in one transaction. */
    public Policy createPolicy(
            String type, String name, String description, String content, Map<String, String> policyTags) {
        require();
        String id = "p-" + IamIds.random("abcdefghijklmnopqrstuvwxyz0123456789", 8);
        db.write(c -> {
            if (Sql.exists(c, "SELECT 1 FROM org_policies WHERE type = ? AND name = ?", type, name)) {
                throw new IamException(IamErrorCode.DUPLICATE_POLICY, "A policy with the same name already exists.");
            }
            Sql.update(
                    c,
                    "INSERT INTO org_policies(id, type, name, description, content) VALUES(?,?,?,?,?)",
                    id,
                    type,
                    name,
                    description,
                    content);
            OrgTags.insert(c, id, policyTags);
            return null;
        });
        generation.incrementAndGet();
        return policy(id);
    }

    public Policy policy(String id) {
        return findPolicy(id)
                .orElseThrow(() -> new IamException(
                        IamErrorCode.POLICY_NOT_FOUND, "We can't find a policy with the PolicyId that you specified."));
    }

    public Optional<Policy> findPolicy(String id) {
        return db.read(c -> Sql.one(c, "SELECT * FROM org_policies WHERE id = ?", Organization::policy, id));
    }

    public Policy updatePolicy(
            String id, Optional<String> name, Optional<String> description, Optional<String> content) {
        Policy p = policy(id);
        if (p.awsManaged()) {
            throw new IamException(IamErrorCode.POLICY_CHANGES_IN_PROGRESS, "AWS managed policies cannot be modified.");
        }
        db.write(c -> Sql.update(
                c,
                "UPDATE org_policies SET name = ?, description = ?, content = ? WHERE id = ?",
                name.orElse(p.name()),
                description.orElse(p.description()),
                content.orElse(p.content()),
                id));
        generation.incrementAndGet();
        return policy(id);
    }

    public void deletePolicy(String id) {
        Policy p = policy(id);
        if (p.awsManaged())
            throw new IamException(IamErrorCode.ORG_ACCESS_DENIED, "AWS managed policies cannot be deleted.");
        db.write(c -> {
            if (Sql.exists(c, "SELECT 1 FROM org_attachments WHERE policy_id = ?", id)) {
                throw new IamException(
                        IamErrorCode.POLICY_IN_USE,
                        "The policy is attached to one or more entities. "
                                + "You must detach it from all roots, OUs, and accounts before performing this operation.");
            }
            OrgTags.deleteAll(c, id);
            return Sql.update(c, "DELETE FROM org_policies WHERE id = ?", id);
        });
        generation.incrementAndGet();
    }

    public List<Policy> policies(String type) {
        return db.read(c -> Sql.list(
                c,
                "SELECT * FROM org_policies WHERE type = ? ORDER BY aws_managed DESC, name",
                Organization::policy,
                type));
    }

    public void attach(String policyId, String target) {
        Info info = require();
        Policy p = policy(policyId);
        checkEnabled(info, p.type());
        int n = db.write(c -> {
            if (Sql.exists(c, "SELECT 1 FROM org_attachments WHERE policy_id = ? AND target = ?", policyId, target))
                return 0;
            if (attachedCount(c, target, p.type()) >= MAX_ATTACHED) {
                throw new IamException(
                        IamErrorCode.CONSTRAINT_VIOLATION,
                        "You attempted to exceed the number of policies of a certain type that can be attached to an "
                                + "entity at one time.",
                        Optional.of("MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"));
            }
            return Sql.update(c, "INSERT INTO org_attachments(policy_id, target) VALUES(?,?)", policyId, target);
        });
        if (n == 0) {
            throw new IamException(
                    IamErrorCode.DUPLICATE_POLICY_ATTACHMENT,
                    "The selected policy is already attached to the specified target.");
        }
        generation.incrementAndGet();
    }

    public void detach(String policyId, String target) {
        Policy p = policy(policyId);
        if (p.id().equals(RCP_FULL_AWS_ACCESS)) {
            throw new IamException(
                    IamErrorCode.CONSTRAINT_VIOLATION,
                    "You cannot detach the RCPFullAWSAccess policy: it is attached to every root, OU and account.");
        }
        int n = db.write(c -> {
            if (p.type().equals(SCP)
                    && Sql.exists(
                            c, "SELECT 1 FROM org_attachments WHERE policy_id = ? AND target = ?", policyId, target)
                    && attachedCount(c, target, SCP) <= 1) {
                throw new IamException(
                        IamErrorCode.CONSTRAINT_VIOLATION,
                        "You attempted to detach a policy from an entity that would cause the entity to have fewer "
                                + "than the minimum number of policies of a certain type required.",
                        Optional.of("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"));
            }
            return Sql.update(c, "DELETE FROM org_attachments WHERE policy_id = ? AND target = ?", policyId, target);
        });
        if (n == 0)
            throw new IamException(
                    IamErrorCode.POLICY_NOT_ATTACHED, "The policy isn't attached to the specified target.");
        generation.incrementAndGet();
    }

    public List<Policy> policiesFor(String target, String type) {
        return db.read(c -> Sql.list(
                c,
                "SELECT p.* FROM org_policies p JOIN org_attachments a ON a.policy_id = p.id "
                        + "WHERE a.target = ? AND p.type = ? ORDER BY p.aws_managed DESC, p.name",
                Organization::policy,
                target,
                type));
    }

    public List<String> targetsOf(String policyId) {
        return db.read(c -> Sql.list(
                c,
                "SELECT target FROM org_attachments WHERE policy_id = ? ORDER BY target",
                rs -> rs.getString(1),
                policyId));
    }

    /**
     * The guardrail policies of one type that apply to an account, level by level from the root down through each OU
     * to the account itself ("Inheritance for SCPs", Organizations User Guide): at each level one must allow. Empty
     * when the type is not enabled, the account is not in the organisation, or it is the management account: SCPs and
     * RCPs never restrict the management account's principals or resources, as on AWS.
     */
    public List<List<Policy>> levels(String type, String account) {
        Optional<Info> info = info();
        if (info.isEmpty()
                || !(type.equals(SCP) ? info.get().scpEnabled() : info.get().rcpEnabled())
                || account.equals(info.get().managementAccount())) return List.of();
        Optional<List<String>> path = path(account);
        if (path.isEmpty()) return List.of();
        List<List<Policy>> out = new ArrayList<>(path.get().size() + 1);
        for (String node : path.get()) out.add(policiesFor(node, type));
        out.add(policiesFor(account, type));
        return out;
    }

    /**
     * The containers above an account, from the root down to its parent OU; empty when there is no organisation or
     * the account has no IAM on this server. Cached until the organisation changes.
     */
    public Optional<List<String>> path(String account) {
        return placed(account).path();
    }

    /**
     * The aws:PrincipalOrgPaths value of an account: {@code o-id/r-id/ou-id/.../}; empty outside the organisation.
     * Every signed request asks: cached until the organisation changes.
     */
    public Optional<String> orgPath(String account) {
        return placed(account).orgPath();
    }

    private CachedPath placed(String account) {
        long gen = generation.get();
        CachedPath cached = paths.get(account);
        if (cached != null && cached.generation() == gen) return cached;
        CachedPath placed = db.read(c -> {
            Optional<Info> info = Sql.one(c, "SELECT * FROM org", Organization::info);
            if (info.isEmpty() || !Sql.exists(c, "SELECT 1 FROM accounts WHERE id = ?", account))
                return new CachedPath(gen, Optional.empty(), Optional.empty());
            List<String> up = new ArrayList<>();
            String node = accountParent(c, info.get(), account);
            while (!node.equals(info.get().rootId()) && up.size() <= MAX_OU_DEPTH) {
                up.add(node);
                node = unitParent(c, node).orElse(info.get().rootId());
            }
            up.add(info.get().rootId());
            List<String> path = List.copyOf(up.reversed());
            StringBuilder b = new StringBuilder(info.get().id()).append('/');
            for (String n : path) b.append(n).append('/');
            return new CachedPath(gen, Optional.of(path), Optional.of(b.toString()));
        });
        if (paths.size() > 10_000) paths.clear();
        paths.put(account, placed);
        return placed;
    }

    // ---- Organisational units ----

    /** CreateOrganizationalUnit: a new OU under the root or an OU, with the enabled types' full-access policies. */
    public Unit createUnit(String parentId, String name) {
        return createUnit(parentId, name, Map.of());
    }

    /** CreateOrganizationalUnit with its tags, in one transaction. */
    public Unit createUnit(String parentId, String name, Map<String, String> unitTags) {
        Info info = require();
        String id = "ou-" + info.rootId().substring(2) + "-" + IamIds.random(ID_CHARS, 8);
        db.write(c -> {
            int depth = depth(c, info, parentId, IamErrorCode.PARENT_NOT_FOUND);
            if (depth >= MAX_OU_DEPTH) {
                throw new IamException(
                        IamErrorCode.CONSTRAINT_VIOLATION,
                        "You attempted to create an OU tree that is too many levels deep.",
                        Optional.of("OU_DEPTH_LIMIT_EXCEEDED"));
            }
            if (Sql.one(c, "SELECT COUNT(*) FROM org_units", rs -> rs.getInt(1)).orElse(0) >= MAX_UNITS) {
                throw new IamException(
                        IamErrorCode.CONSTRAINT_VIOLATION,
                        "You attempted to exceed the number of OUs that you can have in an organization.",
                        Optional.of("OU_NUMBER_LIMIT_EXCEEDED"));
            }
            checkUniqueName(c, parentId, name);
            Sql.update(
                    c,
                    "INSERT INTO org_units(id, parent_id, name, created) VALUES(?,?,?,?)",
                    id,
                    parentId,
                    name,
                    System.currentTimeMillis());
            if (info.scpEnabled())
                Sql.update(c, "INSERT INTO org_attachments(policy_id, target) VALUES(?,?)", FULL_AWS_ACCESS, id);
            if (info.rcpEnabled())
                Sql.update(c, "INSERT INTO org_attachments(policy_id, target) VALUES(?,?)", RCP_FULL_AWS_ACCESS, id);
            OrgTags.insert(c, id, unitTags);
            return null;
        });
        generation.incrementAndGet();
        return unit(id);
    }

    /** DescribeOrganizationalUnit. */
    public Unit unit(String id) {
        require();
        return db.read(c -> Sql.one(c, "SELECT * FROM org_units WHERE id = ?", Organization::unit, id))
                .orElseThrow(() -> new IamException(
                        IamErrorCode.ORGANIZATIONAL_UNIT_NOT_FOUND,
                        IamErrorCode.ORGANIZATIONAL_UNIT_NOT_FOUND.defaultMessage()));
    }

    /** UpdateOrganizationalUnit: a new name, unique among its siblings. */
    public Unit renameUnit(String id, String name) {
        Unit u = unit(id);
        if (u.name().equals(name)) return u;
        db.write(c -> {
            checkUniqueName(c, u.parentId(), name);
            return Sql.update(c, "UPDATE org_units SET name = ? WHERE id = ?", name, id);
        });
        generation.incrementAndGet();
        return unit(id);
    }

    /** DeleteOrganizationalUnit: only an empty OU (no accounts, no OUs); its policy attachments go with it. */
    public void deleteUnit(String id) {
        unit(id);
        db.write(c -> {
            if (Sql.exists(c, "SELECT 1 FROM org_units WHERE parent_id = ?", id)
                    || Sql.exists(c, "SELECT 1 FROM org_accounts WHERE parent_id = ?", id)) {
                throw new IamException(
                        IamErrorCode.ORGANIZATIONAL_UNIT_NOT_EMPTY,
                        IamErrorCode.ORGANIZATIONAL_UNIT_NOT_EMPTY.defaultMessage());
            }
            Sql.update(c, "DELETE FROM org_attachments WHERE target = ?", id);
            OrgTags.deleteAll(c, id);
            return Sql.update(c, "DELETE FROM org_units WHERE id = ?", id);
        });
        generation.incrementAndGet();
    }

    /** The OUs directly under a root or OU (ParentNotFoundException when there is no such container). */
    public List<Unit> unitsUnder(String parentId) {
        Info info = require();
        return db.read(c -> {
            depth(c, info, parentId, IamErrorCode.PARENT_NOT_FOUND);
            return Sql.list(
                    c,
                    "SELECT * FROM org_units WHERE parent_id = ? ORDER BY created, id",
                    Organization::unit,
                    parentId);
        });
    }

    /** Whether an id names the root or an existing OU; {@code missing} (ParentNotFoundException...) when not. */
    public void requireContainer(String id, IamErrorCode missing) {
        Info info = require();
        db.read(c -> depth(c, info, id, missing));
    }

    /** Whether an id names the root or an existing OU. */
    public boolean isContainer(String id) {
        Info info = require();
        return id.equals(info.rootId()) || db.read(c -> Sql.exists(c, "SELECT 1 FROM org_units WHERE id = ?", id));
    }

    /** The parent (root or OU) of an OU or of an account the caller knows to exist. */
    public String parentOf(String child, boolean account) {
        Info info = require();
        return db.read(c -> account
                ? accountParent(c, info, child)
                : unitParent(c, child)
                        .orElseThrow(() -> new IamException(
                                IamErrorCode.CHILD_NOT_FOUND, IamErrorCode.CHILD_NOT_FOUND.defaultMessage())));
    }

    /**
     * MoveAccount: the account must sit in the source (AccountNotFoundException otherwise, as AWS answers for an
     * account it does not find there), the destination must exist and differ (DuplicateAccountException).
     */
    public void moveAccount(String account, String source, String destination) {
        Info info = require();
        db.write(c -> {
            depth(c, info, source, IamErrorCode.SOURCE_PARENT_NOT_FOUND);
            depth(c, info, destination, IamErrorCode.DESTINATION_PARENT_NOT_FOUND);
            String current = accountParent(c, info, account);
            if (!current.equals(source)) {
                throw new IamException(IamErrorCode.ACCOUNT_NOT_FOUND, IamErrorCode.ACCOUNT_NOT_FOUND.defaultMessage());
            }
            if (current.equals(destination)) {
                throw new IamException(IamErrorCode.DUPLICATE_ACCOUNT, IamErrorCode.DUPLICATE_ACCOUNT.defaultMessage());
            }
            return Sql.update(c, "UPDATE org_accounts SET parent_id = ? WHERE id = ?", destination, account);
        });
        generation.incrementAndGet();
    }

    private static String accountParent(Connection c, Info info, String account) throws SQLException {
        // Accounts the organisation has not recorded yet (a management account from before accounts were) sit under the
        // root.
        return Sql.one(c, "SELECT parent_id FROM org_accounts WHERE id = ?", rs -> rs.getString(1), account)
                .orElse(info.rootId());
    }

    private static Optional<String> unitParent(Connection c, String unit) throws SQLException {
        return Sql.one(c, "SELECT parent_id FROM org_units WHERE id = ?", rs -> rs.getString(1), unit);
    }

    /** How many OUs deep a container is (the root: 0); {@code missing} when it is neither the root nor an OU. */
    private static int depth(Connection c, Info info, String container, IamErrorCode missing) throws SQLException {
        int depth = 0;
        String node = container;
        while (!node.equals(info.rootId())) {
            Optional<String> parent = unitParent(c, node);
            if (parent.isEmpty()) throw new IamException(missing, missing.defaultMessage());
            node = parent.get();
            if (++depth > MAX_OU_DEPTH) break;
        }
        return depth;
    }

    private static void checkUniqueName(Connection c, String parentId, String name) throws SQLException {
        if (Sql.exists(c, "SELECT 1 FROM org_units WHERE parent_id = ? AND name = ?", parentId, name)) {
            throw new IamException(
                    IamErrorCode.DUPLICATE_ORGANIZATIONAL_UNIT,
                    IamErrorCode.DUPLICATE_ORGANIZATIONAL_UNIT.defaultMessage());
        }
    }

    private static int attachedCount(Connection c, String target, String type) throws SQLException {
        return Sql.one(
                        c,
                        "SELECT COUNT(*) FROM org_attachments a JOIN org_policies p ON p.id = a.policy_id "
                                + "WHERE a.target = ? AND p.type = ?",
                        rs -> rs.getInt(1),
                        target,
                        type)
                .orElse(0);
    }

    private static void checkEnabled(Info info, String type) {
        if (!(type.equals(SCP) ? info.scpEnabled() : info.rcpEnabled())) {
            throw new IamException(
                    IamErrorCode.POLICY_TYPE_NOT_ENABLED,
                    "This operation can be performed only for enabled policy types.");
        }
    }

    private static Info info(ResultSet rs) throws SQLException {
        return new Info(
                rs.getString("id"),
                rs.getString("root_id"),
                rs.getString("management_account"),
                rs.getInt("scp_enabled") == 1,
                rs.getInt("rcp_enabled") == 1);
    }

    private static Unit unit(ResultSet rs) throws SQLException {
        return new Unit(rs.getString("id"), rs.getString("parent_id"), rs.getString("name"));
    }

    private static Policy policy(ResultSet rs) throws SQLException {
        return new Policy(
                rs.getString("id"),
                rs.getString("type"),
                rs.getString("name"),
                rs.getString("description"),
                rs.getString("content"),
                rs.getInt("aws_managed") == 1);
    }
}

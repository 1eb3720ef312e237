package io.rampart.iam;

import io.rampart.storage.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The organisation the server's accounts belong to, reduced to what guardrails need: one root, its accounts, service
 * and resource control policies and where they are attached. Policy types start disabled, as on AWS; enabling one
 * attaches its full-access default policy (FullAWSAccess / RCPFullAWSAccess) to the root and to every account.
 */
public final class Organization {
    public static final String SCP = "SERVICE_CONTROL_POLICY";
    public static final String RCP = "RESOURCE_CONTROL_POLICY";
    static final String FULL_AWS_ACCESS = "p-FullAWSAccess";
    static final String RCP_FULL_AWS_ACCESS = "p-RCPFullAWSAccess";
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
    }

    /** An organisation policy. */
    public record Policy(String id, String type, String name, String description, String content, boolean awsManaged) {}

    private final Database db;
    private final AtomicLong generation = new AtomicLong();

    public Organization(Database db) throws SQLException {
        this.db = db;
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
        require();
        String id = "p-" + IamIds.random("abcdefghijklmnopqrstuvwxyz0123456789", 8);
        db.write(c -> {
            if (Sql.exists(c, "SELECT 1 FROM org_policies WHERE type = ? AND name = ?", type, name)) {
                throw new IamException(IamErrorCode.DUPLICATE_POLICY, "A policy with the same name already exists.");
            }
            return Sql.update(
                    c,
                    "INSERT INTO org_policies(id, type, name, description, content) VALUES(?,?,?,?,?)",
                    id,
                    type,
                    name,
                    description,
                    content);
        });
        generation.incrementAndGet();
        return policy(id);
    }

    public Policy policy(String id) {
        return db.read(c -> Sql.one(c, "SELECT * FROM org_policies WHERE id = ?", Organization::policy, id))
                .orElseThrow(() -> new IamException(
                        IamErrorCode.POLICY_NOT_FOUND, "We can't find a policy with the PolicyId that you specified."));
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
        int n = db.write(c -> Sql.update(
                c,
                "INSERT INTO org_attachments(policy_id, target) VALUES(?,?) ON CONFLICT DO NOTHING",
                policyId,
                target));
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
                    && Sql.one(
                                            c,
                                            "SELECT COUNT(*) FROM org_attachments a JOIN org_policies p ON p.id = a.policy_id "
                                                    + "WHERE a.target = ? AND p.type = ?",
                                            rs -> rs.getInt(1),
                                            target,
                                            SCP)
                                    .orElse(0)
                            <= 1) {
                throw new IamException(
                        IamErrorCode.CONSTRAINT_VIOLATION,
                        "You cannot remove the last service control policy "
                                + "from a target: every root, OU and account must have at least one attached.");
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
     * The guardrail policies of one type that apply to an account, level by level (root, then the account): at each
     * level one must allow. Empty when the type is not enabled.
     */
    public List<List<Policy>> levels(String type, String account) {
        Optional<Info> info = info();
        if (info.isEmpty()
                || !(type.equals(SCP) ? info.get().scpEnabled() : info.get().rcpEnabled())) return List.of();
        List<List<Policy>> out = new ArrayList<>(2);
        out.add(policiesFor(info.get().rootId(), type));
        out.add(policiesFor(account, type));
        return out;
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

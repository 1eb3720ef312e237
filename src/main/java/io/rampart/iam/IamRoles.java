package io.rampart.iam;

import io.rampart.policy.PolicyDocument;
import io.rampart.policy.PolicyKind;
import java.util.Optional;

/**
 * The IAM actions on roles and their trust policies (and the instance profiles Rampart has none of).
 */
final class IamRoles extends IamFamily {
    IamRoles(IamStore store, Permissions permissions, String region) {
        super(store, permissions, region);
    }

    @Override
    void register(IamApi.ActionTable t) {
        t.on("CreateRole", this::createRole);
        t.on("GetRole", this::getRole);
        t.on("ListRoles", this::listRoles);
        t.on("DeleteRole", this::deleteRole);
        t.on("UpdateRole", this::updateRole);
        t.on("UpdateAssumeRolePolicy", this::updateAssumeRolePolicy);
        t.on("ListInstanceProfilesForRole", this::listInstanceProfiles);
        t.on("ListInstanceProfiles", this::listInstanceProfiles);
        t.on("TagRole", this::tag);
        t.on("UntagRole", this::untag);
        t.on("ListRoleTags", this::listTags);
        t.on("PutRolePermissionsBoundary", this::putBoundary);
        t.on("DeleteRolePermissionsBoundary", this::deleteBoundary);
    }

    private byte[] createRole(QueryRequest r) {
        String acct = r.caller().accountId();
        String name = r.required("RoleName");
        String path = r.optional("Path").orElse("/");
        authorize(r, "iam:CreateRole", arn(acct, "role", path, name));
        String trust = checkPolicy(
                r.required("AssumeRolePolicyDocument"),
                PolicyKind.TRUST,
                PolicyDocument.MAX_TRUST_POLICY,
                "role trust policy");
        int max = r.intParam("MaxSessionDuration", 3600, 3600, 43200);
        String description = r.optional("Description").orElse("");
        Optional<String> boundary = r.optional("PermissionsBoundary").map(this::checkBoundary);
        Entity e = dir.create("role", acct, name, path, Optional.of(trust), max, description, r.tags("Tags"), boundary);
        return ok(r, x -> role(x.start("Role"), e, false).end());
    }

    private byte[] getRole(QueryRequest r) {
        String acct = r.caller().accountId();
        String name = r.required("RoleName");
        authorize(r, "iam:GetRole", entityArn(acct, "role", name));
        Entity e = dir.get(acct, "role", name);
        return ok(r, x -> role(x.start("Role"), e, true).end());
    }

    private byte[] listRoles(QueryRequest r) {
        String acct = r.caller().accountId();
        authorize(r, "iam:ListRoles", "arn:aws:iam::" + acct + ":role/");
        return page(
                r,
                "Roles",
                dir.list(acct, "role", r.optional("PathPrefix").orElse("/")),
                (x, e) -> role(x.start("member"), e, false).end());
    }

    private byte[] deleteRole(QueryRequest r) {
        String acct = r.caller().accountId();
        String name = r.required("RoleName");
        authorize(r, "iam:DeleteRole", entityArn(acct, "role", name));
        dir.delete(acct, "role", name);
        return ok(r, null);
    }

    private byte[] updateRole(QueryRequest r) {
        String acct = r.caller().accountId();
        String name = r.required("RoleName");
        authorize(r, "iam:UpdateRole", entityArn(acct, "role", name));
        Optional<Integer> max =
                r.optional("MaxSessionDuration").map(v -> r.intParam("MaxSessionDuration", 3600, 3600, 43200));
        dir.updateRole(acct, name, r.optional("Description"), max, Optional.empty());
        return ok(r, x -> {});
    }

    private byte[] updateAssumeRolePolicy(QueryRequest r) {
        String acct = r.caller().accountId();
        String name = r.required("RoleName");
        authorize(r, "iam:UpdateAssumeRolePolicy", entityArn(acct, "role", name));
        String trust = checkPolicy(
                r.required("PolicyDocument"), PolicyKind.TRUST, PolicyDocument.MAX_TRUST_POLICY, "role trust policy");
        dir.updateRole(acct, name, Optional.empty(), Optional.empty(), Optional.of(trust));
        return ok(r, null);
    }

    private byte[] listInstanceProfiles(QueryRequest r) {
        String a = r.action();
        String acct = r.caller().accountId();
        authorize(r, "iam:" + a, "*");
        if (a.equals("ListInstanceProfilesForRole")) dir.get(acct, "role", r.required("RoleName"));
        return ok(r, x -> x.start("InstanceProfiles").end().element("IsTruncated", false));
    }
}

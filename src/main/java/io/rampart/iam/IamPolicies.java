package io.rampart.iam;

import io.rampart.policy.PolicyDocument;
import io.rampart.policy.PolicyKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The IAM actions on policies: customer managed policies and their versions, attachments, and inline policies of
 * users, groups and roles.
 */
final class IamPolicies extends IamFamily {
    IamPolicies(IamStore store, Permissions permissions, String region) {
        super(store, permissions, region);
    }

    @Override
    void register(IamApi.ActionTable t) {
        t.on("PutUserPolicy", this::putInline);
        t.on("PutGroupPolicy", this::putInline);
        t.on("PutRolePolicy", this::putInline);
        t.on("GetUserPolicy", this::getInline);
        t.on("GetGroupPolicy", this::getInline);
        t.on("GetRolePolicy", this::getInline);
        t.on("DeleteUserPolicy", this::deleteInline);
        t.on("DeleteGroupPolicy", this::deleteInline);
        t.on("DeleteRolePolicy", this::deleteInline);
        t.on("ListUserPolicies", this::listInline);
        t.on("ListGroupPolicies", this::listInline);
        t.on("ListRolePolicies", this::listInline);
        t.on("CreatePolicy", this::createPolicy);
        t.on("GetPolicy", this::getPolicy);
        t.on("DeletePolicy", this::deletePolicy);
        t.on("ListPolicies", this::listPolicies);
        t.on("CreatePolicyVersion", this::createPolicyVersion);
        t.on("GetPolicyVersion", this::getPolicyVersion);
        t.on("ListPolicyVersions", this::listPolicyVersions);
        t.on("DeletePolicyVersion", this::deletePolicyVersion);
        t.on("SetDefaultPolicyVersion", this::setDefaultPolicyVersion);
        t.on("AttachUserPolicy", this::attachOrDetach);
        t.on("AttachGroupPolicy", this::attachOrDetach);
        t.on("AttachRolePolicy", this::attachOrDetach);
        t.on("DetachUserPolicy", this::attachOrDetach);
        t.on("DetachGroupPolicy", this::attachOrDetach);
        t.on("DetachRolePolicy", this::attachOrDetach);
        t.on("ListAttachedUserPolicies", this::listAttached);
        t.on("ListAttachedGroupPolicies", this::listAttached);
        t.on("ListAttachedRolePolicies", this::listAttached);
        t.on("ListEntitiesForPolicy", this::listEntitiesForPolicy);
    }

    private byte[] putInline(QueryRequest r) {
        String a = r.action();
        String acct = r.caller().accountId();
        String kind = kindOf(a, "Put", "Policy");
        String owner = r.required(capital(kind) + "Name");
        String name = r.required("PolicyName");
        authorize(r, "iam:" + a, entityArn(acct, kind, owner));
        int max = switch (kind) {
            case "user" -> PolicyDocument.MAX_USER_INLINE;
            case "group" -> PolicyDocument.MAX_GROUP_INLINE;
            default -> PolicyDocument.MAX_ROLE_INLINE;
        };
        String doc = checkPolicy(r.required("PolicyDocument"), PolicyKind.IDENTITY, max, kind + " " + owner);
        dir.putInline(acct, kind, owner, name, doc);
        return ok(r, null);
    }

    private byte[] getInline(QueryRequest r) {
        String a = r.action();
        String acct = r.caller().accountId();
        String kind = kindOf(a, "Get", "Policy");
        String owner = r.required(capital(kind) + "Name");
        String name = r.required("PolicyName");
        authorize(r, "iam:" + a, entityArn(acct, kind, owner));
        String doc = dir.getInline(acct, kind, owner, name);
        return ok(
                r,
                x -> x.element(capital(kind) + "Name", owner)
                        .element("PolicyName", name)
                        .element("PolicyDocument", encodeDocument(doc)));
    }

    private byte[] deleteInline(QueryRequest r) {
        String a = r.action();
        String acct = r.caller().accountId();
        String kind = kindOf(a, "Delete", "Policy");
        String owner = r.required(capital(kind) + "Name");
        authorize(r, "iam:" + a, entityArn(acct, kind, owner));
        dir.deleteInline(acct, kind, owner, r.required("PolicyName"));
        return ok(r, null);
    }

    private byte[] listInline(QueryRequest r) {
        String a = r.action();
        String acct = r.caller().accountId();
        String kind = kindOf(a, "List", "Policies");
        String owner = r.required(capital(kind) + "Name");
        authorize(r, "iam:" + a, entityArn(acct, kind, owner));
        dir.get(acct, kind, owner);
        List<String> names = new ArrayList<>(dir.inline(acct, kind, owner).keySet());
        return page(r, "PolicyNames", names, (x, n) -> x.element("member", n));
    }

    private byte[] createPolicy(QueryRequest r) {
        String acct = r.caller().accountId();
        String name = r.required("PolicyName");
        String path = r.optional("Path").orElse("/");
        authorize(r, "iam:CreatePolicy", "arn:aws:iam::" + acct + ":policy" + path + name);
        String doc =
                checkPolicy(r.required("PolicyDocument"), PolicyKind.IDENTITY, PolicyDocument.MAX_MANAGED, "policy");
        ManagedPolicy p = dir.createPolicy(
                acct, name, path, doc, r.optional("Description").orElse(""), r.tags("Tags"));
        return ok(r, x -> policy(x.start("Policy"), p).end());
    }

    private byte[] getPolicy(QueryRequest r) {
        String arn = r.required("PolicyArn");
        authorize(r, "iam:GetPolicy", arn);
        ManagedPolicy p = dir.policy(arn);
        return ok(r, x -> policy(x.start("Policy"), p).end());
    }

    private byte[] deletePolicy(QueryRequest r) {
        String arn = r.required("PolicyArn");
        authorize(r, "iam:DeletePolicy", arn);
        dir.deletePolicy(arn);
        return ok(r, null);
    }

    private byte[] listPolicies(QueryRequest r) {
        String acct = r.caller().accountId();
        authorize(r, "iam:ListPolicies", "*");
        String scope = r.optional("Scope").orElse("All");
        List<ManagedPolicy> all = dir.listPolicies(
                acct,
                scope,
                r.boolParam("OnlyAttached"),
                r.optional("PathPrefix").orElse("/"));
        return page(r, "Policies", all, (x, p) -> policy(x.start("member"), p).end());
    }

    private byte[] createPolicyVersion(QueryRequest r) {
        String arn = r.required("PolicyArn");
        authorize(r, "iam:CreatePolicyVersion", arn);
        String doc =
                checkPolicy(r.required("PolicyDocument"), PolicyKind.IDENTITY, PolicyDocument.MAX_MANAGED, "policy");
        ManagedPolicy.Version v = dir.createPolicyVersion(arn, doc, r.boolParam("SetAsDefault"));
        return ok(r, x -> version(x.start("PolicyVersion"), v, false).end());
    }

    private byte[] getPolicyVersion(QueryRequest r) {
        String arn = r.required("PolicyArn");
        authorize(r, "iam:GetPolicyVersion", arn);
        ManagedPolicy.Version v = dir.version(arn, r.required("VersionId"));
        return ok(r, x -> version(x.start("PolicyVersion"), v, true).end());
    }

    private byte[] listPolicyVersions(QueryRequest r) {
        String arn = r.required("PolicyArn");
        authorize(r, "iam:ListPolicyVersions", arn);
        return page(
                r,
                "Versions",
                dir.versions(arn),
                (x, v) -> version(x.start("member"), v, false).end());
    }

    private byte[] deletePolicyVersion(QueryRequest r) {
        String arn = r.required("PolicyArn");
        authorize(r, "iam:DeletePolicyVersion", arn);
        dir.deletePolicyVersion(arn, r.required("VersionId"));
        return ok(r, null);
    }

    private byte[] setDefaultPolicyVersion(QueryRequest r) {
        String arn = r.required("PolicyArn");
        authorize(r, "iam:SetDefaultPolicyVersion", arn);
        dir.setDefaultVersion(arn, r.required("VersionId"));
        return ok(r, null);
    }

    private byte[] attachOrDetach(QueryRequest r) {
        String a = r.action();
        String acct = r.caller().accountId();
        boolean attach = a.startsWith("Attach");
        String kind = kindOf(a, attach ? "Attach" : "Detach", "Policy");
        String owner = r.required(capital(kind) + "Name");
        String arn = r.required("PolicyArn");
        authorize(r, "iam:" + a, entityArn(acct, kind, owner));
        if (attach) dir.attach(acct, kind, owner, arn);
        else dir.detach(acct, kind, owner, arn);
        return ok(r, null);
    }

    private byte[] listAttached(QueryRequest r) {
        String a = r.action();
        String acct = r.caller().accountId();
        String kind = kindOf(a, "ListAttached", "Policies");
        String owner = r.required(capital(kind) + "Name");
        authorize(r, "iam:" + a, entityArn(acct, kind, owner));
        dir.get(acct, kind, owner);
        return page(
                r,
                "AttachedPolicies",
                dir.attached(acct, kind, owner),
                (x, arn) -> x.start("member")
                        .element("PolicyName", arn.substring(arn.lastIndexOf('/') + 1))
                        .element("PolicyArn", arn)
                        .end());
    }

    private byte[] listEntitiesForPolicy(QueryRequest r) {
        String acct = r.caller().accountId();
        String arn = r.required("PolicyArn");
        authorize(r, "iam:ListEntitiesForPolicy", arn);
        dir.policy(arn);
        List<String[]> to = dir.attachedTo(arn);
        return ok(r, x -> {
            for (String kind : List.of("group", "user", "role")) {
                x.start("Policy" + capital(kind) + "s");
                for (String[] t : to) {
                    if (!t[0].equals(kind)) continue;
                    Entity e = dir.get(acct, kind, t[1]);
                    x.start("member")
                            .element(capital(kind) + "Name", e.name())
                            .element(capital(kind) + "Id", e.id())
                            .end();
                }
                x.end();
            }
            x.element("IsTruncated", false);
        });
    }
}

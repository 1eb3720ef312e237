package io.rampart.iam;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The IAM actions on users, groups and group membership (and the login profile users do not have here).
 */
final class IamUsers extends IamFamily {
    IamUsers(IamStore store, Permissions permissions, String region) {
        super(store, permissions, region);
    }

    @Override
    void register(IamApi.ActionTable t) {
        t.on("CreateUser", this::createUser);
        t.on("GetUser", this::getUser);
        t.on("ListUsers", this::listUsers);
        t.on("DeleteUser", this::deleteUser);
        t.on("CreateGroup", this::createGroup);
        t.on("GetGroup", this::getGroup);
        t.on("ListGroups", this::listGroups);
        t.on("DeleteGroup", this::deleteGroup);
        t.on("AddUserToGroup", this::changeMembership);
        t.on("RemoveUserFromGroup", this::changeMembership);
        t.on("ListGroupsForUser", this::listGroupsForUser);
        t.on("GetLoginProfile", this::getLoginProfile);
        t.on("TagUser", this::tag);
        t.on("UntagUser", this::untag);
        t.on("ListUserTags", this::listTags);
        t.on("PutUserPermissionsBoundary", this::putBoundary);
        t.on("DeleteUserPermissionsBoundary", this::deleteBoundary);
    }

    private byte[] createUser(QueryRequest r) {
        String acct = r.caller().accountId();
        String name = r.required("UserName");
        String path = r.optional("Path").orElse("/");
        authorize(r, "iam:CreateUser", arn(acct, "user", path, name));
        Optional<String> boundary = r.optional("PermissionsBoundary").map(this::checkBoundary);
        Entity e = dir.create("user", acct, name, path, Optional.empty(), 3600, "", r.tags("Tags"), boundary);
        return ok(r, x -> user(x.start("User"), e, true).end());
    }

    private byte[] getUser(QueryRequest r) {
        String acct = r.caller().accountId();
        String name = r.optional("UserName").orElseGet(() -> selfUser(r));
        authorize(r, "iam:GetUser", userArn(acct, name));
        Entity e = dir.get(acct, "user", name);
        return ok(r, x -> user(x.start("User"), e, true).end());
    }

    private byte[] listUsers(QueryRequest r) {
        String acct = r.caller().accountId();
        authorize(r, "iam:ListUsers", "arn:aws:iam::" + acct + ":user/");
        return page(
                r,
                "Users",
                dir.list(acct, "user", r.optional("PathPrefix").orElse("/")),
                (x, e) -> user(x.start("member"), e, false).end());
    }

    private byte[] deleteUser(QueryRequest r) {
        String acct = r.caller().accountId();
        String name = r.required("UserName");
        authorize(r, "iam:DeleteUser", userArn(acct, name));
        if (name.equalsIgnoreCase(AccountRoot.USER_NAME)) throw protectedAdmin();
        dir.delete(acct, "user", name);
        return ok(r, null);
    }

    private byte[] createGroup(QueryRequest r) {
        String acct = r.caller().accountId();
        String name = r.required("GroupName");
        String path = r.optional("Path").orElse("/");
        authorize(r, "iam:CreateGroup", arn(acct, "group", path, name));
        Entity e = dir.create("group", acct, name, path, Optional.empty(), 0, "", Map.of(), Optional.empty());
        return ok(r, x -> group(x.start("Group"), e).end());
    }

    private byte[] getGroup(QueryRequest r) {
        String acct = r.caller().accountId();
        String name = r.required("GroupName");
        authorize(r, "iam:GetGroup", entityArn(acct, "group", name));
        Entity e = dir.get(acct, "group", name);
        List<Entity> users = dir.membersOf(acct, name);
        return ok(r, x -> {
            group(x.start("Group"), e).end();
            x.start("Users");
            for (Entity u : users) user(x.start("member"), u, false).end();
            x.end().element("IsTruncated", false);
        });
    }

    private byte[] listGroups(QueryRequest r) {
        String acct = r.caller().accountId();
        authorize(r, "iam:ListGroups", "arn:aws:iam::" + acct + ":group/");
        return page(
                r,
                "Groups",
                dir.list(acct, "group", r.optional("PathPrefix").orElse("/")),
                (x, e) -> group(x.start("member"), e).end());
    }

    private byte[] deleteGroup(QueryRequest r) {
        String acct = r.caller().accountId();
        String name = r.required("GroupName");
        authorize(r, "iam:DeleteGroup", entityArn(acct, "group", name));
        dir.delete(acct, "group", name);
        return ok(r, null);
    }

    private byte[] changeMembership(QueryRequest r) {
        String a = r.action();
        String acct = r.caller().accountId();
        String group = r.required("GroupName");
        String user = r.required("UserName");
        authorize(r, "iam:" + a, entityArn(acct, "group", group));
        if (a.equals("AddUserToGroup")) dir.addToGroup(acct, group, user);
        else dir.removeFromGroup(acct, group, user);
        return ok(r, null);
    }

    private byte[] listGroupsForUser(QueryRequest r) {
        String acct = r.caller().accountId();
        String user = r.required("UserName");
        authorize(r, "iam:ListGroupsForUser", userArn(acct, user));
        dir.get(acct, "user", user);
        return page(
                r,
                "Groups",
                dir.groupsOf(acct, user),
                (x, e) -> group(x.start("member"), e).end());
    }

    private byte[] getLoginProfile(QueryRequest r) {
        String acct = r.caller().accountId();
        String user = r.required("UserName");
        authorize(r, "iam:GetLoginProfile", userArn(acct, user));
        dir.get(acct, "user", user);
        throw IamException.noSuchEntity("Login Profile for User " + user + " cannot be found.");
    }
}

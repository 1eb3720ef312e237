package io.rampart.iam;

import java.util.List;
import java.util.Optional;

/**
 * The bootstrap administrator ({@code admin}) is the account's root user. On AWS no one else can manage root credentials
 * through IAM; here no principal other than the admin itself (no other user, role or STS session, whatever its policies
 * say, {@code iam:*} on {@code *} included) may change the admin through IAM: its access keys, policies, group
 * memberships, permissions boundary, MFA devices, tags or name, nor delete it. One rule keyed on the user an action
 * targets, consulted by {@link IamApi} before every action, so an action added later cannot forget it.
 */
final class AccountRoot {
    /** The bootstrap administrator's user name (IAM user names are case-insensitive). */
    static final String USER_NAME = "admin";

    /** The parameters through which an IAM action names the user it changes (NewUserName: UpdateUser's rename). */
    private static final List<String> TARGET_USER = List.of("UserName", "NewUserName");

    private AccountRoot() {}

    /**
     * Refuses a change to the admin by anyone but the admin. Reads (Get*, List*) stay governed by policies, so auditors
     * can see the admin's keys and policies; CreateUser does not target an existing user (naming the admin, it fails as
     * EntityAlreadyExists).
     */
    static void check(QueryRequest r) {
        String action = r.action();
        if (action.startsWith("Get") || action.startsWith("List") || action.equals("CreateUser")) return;
        Principal caller = r.caller();
        if (caller.isAccountAdmin()) return;
        for (String parameter : TARGET_USER) {
            Optional<String> target = r.optional(parameter);
            if (target.isPresent() && target.get().equalsIgnoreCase(USER_NAME)) {
                throw IamException.accessDenied("User: " + caller.arn() + " is not authorized to perform: iam:" + action
                        + " on resource: arn:aws:iam::" + caller.accountId() + ":user/" + USER_NAME
                        + " with an explicit deny: the account's root user can be managed only by itself");
            }
        }
    }
}

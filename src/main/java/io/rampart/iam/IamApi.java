package io.rampart.iam;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The IAM API (Query protocol, XML answers) on the account's {@link Directory}, keys and MFA devices: a dispatch table
 * from action name to the handler in its resource family ({@link IamUsers}, {@link IamRoles}, {@link IamPolicies},
 * {@link IamAccessKeys}, {@link IamMfa}, {@link IamOidc}, {@link IamReports}). Each handler authorises its action as
 * AWS does (iam:Action on the entity's ARN, through the caller's identity policies and the organisation's SCPs)
 * before it runs.
 */
public final class IamApi {
    /** One IAM action: answers the XML document, or throws IamException for every AWS-documented failure. */
    @FunctionalInterface
    interface Action {
        byte[] handle(QueryRequest r);
    }

    /** The table the families fill; an action registered twice is a programming error caught at construction. */
    static final class ActionTable {
        private final Map<String, Action> actions = new LinkedHashMap<>();

        void on(String name, Action action) {
            if (actions.putIfAbsent(name, action) != null)
                throw new IllegalStateException("IAM action " + name + " registered twice");
        }
    }

    private final Map<String, Action> actions;

    public IamApi(IamStore store, Permissions permissions, String region) {
        ActionTable table = new ActionTable();
        for (IamFamily f : List.of(
                new IamUsers(store, permissions, region),
                new IamRoles(store, permissions, region),
                new IamPolicies(store, permissions, region),
                new IamAccessKeys(store, permissions, region),
                new IamMfa(store, permissions, region),
                new IamOidc(store, permissions, region),
                new IamReports(store, permissions, region))) {
            f.register(table);
        }
        this.actions = Collections.unmodifiableMap(table.actions);
    }

    /** Runs one IAM action; IamException for every AWS-documented failure. */
    public byte[] handle(QueryRequest r) {
        AccountRoot.check(r);
        Action action = actions.get(r.action());
        if (action == null) {
            throw new IamException(
                    IamErrorCode.INVALID_ACTION, "Could not find operation " + r.action() + " for version 2010-05-08");
        }
        return action.handle(r);
    }

    /** The actions this API answers, in registration order. */
    public java.util.Set<String> actions() {
        return actions.keySet();
    }
}

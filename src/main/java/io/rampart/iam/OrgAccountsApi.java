package io.rampart.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Organizations account actions on {@link OrgAccounts}: CreateAccount, DescribeCreateAccountStatus,
 * ListCreateAccountStatus, ListAccounts, DescribeAccount and CloseAccount, answered in AWS's JSON shapes.
 */
final class OrgAccountsApi {
    /** Authorises one action of the caller, with the request's condition keys (aws:RequestTag...). */
    @FunctionalInterface
    interface Authorizer {
        void authorize(OrganizationsApi.Call c, String action, Map<String, List<String>> keys);
    }

    private final OrgAccounts accounts;
    private final Organization org;
    private final OrgPages pages;
    private final Authorizer authorize;

    OrgAccountsApi(OrgAccounts accounts, Organization org, OrgPages pages, Authorizer authorize) {
        this.accounts = accounts;
        this.org = org;
        this.pages = pages;
        this.authorize = authorize;
    }

    private void authorize(OrganizationsApi.Call c, String action) {
        authorize.authorize(c, action, Map.of());
    }

    void createAccount(OrganizationsApi.Call c, JsonNode in, ObjectNode out) {
        Map<String, String> tags = OrgTags.parse(in.get("Tags"));
        authorize.authorize(c, "organizations:CreateAccount", OrgTags.requestKeys(tags));
        Organization.Info i = org.require();
        List<String> full = new ArrayList<>(2);
        if (i.scpEnabled()) full.add(Organization.FULL_AWS_ACCESS);
        if (i.rcpEnabled()) full.add(Organization.RCP_FULL_AWS_ACCESS);
        OrgAccounts.CreateStatus s = accounts.create(
                i, required(in, "AccountName"), required(in, "Email"), optional(in, "RoleName"), full, tags);
        // New accounts are attached the enabled types' defaults: compiled guardrails must see them.
        org.changed();
        status(out.putObject("CreateAccountStatus"), s);
    }

    void describeCreateAccountStatus(OrganizationsApi.Call c, JsonNode in, ObjectNode out) {
        authorize(c, "organizations:DescribeCreateAccountStatus");
        String id = required(in, "CreateAccountRequestId");
        org.require();
        if (!id.matches("car-[a-z0-9]{8,32}")) {
            throw new IamException(
                    IamErrorCode.ORG_INVALID_INPUT,
                    "You provided a value that does not match the required pattern for CreateAccountRequestId.");
        }
        status(out.putObject("CreateAccountStatus"), accounts.status(id));
    }

    void listCreateAccountStatus(OrganizationsApi.Call c, JsonNode in, ObjectNode out) {
        authorize(c, "organizations:ListCreateAccountStatus");
        org.require();
        Set<String> states = new HashSet<>();
        JsonNode given = in.get("States");
        if (given != null && given.isArray()) {
            for (JsonNode s : given) {
                if (!Set.of("IN_PROGRESS", "SUCCEEDED", "FAILED").contains(s.asText())) {
                    throw new IamException(
                            IamErrorCode.ORG_INVALID_INPUT,
                            "You provided a value that does not match the required pattern for States.");
                }
                states.add(s.asText());
            }
        }
        List<OrgAccounts.CreateStatus> all = accounts.statuses(states);
        ArrayNode list = out.putArray("CreateAccountStatuses");
        pages.page(c.action(), in, out, all).forEach(st -> status(list.addObject(), st));
    }

    void listAccounts(OrganizationsApi.Call c, JsonNode in, ObjectNode out) {
        authorize(c, "organizations:ListAccounts");
        Organization.Info i = org.require();
        List<OrgAccounts.Account> all = accounts.all(i);
        ArrayNode list = out.putArray("Accounts");
        pages.page(c.action(), in, out, all).forEach(a -> account(list.addObject(), a, i));
    }

    void describeAccount(OrganizationsApi.Call c, JsonNode in, ObjectNode out) {
        authorize.authorize(c, "organizations:DescribeAccount", org.tags().conditionKeys(in, "AccountId"));
        String id = accountId(required(in, "AccountId"));
        Organization.Info i = org.require();
        account(out.putObject("Account"), accounts.require(i, id), i);
    }

    void closeAccount(OrganizationsApi.Call c, JsonNode in, ObjectNode out) {
        authorize.authorize(c, "organizations:CloseAccount", org.tags().conditionKeys(in, "AccountId"));
        String id = accountId(required(in, "AccountId"));
        accounts.close(org.require(), id);
    }

    private static String accountId(String id) {
        if (!id.matches("\\d{12}")) {
            throw new IamException(
                    IamErrorCode.ORG_INVALID_INPUT,
                    "You provided a value that does not match the required pattern for AccountId.");
        }
        return id;
    }

    static void account(ObjectNode o, OrgAccounts.Account a, Organization.Info i) {
        o.put("Id", a.id())
                .put("Arn", "arn:aws:organizations::" + i.managementAccount() + ":account/" + i.id() + "/" + a.id())
                .put("Email", a.email())
                .put("Name", a.name())
                .put("Status", a.status())
                .put("State", a.status())
                .put("JoinedMethod", a.joinedMethod())
                .put("JoinedTimestamp", seconds(a.joined()));
    }

    private static void status(ObjectNode o, OrgAccounts.CreateStatus s) {
        o.put("Id", s.id())
                .put("AccountName", s.accountName())
                .put("State", s.state())
                .put("RequestedTimestamp", seconds(s.requested()));
        s.completed().ifPresent(t -> o.put("CompletedTimestamp", seconds(t)));
        s.accountId().ifPresent(a -> o.put("AccountId", a));
        s.failureReason().ifPresent(f -> o.put("FailureReason", f));
    }

    /** AWS JSON timestamps: epoch seconds with a fraction. */
    private static double seconds(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }

    /** The field's text; refused when it is absent or empty. */
    private static String required(JsonNode in, String field) {
        return optional(in, field)
                .orElseThrow(() -> new IamException(IamErrorCode.ORG_INVALID_INPUT, "You must specify " + field + "."));
    }

    /** The field's text; empty when it is absent or empty. */
    private static Optional<String> optional(JsonNode in, String field) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull() || v.asText().isEmpty()) return Optional.empty();
        return Optional.of(v.asText());
    }
}

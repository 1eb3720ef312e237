package io.rampart.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The Organizations account actions on {@link OrgAccounts}: CreateAccount, DescribeCreateAccountStatus,
 * ListCreateAccountStatus, ListAccounts, DescribeAccount and CloseAccount, answered in AWS's JSON shapes.
 */
final class OrgAccountsApi {
    private final OrgAccounts accounts;
    private final Organization org;
    private final BiConsumer<OrganizationsApi.Call, String> authorize;

    OrgAccountsApi(OrgAccounts accounts, Organization org, BiConsumer<OrganizationsApi.Call, String> authorize) {
        this.accounts = accounts;
        this.org = org;
        this.authorize = authorize;
    }

    void createAccount(OrganizationsApi.Call c, JsonNode in, ObjectNode out) {
        authorize.accept(c, "organizations:CreateAccount");
        Organization.Info i = org.require();
        List<String> full = new ArrayList<>(2);
        if (i.scpEnabled()) full.add(Organization.FULL_AWS_ACCESS);
        if (i.rcpEnabled()) full.add(Organization.RCP_FULL_AWS_ACCESS);
        OrgAccounts.CreateStatus s =
                accounts.create(i, required(in, "AccountName"), required(in, "Email"), optional(in, "RoleName"), full);
        // New accounts are attached the enabled types' defaults: compiled guardrails must see them.
        org.changed();
        status(out.putObject("CreateAccountStatus"), s);
    }

    void describeCreateAccountStatus(OrganizationsApi.Call c, JsonNode in, ObjectNode out) {
        authorize.accept(c, "organizations:DescribeCreateAccountStatus");
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
        authorize.accept(c, "organizations:ListCreateAccountStatus");
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
        page(in, out, all.size(), 20).forEach(n -> status(list.addObject(), all.get(n)));
    }

    void listAccounts(OrganizationsApi.Call c, JsonNode in, ObjectNode out) {
        authorize.accept(c, "organizations:ListAccounts");
        Organization.Info i = org.require();
        List<OrgAccounts.Account> all = accounts.all(i);
        ArrayNode list = out.putArray("Accounts");
        page(in, out, all.size(), 20).forEach(n -> account(list.addObject(), all.get(n), i));
    }

    void describeAccount(OrganizationsApi.Call c, JsonNode in, ObjectNode out) {
        authorize.accept(c, "organizations:DescribeAccount");
        String id = accountId(required(in, "AccountId"));
        Organization.Info i = org.require();
        account(out.putObject("Account"), accounts.require(i, id), i);
    }

    void closeAccount(OrganizationsApi.Call c, JsonNode in, ObjectNode out) {
        authorize.accept(c, "organizations:CloseAccount");
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

    /**
     * The indexes of one page (MaxResults, NextToken as AWS takes them), setting NextToken in {@code out} when more
     * follow.
     */
    static List<Integer> page(JsonNode in, ObjectNode out, int size, int limit) {
        int max = limit;
        JsonNode m = in.get("MaxResults");
        if (m != null && !m.isNull()) {
            if (!m.canConvertToInt() || m.asInt() < 1 || m.asInt() > limit) {
                throw new IamException(
                        IamErrorCode.ORG_INVALID_INPUT,
                        "You provided a value that does not match the required pattern for MaxResults.");
            }
            max = m.asInt();
        }
        int from = 0;
        Optional<String> token = optional(in, "NextToken");
        if (token.isPresent()) {
            try {
                from = Integer.parseInt(new String(Base64.getDecoder().decode(token.get()), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                from = -1;
            }
            if (from < 0 || from > size) {
                throw new IamException(IamErrorCode.ORG_INVALID_INPUT, "The specified NextToken is not valid.");
            }
        }
        int to = Math.min(size, from + max);
        List<Integer> out2 = new ArrayList<>(to - from);
        for (int n = from; n < to; n++) out2.add(n);
        if (to < size) {
            out.put(
                    "NextToken",
                    Base64.getEncoder().encodeToString(Integer.toString(to).getBytes(StandardCharsets.UTF_8)));
        }
        return out2;
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

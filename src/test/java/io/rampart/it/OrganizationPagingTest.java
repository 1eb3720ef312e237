package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every Organizations List action pages as AWS does: MaxResults from 1 to 20, NextToken while more follow, and the
 * SDK's paginators (which call again with each NextToken until none comes back) see every item exactly once. A token
 * is opaque: a forged, altered or borrowed one is InvalidInputException (INVALID_NEXT_TOKEN), never a 500.
 */
class OrganizationPagingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCP = "SERVICE_CONTROL_POLICY";
    /** More than one default page (20) of accounts. */
    private static final int MEMBERS = 21;

    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    private static OrganizationsCalls org;
    private static String root;
    private static final List<String> members = new ArrayList<>();
    private static final List<String> units = new ArrayList<>();
    private static final List<String> policies = new ArrayList<>();

    @BeforeAll
    static void start() {
        org = new OrganizationsCalls(RAMPART.server());
        org.ensureOrganization();
        org.ensurePolicyType(SCP);
        root = org.rootId();
        for (int i = 0; i < MEMBERS; i++) members.add(org.createAccount("pager-" + i, "pager-" + i + "@example.com"));
        for (int i = 0; i < 3; i++) {
            units.add(org.ok("CreateOrganizationalUnit", "{\"ParentId\":\"" + root + "\",\"Name\":\"unit-" + i + "\"}")
                    .path("OrganizationalUnit")
                    .path("Id")
                    .asText());
        }
        for (int i = 0; i < 21; i++) {
            policies.add(org.createPolicy(
                    "deny-" + i,
                    SCP,
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:DeleteBucket\","
                            + "\"Resource\":\"*\"}]}"));
        }
        for (int i = 0; i < 3; i++) org.attach(policies.get(i), members.get(0));
    }

    private static ObjectNode request(UnaryOperator<ObjectNode> fill) {
        return fill.apply(JSON.createObjectNode());
    }

    /**
     * What the SDK's paginator does: call, take the page, call again with NextToken until there is none; every page
     * holds at most {@code max} items (20 when not given).
     */
    private static List<JsonNode> all(String action, ObjectNode in, String field, Integer max) {
        List<JsonNode> items = new ArrayList<>();
        ObjectNode call = in.deepCopy();
        if (max != null) call.put("MaxResults", max);
        for (int pages = 0; pages < 100; pages++) {
            JsonNode page = org.ok(action, call.toString());
            assertThat(page.path(field).size()).as(action + " page size").isLessThanOrEqualTo(max == null ? 20 : max);
            page.path(field).forEach(items::add);
            if (!page.hasNonNull("NextToken")) return items;
            assertThat(page.path(field).size())
                    .as(action + " a page before the last is full")
                    .isEqualTo(max == null ? 20 : max);
            call.put("NextToken", page.path("NextToken").asText());
        }
        throw new AssertionError(action + " never stopped paging");
    }

    private static List<String> ids(List<JsonNode> items, String idField) {
        return items.stream().map(n -> n.path(idField).asText()).toList();
    }

    @Test
    void everyListActionPagesThroughEveryItemOnce() {
        // Accounts: the management account and the members; a default page holds 20.
        for (Integer max : new Integer[] {null, 1, 7, 20}) {
            List<String> accounts = ids(all("ListAccounts", request(o -> o), "Accounts", max), "Id");
            assertThat(accounts).doesNotHaveDuplicates().hasSize(MEMBERS + 1).containsAll(members);
            List<String> underRoot =
                    ids(all("ListAccountsForParent", request(o -> o.put("ParentId", root)), "Accounts", max), "Id");
            assertThat(underRoot).containsExactlyElementsOf(accounts);
            List<String> children = ids(
                    all(
                            "ListChildren",
                            request(o -> o.put("ParentId", root).put("ChildType", "ACCOUNT")),
                            "Children",
                            max),
                    "Id");
            assertThat(children).containsExactlyElementsOf(accounts);
        }
        assertThat(ids(all("ListCreateAccountStatus", request(o -> o), "CreateAccountStatuses", 3), "AccountId"))
                .doesNotHaveDuplicates()
                .containsAll(members);
        assertThat(ids(
                        all(
                                "ListCreateAccountStatus",
                                request(o ->
                                        o.set("States", JSON.createArrayNode().add("SUCCEEDED"))),
                                "CreateAccountStatuses",
                                null),
                        "AccountId"))
                .doesNotHaveDuplicates()
                .containsAll(members);

        // Organisational units, by two actions.
        assertThat(ids(
                        all(
                                "ListOrganizationalUnitsForParent",
                                request(o -> o.put("ParentId", root)),
                                "OrganizationalUnits",
                                1),
                        "Id"))
                .containsExactlyElementsOf(units);
        assertThat(ids(
                        all(
                                "ListChildren",
                                request(o -> o.put("ParentId", root).put("ChildType", "ORGANIZATIONAL_UNIT")),
                                "Children",
                                2),
                        "Id"))
                .containsExactlyElementsOf(units);

        // Policies: FullAWSAccess and 21 more.
        List<String> scps = ids(all("ListPolicies", request(o -> o.put("Filter", SCP)), "Policies", null), "Id");
        assertThat(scps)
                .doesNotHaveDuplicates()
                .hasSize(22)
                .contains("p-FullAWSAccess")
                .containsAll(policies);
        assertThat(ids(all("ListPolicies", request(o -> o.put("Filter", SCP)), "Policies", 5), "Id"))
                .containsExactlyElementsOf(scps);
        assertThat(ids(
                        all(
                                "ListPoliciesForTarget",
                                request(o -> o.put("TargetId", members.get(0)).put("Filter", SCP)),
                                "Policies",
                                1),
                        "Id"))
                .containsExactlyInAnyOrder("p-FullAWSAccess", policies.get(0), policies.get(1), policies.get(2));

        // FullAWSAccess is attached to the root, every OU and every account.
        List<String> targets = ids(
                all("ListTargetsForPolicy", request(o -> o.put("PolicyId", "p-FullAWSAccess")), "Targets", null),
                "TargetId");
        assertThat(targets)
                .doesNotHaveDuplicates()
                .hasSize(1 + units.size() + MEMBERS + 1)
                .contains(root)
                .containsAll(units)
                .containsAll(members);
        assertThat(ids(
                        all("ListTargetsForPolicy", request(o -> o.put("PolicyId", "p-FullAWSAccess")), "Targets", 6),
                        "TargetId"))
                .containsExactlyElementsOf(targets);

        assertThat(ids(all("ListRoots", request(o -> o), "Roots", 1), "Id")).containsExactly(root);
        assertThat(ids(all("ListParents", request(o -> o.put("ChildId", members.get(1))), "Parents", 1), "Id"))
                .containsExactly(root);
    }

    @Test
    void maxResultsOutsideOneToTwentyIsInvalidInput() {
        for (String action : List.of("ListAccounts", "ListRoots", "ListCreateAccountStatus")) {
            for (int bad : new int[] {0, -1, 21, 1000}) {
                OrganizationsCalls.Answer a = org.call(action, "{\"MaxResults\":" + bad + "}");
                assertThat(a.status()).as(action + " " + bad).isEqualTo(400);
                assertThat(a.errorType()).isEqualTo("InvalidInputException");
                assertThat(a.body().path("Reason").asText())
                        .isEqualTo(bad < 1 ? "MIN_VALUE_EXCEEDED" : "MAX_VALUE_EXCEEDED");
            }
        }
        OrganizationsCalls.Answer policies = org.call("ListPolicies", "{\"Filter\":\"" + SCP + "\",\"MaxResults\":21}");
        assertThat(policies.errorType()).isEqualTo("InvalidInputException");
        OrganizationsCalls.Answer targets =
                org.call("ListTargetsForPolicy", "{\"PolicyId\":\"p-FullAWSAccess\",\"MaxResults\":0}");
        assertThat(targets.errorType()).isEqualTo("InvalidInputException");
        OrganizationsCalls.Answer text = org.call("ListAccounts", "{\"MaxResults\":\"many\"}");
        assertThat(text.status()).isEqualTo(400);
        assertThat(text.errorType()).isEqualTo("InvalidInputException");
    }

    @Test
    void aForgedAlteredOrBorrowedNextTokenIsInvalidInputNotAServerError() {
        String token =
                org.ok("ListAccounts", "{\"MaxResults\":2}").path("NextToken").asText();
        assertThat(token).isNotEmpty();
        // The old, guessable form (base64 of a position) and plain garbage.
        String guessed = Base64.getEncoder().encodeToString("4".getBytes(StandardCharsets.UTF_8));
        char last = token.charAt(token.length() - 2);
        String altered =
                token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
        List<String> forged = List.of(guessed, "not a token", "AAAA", altered, token + "AA", "x".repeat(5000));
        for (String bad : forged) {
            OrganizationsCalls.Answer a = org.call(
                    "ListAccounts",
                    JSON.createObjectNode().put("NextToken", bad).toString());
            assertThat(a.status()).as(bad).isEqualTo(400);
            assertThat(a.errorType()).isEqualTo("InvalidInputException");
            assertThat(a.body().path("Reason").asText()).isEqualTo("INVALID_NEXT_TOKEN");
        }
        // A token is good only for the list it came from: not another action, not other filters.
        OrganizationsCalls.Answer otherAction = org.call(
                "ListPolicies",
                JSON.createObjectNode()
                        .put("Filter", SCP)
                        .put("NextToken", token)
                        .toString());
        assertThat(otherAction.body().path("Reason").asText()).isEqualTo("INVALID_NEXT_TOKEN");
        String childrenToken = org.ok(
                        "ListChildren", "{\"ParentId\":\"" + root + "\",\"ChildType\":\"ACCOUNT\",\"MaxResults\":1}")
                .path("NextToken")
                .asText();
        OrganizationsCalls.Answer otherType = org.call(
                "ListChildren",
                JSON.createObjectNode()
                        .put("ParentId", root)
                        .put("ChildType", "ORGANIZATIONAL_UNIT")
                        .put("NextToken", childrenToken)
                        .toString());
        assertThat(otherType.errorType()).isEqualTo("InvalidInputException");
        assertThat(otherType.body().path("Reason").asText()).isEqualTo("INVALID_NEXT_TOKEN");
        // The genuine token still works, with another MaxResults too (as AWS allows).
        JsonNode next = org.ok(
                "ListAccounts",
                JSON.createObjectNode()
                        .put("NextToken", token)
                        .put("MaxResults", 3)
                        .toString());
        assertThat(next.path("Accounts")).hasSize(3);
        assertThat(next.path("Accounts").get(0).path("Id").asText())
                .isEqualTo(org.ok("ListAccounts", "{}")
                        .path("Accounts")
                        .get(2)
                        .path("Id")
                        .asText());
    }
}

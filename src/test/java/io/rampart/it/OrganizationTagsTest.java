package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;

/**
 * Tags on the organisation's resources as AWS keeps them: given at CreateAccount, CreateOrganizationalUnit and
 * CreatePolicy, changed with TagResource and UntagResource, read with ListTagsForResource, for accounts, OUs, policies
 * and the root; AWS's limits and errors; and aws:RequestTag, aws:TagKeys and aws:ResourceTag in IAM policies that
 * govern those actions.
 */
class OrganizationTagsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String SCP = "SERVICE_CONTROL_POLICY";
    private static final String DENY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
            + "\"Action\":\"s3:DeleteBucket\",\"Resource\":\"*\"}]}";

    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    private static RampartServer server;
    private static OrganizationsCalls org;
    private static String root;

    @BeforeAll
    static void start() {
        server = RAMPART.server();
        org = new OrganizationsCalls(server);
        org.ensureOrganization();
        org.ensurePolicyType(SCP);
        root = org.rootId();
    }

    private static String unique(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet();
    }

    private static ArrayNode tags(Map<String, String> tags) {
        ArrayNode a = JSON.createArrayNode();
        tags.forEach((k, v) -> a.addObject().put("Key", k).put("Value", v));
        return a;
    }

    /** ListTagsForResource, all pages, in order. */
    private static Map<String, String> listTags(String resource) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode page = org.ok("ListTagsForResource", "{\"ResourceId\":\"" + resource + "\"}");
        page.path("Tags")
                .forEach(t -> out.put(t.path("Key").asText(), t.path("Value").asText()));
        assertThat(page.has("NextToken")).isFalse();
        return out;
    }

    private static OrganizationsCalls.Answer tag(String resource, Map<String, String> tags) {
        ObjectNode in = JSON.createObjectNode().put("ResourceId", resource);
        in.set("Tags", tags(tags));
        return org.call("TagResource", in.toString());
    }

    private static void assertError(OrganizationsCalls.Answer a, String type, String reason) {
        assertThat(a.status()).as(a.body().toString()).isEqualTo(400);
        assertThat(a.errorType()).isEqualTo(type);
        if (reason != null) assertThat(a.body().path("Reason").asText()).isEqualTo(reason);
    }

    @Test
    void resourcesAreCreatedWithTagsAndTaggedUntaggedAndListed() {
        String name = unique("tagged");
        ObjectNode create = JSON.createObjectNode().put("AccountName", name).put("Email", name + "@example.com");
        create.set("Tags", tags(Map.of("team", "blue", "cost-center", "42")));
        String account = org.ok("CreateAccount", create.toString())
                .path("CreateAccountStatus")
                .path("AccountId")
                .asText();
        assertThat(listTags(account)).containsExactly(Map.entry("cost-center", "42"), Map.entry("team", "blue"));

        ObjectNode unit = JSON.createObjectNode().put("ParentId", root).put("Name", unique("unit"));
        unit.set("Tags", tags(Map.of("env", "prod")));
        String ou = org.ok("CreateOrganizationalUnit", unit.toString())
                .path("OrganizationalUnit")
                .path("Id")
                .asText();
        assertThat(listTags(ou)).containsExactly(Map.entry("env", "prod"));

        ObjectNode policy = JSON.createObjectNode()
                .put("Name", unique("policy"))
                .put("Description", "")
                .put("Type", SCP)
                .put("Content", DENY);
        policy.set("Tags", tags(Map.of("owner", "security", "empty", "")));
        String policyId = org.ok("CreatePolicy", policy.toString())
                .path("Policy")
                .path("PolicySummary")
                .path("Id")
                .asText();
        assertThat(listTags(policyId)).containsExactly(Map.entry("empty", ""), Map.entry("owner", "security"));

        // TagResource adds and overwrites; UntagResource removes, and a key the resource lacks is no error.
        org.ok("TagResource", "{\"ResourceId\":\"" + root + "\",\"Tags\":[{\"Key\":\"scope\",\"Value\":\"all\"}]}");
        assertThat(listTags(root)).containsExactly(Map.entry("scope", "all"));
        assertThat(tag(account, Map.of("team", "red", "tier", "1")).status()).isEqualTo(200);
        assertThat(listTags(account))
                .containsExactly(Map.entry("cost-center", "42"), Map.entry("team", "red"), Map.entry("tier", "1"));
        org.ok("UntagResource", "{\"ResourceId\":\"" + account + "\",\"TagKeys\":[\"team\",\"never-there\"]}");
        assertThat(listTags(account)).containsExactly(Map.entry("cost-center", "42"), Map.entry("tier", "1"));
        assertThat(listTags(server.accountId())).isEmpty();

        // A deleted OU or policy takes its tags with it.
        org.ok("DeleteOrganizationalUnit", "{\"OrganizationalUnitId\":\"" + ou + "\"}");
        assertError(
                org.call("ListTagsForResource", "{\"ResourceId\":\"" + ou + "\"}"), "TargetNotFoundException", null);
        org.ok("DeletePolicy", "{\"PolicyId\":\"" + policyId + "\"}");
        assertError(
                org.call("ListTagsForResource", "{\"ResourceId\":\"" + policyId + "\"}"),
                "TargetNotFoundException",
                null);
        try (var db = server.openMetadata();
                var s = db.prepareStatement("SELECT COUNT(*) FROM org_tags WHERE resource_id IN (?, ?)")) {
            s.setString(1, ou);
            s.setString(2, policyId);
            try (var rs = s.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void tagsBeyondAwsLimitsAreRefusedWholeWithAwsErrors() {
        String account = org.createAccount(unique("limits"), unique("limits") + "@example.com");
        assertError(tag(account, Map.of("aws:owner", "x")), "InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER");
        assertError(tag(account, Map.of("AWS:owner", "x")), "InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER");
        assertError(
                org.call("UntagResource", "{\"ResourceId\":\"" + account + "\",\"TagKeys\":[\"aws:cloudformation\"]}"),
                "InvalidInputException",
                "INVALID_SYSTEM_TAGS_PARAMETER");
        assertError(tag(account, Map.of("k".repeat(129), "v")), "InvalidInputException", "MAX_LENGTH_EXCEEDED");
        assertError(tag(account, Map.of("k", "v".repeat(257))), "InvalidInputException", "MAX_LENGTH_EXCEEDED");
        assertError(tag(account, Map.of("", "v")), "InvalidInputException", "MIN_LENGTH_EXCEEDED");
        assertThat(tag(account, Map.of("k".repeat(128), "v".repeat(256))).status())
                .isEqualTo(200);
        assertError(
                org.call(
                        "TagResource",
                        "{\"ResourceId\":\"" + account + "\",\"Tags\":[{\"Key\":\"a\",\"Value\":\"1\"},"
                                + "{\"Key\":\"a\",\"Value\":\"2\"}]}"),
                "InvalidInputException",
                "DUPLICATE_TAG_KEY");
        assertError(
                org.call("TagResource", "{\"ResourceId\":\"" + account + "\",\"Tags\":[{\"Key\":\"novalue\"}]}"),
                "InvalidInputException",
                "INPUT_REQUIRED");

        // 50 tags on a resource at most, counting what it has: the request that would pass it changes nothing.
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 48; i++) many.put("t" + i, "v");
        assertThat(tag(account, many).status()).isEqualTo(200);
        assertThat(listTags(account)).hasSize(49);
        assertError(
                tag(account, Map.of("x1", "v", "x2", "v")), "ConstraintViolationException", "MAX_TAG_LIMIT_EXCEEDED");
        assertThat(listTags(account)).hasSize(49).doesNotContainKey("x1");
        assertThat(tag(account, Map.of("t0", "overwritten", "x1", "v")).status())
                .isEqualTo(200);
        assertThat(listTags(account)).hasSize(50).containsEntry("t0", "overwritten");

        // CreateAccount with an invalid tag fails whole: no account is created.
        int before = org.ok("ListAccounts", "{}").path("Accounts").size();
        String name = unique("refused");
        ObjectNode create = JSON.createObjectNode().put("AccountName", name).put("Email", name + "@example.com");
        create.set("Tags", tags(Map.of("aws:reserved", "x")));
        assertError(
                org.call("CreateAccount", create.toString()), "InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER");
        Map<String, String> fiftyOne = new LinkedHashMap<>();
        for (int i = 0; i < 51; i++) fiftyOne.put("k" + i, "v");
        create.set("Tags", tags(fiftyOne));
        assertError(
                org.call("CreateAccount", create.toString()), "ConstraintViolationException", "MAX_TAG_LIMIT_EXCEEDED");
        ObjectNode unit = JSON.createObjectNode().put("ParentId", root).put("Name", unique("unit"));
        unit.set("Tags", tags(fiftyOne));
        assertError(
                org.call("CreateOrganizationalUnit", unit.toString()),
                "ConstraintViolationException",
                "MAX_TAG_LIMIT_EXCEEDED");
        assertThat(org.ok("ListAccounts", "{}").path("Accounts")).hasSize(before);

        // Which resources: ids of the wrong shape, of nothing, and AWS managed policies.
        assertError(
                org.call("ListTagsForResource", "{\"ResourceId\":\"bucket-1\"}"),
                "InvalidInputException",
                "INVALID_PATTERN_TARGET_ID");
        assertError(tag("999999999999", Map.of("a", "b")), "TargetNotFoundException", null);
        assertError(tag("ou-" + root.substring(2) + "-zzzzzzzz", Map.of("a", "b")), "TargetNotFoundException", null);
        assertError(tag("p-nosuchpolicy", Map.of("a", "b")), "TargetNotFoundException", null);
        assertError(tag("p-FullAWSAccess", Map.of("a", "b")), "InvalidInputException", "TARGET_NOT_SUPPORTED");
        assertError(
                org.call("TagResource", "{\"ResourceId\":\"" + account + "\"}"),
                "InvalidInputException",
                "INPUT_REQUIRED");
    }

    @Test
    void requestAndResourceTagConditionsGovernTheTagActions() {
        String blue = org.createAccount(unique("blue"), unique("blue") + "@example.com");
        String red = org.createAccount(unique("red"), unique("red") + "@example.com");
        assertThat(tag(blue, Map.of("team", "blue")).status()).isEqualTo(200);
        assertThat(tag(red, Map.of("team", "red")).status()).isEqualTo(200);

        // A user of the management account who may tag and describe only the blue team's resources, tag only with
        // env tags, and create OUs only tagged env=dev.
        IamClient iam = server.iam();
        String user = unique("tagger");
        iam.createUser(b -> b.userName(user));
        iam.putUserPolicy(b -> b.userName(user).policyName("tags").policyDocument("""
                {"Version":"2012-10-17","Statement":[
                  {"Effect":"Allow","Action":["organizations:TagResource","organizations:UntagResource",
                     "organizations:ListTagsForResource","organizations:DescribeAccount"],"Resource":"*",
                   "Condition":{"StringEquals":{"aws:ResourceTag/team":"blue"}}},
                  {"Effect":"Deny","Action":"organizations:TagResource","Resource":"*",
                   "Condition":{"ForAnyValue:StringNotLike":{"aws:TagKeys":["env"]}}},
                  {"Effect":"Allow","Action":"organizations:CreateOrganizationalUnit","Resource":"*",
                   "Condition":{"StringEquals":{"aws:RequestTag/env":"dev"}}}
                ]}"""));
        AccessKey key = iam.createAccessKey(b -> b.userName(user)).accessKey();
        String id = key.accessKeyId();
        String secret = key.secretAccessKey();

        String tagBlue = "{\"ResourceId\":\"" + blue + "\",\"Tags\":[{\"Key\":\"env\",\"Value\":\"dev\"}]}";
        assertThat(org.call("TagResource", tagBlue, id, secret).status()).isEqualTo(200);
        assertThat(listTags(blue)).containsEntry("env", "dev");
        // Another resource's tags, another request tag key: refused.
        String tagRed = "{\"ResourceId\":\"" + red + "\",\"Tags\":[{\"Key\":\"env\",\"Value\":\"dev\"}]}";
        assertThat(org.call("TagResource", tagRed, id, secret).errorType()).isEqualTo("AccessDeniedException");
        String ownerTag = "{\"ResourceId\":\"" + blue + "\",\"Tags\":[{\"Key\":\"owner\",\"Value\":\"me\"}]}";
        assertThat(org.call("TagResource", ownerTag, id, secret).errorType()).isEqualTo("AccessDeniedException");
        assertThat(org.call("ListTagsForResource", "{\"ResourceId\":\"" + blue + "\"}", id, secret)
                        .status())
                .isEqualTo(200);
        assertThat(org.call("ListTagsForResource", "{\"ResourceId\":\"" + red + "\"}", id, secret)
                        .errorType())
                .isEqualTo("AccessDeniedException");
        assertThat(listTags(red)).containsExactly(Map.entry("team", "red"));
        assertThat(org.call("DescribeAccount", "{\"AccountId\":\"" + blue + "\"}", id, secret)
                        .status())
                .isEqualTo(200);
        assertThat(org.call("DescribeAccount", "{\"AccountId\":\"" + red + "\"}", id, secret)
                        .errorType())
                .isEqualTo("AccessDeniedException");

        ObjectNode dev = JSON.createObjectNode().put("ParentId", root).put("Name", unique("dev"));
        dev.set("Tags", tags(Map.of("env", "dev")));
        assertThat(org.call("CreateOrganizationalUnit", dev.toString(), id, secret)
                        .status())
                .isEqualTo(200);
        ObjectNode prod = JSON.createObjectNode().put("ParentId", root).put("Name", unique("prod"));
        prod.set("Tags", tags(Map.of("env", "prod")));
        assertThat(org.call("CreateOrganizationalUnit", prod.toString(), id, secret)
                        .errorType())
                .isEqualTo("AccessDeniedException");
        ObjectNode untagged = JSON.createObjectNode().put("ParentId", root).put("Name", unique("untagged"));
        assertThat(org.call("CreateOrganizationalUnit", untagged.toString(), id, secret)
                        .errorType())
                .isEqualTo("AccessDeniedException");
    }
}

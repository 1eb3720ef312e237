package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Organisational units end to end (issue #18): the Organizations OU actions in AWS's shapes and errors, and SCPs and
 * RCPs attached to the root, OUs and accounts, evaluated level by level for member accounts while the management
 * account stays exempt, as on AWS.
 */
class OrganizationUnitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    // SSE-C allowed over plain HTTP on new buckets, so that the RCP, not a default, is what blocks it here.
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults().allowSseCOverHttpOnNewBuckets();

    private static RampartServer server;
    private static OrganizationsCalls org;
    private static S3Client admin;
    private static String root;
    private static JsonNode organization;

    @BeforeAll
    static void start() {
        server = RAMPART.server();
        admin = RAMPART.s3();
        org = new OrganizationsCalls(server);
        org.ensureOrganization();
        org.ensurePolicyType("SERVICE_CONTROL_POLICY");
        org.ensurePolicyType("RESOURCE_CONTROL_POLICY");
        root = org.rootId();
        organization = org.ok("DescribeOrganization", "{}").path("Organization");
    }

    private static String unique(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet();
    }

    private static String createUnit(String parent, String name) {
        return org.ok(
                        "CreateOrganizationalUnit",
                        JSON.createObjectNode()
                                .put("ParentId", parent)
                                .put("Name", name)
                                .toString())
                .path("OrganizationalUnit")
                .path("Id")
                .asText();
    }

    private static String move(String account, String from, String to) {
        return "{\"AccountId\":\"" + account + "\",\"SourceParentId\":\"" + from + "\",\"DestinationParentId\":\"" + to
                + "\"}";
    }

    private static String memberAccount() {
        String name = unique("member");
        return org.createAccount(name, name + "@example.com");
    }

    @Test
    void unitsAreCreatedNestedListedAndMovedIntoAsAwsAnswers() {
        String prod = unique("Prod");
        var created = org.ok(
                        "CreateOrganizationalUnit",
                        JSON.createObjectNode()
                                .put("ParentId", root)
                                .put("Name", prod)
                                .toString())
                .path("OrganizationalUnit");
        String ou = created.path("Id").asText();
        assertThat(ou).matches("ou-" + root.substring(2) + "-[a-z0-9]{8}");
        assertThat(created.path("Arn").asText())
                .isEqualTo("arn:aws:organizations::" + server.accountId() + ":ou/"
                        + organization.path("Id").asText() + "/" + ou);
        assertThat(created.path("Name").asText()).isEqualTo(prod);
        assertThat(org.ok("DescribeOrganizationalUnit", "{\"OrganizationalUnitId\":\"" + ou + "\"}")
                        .path("OrganizationalUnit"))
                .isEqualTo(created);
        var duplicate =
                org.call("CreateOrganizationalUnit", "{\"ParentId\":\"" + root + "\",\"Name\":\"" + prod + "\"}");
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.errorType()).isEqualTo("DuplicateOrganizationalUnitException");
        String renamed = unique("Production");
        assertThat(org.ok(
                                "UpdateOrganizationalUnit",
                                "{\"OrganizationalUnitId\":\"" + ou + "\",\"Name\":\"" + renamed + "\"}")
                        .path("OrganizationalUnit")
                        .path("Name")
                        .asText())
                .isEqualTo(renamed);
        assertThat(org.ok("ListOrganizationalUnitsForParent", "{\"ParentId\":\"" + root + "\"}")
                        .path("OrganizationalUnits")
                        .findValuesAsText("Id"))
                .contains(ou);

        // An account moves from the root into the OU; listings follow it.
        String account = memberAccount();
        assertThat(org.ok("ListParents", "{\"ChildId\":\"" + account + "\"}")
                        .path("Parents")
                        .get(0)
                        .path("Type")
                        .asText())
                .isEqualTo("ROOT");
        org.ok("MoveAccount", move(account, root, ou));
        JsonNode parent = org.ok("ListParents", "{\"ChildId\":\"" + account + "\"}")
                .path("Parents")
                .get(0);
        assertThat(parent.path("Id").asText()).isEqualTo(ou);
        assertThat(parent.path("Type").asText()).isEqualTo("ORGANIZATIONAL_UNIT");
        assertThat(org.ok("ListChildren", "{\"ParentId\":\"" + ou + "\",\"ChildType\":\"ACCOUNT\"}")
                        .path("Children"))
                .hasSize(1)
                .first()
                .satisfies(child -> {
                    assertThat(child.path("Id").asText()).isEqualTo(account);
                    assertThat(child.path("Type").asText()).isEqualTo("ACCOUNT");
                });
        assertThat(org.ok("ListChildren", "{\"ParentId\":\"" + root + "\",\"ChildType\":\"ACCOUNT\"}")
                        .path("Children")
                        .findValuesAsText("Id"))
                .contains(server.accountId())
                .doesNotContain(account);
        JsonNode listed = org.ok("ListAccountsForParent", "{\"ParentId\":\"" + ou + "\"}")
                .path("Accounts")
                .get(0);
        assertThat(listed.path("Id").asText()).isEqualTo(account);
        assertThat(listed.path("Status").asText()).isEqualTo("ACTIVE");
        assertThat(listed.path("Arn").asText()).endsWith("/" + account);

        // MoveAccount's errors.
        String missing = "ou-" + root.substring(2) + "-zzzzzzzz";
        assertThat(org.call("MoveAccount", move(account, ou, ou)).errorType()).isEqualTo("DuplicateAccountException");
        assertThat(org.call("MoveAccount", move(account, missing, root)).errorType())
                .isEqualTo("SourceParentNotFoundException");
        assertThat(org.call("MoveAccount", move(account, ou, missing)).errorType())
                .isEqualTo("DestinationParentNotFoundException");
        assertThat(org.call("MoveAccount", move("999999999999", root, ou)).errorType())
                .isEqualTo("AccountNotFoundException");
        var badId = org.call("MoveAccount", move(account, "root", ou));
        assertThat(badId.errorType()).isEqualTo("InvalidInputException");
        assertThat(badId.body().path("Reason").asText()).isEqualTo("INVALID_PATTERN");

        // Only an empty OU may be deleted.
        var notEmpty = org.call("DeleteOrganizationalUnit", "{\"OrganizationalUnitId\":\"" + ou + "\"}");
        assertThat(notEmpty.status()).isEqualTo(400);
        assertThat(notEmpty.errorType()).isEqualTo("OrganizationalUnitNotEmptyException");
        org.ok("MoveAccount", move(account, ou, root));
        org.ok("DeleteOrganizationalUnit", "{\"OrganizationalUnitId\":\"" + ou + "\"}");
        assertThat(org.call("DescribeOrganizationalUnit", "{\"OrganizationalUnitId\":\"" + ou + "\"}")
                        .errorType())
                .isEqualTo("OrganizationalUnitNotFoundException");
        assertThat(org.call("ListChildren", "{\"ParentId\":\"" + missing + "\",\"ChildType\":\"ACCOUNT\"}")
                        .errorType())
                .isEqualTo("ParentNotFoundException");
        assertThat(org.call("ListParents", "{\"ChildId\":\"" + missing + "\"}").errorType())
                .isEqualTo("ChildNotFoundException");
    }

    @Test
    void unitsNestFiveDeepAndListingsPage() {
        String parent = root;
        String first = null;
        for (int depth = 1; depth <= 5; depth++) {
            parent = createUnit(parent, unique("level" + depth));
            if (first == null) first = parent;
        }
        var tooDeep = org.call("CreateOrganizationalUnit", "{\"ParentId\":\"" + parent + "\",\"Name\":\"level6\"}");
        assertThat(tooDeep.status()).isEqualTo(400);
        assertThat(tooDeep.errorType()).isEqualTo("ConstraintViolationException");
        assertThat(tooDeep.body().path("Reason").asText()).isEqualTo("OU_DEPTH_LIMIT_EXCEEDED");

        String a = createUnit(first, "a");
        String b = createUnit(first, "b");
        JsonNode page1 = org.ok(
                "ListChildren",
                "{\"ParentId\":\"" + first + "\",\"ChildType\":\"ORGANIZATIONAL_UNIT\"," + "\"MaxResults\":2}");
        assertThat(page1.path("Children")).hasSize(2);
        JsonNode page2 = org.ok(
                "ListChildren",
                "{\"ParentId\":\"" + first
                        + "\",\"ChildType\":\"ORGANIZATIONAL_UNIT\",\"MaxResults\":2,\"NextToken\":\""
                        + page1.path("NextToken").asText() + "\"}");
        assertThat(page2.has("NextToken")).isFalse();
        assertThat(page1.path("Children").findValuesAsText("Id"))
                .hasSize(2)
                .doesNotContainAnyElementsOf(page2.path("Children").findValuesAsText("Id"));
        assertThat(page2.path("Children").findValuesAsText("Id")).hasSize(1);
        assertThat(org.call("ListChildren", "{\"ParentId\":\"" + first + "\",\"ChildType\":\"BUCKET\"}")
                        .errorType())
                .isEqualTo("InvalidInputException");
        for (String ou : java.util.List.of(a, b))
            org.ok("DeleteOrganizationalUnit", "{\"OrganizationalUnitId\":\"" + ou + "\"}");
    }

    @Test
    void policiesAttachToUnitsUnderAwsRules() {
        String ou = createUnit(root, unique("Attach"));
        String full = "p-FullAWSAccess";
        // A new OU gets the enabled types' full-access defaults, and must keep one SCP.
        assertThat(org.ok(
                                "ListPoliciesForTarget",
                                "{\"TargetId\":\"" + ou + "\",\"Filter\":\"SERVICE_CONTROL_POLICY\"}")
                        .path("Policies")
                        .findValuesAsText("Name"))
                .containsExactly("FullAWSAccess");
        var last = org.call("DetachPolicy", "{\"PolicyId\":\"" + full + "\",\"TargetId\":\"" + ou + "\"}");
        assertThat(last.errorType()).isEqualTo("ConstraintViolationException");
        assertThat(last.body().path("Reason").asText()).isEqualTo("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
        String deny = org.createPolicy(
                unique("DenyDelete"),
                "SERVICE_CONTROL_POLICY",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:DeleteBucket\","
                        + "\"Resource\":\"*\"}]}");
        org.attach(deny, ou);
        assertThat(org.call("AttachPolicy", "{\"PolicyId\":\"" + deny + "\",\"TargetId\":\"" + ou + "\"}")
                        .errorType())
                .isEqualTo("DuplicatePolicyAttachmentException");
        JsonNode target = org.ok("ListTargetsForPolicy", "{\"PolicyId\":\"" + deny + "\"}")
                .path("Targets")
                .get(0);
        assertThat(target.path("TargetId").asText()).isEqualTo(ou);
        assertThat(target.path("Type").asText()).isEqualTo("ORGANIZATIONAL_UNIT");
        assertThat(target.path("Arn").asText())
                .endsWith(":ou/" + organization.path("Id").asText() + "/" + ou);
        assertThat(org.call("DeletePolicy", "{\"PolicyId\":\"" + deny + "\"}").errorType())
                .isEqualTo("PolicyInUseException");
        String missing = "ou-" + root.substring(2) + "-zzzzzzzz";
        assertThat(org.call("AttachPolicy", "{\"PolicyId\":\"" + deny + "\",\"TargetId\":\"" + missing + "\"}")
                        .errorType())
                .isEqualTo("TargetNotFoundException");
        var badTarget = org.call("AttachPolicy", "{\"PolicyId\":\"" + deny + "\",\"TargetId\":\"bucket\"}");
        assertThat(badTarget.errorType()).isEqualTo("InvalidInputException");
        assertThat(badTarget.body().path("Reason").asText()).isEqualTo("INVALID_PATTERN_TARGET_ID");
        // With another SCP attached, FullAWSAccess may leave the OU; deleting the OU drops its attachments.
        org.detach(full, ou);
        org.ok("DeleteOrganizationalUnit", "{\"OrganizationalUnitId\":\"" + ou + "\"}");
        assertThat(org.ok("ListTargetsForPolicy", "{\"PolicyId\":\"" + deny + "\"}")
                        .path("Targets"))
                .isEmpty();
        org.ok("DeletePolicy", "{\"PolicyId\":\"" + deny + "\"}");
    }

    @Test
    void aMemberAccountCannotShapeTheTree() {
        String account = memberAccount();
        AwsSessionCredentials owner = org.accessRole(account);
        var refused = org.call(
                "CreateOrganizationalUnit",
                "{\"ParentId\":\"" + root + "\",\"Name\":\"mine\"}",
                AwsSessionCredentialsIdentity.create(
                        owner.accessKeyId(), owner.secretAccessKey(), owner.sessionToken()));
        assertThat(refused.errorType()).isEqualTo("AccessDeniedException");
        var move = org.call(
                "MoveAccount",
                move(account, root, root),
                AwsSessionCredentialsIdentity.create(
                        owner.accessKeyId(), owner.secretAccessKey(), owner.sessionToken()));
        assertThat(move.errorType()).isEqualTo("AccessDeniedException");
    }

    /**
     * Issue #18's "Done when": two member accounts in one organisation; an RCP on the root blocks SSE-C uploads in both
     * while plain uploads pass; an SCP on an OU denies s3:DeleteBucket to the account inside it and not to the one
     * outside; the management account is exempt from both; every level of the path must allow.
     */
    @Test
    void guardrailsApplyLevelByLevelToMemberAccountsAndSpareTheManagementAccount() throws Exception {
        String inside = memberAccount();
        String outside = memberAccount();
        String restricted = createUnit(root, unique("Restricted"));
        org.ok("MoveAccount", move(inside, root, restricted));
        String insideName = org.ok("DescribeAccount", "{\"AccountId\":\"" + inside + "\"}")
                .path("Account")
                .path("Name")
                .asText();
        S3Client insideS3 = server.s3(org.accessRole(inside));
        S3Client outsideS3 = server.s3(org.accessRole(outside));
        String insideBucket = unique("inside");
        String outsideBucket = unique("outside");
        String managementBucket = unique("management");
        insideS3.createBucket(b -> b.bucket(insideBucket));
        outsideS3.createBucket(b -> b.bucket(outsideBucket));
        admin.createBucket(b -> b.bucket(managementBucket));
        SseCKey key = SseCKey.random();

        // The RCP on the root blocks SSE-C in both member accounts; plain uploads pass; the management account is
        // exempt.
        String blockSseC = org.createPolicy(
                unique("BlockSSEC"),
                "RESOURCE_CONTROL_POLICY",
                Files.readString(Path.of("policies/block-ssec.rcp.json")));
        org.attach(blockSseC, root);
        try {
            for (var entry : java.util.Map.of(insideS3, insideBucket, outsideS3, outsideBucket)
                    .entrySet()) {
                S3Client s3 = entry.getKey();
                String bucket = entry.getValue();
                S3Errors.assertS3Error(
                        () -> s3.putObject(
                                b -> b.bucket(bucket)
                                        .key("secret")
                                        .sseCustomerAlgorithm("AES256")
                                        .sseCustomerKey(key.base64())
                                        .sseCustomerKeyMD5(key.md5()),
                                RequestBody.fromString("c")),
                        403,
                        "AccessDenied");
                s3.putObject(b -> b.bucket(bucket).key("plain"), RequestBody.fromString("p"));
            }
            admin.putObject(
                    b -> b.bucket(managementBucket)
                            .key("secret")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(key.base64())
                            .sseCustomerKeyMD5(key.md5()),
                    RequestBody.fromString("c"));
        } finally {
            org.detach(blockSseC, root);
        }

        // The SCP on the OU denies DeleteBucket to the account inside, not to the one outside.
        String denyDelete = org.createPolicy(
                unique("DenyDeleteBucket"),
                "SERVICE_CONTROL_POLICY",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:DeleteBucket\","
                        + "\"Resource\":\"*\"}]}");
        String insideEmpty = unique("inside-empty");
        String outsideEmpty = unique("outside-empty");
        String managementEmpty = unique("management-empty");
        insideS3.createBucket(b -> b.bucket(insideEmpty));
        outsideS3.createBucket(b -> b.bucket(outsideEmpty));
        admin.createBucket(b -> b.bucket(managementEmpty));
        org.attach(denyDelete, restricted);
        org.attach(denyDelete, inside);
        JsonNode targets = org.ok("ListTargetsForPolicy", "{\"PolicyId\":\"" + denyDelete + "\"}")
                .path("Targets");
        assertThat(targets.findValuesAsText("Type")).containsExactlyInAnyOrder("ORGANIZATIONAL_UNIT", "ACCOUNT");
        assertThat(targets.findValuesAsText("Name")).contains(insideName);
        org.detach(denyDelete, inside);
        try {
            S3Errors.assertS3Error(() -> insideS3.deleteBucket(b -> b.bucket(insideEmpty)), 403, "AccessDenied");
            outsideS3.deleteBucket(b -> b.bucket(outsideEmpty));
            // On the root it reaches every member account, never the management account.
            org.attach(denyDelete, root);
            try {
                String again = unique("outside-again");
                outsideS3.createBucket(b -> b.bucket(again));
                S3Errors.assertS3Error(() -> outsideS3.deleteBucket(b -> b.bucket(again)), 403, "AccessDenied");
                admin.deleteBucket(b -> b.bucket(managementEmpty));
            } finally {
                org.detach(denyDelete, root);
            }
        } finally {
            org.detach(denyDelete, restricted);
        }
        insideS3.deleteBucket(b -> b.bucket(insideEmpty));

        // Every level must allow: with only read access allowed on the OU, FullAWSAccess on the root and the account
        // does not let the account inside write.
        String readOnly = org.createPolicy(
                unique("S3ReadOnly"),
                "SERVICE_CONTROL_POLICY",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:Get*\",\"s3:List*\"],"
                        + "\"Resource\":\"*\"}]}");
        org.attach(readOnly, restricted);
        org.detach("p-FullAWSAccess", restricted);
        try {
            S3Errors.assertS3Error(
                    () -> insideS3.putObject(b -> b.bucket(insideBucket).key("w"), RequestBody.fromString("w")),
                    403,
                    "AccessDenied");
            assertThat(insideS3.getObjectAsBytes(b -> b.bucket(insideBucket).key("plain"))
                            .asUtf8String())
                    .isEqualTo("p");
            outsideS3.putObject(b -> b.bucket(outsideBucket).key("w"), RequestBody.fromString("w"));
        } finally {
            org.attach("p-FullAWSAccess", restricted);
            org.detach(readOnly, restricted);
        }
        insideS3.putObject(b -> b.bucket(insideBucket).key("w"), RequestBody.fromString("w"));

        // aws:PrincipalOrgPaths: a bucket policy admitting principals of the Restricted OU lets the account inside
        // read and not the one outside.
        String path = organization.path("Id").asText() + "/" + root + "/" + restricted + "/*";
        admin.putObject(b -> b.bucket(managementBucket).key("shared"), RequestBody.fromString("s"));
        admin.putBucketPolicy(b -> b.bucket(managementBucket).policy("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
                 "Resource":"arn:aws:s3:::%s/*",
                 "Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"%s"}}}]}""".formatted(managementBucket, path)));
        assertThat(insideS3.getObjectAsBytes(b -> b.bucket(managementBucket).key("shared"))
                        .asUtf8String())
                .isEqualTo("s");
        S3Errors.assertS3Error(
                () -> outsideS3.getObjectAsBytes(b -> b.bucket(managementBucket).key("shared")), 403, "AccessDenied");
    }
}

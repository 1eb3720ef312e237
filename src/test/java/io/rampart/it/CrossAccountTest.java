package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * Cross-account access as AWS evaluates it: a caller in one account on a bucket of another needs an Allow in its own
 * identity policies and in the bucket's policy; AssumeRole into another account's role needs the role's trust policy
 * to name the caller or its account and the caller's policy to allow it; the organisation and account condition keys.
 * The trail gives each record to the account owning the resource.
 */
class CrossAccountTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    private static RampartServer server;
    private static OrganizationsCalls org;
    /** The management account (A) and a member account (B). */
    private static String a;

    private static String b;
    private static String orgId;
    private static IamClient iamA;
    private static IamClient iamB;
    private static S3Client s3B;

    @BeforeAll
    static void start() {
        server = RAMPART.server();
        a = server.accountId();
        org = new OrganizationsCalls(server);
        orgId = org.call("CreateOrganization", "{}")
                .body()
                .path("Organization")
                .path("Id")
                .asText();
        b = org.call("CreateAccount", "{\"AccountName\":\"B\",\"Email\":\"b@example.com\"}")
                .body()
                .path("CreateAccountStatus")
                .path("AccountId")
                .asText();
        Credentials c = server.sts()
                .assumeRole(r -> r.roleArn("arn:aws:iam::" + b + ":role/OrganizationAccountAccessRole")
                        .roleSessionName("setup"))
                .credentials();
        AwsCredentials bAdmin = AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
        iamA = RAMPART.iam();
        iamB = server.iam(bAdmin);
        s3B = server.s3(bAdmin);
        s3B.createBucket(r -> r.bucket("b-data"));
        s3B.putObject(r -> r.bucket("b-data").key("report.csv"), RequestBody.fromString("numbers"));
    }

    private static AwsBasicCredentials userIn(IamClient iam, String name) {
        iam.createUser(r -> r.userName(name));
        AccessKey k = iam.createAccessKey(r -> r.userName(name)).accessKey();
        return AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey());
    }

    private static int read(AwsCredentials who) {
        try {
            server.s3(who).getObjectAsBytes(r -> r.bucket("b-data").key("report.csv"));
            return 200;
        } catch (S3Exception e) {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
            return e.statusCode();
        }
    }

    private static void bucketPolicy(String statements) {
        s3B.putBucketPolicy(
                r -> r.bucket("b-data").policy("{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}"));
    }

    private static String allowGet(String principal) {
        return "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + principal + "\"},\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::b-data/*\"}";
    }

    @Test
    void crossAccountReadNeedsTheIdentityPolicyAndTheBucketPolicy() {
        AwsBasicCredentials reader = userIn(iamA, "reader");
        String readerArn = "arn:aws:iam::" + a + ":user/reader";
        assertThat(read(reader)).as("neither allows").isEqualTo(403);

        iamA.putUserPolicy(r -> r.userName("reader").policyName("read-b").policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
                 "Resource":"arn:aws:s3:::b-data/*"}]}"""));
        assertThat(read(reader)).as("only the identity policy allows").isEqualTo(403);

        bucketPolicy(allowGet(readerArn));
        assertThat(read(reader)).as("both allow").isEqualTo(200);

        iamA.deleteUserPolicy(r -> r.userName("reader").policyName("read-b"));
        assertThat(read(reader)).as("only the bucket policy allows").isEqualTo(403);

        // The bucket policy naming the account (not the user) delegates to that account's IAM policies.
        iamA.putUserPolicy(r -> r.userName("reader").policyName("read-b").policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"""));
        bucketPolicy(allowGet(a));
        assertThat(read(reader)).as("account principal plus identity policy").isEqualTo(200);

        // An explicit deny anywhere wins.
        bucketPolicy(allowGet(a) + ",{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"" + readerArn
                + "\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b-data/*\"}");
        assertThat(read(reader)).as("explicit deny in the bucket policy").isEqualTo(403);
        s3B.deleteBucketPolicy(r -> r.bucket("b-data"));
        iamA.deleteUserPolicy(r -> r.userName("reader").policyName("read-b"));
    }

    @Test
    void inTheSameAccountEitherPolicySuffices() {
        AwsBasicCredentials local = userIn(iamB, "local");
        assertThat(read(local)).isEqualTo(403);
        bucketPolicy(allowGet("arn:aws:iam::" + b + ":user/local"));
        assertThat(read(local)).as("the bucket policy alone, same account").isEqualTo(200);
        s3B.deleteBucketPolicy(r -> r.bucket("b-data"));
        assertThat(read(local)).isEqualTo(403);
    }

    @Test
    void organisationAndAccountConditionKeys() {
        AwsBasicCredentials auditor = userIn(iamA, "auditor");
        // Identity side: only resources of account B, and only inside the organisation.
        iamA.putUserPolicy(r -> r.userName("auditor").policyName("b-only").policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
                 "Condition":{"StringEquals":{"s3:ResourceAccount":"%s","aws:ResourceOrgID":"%s"}}}]}""".formatted(b, orgId)));
        // Resource side: anyone in the organisation.
        String inOrg = "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::b-data/*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalOrgID\":\""
                + orgId + "\"}}}";
        bucketPolicy(inOrg);
        assertThat(read(auditor)).as("in the organisation").isEqualTo(200);

        bucketPolicy(inOrg.replace(orgId, "o-someoneelse"));
        assertThat(read(auditor)).as("another organisation's id").isEqualTo(403);

        bucketPolicy(inOrg + ",{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\","
                + "\"Resource\":\"arn:aws:s3:::b-data/*\",\"Condition\":{\"StringNotEquals\":{\"aws:PrincipalAccount\":\""
                + b + "\"}}}");
        assertThat(read(auditor))
                .as("denied outside account B by aws:PrincipalAccount")
                .isEqualTo(403);

        bucketPolicy(inOrg);
        iamA.putUserPolicy(r -> r.userName("auditor").policyName("b-only").policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
                 "Condition":{"StringEquals":{"aws:ResourceAccount":"%s"}}}]}""".formatted(a)));
        assertThat(read(auditor))
                .as("the identity policy allows only account A's resources")
                .isEqualTo(403);
        s3B.deleteBucketPolicy(r -> r.bucket("b-data"));
    }

    @Test
    void assumeRoleAcrossAccountsNeedsTrustAndIdentityPolicy() {
        iamB.createRole(r -> r.roleName("partner").assumeRolePolicyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"%s"},
                 "Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"%s"}}}]}""".formatted(a, orgId)));
        iamB.createRole(r -> r.roleName("stranger").assumeRolePolicyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
                 "Action":"sts:AssumeRole"}]}"""));
        AwsBasicCredentials assumer = userIn(iamA, "assumer");
        String partner = "arn:aws:iam::" + b + ":role/partner";
        assertThatThrownBy(() ->
                        server.sts(assumer).assumeRole(r -> r.roleArn(partner).roleSessionName("partner-session")))
                .as("trust names the account, but no identity policy allows it")
                .isInstanceOfSatisfying(
                        StsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
        iamA.putUserPolicy(r -> r.userName("assumer").policyName("assume").policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"""));
        Credentials c = server.sts(assumer)
                .assumeRole(r -> r.roleArn(partner).roleSessionName("partner-session"))
                .credentials();
        var me = server.sts(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()))
                .getCallerIdentity();
        assertThat(me.account()).isEqualTo(b);
        assertThat(me.arn()).isEqualTo("arn:aws:sts::" + b + ":assumed-role/partner/partner-session");
        assertThatThrownBy(() -> server.sts(assumer)
                        .assumeRole(r -> r.roleArn("arn:aws:iam::" + b + ":role/stranger")
                                .roleSessionName("partner-session")))
                .as("trust names another account")
                .isInstanceOfSatisfying(
                        StsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
    }

    @Test
    void theTrailGivesEachRecordToTheResourceOwnersAccount() throws Exception {
        AwsBasicCredentials visitor = userIn(iamA, "visitor");
        iamA.putUserPolicy(r -> r.userName("visitor").policyName("read").policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"""));
        s3B.putBucketPolicy(r -> r.bucket("b-data")
                .policy("{\"Version\":\"2012-10-17\",\"Statement\":["
                        + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + a + ":user/visitor\"},"
                        + "\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::b-data/*\"}]}"));
        server.s3(visitor).putObject(r -> r.bucket("b-data").key("from-a"), RequestBody.fromString("x"));
        JsonNode put = TrailITRecordsTest.awaitRecord(
                server.dataDir(),
                r -> "PutObject".equals(r.path("eventName").asText())
                        && "from-a"
                                .equals(r.path("requestParameters").path("key").asText()));
        assertThat(put.path("recipientAccountId").asText()).isEqualTo(b);
        assertThat(put.path("userIdentity").path("accountId").asText()).isEqualTo(a);
        assertThat(put.path("resources").get(1).path("accountId").asText()).isEqualTo(b);
        // With ACLs disabled (BucketOwnerEnforced) the bucket owner owns the object another account wrote.
        assertThat(s3B.getObjectAcl(r -> r.bucket("b-data").key("from-a"))
                        .owner()
                        .id())
                .isEqualTo(s3B.listBuckets().owner().id());

        iamB.listUsers();
        JsonNode listUsers = TrailITRecordsTest.awaitRecord(
                server.dataDir(),
                r -> "ListUsers".equals(r.path("eventName").asText())
                        && b.equals(r.path("userIdentity").path("accountId").asText()));
        assertThat(listUsers.path("recipientAccountId").asText()).isEqualTo(b);

        JsonNode assumed = TrailITRecordsTest.awaitRecord(
                server.dataDir(),
                r -> "AssumeRole".equals(r.path("eventName").asText())
                        && r.path("requestParameters")
                                .path("roleArn")
                                .asText()
                                .equals("arn:aws:iam::" + b + ":role/OrganizationAccountAccessRole"));
        assertThat(assumed.path("recipientAccountId").asText()).isEqualTo(b);
        assertThat(assumed.path("userIdentity").path("accountId").asText()).isEqualTo(a);

        // trail query --account: the records account B received or its principals made, not A's own.
        var query = new io.rampart.audit.TrailQuery(null, null, null, null, null, null, null, b);
        var layout = io.rampart.audit.TrailLayout.ofDataDir(server.dataDir());
        assertThat(query.run(layout))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(java.util.List.of(
                                r.path("recipientAccountId").asText(),
                                r.path("userIdentity").path("accountId").asText()))
                        .contains(b));
        assertThat(query.run(layout))
                .noneMatch(r -> "CreateOrganization".equals(r.path("eventName").asText()));
        s3B.deleteBucketPolicy(r -> r.bucket("b-data"));
    }
}

package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.EncryptionType;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Bucket policies through the AWS SDK: Put/Get/DeleteBucketPolicy and GetBucketPolicyStatus, and their enforcement on
 * every S3 request, with the two policies Rampart ships from AWS's guidance (policies/*.json): SSE-C blocked by
 * policy, and writes with long-lived keys refused except for break-glass principals.
 */
class BucketPolicyTest {
    // SSE-C over plain HTTP is allowed, and each bucket unblocks SSE-C, so that only the policy blocks it.
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults().allowSseCOverHttp();

    static RampartServer server;
    static S3Client s3;
    static RawS3 raw;
    static final AtomicInteger SEQ = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        raw = RAMPART.raw();
    }

    static String newBucket() {
        String name = "policy-" + SEQ.incrementAndGet();
        s3.createBucket(b -> b.bucket(name));
        s3.putBucketEncryption(b -> b.bucket(name)
                .serverSideEncryptionConfiguration(c -> c.rules(
                        r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256))
                                .blockedEncryptionTypes(t -> t.encryptionType(EncryptionType.NONE)))));
        return name;
    }

    /** A shipped policy file with BUCKET (and the break-glass ARNs) filled in. */
    static String shipped(String file, String bucket) throws Exception {
        Path p = Path.of("policies", file);
        return Files.readString(p).replace("BUCKET", bucket);
    }

    static String adminArn() {
        return "arn:aws:iam::" + server.accountId() + ":user/admin";
    }

    static void put(String bucket, String key, String text) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(text));
    }

    static String get(S3Client client, String bucket, String key) {
        return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
    }

    // ---- the AWS blog's SSE-C bucket policy ----

    @Test
    void awsBlogPolicyDeniesPutObjectAndCopyObjectWithSseCAndAllowsThemWithout() throws Exception {
        String bucket = newBucket();
        put(bucket, "source", "original");
        s3.putBucketPolicy(b -> b.bucket(bucket).policy("""
                {
                  "Version": "2012-10-17",
                  "Statement": [
                    {
                      "Sid": "RestrictSSECObjectUploads",
                      "Effect": "Deny",
                      "Principal": "*",
                      "Action": "s3:PutObject",
                      "Resource": "arn:aws:s3:::BUCKET/*",
                      "Condition": {
                        "Null": {
                          "s3:x-amz-server-side-encryption-customer-algorithm": "false"
                        }
                      }
                    }
                  ]
                }""".replace("BUCKET", bucket)));
        SseCKey k = SseCKey.random();

        assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(bucket)
                                .key("ssec")
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(k.base64())
                                .sseCustomerKeyMD5(k.md5()),
                        RequestBody.fromString("x")),
                403,
                "AccessDenied",
                "Access Denied");
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("source")
                        .destinationBucket(bucket)
                        .destinationKey("source")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k.base64())
                        .sseCustomerKeyMD5(k.md5())),
                403,
                "AccessDenied",
                "Access Denied");
        assertS3Error(
                () -> s3.createMultipartUpload(b -> b.bucket(bucket)
                        .key("mpu")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k.base64())
                        .sseCustomerKeyMD5(k.md5())),
                403,
                "AccessDenied",
                "Access Denied");
        // The object the attack would have re-encrypted is untouched.
        assertThat(get(s3, bucket, "source")).isEqualTo("original");

        put(bucket, "plain", "fine");
        assertThat(get(s3, bucket, "plain")).isEqualTo("fine");
        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("source")
                .destinationBucket(bucket)
                .destinationKey("copy"));
        assertThat(get(s3, bucket, "copy")).isEqualTo("original");
        s3.putObject(
                b -> b.bucket(bucket).key("sse-s3").serverSideEncryption(ServerSideEncryption.AES256),
                RequestBody.fromString("s3 managed"));
    }

    @Test
    void shippedSseCPolicyIsTheBlogPolicy() throws Exception {
        String bucket = newBucket();
        s3.putBucketPolicy(
                b -> b.bucket(bucket).policy(uncheckedShipped("deny-ssec-uploads.bucket-policy.json", bucket)));
        SseCKey k = SseCKey.random();
        assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(bucket)
                                .key("ssec")
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(k.base64())
                                .sseCustomerKeyMD5(k.md5()),
                        RequestBody.fromString("x")),
                403,
                "AccessDenied");
        put(bucket, "plain", "fine");
    }

    static String uncheckedShipped(String file, String bucket) {
        try {
            return shipped(file, bucket);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- the long-lived key guardrail ----

    @Test
    void guardrailDeniesWritesWithLongLivedKeysUnlessBreakGlass() throws Exception {
        String bucket = newBucket();
        put(bucket, "existing", "before");
        String guardrail = shipped("deny-long-lived-key-writes.bucket-policy.json", bucket)
                .replace("ACCOUNT_ID", server.accountId());
        s3.putBucketPolicy(b -> b.bucket(bucket).policy(guardrail));

        // The admin signs with a long-lived key (no session token): aws:TokenIssueTime is absent, so Null=true matches.
        assertS3Error(() -> put(bucket, "new", "x"), 403, "AccessDenied", "Access Denied");
        assertS3Error(() -> s3.deleteObject(b -> b.bucket(bucket).key("existing")), 403, "AccessDenied");
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("existing")
                        .destinationBucket(bucket)
                        .destinationKey("copy")),
                403,
                "AccessDenied");
        DeleteObjectsResponse bulk = s3.deleteObjects(b -> b.bucket(bucket)
                .delete(d ->
                        d.objects(ObjectIdentifier.builder().key("existing").build())));
        assertThat(bulk.errors()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("existing");
            assertThat(e.code()).isEqualTo("AccessDenied");
        });
        // Reads and configuration are not data writes.
        assertThat(get(s3, bucket, "existing")).isEqualTo("before");
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).hasSize(1);

        // Listed as break-glass, the same key writes again.
        s3.putBucketPolicy(b -> b.bucket(bucket)
                .policy(guardrail.replace("arn:aws:iam::" + server.accountId() + ":user/break-glass", adminArn())));
        put(bucket, "new", "x");
        s3.deleteObject(b -> b.bucket(bucket).key("existing"));
        assertThat(get(s3, bucket, "new")).isEqualTo("x");
    }

    // ---- public access ----

    @Test
    void publicReadPolicyLetsAnUnsignedGetThroughButNotAWrite() {
        String bucket = newBucket();
        put(bucket, "public/page.html", "<h1>hello</h1>");
        put(bucket, "private.txt", "secret");
        assertThat(raw.unsigned("GET", "/" + bucket + "/public/page.html", Map.of(), null)
                        .status())
                .isEqualTo(403);

        s3.putBucketPolicy(b -> b.bucket(bucket).policy("""
                {"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*",
                 "Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/public/*"}]}""".formatted(bucket)));

        RawS3.Reply ok = raw.unsigned("GET", "/" + bucket + "/public/page.html", Map.of(), null);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.text()).isEqualTo("<h1>hello</h1>");
        RawS3.Reply other = raw.unsigned("GET", "/" + bucket + "/private.txt", Map.of(), null);
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.error()).containsEntry("Code", "AccessDenied").containsEntry("Message", "Access Denied");
        RawS3.Reply head = raw.unsigned("HEAD", "/" + bucket + "/private.txt", Map.of(), null);
        assertThat(head.status()).isEqualTo(403);
        assertThat(head.body()).isEmpty();
        RawS3.Reply write = raw.unsigned(
                "PUT", "/" + bucket + "/public/defaced.html", Map.of(), "defaced".getBytes(StandardCharsets.UTF_8));
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.error()).containsEntry("Code", "AccessDenied");
        assertThat(raw.unsigned("GET", "/" + bucket, Map.of(), null).status()).isEqualTo(403);
        assertThat(raw.unsigned("DELETE", "/" + bucket + "/public/page.html", Map.of(), null)
                        .status())
                .isEqualTo(403);
        assertThat(get(s3, bucket, "public/page.html")).isEqualTo("<h1>hello</h1>");

        assertThat(s3.getBucketPolicyStatus(b -> b.bucket(bucket))
                        .policyStatus()
                        .isPublic())
                .isTrue();
    }

    @Test
    void aMissingBucketIsStillNoSuchBucket() {
        assertS3Error(() -> s3.getObject(b -> b.bucket("no-such-policy-bucket").key("k")), 404, "NoSuchBucket");
        assertS3Error(() -> s3.getBucketPolicy(b -> b.bucket("no-such-policy-bucket")), 404, "NoSuchBucket");
    }

    // ---- the policy API ----

    @Test
    void policyRoundTripsAndDeleteRemovesIt() {
        String bucket = newBucket();
        assertS3Error(
                () -> s3.getBucketPolicy(b -> b.bucket(bucket)),
                404,
                "NoSuchBucketPolicy",
                "The bucket policy does not exist");
        assertS3Error(
                () -> s3.getBucketPolicyStatus(b -> b.bucket(bucket)),
                404,
                "NoSuchBucketPolicy",
                "The bucket policy does not exist");
        String policy = """
                {"Version":"2012-10-17","Id":"mine","Statement":[{"Sid":"OwnerOnly","Effect":"Allow",
                 "Principal":{"AWS":"%s"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}]}""".formatted(adminArn(), bucket);
        s3.putBucketPolicy(b -> b.bucket(bucket).policy(policy));
        assertThat(s3.getBucketPolicy(b -> b.bucket(bucket)).policy()).isEqualTo(policy);
        assertThat(s3.getBucketPolicyStatus(b -> b.bucket(bucket))
                        .policyStatus()
                        .isPublic())
                .isFalse();
        // Other settings of the bucket survive a policy change.
        assertThat(s3.getBucketEncryption(b -> b.bucket(bucket))
                        .serverSideEncryptionConfiguration()
                        .rules()
                        .get(0)
                        .blockedEncryptionTypes()
                        .encryptionType())
                .containsExactly(EncryptionType.NONE);
        s3.deleteBucketPolicy(b -> b.bucket(bucket));
        assertS3Error(() -> s3.getBucketPolicy(b -> b.bucket(bucket)), 404, "NoSuchBucketPolicy");
        s3.deleteBucketPolicy(b -> b.bucket(bucket));
    }

    @ParameterizedTest(name = "{0} -> public={1}")
    @CsvSource(delimiter = '|', textBlock = """
            "Principal":"*","Action":"s3:GetObject"                                                              | true
            "Principal":{"AWS":"*"},"Action":"s3:GetObject"                                                      | true
            "Principal":{"AWS":["*"]},"Action":"s3:*"                                                            | true
            "Principal":"*","Action":"s3:GetObject","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}  | false
            "Principal":"*","Action":"s3:GetObject","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}       | true
            "Principal":"*","Action":"s3:GetObject","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}} | false
            "Principal":"*","Action":"s3:GetObject","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*"}} | true
            "Principal":"*","Action":"s3:GetObject","Condition":{"Bool":{"aws:SecureTransport":"true"}}          | true
            "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject"                         | false
            """)
    void policyStatusFollowsTheMeaningOfPublic(String statement, boolean isPublic) {
        String bucket = newBucket();
        s3.putBucketPolicy(b -> b.bucket(bucket)
                .policy("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"," + statement
                        + ",\"Resource\":\"arn:aws:s3:::" + bucket + "/*\"}]}"));
        assertThat(s3.getBucketPolicyStatus(b -> b.bucket(bucket))
                        .policyStatus()
                        .isPublic())
                .isEqualTo(isPublic);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            not JSON                   | `not a policy`                                                                          | Policies must be valid JSON and the first byte must be '{'
            empty document             | `{}`                                                                                    | Missing required field Statement
            unknown top-level field    | `{"Version":"2012-10-17","Foo":1,"Statement":[]}`                                       | Policy has an unknown field
            bad version                | `{"Version":"2013-01-01","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::B/*"}]}` | The policy failed legacy parsing
            missing effect             | `{"Version":"2012-10-17","Statement":[{"Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::B/*"}]}` | Missing required field Effect
            invalid effect             | `{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::B/*"}]}` | Invalid effect
            missing principal          | `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::B/*"}]}` | Missing required field Principal
            invalid principal          | `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::B/*"}]}` | Invalid principal in policy
            NotPrincipal with Allow    | `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::B/*"}]}` | NotPrincipal must be used with "Effect":"Deny"
            missing action             | `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Resource":"arn:aws:s3:::B/*"}]}` | Missing required field Action
            invalid action             | `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"GetObject","Resource":"arn:aws:s3:::B/*"}]}` | Policy has invalid action
            missing resource           | `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}` | Missing required field Resource
            resource of another bucket | `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::someone-else/*"}]}` | Policy has invalid resource
            resource wildcard          | `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}` | Policy has invalid resource
            resource not an ARN        | `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"B/*"}]}` | Policy has invalid resource
            unknown operator           | `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::B/*","Condition":{"StringSortOf":{"s3:prefix":"a"}}}]}` | Unknown condition operator
            invalid condition key      | `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::B/*","Condition":{"StringEquals":{"nokey":"a"}}}]}` | Policy has an invalid condition key
            duplicate Sid              | `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::B/*"},{"Sid":"A","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::B/*"}]}` | Statement IDs (SID) in a single policy must be unique.
            both Action and NotAction  | `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"arn:aws:s3:::B/*"}]}` | Statement cannot contain both Action and NotAction
            """)
    void malformedPoliciesAreRejected(String kind, String policy, String message) {
        String bucket = newBucket();
        String text = policy.replace("arn:aws:s3:::B/", "arn:aws:s3:::" + bucket + "/")
                .replace("\"B/*\"", "\"" + bucket + "/*\"");
        assertS3Error(() -> s3.putBucketPolicy(b -> b.bucket(bucket).policy(text)), 400, "MalformedPolicy", message);
        assertS3Error(() -> s3.getBucketPolicy(b -> b.bucket(bucket)), 404, "NoSuchBucketPolicy");
    }

    @Test
    void aPolicyOf20KbIsAcceptedAnd21KbRejected() {
        String bucket = newBucket();
        String twenty = policyOfSize(bucket, 20 * 1024);
        assertThat(twenty.getBytes(StandardCharsets.UTF_8)).hasSize(20 * 1024);
        s3.putBucketPolicy(b -> b.bucket(bucket).policy(twenty));
        assertThat(s3.getBucketPolicy(b -> b.bucket(bucket)).policy()).isEqualTo(twenty);

        String twentyOne = policyOfSize(bucket, 21 * 1024);
        assertS3Error(
                () -> s3.putBucketPolicy(b -> b.bucket(bucket).policy(twentyOne)),
                400,
                "MalformedPolicy",
                "Policy exceeds the maximum allowed document size.");
        assertThat(s3.getBucketPolicy(b -> b.bucket(bucket)).policy()).isEqualTo(twenty);
    }

    /** A valid policy of exactly {@code bytes} bytes: a statement per prefix, then an Id to pad. */
    static String policyOfSize(String bucket, int bytes) {
        StringBuilder statements = new StringBuilder();
        int i = 0;
        String head = "{\"Version\":\"2012-10-17\",\"Id\":\"";
        while (true) {
            String s = (i == 0 ? "" : ",") + "{\"Sid\":\"S" + i + "\",\"Effect\":\"Deny\",\"Principal\":\"*\","
                    + "\"Action\":\"s3:DeleteObject\",\"Resource\":\"arn:aws:s3:::" + bucket + "/archive-" + i
                    + "/*\"}";
            if (head.length() + statements.length() + s.length() + 40 > bytes) break;
            statements.append(s);
            i++;
        }
        String tail = "\",\"Statement\":[" + statements + "]}";
        int pad = bytes - head.length() - tail.length();
        return head + "p".repeat(pad) + tail;
    }

    // ---- enforcement details ----

    @Test
    void theOwnerCanAlwaysDeleteAPolicyThatDeniesItEverything() {
        String bucket = newBucket();
        put(bucket, "k", "v");
        s3.putBucketPolicy(b -> b.bucket(bucket).policy("""
                {"Version":"2012-10-17","Statement":[{"Sid":"DenyAll","Effect":"Deny","Principal":"*","Action":"s3:*",
                 "Resource":["arn:aws:s3:::%1$s","arn:aws:s3:::%1$s/*"]}]}""".formatted(bucket)));
        assertS3Error(() -> s3.getObject(b -> b.bucket(bucket).key("k")), 403, "AccessDenied", "Access Denied");
        assertS3Error(() -> s3.listObjectsV2(b -> b.bucket(bucket)), 403, "AccessDenied");
        assertS3Error(() -> s3.headBucket(b -> b.bucket(bucket)), 403, null);
        assertS3Error(() -> s3.getBucketPolicyStatus(b -> b.bucket(bucket)), 403, "AccessDenied");
        assertS3Error(() -> s3.deleteBucket(b -> b.bucket(bucket)), 403, "AccessDenied");

        assertThat(s3.getBucketPolicy(b -> b.bucket(bucket)).policy()).contains("DenyAll");
        s3.deleteBucketPolicy(b -> b.bucket(bucket));
        assertThat(get(s3, bucket, "k")).isEqualTo("v");
    }

    @Test
    void deleteObjectsReportsAccessDeniedPerKey() {
        String bucket = newBucket();
        put(bucket, "protected/a", "a");
        put(bucket, "free/b", "b");
        s3.putBucketPolicy(b -> b.bucket(bucket).policy("""
                {"Version":"2012-10-17","Statement":[{"Sid":"KeepProtected","Effect":"Deny","Principal":"*",
                 "Action":["s3:DeleteObject","s3:DeleteObjectVersion"],"Resource":"arn:aws:s3:::%s/protected/*"}]}""".formatted(bucket)));
        DeleteObjectsResponse r = s3.deleteObjects(b -> b.bucket(bucket)
                .delete(d -> d.objects(
                        ObjectIdentifier.builder().key("protected/a").build(),
                        ObjectIdentifier.builder().key("free/b").build())));
        assertThat(r.deleted()).extracting(d -> d.key()).containsExactly("free/b");
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("protected/a");
            assertThat(e.code()).isEqualTo("AccessDenied");
            assertThat(e.message()).isEqualTo("Access Denied");
        });
        assertThat(get(s3, bucket, "protected/a")).isEqualTo("a");
    }

    @Test
    void copyObjectNeedsReadOnTheSourceBucket() {
        String source = newBucket();
        String dest = newBucket();
        put(source, "secret", "s");
        s3.putBucketPolicy(b -> b.bucket(source).policy("""
                {"Version":"2012-10-17","Statement":[{"Sid":"NoReads","Effect":"Deny","Principal":"*",
                 "Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}]}""".formatted(source)));
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(source)
                        .sourceKey("secret")
                        .destinationBucket(dest)
                        .destinationKey("stolen")),
                403,
                "AccessDenied");
        assertS3Error(() -> s3.headObject(b -> b.bucket(dest).key("stolen")), 404, null);
    }

    @Test
    void conditionKeysOfListingAndTransportAreEnforced() {
        String bucket = newBucket();
        put(bucket, "home/alice/a", "a");
        put(bucket, "home/bob/b", "b");
        s3.putBucketPolicy(b -> b.bucket(bucket).policy("""
                {"Version":"2012-10-17","Statement":[
                 {"Sid":"OnlyHomeListing","Effect":"Deny","Principal":"*","Action":"s3:ListBucket",
                  "Resource":"arn:aws:s3:::%1$s","Condition":{"StringNotLike":{"s3:prefix":"home/alice/*"}}},
                 {"Sid":"NoHeaderAuthForVersions","Effect":"Deny","Principal":"*","Action":"s3:GetObjectVersion",
                  "Resource":"arn:aws:s3:::%1$s/*","Condition":{"StringEquals":{"s3:authType":"REST-HEADER"}}}]}""".formatted(bucket)));
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket).prefix("home/alice/")).contents())
                .hasSize(1);
        assertS3Error(() -> s3.listObjectsV2(b -> b.bucket(bucket).prefix("home/")), 403, "AccessDenied");
        // No prefix at all: s3:prefix is absent, and StringNotLike on an absent key matches.
        assertS3Error(() -> s3.listObjectsV2(b -> b.bucket(bucket)), 403, "AccessDenied");
        assertS3Error(
                () -> s3.getObject(b -> b.bucket(bucket).key("home/bob/b").versionId("null")), 403, "AccessDenied");
        assertThat(get(s3, bucket, "home/bob/b")).isEqualTo("b");
    }

    // ---- s3:ExistingObjectTag: the decision is about the version the request is served ----

    /** A user without IAM policies whom the bucket's policy lets read objects tagged class=public, and only those. */
    static S3Client publicTagReader(String bucket, String user) {
        io.rampart.iam.AccessKey key = server.rampart().iam().createUserWithKey(user);
        s3.putBucketPolicy(b -> b.bucket(bucket).policy("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                  "Principal":{"AWS":"arn:aws:iam::%s:user/%s"},
                  "Action":["s3:GetObject","s3:GetObjectVersion","s3:GetObjectTagging","s3:GetObjectVersionTagging"],
                  "Resource":"arn:aws:s3:::%s/*",
                  "Condition":{"StringEquals":{"s3:ExistingObjectTag/class":"public"}}}]}
                """.formatted(server.accountId(), user, bucket)));
        return server.s3(key.accessKeyId(), key.secretKey());
    }

    static void putTagged(String bucket, String key, String text, String tagClass) {
        s3.putObject(b -> b.bucket(bucket).key(key).tagging("class=" + tagClass), RequestBody.fromString(text));
    }

    static int statusOf(Throwable t) {
        assertThat(t).isInstanceOf(software.amazon.awssdk.services.s3.model.S3Exception.class);
        return ((software.amazon.awssdk.services.s3.model.S3Exception) t).statusCode();
    }

    @Test
    void existingObjectTagDecidesGetHeadAndTaggingOnTheVersionRead() {
        String bucket = newBucket();
        s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(c -> c.status("Enabled")));
        S3Client reader = publicTagReader(bucket, "tag-reader-1");
        putTagged(bucket, "doc", "open", "public");
        String openVersion = s3.headObject(b -> b.bucket(bucket).key("doc")).versionId();
        assertThat(get(reader, bucket, "doc")).isEqualTo("open");
        assertThat(reader.headObject(b -> b.bucket(bucket).key("doc")).contentLength())
                .isEqualTo(4);
        assertThat(reader.getObjectTagging(b -> b.bucket(bucket).key("doc")).tagSet())
                .extracting(software.amazon.awssdk.services.s3.model.Tag::value)
                .containsExactly("public");

        putTagged(bucket, "doc", "closed", "secret");
        assertS3Error(() -> get(reader, bucket, "doc"), 403, "AccessDenied");
        assertThat(statusOf(org.assertj.core.api.Assertions.catchThrowable(
                        () -> reader.headObject(b -> b.bucket(bucket).key("doc")))))
                .isEqualTo(403);
        assertS3Error(() -> reader.getObjectTagging(b -> b.bucket(bucket).key("doc")), 403, "AccessDenied");
        // The older version still carries class=public: asked for by its id, it is that version's tags that decide.
        assertThat(reader.getObjectAsBytes(b -> b.bucket(bucket).key("doc").versionId(openVersion))
                        .asUtf8String())
                .isEqualTo("open");
        assertThat(reader.getObjectTagging(b -> b.bucket(bucket).key("doc").versionId(openVersion))
                        .tagSet())
                .extracting(software.amazon.awssdk.services.s3.model.Tag::value)
                .containsExactly("public");
    }

    @Test
    void getUnderConcurrentOverwritesServesOnlyAVersionItsTagsAllowed() throws Exception {
        String bucket = newBucket();
        S3Client reader = publicTagReader(bucket, "tag-reader-2");
        putTagged(bucket, "doc", "open", "public");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger allowed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger denied = new java.util.concurrent.atomic.AtomicInteger();
        // Each PUT replaces the object: "open" tagged public, then "SECRET" tagged secret, over and over.
        var writer = java.util.concurrent.CompletableFuture.runAsync(() -> {
            while (!stop.get()) {
                boolean open = writes.getAndIncrement() % 2 == 1;
                putTagged(bucket, "doc", open ? "open" : "SECRET", open ? "public" : "secret");
            }
        });
        try (var readers = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            var done = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int t = 0; t < 4; t++) {
                done.add(readers.submit(() -> {
                    for (int i = 0; i < 150; i++) {
                        try {
                            // Allowed only by class=public, so only the public version's bytes may come back.
                            assertThat(get(reader, bucket, "doc")).isEqualTo("open");
                            allowed.incrementAndGet();
                        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
                            assertThat(e.statusCode()).isEqualTo(403);
                            denied.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (var f : done) f.get();
        } finally {
            stop.set(true);
        }
        writer.get();
        assertThat(writes.get()).as("overwrites during the reads").isGreaterThan(2);
        assertThat(allowed.get()).as("reads of the public version").isPositive();
        assertThat(denied.get()).as("reads refused on the secret version").isPositive();
    }
}

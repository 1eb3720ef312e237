package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The policy engine's AWS-exact edges as real requests: a bucket policy naming the account delegates to IAM, a
 * NotPrincipal Deny reaches every principal with a permissions boundary, and a request value that is not a number
 * does not satisfy a negated numeric condition.
 */
class PolicyFidelityEndToEndTest {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    private static RampartServer server;
    private static IamClient iam;
    private static S3Client admin;
    private static RawS3 raw;

    @BeforeAll
    static void start() {
        server = RAMPART.server();
        iam = RAMPART.iam();
        admin = RAMPART.s3();
        raw = RAMPART.raw();
    }

    private static String unique(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet();
    }

    private static AccessKey newUser(String user) {
        iam.createUser(b -> b.userName(user));
        return iam.createAccessKey(b -> b.userName(user)).accessKey();
    }

    private static S3Client client(AccessKey k) {
        return server.s3(AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey()));
    }

    private static String bucketWithObject() {
        String bucket = unique("fidelity");
        admin.createBucket(b -> b.bucket(bucket));
        admin.putObject(b -> b.bucket(bucket).key("hello.txt"), RequestBody.fromString("hello"));
        return bucket;
    }

    private static void allowGet(String bucket, String principalJson) {
        admin.putBucketPolicy(b -> b.bucket(bucket).policy("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":%s,"Action":"s3:GetObject",
                 "Resource":"arn:aws:s3:::%s/*"}]}""".formatted(principalJson, bucket)));
    }

    private static String read(S3Client client, String bucket) {
        return client.getObjectAsBytes(b -> b.bucket(bucket).key("hello.txt")).asUtf8String();
    }

    @Test
    void bucketPolicyNamingTheAccountNeedsAnIdentityPolicyWhileNamingTheUserGrantsOnItsOwn() {
        String bucket = bucketWithObject();
        String user = unique("dana");
        S3Client dana = client(newUser(user));
        String account = server.accountId();

        allowGet(bucket, "{\"AWS\":\"" + account + "\"}");
        S3Errors.assertS3Error(() -> read(dana, bucket), 403, "AccessDenied");
        allowGet(bucket, "{\"AWS\":\"arn:aws:iam::" + account + ":root\"}");
        S3Errors.assertS3Error(() -> read(dana, bucket), 403, "AccessDenied");

        allowGet(bucket, "{\"AWS\":\"arn:aws:iam::" + account + ":user/" + user + "\"}");
        assertThat(read(dana, bucket)).isEqualTo("hello");

        // With the account named again, an identity policy completes the delegation.
        allowGet(bucket, "{\"AWS\":\"" + account + "\"}");
        iam.putUserPolicy(b -> b.userName(user).policyName("read").policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"""));
        assertThat(read(dana, bucket)).isEqualTo("hello");
    }

    @Test
    void notPrincipalDenyRefusesAUserOnceItHasAPermissionsBoundary() {
        String bucket = bucketWithObject();
        String user = unique("erin");
        S3Client erin = client(newUser(user));
        String account = server.accountId();
        iam.attachUserPolicy(b -> b.userName(user).policyArn("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
        admin.putBucketPolicy(b -> b.bucket(bucket).policy("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":[
                  "arn:aws:iam::%1$s:user/%2$s","arn:aws:iam::%1$s:user/admin","%1$s"]},
                 "Action":"s3:GetObject","Resource":"arn:aws:s3:::%3$s/*"}]}""".formatted(account, user, bucket)));
        assertThat(read(erin, bucket)).isEqualTo("hello");

        // The boundary allows the read; the NotPrincipal Deny now reaches the user all the same.
        iam.putUserPermissionsBoundary(
                b -> b.userName(user).permissionsBoundary("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
        S3Errors.assertS3Error(() -> read(erin, bucket), 403, "AccessDenied");

        iam.deleteUserPermissionsBoundary(b -> b.userName(user));
        assertThat(read(erin, bucket)).isEqualTo("hello");
    }

    @Test
    void aTagValueSubstitutedIntoAnArnLikeConditionIsTextNotAWildcard() {
        String bucket = bucketWithObject();
        String account = server.accountId();
        String owner = unique("owner");
        String mallory = unique("mallory");
        S3Client ownerClient = client(newUser(owner));
        S3Client malloryClient = client(newUser(mallory));
        iam.tagUser(b -> b.userName(owner).tags(t -> t.key("self").value(owner)));
        // A user who may tag itself sets the value to "*": substituted text must stay literal.
        iam.tagUser(b -> b.userName(mallory).tags(t -> t.key("self").value("*")));
        admin.putBucketPolicy(b -> b.bucket(bucket).policy("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
                 "Resource":"arn:aws:s3:::%s/*",
                 "Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::%s:user/${aws:PrincipalTag/self}"}}}]}""".formatted(bucket, account)));
        assertThat(read(ownerClient, bucket)).isEqualTo("hello");
        S3Errors.assertS3Error(() -> read(malloryClient, bucket), 403, "AccessDenied");
    }

    @Test
    void aMaxKeysThatIsNotANumberDoesNotSatisfyANegatedNumericCondition() {
        String bucket = bucketWithObject();
        String user = unique("finn");
        AccessKey key = newUser(user);
        iam.putUserPolicy(b -> b.userName(user).policyName("list").policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket",
                 "Resource":"arn:aws:s3:::%s","Condition":{"NumericNotEquals":{"s3:max-keys":"0"}}}]}""".formatted(bucket)));

        RawS3.Reply ok = raw.signed(
                key.accessKeyId(), key.secretAccessKey(), "GET", "/" + bucket + "?max-keys=10", Map.of(), new byte[0]);
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);

        // The allow does not apply to a value it cannot compare, so the request is refused before it is read.
        RawS3.Reply notANumber = raw.signed(
                key.accessKeyId(), key.secretAccessKey(), "GET", "/" + bucket + "?max-keys=ten", Map.of(), new byte[0]);
        assertThat(notANumber.status()).as(notANumber.text()).isEqualTo(403);
        assertThat(notANumber.error()).containsEntry("Code", "AccessDenied");
    }
}

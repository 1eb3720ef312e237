package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rampart.detect.Finding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The detector in a member account: the SSE-C re-encryption attack replayed with a member account's stolen key makes a
 * finding of that account (filterable by it), and the automatic response deactivates the key in that account, where
 * the account's own IAM reports it Inactive.
 */
class AccountDetectionTest {
    @RegisterExtension
    static final RampartExtension RAMPART =
            RampartExtension.withDefaults().allowSseCOverHttp().autoRespond();

    @Test
    void aMemberAccountsStolenKeyIsDeactivatedInThatAccount() throws Exception {
        RampartServer server = RAMPART.server();
        OrganizationsCalls org = new OrganizationsCalls(server);
        org.call("CreateOrganization", "{}");
        String member = org.call("CreateAccount", "{\"AccountName\":\"Ops\",\"Email\":\"ops@example.com\"}")
                .body()
                .path("CreateAccountStatus")
                .path("AccountId")
                .asText();
        Credentials c = server.sts()
                .assumeRole(r -> r.roleArn("arn:aws:iam::" + member + ":role/OrganizationAccountAccessRole")
                        .roleSessionName("setup"))
                .credentials();
        var owner = AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
        IamClient iam = server.iam(owner);
        S3Client s3 = server.s3(owner);
        s3.createBucket(r -> r.bucket("ops-ledger"));
        s3.putBucketEncryption(r -> r.bucket("ops-ledger")
                .serverSideEncryptionConfiguration(
                        e -> e.rules(x -> x.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm("AES256"))
                                .blockedEncryptionTypes(t -> t.encryptionTypeWithStrings("NONE")))));
        s3.putObject(r -> r.bucket("ops-ledger").key("row"), RequestBody.fromString("row"));
        iam.createUser(r -> r.userName("etl"));
        iam.attachUserPolicy(r -> r.userName("etl").policyArn("arn:aws:iam::aws:policy/AmazonS3FullAccess"));
        AccessKey k = iam.createAccessKey(r -> r.userName("etl")).accessKey();

        // The attacker holding etl's key re-encrypts in place under its own SSE-C key.
        SseCKey ransom = SseCKey.random();
        try (S3Client attacker = server.s3(AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey()))) {
            attacker.copyObject(r -> r.sourceBucket("ops-ledger")
                    .sourceKey("row")
                    .destinationBucket("ops-ledger")
                    .destinationKey("row")
                    .sseCustomerAlgorithm("AES256")
                    .sseCustomerKey(ransom.base64())
                    .sseCustomerKeyMD5(ransom.md5()));
        }
        Finding f = Await.value(
                "a finding for the member's key",
                () -> server.rampart().findings().list().stream()
                        .filter(x -> k.accessKeyId().equals(x.accessKeyId()))
                        .findFirst()
                        .orElse(null));
        assertThat(f.accountId()).isEqualTo(member);
        assertThat(f.principalArn()).isEqualTo("arn:aws:iam::" + member + ":user/etl");
        Await.until(
                "the member's key deactivated",
                () -> iam.listAccessKeys(r -> r.userName("etl")).accessKeyMetadata().stream()
                        .anyMatch(m -> m.accessKeyId().equals(k.accessKeyId()) && m.status() == StatusType.INACTIVE));
        assertThatThrownBy(() -> server.s3(AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey()))
                        .listBuckets())
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAccessKeyId"));

        // Findings filter by account: the member's finding, none for the management account.
        String mine = findings(server, member);
        assertThat(mine).contains(f.id()).containsPattern("\"accountId\" ?: ?\"" + member + "\"");
        assertThat(findings(server, server.accountId())).doesNotContain(f.id());
    }

    /** {@code rampart findings list --account ID --json} with the admin's key. */
    private static String findings(RampartServer server, String account) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = io.rampart.cli.Main.commandLine();
        cl.setOut(new java.io.PrintWriter(out));
        cl.setErr(new java.io.PrintWriter(err));
        int exit = cl.execute(
                "findings",
                "list",
                "--account",
                account,
                "--json",
                "--endpoint",
                server.endpoint().toString(),
                "--access-key",
                RampartServer.ACCESS_KEY,
                "--secret-key",
                RampartServer.SECRET_KEY);
        assertThat(exit).as(err.toString()).isZero();
        return out.toString();
    }
}

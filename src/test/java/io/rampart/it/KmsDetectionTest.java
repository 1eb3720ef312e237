package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.detect.Finding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The KMS side of ransomware, replayed: an attacker holding a key with kms:* schedules the deletion of (or disables) the
 * KMS key that protects the bucket's objects; the detector raises a HIGH finding, cancels the deletion, re-enables the
 * key and deactivates the attacker's access key, and the objects stay readable.
 */
class KmsDetectionTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults().autoRespond();

    static RampartServer server;
    static S3Client s3;
    static KmsClient kms;

    @BeforeAll
    static void start() {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        kms = KmsKeys.kms(server);
    }

    static io.rampart.iam.AccessKey attacker(String name) {
        io.rampart.iam.AccessKey k = server.userWithS3FullAccess(name);
        server.iam()
                .putUserPolicy(
                        b -> b.userName(name)
                                .policyName("kms-admin")
                                .policyDocument(
                                        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"));
        return k;
    }

    static Finding awaitFinding(String accessKeyId, String rule) {
        return Await.value(
                "finding " + rule + " for " + accessKeyId,
                () -> server.rampart().findings().list().stream()
                        .filter(f -> accessKeyId.equals(f.accessKeyId()) && rule.equals(f.ruleId()))
                        .findFirst()
                        .orElse(null));
    }

    @Test
    void scheduledDeletionOfTheBucketsKeyIsCancelledAndTheCallerCutOff() {
        s3.createBucket(b -> b.bucket("kms-victim"));
        String key =
                kms.createKey(b -> b.description("victim key")).keyMetadata().arn();
        s3.putObject(
                b -> b.bucket("kms-victim")
                        .key("ledger.csv")
                        .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                        .ssekmsKeyId(key),
                RequestBody.fromString("precious"));
        io.rampart.iam.AccessKey mallory = attacker("kms-mallory");
        KmsClient asMallory =
                KmsKeys.kms(server, AwsBasicCredentials.create(mallory.accessKeyId(), mallory.secretKey()));

        asMallory.scheduleKeyDeletion(b -> b.keyId(key).pendingWindowInDays(7));

        Finding f = awaitFinding(mallory.accessKeyId(), "kms-key-protecting-objects-deleted-or-disabled");
        assertThat(f.severity()).isEqualTo(io.rampart.detect.Severity.HIGH);
        Await.until(
                "the key to be enabled again",
                () -> kms.describeKey(b -> b.keyId(key)).keyMetadata().keyState() == KeyState.ENABLED);
        Await.until(
                "the attacker's key to be deactivated",
                () -> !server.rampart()
                        .iam()
                        .findKey(mallory.accessKeyId())
                        .orElseThrow()
                        .active());
        assertThat(s3.getObjectAsBytes(b -> b.bucket("kms-victim").key("ledger.csv"))
                        .asUtf8String())
                .isEqualTo("precious");
    }

    @Test
    void disablingAKeyNothingUsesRaisesNothing() {
        io.rampart.iam.AccessKey owner = attacker("kms-tidy-owner");
        KmsClient asOwner = KmsKeys.kms(server, AwsBasicCredentials.create(owner.accessKeyId(), owner.secretKey()));
        String unused =
                asOwner.createKey(b -> b.description("unused")).keyMetadata().keyId();
        String requestId =
                asOwner.disableKey(b -> b.keyId(unused)).responseMetadata().requestId();
        server.awaitDetectorProcessed(requestId);
        assertThat(server.rampart().findings().list())
                .noneMatch(f -> owner.accessKeyId().equals(f.accessKeyId()));
        assertThat(kms.describeKey(b -> b.keyId(unused)).keyMetadata().keyState())
                .isEqualTo(KeyState.DISABLED);
    }

    @Test
    void keyPolicyLockingTheOwnerOutIsAFinding() {
        String key =
                kms.createKey(b -> b.description("policy target")).keyMetadata().arn();
        io.rampart.iam.AccessKey eve = attacker("kms-eve");
        KmsClient asEve = KmsKeys.kms(server, AwsBasicCredentials.create(eve.accessKeyId(), eve.secretKey()));
        String eveOnly =
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::"
                        + server.accountId() + ":user/kms-eve\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";
        asEve.putKeyPolicy(b -> b.keyId(key).policyName("default").policy(eveOnly));
        Finding f = awaitFinding(eve.accessKeyId(), "kms-key-policy-removes-owner-access");
        assertThat(f.severity()).isEqualTo(io.rampart.detect.Severity.HIGH);
        Await.until(
                "eve's key to be deactivated",
                () -> !server.rampart()
                        .iam()
                        .findKey(eve.accessKeyId())
                        .orElseThrow()
                        .active());
    }
}

package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.detect.Finding;
import io.rampart.iam.AccessKey;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The built-in detector on a real server: an attacker holding a valid key re-encrypts objects in place with SSE-C;
 * the detector raises a finding and disables the key within a few writes, and blocks SSE-C on the bucket.
 */
class DetectorTest {
    static final int OBJECTS = 20;

    // SSE-C over plain HTTP and allowed per bucket: the attacker's tool must be available for the attack to start.
    @RegisterExtension
    static final RampartExtension RAMPART =
            RampartExtension.withDefaults().allowSseCOverHttp().autoRespond();

    static RampartServer server;
    static S3Client admin;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        admin = RAMPART.s3();
    }

    static void allowSseC(String bucket) {
        Buckets.allowingSseC(admin, bucket);
    }

    @Test
    void inPlaceSseCReEncryptionIsContainedWithinThreeWritesAndDisablesTheKey() throws Exception {
        String bucket = "victim";
        allowSseC(bucket);
        for (int i = 0; i < OBJECTS; i++) {
            String key = "doc-" + i;
            admin.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("precious " + key));
        }
        AccessKey attacker = server.userWithS3FullAccess("attacker");
        SseCKey ransomKey = SseCKey.random();

        // Watch the key's status from the side, to time containment independently of the attacker's request rhythm.
        AtomicLong disabledAt = new AtomicLong();
        Thread watcher = Thread.ofPlatform().daemon(true).start(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                if (!server.rampart()
                        .iam()
                        .findKey(attacker.accessKeyId())
                        .orElseThrow()
                        .active()) {
                    disabledAt.set(System.nanoTime());
                    return;
                }
                LockSupport.parkNanos(100_000);
            }
        });

        int succeeded = 0;
        S3Exception refused = null;
        long firstMalicious = 0;
        try (S3Client s3 = server.s3(attacker.accessKeyId(), attacker.secretKey())) {
            firstMalicious = System.nanoTime();
            for (int i = 0; i < OBJECTS; i++) {
                String key = "doc-" + i;
                try {
                    s3.copyObject(b -> b.sourceBucket(bucket)
                            .sourceKey(key)
                            .destinationBucket(bucket)
                            .destinationKey(key)
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(ransomKey.base64())
                            .sseCustomerKeyMD5(ransomKey.md5()));
                    succeeded++;
                } catch (S3Exception e) {
                    refused = e;
                    break;
                }
            }
            assertThat(refused).as("the attack was never refused").isNotNull();
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("InvalidAccessKeyId");
            // And it stays refused, for any operation with that key.
            assertS3Error(
                    () -> s3.getObject(b -> b.bucket(bucket).key("doc-19")).close(),
                    403,
                    "InvalidAccessKeyId",
                    "The AWS Access Key Id you provided does not exist in our records.");
        }
        watcher.join(Duration.ofSeconds(30));
        assertThat(disabledAt.get()).as("key disabled").isNotZero();
        double containmentMs = (disabledAt.get() - firstMalicious) / 1e6;
        System.out.printf(
                "DetectorTest: %d malicious write(s) succeeded; key disabled %.1f ms after the first malicious request%n",
                succeeded, containmentMs);
        assertThat(succeeded).as("malicious writes before containment").isBetween(1, 3);

        Finding finding = awaitFinding("in-place-sse-c-reencryption", attacker.accessKeyId());
        assertThat(finding.principalArn()).isEqualTo(attacker.principal().arn()).endsWith(":user/attacker");
        assertThat(finding.bucket()).isEqualTo(bucket);
        assertThat(finding.severity()).hasToString("HIGH");
        assertThat(finding.count()).isBetween(1L, 3L);
        assertThat(finding.evidence()).isNotEmpty();
        assertThat(finding.firstTime()).isBeforeOrEqualTo(finding.lastTime());

        // The bucket now refuses SSE-C for everyone, and the administrator's key still works.
        var rule = admin.getBucketEncryption(b -> b.bucket(bucket))
                .serverSideEncryptionConfiguration()
                .rules()
                .get(0);
        assertThat(rule.blockedEncryptionTypes().encryptionTypeAsStrings()).containsExactly("SSE-C");
        assertThat(admin.getObjectAsBytes(b -> b.bucket(bucket).key("doc-19")).asUtf8String())
                .isEqualTo("precious doc-19");
    }

    @Test
    void sseCWritesToNewKeysByALegitimateUserRaiseNothing() throws Exception {
        String bucket = "sse-c-user";
        allowSseC(bucket);
        AccessKey user = server.userWithS3FullAccess("photographer");
        SseCKey key = SseCKey.random();
        try (S3Client s3 = server.s3(user.accessKeyId(), user.secretKey())) {
            s3.putObject(b -> b.bucket(bucket).key("raw/a.jpg"), RequestBody.fromString("plain"));
            s3.putObject(
                    b -> b.bucket(bucket)
                            .key("enc/b.jpg")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(key.base64())
                            .sseCustomerKeyMD5(key.md5()),
                    RequestBody.fromString("secret"));
            // A copy to a new key with SSE-C: not onto itself.
            String copy = s3.copyObject(b -> b.sourceBucket(bucket)
                            .sourceKey("raw/a.jpg")
                            .destinationBucket(bucket)
                            .destinationKey("enc/a.jpg")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(key.base64())
                            .sseCustomerKeyMD5(key.md5()))
                    .responseMetadata()
                    .requestId();
            // Not a sleep: the detector has read the copy's record (and every one before it) when this returns.
            server.awaitDetectorProcessed(copy);
            assertThat(s3.headObject(b -> b.bucket(bucket).key("raw/a.jpg")).contentLength())
                    .isEqualTo(5L);
        }
        assertThat(server.rampart().findings().list())
                .noneMatch(f -> user.accessKeyId().equals(f.accessKeyId()));
        assertThat(server.rampart()
                        .iam()
                        .findKey(user.accessKeyId())
                        .orElseThrow()
                        .active())
                .isTrue();
        var rule = admin.getBucketEncryption(b -> b.bucket(bucket))
                .serverSideEncryptionConfiguration()
                .rules()
                .get(0);
        assertThat(rule.blockedEncryptionTypes().encryptionTypeAsStrings()).containsExactly("NONE");
    }

    @Test
    void aBusyLegitimateSseCUserIsNotifiedAboutButNeverLockedOut() throws Exception {
        String bucket = "sse-c-busy";
        allowSseC(bucket);
        AccessKey user = server.userWithS3FullAccess("archiver");
        SseCKey key = SseCKey.random();
        try (S3Client s3 = server.s3(user.accessKeyId(), user.secretKey())) {
            for (int i = 0; i < 6; i++) {
                int n = i;
                s3.putObject(
                        b -> b.bucket(bucket)
                                .key("archive/" + n)
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(key.base64())
                                .sseCustomerKeyMD5(key.md5()),
                        RequestBody.fromString("part " + n));
            }
            Finding burst = awaitFinding("sse-c-write-burst", user.accessKeyId());
            assertThat(burst.severity()).hasToString("MEDIUM");
            // The burst rule only notifies: the user keeps working and the bucket keeps allowing SSE-C.
            s3.putObject(
                    b -> b.bucket(bucket)
                            .key("archive/last")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(key.base64())
                            .sseCustomerKeyMD5(key.md5()),
                    RequestBody.fromString("last"));
        }
        assertThat(server.rampart()
                        .iam()
                        .findKey(user.accessKeyId())
                        .orElseThrow()
                        .active())
                .isTrue();
        var rule = admin.getBucketEncryption(b -> b.bucket(bucket))
                .serverSideEncryptionConfiguration()
                .rules()
                .get(0);
        assertThat(rule.blockedEncryptionTypes().encryptionTypeAsStrings()).containsExactly("NONE");
    }

    static Finding awaitFinding(String ruleId, String accessKeyId) {
        return Await.value(
                "a " + ruleId + " finding for " + accessKeyId,
                () -> server.rampart().findings().list().stream()
                        .filter(f -> f.ruleId().equals(ruleId) && accessKeyId.equals(f.accessKeyId()))
                        .findFirst()
                        .orElse(null));
    }
}

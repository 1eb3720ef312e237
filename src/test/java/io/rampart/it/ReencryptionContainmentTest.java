package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import io.rampart.detect.Finding;
import io.rampart.iam.AccessKey;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Re-encryption is contained whatever API it uses (issue 15), on a real server with automatic response on and SSE-C
 * allowed on the bucket: GetObject + PutObject with SSE-C, and defence evasion followed by overwrites, are contained
 * within three malicious writes; an owner rotating its SSE-C key the way AWS documents it is only noted (LOW).
 */
class ReencryptionContainmentTest {
    static final int OBJECTS = 15;

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

    static void bucketAllowingSseC(String bucket, boolean versioned) {
        if (versioned) Buckets.versionedAllowingSseC(admin, bucket);
        else Buckets.allowingSseC(admin, bucket);
        for (int i = 0; i < OBJECTS; i++) {
            String key = "doc-" + i;
            admin.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("precious " + key));
        }
    }

    /** Runs the attacker's per-object step until refused; returns how many succeeded. */
    interface Step {
        void run(S3Client s3, String key);
    }

    static int attackUntilRefused(AccessKey attacker, Step step) {
        int succeeded = 0;
        try (S3Client s3 = server.s3(attacker.accessKeyId(), attacker.secretKey())) {
            for (int i = 0; i < OBJECTS; i++) {
                try {
                    step.run(s3, "doc-" + i);
                    succeeded++;
                } catch (S3Exception e) {
                    assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isIn("InvalidAccessKeyId", "AccessDenied");
                    return succeeded;
                }
            }
        }
        throw new AssertionError("the attacker rewrote all " + OBJECTS + " objects without being refused");
    }

    @Test
    void getThenPutWithSseCIsContainedWithinThreeWritesAndTheKeyDisabled() throws Exception {
        String bucket = "put-victim";
        bucketAllowingSseC(bucket, true);
        AccessKey attacker = server.userWithS3FullAccess("put-attacker");
        SseCKey ransom = SseCKey.random();

        int succeeded = attackUntilRefused(attacker, (s3, key) -> {
            byte[] plain = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
            s3.putObject(
                    b -> b.bucket(bucket)
                            .key(key)
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(ransom.base64())
                            .sseCustomerKeyMD5(ransom.md5()),
                    RequestBody.fromBytes(plain));
        });

        assertThat(succeeded).as("malicious writes before containment").isBetween(0, 3);
        assertThat(server.rampart()
                        .iam()
                        .findKey(attacker.accessKeyId())
                        .orElseThrow()
                        .active())
                .isFalse();
        Finding f = awaitFinding(attacker.accessKeyId(), x -> x.ruleId().equals("sse-c-overwrite-of-non-sse-c"));
        assertThat(f.severity()).hasToString("HIGH");
        assertThat(f.bucket()).isEqualTo(bucket);
        // The write's trail record says what it replaced.
        JsonNode put = records(r -> r.path("eventName").asText().equals("PutObject")
                        && r.path("userIdentity").path("accessKeyId").asText().equals(attacker.accessKeyId())
                        && !r.has("errorCode"))
                .get(0);
        assertThat(put.path("additionalEventData").path("x-rampart-replaced").toString())
                .isEqualTo("{\"existed\":true,\"encryption\":\"SSE-S3\"}");
        assertThat(put.path("additionalEventData").path("SSEApplied").asText()).isEqualTo("SSE_C");
        // SSE-C is blocked on the bucket now; the owner still reads the originals.
        var rule = admin.getBucketEncryption(b -> b.bucket(bucket))
                .serverSideEncryptionConfiguration()
                .rules()
                .get(0);
        assertThat(rule.blockedEncryptionTypes().encryptionTypeAsStrings()).containsExactly("SSE-C");
        assertThat(admin.getObjectAsBytes(b -> b.bucket(bucket).key("doc-14")).asUtf8String())
                .isEqualTo("precious doc-14");
    }

    @Test
    void anOwnerRotatingItsSseCKeyByCopyIsNotContainedAndOnlyNoted() throws Exception {
        String bucket = "rotating";
        bucketAllowingSseC(bucket, true);
        AccessKey owner = server.userWithS3FullAccess("key-rotator");
        SseCKey oldKey = SseCKey.random();
        SseCKey newKey = SseCKey.random();
        try (S3Client s3 = server.s3(owner.accessKeyId(), owner.secretKey())) {
            for (int i = 0; i < OBJECTS; i++) {
                String key = "secret-" + i;
                s3.putObject(
                        b -> b.bucket(bucket)
                                .key(key)
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(oldKey.base64())
                                .sseCustomerKeyMD5(oldKey.md5()),
                        RequestBody.fromString("sealed " + key));
            }
            // AWS's documented rotation: copy onto itself, the old key as the copy source's key, the new one for the
            // copy.
            for (int i = 0; i < OBJECTS; i++) {
                String key = "secret-" + i;
                s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey(key)
                        .destinationBucket(bucket)
                        .destinationKey(key)
                        .copySourceSSECustomerAlgorithm("AES256")
                        .copySourceSSECustomerKey(oldKey.base64())
                        .copySourceSSECustomerKeyMD5(oldKey.md5())
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(newKey.base64())
                        .sseCustomerKeyMD5(newKey.md5()));
            }
            assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket)
                                    .key("secret-3")
                                    .sseCustomerAlgorithm("AES256")
                                    .sseCustomerKey(newKey.base64())
                                    .sseCustomerKeyMD5(newKey.md5()))
                            .asUtf8String())
                    .isEqualTo("sealed secret-3");
        }
        // Once the detector has seen every copy (the rotation finding counts them all), nothing else was raised.
        awaitFinding(owner.accessKeyId(), f -> f.ruleId().equals("sse-c-key-rotation") && f.count() == OBJECTS);
        List<Finding> mine = server.rampart().findings().list().stream()
                .filter(f -> owner.accessKeyId().equals(f.accessKeyId()))
                .toList();
        assertThat(mine).allSatisfy(f -> assertThat(f.severity().toString()).isIn("LOW", "MEDIUM"));
        assertThat(mine)
                .extracting(Finding::ruleId)
                .contains("sse-c-key-rotation")
                .doesNotContain(
                        "in-place-sse-c-reencryption", "sse-c-overwrite-of-non-sse-c", "overwrite-or-delete-burst");
        assertThat(server.rampart()
                        .iam()
                        .findKey(owner.accessKeyId())
                        .orElseThrow()
                        .active())
                .isTrue();
        var rule = admin.getBucketEncryption(b -> b.bucket(bucket))
                .serverSideEncryptionConfiguration()
                .rules()
                .get(0);
        assertThat(rule.blockedEncryptionTypes().encryptionTypeAsStrings()).containsExactly("NONE");
        // The copies' trail records say what they replaced and that the source's key was given.
        JsonNode copy = records(r -> r.path("eventName").asText().equals("CopyObject")
                        && r.path("userIdentity").path("accessKeyId").asText().equals(owner.accessKeyId()))
                .get(0);
        assertThat(copy.path("additionalEventData").path("x-rampart-replaced").toString())
                .isEqualTo("{\"existed\":true,\"encryption\":\"SSE-C\"}");
        assertThat(copy.path("additionalEventData")
                        .path("x-rampart-copy-source")
                        .toString())
                .isEqualTo("{\"encryption\":\"SSE-C\",\"sseCKeyGiven\":true}");
        // The first write of each key created it.
        JsonNode create = records(r -> r.path("eventName").asText().equals("PutObject")
                        && r.path("userIdentity").path("accessKeyId").asText().equals(owner.accessKeyId()))
                .get(0);
        assertThat(create.path("additionalEventData").path("x-rampart-replaced").toString())
                .isEqualTo("{\"existed\":false}");
    }

    @Test
    void suspendingVersioningThenOverwritingIsContainedWithinThreeWrites() throws Exception {
        String bucket = "evasion-victim";
        bucketAllowingSseC(bucket, true);
        AccessKey attacker = server.userWithS3FullAccess("evader");
        try (S3Client s3 = server.s3(attacker.accessKeyId(), attacker.secretKey())) {
            s3.putBucketVersioning(
                    b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED)));
        }
        // Plain overwrites (no SSE-C at all): only the sequence gives them away.
        int succeeded = attackUntilRefused(
                attacker,
                (s3, key) -> s3.putObject(
                        b -> b.bucket(bucket).key(key), RequestBody.fromString("encrypted by ransomware")));

        assertThat(succeeded).as("malicious writes before containment").isBetween(1, 3);
        assertThat(server.rampart()
                        .iam()
                        .findKey(attacker.accessKeyId())
                        .orElseThrow()
                        .active())
                .isFalse();
        Finding f = awaitFinding(attacker.accessKeyId(), x -> x.ruleId().equals("evasion-then-destructive-writes"));
        assertThat(f.severity()).hasToString("HIGH");
        assertThat(admin.getObjectAsBytes(b -> b.bucket(bucket).key("doc-14")).asUtf8String())
                .isEqualTo("precious doc-14");
    }

    @Test
    void theOwnerCreatingNewObjectsAfterSuspendingVersioningIsNotContained() throws Exception {
        String bucket = "suspended-by-owner";
        bucketAllowingSseC(bucket, true);
        AccessKey owner = server.userWithS3FullAccess("tidy-owner");
        try (S3Client s3 = server.s3(owner.accessKeyId(), owner.secretKey())) {
            s3.putBucketVersioning(
                    b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED)));
            for (int i = 0; i < 5; i++) {
                String key = "new-" + i;
                s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(key));
            }
            // A marker the detector reports on: three SSE-C writes to new keys raise the notify-only write burst.
            SseCKey k = SseCKey.random();
            for (int i = 0; i < 3; i++) {
                String key = "marker-" + i;
                s3.putObject(
                        b -> b.bucket(bucket)
                                .key(key)
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(k.base64())
                                .sseCustomerKeyMD5(k.md5()),
                        RequestBody.fromString(key));
            }
        }
        // Records are read in order: once the marker's finding is there, every write before it was seen.
        awaitFinding(owner.accessKeyId(), x -> x.ruleId().equals("sse-c-write-burst"));
        assertThat(server.rampart().findings().list())
                .filteredOn(f -> owner.accessKeyId().equals(f.accessKeyId()))
                .extracting(Finding::ruleId)
                .contains("versioning-suspended");
        assertThat(server.rampart().findings().list())
                .filteredOn(f -> owner.accessKeyId().equals(f.accessKeyId()))
                .extracting(Finding::ruleId)
                .doesNotContain("evasion-then-destructive-writes");
        assertThat(server.rampart()
                        .iam()
                        .findKey(owner.accessKeyId())
                        .orElseThrow()
                        .active())
                .isTrue();
    }

    static List<JsonNode> records(Predicate<JsonNode> which) throws Exception {
        return TrailQuery.all().run(TrailLayout.ofDataDir(server.dataDir())).stream()
                .filter(which)
                .toList();
    }

    static Finding awaitFinding(String accessKeyId, Predicate<Finding> which) {
        return Await.value(
                "a finding for " + accessKeyId,
                () -> server.rampart().findings().list().stream()
                        .filter(f -> accessKeyId.equals(f.accessKeyId()) && which.test(f))
                        .findFirst()
                        .orElse(null));
    }
}

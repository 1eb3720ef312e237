package io.rampart.it;

import static io.rampart.it.KmsKeys.assertKmsCode;
import static io.rampart.it.KmsKeys.assertKmsError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.GrantOperation;
import software.amazon.awssdk.services.kms.model.InvalidAliasNameException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/** The built-in key service through AWS's own KMS client: keys, aliases, cryptography, lifecycle, policies, grants, trail. */
class KmsApiTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static KmsClient kms;

    @BeforeAll
    static void start() {
        server = RAMPART.server();
        kms = KmsKeys.kms(server);
    }

    static String newKey(String description) {
        return kms.createKey(b -> b.description(description)).keyMetadata().keyId();
    }

    static SdkBytes bytes(String s) {
        return SdkBytes.fromString(s, StandardCharsets.UTF_8);
    }

    @Test
    void keyLifecycleFollowsAwsStates() {
        CreateKeyResponse created = kms.createKey(b -> b.description("photos"));
        String id = created.keyMetadata().keyId();
        assertThat(created.keyMetadata().arn()).isEqualTo("arn:aws:kms:us-east-1:" + server.accountId() + ":key/" + id);
        assertThat(created.keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
        assertThat(created.keyMetadata().keyManagerAsString()).isEqualTo("CUSTOMER");
        assertThat(kms.describeKey(b -> b.keyId(created.keyMetadata().arn()))
                        .keyMetadata()
                        .description())
                .isEqualTo("photos");
        assertThat(kms.listKeys().keys()).anyMatch(k -> k.keyId().equals(id));

        kms.disableKey(b -> b.keyId(id));
        assertThat(kms.describeKey(b -> b.keyId(id)).keyMetadata().keyState()).isEqualTo(KeyState.DISABLED);
        assertKmsError(() -> kms.encrypt(b -> b.keyId(id).plaintext(bytes("x"))), DisabledException.class, 400);
        kms.enableKey(b -> b.keyId(id));
        kms.encrypt(b -> b.keyId(id).plaintext(bytes("x")));

        assertKmsCode(
                () -> kms.scheduleKeyDeletion(b -> b.keyId(id).pendingWindowInDays(3)), "ValidationException", 400);
        var scheduled = kms.scheduleKeyDeletion(b -> b.keyId(id).pendingWindowInDays(7));
        assertThat(scheduled.keyState()).isEqualTo(KeyState.PENDING_DELETION);
        assertThat(scheduled.pendingWindowInDays()).isEqualTo(7);
        assertThat(scheduled.deletionDate()).isAfter(Instant.now().plus(Duration.ofDays(6)));
        assertKmsError(() -> kms.encrypt(b -> b.keyId(id).plaintext(bytes("x"))), KmsInvalidStateException.class, 400);
        assertKmsError(() -> kms.disableKey(b -> b.keyId(id)), KmsInvalidStateException.class, 400);
        kms.cancelKeyDeletion(b -> b.keyId(id));
        // As in AWS, a key whose deletion was cancelled comes back disabled.
        assertThat(kms.describeKey(b -> b.keyId(id)).keyMetadata().keyState()).isEqualTo(KeyState.DISABLED);
        assertKmsError(() -> kms.cancelKeyDeletion(b -> b.keyId(id)), KmsInvalidStateException.class, 400);

        assertKmsError(
                () -> kms.describeKey(b -> b.keyId("1234abcd-12ab-34cd-56ef-1234567890ab")),
                NotFoundException.class,
                400);
    }

    @Test
    void deletedKeyIsGoneForGoodAfterItsWaitingPeriod() {
        String id = newKey("doomed");
        SdkBytes blob = kms.encrypt(b -> b.keyId(id).plaintext(bytes("secret"))).ciphertextBlob();
        kms.scheduleKeyDeletion(b -> b.keyId(id).pendingWindowInDays(7));
        assertThat(server.rampart().kms().maintenancePass(Instant.now().plus(Duration.ofDays(6))))
                .doesNotContain(id);
        assertThat(server.rampart().kms().maintenancePass(Instant.now().plus(Duration.ofDays(8))))
                .contains(id);
        assertKmsError(() -> kms.describeKey(b -> b.keyId(id)), NotFoundException.class, 400);
        assertKmsError(() -> kms.decrypt(b -> b.ciphertextBlob(blob)), InvalidCiphertextException.class, 400);
    }

    @Test
    void aliasesNameKeysAndAwsPrefixIsReserved() {
        String a = newKey("a");
        String b2 = newKey("b");
        kms.createAlias(b -> b.aliasName("alias/app").targetKeyId(a));
        assertThat(kms.describeKey(b -> b.keyId("alias/app")).keyMetadata().keyId())
                .isEqualTo(a);
        assertThat(kms.describeKey(b -> b.keyId("arn:aws:kms:us-east-1:" + server.accountId() + ":alias/app"))
                        .keyMetadata()
                        .keyId())
                .isEqualTo(a);
        assertKmsError(
                () -> kms.createAlias(b -> b.aliasName("alias/app").targetKeyId(b2)),
                AlreadyExistsException.class,
                400);
        assertKmsError(
                () -> kms.createAlias(b -> b.aliasName("alias/aws/mine").targetKeyId(b2)),
                InvalidAliasNameException.class,
                400);
        kms.updateAlias(b -> b.aliasName("alias/app").targetKeyId(b2));
        List<AliasListEntry> aliases = kms.listAliases().aliases();
        assertThat(aliases)
                .anyMatch(x ->
                        x.aliasName().equals("alias/app") && x.targetKeyId().equals(b2));
        kms.deleteAlias(b -> b.aliasName("alias/app"));
        assertKmsError(() -> kms.describeKey(b -> b.keyId("alias/app")), NotFoundException.class, 400);
    }

    @Test
    void encryptionContextMustMatchToDecrypt() {
        String id = newKey("ctx");
        Map<String, String> ctx = Map.of("tenant", "acme", "purpose", "test");
        EncryptResponse e =
                kms.encrypt(b -> b.keyId(id).plaintext(bytes("hello kms")).encryptionContext(ctx));
        DecryptResponse d =
                kms.decrypt(b -> b.ciphertextBlob(e.ciphertextBlob()).encryptionContext(ctx));
        assertThat(d.plaintext().asUtf8String()).isEqualTo("hello kms");
        assertThat(d.keyId()).endsWith(id);
        assertKmsError(
                () -> kms.decrypt(
                        b -> b.ciphertextBlob(e.ciphertextBlob()).encryptionContext(Map.of("tenant", "evil"))),
                InvalidCiphertextException.class,
                400);
        assertKmsError(
                () -> kms.decrypt(b -> b.ciphertextBlob(e.ciphertextBlob())), InvalidCiphertextException.class, 400);

        GenerateDataKeyResponse dk = kms.generateDataKey(b -> b.keyId(id).keySpec("AES_256"));
        assertThat(dk.plaintext().asByteArray()).hasSize(32);
        assertThat(kms.decrypt(b -> b.ciphertextBlob(dk.ciphertextBlob())).plaintext())
                .isEqualTo(dk.plaintext());
        assertThat(kms.generateDataKeyWithoutPlaintext(b -> b.keyId(id).numberOfBytes(16))
                        .ciphertextBlob()
                        .asByteArray())
                .isNotEmpty();

        String other = newKey("other");
        var re = kms.reEncrypt(b -> b.ciphertextBlob(e.ciphertextBlob())
                .sourceEncryptionContext(ctx)
                .destinationKeyId(other));
        assertThat(re.keyId()).endsWith(other);
        assertThat(kms.decrypt(b -> b.ciphertextBlob(re.ciphertextBlob()))
                        .plaintext()
                        .asUtf8String())
                .isEqualTo("hello kms");
    }

    @Test
    void rotationKeepsOldCiphertextDecryptable() {
        String id = newKey("rotating");
        SdkBytes before = kms.encrypt(b -> b.keyId(id).plaintext(bytes("old"))).ciphertextBlob();
        kms.enableKeyRotation(b -> b.keyId(id));
        assertThat(kms.getKeyRotationStatus(b -> b.keyId(id)).keyRotationEnabled())
                .isTrue();
        kms.rotateKeyOnDemand(b -> b.keyId(id));
        SdkBytes after = kms.encrypt(b -> b.keyId(id).plaintext(bytes("new"))).ciphertextBlob();
        assertThat(kms.listKeyRotations(b -> b.keyId(id)).rotations()).hasSize(1);
        assertThat(kms.decrypt(b -> b.ciphertextBlob(before)).plaintext().asUtf8String())
                .isEqualTo("old");
        assertThat(kms.decrypt(b -> b.ciphertextBlob(after)).plaintext().asUtf8String())
                .isEqualTo("new");
        // Automatic rotation: the background pass rotates a key whose period (365 days by default) has passed.
        server.rampart().kms().maintenancePass(Instant.now().plus(Duration.ofDays(366)));
        assertThat(kms.listKeyRotations(b -> b.keyId(id)).rotations()).hasSize(2);
        assertThat(kms.decrypt(b -> b.ciphertextBlob(before)).plaintext().asUtf8String())
                .isEqualTo("old");
        kms.disableKeyRotation(b -> b.keyId(id));
        assertThat(kms.getKeyRotationStatus(b -> b.keyId(id)).keyRotationEnabled())
                .isFalse();
    }

    @Test
    void keyPolicyAndIamDecideTogether() {
        io.rampart.iam.AccessKey bob = server.rampart().iam().createUserWithKey("kms-bob");
        KmsClient asBob = KmsKeys.kms(server, AwsBasicCredentials.create(bob.accessKeyId(), bob.secretKey()));
        String id = newKey("guarded");
        String arn = "arn:aws:kms:us-east-1:" + server.accountId() + ":key/" + id;
        // Default policy delegates to IAM: without an IAM policy Bob may not use the key.
        assertKmsCode(() -> asBob.encrypt(b -> b.keyId(id).plaintext(bytes("x"))), "AccessDeniedException", 400);
        server.iam()
                .putUserPolicy(
                        b -> b.userName("kms-bob")
                                .policyName("kms")
                                .policyDocument(
                                        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"));
        asBob.encrypt(b -> b.keyId(id).plaintext(bytes("x")));
        assertThat(kms.getKeyPolicy(b -> b.keyId(id)).policy())
                .contains("arn:aws:iam::" + server.accountId() + ":root");

        // A policy that would lock the caller out is refused unless the caller insists.
        String bobOnlyDecrypt =
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::"
                        + server.accountId() + ":user/kms-bob\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}]}";
        assertKmsError(
                () -> kms.putKeyPolicy(b -> b.keyId(id).policyName("default").policy(bobOnlyDecrypt)),
                MalformedPolicyDocumentException.class,
                400);

        // An explicit Deny in the key policy wins over Bob's IAM allow.
        String denyBob =
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"root\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                        + "\"arn:aws:iam::" + server.accountId()
                        + ":root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},{\"Effect\":\"Deny\","
                        + "\"Principal\":{\"AWS\":\"arn:aws:iam::" + server.accountId()
                        + ":user/kms-bob\"},\"Action\":\"kms:Encrypt\","
                        + "\"Resource\":\"*\",\"Condition\":{\"StringNotEquals\":{\"kms:EncryptionContext:team\":\"blue\"}}}]}";
        kms.putKeyPolicy(b -> b.keyId(id).policyName("default").policy(denyBob));
        var denied = assertKmsCode(
                () -> asBob.encrypt(b -> b.keyId(arn).plaintext(bytes("x"))), "AccessDeniedException", 400);
        assertThat(denied.awsErrorDetails().errorMessage())
                .contains("kms:Encrypt")
                .contains(arn);
        asBob.encrypt(b -> b.keyId(arn).plaintext(bytes("x")).encryptionContext(Map.of("team", "blue")));

        // A grant lets a principal with no IAM permission use the key for the granted operations only.
        io.rampart.iam.AccessKey carol = server.rampart().iam().createUserWithKey("kms-carol");
        KmsClient asCarol = KmsKeys.kms(server, AwsBasicCredentials.create(carol.accessKeyId(), carol.secretKey()));
        String plainKey = newKey("granted");
        assertKmsCode(
                () -> asCarol.encrypt(b -> b.keyId(plainKey).plaintext(bytes("x"))), "AccessDeniedException", 400);
        String grantId = kms.createGrant(b -> b.keyId(plainKey)
                        .granteePrincipal("arn:aws:iam::" + server.accountId() + ":user/kms-carol")
                        .operations(GrantOperation.ENCRYPT))
                .grantId();
        asCarol.encrypt(b -> b.keyId(plainKey).plaintext(bytes("x")));
        assertKmsCode(
                () -> asCarol.generateDataKey(b -> b.keyId(plainKey).keySpec("AES_256")), "AccessDeniedException", 400);
        assertThat(kms.listGrants(b -> b.keyId(plainKey)).grants())
                .anyMatch(g -> g.grantId().equals(grantId));
        kms.revokeGrant(b -> b.keyId(plainKey).grantId(grantId));
        assertKmsCode(
                () -> asCarol.encrypt(b -> b.keyId(plainKey).plaintext(bytes("x"))), "AccessDeniedException", 400);
    }

    @Test
    void tagsOnKeys() {
        String id = newKey("tagged");
        kms.tagResource(b -> b.keyId(id)
                .tags(
                        t -> t.tagKey("env").tagValue("prod"),
                        t -> t.tagKey("team").tagValue("a")));
        kms.untagResource(b -> b.keyId(id).tagKeys("team"));
        assertThat(kms.listResourceTags(b -> b.keyId(id)).tags())
                .singleElement()
                .satisfies(t -> assertThat(t.tagKey() + "=" + t.tagValue()).isEqualTo("env=prod"));
    }

    @Test
    void trailRecordsKmsCallsWithoutKeyMaterial() throws Exception {
        String id = newKey("audited");
        String secret = "do-not-log-this-plaintext";
        EncryptResponse e =
                kms.encrypt(b -> b.keyId(id).plaintext(bytes(secret)).encryptionContext(Map.of("app", "x")));
        String requestId = kms.scheduleKeyDeletion(b -> b.keyId(id).pendingWindowInDays(7))
                .responseMetadata()
                .requestId();
        server.awaitDetectorProcessed(requestId);
        List<JsonNode> records = TrailQuery.all().run(TrailLayout.ofDataDir(server.dataDir()));
        JsonNode enc = records.stream()
                .filter(r -> "Encrypt".equals(r.path("eventName").asText())
                        && id.equals(r.path("requestParameters").path("keyId").asText()))
                .findFirst()
                .orElseThrow();
        assertThat(enc.path("eventSource").asText()).isEqualTo("kms.amazonaws.com");
        assertThat(enc.path("readOnly").asBoolean()).isTrue();
        assertThat(enc.path("requestParameters")
                        .path("encryptionContext")
                        .path("app")
                        .asText())
                .isEqualTo("x");
        assertThat(enc.path("resources").get(0).path("type").asText()).isEqualTo("AWS::KMS::Key");
        String all = records.toString();
        assertThat(all)
                .doesNotContain(secret)
                .doesNotContain(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)))
                .doesNotContain(
                        Base64.getEncoder().encodeToString(e.ciphertextBlob().asByteArray()));
        JsonNode del = records.stream()
                .filter(r -> requestId.equals(r.path("requestID").asText()))
                .findFirst()
                .orElseThrow();
        assertThat(del.path("eventName").asText()).isEqualTo("ScheduleKeyDeletion");
        assertThat(del.path("requestParameters").path("pendingWindowInDays").asText())
                .isEqualTo("7");
        assertThat(del.path("additionalEventData")
                        .path("x-rampart-kms-key")
                        .path("protectsObjects")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void badInputGetsKmsErrorsNotServerFaults() {
        String id = newKey("inputs");
        assertKmsError(
                () -> kms.decrypt(b -> b.ciphertextBlob(bytes("not a ciphertext blob at all, just text"))),
                InvalidCiphertextException.class,
                400);
        SdkBytes blob = kms.encrypt(b -> b.keyId(id).plaintext(bytes("x"))).ciphertextBlob();
        byte[] tampered = blob.asByteArray();
        tampered[tampered.length - 1] ^= 1;
        assertKmsError(
                () -> kms.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(tampered))),
                InvalidCiphertextException.class,
                400);
        assertKmsCode(
                () -> kms.encrypt(b -> b.keyId(id).plaintext(SdkBytes.fromByteArray(new byte[4097]))),
                "ValidationException",
                400);
        assertKmsCode(() -> kms.generateDataKey(b -> b.keyId(id)), "ValidationException", 400);
        assertKmsCode(() -> kms.generateDataKey(b -> b.keyId(id).numberOfBytes(2000)), "ValidationException", 400);
        assertKmsCode(() -> kms.createKey(b -> b.keyUsage("SIGN_VERIFY")), "ValidationException", 400);
        assertKmsError(() -> kms.createKey(b -> b.policy("{not json")), MalformedPolicyDocumentException.class, 400);
        assertKmsError(
                () -> kms.describeKey(b -> b.keyId("arn:aws:s3:::bucket")),
                software.amazon.awssdk.services.kms.model.InvalidArnException.class,
                400);
        assertKmsError(
                () -> kms.encrypt(b -> b.keyId("alias/missing").plaintext(bytes("x"))), NotFoundException.class, 400);
        assertKmsCode(
                () -> kms.createAlias(b -> b.aliasName("not-an-alias").targetKeyId(id)), "ValidationException", 400);
        // A caller unknown to the server: KMS's own code for it.
        KmsClient stranger = KmsKeys.kms(server, AwsBasicCredentials.create("AKIAUNKNOWNKEY000000", "x".repeat(40)));
        assertKmsCode(() -> stranger.listKeys(), "UnrecognizedClientException", 400);
    }
}

package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.EncryptionType;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The ransomware attack on a versioned bucket: an attacker with write access overwrites every object with garbage and
 * then re-encrypts it in place with a key only they hold (CopyObject onto itself with SSE-C). Versioning keeps every
 * original version, listed and readable byte for byte.
 */
class RansomwareOnVersionedBucketTest {
    static final int OBJECTS = 20;

    // SSE-C over plain HTTP and on new buckets: the attacker's tool of choice must be available for the test.
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults().allowSseCOverHttp();

    static RampartServer server;
    static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void everyOriginalVersionSurvivesOverwriteAndInPlaceSseCReEncryption() throws Exception {
        String bucket = "victim";
        s3.createBucket(b -> b.bucket(bucket));
        s3.putBucketVersioning(
                b -> b.bucket(bucket).versioningConfiguration(c -> c.status(BucketVersioningStatus.ENABLED)));
        s3.putBucketEncryption(b -> b.bucket(bucket)
                .serverSideEncryptionConfiguration(c -> c.rules(
                        r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256))
                                .blockedEncryptionTypes(t -> t.encryptionType(EncryptionType.NONE)))));

        // The victim's data: random bytes, small (inline) and larger than one 64 KiB chunk.
        Random random = new Random(20240601);
        Map<String, byte[]> originals = new LinkedHashMap<>();
        Map<String, String> originalVersions = new LinkedHashMap<>();
        for (int i = 0; i < OBJECTS; i++) {
            String key = String.format("documents/file-%02d.bin", i);
            int size = i % 4 == 0 ? 64 * 1024 + 1 + random.nextInt(300_000) : 1 + random.nextInt(60_000);
            byte[] data = new byte[size];
            random.nextBytes(data);
            String v = s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data))
                    .versionId();
            assertThat(v).isNotNull().isNotEqualTo("null");
            originals.put(key, data);
            originalVersions.put(key, v);
        }
        assertThat(originals.values()).filteredOn(d -> d.length > 64 * 1024).hasSizeGreaterThanOrEqualTo(5);

        // The attack: overwrite with garbage, then re-encrypt the garbage in place under the attacker's key.
        SseCKey attackerKey = SseCKey.random();
        Map<String, List<String>> attackVersions = new LinkedHashMap<>();
        for (String key : originals.keySet()) {
            byte[] garbage = new byte[1024];
            random.nextBytes(garbage);
            String overwrite = s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(garbage))
                    .versionId();
            CopyObjectResponse copy = s3.copyObject(b -> b.sourceBucket(bucket)
                    .sourceKey(key)
                    .destinationBucket(bucket)
                    .destinationKey(key)
                    .sseCustomerAlgorithm("AES256")
                    .sseCustomerKey(attackerKey.base64())
                    .sseCustomerKeyMD5(attackerKey.md5()));
            assertThat(copy.copySourceVersionId()).isEqualTo(overwrite);
            assertThat(copy.sseCustomerAlgorithm()).isEqualTo("AES256");
            attackVersions.put(key, List.of(copy.versionId(), overwrite));
        }

        // The current objects are now unreadable without the attacker's key.
        String someKey = originals.keySet().iterator().next();
        assertS3Error(
                () -> s3.getObject(b -> b.bucket(bucket).key(someKey)),
                400,
                "InvalidRequest",
                "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.");

        // Recovery: every original version is still listed, as the oldest of three, and not the latest.
        Map<String, List<ObjectVersion>> listed = new LinkedHashMap<>();
        int markers = 0;
        for (ListObjectVersionsResponse page :
                s3.listObjectVersionsPaginator(b -> b.bucket(bucket).maxKeys(7))) {
            page.versions()
                    .forEach(v -> listed.computeIfAbsent(v.key(), k -> new ArrayList<>())
                            .add(v));
            markers += page.deleteMarkers().size();
        }
        assertThat(markers).isZero();
        assertThat(listed.keySet()).containsExactlyElementsOf(originals.keySet());
        for (String key : originals.keySet()) {
            List<ObjectVersion> vs = listed.get(key);
            List<String> attack = attackVersions.get(key);
            assertThat(vs)
                    .as("versions of %s", key)
                    .extracting(ObjectVersion::versionId)
                    .containsExactly(attack.get(0), attack.get(1), originalVersions.get(key));
            assertThat(vs).extracting(ObjectVersion::isLatest).containsExactly(true, false, false);
            assertThat(vs.get(2).size()).isEqualTo(originals.get(key).length);
        }

        // ...and reads back byte-identical by version id, without any customer key: the originals were SSE-S3.
        for (String key : originals.keySet()) {
            var got = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).versionId(originalVersions.get(key)));
            assertThat(got.response().serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
            assertThat(got.response().versionId()).isEqualTo(originalVersions.get(key));
            assertThat(sha256(got.asByteArray())).as("bytes of %s", key).isEqualTo(sha256(originals.get(key)));
        }

        // Restoring is one copy per key: the original version becomes the latest again, readable without a key.
        for (String key : originals.keySet()) {
            s3.copyObject(b -> b.sourceBucket(bucket)
                    .sourceKey(key)
                    .sourceVersionId(originalVersions.get(key))
                    .destinationBucket(bucket)
                    .destinationKey(key));
            assertThat(sha256(
                            s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray()))
                    .isEqualTo(sha256(originals.get(key)));
        }
    }
}

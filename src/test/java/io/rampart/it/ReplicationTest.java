package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.DeleteMarkerReplication;
import software.amazon.awssdk.services.s3.model.DeleteMarkerReplicationStatus;
import software.amazon.awssdk.services.s3.model.Destination;
import software.amazon.awssdk.services.s3.model.EncryptionType;
import software.amazon.awssdk.services.s3.model.GetBucketReplicationResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.ReplicationConfiguration;
import software.amazon.awssdk.services.s3.model.ReplicationRule;
import software.amazon.awssdk.services.s3.model.ReplicationRuleAndOperator;
import software.amazon.awssdk.services.s3.model.ReplicationRuleFilter;
import software.amazon.awssdk.services.s3.model.ReplicationRuleStatus;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * Bucket replication on one server: the configuration API as AWS validates and answers it, and replication to a bucket
 * of the same server (versions keep their ids; replicas say REPLICA; version deletes never reach the replica).
 */
class ReplicationTest {
    static final String MALFORMED =
            "The XML you provided was not well-formed or did not validate against our published schema";
    static final String ROLE = "arn:aws:iam::123456789012:role/replication";
    // SSE-C over plain HTTP and on new buckets: one test shows SSE-C objects are not replicated.
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults().allowSseCOverHttpOnNewBuckets();

    static RampartServer server;
    static S3Client s3;
    static RawS3 raw;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        raw = RAMPART.raw();
    }

    static void versionedBucket(S3Client c, String name) {
        Buckets.versioned(c, name);
    }

    static ReplicationRule rule(String id, int priority, String prefix, String destination, boolean deleteMarkers) {
        return ReplicationRule.builder()
                .id(id)
                .priority(priority)
                .status(ReplicationRuleStatus.ENABLED)
                .filter(ReplicationRuleFilter.builder().prefix(prefix).build())
                .deleteMarkerReplication(DeleteMarkerReplication.builder()
                        .status(
                                deleteMarkers
                                        ? DeleteMarkerReplicationStatus.ENABLED
                                        : DeleteMarkerReplicationStatus.DISABLED)
                        .build())
                .destination(Destination.builder()
                        .bucket("arn:aws:s3:::" + destination)
                        .build())
                .build();
    }

    static void replicate(S3Client c, String source, ReplicationRule... rules) {
        c.putBucketReplication(b -> b.bucket(source)
                .replicationConfiguration(ReplicationConfiguration.builder()
                        .role(ROLE)
                        .rules(rules)
                        .build()));
    }

    /** Kept for tests written before {@link Await} (other branches); new code calls {@code Await.until}. */
    static void eventually(String what, BooleanSupplier condition) {
        Await.until(what, condition::getAsBoolean);
    }

    static String status(S3Client c, String bucket, String key, String versionId) {
        return c.headObject(b -> b.bucket(bucket).key(key).versionId(versionId)).replicationStatusAsString();
    }

    static void awaitStatus(S3Client c, String bucket, String key, String versionId, String expected) {
        Await.until(
                bucket + "/" + key + " " + versionId + " replication status " + expected,
                () -> expected.equals(status(c, bucket, key, versionId)));
    }

    static String body(S3Client c, String bucket, String key, String versionId) {
        return c.getObjectAsBytes(b -> b.bucket(bucket).key(key).versionId(versionId))
                .asString(StandardCharsets.UTF_8);
    }

    // ---- the configuration API ----

    @Test
    void configurationIsStoredAndAnsweredAsPutThenDeleted() {
        versionedBucket(s3, "cfg-src");
        versionedBucket(s3, "cfg-dst");
        ReplicationRule tagged = ReplicationRule.builder()
                .id("tagged")
                .priority(2)
                .status(ReplicationRuleStatus.DISABLED)
                .filter(ReplicationRuleFilter.builder()
                        .and(ReplicationRuleAndOperator.builder()
                                .prefix("docs/")
                                .tags(Tag.builder()
                                        .key("replicate")
                                        .value("yes")
                                        .build())
                                .build())
                        .build())
                .deleteMarkerReplication(DeleteMarkerReplication.builder()
                        .status(DeleteMarkerReplicationStatus.DISABLED)
                        .build())
                .destination(Destination.builder()
                        .bucket("arn:aws:s3:::cfg-dst")
                        .storageClass(StorageClass.STANDARD_IA)
                        .build())
                .build();
        replicate(s3, "cfg-src", rule("all", 1, "", "cfg-dst", true), tagged);

        GetBucketReplicationResponse got = s3.getBucketReplication(b -> b.bucket("cfg-src"));
        ReplicationConfiguration c = got.replicationConfiguration();
        assertThat(c.role()).isEqualTo(ROLE);
        assertThat(c.rules()).hasSize(2);
        ReplicationRule first = c.rules().get(0);
        assertThat(first.id()).isEqualTo("all");
        assertThat(first.priority()).isEqualTo(1);
        assertThat(first.status()).isEqualTo(ReplicationRuleStatus.ENABLED);
        assertThat(first.filter().prefix()).isEmpty();
        assertThat(first.deleteMarkerReplication().status()).isEqualTo(DeleteMarkerReplicationStatus.ENABLED);
        assertThat(first.destination().bucket()).isEqualTo("arn:aws:s3:::cfg-dst");
        ReplicationRule second = c.rules().get(1);
        assertThat(second.status()).isEqualTo(ReplicationRuleStatus.DISABLED);
        assertThat(second.filter().and().prefix()).isEqualTo("docs/");
        assertThat(second.filter().and().tags())
                .containsExactly(Tag.builder().key("replicate").value("yes").build());
        assertThat(second.destination().storageClass()).isEqualTo(StorageClass.STANDARD_IA);

        s3.deleteBucketReplication(b -> b.bucket("cfg-src"));
        assertS3Error(
                () -> s3.getBucketReplication(b -> b.bucket("cfg-src")),
                404,
                "ReplicationConfigurationNotFoundError",
                "The replication configuration was not found");
    }

    @Test
    void getWithoutConfigurationIsReplicationConfigurationNotFound() {
        versionedBucket(s3, "cfg-none");
        RawS3.Reply r = raw.signed("GET", "/cfg-none?replication", Map.of(), null);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.error())
                .containsEntry("Code", "ReplicationConfigurationNotFoundError")
                .containsEntry("BucketName", "cfg-none");
    }

    @Test
    void sourceBucketWithoutVersioningIsRefused() {
        s3.createBucket(b -> b.bucket("cfg-unversioned"));
        versionedBucket(s3, "cfg-unversioned-dst");
        assertS3Error(
                () -> replicate(s3, "cfg-unversioned", rule("r", 1, "", "cfg-unversioned-dst", false)),
                400,
                "InvalidRequest",
                "Versioning must be 'Enabled' on the bucket to apply a replication configuration");
    }

    @Test
    void destinationMustExistAndBeVersioned() {
        versionedBucket(s3, "cfg-src2");
        assertS3Error(
                () -> replicate(s3, "cfg-src2", rule("r", 1, "", "no-such-bucket", false)),
                400,
                "InvalidRequest",
                "Destination bucket must exist.");
        s3.createBucket(b -> b.bucket("cfg-plain-dst"));
        assertS3Error(
                () -> replicate(s3, "cfg-src2", rule("r", 1, "", "cfg-plain-dst", false)),
                400,
                "InvalidRequest",
                "Destination bucket must have versioning enabled.");
        assertS3Error(
                () -> replicate(s3, "cfg-src2", rule("r", 1, "", "cfg-src2", false)),
                400,
                "InvalidRequest",
                "Destination bucket cannot be the same as the source bucket.");
    }

    @Test
    void versioningCannotBeSuspendedUnderAReplicationConfiguration() {
        versionedBucket(s3, "susp-src");
        versionedBucket(s3, "susp-dst");
        replicate(s3, "susp-src", rule("all", 1, "", "susp-dst", false));
        assertS3Error(
                () -> s3.putBucketVersioning(b ->
                        b.bucket("susp-src").versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED))),
                409,
                "InvalidBucketState");
        s3.deleteBucketReplication(b -> b.bucket("susp-src"));
        s3.putBucketVersioning(
                b -> b.bucket("susp-src").versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED)));
        assertThat(s3.getBucketVersioning(b -> b.bucket("susp-src")).status())
                .isEqualTo(BucketVersioningStatus.SUSPENDED);
    }

    @Test
    void aBucketPolicyDenyingTheReplicationActionsApplies() {
        versionedBucket(s3, "pol-src");
        versionedBucket(s3, "pol-dst");
        s3.putBucketPolicy(b -> b.bucket("pol-src").policy("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*",
                  "Action": ["s3:PutReplicationConfiguration", "s3:GetReplicationConfiguration"],
                  "Resource": "arn:aws:s3:::pol-src"}]}
                """));
        assertS3Error(() -> replicate(s3, "pol-src", rule("all", 1, "", "pol-dst", false)), 403, "AccessDenied");
        assertS3Error(() -> s3.getBucketReplication(b -> b.bucket("pol-src")), 403, "AccessDenied");
        assertS3Error(() -> s3.deleteBucketReplication(b -> b.bucket("pol-src")), 403, "AccessDenied");
    }

    @Test
    void invalidRulesAreRefusedAsAwsRefusesThem() {
        versionedBucket(s3, "cfg-src3");
        versionedBucket(s3, "cfg-dst3");
        // Schema V2 (a Filter) needs DeleteMarkerReplication.
        ReplicationRule noMarkers = ReplicationRule.builder()
                .id("r")
                .priority(1)
                .status(ReplicationRuleStatus.ENABLED)
                .filter(ReplicationRuleFilter.builder().prefix("").build())
                .destination(
                        Destination.builder().bucket("arn:aws:s3:::cfg-dst3").build())
                .build();
        assertS3Error(
                () -> replicate(s3, "cfg-src3", noMarkers),
                400,
                "InvalidRequest",
                "DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema.");
        // Delete markers have no tags: a tag filter cannot replicate them.
        ReplicationRule taggedMarkers = ReplicationRule.builder()
                .id("r")
                .priority(1)
                .status(ReplicationRuleStatus.ENABLED)
                .filter(ReplicationRuleFilter.builder()
                        .tag(Tag.builder().key("k").value("v").build())
                        .build())
                .deleteMarkerReplication(DeleteMarkerReplication.builder()
                        .status(DeleteMarkerReplicationStatus.ENABLED)
                        .build())
                .destination(
                        Destination.builder().bucket("arn:aws:s3:::cfg-dst3").build())
                .build();
        assertS3Error(
                () -> replicate(s3, "cfg-src3", taggedMarkers),
                400,
                "InvalidRequest",
                "Delete marker replication is not supported if any Tag filter is specified.");
        assertS3Error(
                () -> replicate(
                        s3,
                        "cfg-src3",
                        rule("same", 1, "a", "cfg-dst3", false),
                        rule("same", 2, "b", "cfg-dst3", false)),
                400,
                "InvalidArgument",
                "Rule Id must be unique");
        assertS3Error(
                () -> replicate(
                        s3, "cfg-src3", rule("a", 1, "a", "cfg-dst3", false), rule("b", 1, "b", "cfg-dst3", false)),
                400,
                "InvalidRequest");
        ReplicationRule badArn = ReplicationRule.builder()
                .id("r")
                .priority(1)
                .status(ReplicationRuleStatus.ENABLED)
                .filter(ReplicationRuleFilter.builder().prefix("").build())
                .deleteMarkerReplication(DeleteMarkerReplication.builder()
                        .status(DeleteMarkerReplicationStatus.DISABLED)
                        .build())
                .destination(Destination.builder().bucket("cfg-dst3").build())
                .build();
        assertS3Error(() -> replicate(s3, "cfg-src3", badArn), 400, "InvalidArgument");
        assertS3Error(
                () -> s3.getBucketReplication(b -> b.bucket("cfg-src3")), 404, "ReplicationConfigurationNotFoundError");
    }

    @Test
    void malformedDocumentsAreMalformedXml() {
        versionedBucket(s3, "cfg-src4");
        versionedBucket(s3, "cfg-dst4");
        String md5 = "x";
        for (String body : List.of(
                "<ReplicationConfiguration><Role>r</Role>",
                "<ReplicationConfiguration><Role>r</Role></ReplicationConfiguration>",
                "<ReplicationConfiguration><Rule><ID>x</ID><Status>Enabled</Status><Prefix></Prefix>"
                        + "<Destination><Bucket>arn:aws:s3:::cfg-dst4</Bucket></Destination></Rule></ReplicationConfiguration>",
                "<ReplicationConfiguration><Role>r</Role><Rule><ID>x</ID><Status>On</Status><Prefix></Prefix>"
                        + "<Destination><Bucket>arn:aws:s3:::cfg-dst4</Bucket></Destination></Rule></ReplicationConfiguration>",
                "<ReplicationConfiguration><Role>r</Role><Rule><ID>x</ID><Status>Enabled</Status><Prefix></Prefix>"
                        + "</Rule></ReplicationConfiguration>",
                "<LifecycleConfiguration/>")) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            md5 = java.util.Base64.getEncoder().encodeToString(StoredMd5.of(bytes));
            RawS3.Reply r = raw.signed("PUT", "/cfg-src4?replication", Map.of("Content-MD5", md5), bytes);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.error()).as(body).containsEntry("Code", "MalformedXML").containsEntry("Message", MALFORMED);
        }
    }

    /** Content-MD5 of a request body. */
    static final class StoredMd5 {
        static byte[] of(byte[] b) {
            try {
                return java.security.MessageDigest.getInstance("MD5").digest(b);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    // ---- replication to a bucket on this server ----

    @Test
    void versionsReplicateToALocalBucketWithTheirIdsBytesAndMetadata() {
        versionedBucket(s3, "loc-src");
        versionedBucket(s3, "loc-dst");
        replicate(s3, "loc-src", rule("all", 1, "", "loc-dst", true));

        byte[] big = new byte[300_000];
        new Random(7).nextBytes(big);
        String v1 = s3.putObject(
                        b -> b.bucket("loc-src")
                                .key("doc.txt")
                                .contentType("text/plain")
                                .metadata(Map.of("owner", "alice"))
                                .tagging("class=gold"),
                        RequestBody.fromString("first"))
                .versionId();
        String v2 = s3.putObject(
                        b -> b.bucket("loc-src").key("doc.txt").contentType("text/plain"),
                        RequestBody.fromString("second"))
                .versionId();
        String vBig = s3.putObject(b -> b.bucket("loc-src").key("big.bin"), RequestBody.fromBytes(big))
                .versionId();

        awaitStatus(s3, "loc-src", "doc.txt", v1, "COMPLETED");
        awaitStatus(s3, "loc-src", "doc.txt", v2, "COMPLETED");
        awaitStatus(s3, "loc-src", "big.bin", vBig, "COMPLETED");

        HeadObjectResponse replica =
                s3.headObject(b -> b.bucket("loc-dst").key("doc.txt").versionId(v1));
        assertThat(replica.replicationStatusAsString()).isEqualTo("REPLICA");
        assertThat(replica.contentType()).isEqualTo("text/plain");
        assertThat(replica.metadata()).containsEntry("owner", "alice");
        assertThat(s3.getObjectTagging(b -> b.bucket("loc-dst").key("doc.txt").versionId(v1))
                        .tagSet())
                .containsExactly(Tag.builder().key("class").value("gold").build());
        assertThat(body(s3, "loc-dst", "doc.txt", v1)).isEqualTo("first");
        assertThat(body(s3, "loc-dst", "doc.txt", null)).isEqualTo("second");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("loc-dst").key("big.bin").versionId(vBig))
                        .asByteArray())
                .isEqualTo(big);
        assertThat(s3.listObjectVersions(b -> b.bucket("loc-dst").prefix("doc.txt"))
                        .versions())
                .extracting(ObjectVersion::versionId)
                .containsExactly(v2, v1);
        assertThat(server.rampart().replication().metrics().replicated()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void deleteMarkersReplicateButDeletesOfAVersionNeverDo() {
        versionedBucket(s3, "del-src");
        versionedBucket(s3, "del-dst");
        replicate(s3, "del-src", rule("all", 1, "", "del-dst", true));
        String v1 = s3.putObject(b -> b.bucket("del-src").key("k"), RequestBody.fromString("precious"))
                .versionId();
        awaitStatus(s3, "del-src", "k", v1, "COMPLETED");

        String marker = s3.deleteObject(b -> b.bucket("del-src").key("k")).versionId();
        Await.until(
                "the delete marker on the replica",
                () -> s3.listObjectVersions(b -> b.bucket("del-dst")).deleteMarkers().stream()
                        .anyMatch(m -> m.versionId().equals(marker) && m.isLatest()));

        // The attacker's move: delete the versions themselves at the source. The replica keeps them.
        s3.deleteObject(b -> b.bucket("del-src").key("k").versionId(marker));
        s3.deleteObject(b -> b.bucket("del-src").key("k").versionId(v1));
        String sentinel = s3.putObject(b -> b.bucket("del-src").key("k2"), RequestBody.fromString("later"))
                .versionId();
        awaitStatus(s3, "del-src", "k2", sentinel, "COMPLETED");
        assertThat(s3.listObjectVersions(b -> b.bucket("del-src").prefix("k")).versions())
                .extracting(ObjectVersion::key)
                .containsExactly("k2");
        assertThat(body(s3, "del-dst", "k", v1)).isEqualTo("precious");
        assertThat(s3.listObjectVersions(b -> b.bucket("del-dst").prefix("k")).deleteMarkers())
                .hasSize(1);
    }

    @Test
    void deleteMarkersStayAtTheSourceWhenDeleteMarkerReplicationIsDisabled() {
        versionedBucket(s3, "nodm-src");
        versionedBucket(s3, "nodm-dst");
        replicate(s3, "nodm-src", rule("all", 1, "", "nodm-dst", false));
        String v1 = s3.putObject(b -> b.bucket("nodm-src").key("k"), RequestBody.fromString("kept"))
                .versionId();
        awaitStatus(s3, "nodm-src", "k", v1, "COMPLETED");
        s3.deleteObject(b -> b.bucket("nodm-src").key("k"));
        // Queued after the delete, for another key: once it is replicated, the worker has passed the delete.
        String later = s3.putObject(b -> b.bucket("nodm-src").key("k-later"), RequestBody.fromString("x"))
                .versionId();
        awaitStatus(s3, "nodm-src", "k-later", later, "COMPLETED");
        assertThat(body(s3, "nodm-dst", "k", null)).isEqualTo("kept");
        assertThat(s3.listObjectVersions(b -> b.bucket("nodm-dst")).deleteMarkers())
                .isEmpty();
    }

    @Test
    void onlyKeysTheRulesSelectAreReplicated() {
        versionedBucket(s3, "pre-src");
        versionedBucket(s3, "pre-dst");
        replicate(s3, "pre-src", rule("logs", 1, "logs/", "pre-dst", false));
        String outside = s3.putObject(b -> b.bucket("pre-src").key("other.txt"), RequestBody.fromString("o"))
                .versionId();
        String inside = s3.putObject(b -> b.bucket("pre-src").key("logs/a.txt"), RequestBody.fromString("i"))
                .versionId();
        awaitStatus(s3, "pre-src", "logs/a.txt", inside, "COMPLETED");
        assertThat(status(s3, "pre-src", "other.txt", outside)).isNull();
        assertThat(catchNoSuchKey(() -> s3.headObject(b -> b.bucket("pre-dst").key("other.txt"))))
                .isTrue();
    }

    @Test
    void theNextPutFollowsEachConfigurationChangeAtOnce() {
        versionedBucket(s3, "next-src");
        versionedBucket(s3, "next-dst");
        // Read (and kept by the store) as "no replication" by this PUT; the change below must not wait for it to lapse.
        String before = s3.putObject(b -> b.bucket("next-src").key("k"), RequestBody.fromString("0"))
                .versionId();
        assertThat(status(s3, "next-src", "k", before)).isNull();

        replicate(s3, "next-src", rule("all", 1, "", "next-dst", false));
        String during = s3.putObject(b -> b.bucket("next-src").key("k"), RequestBody.fromString("1"))
                .versionId();
        assertThat(status(s3, "next-src", "k", during)).isIn("PENDING", "COMPLETED");

        s3.deleteBucketReplication(b -> b.bucket("next-src"));
        String after = s3.putObject(b -> b.bucket("next-src").key("k"), RequestBody.fromString("2"))
                .versionId();
        assertThat(status(s3, "next-src", "k", after)).isNull();
        awaitStatus(s3, "next-src", "k", during, "COMPLETED");
    }

    static boolean catchNoSuchKey(Runnable r) {
        try {
            r.run();
            return false;
        } catch (NoSuchKeyException e) {
            return true;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            return e.statusCode() == 404;
        }
    }

    @Test
    void sseCObjectsAreNotReplicatedAndMarkedFailed() {
        versionedBucket(s3, "ssec-src");
        versionedBucket(s3, "ssec-dst");
        s3.putBucketEncryption(b -> b.bucket("ssec-src")
                .serverSideEncryptionConfiguration(c -> c.rules(
                        r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256))
                                .blockedEncryptionTypes(t -> t.encryptionType(EncryptionType.NONE)))));
        replicate(s3, "ssec-src", rule("all", 1, "", "ssec-dst", false));
        SseCKey key = SseCKey.random();
        String v = s3.putObject(
                        b -> b.bucket("ssec-src")
                                .key("locked")
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(key.base64())
                                .sseCustomerKeyMD5(key.md5()),
                        RequestBody.fromString("secret"))
                .versionId();
        Await.until(
                "FAILED status on the SSE-C version",
                () -> "FAILED"
                        .equals(s3.headObject(b -> b.bucket("ssec-src")
                                        .key("locked")
                                        .versionId(v)
                                        .sseCustomerAlgorithm("AES256")
                                        .sseCustomerKey(key.base64())
                                        .sseCustomerKeyMD5(key.md5()))
                                .replicationStatusAsString()));
        assertThat(catchNoSuchKey(() -> s3.headObject(b -> b.bucket("ssec-dst").key("locked"))))
                .isTrue();
        assertThat(server.rampart().replication().metrics().sseCSkipped()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void versionsARestoreWritesAreReplicatedLikeAnyOther() throws Exception {
        versionedBucket(s3, "rst-src");
        versionedBucket(s3, "rst-dst");
        replicate(s3, "rst-src", rule("all", 1, "", "rst-dst", true));
        String good = s3.putObject(b -> b.bucket("rst-src").key("doc"), RequestBody.fromString("good"))
                .versionId();
        awaitStatus(s3, "rst-src", "doc", good, "COMPLETED");
        Thread.sleep(20);
        java.time.Instant before = java.time.Instant.now();
        Thread.sleep(20);
        String bad = s3.putObject(b -> b.bucket("rst-src").key("doc"), RequestBody.fromString("ransom"))
                .versionId();
        awaitStatus(s3, "rst-src", "doc", bad, "COMPLETED");

        RawS3.Reply r = raw.signed(
                "POST",
                "/_rampart/admin/restore",
                Map.of("Content-Type", "application/json"),
                ("{\"bucket\": \"rst-src\", \"to\": \"" + before + "\", \"apply\": true}")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        String restored = s3.headObject(b -> b.bucket("rst-src").key("doc")).versionId();
        assertThat(restored).isNotIn(good, bad);
        awaitStatus(s3, "rst-src", "doc", restored, "COMPLETED");
        assertThat(body(s3, "rst-dst", "doc", null)).isEqualTo("good");
        assertThat(status(s3, "rst-dst", "doc", restored)).isEqualTo("REPLICA");
    }

    @Test
    void replicationsAreRecordedInTheAuditTrailAsTheServiceActions() throws Exception {
        versionedBucket(s3, "trail-src");
        versionedBucket(s3, "trail-dst");
        replicate(s3, "trail-src", rule("all", 1, "", "trail-dst", true));
        String v = s3.putObject(b -> b.bucket("trail-src").key("audited"), RequestBody.fromString("a"))
                .versionId();
        awaitStatus(s3, "trail-src", "audited", v, "COMPLETED");
        JsonNode r = TrailITRecordsTest.awaitRecord(
                server.dataDir(),
                n -> "ReplicateObject".equals(n.path("eventName").asText())
                        && "audited"
                                .equals(n.path("requestParameters").path("key").asText()));
        assertThat(r.path("userIdentity").path("type").asText()).isEqualTo("AWSService");
        assertThat(r.path("serviceEventDetails").path("versionId").asText()).isEqualTo(v);
        assertThat(r.path("serviceEventDetails").path("replicationStatus").asText())
                .isEqualTo("COMPLETED");
        assertThat(r.path("serviceEventDetails").path("destinationBucket").asText())
                .isEqualTo("arn:aws:s3:::trail-dst");
        assertThat(TrailQuery.all().run(TrailLayout.ofDataDir(server.dataDir())))
                .isNotEmpty();
    }
}

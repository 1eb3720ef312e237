package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.http.Rampart;
import io.rampart.storage.MetadataLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Two Rampart nodes on one PostgreSQL database and one blob directory, as behind a load balancer: what one node
 * writes the other reads and lists at once, a conditional create races across nodes with exactly one winner, and a
 * key deactivated through one node stops working on the other within the bound the nodes' caches keep.
 */
class ClusterTest {
    private static final List<Path> DIRS = new ArrayList<>();
    static RampartServer a;
    static RampartServer b;
    static S3Client s3a;
    static S3Client s3b;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        MetadataLocation.Postgres db = TestPostgres.freshDatabase();
        Path blobDir = Files.createTempDirectory("rampart-cluster-blobs");
        DIRS.add(blobDir);
        io.rampart.storage.BlobLocation blobs =
                io.rampart.storage.BlobLocation.parse(blobDir.toString(), java.util.Map.of());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String masterKey = Base64.getEncoder().encodeToString(key);
        // Lifecycle: a one-second "day" and a pass every second on each node (only the lease holder's run).
        a = RampartServer.start(
                c -> c.metadata(db).blobs(blobs).masterKey(masterKey).lifecycle(1, 1));
        b = RampartServer.start(
                c -> c.metadata(db).blobs(blobs).masterKey(masterKey).lifecycle(1, 1));
        s3a = a.s3();
        s3b = b.s3();
        s3a.createBucket(r -> r.bucket("shared"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (b != null) b.close();
        if (a != null) a.close();
        for (Path dir : DIRS) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void whatOneNodeWritesTheOtherReadsAndListsAtOnce() {
        byte[] large = new byte[300 * 1024];
        new SecureRandom().nextBytes(large);
        s3a.putObject(r -> r.bucket("shared").key("raw/small.txt"), RequestBody.fromString("written through A"));
        s3a.putObject(r -> r.bucket("shared").key("raw/large.bin"), RequestBody.fromBytes(large));
        assertThat(s3b.getObjectAsBytes(r -> r.bucket("shared").key("raw/small.txt"))
                        .asUtf8String())
                .isEqualTo("written through A");
        assertThat(s3b.getObjectAsBytes(r -> r.bucket("shared").key("raw/large.bin"))
                        .asByteArray())
                .isEqualTo(large);
        assertThat(s3b.listObjectsV2(r -> r.bucket("shared").prefix("raw/")).contents())
                .extracting(S3Object::key)
                .containsExactly("raw/large.bin", "raw/small.txt");
        s3b.deleteObject(r -> r.bucket("shared").key("raw/small.txt"));
        assertThat(s3a.listObjectsV2(r -> r.bucket("shared").prefix("raw/")).contents())
                .extracting(S3Object::key)
                .containsExactly("raw/large.bin");
        S3Errors.assertS3Error(() -> s3a.getObject(r -> r.bucket("shared").key("raw/small.txt")), 404, "NoSuchKey");
    }

    @Test
    void ifNoneMatchCreatesThroughBothNodesAtOnceHaveExactlyOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String key = "race/" + round;
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Integer>> outcomes = new ArrayList<>();
                for (S3Client node : List.of(s3a, s3b)) {
                    String body = node == s3a ? "A" : "B";
                    outcomes.add(pool.submit(() -> {
                        together.await();
                        return createIfAbsent(node, key, body);
                    }));
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> f : outcomes) statuses.add(f.get());
                assertThat(statuses).as("round %d", round).containsExactlyInAnyOrder(200, 412);
                String winner =
                        s3a.getObjectAsBytes(r -> r.bucket("shared").key(key)).asUtf8String();
                assertThat(s3b.getObjectAsBytes(r -> r.bucket("shared").key(key))
                                .asUtf8String())
                        .isEqualTo(winner);
                assertThat(statuses.get(winner.equals("A") ? 0 : 1)).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** PUT with If-None-Match: *; 200, or the status of AWS's refusal (PreconditionFailed or ConditionalRequestConflict). */
    private static int createIfAbsent(S3Client node, String key, String body) {
        try {
            node.putObject(r -> r.bucket("shared").key(key).ifNoneMatch("*"), RequestBody.fromString(body));
            return 200;
        } catch (S3Exception e) {
            assertThat(e.awsErrorDetails().errorCode()).isIn("PreconditionFailed", "ConditionalRequestConflict");
            return e.statusCode();
        }
    }

    @Test
    void ifNoneMatchCreatesByManyWritersThroughBothNodesHaveExactlyOneWinner() throws Exception {
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            for (int round = 0; round < 10; round++) {
                String key = "crowd/" + round;
                CyclicBarrier together = new CyclicBarrier(writers);
                List<Future<Integer>> outcomes = new ArrayList<>();
                for (int i = 0; i < writers; i++) {
                    S3Client node = i % 2 == 0 ? s3a : s3b;
                    String body = "writer-" + i;
                    outcomes.add(pool.submit(() -> {
                        together.await();
                        return createIfAbsent(node, key, body);
                    }));
                }
                List<String> winners = new ArrayList<>();
                for (int i = 0; i < writers; i++) {
                    if (outcomes.get(i).get() == 200) winners.add("writer-" + i);
                }
                assertThat(winners).as("round %d", round).hasSize(1);
                for (S3Client node : List.of(s3a, s3b)) {
                    assertThat(node.getObjectAsBytes(r -> r.bucket("shared").key(key))
                                    .asUtf8String())
                            .isEqualTo(winners.get(0));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void lifecyclePassesRunOnOneNodeOnlyAndExpireEachObjectOnce() {
        s3a.createBucket(r -> r.bucket("expiring"));
        s3a.putBucketLifecycleConfiguration(r -> r.bucket("expiring")
                .lifecycleConfiguration(c -> c.rules(software.amazon.awssdk.services.s3.model.LifecycleRule.builder()
                        .id("old")
                        .status(software.amazon.awssdk.services.s3.model.ExpirationStatus.ENABLED)
                        .filter(f -> f.prefix("old/"))
                        .expiration(e -> e.days(1))
                        .build())));
        for (int i = 0; i < 6; i++) {
            S3Client node = i % 2 == 0 ? s3a : s3b;
            String key = "old/" + i;
            node.putObject(r -> r.bucket("expiring").key(key), RequestBody.fromString("expires"));
        }
        Await.until(
                "every old/ object expired",
                () -> s3b.listObjectsV2(r -> r.bucket("expiring").prefix("old/"))
                        .contents()
                        .isEmpty());
        var lifecycleA = a.rampart().lifecycle();
        var lifecycleB = b.rampart().lifecycle();
        var expire = io.rampart.s3.LifecycleWorker.Action.EXPIRE_OBJECT;
        assertThat(lifecycleA.count(expire) + lifecycleB.count(expire))
                .as("expirations over both nodes")
                .isEqualTo(6);
        // The lease holder runs every pass; the other node none (it would take over only if the holder stopped).
        long runsA = lifecycleA.runs();
        long runsB = lifecycleB.runs();
        assertThat(Math.min(runsA, runsB))
                .as("passes on the node without the lease (A ran %d, B %d)", runsA, runsB)
                .isZero();
        assertThat(runsA + runsB).isPositive();
    }

    @Test
    void aReplicationConfigurationPutThroughOneNodeAppliesToTheOthersPutsWithinTheCacheBound() {
        for (String name : List.of("repl-src", "repl-dst")) {
            s3a.createBucket(r -> r.bucket(name));
            s3a.putBucketVersioning(r -> r.bucket(name)
                    .versioningConfiguration(
                            v -> v.status(software.amazon.awssdk.services.s3.model.BucketVersioningStatus.ENABLED)));
        }
        // Written through B first, so B holds "no replication" for the bucket when A configures it.
        String first = s3b.putObject(r -> r.bucket("repl-src").key("k"), RequestBody.fromString("0"))
                .versionId();
        assertThat(status(s3b, "repl-src", "k", first)).isNull();
        ReplicationTest.replicate(s3a, "repl-src", ReplicationTest.rule("all", 1, "", "repl-dst", false));
        long configured = System.nanoTime();
        Duration bound = Rampart.CLUSTER_CACHE_EXPIRY;
        Await.until("a PUT through node B is queued for replication", bound.plusSeconds(1), () -> {
            String v = s3b.putObject(r -> r.bucket("repl-src").key("k"), RequestBody.fromString("1"))
                    .versionId();
            return status(s3b, "repl-src", "k", v) != null;
        });
        assertThat(Duration.ofNanos(System.nanoTime() - configured)).isLessThan(bound.plusSeconds(1));
    }

    private static String status(S3Client node, String bucket, String key, String versionId) {
        return node.headObject(r -> r.bucket(bucket).key(key).versionId(versionId))
                .replicationStatusAsString();
    }

    @Test
    void aKeyDeactivatedThroughOneNodeIsRefusedByTheOtherWithinTheCacheBound() {
        io.rampart.iam.AccessKey key = a.userWithS3FullAccess("mallory");
        S3Client malloryOnB = b.s3(key.accessKeyId(), key.secretKey());
        // Used on B first, so B holds the key in its cache when A deactivates it.
        malloryOnB.putObject(r -> r.bucket("shared").key("mallory/1"), RequestBody.fromString("x"));
        a.iam()
                .updateAccessKey(r ->
                        r.userName("mallory").accessKeyId(key.accessKeyId()).status("Inactive"));
        long deactivated = System.nanoTime();
        // The bound is twice the expiry period (1 s); the wait allows a second more for a loaded machine's scheduling.
        Duration bound = Rampart.CLUSTER_CACHE_EXPIRY.multipliedBy(2);
        Await.until("node B refuses the key deactivated through node A", bound.plusSeconds(1), () -> {
            try {
                malloryOnB.putObject(r -> r.bucket("shared").key("mallory/2"), RequestBody.fromString("y"));
                return false;
            } catch (S3Exception e) {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAccessKeyId");
                return true;
            }
        });
        assertThat(Duration.ofNanos(System.nanoTime() - deactivated)).isLessThan(bound.plusSeconds(1));
        // Only that key: the admin's keeps working on both nodes.
        assertThat(s3b.getObjectAsBytes(r -> r.bucket("shared").key("mallory/1"))
                        .asUtf8String())
                .isEqualTo("x");
    }

    @Test
    void anAccountClosedThroughOneNodeLosesItsKeysOnTheOtherWithinTheCacheBound() {
        OrganizationsCalls org = new OrganizationsCalls(a);
        assertThat(org.call("CreateOrganization", "{\"FeatureSet\":\"ALL\"}").status())
                .isEqualTo(200);
        OrganizationsCalls.Answer created =
                org.call("CreateAccount", "{\"AccountName\":\"Team\",\"Email\":\"team@example.com\"}");
        assertThat(created.status()).isEqualTo(200);
        String account =
                created.body().path("CreateAccountStatus").path("AccountId").asText();
        var role = a.sts()
                .assumeRole(r -> r.roleArn("arn:aws:iam::" + account + ":role/OrganizationAccountAccessRole")
                        .roleSessionName("owner"))
                .credentials();
        var member = a.iam(software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(
                role.accessKeyId(), role.secretAccessKey(), role.sessionToken()));
        member.createUser(r -> r.userName("carol"));
        var k = member.createAccessKey(r -> r.userName("carol")).accessKey();
        var carolOnB = b.sts(software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                k.accessKeyId(), k.secretAccessKey()));
        // Used on B first, so B has the key (and the account's open state) when A closes the account.
        assertThat(carolOnB.getCallerIdentity().account()).isEqualTo(account);

        assertThat(org.call("CloseAccount", "{\"AccountId\":\"" + account + "\"}")
                        .status())
                .isEqualTo(200);
        Duration bound = Rampart.CLUSTER_CACHE_EXPIRY.multipliedBy(2);
        Await.until("node B refuses the key of the account closed through node A", bound.plusSeconds(1), () -> {
            try {
                carolOnB.getCallerIdentity();
                return false;
            } catch (software.amazon.awssdk.services.sts.model.StsException e) {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
                return true;
            }
        });
    }
}

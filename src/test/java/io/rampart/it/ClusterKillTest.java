package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.storage.MetadataLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Issue 17's 3-node test: three Rampart server processes on one PostgreSQL database and one blob directory take a
 * mixed PUT/GET/LIST/multipart load spread over all of them; the node holding the replication lease is killed with
 * SIGKILL mid-load. Afterwards every acknowledged write reads back byte-identical through each survivor, the survivors
 * list the same keys, and a survivor takes the dead node's replication over: every acknowledged write to the
 * replicated bucket, including those the dead node had queued or claimed, reaches the destination.
 */
class ClusterKillTest {
    private static final int THREADS = 6;
    private static final int PART = 5 * 1024 * 1024;

    record Node(int port, Process process, S3Client s3, List<String> output) {}

    /** An acknowledged write: which bucket and key, the SHA-256 of its bytes, and when. */
    record Written(String bucket, String key, String sha256, long at) {}

    @Test
    void acknowledgedWritesSurviveAKill9AndASurvivorTakesTheDeadNodesReplicationOver(@TempDir Path tmp)
            throws Exception {
        MetadataLocation.Postgres db = TestPostgres.freshDatabase();
        Path blobs = Files.createDirectories(tmp.resolve("shared-blobs"));
        byte[] masterKey = new byte[32];
        new SecureRandom().nextBytes(masterKey);
        Path keyFile = tmp.resolve("master.key.b64");
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(masterKey));

        List<Node> nodes = startNodes(tmp, db, blobs, keyFile);
        try {
            S3Client first = nodes.get(0).s3();
            first.createBucket(b -> b.bucket("load"));
            ReplicationTest.versionedBucket(first, "src");
            ReplicationTest.versionedBucket(first, "dst");
            ReplicationTest.replicate(first, "src", ReplicationTest.rule("all", 1, "", "dst", false));

            // The victim: the node whose replication worker holds the lease (every node starts one; one wins).
            String holder = Await.value("a replication lease holder", () -> leaseHolder(db, "rampart-replication"));
            Node victim = nodes.stream()
                    .filter(n -> holder.endsWith("@" + n.process().pid()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("lease holder " + holder + " is none of the nodes"));
            List<Node> survivors = nodes.stream().filter(n -> n != victim).toList();

            List<Node> alive = new CopyOnWriteArrayList<>(nodes);
            Map<String, Written> acked = new ConcurrentHashMap<>();
            List<String> wrong = new CopyOnWriteArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger failedCalls = new AtomicInteger();
            AtomicInteger multiparts = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> load = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                load.add(pool.submit(() -> loadLoop(thread, alive, acked, wrong, stop, failedCalls, multiparts)));
            }
            Await.until("acknowledged writes before the kill", Duration.ofSeconds(30), () -> acked.size() >= 60);
            long killedAt = System.currentTimeMillis();
            victim.process().destroyForcibly();
            alive.remove(victim);
            assertThat(victim.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
            int atKill = acked.size();
            Await.until(
                    "acknowledged writes through the survivors after the kill",
                    Duration.ofSeconds(60),
                    () -> acked.size() >= atKill + 60
                            && acked.values().stream().anyMatch(w -> w.bucket().equals("src") && w.at() > killedAt));
            stop.set(true);
            for (Future<?> f : load) f.get(60, TimeUnit.SECONDS);
            pool.shutdown();
            String stats = acked.size() + " acknowledged writes (" + multiparts.get() + " multipart)";
            System.out.println("ClusterKillTest: " + stats + ", " + failedCalls.get() + " calls failed");

            assertThat(wrong).as("reads that returned other bytes than written").isEmpty();
            assertThat(multiparts.get()).as("completed multipart uploads").isPositive();
            // Every acknowledged write, byte-identical through each survivor.
            for (Node n : survivors) {
                for (Written w : acked.values()) {
                    byte[] got = n.s3().getObjectAsBytes(
                                    r -> r.bucket(w.bucket()).key(w.key()))
                            .asByteArray();
                    assertThat(sha256(got))
                            .as("%s/%s through port %d", w.bucket(), w.key(), n.port())
                            .isEqualTo(w.sha256());
                }
            }
            // The survivors list the same keys, and every acknowledged one.
            Set<String> listedA = keys(survivors.get(0).s3(), "load");
            Set<String> listedB = keys(survivors.get(1).s3(), "load");
            assertThat(listedA).isEqualTo(listedB);
            assertThat(listedA)
                    .containsAll(acked.values().stream()
                            .filter(w -> w.bucket().equals("load"))
                            .map(Written::key)
                            .toList());
            assertThat(keys(survivors.get(0).s3(), "src"))
                    .isEqualTo(keys(survivors.get(1).s3(), "src"));

            // A survivor took the replication lease over and replicated everything acknowledged, whichever node
            // queued it, including what the dead node had queued or was working on.
            String newHolder = Await.value(
                    "the replication lease taken over by a survivor",
                    Duration.ofSeconds(60),
                    () -> Optional.ofNullable(leaseHolder(db, "rampart-replication"))
                            .filter(h -> !h.equals(holder))
                            .orElse(null));
            assertThat(survivors.stream()
                            .anyMatch(n -> newHolder.endsWith("@" + n.process().pid())))
                    .as("new holder %s is a survivor", newHolder)
                    .isTrue();
            List<Written> replicated = acked.values().stream()
                    .filter(w -> w.bucket().equals("src"))
                    .toList();
            S3Client reader = survivors.get(0).s3();
            Await.until("every acknowledged write to src replicated to dst", Duration.ofSeconds(60), () -> {
                Set<String> inDst = keys(reader, "dst");
                return replicated.stream().allMatch(w -> inDst.contains(w.key()));
            });
            for (Written w : replicated) {
                byte[] replica = survivors
                        .get(1)
                        .s3()
                        .getObjectAsBytes(r -> r.bucket("dst").key(w.key()))
                        .asByteArray();
                assertThat(sha256(replica)).as("replica of src/%s", w.key()).isEqualTo(w.sha256());
            }
        } catch (AssertionError | RuntimeException e) {
            for (Node n : nodes) {
                List<String> out = n.output();
                System.err.println("---- node on port " + n.port() + " (last lines) ----");
                out.subList(Math.max(0, out.size() - 40), out.size()).forEach(System.err::println);
            }
            throw e;
        } finally {
            for (Node n : nodes) {
                n.s3().close();
                n.process().destroyForcibly();
                n.process().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Three server processes, started at once, each with its own data directory (its own trail). */
    private static List<Node> startNodes(Path tmp, MetadataLocation.Postgres db, Path blobs, Path keyFile)
            throws Exception {
        ExecutorService starter = Executors.newFixedThreadPool(3);
        try {
            List<Future<Node>> starting = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Path dir = Files.createDirectories(tmp.resolve("node-" + i));
                starting.add(starter.submit(() -> {
                    int port = ChildServer.freePort();
                    List<String> output = new CopyOnWriteArrayList<>();
                    Process p = ChildServer.start(
                            dir,
                            port,
                            output,
                            "--metadata",
                            db.toString(),
                            "--blobs",
                            blobs.toString(),
                            "--master-key-file",
                            keyFile.toString());
                    return new Node(port, p, ChildServer.client(port), output);
                }));
            }
            List<Node> nodes = new ArrayList<>();
            for (Future<Node> f : starting) nodes.add(f.get(120, TimeUnit.SECONDS));
            return nodes;
        } finally {
            starter.shutdown();
        }
    }

    /**
     * One client thread: PUTs of new keys (a fifth into the replicated bucket), GETs of acknowledged keys (checked),
     * LISTs of its own prefix (every key it had acknowledged before must be there) and now and then a multipart
     * upload whose calls go to different nodes. Calls that fail (the killed node) are counted, not recorded.
     */
    private static void loadLoop(
            int thread,
            List<Node> alive,
            Map<String, Written> acked,
            List<String> wrong,
            AtomicBoolean stop,
            AtomicInteger failedCalls,
            AtomicInteger multiparts) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String prefix = "t" + thread + "/";
        int n = 0;
        while (!stop.get()) {
            n++;
            S3Client s3 = alive.get(random.nextInt(alive.size())).s3();
            // Every thread's third call starts a multipart upload; later ones now and then.
            int op = n == 3 ? 9 : random.nextInt(10);
            try {
                if (op < 5) {
                    String bucket = random.nextInt(5) == 0 ? "src" : "load";
                    String key = prefix + "put-" + n;
                    byte[] body = new byte[random.nextBoolean() ? random.nextInt(1, 16 * 1024) : 100 * 1024];
                    random.nextBytes(body);
                    PutObjectResponse r = s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body));
                    if (r.sdkHttpResponse().statusCode() == 200) {
                        acked.put(
                                bucket + "/" + key, new Written(bucket, key, sha256(body), System.currentTimeMillis()));
                    }
                } else if (op < 8) {
                    List<Written> all = new ArrayList<>(acked.values());
                    if (all.isEmpty()) continue;
                    Written w = all.get(random.nextInt(all.size()));
                    byte[] got = s3.getObjectAsBytes(b -> b.bucket(w.bucket()).key(w.key()))
                            .asByteArray();
                    if (!sha256(got).equals(w.sha256())) wrong.add(w.bucket() + "/" + w.key());
                } else if (op < 9 || n % 3 != 0) {
                    Set<String> before = new TreeSet<>();
                    for (Written w : acked.values()) {
                        if (w.bucket().equals("load") && w.key().startsWith(prefix)) before.add(w.key());
                    }
                    Set<String> listed = keys(s3, "load", prefix);
                    for (String k : before) if (!listed.contains(k)) wrong.add("not listed: load/" + k);
                } else {
                    multipart(prefix + "mpu-" + n, alive, random, acked);
                    multiparts.incrementAndGet();
                }
            } catch (RuntimeException e) {
                failedCalls.incrementAndGet();
            }
        }
    }

    /** Create, two parts and complete, each call through a node picked at random. */
    private static void multipart(String key, List<Node> alive, ThreadLocalRandom random, Map<String, Written> acked) {
        byte[] body = new byte[PART + 1000];
        random.nextBytes(body);
        String uploadId = pick(alive, random)
                .createMultipartUpload(b -> b.bucket("load").key(key))
                .uploadId();
        String etag1 = pick(alive, random)
                .uploadPart(
                        b -> b.bucket("load").key(key).uploadId(uploadId).partNumber(1),
                        RequestBody.fromBytes(java.util.Arrays.copyOfRange(body, 0, PART)))
                .eTag();
        String etag2 = pick(alive, random)
                .uploadPart(
                        b -> b.bucket("load").key(key).uploadId(uploadId).partNumber(2),
                        RequestBody.fromBytes(java.util.Arrays.copyOfRange(body, PART, body.length)))
                .eTag();
        var done = pick(alive, random)
                .completeMultipartUpload(b -> b.bucket("load")
                        .key(key)
                        .uploadId(uploadId)
                        .multipartUpload(u -> u.parts(
                                CompletedPart.builder()
                                        .partNumber(1)
                                        .eTag(etag1)
                                        .build(),
                                CompletedPart.builder()
                                        .partNumber(2)
                                        .eTag(etag2)
                                        .build())));
        if (done.sdkHttpResponse().statusCode() == 200) {
            acked.put("load/" + key, new Written("load", key, sha256(body), System.currentTimeMillis()));
        }
    }

    private static S3Client pick(List<Node> alive, ThreadLocalRandom random) {
        return alive.get(random.nextInt(alive.size())).s3();
    }

    private static Set<String> keys(S3Client s3, String bucket) {
        return keys(s3, bucket, "");
    }

    private static Set<String> keys(S3Client s3, String bucket, String prefix) {
        Set<String> out = new TreeSet<>();
        for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))) {
            for (S3Object o : page.contents()) out.add(o.key());
        }
        return out;
    }

    /** The holder of a lease ("uuid@pid"), or null while nobody holds it. */
    private static String leaseHolder(MetadataLocation.Postgres db, String name) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), "");
                PreparedStatement ps = c.prepareStatement("SELECT holder, expires FROM leases WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                return rs.getLong(2) > System.currentTimeMillis() ? rs.getString(1) : null;
            }
        }
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

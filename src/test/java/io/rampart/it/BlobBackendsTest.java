package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.rampart.http.Rampart;
import io.rampart.recovery.RecoveryOptions;
import io.rampart.storage.BlobLocation;
import io.rampart.storage.BlobStore;
import io.rampart.storage.S3BlobStore;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blobs kept outside the data directory: server A stores its object data in a bucket on a second real Rampart, B
 * (through B's S3 API, as it would on AWS S3, Ceph or MinIO), or in a directory of its own choosing. B sees only
 * ciphertext; B down answers 503 SlowDown and records nothing; the start-up sweep spares what is younger than its grace.
 */
class BlobBackendsTest {
    private static final String BLOB_BUCKET = "rampart-blobs";
    private static final String PREFIX = "node-a";
    private static final String MARKER = "PLAINTEXT-MARKER-";

    /** A server kept on one port and data directory across restarts. */
    static final class Node implements AutoCloseable {
        final Path dir;
        final UnaryOperator<Rampart.Config.Builder> adjust;
        int port;
        Rampart rampart;

        Node(UnaryOperator<Rampart.Config.Builder> adjust) throws Exception {
            this.dir = Files.createTempDirectory("rampart-blobs-it");
            this.adjust = adjust;
            start();
        }

        void start() throws Exception {
            rampart = Rampart.start(adjust.apply(Rampart.Config.builder(dir)
                            .rootKey(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)
                            .autoRespond(false)
                            .port(port))
                    .build());
            port = rampart.port();
        }

        void stop() {
            rampart.close();
            rampart = null;
        }

        void restart() throws Exception {
            stop();
            start();
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + port);
        }

        /** A client that does not retry: the test sees the server's first answer. */
        S3Client s3() {
            return S3Client.builder()
                    .endpointOverride(endpoint())
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)))
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                    .forcePathStyle(true)
                    .build();
        }

        @Override
        public void close() {
            if (rampart != null) rampart.close();
            delete(dir);
        }
    }

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    /** B, a plain Rampart with the bucket A's blobs go to. */
    private Node backend() throws Exception {
        Node b = keep(new Node(c -> c));
        S3Client s3 = keep(b.s3());
        s3.createBucket(r -> r.bucket(BLOB_BUCKET));
        return b;
    }

    /** A, keeping its blobs under {@code node-a/} in B's bucket; no recovery window, so a delete frees the blob at once. */
    private Node nodeOn(Node backend, Duration sweepGrace) throws Exception {
        BlobLocation location = ((BlobLocation.S3) BlobLocation.parse(
                        "s3://" + BLOB_BUCKET + "/" + PREFIX + "?endpoint=" + backend.endpoint() + "&region=us-east-1",
                        Map.of()))
                .withCredentials(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)
                .withSweepGrace(sweepGrace);
        return keep(new Node(
                c -> c.blobs(location).recovery(RecoveryOptions.defaults().withWindow(Duration.ZERO))));
    }

    @Test
    void putGetRangeMultipartVersionsAndDeleteThroughAKeepOnlyCiphertextInB() throws Exception {
        Node b = backend();
        Node a = nodeOn(b, BlobLocation.DEFAULT_SWEEP_GRACE);
        S3Client s3 = keep(a.s3());
        S3Client inB = keep(b.s3());
        s3.createBucket(r -> r.bucket("data"));
        s3.putBucketVersioning(
                r -> r.bucket("data").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));

        byte[] one = plaintext(1 << 20, "one");
        String v1 = s3.putObject(r -> r.bucket("data").key("doc"), RequestBody.fromBytes(one))
                .versionId();
        assertThat(s3.getObjectAsBytes(r -> r.bucket("data").key("doc")).asByteArray())
                .isEqualTo(one);
        assertThat(s3.getObjectAsBytes(r -> r.bucket("data").key("doc").range("bytes=100000-299999"))
                        .asByteArray())
                .isEqualTo(Arrays.copyOfRange(one, 100_000, 300_000));
        byte[] two = plaintext(1 << 20, "two");
        String v2 = s3.putObject(r -> r.bucket("data").key("doc"), RequestBody.fromBytes(two))
                .versionId();
        assertThat(s3.getObjectAsBytes(r -> r.bucket("data").key("doc")).asByteArray())
                .isEqualTo(two);
        assertThat(s3.getObjectAsBytes(r -> r.bucket("data").key("doc").versionId(v1))
                        .asByteArray())
                .isEqualTo(one);

        // Two parts of 8 MiB and a last one: each part's blob is more than one backend part, so it is itself a
        // multipart upload to B.
        int part = 8 << 20;
        byte[] big = plaintext(2 * part + (1 << 20), "big");
        String uploadId =
                s3.createMultipartUpload(r -> r.bucket("data").key("big")).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            int number = n;
            byte[] bytes = Arrays.copyOfRange(big, (n - 1) * part, Math.min(big.length, n * part));
            String etag = s3.uploadPart(
                            r -> r.bucket("data").key("big").uploadId(uploadId).partNumber(number),
                            RequestBody.fromBytes(bytes))
                    .eTag();
            parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
        }
        s3.completeMultipartUpload(
                r -> r.bucket("data").key("big").uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
        assertThat(s3.getObjectAsBytes(r -> r.bucket("data").key("big")).asByteArray())
                .isEqualTo(big);
        assertThat(s3.getObjectAsBytes(
                                r -> r.bucket("data").key("big").range("bytes=" + (part - 100) + "-" + (part + 99)))
                        .asByteArray())
                .isEqualTo(Arrays.copyOfRange(big, part - 100, part + 100));

        // B holds one object per blob (two versions, three parts), named <prefix>/<fan-out>/<id>, none of them with a
        // byte of plaintext in it; the two 8 MiB parts went to B as multipart uploads, now completed.
        List<S3Object> blobs = blobsIn(inB);
        assertThat(blobs).hasSize(5);
        assertThat(blobs).allSatisfy(o -> assertThat(o.key()).matches(PREFIX + "/([0-9a-f]{2})/\\1[0-9a-f]{30}"));
        assertThat(blobs.stream().filter(o -> o.size() > S3BlobStore.PART_SIZE))
                .hasSize(2)
                .allSatisfy(o -> assertThat(o.eTag()).endsWith("-2\""));
        for (S3Object o : blobs) {
            byte[] stored = inB.getObjectAsBytes(r -> r.bucket(BLOB_BUCKET).key(o.key()))
                    .asByteArray();
            assertThat(indexOf(stored, MARKER.getBytes(StandardCharsets.US_ASCII)))
                    .as("plaintext in " + o.key())
                    .isEqualTo(-1);
        }
        assertThat(inB.listMultipartUploads(r -> r.bucket(BLOB_BUCKET)).uploads())
                .isEmpty();

        // Deleting a version deletes its blob in B; a delete marker deletes nothing.
        s3.deleteObject(r -> r.bucket("data").key("doc").versionId(v1));
        Await.until("the deleted version's blob gone from B", () -> blobsIn(inB).size() == 4);
        s3.deleteObject(r -> r.bucket("data").key("doc"));
        assertS3Error(() -> s3.getObjectAsBytes(r -> r.bucket("data").key("doc")), 404, "NoSuchKey");
        assertThat(s3.listObjectVersions(r -> r.bucket("data").prefix("doc")).versions())
                .extracting(ObjectVersion::versionId)
                .containsExactly(v2);
        assertThat(s3.getObjectAsBytes(r -> r.bucket("data").key("doc").versionId(v2))
                        .asByteArray())
                .isEqualTo(two);
        assertThat(blobsIn(inB)).hasSize(4);
    }

    @Test
    void withBDownAPutAnswersSlowDownAndLeavesNoObjectThenWorksOnceBIsBack() throws Exception {
        Node b = backend();
        Node a = nodeOn(b, BlobLocation.DEFAULT_SWEEP_GRACE);
        S3Client s3 = keep(a.s3());
        s3.createBucket(r -> r.bucket("outage"));
        byte[] before = plaintext(1 << 20, "before");
        s3.putObject(r -> r.bucket("outage").key("before"), RequestBody.fromBytes(before));

        b.stop();
        assertS3Error(
                () -> s3.putObject(
                        r -> r.bucket("outage").key("during"), RequestBody.fromBytes(plaintext(1 << 20, "x"))),
                503,
                "SlowDown",
                "Please reduce your request rate.");
        String uploadId = s3.createMultipartUpload(r -> r.bucket("outage").key("during-mp"))
                .uploadId();
        assertS3Error(
                () -> s3.uploadPart(
                        r -> r.bucket("outage")
                                .key("during-mp")
                                .uploadId(uploadId)
                                .partNumber(1),
                        RequestBody.fromBytes(plaintext(1 << 20, "p"))),
                503,
                "SlowDown");
        assertS3Error(
                () -> s3.putObject(
                        r -> r.bucket("outage").key("during-big"),
                        RequestBody.fromBytes(plaintext(S3BlobStore.PART_SIZE + 1, "y"))),
                503,
                "SlowDown");
        assertS3Error(() -> s3.getObjectAsBytes(r -> r.bucket("outage").key("before")), 503, "SlowDown");
        // No metadata row was written for what the backend never took.
        assertThat(s3.listObjectsV2(r -> r.bucket("outage")).contents())
                .extracting(S3Object::key)
                .containsExactly("before");
        assertS3Error(() -> s3.headObject(r -> r.bucket("outage").key("during")), 404, null);
        assertThat(s3.listParts(r -> r.bucket("outage").key("during-mp").uploadId(uploadId))
                        .parts())
                .isEmpty();

        b.start();
        byte[] after = plaintext(1 << 20, "after");
        s3.putObject(r -> r.bucket("outage").key("after"), RequestBody.fromBytes(after));
        assertThat(s3.getObjectAsBytes(r -> r.bucket("outage").key("after")).asByteArray())
                .isEqualTo(after);
        assertThat(s3.getObjectAsBytes(r -> r.bucket("outage").key("before")).asByteArray())
                .isEqualTo(before);
        assertThat(s3.listObjectsV2(r -> r.bucket("outage")).contents())
                .extracting(S3Object::key)
                .containsExactly("after", "before");
    }

    @Test
    void aBlobIsVisibleInTheBackendOnlyOnceCommittedAndAnUncommittedOneLeavesNothing() throws Exception {
        Node b = backend();
        S3Client inB = keep(b.s3());
        BlobLocation location = ((BlobLocation.S3) BlobLocation.parse(
                        "s3://" + BLOB_BUCKET + "/" + PREFIX + "?endpoint=" + b.endpoint(), Map.of()))
                .withCredentials(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY);
        try (BlobStore store = location.open(true)) {
            byte[] bytes = plaintext(S3BlobStore.PART_SIZE + 12345, "raw");
            String committed;
            try (BlobStore.PendingBlob pending = store.create()) {
                pending.out().write(bytes);
                // One full part is uploaded already, and still nothing is visible.
                assertThat(inB.listMultipartUploads(r -> r.bucket(BLOB_BUCKET)).uploads())
                        .hasSize(1);
                assertThat(blobsIn(inB)).isEmpty();
                committed = pending.commit();
            }
            assertThat(blobsIn(inB))
                    .extracting(S3Object::key)
                    .containsExactly(PREFIX + "/" + committed.substring(0, 2) + "/" + committed);
            try (var in = store.open(committed, S3BlobStore.PART_SIZE - 10, 20)) {
                assertThat(in.readAllBytes())
                        .isEqualTo(Arrays.copyOfRange(bytes, S3BlobStore.PART_SIZE - 10, S3BlobStore.PART_SIZE + 10));
            }
            try (BlobStore.PendingBlob pending = store.create()) {
                pending.out().write(bytes);
                assertThat(inB.listMultipartUploads(r -> r.bucket(BLOB_BUCKET)).uploads())
                        .hasSize(1);
            }
            // Closed without commit: the upload is aborted, and only the committed blob is there.
            assertThat(inB.listMultipartUploads(r -> r.bucket(BLOB_BUCKET)).uploads())
                    .isEmpty();
            assertThat(blobsIn(inB)).hasSize(1);
            store.delete(committed);
            assertThat(blobsIn(inB)).isEmpty();
            assertThat(catchThrowable(() -> store.open(committed, 0, 10))).isInstanceOf(NoSuchFileException.class);
        }
    }

    @Test
    void aMissingBucketOrWrongKeyStopsTheStartWithTheReason() throws Exception {
        Node b = backend();
        BlobLocation.S3 missing = ((BlobLocation.S3)
                        BlobLocation.parse("s3://no-such-blobs?endpoint=" + b.endpoint(), Map.of()))
                .withCredentials(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY);
        assertThat(catchThrowable(() -> missing.open(true)))
                .isInstanceOf(IOException.class)
                .hasMessage("the blob bucket s3://no-such-blobs?region=us-east-1&endpoint=" + b.endpoint()
                        + " cannot be used: 404 NoSuchBucket");
        BlobLocation.S3 wrongKey = ((BlobLocation.S3)
                        BlobLocation.parse("s3://" + BLOB_BUCKET + "?endpoint=" + b.endpoint(), Map.of()))
                .withCredentials("AKIANOSUCHKEY0000001", "wrong");
        assertThat(catchThrowable(() -> wrongKey.open(true)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot be used: 403");
    }

    @Test
    void aConnectionResetOnTheWayToBIsRetriedAndThePutSucceeds() throws Exception {
        Node b = backend();
        ResettingRelay relay = keep(new ResettingRelay(b.port));
        BlobLocation location = ((BlobLocation.S3) BlobLocation.parse(
                        "s3://" + BLOB_BUCKET + "/" + PREFIX + "?endpoint=http://127.0.0.1:" + relay.port(), Map.of()))
                .withCredentials(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY);
        Node a = keep(new Node(c -> c.blobs(location)));
        S3Client s3 = keep(a.s3());
        s3.createBucket(r -> r.bucket("flaky"));

        relay.resetNext(1);
        byte[] data = plaintext(1 << 20, "flaky");
        s3.putObject(r -> r.bucket("flaky").key("k"), RequestBody.fromBytes(data));
        assertThat(relay.resets()).as("connections reset").isEqualTo(1);
        assertThat(relay.relayed()).as("connections relayed after the reset").isPositive();
        assertThat(s3.getObjectAsBytes(r -> r.bucket("flaky").key("k")).asByteArray())
                .isEqualTo(data);
    }

    @Test
    void theStartUpSweepRemovesOrphansOlderThanTheGraceAndKeepsYoungerOnes() throws Exception {
        Duration grace = Duration.ofSeconds(10);
        Node b = backend();
        Node a = nodeOn(b, grace);
        S3Client s3 = keep(a.s3());
        S3Client inB = keep(b.s3());
        s3.createBucket(r -> r.bucket("swept"));
        byte[] live = plaintext(1 << 20, "live");
        s3.putObject(r -> r.bucket("swept").key("live"), RequestBody.fromBytes(live));
        String liveBlob = blobsIn(inB).get(0).key();

        // What a node that died mid-write leaves: a committed blob no row references, and an unfinished upload.
        String oldOrphan = blobKey();
        inB.putObject(r -> r.bucket(BLOB_BUCKET).key(oldOrphan), RequestBody.fromBytes(new byte[100]));
        String staleUpload = inB.createMultipartUpload(
                        r -> r.bucket(BLOB_BUCKET).key(blobKey()))
                .uploadId();
        // Not a blob's name: never touched, whatever its age.
        inB.putObject(r -> r.bucket(BLOB_BUCKET).key(PREFIX + "/README"), RequestBody.fromString("operator's note"));
        Instant oldModified =
                inB.headObject(r -> r.bucket(BLOB_BUCKET).key(oldOrphan)).lastModified();
        Await.until(
                "the first orphan older than the grace",
                Duration.ofSeconds(30),
                () -> Instant.now().isAfter(oldModified.plus(grace).plusSeconds(1)));
        // Another node's blob, committed a moment ago, its metadata row not yet written.
        String youngOrphan = blobKey();
        inB.putObject(r -> r.bucket(BLOB_BUCKET).key(youngOrphan), RequestBody.fromBytes(new byte[100]));

        a.restart();
        List<String> left = blobsIn(inB).stream().map(S3Object::key).toList();
        assertThat(left).contains(liveBlob, youngOrphan).doesNotContain(oldOrphan);
        assertThat(inB.listObjectsV2(r -> r.bucket(BLOB_BUCKET).prefix(PREFIX + "/README"))
                        .contents())
                .hasSize(1);
        assertThat(inB.listMultipartUploads(r -> r.bucket(BLOB_BUCKET)).uploads())
                .noneMatch(u -> u.uploadId().equals(staleUpload));
        // A new client: the old one's pooled connections went with the old server, and it does not retry.
        S3Client again = keep(a.s3());
        assertThat(again.getObjectAsBytes(r -> r.bucket("swept").key("live")).asByteArray())
                .isEqualTo(live);
    }

    @Test
    void blobsInADirectoryOutsideTheDataDirSurviveRestartAndItsSweepSparesYoungFiles() throws Exception {
        Path shared = keep(new TempDir()).path;
        BlobLocation location = BlobLocation.parse(shared.toString(), Map.of());
        Node a = keep(new Node(c -> c.blobs(location)));
        S3Client s3 = keep(a.s3());
        s3.createBucket(r -> r.bucket("shared"));
        byte[] data = plaintext(1 << 20, "shared");
        s3.putObject(r -> r.bucket("shared").key("k"), RequestBody.fromBytes(data));
        assertThat(filesUnder(shared)).hasSize(1);
        assertThat(filesUnder(a.dir.resolve("blobs"))).isEmpty();

        Path old = plant(shared, Instant.now().minus(Duration.ofHours(2)));
        Path young = plant(shared, Instant.now());
        Path oldTemp = Files.writeString(shared.resolve(".tmp").resolve(randomId()), "half-written");
        Files.setLastModifiedTime(oldTemp, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path youngTemp = Files.writeString(shared.resolve(".tmp").resolve(randomId()), "another node writing");

        a.restart();
        S3Client again = keep(a.s3());
        assertThat(again.getObjectAsBytes(r -> r.bucket("shared").key("k")).asByteArray())
                .isEqualTo(data);
        assertThat(old).doesNotExist();
        assertThat(oldTemp).doesNotExist();
        assertThat(young).exists();
        assertThat(youngTemp).exists();
        assertThat(filesUnder(shared)).hasSize(2);
    }

    private static List<S3Object> blobsIn(S3Client inB) {
        List<S3Object> out = new ArrayList<>();
        inB.listObjectsV2Paginator(r -> r.bucket(BLOB_BUCKET).prefix(PREFIX + "/"))
                .contents()
                .forEach(o -> {
                    if (!o.key().endsWith("/README")) out.add(o);
                });
        return out;
    }

    private static String randomId() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String blobKey() {
        String id = randomId();
        return PREFIX + "/" + id.substring(0, 2) + "/" + id;
    }

    /** An unreferenced blob file in the directory's layout, last modified at {@code at}. */
    private static Path plant(Path dir, Instant at) throws Exception {
        String id = randomId();
        Path p = Files.createDirectories(dir.resolve(id.substring(0, 2)).resolve(id.substring(2, 4)))
                .resolve(id);
        Files.write(p, new byte[100]);
        Files.setLastModifiedTime(p, FileTime.from(at));
        return p;
    }

    /** Blob files (temporary ones excluded). */
    private static List<Path> filesUnder(Path dir) throws Exception {
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> Files.isRegularFile(p) && !p.startsWith(dir.resolve(".tmp")))
                    .toList();
        }
    }

    private static byte[] plaintext(int size, String tag) {
        byte[] unit = (MARKER + tag + "-").getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = unit[i % unit.length];
        return b;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    private static void delete(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary directory; best effort
        }
    }

    /**
     * A TCP relay to B that can drop what it relays and reset the next connections it accepts: what a flaky network or
     * a load balancer restarting in front of the backend does.
     */
    static final class ResettingRelay implements AutoCloseable {
        private final ServerSocket listener;
        private final int target;
        private final AtomicInteger resetsLeft = new AtomicInteger();
        private final AtomicInteger resets = new AtomicInteger();
        private final AtomicInteger relayed = new AtomicInteger();
        private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());

        ResettingRelay(int target) throws Exception {
            this.target = target;
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(this::accept);
        }

        int port() {
            return listener.getLocalPort();
        }

        int resets() {
            return resets.get();
        }

        int relayed() {
            return relayed.get();
        }

        /** Closes every relayed connection, and resets the next {@code n} accepted. */
        void resetNext(int n) {
            resetsLeft.set(n);
            relayed.set(0);
            synchronized (open) {
                open.forEach(BlobBackendsTest::closeQuietly);
                open.clear();
            }
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    if (resetsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        client.setSoLinger(true, 0);
                        client.close();
                        resets.incrementAndGet();
                        continue;
                    }
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    open.add(client);
                    open.add(upstream);
                    relayed.incrementAndGet();
                    pipe(client, upstream);
                    pipe(upstream, client);
                } catch (IOException e) {
                    // closed, or B is down: the caller sees the connection fail
                }
            }
        }

        private static void pipe(Socket from, Socket to) {
            Thread.ofVirtual().start(() -> {
                try {
                    from.getInputStream().transferTo(to.getOutputStream());
                } catch (IOException ignored) {
                    // either side closed
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            });
        }

        @Override
        public void close() {
            closeQuietly(listener);
            resetNext(0);
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private static final class TempDir implements AutoCloseable {
        final Path path;

        TempDir() throws Exception {
            path = Files.createTempDirectory("rampart-shared-blobs");
        }

        @Override
        public void close() {
            delete(path);
        }
    }
}

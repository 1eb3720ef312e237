package io.rampart.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.it.TestPostgres;
import io.rampart.storage.MetadataStore.DeleteBucketResult;
import io.rampart.storage.MetadataStore.Precondition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Object writes on PostgreSQL run at READ COMMITTED under per-key advisory locks ({@link Database#writeKeyed}): the
 * races SERIALIZABLE used to catch, run for real by two stores on one database (two nodes, each with its own
 * connection pools), many times each. Every test here fails when one of the locks is left out.
 */
class PostgresKeyLocksTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final int THREADS = 8;

    private final List<String> released = new CopyOnWriteArrayList<>();
    private SqliteMetadataStore a;
    private SqliteMetadataStore b;
    private ExecutorService pool;

    @BeforeEach
    void twoNodesOnOneDatabase() throws Exception {
        MetadataLocation.Postgres db = TestPostgres.freshDatabase();
        a = new SqliteMetadataStore(Database.open(db, Path.of("unused")), released::add);
        b = new SqliteMetadataStore(Database.open(db, Path.of("unused")), released::add);
        // Without the window a removed version's blobs are freed at once: the refcount races matter.
        a.recoveryWindow().holding(false);
        b.recoveryWindow().holding(false);
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        a.close();
        b.close();
    }

    private MetadataStore node(int i) {
        return i % 2 == 0 ? a : b;
    }

    private static ObjectMeta meta() {
        return ObjectMeta.builder()
                .contentHeaders(Map.of())
                .userMetadata(Map.of())
                .checksums(Map.of())
                .checksumType("FULL_OBJECT")
                .partSizes(List.of())
                .tags(Map.of())
                .storageClass("STANDARD")
                .build();
    }

    /** A version whose inline data is its version id. */
    private static ObjectVersion version(String bucket, String key, String versionId) {
        return version(bucket, key, versionId, versionId, List.of());
    }

    private static ObjectVersion inBlob(String bucket, String key, String blob) {
        return version(bucket, key, "null", "", List.of(blob));
    }

    /** A version in blobs, or without blobs one whose inline data is {@code body}. */
    private static ObjectVersion version(String bucket, String key, String versionId, String body, List<String> blobs) {
        List<Segment> segments = new ArrayList<>();
        for (String blob : blobs) segments.add(new Segment(blob, 10));
        byte[] inline = blobs.isEmpty() ? body.getBytes(java.nio.charset.StandardCharsets.UTF_8) : null;
        return new ObjectVersion(
                bucket,
                key,
                versionId,
                0,
                true,
                false,
                blobs.isEmpty() ? inline.length : 10L * blobs.size(),
                "\"e\"",
                T0,
                meta(),
                segments,
                inline,
                null,
                null);
    }

    private void bucket(String name, String versioning) {
        a.createBucket(new Bucket(name, "owner", "us-east-1", T0, versioning, false, "{}"));
    }

    /** Runs the tasks at once (a barrier releases them together) and returns their outcomes in order. */
    private <T> List<Outcome<T>> together(List<Callable<T>> tasks) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(tasks.size());
        List<Future<Outcome<T>>> futures = new ArrayList<>();
        for (Callable<T> task : tasks) {
            futures.add(pool.submit(() -> {
                barrier.await();
                try {
                    return new Outcome<>(task.call(), null);
                } catch (RuntimeException e) {
                    return new Outcome<T>(null, e);
                }
            }));
        }
        List<Outcome<T>> out = new ArrayList<>();
        for (Future<Outcome<T>> f : futures) out.add(f.get());
        return out;
    }

    private record Outcome<T>(T value, RuntimeException failure) {}

    private static final class Exists extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Exists() {
            super("the key exists", null, false, false);
        }
    }

    /** If-None-Match: * as the S3 layer checks it, inside the write. */
    private static final Precondition IF_NONE_MATCH = current -> {
        if (current.isPresent() && !current.get().deleteMarker()) throw new Exists();
    };

    @Test
    void conditionalCreatesOfOneKeyThroughTwoNodesHaveExactlyOneWinner() throws Exception {
        bucket("b", "");
        for (int round = 0; round < 20; round++) {
            String key = "race-" + round;
            List<Callable<ObjectVersion>> tasks = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                MetadataStore node = node(i);
                String body = "writer-" + i;
                tasks.add(() -> node.putObject(version("b", key, "null", body, List.of()), IF_NONE_MATCH));
            }
            List<Outcome<ObjectVersion>> outcomes = together(tasks);
            List<String> winners = new ArrayList<>();
            for (int i = 0; i < outcomes.size(); i++) {
                Outcome<ObjectVersion> o = outcomes.get(i);
                if (o.failure() == null) winners.add("writer-" + i);
                else assertThat(o.failure()).as("round %d writer %d", round, i).isInstanceOf(Exists.class);
            }
            assertThat(winners).as("round %d", round).hasSize(1);
            assertThat(new String(a.current("b", key).orElseThrow().inline(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(winners.get(0));
        }
    }

    @Test
    void concurrentWritesOfOneVersionedKeyAreAllListedWithOneLatest() throws Exception {
        bucket("v", "Enabled");
        int perThread = 15;
        List<Callable<List<ObjectVersion>>> tasks = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            MetadataStore node = node(i);
            int writer = i;
            tasks.add(() -> {
                List<ObjectVersion> acked = new ArrayList<>();
                for (int n = 0; n < perThread; n++) {
                    acked.add(node.putObject(version("v", "hot", "w" + writer + "-" + n), Precondition.NONE));
                }
                return acked;
            });
        }
        List<ObjectVersion> acked = new ArrayList<>();
        for (Outcome<List<ObjectVersion>> o : together(tasks)) {
            assertThat(o.failure()).isNull();
            acked.addAll(o.value());
        }
        assertThat(acked).hasSize(THREADS * perThread);
        ListPage<ListEntry> listed = a.listVersions("v", "", null, null, null, 1000);
        assertThat(listed.entries())
                .extracting(ListEntry::versionId)
                .containsExactlyInAnyOrderElementsOf(
                        acked.stream().map(ObjectVersion::versionId).toList());
        // Newest first, each sequence number once, and only the newest is the latest.
        List<Long> seqs = listed.entries().stream().map(ListEntry::seq).toList();
        assertThat(new HashSet<>(seqs)).hasSize(seqs.size());
        assertThat(seqs).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(listed.entries()).filteredOn(ListEntry::latest).hasSize(1);
        assertThat(listed.entries().get(0).latest()).isTrue();
        long newest = acked.stream().mapToLong(ObjectVersion::seq).max().orElseThrow();
        assertThat(b.current("v", "hot").orElseThrow().seq()).isEqualTo(newest);
        assertThat(a.listObjects("v", "", null, null, 10).entries()).hasSize(1);
    }

    @Test
    void copiesRacingTheDeletionOfTheirSourceAreReadableWhenAcknowledged() throws Exception {
        bucket("c", "");
        int rounds = 40;
        for (int round = 0; round < rounds; round++) {
            String blob = "blob-" + round;
            String src = "src-" + round;
            ObjectVersion source = a.putObject(inBlob("c", src, blob), Precondition.NONE);
            String dst = "dst-" + round;
            List<Callable<Object>> tasks = List.of(
                    () -> a.copyObject(
                            inBlob("c", dst, blob), MetadataStore.CopySource.of(source, true), Precondition.NONE),
                    () -> b.deleteObject("c", src, Precondition.NONE));
            List<Outcome<Object>> outcomes = together(tasks);
            assertThat(outcomes.get(1).failure()).isNull();
            Outcome<Object> copy = outcomes.get(0);
            assertThat(copy.failure()).as("round %d", round).isNull();
            if (((java.util.Optional<?>) copy.value()).isPresent()) {
                // Acknowledged: the copy holds the blob, which was never handed to the releaser.
                assertThat(released).as("round %d", round).doesNotContain(blob);
                assertThat(a.isLiveBlob(blob)).isTrue();
                assertThat(a.current("c", dst)).isPresent();
            } else {
                // Nothing written: the source was gone (or no longer the version read) inside the copy's write.
                assertThat(released).contains(blob);
                assertThat(a.current("c", dst)).isEmpty();
            }
        }
        // Deleting every copy releases each remaining blob exactly once.
        for (int round = 0; round < rounds; round++) a.deleteObject("c", "dst-" + round, Precondition.NONE);
        List<String> all = new ArrayList<>();
        for (int round = 0; round < rounds; round++) all.add("blob-" + round);
        assertThat(released).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void deleteBucketRacingPutsNeverLeavesAnObjectInAGoneBucket() throws Exception {
        for (int round = 0; round < 30; round++) {
            String name = "gone-" + round;
            bucket(name, "");
            List<Callable<Object>> tasks = new ArrayList<>();
            tasks.add(() -> b.deleteBucket(name));
            for (int i = 1; i < 4; i++) {
                MetadataStore node = node(i);
                String key = "k" + i;
                tasks.add(() -> node.putObject(version(name, key, "null"), Precondition.NONE));
            }
            List<Outcome<Object>> outcomes = together(tasks);
            DeleteBucketResult result = (DeleteBucketResult) outcomes.get(0).value();
            long acked =
                    outcomes.stream().skip(1).filter(o -> o.failure() == null).count();
            if (result == DeleteBucketResult.DELETED) {
                assertThat(acked).as("round %d", round).isZero();
                for (Outcome<Object> o : outcomes.subList(1, outcomes.size())) {
                    assertThat(o.failure()).isInstanceOf(NoSuchBucketException.class);
                }
                assertThat(a.hasObjects(name))
                        .as("round %d: orphan objects", round)
                        .isFalse();
            } else {
                assertThat(result).isEqualTo(DeleteBucketResult.NOT_EMPTY);
                assertThat(acked).isEqualTo(3);
                assertThat(a.bucket(name)).isPresent();
            }
        }
    }

    @Test
    void partsStoredWhileAnUploadCompletesAreNeverLeftReferenced() throws Exception {
        bucket("m", "");
        for (int round = 0; round < 30; round++) {
            String upload = "u" + round;
            a.createUpload(new Upload(upload, "m", "big-" + round, T0, meta(), null, null));
            a.putPart(new Part(upload, 1, 10, "\"p1\"", T0, Map.of(), upload + "-p1"));
            String late = upload + "-p2";
            int r = round;
            List<Callable<Object>> tasks = List.of(
                    () -> b.putPart(new Part(upload, 2, 10, "\"p2\"", T0, Map.of(), late)),
                    () -> a.completeUpload(
                            upload, inBlob("m", "big-" + r, upload + "-p1"), Set.of(1), Precondition.NONE));
            List<Outcome<Object>> outcomes = together(tasks);
            assertThat(outcomes.get(0).failure()).isNull();
            assertThat(outcomes.get(1).failure()).isNull();
            assertThat((Optional<?>) outcomes.get(1).value()).isPresent();
            // Stored before the completion (then not used: released by it) or refused after it: never kept.
            assertThat(a.isLiveBlob(late)).as("round %d", round).isFalse();
            assertThat(released.contains(late))
                    .isEqualTo((Boolean) outcomes.get(0).value());
            assertThat(a.isLiveBlob(upload + "-p1")).isTrue();
            assertThat(a.upload(upload)).isEmpty();
        }
    }
}

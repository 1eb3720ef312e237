package io.rampart.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One ListObjectsV2 page (1,000 keys) from SqliteMetadataStore, from a bucket of 1,000 keys and of 1,000,000: the
 * issue's goal is that the large bucket costs at most 1.5x the small one. {@code fromStart} lists the first page;
 * {@code afterRandomMarker} continues after a random key, as a paginating client does. The keys are loaded in one
 * transaction by cloning one real row inside SQLite (bench/bulk-keys.sh does the same for an end-to-end run).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ListingBenchmark {
    private static final String BUCKET = "bench";

    @Param({"1000", "1000000"})
    public int keys;

    private Path dir;
    private Database db;
    private SqliteMetadataStore store;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("rampart-listing-bench");
        db = SqliteMetadataStore.openDatabase(dir.resolve("rampart.db"));
        store = new SqliteMetadataStore(db, blob -> {});
        store.createBucket(new Bucket(BUCKET, "owner", "us-east-1", 0, "", false, "{}"));
        ObjectMeta meta = ObjectMeta.builder()
                .contentHeaders(Map.of("Content-Type", "application/octet-stream"))
                .userMetadata(Map.of())
                .checksums(Map.of())
                .partSizes(List.of())
                .tags(Map.of())
                .build();
        store.putObject(
                new ObjectVersion(
                        BUCKET,
                        "template",
                        "null",
                        0,
                        true,
                        false,
                        4096,
                        "\"0123456789abcdef0123456789abcdef\"",
                        System.currentTimeMillis(),
                        meta,
                        List.of(),
                        new byte[4096],
                        null,
                        null),
                MetadataStore.Precondition.NONE);
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
                    INSERT INTO objects(bucket, key, seq, version_id, latest, delete_marker, size, etag, last_modified,
                                        storage_class, checksum_algorithms, meta, segments, inline, writer_arn, writer_key)
                    SELECT t.bucket, printf('k%08d', n.i), t.seq, t.version_id, 1, 0, t.size, t.etag, t.last_modified,
                           t.storage_class, t.checksum_algorithms, t.meta, t.segments, t.inline, t.writer_arn, t.writer_key
                    FROM n, objects t WHERE t.bucket = ? AND t.key = 'template'""")) {
                ps.setInt(1, keys);
                ps.setString(2, BUCKET);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("ANALYZE")) {
                ps.executeUpdate();
            }
            return null;
        });
        ListPage<ListEntry> check = store.listObjects(BUCKET, "k", null, null, 1000);
        if (check.entries().size() != 1000)
            throw new IllegalStateException("loaded " + check.entries().size());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        db.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public ListPage<ListEntry> fromStart() {
        return store.listObjects(BUCKET, "k", null, null, 1000);
    }

    @Benchmark
    public ListPage<ListEntry> afterRandomMarker() {
        int start = ThreadLocalRandom.current().nextInt(Math.max(1, keys - 1000));
        return store.listObjects(BUCKET, "k", null, String.format("k%08d", start), 1000);
    }
}

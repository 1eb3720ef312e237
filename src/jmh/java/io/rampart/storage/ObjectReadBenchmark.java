package io.rampart.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a 4 KiB GET reads of the metadata: the bucket row and the object's current version (inline data, an SSE-S3
 * envelope, an ACL). {@code twoReads} is the bucket and the version in two read transactions (the Authorizer's and
 * GetObject's before {@link MetadataStore#read}); {@code oneRead} is both in one, served from memory ({@link ReadCache})
 * after its first read, {@code uncachedRead} the same join every time, {@code dataVersion} the check every cached read
 * makes first. {@code parseMeta} is Jackson's parse
 * of the version's metadata column, {@code cachedMeta} the same text through {@link MetadataJson#objectMeta}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ObjectReadBenchmark {
    private static final String BUCKET = "bench";
    private static final String KEY = "obj-4k";

    private Path dir;
    private Database db;
    private SqliteMetadataStore store;
    private String metaJson;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("rampart-read-bench");
        db = SqliteMetadataStore.openDatabase(dir.resolve("rampart.db"));
        store = new SqliteMetadataStore(db, blob -> {});
        store.createBucket(new Bucket(BUCKET, "123456789012", "us-east-1", 0, "", false, "{}"));
        ObjectMeta meta = ObjectMeta.builder()
                .contentHeaders(Map.of("Content-Type", "application/octet-stream"))
                .checksums(Map.of("CRC64NVME", "AAAAAAAAAAA="))
                .checksumType("FULL_OBJECT")
                .partSizes(List.of())
                .encryption(new Encryption(
                        "AES256", "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJ", null, null))
                .acl(new AccessControlList(
                        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                        List.of(new AccessControlList.Grant(
                                "CanonicalUser",
                                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                                null,
                                "FULL_CONTROL"))))
                .build();
        store.putObject(
                new ObjectVersion(
                        BUCKET,
                        KEY,
                        "null",
                        0,
                        true,
                        false,
                        4096,
                        "0123456789abcdef0123456789abcdef",
                        System.currentTimeMillis(),
                        meta,
                        List.of(),
                        new byte[4096 + 32],
                        "arn:aws:iam::123456789012:root",
                        "AKIAWRKPRESIGNED0001"),
                MetadataStore.Precondition.NONE);
        metaJson = MetadataJson.toJson(store.current(BUCKET, KEY).orElseThrow().meta());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        store.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public Object twoReads() {
        Optional<Bucket> b = store.bucket(BUCKET);
        Optional<ObjectVersion> v = store.current(BUCKET, KEY);
        return b.isPresent() ? v : b;
    }

    @Benchmark
    public Object oneRead() {
        return store.read(BUCKET, KEY, null);
    }

    /** {@link #oneRead} without the cache: the join on a read connection, every time. */
    @Benchmark
    public Object uncachedRead() {
        return db.readStatement(c -> ObjectVersions.bucketAndVersion(c, BUCKET, KEY, null));
    }

    /** What every cached read asks first, on the connection it takes: has another connection committed? */
    @Benchmark
    public Object dataVersion() {
        return db.readStatement(c -> {
            try (CachedStatements.Lease lease = CachedStatements.prepare(c, "PRAGMA data_version");
                    java.sql.ResultSet rs = lease.statement().executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Benchmark
    public Object parseMeta() {
        return MetadataJson.fromJson(metaJson, ObjectMeta.class);
    }

    @Benchmark
    public Object cachedMeta() {
        return MetadataJson.objectMeta(metaJson);
    }
}

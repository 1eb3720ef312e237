package io.rampart.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * What the single SQLite writer thread does for one 4 KiB PUT that overwrites a key of an unversioned bucket (the
 * replaced version goes to the recovery window), in a transaction rolled back (no commit, no fsync: the per-row work
 * alone). {@code writerBefore} is the work as it was: the new row's JSON encoded and the replaced version's metadata
 * parsed on the writer; {@code writerNow} leaves both out (encoded by the request thread before the write is queued,
 * parsed only if a caller asks, after the write). {@code encode} is what moved to the request thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ObjectWriteBenchmark {
    private static final String BUCKET = "bench";
    private static final String KEY = "obj-4k";

    private Path dir;
    private SqliteMetadataStore store;
    private Connection c;
    private ObjectVersions versions;
    private ObjectVersion next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("rampart-write-bench");
        Path file = dir.resolve("rampart.db");
        Database db = SqliteMetadataStore.openDatabase(file);
        store = new SqliteMetadataStore(db, blob -> {});
        store.createBucket(new Bucket(BUCKET, "123456789012", "us-east-1", 0, "", false, "{}"));
        next = version(meta("q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJ"));
        store.putObject(
                version(meta("AAAAEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJ")),
                MetadataStore.Precondition.NONE);
        c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        c.setAutoCommit(false);
        versions = new ObjectVersions(db.dialect(), store.recoveryWindow());
    }

    private static ObjectMeta meta(String sealedKey) {
        return ObjectMeta.builder()
                .contentHeaders(Map.of("Content-Type", "application/octet-stream"))
                .checksums(Map.of("CRC64NVME", "AAAAAAAAAAA="))
                .checksumType("FULL_OBJECT")
                .partSizes(List.of())
                .encryption(new Encryption("AES256", sealedKey, null, null))
                .acl(new AccessControlList(
                        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                        List.of(new AccessControlList.Grant(
                                "CanonicalUser",
                                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                                null,
                                "FULL_CONTROL"))))
                .build();
    }

    private static ObjectVersion version(ObjectMeta meta) {
        return new ObjectVersion(
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
                "AKIAWRKPRESIGNED0001");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        c.close();
        store.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    private Object write(ObjectVersions.Encoded json, boolean parseReplaced) throws Exception {
        try {
            ObjectVersions.KeyState state = ObjectVersions.keyState(c, BUCKET, KEY, true);
            if (parseReplaced) state.current().orElseThrow().meta();
            StatementBatch batch = new StatementBatch(c, false);
            List<String> freed = new ArrayList<>();
            ObjectVersion stored = versions.replaceCurrent(
                    batch, next, json, false, state, freed, new Removal(null, null, "PutObject"));
            batch.run();
            return stored;
        } finally {
            c.rollback();
        }
    }

    @Benchmark
    public Object writerBefore() throws Exception {
        return write(ObjectVersions.Encoded.of(next), true);
    }

    private ObjectVersions.Encoded encoded;

    @Setup(Level.Iteration)
    public void encodeOnce() {
        encoded = ObjectVersions.Encoded.of(next);
    }

    @Benchmark
    public Object writerNow() throws Exception {
        return write(encoded, false);
    }

    @Benchmark
    public Object encode() {
        return ObjectVersions.Encoded.of(next);
    }
}

package io.rampart.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.it.TestPostgres;
import io.rampart.storage.MetadataStore.Precondition;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How many round trips to the database one write costs: every statement execution on the write connection plus its
 * commit (on PostgreSQL each is a network round trip; pgjdbc sends BEGIN with the first statement). The figures of
 * BENCHMARKS.md ("PostgreSQL write path") come from this test's output.
 */
class MetadataRoundTripsTest {
    @TempDir
    Path dir;

    /** Counts statement executions on write connections, and one commit per write transaction that commits. */
    private static final class Counting implements Database.Engine {
        private final Database.Engine inner;
        private final boolean locksInOneTrip;
        final AtomicInteger trips = new AtomicInteger();

        /** {@code locksInOneTrip}: a keyed write's locks cost a round trip of their own (PostgreSQL). */
        Counting(Database.Engine inner, boolean locksInOneTrip) {
            this.inner = inner;
            this.locksInOneTrip = locksInOneTrip;
        }

        @Override
        public <T> T keyed(Database.KeyLocks locks, Database.Work<T> work) {
            T result = inner.keyed(locks, c -> work.run(counted(c)));
            trips.addAndGet(locksInOneTrip ? 2 : 1); // the locks (taken by the engine), the commit
            return result;
        }

        @Override
        public <T> T read(Database.Work<T> work) {
            return inner.read(work);
        }

        @Override
        public <T> T write(Database.Work<T> work) {
            T result = inner.write(c -> work.run(counted(c)));
            trips.incrementAndGet(); // the commit
            return result;
        }

        @Override
        public <T> T exclusive(Database.Work<T> work) {
            return inner.exclusive(work);
        }

        @Override
        public void close() {
            inner.close();
        }

        private Connection counted(Connection c) {
            return proxy(Connection.class, c, (target, name, result) -> {
                if (result instanceof PreparedStatement ps)
                    return proxy(PreparedStatement.class, ps, this::onStatement);
                if (result instanceof Statement s) return proxy(Statement.class, s, this::onStatement);
                return result;
            });
        }

        private Object onStatement(Object target, String name, Object result) {
            if (name.startsWith("execute")) trips.incrementAndGet();
            return result;
        }
    }

    private interface After {
        Object apply(Object target, String method, Object result);
    }

    private static <T> T proxy(Class<T> type, T target, After after) {
        InvocationHandler h = (p, m, args) -> {
            try {
                return after.apply(target, m.getName(), m.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
    }

    private static final long T0 = 1_700_000_000_000L;

    private static ObjectMeta meta() {
        return ObjectMeta.builder()
                .contentHeaders(Map.of("Content-Type", "text/plain"))
                .checksumType("FULL_OBJECT")
                .build();
    }

    private static ObjectVersion version(String bucket, String key, String versionId, List<Segment> segments) {
        byte[] inline = segments.isEmpty() ? new byte[4096] : null;
        return new ObjectVersion(
                bucket, key, versionId, 0, true, false, 4096, "\"e\"", T0, meta(), segments, inline, "arn", "AKIA");
    }

    /** Round trips of each write, in order, on one backend. */
    private Map<String, Integer> measure(Database.Engine engine, SqlDialect dialect) throws Exception {
        Counting counting = new Counting(engine, dialect == PostgresDialect.INSTANCE);
        Map<String, Integer> trips = new LinkedHashMap<>();
        List<String> released = new ArrayList<>();
        try (Database db = new Database(counting, dialect, true);
                SqliteMetadataStore store = new SqliteMetadataStore(db, released::add)) {
            store.recoveryWindow().holding(true);
            store.createBucket(new Bucket("plain", "owner", "us-east-1", T0, "", false, "{}"));
            store.createBucket(new Bucket("versioned", "owner", "us-east-1", T0, "Enabled", false, "{}"));
            Supplier<Integer> now = counting.trips::get;
            record Step(String name, Runnable write) {}
            List<Step> steps = List.of(
                    new Step(
                            "PUT new key (unversioned)",
                            () -> store.putObject(version("plain", "k", "null", List.of()), Precondition.NONE)),
                    new Step(
                            "PUT overwrite (unversioned, window holds the old)",
                            () -> store.putObject(version("plain", "k", "null", List.of()), Precondition.NONE)),
                    new Step(
                            "PUT If-None-Match on a new key",
                            () -> store.putObject(version("plain", "k2", "null", List.of()), current -> {
                                assertThat(current).isEmpty();
                            })),
                    new Step(
                            "PUT overwrite, 2 blob segments",
                            () -> store.putObject(
                                    version("plain", "k2", "null", List.of(new Segment("b1", 1), new Segment("b2", 1))),
                                    Precondition.NONE)),
                    new Step(
                            "PUT new version (versioned)",
                            () -> store.putObject(version("versioned", "k", "v1", List.of()), Precondition.NONE)),
                    new Step(
                            "PUT second version (versioned)",
                            () -> store.putObject(version("versioned", "k", "v2", List.of()), Precondition.NONE)),
                    new Step("DELETE (unversioned)", () -> store.deleteObject("plain", "k", Precondition.NONE)),
                    new Step(
                            "DELETE version (versioned, the latest)",
                            () -> store.deleteVersion("versioned", "k", "v2", Precondition.NONE)),
                    new Step(
                            "CreateMultipartUpload",
                            () -> store.createUpload(new Upload("u1", "plain", "big", T0, meta(), "arn", "AKIA"))),
                    new Step(
                            "UploadPart (new)", () -> store.putPart(new Part("u1", 1, 5, "\"p\"", T0, Map.of(), "p1"))),
                    new Step(
                            "UploadPart (replaces a part)",
                            () -> store.putPart(new Part("u1", 1, 5, "\"p\"", T0, Map.of(), "p1b"))),
                    new Step(
                            "UploadPart (third)",
                            () -> store.putPart(new Part("u1", 2, 5, "\"p\"", T0, Map.of(), "p2"))),
                    new Step(
                            "UploadPart (fourth)",
                            () -> store.putPart(new Part("u1", 3, 5, "\"p\"", T0, Map.of(), "p3"))),
                    new Step(
                            "CompleteMultipartUpload (3 parts)",
                            () -> store.completeUpload(
                                    "u1",
                                    version(
                                            "plain",
                                            "big",
                                            "null",
                                            List.of(new Segment("p1b", 5), new Segment("p2", 5), new Segment("p3", 5))),
                                    Set.of(1, 2, 3),
                                    Precondition.NONE)));
            for (Step s : steps) {
                int before = now.get();
                s.write().run();
                trips.put(s.name(), now.get() - before);
            }
            // The writes did what they say (the counts are of working writes).
            assertThat(store.current("plain", "k")).isEmpty();
            assertThat(store.current("plain", "k2").orElseThrow().segments()).hasSize(2);
            assertThat(store.current("versioned", "k").map(ObjectVersion::versionId))
                    .isEqualTo(Optional.of("v1"));
            assertThat(store.current("plain", "big").orElseThrow().segments()).hasSize(3);
            assertThat(store.upload("u1")).isEmpty();
            assertThat(released).containsExactly("p1");
            assertThat(store.recoveryWindow().stats().versions()).isEqualTo(4);
        }
        return trips;
    }

    private static void print(String backend, Map<String, Integer> trips) {
        trips.forEach((op, n) -> System.out.printf("round trips %-10s %-50s %d%n", backend, op, n));
    }

    @Test
    void writesOnPostgresqlTakeTheirLocksAReadABatchAndACommit() throws Exception {
        Map<String, Integer> trips =
                measure(new PostgresEngine(TestPostgres.freshDatabase(), 2), PostgresDialect.INSTANCE);
        print("postgresql", trips);
        // Object writes: their locks (one round trip, before the first read), a read, a batch and the commit.
        assertThat(trips.get("PUT new key (unversioned)")).isLessThanOrEqualTo(4);
        assertThat(trips.get("PUT overwrite (unversioned, window holds the old)"))
                .isLessThanOrEqualTo(4);
        assertThat(trips.get("PUT overwrite, 2 blob segments")).isLessThanOrEqualTo(4);
        assertThat(trips.get("PUT second version (versioned)")).isLessThanOrEqualTo(4);
        assertThat(trips.get("DELETE (unversioned)")).isLessThanOrEqualTo(4);
        assertThat(trips.get("DELETE version (versioned, the latest)")).isLessThanOrEqualTo(4);
        assertThat(trips.get("UploadPart (replaces a part)")).isLessThanOrEqualTo(3);
        // And the upload's row locked before its parts are read.
        assertThat(trips.get("CompleteMultipartUpload (3 parts)")).isLessThanOrEqualTo(6);
    }

    @Test
    void writesOnSqliteDoTheSameWork() throws Exception {
        Map<String, Integer> trips = measure(new SqliteEngine(dir.resolve("rampart.db"), 2), SqliteDialect.INSTANCE);
        print("sqlite", trips);
        // In process, statements are not batched: each is a call into SQLite, no round trip.
        assertThat(trips.get("PUT overwrite (unversioned, window holds the old)"))
                .isGreaterThan(1);
    }
}

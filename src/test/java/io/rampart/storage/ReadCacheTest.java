package io.rampart.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReadCache}'s generation rule and bounds, and {@link SqliteMetadataStore#read} through it: served from memory
 * only while nothing committed, whether this process's writer or another connection to the file committed.
 */
class ReadCacheTest {
    @TempDir
    Path dir;

    @Test
    void aValueIsServedOnlyInTheGenerationItWasReadIn() {
        ReadCache cache = new ReadCache();
        cache.put("k", "v", 10, 2, 2);
        assertThat(cache.get("k", 2)).isEqualTo("v");
        assertThat(cache.get("k", 4)).as("a newer generation").isNull();
        assertThat(cache.get("other", 2)).isNull();
    }

    @Test
    void aValueWhoseGenerationPassedDuringTheReadIsNotKept() {
        ReadCache cache = new ReadCache();
        cache.put("k", "old", 10, 2, 4);
        assertThat(cache.get("k", 2)).isNull();
        assertThat(cache.get("k", 4)).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void aLateValueOfAnOlderGenerationDoesNotReplaceTheNewerOnes() {
        ReadCache cache = new ReadCache();
        cache.put("a", "new", 10, 6, 6);
        cache.put("b", "old", 10, 4, 4);
        assertThat(cache.get("a", 6)).isEqualTo("new");
        assertThat(cache.get("b", 4)).isNull();
        assertThat(cache.get("b", 6)).isNull();
    }

    @Test
    void boundsOnEntriesTotalAndEntryWeightHold() {
        ReadCache cache = new ReadCache(3, 1000, 400);
        cache.put("heavy", "x", 401, 2, 2);
        assertThat(cache.get("heavy", 2)).as("heavier than one entry may be").isNull();
        for (int i = 0; i < 3; i++) cache.put("k" + i, "v" + i, 10, 2, 2);
        assertThat(cache.size()).isEqualTo(3);
        cache.put("k3", "v3", 10, 2, 2);
        assertThat(cache.size())
                .as("full: dropped whole, then the new value kept")
                .isEqualTo(1);
        assertThat(cache.get("k3", 2)).isEqualTo("v3");
        assertThat(cache.get("k0", 2)).isNull();
        cache.put("a", "a", 400, 2, 2);
        cache.put("b", "b", 400, 2, 2);
        assertThat(cache.bytes()).isLessThanOrEqualTo(1000);
        cache.put("c", "c", 400, 2, 2);
        assertThat(cache.bytes()).isLessThanOrEqualTo(1000);
        assertThat(cache.get("c", 2)).isEqualTo("c");
        cache.put("c", "c2", 300, 2, 2);
        assertThat(cache.bytes()).as("a replaced value's weight is given back").isEqualTo(300);
    }

    private static ObjectVersion version(String key, String body) {
        return new ObjectVersion(
                "b",
                key,
                "null",
                0,
                true,
                false,
                body.length(),
                "etag-" + body,
                1,
                ObjectMeta.builder()
                        .contentHeaders(Map.of())
                        .checksums(Map.of())
                        .partSizes(List.of())
                        .build(),
                List.of(),
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "arn:aws:iam::123456789012:root",
                "AKIA");
    }

    private static String body(MetadataStore.ObjectRead r) {
        return new String(r.version().orElseThrow().inline(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aRepeatedReadIsServedFromMemoryUntilAWriteCommits() throws Exception {
        try (SqliteMetadataStore store =
                new SqliteMetadataStore(SqliteMetadataStore.openDatabase(dir.resolve("rampart.db")), blob -> {})) {
            store.createBucket(new Bucket("b", "123456789012", "us-east-1", 0, "", false, "{}"));
            store.putObject(version("k", "one"), MetadataStore.Precondition.NONE);
            // Each pooled read connection sees the writer's commits once (its data version changed), which moves
            // the generation on: after a write, a few reads (one per connection) are read again.
            for (int i = 0; i < 64; i++)
                assertThat(body(store.read("b", "k", null))).isEqualTo("one");
            MetadataStore.ObjectRead first = store.read("b", "k", null);
            assertThat(store.read("b", "k", null)).as("served from memory").isSameAs(first);
            for (int i = 0; i < 20; i++) {
                store.putObject(version("k", "v" + i), MetadataStore.Precondition.NONE);
                assertThat(body(store.read("b", "k", null))).isEqualTo("v" + i);
                assertThat(body(store.read("b", "k", null))).isEqualTo("v" + i);
            }
            // A write of anything else moves the generation on too: the next read is a fresh one, equal.
            for (int i = 0; i < 64; i++) store.read("b", "k", null);
            MetadataStore.ObjectRead before = store.read("b", "k", null);
            assertThat(store.read("b", "k", null)).isSameAs(before);
            store.putObject(version("other", "x"), MetadataStore.Precondition.NONE);
            MetadataStore.ObjectRead after = store.read("b", "k", null);
            assertThat(after).isNotSameAs(before);
            assertThat(body(after)).isEqualTo(body(before));
            // Absent keys and buckets are answered from memory too, until a write.
            assertThat(store.read("b", "missing", null).version()).isEmpty();
            store.putObject(version("missing", "now"), MetadataStore.Precondition.NONE);
            assertThat(body(store.read("b", "missing", null))).isEqualTo("now");
            assertThat(store.read("nobucket", "k", null).bucket()).isEmpty();
            store.createBucket(new Bucket("nobucket", "123456789012", "us-east-1", 0, "", false, "{}"));
            assertThat(store.read("nobucket", "k", null).bucket()).isPresent();
        }
    }

    /** As {@code rampart admin} does while the server runs: another connection to the file commits. */
    @Test
    void aCommitOfAnotherConnectionToTheFileIsSeenByTheNextRead() throws Exception {
        Path file = dir.resolve("rampart.db");
        try (SqliteMetadataStore server = new SqliteMetadataStore(SqliteMetadataStore.openDatabase(file), blob -> {});
                Database other = SqliteMetadataStore.openDatabase(file)) {
            server.createBucket(new Bucket("b", "123456789012", "us-east-1", 0, "", false, "{}"));
            server.putObject(version("k", "one"), MetadataStore.Precondition.NONE);
            for (int i = 0; i < 10; i++) {
                // Every read connection of the server's pool holds a value of the current generation first.
                for (int r = 0; r < 12; r++) server.read("b", "k", null);
                String config = "{\"n\":" + i + "}";
                other.write(c -> {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE buckets SET config = ? WHERE name = 'b'")) {
                        ps.setString(1, config);
                        return ps.executeUpdate();
                    }
                });
                for (int r = 0; r < 12; r++)
                    assertThat(server.read("b", "k", null)
                                    .bucket()
                                    .orElseThrow()
                                    .config())
                            .isEqualTo(config);
            }
            SqliteMetadataStore otherStore = new SqliteMetadataStore(other, blob -> {});
            otherStore.putObject(version("k", "two"), MetadataStore.Precondition.NONE);
            assertThat(body(server.read("b", "k", null))).isEqualTo("two");
        }
    }
}

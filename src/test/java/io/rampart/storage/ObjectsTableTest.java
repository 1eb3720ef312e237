package io.rampart.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The objects table's layout: listing reads only covering indexes, and data directories of the first layout upgrade. */
class ObjectsTableTest {
    @TempDir
    Path dir;

    private static final String SHA256 = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=";

    private static ObjectMeta meta(Map<String, String> checksums, String storageClass) {
        return ObjectMeta.builder()
                .contentHeaders(Map.of("Content-Type", "text/plain"))
                .userMetadata(Map.of("colour", "blue"))
                .checksums(checksums)
                .checksumType("FULL_OBJECT")
                .partSizes(List.of())
                .tags(Map.of())
                .storageClass(storageClass)
                .encryption(new Encryption(Encryption.SSE_S3, "c2VhbGVk", null, null))
                .build();
    }

    /** Checksums in an order that is neither alphabetical nor Map.of's: listings must keep the stored order. */
    private static Map<String, String> twoChecksums() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("SHA256", SHA256);
        m.put("CRC32", "AAAAAA==");
        return m;
    }

    /** Writes rows exactly as the code before the listing branch did: its DDL, its INSERT, its JSON. */
    private static void insertFirstLayoutRow(
            Database db,
            String key,
            String versionId,
            long seq,
            boolean latest,
            boolean deleteMarker,
            long size,
            ObjectMeta meta,
            String segments,
            byte[] inline) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO objects(bucket, key, version_id, seq, latest,"
                    + " delete_marker, size, etag, last_modified, meta, segments, writer_arn, writer_key, inline)"
                    + " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                ps.setString(1, "b");
                ps.setString(2, key);
                ps.setString(3, versionId);
                ps.setLong(4, seq);
                ps.setInt(5, latest ? 1 : 0);
                ps.setInt(6, deleteMarker ? 1 : 0);
                ps.setLong(7, size);
                ps.setString(8, "\"etag-" + key + "-" + seq + "\"");
                ps.setLong(9, 1_700_000_000_000L + seq);
                ps.setString(10, MetadataJson.toJson(meta));
                ps.setString(11, segments);
                ps.setString(12, "arn:aws:iam::123456789012:user/alice");
                ps.setString(13, "AKIAEXAMPLE");
                ps.setBytes(14, inline);
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static List<String> keysOf(ListPage<ListEntry> page) {
        return page.entries().stream()
                .map(e -> e.key() + (e.versionId() == null ? "" : "@" + e.versionId()))
                .toList();
    }

    @Test
    void firstLayoutDataDirectoryListsReadsAndWritesAfterUpgrade() throws Exception {
        Path file = dir.resolve("rampart.db");
        byte[] data = new byte[5000];
        Arrays.fill(data, (byte) 7);
        Database old = new Database(file, 1, false);
        old.write(c -> {
            try (java.sql.Statement s = c.createStatement()) {
                for (String sql : ObjectsTable.FIRST_LAYOUT) s.execute(sql);
            }
            return null;
        });
        insertFirstLayoutRow(
                old, "a/1", "null", 1, true, false, data.length, meta(twoChecksums(), "STANDARD_IA"), "[]", data);
        insertFirstLayoutRow(old, "a/2", "v1", 1, false, false, 3, meta(Map.of(), "STANDARD"), "[]", new byte[3]);
        insertFirstLayoutRow(old, "a/2", "v2", 2, true, true, 0, meta(Map.of(), "STANDARD"), "[]", null);
        insertFirstLayoutRow(
                old,
                "b",
                "null",
                1,
                true,
                false,
                10,
                meta(Map.of(), "STANDARD"),
                "[{\"blob\":\"blob-1\",\"length\":10}]",
                null);
        old.close();

        Database db = SqliteMetadataStore.openDatabase(file);
        SqliteMetadataStore store = new SqliteMetadataStore(db, blob -> {});
        // The rows above were written without their bucket; a write checks its bucket inside its transaction.
        store.createBucket(new Bucket("b", "owner", "us-east-1", 1_700_000_000_000L, "", false, "{}"));

        assertThat(columns(db))
                .containsExactly(
                        "bucket",
                        "key",
                        "seq",
                        "version_id",
                        "latest",
                        "delete_marker",
                        "size",
                        "etag",
                        "last_modified",
                        "storage_class",
                        "checksum_algorithms",
                        "writer_arn",
                        "writer_key",
                        "meta",
                        "segments",
                        "inline");
        ListPage<ListEntry> all = store.listObjects("b", "", null, null, 1000);
        assertThat(keysOf(all)).containsExactly("a/1", "b");
        ListEntry a1 = all.entries().getFirst();
        assertThat(a1.storageClass()).isEqualTo("STANDARD_IA");
        assertThat(a1.checksumAlgorithms()).containsExactly("SHA256", "CRC32");
        assertThat(a1.size()).isEqualTo(5000);
        assertThat(a1.etag()).isEqualTo("\"etag-a/1-1\"");
        assertThat(a1.lastModified()).isEqualTo(1_700_000_000_001L);
        assertThat(all.entries().get(1).checksumAlgorithms()).isEmpty();
        assertThat(all.entries().get(1).storageClass()).isEqualTo("STANDARD");

        ListPage<ListEntry> rolled = store.listObjects("b", "", "/", null, 1000);
        assertThat(rolled.commonPrefixes()).containsExactly("a/");
        assertThat(keysOf(rolled)).containsExactly("b");

        ListPage<ListEntry> versions = store.listVersions("b", "", null, null, null, 1000);
        assertThat(keysOf(versions)).containsExactly("a/1@null", "a/2@v2", "a/2@v1", "b@null");
        assertThat(versions.entries().get(1).deleteMarker()).isTrue();
        assertThat(versions.entries().get(1).latest()).isTrue();
        assertThat(versions.entries().get(2).latest()).isFalse();
        assertThat(versions.entries().get(0).checksumAlgorithms()).containsExactly("SHA256", "CRC32");

        ObjectVersion read = store.current("b", "a/1").orElseThrow();
        assertThat(read.inline()).isEqualTo(data);
        assertThat(read.meta()).isEqualTo(meta(twoChecksums(), "STANDARD_IA"));
        assertThat(read.writerArn()).isEqualTo("arn:aws:iam::123456789012:user/alice");
        assertThat(read.writerKeyId()).isEqualTo("AKIAEXAMPLE");
        assertThat(store.version("b", "b", "null").orElseThrow().segments()).containsExactly(new Segment("blob-1", 10));

        store.putObject(
                new ObjectVersion(
                        "b",
                        "c",
                        "null",
                        0,
                        true,
                        false,
                        2,
                        "\"new\"",
                        1_800_000_000_000L,
                        meta(Map.of("CRC64NVME", "AAAAAAAAAAA="), "GLACIER_IR"),
                        List.of(),
                        new byte[] {1, 2},
                        null,
                        null),
                MetadataStore.Precondition.NONE);
        store.deleteObject("b", "b", MetadataStore.Precondition.NONE);
        db.close();

        // A second start finds the current layout and changes nothing.
        Database again = SqliteMetadataStore.openDatabase(file);
        SqliteMetadataStore reopened = new SqliteMetadataStore(again, blob -> {});
        ListPage<ListEntry> after = reopened.listObjects("b", "", null, null, 1000);
        assertThat(keysOf(after)).containsExactly("a/1", "c");
        assertThat(after.entries().get(1).storageClass()).isEqualTo("GLACIER_IR");
        assertThat(after.entries().get(1).checksumAlgorithms()).containsExactly("CRC64NVME");
        assertThat(reopened.current("b", "a/1").orElseThrow().inline()).isEqualTo(data);
        assertThat(reopened.current("b", "c").orElseThrow().inline()).containsExactly(1, 2);
        assertThat(keysOf(reopened.listVersions("b", "a/", null, null, null, 1000)))
                .containsExactly("a/1@null", "a/2@v2", "a/2@v1");
        again.close();
    }

    @Test
    void listingQueriesReadOnlyCoveringIndexesNeverTheRows() throws Exception {
        Database db = SqliteMetadataStore.openDatabase(dir.resolve("rampart.db"));
        new SqliteMetadataStore(db, blob -> {});
        List<String> queries = List.of(
                ObjectsTable.currentFrom(true),
                ObjectsTable.currentFrom(false),
                ObjectsTable.versionsFrom(true),
                ObjectsTable.versionsFrom(false),
                ObjectsTable.OLDER_VERSIONS_OF_KEY);
        for (String sql : queries) {
            List<String> plan = db.read(c -> {
                List<String> steps = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
                    for (int i = 1; i <= ps.getParameterMetaData().getParameterCount(); i++) ps.setString(i, "x");
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) steps.add(rs.getString("detail"));
                    }
                }
                return steps;
            });
            assertThat(plan).as(sql).hasSize(1);
            assertThat(plan.getFirst()).as(sql).contains("USING COVERING INDEX");
        }
        db.close();
    }

    @Test
    void metadataChangesKeepTheListingColumnsInStep() throws Exception {
        Database db = SqliteMetadataStore.openDatabase(dir.resolve("rampart.db"));
        SqliteMetadataStore store = new SqliteMetadataStore(db, blob -> {});
        store.createBucket(new Bucket("b", "owner", "us-east-1", 1_700_000_000_000L, "", false, "{}"));
        store.putObject(
                new ObjectVersion(
                        "b",
                        "k",
                        "null",
                        0,
                        true,
                        false,
                        1,
                        "\"e\"",
                        1L,
                        meta(Map.of(), "STANDARD"),
                        List.of(),
                        new byte[1],
                        null,
                        null),
                MetadataStore.Precondition.NONE);
        store.updateMeta(
                "b",
                "k",
                null,
                m -> ObjectMeta.builder()
                        .contentHeaders(m.contentHeaders())
                        .userMetadata(m.userMetadata())
                        .checksums(Map.of("CRC32C", "AAAAAA=="))
                        .checksumType(m.checksumType())
                        .partSizes(m.partSizes())
                        .tags(m.tags())
                        .storageClass("STANDARD_IA")
                        .encryption(m.encryption())
                        .build());
        ListEntry e = store.listObjects("b", "", null, null, 10).entries().getFirst();
        assertThat(e.storageClass()).isEqualTo("STANDARD_IA");
        assertThat(e.checksumAlgorithms()).containsExactly("CRC32C");
        assertThat(store.listVersions("b", "", null, null, null, 10)
                        .entries()
                        .getFirst()
                        .storageClass())
                .isEqualTo("STANDARD_IA");
        db.close();
    }

    private static List<String> columns(Database db) {
        return db.read(c -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement ps =
                            c.prepareStatement("SELECT name FROM pragma_table_info('objects') ORDER BY cid");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) names.add(rs.getString(1));
            }
            return names;
        });
    }
}

package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * ListObjectVersions: keys in UTF-8 order, versions newest first within a key, Versions and DeleteMarkers interleaved
 * in that one order, IsLatest, prefix and delimiter, key-marker/version-id-marker paging, encoding-type.
 */
class ListObjectVersionsTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static S3Client s3;
    static RawS3 raw;
    static final AtomicInteger SEQ = new AtomicInteger();

    /** One listed entry, in S3's order. */
    record Entry(String kind, String key, String versionId, boolean latest) {}

    /** The history written to {@link #HISTORY}: every entry, in the order S3 must list them. */
    static List<Entry> expected;

    static final String HISTORY = "history";

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        raw = RAMPART.raw();
        expected = writeHistory(HISTORY);
    }

    static String newVersionedBucket(String name) {
        return Buckets.versioned(s3, name);
    }

    static String put(String bucket, String key) {
        return s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("v of " + key))
                .versionId();
    }

    static String mark(String bucket, String key) {
        return s3.deleteObject(b -> b.bucket(bucket).key(key)).versionId();
    }

    /**
     * Keys with several versions and delete markers, written interleaved, including keys whose UTF-16 and UTF-8 orders
     * differ (U+FFFD sorts before an emoji in UTF-8, after it in UTF-16).
     */
    static List<Entry> writeHistory(String bucket) {
        newVersionedBucket(bucket);
        Map<String, List<Entry>> byKey = new LinkedHashMap<>();
        String[][] script = {
            {"a", "put"}, {"z", "put"}, {"c/d", "put"}, {"a", "put"}, {"\uFFFD", "put"}, {"c/d", "del"},
            {"\uD83D\uDE00", "del"}, {"é", "put"}, {"a", "del"}, {"z", "del"}, {"b", "put"}, {"c/d", "put"},
            {"é", "put"}, {"z", "del"}, {"c/e", "put"}, {"ab", "put"}
        };
        for (String[] step : script) {
            String key = step[0];
            String id = step[1].equals("put") ? put(bucket, key) : mark(bucket, key);
            byKey.computeIfAbsent(key, k -> new ArrayList<>())
                    .add(0, new Entry(step[1].equals("put") ? "Version" : "DeleteMarker", key, id, false));
        }
        List<String> keys = new ArrayList<>(byKey.keySet());
        keys.sort(Comparator.comparing(k -> k.getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned));
        List<Entry> out = new ArrayList<>();
        for (String k : keys) {
            List<Entry> vs = byKey.get(k);
            for (int i = 0; i < vs.size(); i++) {
                Entry e = vs.get(i);
                out.add(new Entry(e.kind(), e.key(), e.versionId(), i == 0));
            }
        }
        return out;
    }

    /** A ListVersionsResult read from the raw XML, keeping the document order of Version and DeleteMarker. */
    record Page(
            List<Entry> entries,
            List<String> prefixes,
            boolean truncated,
            String nextKeyMarker,
            String nextVersionIdMarker,
            Map<String, String> top) {}

    static String enc(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c));
            }
        }
        return b.toString();
    }

    static Page rawList(String bucket, Map<String, String> params) {
        StringBuilder q = new StringBuilder("/" + bucket + "?versions");
        params.forEach((k, v) -> q.append('&').append(k).append('=').append(enc(v)));
        RawS3.Reply r = raw.signed("GET", q.toString(), Map.of(), null);
        assertThat(r.status()).as("ListObjectVersions %s: %s", params, r.text()).isEqualTo(200);
        try {
            var f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            Element root = f.newDocumentBuilder()
                    .parse(new ByteArrayInputStream(r.body()))
                    .getDocumentElement();
            assertThat(root.getTagName()).isEqualTo("ListVersionsResult");
            List<Entry> entries = new ArrayList<>();
            List<String> prefixes = new ArrayList<>();
            Map<String, String> top = new LinkedHashMap<>();
            for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (!(n instanceof Element e)) continue;
                switch (e.getTagName()) {
                    case "Version", "DeleteMarker" ->
                        entries.add(new Entry(
                                e.getTagName(),
                                child(e, "Key"),
                                child(e, "VersionId"),
                                Boolean.parseBoolean(child(e, "IsLatest"))));
                    case "CommonPrefixes" -> prefixes.add(child(e, "Prefix"));
                    default -> top.put(e.getTagName(), e.getTextContent());
                }
            }
            return new Page(
                    entries,
                    prefixes,
                    Boolean.parseBoolean(top.get("IsTruncated")),
                    top.get("NextKeyMarker"),
                    top.get("NextVersionIdMarker"),
                    top);
        } catch (Exception e) {
            throw new AssertionError("not a ListVersionsResult: " + r.text(), e);
        }
    }

    static String child(Element e, String name) {
        var nodes = e.getElementsByTagName(name);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent();
    }

    // ---- order ----

    @Test
    void everyVersionAndMarkerIsListedInOneInterleavedOrder() {
        Page page = rawList(HISTORY, Map.of());
        assertThat(page.truncated()).isFalse();
        assertThat(page.entries()).containsExactlyElementsOf(expected);
        assertThat(page.top())
                .containsEntry("Name", HISTORY)
                .containsEntry("MaxKeys", "1000")
                .containsEntry("KeyMarker", "")
                .containsEntry("VersionIdMarker", "")
                .containsEntry("Prefix", "");
        assertThat(page.top()).doesNotContainKeys("NextKeyMarker", "NextVersionIdMarker", "Delimiter", "EncodingType");
    }

    @Test
    void sdkSeesTheSameVersionsAndMarkers() {
        ListObjectVersionsResponse r = s3.listObjectVersions(b -> b.bucket(HISTORY));
        assertThat(r.versions())
                .extracting(v -> new Entry("Version", v.key(), v.versionId(), v.isLatest()))
                .containsExactlyElementsOf(expected.stream()
                        .filter(e -> e.kind().equals("Version"))
                        .toList());
        assertThat(r.deleteMarkers())
                .extracting(m -> new Entry("DeleteMarker", m.key(), m.versionId(), m.isLatest()))
                .containsExactlyElementsOf(expected.stream()
                        .filter(e -> e.kind().equals("DeleteMarker"))
                        .toList());
        ObjectVersion first = r.versions().get(0);
        assertThat(first.eTag()).startsWith("\"").endsWith("\"");
        assertThat(first.size()).isEqualTo(("v of " + first.key()).length());
        assertThat(first.storageClassAsString()).isEqualTo("STANDARD");
        assertThat(first.owner().id()).isNotEmpty();
        assertThat(first.lastModified()).isNotNull();
        assertThat(r.deleteMarkers().get(0).lastModified()).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void pagingWithMarkersListsEveryVersionExactlyOnceInOrder(int maxKeys) {
        List<Entry> seen = new ArrayList<>();
        String keyMarker = null;
        String versionIdMarker = null;
        for (int pages = 0; pages < 100; pages++) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("max-keys", Integer.toString(maxKeys));
            if (keyMarker != null) params.put("key-marker", keyMarker);
            if (versionIdMarker != null) params.put("version-id-marker", versionIdMarker);
            Page page = rawList(HISTORY, params);
            assertThat(page.entries().size()).isLessThanOrEqualTo(maxKeys);
            assertThat(page.top()).containsEntry("MaxKeys", Integer.toString(maxKeys));
            seen.addAll(page.entries());
            if (!page.truncated()) break;
            Entry last = page.entries().get(page.entries().size() - 1);
            assertThat(page.nextKeyMarker()).isEqualTo(last.key());
            assertThat(page.nextVersionIdMarker()).isEqualTo(last.versionId());
            keyMarker = page.nextKeyMarker();
            versionIdMarker = page.nextVersionIdMarker();
        }
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void sdkPaginatorListsEveryVersionExactlyOnce(int maxKeys) {
        List<String> versions = new ArrayList<>();
        List<String> markers = new ArrayList<>();
        int pages = 0;
        for (ListObjectVersionsResponse r :
                s3.listObjectVersionsPaginator(b -> b.bucket(HISTORY).maxKeys(maxKeys))) {
            pages++;
            assertThat(r.versions().size() + r.deleteMarkers().size()).isLessThanOrEqualTo(maxKeys);
            r.versions().forEach(v -> versions.add(v.key() + "@" + v.versionId()));
            r.deleteMarkers().forEach(m -> markers.add(m.key() + "@" + m.versionId()));
        }
        assertThat(pages).isGreaterThanOrEqualTo(expected.size() / maxKeys);
        assertThat(versions)
                .containsExactlyElementsOf(expected.stream()
                        .filter(e -> e.kind().equals("Version"))
                        .map(e -> e.key() + "@" + e.versionId())
                        .toList());
        assertThat(markers)
                .containsExactlyElementsOf(expected.stream()
                        .filter(e -> e.kind().equals("DeleteMarker"))
                        .map(e -> e.key() + "@" + e.versionId())
                        .toList());
    }

    @Test
    void keyMarkerAloneStartsAfterEveryVersionOfThatKey() {
        Page page = rawList(HISTORY, Map.of("key-marker", "a"));
        assertThat(page.entries())
                .containsExactlyElementsOf(
                        expected.stream().filter(e -> !e.key().equals("a")).toList());
        assertThat(page.top()).containsEntry("KeyMarker", "a");
    }

    @Test
    void versionIdMarkerResumesWithTheOlderVersionsOfTheKey() {
        List<Entry> a = expected.stream().filter(e -> e.key().equals("a")).toList();
        assertThat(a).hasSize(3);
        Page page = rawList(
                HISTORY, Map.of("key-marker", "a", "version-id-marker", a.get(0).versionId(), "max-keys", "2"));
        assertThat(page.entries()).containsExactly(a.get(1), a.get(2));
        assertThat(page.top()).containsEntry("VersionIdMarker", a.get(0).versionId());
        assertThat(page.truncated()).isTrue();
    }

    @Test
    void versionIdMarkerWithoutKeyMarkerIsInvalidArgument() {
        String id = expected.get(0).versionId();
        assertS3Error(
                () -> s3.listObjectVersions(b -> b.bucket(HISTORY).versionIdMarker(id)),
                400,
                "InvalidArgument",
                "A version-id marker cannot be specified without a key marker.");
        RawS3.Reply r = raw.signed("GET", "/" + HISTORY + "?versions&version-id-marker=" + id, Map.of(), null);
        assertThat(r.error()).containsEntry("ArgumentName", "version-id-marker").containsEntry("ArgumentValue", id);
    }

    // ---- prefix and delimiter ----

    @Test
    void prefixSelectsKeys() {
        Page page = rawList(HISTORY, Map.of("prefix", "c/"));
        assertThat(page.entries())
                .containsExactlyElementsOf(
                        expected.stream().filter(e -> e.key().startsWith("c/")).toList());
        assertThat(page.top()).containsEntry("Prefix", "c/");
        Page a = rawList(HISTORY, Map.of("prefix", "a"));
        assertThat(a.entries()).extracting(Entry::key).containsExactly("a", "a", "a", "ab");
    }

    @Test
    void delimiterRollsKeysUpIntoCommonPrefixes() {
        Page page = rawList(HISTORY, Map.of("delimiter", "/"));
        assertThat(page.prefixes()).containsExactly("c/");
        assertThat(page.entries())
                .containsExactlyElementsOf(
                        expected.stream().filter(e -> !e.key().startsWith("c/")).toList());
        assertThat(page.top()).containsEntry("Delimiter", "/");

        ListObjectVersionsResponse r =
                s3.listObjectVersions(b -> b.bucket(HISTORY).delimiter("/"));
        assertThat(r.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("c/");
        assertThat(r.versions()).noneMatch(v -> v.key().startsWith("c/"));
        assertThat(r.deleteMarkers()).noneMatch(m -> m.key().startsWith("c/"));
    }

    @Test
    void commonPrefixCountsAsOneAgainstMaxKeys() {
        String bucket = newVersionedBucket("delim-" + SEQ.incrementAndGet());
        put(bucket, "a");
        put(bucket, "d/1");
        put(bucket, "d/1");
        mark(bucket, "d/2");
        put(bucket, "d/3");
        put(bucket, "e");
        List<String> order = new ArrayList<>();
        String keyMarker = null;
        String versionIdMarker = null;
        for (int i = 0; i < 10; i++) {
            Map<String, String> params = new LinkedHashMap<>(Map.of("delimiter", "/", "max-keys", "1"));
            if (keyMarker != null) params.put("key-marker", keyMarker);
            if (versionIdMarker != null) params.put("version-id-marker", versionIdMarker);
            Page page = rawList(bucket, params);
            assertThat(page.entries().size() + page.prefixes().size()).isEqualTo(1);
            page.entries().forEach(e -> order.add(e.key()));
            page.prefixes().forEach(p -> order.add("prefix:" + p));
            if (!page.truncated()) break;
            keyMarker = page.nextKeyMarker();
            versionIdMarker = page.nextVersionIdMarker();
        }
        assertThat(order).containsExactly("a", "prefix:d/", "e");

        List<String> viaPaginator = new ArrayList<>();
        for (var r : s3.listObjectVersionsPaginator(
                b -> b.bucket(bucket).delimiter("/").maxKeys(1))) {
            r.versions().forEach(v -> viaPaginator.add(v.key()));
            r.commonPrefixes().forEach(p -> viaPaginator.add("prefix:" + p.prefix()));
        }
        assertThat(viaPaginator).containsExactly("a", "prefix:d/", "e");
    }

    @Test
    void prefixAndDelimiterTogether() {
        String bucket = newVersionedBucket("nested-" + SEQ.incrementAndGet());
        put(bucket, "p/x");
        put(bucket, "p/q/1");
        mark(bucket, "p/q/2");
        put(bucket, "p/r/1");
        put(bucket, "other");
        ListObjectVersionsResponse r =
                s3.listObjectVersions(b -> b.bucket(bucket).prefix("p/").delimiter("/"));
        assertThat(r.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("p/q/", "p/r/");
        assertThat(r.versions()).extracting(ObjectVersion::key).containsExactly("p/x");
        assertThat(r.deleteMarkers()).isEmpty();
        assertThat(r.prefix()).isEqualTo("p/");
    }

    // ---- IsLatest ----

    @Test
    void isLatestFollowsDeletesOfTheLatestVersion() {
        String bucket = newVersionedBucket("latest-" + SEQ.incrementAndGet());
        String v1 = put(bucket, "k");
        String v2 = put(bucket, "k");
        String m = mark(bucket, "k");
        Page page = rawList(bucket, Map.of());
        assertThat(page.entries())
                .containsExactly(
                        new Entry("DeleteMarker", "k", m, true),
                        new Entry("Version", "k", v2, false),
                        new Entry("Version", "k", v1, false));
        s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(m));
        assertThat(rawList(bucket, Map.of()).entries())
                .containsExactly(new Entry("Version", "k", v2, true), new Entry("Version", "k", v1, false));
        s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(v2));
        assertThat(rawList(bucket, Map.of()).entries()).containsExactly(new Entry("Version", "k", v1, true));
    }

    @Test
    void unversionedObjectsAreListedAsNullVersions() {
        String bucket = "plain-" + SEQ.incrementAndGet();
        s3.createBucket(b -> b.bucket(bucket));
        put(bucket, "k");
        ListObjectVersionsResponse r = s3.listObjectVersions(b -> b.bucket(bucket));
        assertThat(r.versions())
                .extracting(ObjectVersion::key, ObjectVersion::versionId, ObjectVersion::isLatest)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("k", "null", true));
    }

    // ---- encoding-type ----

    @Test
    void urlEncodingTypeEncodesKeysAndRoundTripsThroughTheSdk() {
        String bucket = newVersionedBucket("encoded-" + SEQ.incrementAndGet());
        String key = "sp ace/é+plus";
        String v1 = put(bucket, key);
        String m = mark(bucket, key);
        Page page = rawList(bucket, Map.of("encoding-type", "url"));
        assertThat(page.top()).containsEntry("EncodingType", "url");
        assertThat(page.entries()).extracting(Entry::key).containsOnly("sp+ace/%C3%A9%2Bplus");
        assertThat(page.entries()).extracting(Entry::versionId).containsExactly(m, v1);

        Page delimited = rawList(bucket, Map.of("encoding-type", "url", "delimiter", "/", "prefix", "sp "));
        assertThat(delimited.prefixes()).containsExactly("sp+ace/");
        assertThat(delimited.top()).containsEntry("Prefix", "sp+").containsEntry("Delimiter", "/");

        ListObjectVersionsResponse r =
                s3.listObjectVersions(b -> b.bucket(bucket).encodingType(EncodingType.URL));
        assertThat(r.encodingType()).isEqualTo(EncodingType.URL);
        assertThat(r.versions()).extracting(ObjectVersion::key).containsExactly(key);
        assertThat(r.deleteMarkers()).extracting(DeleteMarkerEntry::key).containsExactly(key);
    }

    @Test
    void unknownEncodingTypeIsInvalidArgument() {
        assertS3Error(
                () -> s3.listObjectVersions(b -> b.bucket(HISTORY).encodingType("base64")),
                400,
                "InvalidArgument",
                "Invalid Encoding Method specified in Request");
    }
}

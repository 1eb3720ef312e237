package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.StorageClass;

/** ListObjects (v1) and ListObjectsV2 through the AWS SDK v2, against S3's documented behaviour. */
class ListObjectsTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static S3Client s3;

    /** A bucket of exactly 2,500 keys under several prefixes, shared by the pagination tests. */
    static final String MANY = "list-many";

    static final List<String> MANY_KEYS = new ArrayList<>();
    static final AtomicInteger BUCKETS = new AtomicInteger();

    /** S3 lists keys in ascending UTF-8 byte order (Java's String order is UTF-16 and differs above U+FFFF). */
    static final Comparator<String> UTF8_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        s3.createBucket(b -> b.bucket(MANY));
        for (int i = 0; i < 2400; i++) MANY_KEYS.add(String.format("other/%04d", i));
        for (int i = 0; i < 5; i++) MANY_KEYS.add("target/" + i);
        // U+FF01 sorts before U+1F600 in UTF-8 (and code point) order but after it in UTF-16 order.
        MANY_KEYS.addAll(List.of("uni/\uFF01", "uni/\uD83D\uDE00", "uni/\uE000", "uni/a", "uni/\u00E9"));
        for (int i = 0; i < 90; i++) MANY_KEYS.add(String.format("zzz/%02d", i));
        assertThat(MANY_KEYS).hasSize(2500);
        putAll(MANY, MANY_KEYS);
        MANY_KEYS.sort(UTF8_ORDER);
    }

    static String newBucket(String name) {
        String bucket = "list-" + BUCKETS.incrementAndGet() + "-" + name;
        s3.createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    static void putAll(String bucket, List<String> keys) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String key : keys) {
                done.add(pool.submit(() -> s3.putObject(b -> b.bucket(bucket).key(key), text("x"))));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdown();
        }
    }

    static List<String> keys(List<S3Object> contents) {
        return contents.stream().map(S3Object::key).toList();
    }

    static List<String> prefixes(List<CommonPrefix> prefixes) {
        return prefixes.stream().map(CommonPrefix::prefix).toList();
    }

    /** A UTF-8 body sent as bytes (RequestBody.fromString adds "; charset=UTF-8" to the Content-Type). */
    static RequestBody text(String s) {
        return RequestBody.fromBytes(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static void assertS3Error(ThrowingCallable call, int status, String code, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            assertThat(e.statusCode()).isEqualTo(status);
            if (message != null) assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
        });
    }

    // ---- prefix and delimiter ----

    @Test
    void delimiterRollsKeysUpIntoCommonPrefixesIncludingAKeyThatIsExactlyThePrefix() throws Exception {
        String bucket = newBucket("delim");
        putAll(bucket, List.of("a", "a/", "a/b", "a/c/d", "a/c/e", "b/x", "c"));

        ListObjectsV2Response top = s3.listObjectsV2(b -> b.bucket(bucket).delimiter("/"));
        assertThat(keys(top.contents())).containsExactly("a", "c");
        assertThat(prefixes(top.commonPrefixes())).containsExactly("a/", "b/");
        assertThat(top.keyCount()).isEqualTo(4);
        assertThat(top.delimiter()).isEqualTo("/");
        assertThat(top.isTruncated()).isFalse();

        ListObjectsV2Response under =
                s3.listObjectsV2(b -> b.bucket(bucket).prefix("a/").delimiter("/"));
        assertThat(keys(under.contents())).containsExactly("a/", "a/b");
        assertThat(prefixes(under.commonPrefixes())).containsExactly("a/c/");
        assertThat(under.prefix()).isEqualTo("a/");
        assertThat(under.keyCount()).isEqualTo(3);

        ListObjectsResponse v1 =
                s3.listObjects(b -> b.bucket(bucket).prefix("a/").delimiter("/"));
        assertThat(keys(v1.contents())).containsExactly("a/", "a/b");
        assertThat(prefixes(v1.commonPrefixes())).containsExactly("a/c/");
    }

    @Test
    void prefixWithoutDelimiterListsEveryKeyUnderIt() throws Exception {
        String bucket = newBucket("prefix");
        putAll(bucket, List.of("ab", "abc", "abd/e", "ac", "b"));
        ListObjectsV2Response r = s3.listObjectsV2(b -> b.bucket(bucket).prefix("ab"));
        assertThat(keys(r.contents())).containsExactly("ab", "abc", "abd/e");
        assertThat(r.commonPrefixes()).isEmpty();
        assertThat(r.keyCount()).isEqualTo(3);
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket).prefix("zz")).contents())
                .isEmpty();
    }

    @Test
    void multiCharacterDelimiterRollsUpAtTheWholeDelimiter() throws Exception {
        String bucket = newBucket("multidelim");
        putAll(bucket, List.of("x--y--z", "x--w", "x-y", "q", "x--"));

        ListObjectsV2Response top = s3.listObjectsV2(b -> b.bucket(bucket).delimiter("--"));
        assertThat(keys(top.contents())).containsExactly("q", "x-y");
        assertThat(prefixes(top.commonPrefixes())).containsExactly("x--");

        ListObjectsV2Response under =
                s3.listObjectsV2(b -> b.bucket(bucket).prefix("x--").delimiter("--"));
        assertThat(keys(under.contents())).containsExactly("x--", "x--w");
        assertThat(prefixes(under.commonPrefixes())).containsExactly("x--y--");
        assertThat(under.delimiter()).isEqualTo("--");
    }

    // ---- max-keys ----

    @Test
    void maxKeysZeroReturnsNothingAndIsNotTruncated() {
        ListObjectsV2Response r = s3.listObjectsV2(b -> b.bucket(MANY).maxKeys(0));
        assertThat(r.contents()).isEmpty();
        assertThat(r.keyCount()).isZero();
        assertThat(r.maxKeys()).isZero();
        assertThat(r.isTruncated()).isFalse();
        ListObjectsResponse v1 = s3.listObjects(b -> b.bucket(MANY).maxKeys(0));
        assertThat(v1.contents()).isEmpty();
        assertThat(v1.isTruncated()).isFalse();
    }

    @Test
    void maxKeysOneReturnsTheFirstKeyAndIsTruncated() {
        ListObjectsV2Response r = s3.listObjectsV2(b -> b.bucket(MANY).maxKeys(1));
        assertThat(keys(r.contents())).containsExactly(MANY_KEYS.get(0));
        assertThat(r.keyCount()).isEqualTo(1);
        assertThat(r.maxKeys()).isEqualTo(1);
        assertThat(r.isTruncated()).isTrue();
        assertThat(r.nextContinuationToken()).isNotBlank();
    }

    @Test
    void defaultAndOversizedMaxKeysReturnAtMostOneThousandKeys() {
        ListObjectsV2Response byDefault = s3.listObjectsV2(b -> b.bucket(MANY));
        assertThat(byDefault.contents()).hasSize(1000);
        assertThat(byDefault.maxKeys()).isEqualTo(1000);
        assertThat(byDefault.isTruncated()).isTrue();

        ListObjectsV2Response oversized = s3.listObjectsV2(b -> b.bucket(MANY).maxKeys(5000));
        assertThat(keys(oversized.contents())).isEqualTo(MANY_KEYS.subList(0, 1000));
        assertThat(oversized.keyCount()).isEqualTo(1000);
        assertThat(oversized.isTruncated()).isTrue();

        ListObjectsResponse v1 = s3.listObjects(b -> b.bucket(MANY).maxKeys(5000));
        assertThat(v1.contents()).hasSize(1000);
        assertThat(v1.isTruncated()).isTrue();
    }

    @Test
    void nonIntegerMaxKeysIsInvalidArgument() {
        assertS3Error(
                () -> s3.listObjectsV2(
                        b -> b.bucket(MANY).overrideConfiguration(o -> o.putRawQueryParameter("max-keys", "abc"))),
                400,
                "InvalidArgument",
                "Provided max-keys not an integer or within integer range");
        assertS3Error(
                () -> s3.listObjects(
                        b -> b.bucket(MANY).overrideConfiguration(o -> o.putRawQueryParameter("max-keys", "abc"))),
                400,
                "InvalidArgument",
                "Provided max-keys not an integer or within integer range");
    }

    @Test
    void negativeMaxKeysIsInvalidArgument() {
        assertS3Error(() -> s3.listObjectsV2(b -> b.bucket(MANY).maxKeys(-1)), 400, "InvalidArgument", null);
    }

    // ---- pagination ----

    @Test
    void continuationTokensVisitEveryKeyExactlyOnceInUtf8Order() {
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        while (true) {
            String t = token;
            ListObjectsV2Response r =
                    s3.listObjectsV2(b -> b.bucket(MANY).maxKeys(1000).continuationToken(t));
            pages++;
            assertThat(r.keyCount()).isEqualTo(r.contents().size());
            assertThat(r.continuationToken()).isEqualTo(t);
            seen.addAll(keys(r.contents()));
            if (!r.isTruncated()) {
                assertThat(r.nextContinuationToken()).isNull();
                break;
            }
            assertThat(r.contents()).hasSize(1000);
            token = r.nextContinuationToken();
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).isEqualTo(MANY_KEYS);
    }

    @Test
    void listObjectsV2PaginatorYieldsEveryKeyExactlyOnce() {
        List<String> seen = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(MANY).maxKeys(333)).contents().forEach(o -> seen.add(o.key()));
        assertThat(seen).isEqualTo(MANY_KEYS);
    }

    @Test
    void v1MarkerPaginationWithoutDelimiterUsesTheLastKeyAndHasNoNextMarker() {
        List<String> seen = new ArrayList<>();
        String marker = null;
        while (true) {
            String m = marker;
            ListObjectsResponse r =
                    s3.listObjects(b -> b.bucket(MANY).maxKeys(700).marker(m));
            assertThat(r.marker()).isEqualTo(m == null ? "" : m);
            assertThat(r.nextMarker())
                    .as("NextMarker is only returned with a delimiter")
                    .isNull();
            seen.addAll(keys(r.contents()));
            if (!r.isTruncated()) break;
            marker = r.contents().get(r.contents().size() - 1).key();
        }
        assertThat(seen).isEqualTo(MANY_KEYS);
    }

    @Test
    void v1NextMarkerWithDelimiterVisitsEveryKeyAndCommonPrefixOnce() throws Exception {
        String bucket = newBucket("v1delim");
        List<String> keys = new ArrayList<>();
        for (String dir : List.of("d0/", "d1/", "d2/", "d3/")) {
            for (int i = 0; i < 3; i++) keys.add(dir + i);
        }
        keys.addAll(List.of("a", "d1", "e", "f"));
        putAll(bucket, keys);
        List<String> seenKeys = new ArrayList<>();
        List<String> seenPrefixes = new ArrayList<>();
        String marker = null;
        int pages = 0;
        while (true) {
            String m = marker;
            ListObjectsResponse r = s3.listObjects(
                    b -> b.bucket(bucket).delimiter("/").maxKeys(2).marker(m));
            pages++;
            assertThat(r.contents().size() + r.commonPrefixes().size()).isLessThanOrEqualTo(2);
            seenKeys.addAll(keys(r.contents()));
            seenPrefixes.addAll(prefixes(r.commonPrefixes()));
            if (!r.isTruncated()) {
                assertThat(r.nextMarker()).isNull();
                break;
            }
            assertThat(r.nextMarker()).isNotNull();
            marker = r.nextMarker();
            assertThat(pages).isLessThan(20);
        }
        assertThat(seenKeys).containsExactly("a", "d1", "e", "f");
        assertThat(seenPrefixes).containsExactly("d0/", "d1/", "d2/", "d3/");
        assertThat(pages).isEqualTo(4);
    }

    @Test
    void continuationTokenAfterACommonPrefixDoesNotRepeatIt() throws Exception {
        String bucket = newBucket("v2delim");
        putAll(bucket, List.of("p/1", "p/2", "q/1", "q/2", "r", "s/1"));
        List<String> items = new ArrayList<>();
        String token = null;
        while (true) {
            String t = token;
            ListObjectsV2Response r = s3.listObjectsV2(
                    b -> b.bucket(bucket).delimiter("/").maxKeys(1).continuationToken(t));
            assertThat(r.keyCount()).isEqualTo(1);
            items.addAll(keys(r.contents()));
            items.addAll(prefixes(r.commonPrefixes()));
            if (!r.isTruncated()) break;
            token = r.nextContinuationToken();
            assertThat(items.size()).isLessThan(10);
        }
        assertThat(items).containsExactly("p/", "q/", "r", "s/");

        List<String> viaPaginator = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).delimiter("/").maxKeys(1))
                .forEach(r -> viaPaginator.addAll(prefixes(r.commonPrefixes())));
        assertThat(viaPaginator).containsExactly("p/", "q/", "s/");
    }

    @Test
    void startAfterListsOnlyLaterKeysAndIsEchoed() {
        ListObjectsV2Response r = s3.listObjectsV2(b -> b.bucket(MANY).startAfter("target/2"));
        assertThat(r.startAfter()).isEqualTo("target/2");
        int from = MANY_KEYS.indexOf("target/3");
        assertThat(keys(r.contents()))
                .isEqualTo(MANY_KEYS.subList(from, from + r.contents().size()));
        assertThat(r.contents().get(0).key()).isEqualTo("target/3");

        ListObjectsV2Response withPrefix =
                s3.listObjectsV2(b -> b.bucket(MANY).prefix("target/").startAfter("target/2"));
        assertThat(keys(withPrefix.contents())).containsExactly("target/3", "target/4");
        assertThat(withPrefix.isTruncated()).isFalse();

        ListObjectsV2Response beforePrefix =
                s3.listObjectsV2(b -> b.bucket(MANY).prefix("target/").startAfter("a"));
        assertThat(keys(beforePrefix.contents()))
                .containsExactly("target/0", "target/1", "target/2", "target/3", "target/4");

        ListObjectsV2Response pastEverything =
                s3.listObjectsV2(b -> b.bucket(MANY).startAfter("zzzz"));
        assertThat(pastEverything.contents()).isEmpty();
        assertThat(pastEverything.isTruncated()).isFalse();
        assertThat(pastEverything.keyCount()).isZero();
    }

    @Test
    void startAfterWithPaginatorResumesAfterTheGivenKey() {
        List<String> seen = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(MANY).startAfter("other/2000").maxKeys(150))
                .contents()
                .forEach(o -> seen.add(o.key()));
        assertThat(seen).isEqualTo(MANY_KEYS.subList(MANY_KEYS.indexOf("other/2001"), MANY_KEYS.size()));
    }

    @Test
    void aPrefixPageInABucketWithManyOtherKeysHoldsExactlyItsKeys() {
        ListObjectsV2Response r = s3.listObjectsV2(b -> b.bucket(MANY).prefix("target/"));
        assertThat(keys(r.contents())).containsExactly("target/0", "target/1", "target/2", "target/3", "target/4");
        assertThat(r.isTruncated()).isFalse();
        assertThat(r.keyCount()).isEqualTo(5);

        ListObjectsV2Response first =
                s3.listObjectsV2(b -> b.bucket(MANY).prefix("target/").maxKeys(3));
        assertThat(keys(first.contents())).containsExactly("target/0", "target/1", "target/2");
        assertThat(first.isTruncated()).isTrue();
        ListObjectsV2Response second = s3.listObjectsV2(
                b -> b.bucket(MANY).prefix("target/").maxKeys(3).continuationToken(first.nextContinuationToken()));
        assertThat(keys(second.contents())).containsExactly("target/3", "target/4");
        assertThat(second.isTruncated()).isFalse();

        ListObjectsV2Response exactFit =
                s3.listObjectsV2(b -> b.bucket(MANY).prefix("target/").maxKeys(5));
        assertThat(exactFit.contents()).hasSize(5);
        assertThat(exactFit.isTruncated()).as("no more keys under the prefix").isFalse();

        ListObjectsV2Response topLevel = s3.listObjectsV2(b -> b.bucket(MANY).delimiter("/"));
        assertThat(topLevel.contents()).isEmpty();
        assertThat(prefixes(topLevel.commonPrefixes())).containsExactly("other/", "target/", "uni/", "zzz/");
        assertThat(topLevel.keyCount()).isEqualTo(4);
        assertThat(topLevel.isTruncated()).isFalse();
    }

    @Test
    void unicodeKeysAreListedInUtf8ByteOrder() {
        ListObjectsV2Response r = s3.listObjectsV2(b -> b.bucket(MANY).prefix("uni/"));
        assertThat(keys(r.contents()))
                .containsExactly("uni/a", "uni/\u00E9", "uni/\uE000", "uni/\uFF01", "uni/\uD83D\uDE00");
    }

    // ---- owner ----

    @Test
    void fetchOwnerControlsOwnerInV2AndV1AlwaysHasIt() {
        ListObjectsV2Response without = s3.listObjectsV2(b -> b.bucket(MANY).prefix("target/"));
        assertThat(without.contents()).allSatisfy(o -> assertThat(o.owner()).isNull());

        ListObjectsV2Response with =
                s3.listObjectsV2(b -> b.bucket(MANY).prefix("target/").fetchOwner(true));
        assertThat(with.contents()).hasSize(5).allSatisfy(o -> {
            assertThat(o.owner()).isNotNull();
            assertThat(o.owner().id()).matches("[0-9a-f]{64}");
        });

        ListObjectsResponse v1 = s3.listObjects(b -> b.bucket(MANY).prefix("target/"));
        assertThat(v1.contents())
                .hasSize(5)
                .allSatisfy(o -> assertThat(o.owner().id()).matches("[0-9a-f]{64}"));
        assertThat(v1.contents().get(0).owner().id())
                .isEqualTo(with.contents().get(0).owner().id());
    }

    @Test
    void contentsCarryEtagSizeAndStorageClass() {
        ListObjectsV2Response r = s3.listObjectsV2(b -> b.bucket(MANY).prefix("target/0"));
        S3Object o = r.contents().get(0);
        assertThat(o.size()).isEqualTo(1L);
        assertThat(o.eTag()).isEqualTo("\"9dd4e461268c8034f5c8564e155c67a6\"");
        assertThat(o.storageClassAsString()).isEqualTo("STANDARD");
        assertThat(o.lastModified()).isNotNull();
    }

    @Test
    void contentsCarryTheChecksumAlgorithmAndStorageClassTheObjectWasWrittenWith() {
        String bucket = newBucket("checksums");
        s3.putObject(
                b -> b.bucket(bucket)
                        .key("ia")
                        .storageClass(StorageClass.STANDARD_IA)
                        .checksumAlgorithm(ChecksumAlgorithm.SHA256),
                text("infrequent"));
        s3.putObject(b -> b.bucket(bucket).key("plain"), text("plain"));
        s3.putObjectTagging(b -> b.bucket(bucket)
                .key("ia")
                .tagging(t -> t.tagSet(tag -> tag.key("k").value("v"))));

        S3Object ia = s3.listObjectsV2(b -> b.bucket(bucket)).contents().get(0);
        assertThat(ia.key()).isEqualTo("ia");
        assertThat(ia.storageClassAsString()).isEqualTo("STANDARD_IA");
        assertThat(ia.checksumAlgorithmAsStrings()).containsExactly("SHA256");
        assertThat(ia.checksumTypeAsString()).isEqualTo("FULL_OBJECT");
        S3Object v1 = s3.listObjects(b -> b.bucket(bucket)).contents().get(0);
        assertThat(v1.storageClassAsString()).isEqualTo("STANDARD_IA");
        assertThat(v1.checksumAlgorithmAsStrings()).containsExactly("SHA256");
        var version = s3.listObjectVersions(b -> b.bucket(bucket)).versions().get(0);
        assertThat(version.storageClassAsString()).isEqualTo("STANDARD_IA");
        assertThat(version.checksumAlgorithmAsStrings()).containsExactly("SHA256");
        S3Object plain = s3.listObjectsV2(b -> b.bucket(bucket)).contents().get(1);
        assertThat(plain.storageClassAsString()).isEqualTo("STANDARD");
    }

    // ---- encoding-type=url ----

    @Test
    void urlEncodingTypeRoundTripsAwkwardKeysThroughTheSdk() throws Exception {
        String bucket = newBucket("encoding");
        List<String> awkward = List.of(
                "with space",
                "plus+sign",
                "d\u00EFr/\u043A\u043B\u044E\u0447 \u00FCn\u00EFc\u00F6d\u00E9",
                "ctrl\u0001char",
                "tab\tand\nnewline",
                "percent%20literal",
                "star*tilde~",
                "amp&lt<gt>",
                "emoji\uD83D\uDE00");
        putAll(bucket, awkward);
        List<String> expected = new ArrayList<>(awkward);
        expected.sort(UTF8_ORDER);

        ListObjectsV2Response v2 = s3.listObjectsV2(b -> b.bucket(bucket).encodingType(EncodingType.URL));
        assertThat(v2.encodingType()).isEqualTo(EncodingType.URL);
        assertThat(keys(v2.contents())).isEqualTo(expected);

        ListObjectsResponse v1 = s3.listObjects(b -> b.bucket(bucket).encodingType(EncodingType.URL));
        assertThat(v1.encodingType()).isEqualTo(EncodingType.URL);
        assertThat(keys(v1.contents())).isEqualTo(expected);

        ListObjectsV2Response rolled = s3.listObjectsV2(b -> b.bucket(bucket)
                .encodingType(EncodingType.URL)
                .prefix("d\u00EFr/")
                .delimiter(" "));
        assertThat(rolled.prefix()).isEqualTo("d\u00EFr/");
        assertThat(rolled.delimiter()).isEqualTo(" ");
        assertThat(rolled.contents()).isEmpty();
        assertThat(prefixes(rolled.commonPrefixes())).containsExactly("d\u00EFr/\u043A\u043B\u044E\u0447 ");

        ListObjectsV2Response after = s3.listObjectsV2(
                b -> b.bucket(bucket).encodingType(EncodingType.URL).startAfter("plus+sign"));
        assertThat(after.startAfter()).isEqualTo("plus+sign");
        assertThat(keys(after.contents()))
                .isEqualTo(expected.subList(expected.indexOf("plus+sign") + 1, expected.size()));
    }

    @Test
    void invalidEncodingTypeIsInvalidArgument() {
        assertS3Error(
                () -> s3.listObjectsV2(b -> b.bucket(MANY).encodingType("base64")),
                400,
                "InvalidArgument",
                "Invalid Encoding Method specified in Request");
    }

    @Test
    void listingAMissingBucketIsNoSuchBucket() {
        assertS3Error(
                () -> s3.listObjectsV2(b -> b.bucket("list-no-such-bucket")),
                404,
                "NoSuchBucket",
                "The specified bucket does not exist");
    }
}

package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortIncompleteMultipartUpload;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleExpiration;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleAndOperator;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;
import software.amazon.awssdk.services.s3.model.NoncurrentVersionExpiration;
import software.amazon.awssdk.services.s3.model.ObjectLockLegalHoldStatus;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * Bucket lifecycle: the configuration API as AWS validates and answers it, and the background worker applying the
 * rules. The server runs with a one-second lifecycle "day" and a pass every second, so rules act within seconds.
 * Negative checks ("this one is kept") rely on a sentinel written later that the same rule removes: once the sentinel
 * is gone, the worker has already evaluated the kept version at a time it was due too.
 */
class LifecycleTest {
    static final String MALFORMED =
            "The XML you provided was not well-formed or did not validate against our published schema";

    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults().lifecycle(1, 1);

    static RampartServer server;
    static S3Client s3;
    static RawS3 raw;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        raw = RAMPART.raw();
    }

    // ---- configuration API ----

    @Test
    void putThenGetReturnsTheRulesAsGivenAndDeleteRemovesThem() {
        s3.createBucket(b -> b.bucket("lc-config"));
        Instant date = Instant.parse("2030-01-01T00:00:00Z");
        List<LifecycleRule> rules = List.of(
                LifecycleRule.builder()
                        .id("logs")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().prefix("logs/").build())
                        .expiration(LifecycleExpiration.builder().days(30).build())
                        .abortIncompleteMultipartUpload(AbortIncompleteMultipartUpload.builder()
                                .daysAfterInitiation(7)
                                .build())
                        .build(),
                LifecycleRule.builder()
                        .id("temp-by-tag")
                        .status(ExpirationStatus.DISABLED)
                        .filter(LifecycleRuleFilter.builder()
                                .tag(Tag.builder().key("class").value("temp").build())
                                .build())
                        .expiration(LifecycleExpiration.builder().date(date).build())
                        .build(),
                LifecycleRule.builder()
                        .id("data-and")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder()
                                .and(LifecycleRuleAndOperator.builder()
                                        .prefix("data/")
                                        .tags(
                                                Tag.builder()
                                                        .key("a")
                                                        .value("1")
                                                        .build(),
                                                Tag.builder()
                                                        .key("b")
                                                        .value("2")
                                                        .build())
                                        .objectSizeGreaterThan(100L)
                                        .objectSizeLessThan(1000L)
                                        .build())
                                .build())
                        .noncurrentVersionExpiration(NoncurrentVersionExpiration.builder()
                                .noncurrentDays(10)
                                .newerNoncurrentVersions(3)
                                .build())
                        .build(),
                LifecycleRule.builder()
                        .id("markers")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().build())
                        .expiration(LifecycleExpiration.builder()
                                .expiredObjectDeleteMarker(true)
                                .build())
                        .build(),
                LifecycleRule.builder()
                        .id("legacy")
                        .status(ExpirationStatus.ENABLED)
                        .prefix("old/")
                        .noncurrentVersionExpiration(NoncurrentVersionExpiration.builder()
                                .noncurrentDays(5)
                                .build())
                        .build());
        s3.putBucketLifecycleConfiguration(b -> b.bucket("lc-config").lifecycleConfiguration(c -> c.rules(rules)));

        List<LifecycleRule> got =
                s3.getBucketLifecycleConfiguration(b -> b.bucket("lc-config")).rules();
        assertThat(got).hasSize(5);
        assertThat(got.get(0)).isEqualTo(rules.get(0));
        assertThat(got.get(1)).isEqualTo(rules.get(1));
        assertThat(got.get(2)).isEqualTo(rules.get(2));
        assertThat(got.get(3)).isEqualTo(rules.get(3));
        assertThat(got.get(4).prefix()).isEqualTo("old/");
        assertThat(got.get(4).filter()).isNull();
        assertThat(got.get(4).noncurrentVersionExpiration().noncurrentDays()).isEqualTo(5);
        assertThat(raw.signed("GET", "/lc-config?lifecycle", Map.of(), null).text())
                .contains("<Date>2030-01-01T00:00:00.000Z</Date>", "<Prefix>old/</Prefix>");

        s3.deleteBucketLifecycle(b -> b.bucket("lc-config"));
        assertS3Error(
                () -> s3.getBucketLifecycleConfiguration(b -> b.bucket("lc-config")),
                404,
                "NoSuchLifecycleConfiguration",
                "The lifecycle configuration does not exist");
        // Deleting again is not an error, as on S3.
        s3.deleteBucketLifecycle(b -> b.bucket("lc-config"));
    }

    @Test
    void getWithoutAConfigurationIsNoSuchLifecycleConfiguration() {
        s3.createBucket(b -> b.bucket("lc-none"));
        var e = ErrorDocumentTest.assertErrorDocument(
                raw.signed("GET", "/lc-none?lifecycle", Map.of(), null),
                404,
                "NoSuchLifecycleConfiguration",
                "The lifecycle configuration does not exist",
                "/lc-none");
        assertThat(e.get("BucketName")).isEqualTo("lc-none");
    }

    @Test
    void aRuleWithoutAnIdGetsOne() {
        s3.createBucket(b -> b.bucket("lc-noid"));
        assertThat(put(
                                "lc-noid",
                                "<Rule><Filter><Prefix>x/</Prefix></Filter><Status>Enabled</Status>"
                                        + "<Expiration><Days>1</Days></Expiration></Rule>")
                        .status())
                .isEqualTo(200);
        assertThat(s3.getBucketLifecycleConfiguration(b -> b.bucket("lc-noid"))
                        .rules()
                        .get(0)
                        .id())
                .isNotBlank();
    }

    @Test
    void putWithoutContentMd5OrChecksumIsRefused() {
        s3.createBucket(b -> b.bucket("lc-md5"));
        byte[] body = ("<LifecycleConfiguration>" + rule("r", "<Expiration><Days>1</Days></Expiration>")
                        + "</LifecycleConfiguration>")
                .getBytes(StandardCharsets.UTF_8);
        var r = raw.signed("PUT", "/lc-md5?lifecycle", Map.of(), body);
        ErrorDocumentTest.assertErrorDocument(
                r,
                400,
                "InvalidRequest",
                "Missing required header for this request: Content-MD5 OR x-amz-checksum-*",
                "/lc-md5");
    }

    static String rule(String id, String actions) {
        return "<Rule><ID>" + id + "</ID><Filter><Prefix>p/</Prefix></Filter><Status>Enabled</Status>" + actions
                + "</Rule>";
    }

    static Stream<Arguments> invalidConfigurations() {
        String days1 = "<Expiration><Days>1</Days></Expiration>";
        StringBuilder tooMany = new StringBuilder();
        for (int i = 0; i < 1001; i++) tooMany.append(rule("r" + i, days1));
        return Stream.of(
                Arguments.of(
                        "Days zero",
                        rule("r", "<Expiration><Days>0</Days></Expiration>"),
                        400,
                        "InvalidArgument",
                        "'Days' for Expiration action must be a positive integer"),
                Arguments.of(
                        "Days negative",
                        rule("r", "<Expiration><Days>-3</Days></Expiration>"),
                        400,
                        "InvalidArgument",
                        "'Days' for Expiration action must be a positive integer"),
                Arguments.of(
                        "Date not at midnight",
                        rule("r", "<Expiration><Date>2030-01-01T12:00:00Z</Date></Expiration>"),
                        400,
                        "InvalidArgument",
                        "'Date' must be at midnight GMT"),
                Arguments.of(
                        "NoncurrentDays zero",
                        rule(
                                "r",
                                "<NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays></NoncurrentVersionExpiration>"),
                        400,
                        "InvalidArgument",
                        "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer"),
                Arguments.of(
                        "DaysAfterInitiation zero",
                        rule(
                                "r",
                                "<AbortIncompleteMultipartUpload><DaysAfterInitiation>0</DaysAfterInitiation></AbortIncompleteMultipartUpload>"),
                        400,
                        "InvalidArgument",
                        "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer"),
                Arguments.of(
                        "duplicate rule ids",
                        rule("same", days1) + rule("same", days1),
                        400,
                        "InvalidArgument",
                        "Rule ID must be unique. Found same ID for more than one rule"),
                Arguments.of(
                        "id too long",
                        rule("x".repeat(256), days1),
                        400,
                        "InvalidArgument",
                        "ID length should not exceed allowed limit of 255"),
                Arguments.of("1001 rules", tooMany.toString(), 400, "MalformedXML", MALFORMED),
                Arguments.of("no rules", "", 400, "MalformedXML", MALFORMED),
                Arguments.of(
                        "status neither Enabled nor Disabled",
                        "<Rule><ID>r</ID><Filter/><Status>On</Status>" + days1 + "</Rule>",
                        400,
                        "MalformedXML",
                        MALFORMED),
                Arguments.of(
                        "Days and Date together",
                        rule("r", "<Expiration><Days>1</Days><Date>2030-01-01T00:00:00Z</Date></Expiration>"),
                        400,
                        "MalformedXML",
                        MALFORMED),
                Arguments.of(
                        "ExpiredObjectDeleteMarker with Days",
                        rule(
                                "r",
                                "<Expiration><Days>1</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>"),
                        400,
                        "MalformedXML",
                        MALFORMED),
                Arguments.of(
                        "Filter and legacy Prefix",
                        "<Rule><ID>r</ID><Prefix>a/</Prefix><Filter><Prefix>b/</Prefix></Filter><Status>Enabled</Status>"
                                + days1 + "</Rule>",
                        400,
                        "MalformedXML",
                        MALFORMED),
                Arguments.of(
                        "two conditions in Filter without And",
                        "<Rule><ID>r</ID><Filter><Prefix>a/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter>"
                                + "<Status>Enabled</Status>" + days1 + "</Rule>",
                        400,
                        "MalformedXML",
                        MALFORMED),
                Arguments.of(
                        "neither Filter nor Prefix",
                        "<Rule><ID>r</ID><Status>Enabled</Status>" + days1 + "</Rule>",
                        400,
                        "MalformedXML",
                        MALFORMED),
                Arguments.of(
                        "no action",
                        rule("r", ""),
                        400,
                        "InvalidRequest",
                        "At least one action needs to be specified in a rule"),
                Arguments.of(
                        "abort with a tag filter",
                        "<Rule><ID>r</ID><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status>"
                                + "<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation>"
                                + "</AbortIncompleteMultipartUpload></Rule>",
                        400,
                        "InvalidRequest",
                        "AbortIncompleteMultipartUpload cannot be specified with Tags."),
                Arguments.of(
                        "duplicate tag keys in And",
                        "<Rule><ID>r</ID><Filter><And><Tag><Key>k</Key><Value>1</Value></Tag><Tag><Key>k</Key><Value>2</Value>"
                                + "</Tag></And></Filter><Status>Enabled</Status>" + days1 + "</Rule>",
                        400,
                        "InvalidRequest",
                        "Duplicate Tag Keys are not allowed."),
                Arguments.of(
                        "size bounds the wrong way round",
                        "<Rule><ID>r</ID><Filter><And><ObjectSizeGreaterThan>100</ObjectSizeGreaterThan><ObjectSizeLessThan>"
                                + "100</ObjectSizeLessThan></And></Filter><Status>Enabled</Status>" + days1 + "</Rule>",
                        400,
                        "InvalidArgument",
                        "ObjectSizeGreaterThan must be less than ObjectSizeLessThan"),
                Arguments.of(
                        "size and Prefix in Filter without And",
                        "<Rule><ID>r</ID><Filter><ObjectSizeGreaterThan>1</ObjectSizeGreaterThan><Prefix>a/</Prefix></Filter>"
                                + "<Status>Enabled</Status>" + days1 + "</Rule>",
                        400,
                        "MalformedXML",
                        MALFORMED),
                Arguments.of(
                        "unknown element in And",
                        "<Rule><ID>r</ID><Filter><And><Prefix>a/</Prefix><Colour>red</Colour></And></Filter>"
                                + "<Status>Enabled</Status>" + days1 + "</Rule>",
                        400,
                        "MalformedXML",
                        MALFORMED),
                Arguments.of(
                        "transition",
                        rule("r", "<Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition>"),
                        501,
                        "NotImplemented",
                        "Transition actions are not supported: this server has a single storage class"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidConfigurations")
    void invalidConfigurationIsRefusedAsS3Does(String name, String rules, int status, String code, String message) {
        s3.createBucket(b -> b.bucket("lc-invalid"));
        try {
            var r = put("lc-invalid", rules);
            ErrorDocumentTest.assertErrorDocument(r, status, code, message, "/lc-invalid");
            // Nothing was stored.
            assertThat(raw.signed("GET", "/lc-invalid?lifecycle", Map.of(), null)
                            .status())
                    .isEqualTo(404);
        } finally {
            s3.deleteBucket(b -> b.bucket("lc-invalid"));
        }
    }

    @Test
    void notXmlIsMalformedXml() {
        s3.createBucket(b -> b.bucket("lc-notxml"));
        byte[] body = "not xml at all".getBytes(StandardCharsets.UTF_8);
        ErrorDocumentTest.assertErrorDocument(
                raw.signed("PUT", "/lc-notxml?lifecycle", Map.of("Content-MD5", md5(body)), body),
                400,
                "MalformedXML",
                MALFORMED,
                "/lc-notxml");
    }

    // ---- the worker ----

    @Test
    void expirationByPrefixDeletesMatchingCurrentObjectsOfAnUnversionedBucket() {
        s3.createBucket(b -> b.bucket("lc-prefix"));
        s3.putObject(b -> b.bucket("lc-prefix").key("keep/c"), RequestBody.fromString("c"));
        s3.putObject(b -> b.bucket("lc-prefix").key("logs/a"), RequestBody.fromString("a"));
        s3.putObject(b -> b.bucket("lc-prefix").key("logs/b"), RequestBody.fromString("b"));
        s3.putBucketLifecycleConfiguration(b -> b.bucket("lc-prefix")
                .lifecycleConfiguration(c -> c.rules(LifecycleRule.builder()
                        .id("logs")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().prefix("logs/").build())
                        .expiration(LifecycleExpiration.builder().days(1).build())
                        .build())));

        Await.until("logs/ expired", () -> keys("lc-prefix").equals(List.of("keep/c")));
        assertThat(s3.getObjectAsBytes(b -> b.bucket("lc-prefix").key("keep/c")).asUtf8String())
                .isEqualTo("c");
    }

    @Test
    void expirationByTagDeletesOnlyObjectsCarryingTheTag() {
        s3.createBucket(b -> b.bucket("lc-tag"));
        s3.putObject(b -> b.bucket("lc-tag").key("b").tagging("class=keep"), RequestBody.fromString("b"));
        s3.putObject(b -> b.bucket("lc-tag").key("c"), RequestBody.fromString("c"));
        s3.putObject(b -> b.bucket("lc-tag").key("a").tagging("class=temp"), RequestBody.fromString("a"));
        s3.putBucketLifecycleConfiguration(b -> b.bucket("lc-tag")
                .lifecycleConfiguration(c -> c.rules(LifecycleRule.builder()
                        .id("temp")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder()
                                .tag(Tag.builder().key("class").value("temp").build())
                                .build())
                        .expiration(LifecycleExpiration.builder().days(1).build())
                        .build())));

        Await.until("tagged object expired", () -> keys("lc-tag").equals(List.of("b", "c")));
    }

    @Test
    void expirationByAndFilterNeedsPrefixEveryTagAndTheSizeBounds() {
        String b = "lc-and";
        s3.createBucket(x -> x.bucket(b));
        // Each kept object misses one condition: the prefix, one of the tags, the lower or the upper size bound.
        s3.putObject(x -> x.bucket(b).key("other/big").tagging("a=1&b=2"), RequestBody.fromString("x".repeat(50)));
        s3.putObject(x -> x.bucket(b).key("data/one-tag").tagging("a=1"), RequestBody.fromString("x".repeat(50)));
        s3.putObject(x -> x.bucket(b).key("data/small").tagging("a=1&b=2"), RequestBody.fromString("x".repeat(10)));
        s3.putObject(x -> x.bucket(b).key("data/huge").tagging("a=1&b=2"), RequestBody.fromString("x".repeat(100)));
        s3.putObject(x -> x.bucket(b).key("data/match").tagging("a=1&b=2&c=3"), RequestBody.fromString("x".repeat(50)));
        s3.putBucketLifecycleConfiguration(x -> x.bucket(b)
                .lifecycleConfiguration(c -> c.rules(LifecycleRule.builder()
                        .id("and")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder()
                                .and(LifecycleRuleAndOperator.builder()
                                        .prefix("data/")
                                        .tags(
                                                Tag.builder()
                                                        .key("a")
                                                        .value("1")
                                                        .build(),
                                                Tag.builder()
                                                        .key("b")
                                                        .value("2")
                                                        .build())
                                        .objectSizeGreaterThan(20L)
                                        .objectSizeLessThan(100L)
                                        .build())
                                .build())
                        .expiration(LifecycleExpiration.builder().days(1).build())
                        .build())));

        Await.until("data/match expired", () -> !keys(b).contains("data/match"));
        assertThat(keys(b)).containsExactly("data/huge", "data/one-tag", "data/small", "other/big");
    }

    @Test
    void topLevelObjectSizeFiltersSelectBySize() {
        String b = "lc-size";
        s3.createBucket(x -> x.bucket(b));
        s3.putObject(x -> x.bucket(b).key("small"), RequestBody.fromString("x"));
        s3.putObject(x -> x.bucket(b).key("large"), RequestBody.fromString("x".repeat(2048)));
        s3.putBucketLifecycleConfiguration(x -> x.bucket(b)
                .lifecycleConfiguration(c -> c.rules(LifecycleRule.builder()
                        .id("large")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder()
                                .objectSizeGreaterThan(1024L)
                                .build())
                        .expiration(LifecycleExpiration.builder().days(1).build())
                        .build())));
        Await.until("the large object expired", () -> keys(b).equals(List.of("small")));
        var got = s3.getBucketLifecycleConfiguration(x -> x.bucket(b))
                .rules()
                .get(0)
                .filter();
        assertThat(got.objectSizeGreaterThan()).isEqualTo(1024L);
    }

    @Test
    void disabledRuleDoesNothingAndExpirationInAVersionedBucketAddsADeleteMarker() {
        s3.createBucket(b -> b.bucket("lc-versioned"));
        s3.putBucketVersioning(
                b -> b.bucket("lc-versioned").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String kept = s3.putObject(b -> b.bucket("lc-versioned").key("disabled/x"), RequestBody.fromString("x"))
                .versionId();
        String v1 = s3.putObject(b -> b.bucket("lc-versioned").key("doc"), RequestBody.fromString("v1"))
                .versionId();
        s3.putBucketLifecycleConfiguration(b -> b.bucket("lc-versioned")
                .lifecycleConfiguration(c -> c.rules(
                        LifecycleRule.builder()
                                .id("off")
                                .status(ExpirationStatus.DISABLED)
                                .filter(LifecycleRuleFilter.builder()
                                        .prefix("disabled/")
                                        .build())
                                .expiration(
                                        LifecycleExpiration.builder().days(1).build())
                                .build(),
                        LifecycleRule.builder()
                                .id("docs")
                                .status(ExpirationStatus.ENABLED)
                                .filter(LifecycleRuleFilter.builder()
                                        .prefix("doc")
                                        .build())
                                .expiration(
                                        LifecycleExpiration.builder().days(1).build())
                                .build())));

        Await.until(
                "delete marker on doc",
                () -> !s3.listObjectVersions(b -> b.bucket("lc-versioned").prefix("doc"))
                        .deleteMarkers()
                        .isEmpty());
        var listing = s3.listObjectVersions(b -> b.bucket("lc-versioned").prefix("doc"));
        assertThat(listing.deleteMarkers())
                .singleElement()
                .satisfies(m -> assertThat(m.isLatest()).isTrue());
        assertThat(listing.versions()).singleElement().satisfies(v -> {
            assertThat(v.versionId()).isEqualTo(v1);
            assertThat(v.isLatest()).isFalse();
        });
        assertS3Error(() -> s3.getObjectAsBytes(b -> b.bucket("lc-versioned").key("doc")), 404, "NoSuchKey");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("lc-versioned").key("doc").versionId(v1))
                        .asUtf8String())
                .isEqualTo("v1");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("lc-versioned").key("disabled/x"))
                        .asUtf8String())
                .isEqualTo("x");
        assertThat(versions("lc-versioned", "disabled/"))
                .extracting(ObjectVersion::versionId)
                .containsExactly(kept);
    }

    @Test
    void noncurrentVersionsBeyondNewerNoncurrentVersionsExpireAndTheNewestAreKept() {
        s3.createBucket(b -> b.bucket("lc-noncurrent"));
        s3.putBucketVersioning(
                b -> b.bucket("lc-noncurrent").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        List<String> doc = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            String body = "doc v" + i;
            doc.add(s3.putObject(b -> b.bucket("lc-noncurrent").key("doc"), RequestBody.fromString(body))
                    .versionId());
        }
        List<String> sentinel = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            sentinel.add(s3.putObject(b -> b.bucket("lc-noncurrent").key("zz-sentinel"), RequestBody.fromString("s"))
                    .versionId());
        }
        s3.putBucketLifecycleConfiguration(b -> b.bucket("lc-noncurrent")
                .lifecycleConfiguration(c -> c.rules(LifecycleRule.builder()
                        .id("keep-two")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().prefix("").build())
                        .noncurrentVersionExpiration(NoncurrentVersionExpiration.builder()
                                .noncurrentDays(1)
                                .newerNoncurrentVersions(2)
                                .build())
                        .build())));

        Await.until(
                "oldest sentinel version expired",
                () -> versions("lc-noncurrent", "zz-sentinel").stream()
                        .noneMatch(v -> v.versionId().equals(sentinel.get(0))));
        assertThat(versions("lc-noncurrent", "doc"))
                .extracting(ObjectVersion::versionId)
                .containsExactly(doc.get(4), doc.get(3), doc.get(2));
        assertThat(versions("lc-noncurrent", "zz-sentinel"))
                .extracting(ObjectVersion::versionId)
                .containsExactly(sentinel.get(3), sentinel.get(2), sentinel.get(1));
        assertThat(s3.getObjectAsBytes(b -> b.bucket("lc-noncurrent").key("doc").versionId(doc.get(2)))
                        .asUtf8String())
                .isEqualTo("doc v3");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("lc-noncurrent").key("doc"))
                        .asUtf8String())
                .isEqualTo("doc v5");
    }

    @Test
    void versionsUnderGovernanceRetentionOrLegalHoldSurviveExpiryRules() {
        s3.createBucket(b -> b.bucket("lc-locked").objectLockEnabledForBucket(true));
        Instant until = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        String governed = s3.putObject(
                        b -> b.bucket("lc-locked")
                                .key("governed")
                                .objectLockMode(ObjectLockMode.GOVERNANCE)
                                .objectLockRetainUntilDate(until),
                        RequestBody.fromString("governed"))
                .versionId();
        String held = s3.putObject(
                        b -> b.bucket("lc-locked").key("held").objectLockLegalHoldStatus(ObjectLockLegalHoldStatus.ON),
                        RequestBody.fromString("held"))
                .versionId();
        String sentinel = s3.putObject(b -> b.bucket("lc-locked").key("zz-sentinel"), RequestBody.fromString("s"))
                .versionId();
        s3.putBucketLifecycleConfiguration(b -> b.bucket("lc-locked")
                .lifecycleConfiguration(c -> c.rules(LifecycleRule.builder()
                        .id("expire-everything")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().prefix("").build())
                        .expiration(LifecycleExpiration.builder().days(1).build())
                        .noncurrentVersionExpiration(NoncurrentVersionExpiration.builder()
                                .noncurrentDays(1)
                                .build())
                        .build())));

        // The rule first makes every current version noncurrent (delete marker), then expires noncurrent versions.
        Await.until(
                "unlocked sentinel version expired",
                () -> versions("lc-locked", "zz-sentinel").stream()
                        .noneMatch(v -> v.versionId().equals(sentinel)));
        // With Days, S3 also removes a delete marker left alone once it is old enough; the locked keys keep theirs.
        Await.until(
                "sentinel's lone delete marker removed",
                () -> s3.listObjectVersions(b -> b.bucket("lc-locked").prefix("zz-sentinel"))
                        .deleteMarkers()
                        .isEmpty());
        assertThat(s3.listObjectVersions(b -> b.bucket("lc-locked").prefix("governed"))
                        .deleteMarkers())
                .hasSize(1);
        assertThat(s3.getObjectAsBytes(
                                b -> b.bucket("lc-locked").key("governed").versionId(governed))
                        .asUtf8String())
                .isEqualTo("governed");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("lc-locked").key("held").versionId(held))
                        .asUtf8String())
                .isEqualTo("held");
        assertThat(versions("lc-locked", "governed"))
                .extracting(ObjectVersion::versionId)
                .containsExactly(governed);
        assertThat(versions("lc-locked", "held"))
                .extracting(ObjectVersion::versionId)
                .containsExactly(held);
    }

    @Test
    void expiredObjectDeleteMarkersAreRemovedAndMarkersWithDataBehindThemStay() {
        s3.createBucket(b -> b.bucket("lc-markers"));
        s3.putBucketVersioning(
                b -> b.bucket("lc-markers").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        s3.putObject(b -> b.bucket("lc-markers").key("a/has-data"), RequestBody.fromString("data"));
        s3.deleteObject(b -> b.bucket("lc-markers").key("a/has-data"));
        s3.deleteObject(b -> b.bucket("lc-markers").key("a/only-marker"));
        s3.putObject(b -> b.bucket("lc-markers").key("b/gone"), RequestBody.fromString("old"));
        s3.deleteObject(b -> b.bucket("lc-markers").key("b/gone"));
        assertThat(versions("lc-markers", "a/only-marker")).isEmpty();
        assertThat(s3.listObjectVersions(b -> b.bucket("lc-markers").prefix("a/only-marker"))
                        .deleteMarkers())
                .hasSize(1);
        s3.putBucketLifecycleConfiguration(b -> b.bucket("lc-markers")
                .lifecycleConfiguration(c -> c.rules(
                        LifecycleRule.builder()
                                .id("markers")
                                .status(ExpirationStatus.ENABLED)
                                .filter(LifecycleRuleFilter.builder()
                                        .prefix("a/")
                                        .build())
                                .expiration(LifecycleExpiration.builder()
                                        .expiredObjectDeleteMarker(true)
                                        .build())
                                .build(),
                        LifecycleRule.builder()
                                .id("markers-and-noncurrent")
                                .status(ExpirationStatus.ENABLED)
                                .filter(LifecycleRuleFilter.builder()
                                        .prefix("b/")
                                        .build())
                                .expiration(LifecycleExpiration.builder()
                                        .expiredObjectDeleteMarker(true)
                                        .build())
                                .noncurrentVersionExpiration(NoncurrentVersionExpiration.builder()
                                        .noncurrentDays(1)
                                        .build())
                                .build())));

        Await.until("lone markers removed", () -> {
            var a = s3.listObjectVersions(b -> b.bucket("lc-markers").prefix("a/only-marker"));
            var b2 = s3.listObjectVersions(b -> b.bucket("lc-markers").prefix("b/"));
            return a.deleteMarkers().isEmpty()
                    && b2.deleteMarkers().isEmpty()
                    && b2.versions().isEmpty();
        });
        var hasData = s3.listObjectVersions(b -> b.bucket("lc-markers").prefix("a/has-data"));
        assertThat(hasData.versions()).hasSize(1);
        assertThat(hasData.deleteMarkers())
                .singleElement()
                .satisfies(m -> assertThat(m.isLatest()).isTrue());
    }

    @Test
    void incompleteMultipartUploadsAreAbortedAfterDaysAfterInitiation() {
        s3.createBucket(b -> b.bucket("lc-uploads"));
        String keep = s3.createMultipartUpload(b -> b.bucket("lc-uploads").key("keep/big"))
                .uploadId();
        String stale = s3.createMultipartUpload(b -> b.bucket("lc-uploads").key("tmp/big"))
                .uploadId();
        s3.uploadPart(
                b -> b.bucket("lc-uploads").key("tmp/big").uploadId(stale).partNumber(1),
                RequestBody.fromBytes(new byte[1024]));
        s3.putBucketLifecycleConfiguration(b -> b.bucket("lc-uploads")
                .lifecycleConfiguration(c -> c.rules(LifecycleRule.builder()
                        .id("abort-tmp")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().prefix("tmp/").build())
                        .abortIncompleteMultipartUpload(AbortIncompleteMultipartUpload.builder()
                                .daysAfterInitiation(1)
                                .build())
                        .build())));

        Await.until(
                "stale upload aborted",
                () -> s3.listMultipartUploads(b -> b.bucket("lc-uploads")).uploads().stream()
                        .noneMatch(u -> u.uploadId().equals(stale)));
        assertThat(s3.listMultipartUploads(b -> b.bucket("lc-uploads")).uploads())
                .extracting(u -> u.uploadId())
                .containsExactly(keep);
        assertS3Error(
                () -> s3.listParts(b -> b.bucket("lc-uploads").key("tmp/big").uploadId(stale)), 404, "NoSuchUpload");
    }

    // ---- helpers ----

    static RawS3.Reply put(String bucket, String rules) {
        byte[] body = ("<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" + rules
                        + "</LifecycleConfiguration>")
                .getBytes(StandardCharsets.UTF_8);
        return raw.signed("PUT", "/" + bucket + "?lifecycle", Map.of("Content-MD5", md5(body)), body);
    }

    static String md5(byte[] body) {
        try {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("MD5").digest(body));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> keys(String bucket) {
        return s3.listObjectsV2(b -> b.bucket(bucket)).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    /** Object versions (not delete markers) under a prefix, newest first. */
    static List<ObjectVersion> versions(String bucket, String prefix) {
        return s3.listObjectVersions(b -> b.bucket(bucket).prefix(prefix)).versions();
    }

    /** Kept for tests written before {@link Await} (other branches); new code calls {@code Await.until}. */
    static void eventually(String what, BooleanSupplier condition) {
        Await.until(what, condition::getAsBoolean);
    }
}

package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ObjectLockConfiguration;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockLegalHoldStatus;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRule;

/**
 * Object Lock: the bucket configuration and default retention, retention and legal hold per version, the
 * x-amz-object-lock-* headers on writes, and the refusals: GOVERNANCE bypassable, COMPLIANCE never, legal hold until OFF.
 */
class ObjectLockTest {
    static final String LOCKED = "Access Denied because object protected by object lock.";
    static final String MISSING_LOCK = "Bucket is missing Object Lock Configuration";

    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static S3Client s3;
    static RawS3 raw;
    static final AtomicInteger SEQ = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        raw = RAMPART.raw();
    }

    static String newLockedBucket() {
        String name = "locked-" + SEQ.incrementAndGet();
        s3.createBucket(b -> b.bucket(name).objectLockEnabledForBucket(true));
        return name;
    }

    static String newPlainBucket() {
        String name = "plain-" + SEQ.incrementAndGet();
        s3.createBucket(b -> b.bucket(name));
        return name;
    }

    static String put(String bucket, String key, String body) {
        return s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(body))
                .versionId();
    }

    static Instant inDays(int days) {
        return Instant.now().plus(Duration.ofDays(days)).truncatedTo(ChronoUnit.SECONDS);
    }

    static String putLocked(String bucket, String key, ObjectLockMode mode, Instant until) {
        return s3.putObject(
                        b -> b.bucket(bucket).key(key).objectLockMode(mode).objectLockRetainUntilDate(until),
                        RequestBody.fromString("locked " + key))
                .versionId();
    }

    static void retention(
            String bucket, String key, String versionId, ObjectLockRetentionMode mode, Instant until, boolean bypass) {
        s3.putObjectRetention(b -> b.bucket(bucket)
                .key(key)
                .versionId(versionId)
                .bypassGovernanceRetention(bypass ? true : null)
                .retention(r -> r.mode(mode).retainUntilDate(until)));
    }

    // ---- bucket configuration ----

    @Test
    void bucketCreatedWithObjectLockIsVersionedAndCannotBeSuspended() {
        String bucket = newLockedBucket();
        assertThat(s3.getBucketVersioning(b -> b.bucket(bucket)).status()).isEqualTo(BucketVersioningStatus.ENABLED);
        ObjectLockConfiguration c =
                s3.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration();
        assertThat(c.objectLockEnabled()).isEqualTo(ObjectLockEnabled.ENABLED);
        assertThat(c.rule()).isNull();
        assertS3Error(
                () -> s3.putBucketVersioning(
                        b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED))),
                409,
                "InvalidBucketState",
                "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.");
        assertThat(s3.getBucketVersioning(b -> b.bucket(bucket)).status()).isEqualTo(BucketVersioningStatus.ENABLED);
        // Enabling again is harmless.
        s3.putBucketVersioning(
                b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
    }

    @Test
    void defaultRetentionWithDaysOrYearsRoundTrips() {
        String bucket = newLockedBucket();
        s3.putObjectLockConfiguration(b -> b.bucket(bucket)
                .objectLockConfiguration(c -> c.objectLockEnabled(ObjectLockEnabled.ENABLED)
                        .rule(r -> r.defaultRetention(
                                d -> d.mode(ObjectLockRetentionMode.GOVERNANCE).days(3)))));
        ObjectLockRule rule = s3.getObjectLockConfiguration(b -> b.bucket(bucket))
                .objectLockConfiguration()
                .rule();
        assertThat(rule.defaultRetention().mode()).isEqualTo(ObjectLockRetentionMode.GOVERNANCE);
        assertThat(rule.defaultRetention().days()).isEqualTo(3);
        assertThat(rule.defaultRetention().years()).isNull();

        s3.putObjectLockConfiguration(b -> b.bucket(bucket)
                .objectLockConfiguration(c -> c.objectLockEnabled(ObjectLockEnabled.ENABLED)
                        .rule(r -> r.defaultRetention(
                                d -> d.mode(ObjectLockRetentionMode.COMPLIANCE).years(1)))));
        rule = s3.getObjectLockConfiguration(b -> b.bucket(bucket))
                .objectLockConfiguration()
                .rule();
        assertThat(rule.defaultRetention().mode()).isEqualTo(ObjectLockRetentionMode.COMPLIANCE);
        assertThat(rule.defaultRetention().years()).isEqualTo(1);
        assertThat(rule.defaultRetention().days()).isNull();

        // A configuration without a rule removes the default retention, Object Lock stays enabled.
        s3.putObjectLockConfiguration(
                b -> b.bucket(bucket).objectLockConfiguration(c -> c.objectLockEnabled(ObjectLockEnabled.ENABLED)));
        ObjectLockConfiguration c =
                s3.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration();
        assertThat(c.objectLockEnabled()).isEqualTo(ObjectLockEnabled.ENABLED);
        assertThat(c.rule()).isNull();
    }

    @Test
    void defaultRetentionWithBothDaysAndYearsIsMalformedXml() {
        String bucket = newLockedBucket();
        assertS3Error(
                () -> s3.putObjectLockConfiguration(b -> b.bucket(bucket)
                        .objectLockConfiguration(c -> c.objectLockEnabled(ObjectLockEnabled.ENABLED)
                                .rule(r -> r.defaultRetention(d -> d.mode(ObjectLockRetentionMode.GOVERNANCE)
                                        .days(1)
                                        .years(1))))),
                400,
                "MalformedXML",
                "The XML you provided was not well-formed or did not validate against our published schema");
        assertS3Error(
                () -> s3.putObjectLockConfiguration(b -> b.bucket(bucket)
                        .objectLockConfiguration(c -> c.objectLockEnabled(ObjectLockEnabled.ENABLED)
                                .rule(r -> r.defaultRetention(d -> d.mode(ObjectLockRetentionMode.GOVERNANCE))))),
                400,
                "MalformedXML",
                "The XML you provided was not well-formed or did not validate against our published schema");
    }

    @Test
    void defaultRetentionOfZeroIsInvalidArgument() {
        String bucket = newLockedBucket();
        assertS3Error(
                () -> s3.putObjectLockConfiguration(b -> b.bucket(bucket)
                        .objectLockConfiguration(c -> c.objectLockEnabled(ObjectLockEnabled.ENABLED)
                                .rule(r -> r.defaultRetention(d -> d.mode(ObjectLockRetentionMode.GOVERNANCE)
                                        .days(0))))),
                400,
                "InvalidRetentionPeriod",
                "Default retention period must be a positive integer value.");
        assertS3Error(
                () -> s3.putObjectLockConfiguration(b -> b.bucket(bucket)
                        .objectLockConfiguration(c -> c.objectLockEnabled(ObjectLockEnabled.ENABLED)
                                .rule(r -> r.defaultRetention(d -> d.mode(ObjectLockRetentionMode.GOVERNANCE)
                                        .days(-3))))),
                400,
                "InvalidRetentionPeriod",
                "Default retention period must be a positive integer value.");
        assertS3Error(
                () -> s3.putObjectLockConfiguration(b -> b.bucket(bucket)
                        .objectLockConfiguration(c -> c.objectLockEnabled(ObjectLockEnabled.ENABLED)
                                .rule(r -> r.defaultRetention(d -> d.mode(ObjectLockRetentionMode.COMPLIANCE)
                                        .years(0))))),
                400,
                "InvalidRetentionPeriod",
                "Default retention period must be a positive integer value.");
    }

    @Test
    void unknownModeIsMalformedXml() {
        String bucket = newLockedBucket();
        byte[] body = ("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>"
                        + "<Mode>FOREVER</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>")
                .getBytes(StandardCharsets.UTF_8);
        RawS3.Reply r = raw.signed("PUT", "/" + bucket + "?object-lock", Map.of("Content-MD5", md5(body)), body);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).containsEntry("Code", "MalformedXML");
    }

    static String md5(byte[] body) {
        try {
            return java.util.Base64.getEncoder()
                    .encodeToString(
                            java.security.MessageDigest.getInstance("MD5").digest(body));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void plainBucketHasNoObjectLockConfiguration() {
        String bucket = newPlainBucket();
        assertS3Error(
                () -> s3.getObjectLockConfiguration(b -> b.bucket(bucket)),
                404,
                "ObjectLockConfigurationNotFoundError",
                "Object Lock configuration does not exist for this bucket");
    }

    @Test
    void objectLockConfigurationOnAnUnversionedBucketIsInvalidBucketState() {
        String bucket = newPlainBucket();
        assertS3Error(
                () -> s3.putObjectLockConfiguration(b ->
                        b.bucket(bucket).objectLockConfiguration(c -> c.objectLockEnabled(ObjectLockEnabled.ENABLED))),
                409,
                "InvalidBucketState",
                "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");
        s3.putBucketVersioning(
                b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        s3.putBucketVersioning(
                b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED)));
        assertS3Error(
                () -> s3.putObjectLockConfiguration(b ->
                        b.bucket(bucket).objectLockConfiguration(c -> c.objectLockEnabled(ObjectLockEnabled.ENABLED))),
                409,
                "InvalidBucketState",
                "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");
    }

    @Test
    void objectLockConfigurationOnAVersionedBucketEnablesLock() {
        String bucket = newPlainBucket();
        s3.putBucketVersioning(
                b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        s3.putObjectLockConfiguration(b -> b.bucket(bucket)
                .objectLockConfiguration(c -> c.objectLockEnabled(ObjectLockEnabled.ENABLED)
                        .rule(r -> r.defaultRetention(
                                d -> d.mode(ObjectLockRetentionMode.GOVERNANCE).days(1)))));
        assertThat(s3.getObjectLockConfiguration(b -> b.bucket(bucket))
                        .objectLockConfiguration()
                        .objectLockEnabled())
                .isEqualTo(ObjectLockEnabled.ENABLED);
        assertS3Error(
                () -> s3.putBucketVersioning(
                        b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED))),
                409,
                "InvalidBucketState",
                "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.");
        String v1 = put(bucket, "k", "x");
        HeadObjectResponse h = s3.headObject(b -> b.bucket(bucket).key("k").versionId(v1));
        assertThat(h.objectLockMode()).isEqualTo(ObjectLockMode.GOVERNANCE);
    }

    // ---- retention on new versions ----

    @Test
    void defaultRetentionAppliesToNewVersions() {
        String bucket = newLockedBucket();
        s3.putObjectLockConfiguration(b -> b.bucket(bucket)
                .objectLockConfiguration(c -> c.objectLockEnabled(ObjectLockEnabled.ENABLED)
                        .rule(r -> r.defaultRetention(
                                d -> d.mode(ObjectLockRetentionMode.GOVERNANCE).days(2)))));
        Instant before = Instant.now();
        String v1 = put(bucket, "k", "x");
        HeadObjectResponse h = s3.headObject(b -> b.bucket(bucket).key("k").versionId(v1));
        assertThat(h.objectLockMode()).isEqualTo(ObjectLockMode.GOVERNANCE);
        assertThat(h.objectLockRetainUntilDate())
                .isCloseTo(before.plus(Duration.ofDays(2)), within(1, ChronoUnit.MINUTES));
        var ret = s3.getObjectRetention(b -> b.bucket(bucket).key("k").versionId(v1))
                .retention();
        assertThat(ret.mode()).isEqualTo(ObjectLockRetentionMode.GOVERNANCE);
        assertThat(ret.retainUntilDate()).isEqualTo(h.objectLockRetainUntilDate());

        // Explicit headers win over the default.
        Instant until = inDays(5);
        String v2 = putLocked(bucket, "k", ObjectLockMode.COMPLIANCE, until);
        HeadObjectResponse h2 = s3.headObject(b -> b.bucket(bucket).key("k").versionId(v2));
        assertThat(h2.objectLockMode()).isEqualTo(ObjectLockMode.COMPLIANCE);
        assertThat(h2.objectLockRetainUntilDate()).isEqualTo(until);

        // A version written before the default changed keeps what it got.
        s3.putObjectLockConfiguration(
                b -> b.bucket(bucket).objectLockConfiguration(c -> c.objectLockEnabled(ObjectLockEnabled.ENABLED)));
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k").versionId(v1)).objectLockMode())
                .isEqualTo(ObjectLockMode.GOVERNANCE);
        String v3 = put(bucket, "k", "no default any more");
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k").versionId(v3)).objectLockMode())
                .isNull();
    }

    @Test
    void lockHeadersOnPutAreReportedByHeadAndGet() {
        String bucket = newLockedBucket();
        Instant until = inDays(1);
        String v = s3.putObject(
                        b -> b.bucket(bucket)
                                .key("k")
                                .objectLockMode(ObjectLockMode.GOVERNANCE)
                                .objectLockRetainUntilDate(until)
                                .objectLockLegalHoldStatus(ObjectLockLegalHoldStatus.ON),
                        RequestBody.fromString("data"))
                .versionId();
        HeadObjectResponse h = s3.headObject(b -> b.bucket(bucket).key("k").versionId(v));
        assertThat(h.objectLockMode()).isEqualTo(ObjectLockMode.GOVERNANCE);
        assertThat(h.objectLockRetainUntilDate()).isEqualTo(until);
        assertThat(h.objectLockLegalHoldStatus()).isEqualTo(ObjectLockLegalHoldStatus.ON);
        var g = s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")).response();
        assertThat(g.objectLockMode()).isEqualTo(ObjectLockMode.GOVERNANCE);
        assertThat(g.objectLockRetainUntilDate()).isEqualTo(until);
        assertThat(g.objectLockLegalHoldStatus()).isEqualTo(ObjectLockLegalHoldStatus.ON);
        assertThat(s3.getObjectLegalHold(b -> b.bucket(bucket).key("k").versionId(v))
                        .legalHold()
                        .status())
                .isEqualTo(ObjectLockLegalHoldStatus.ON);
    }

    @Test
    void lockHeadersOnCopyObject() {
        String bucket = newLockedBucket();
        put(bucket, "src", "source");
        Instant until = inDays(1);
        String v = s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("src")
                        .destinationBucket(bucket)
                        .destinationKey("dst")
                        .objectLockMode(ObjectLockMode.COMPLIANCE)
                        .objectLockRetainUntilDate(until)
                        .objectLockLegalHoldStatus(ObjectLockLegalHoldStatus.ON))
                .versionId();
        HeadObjectResponse h = s3.headObject(b -> b.bucket(bucket).key("dst").versionId(v));
        assertThat(h.objectLockMode()).isEqualTo(ObjectLockMode.COMPLIANCE);
        assertThat(h.objectLockRetainUntilDate()).isEqualTo(until);
        assertThat(h.objectLockLegalHoldStatus()).isEqualTo(ObjectLockLegalHoldStatus.ON);
        // The copy does not carry the source's lock: an unlocked source gives an unlocked copy without headers.
        String plain = s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("dst")
                        .destinationBucket(bucket)
                        .destinationKey("dst2"))
                .versionId();
        assertThat(s3.headObject(b -> b.bucket(bucket).key("dst2").versionId(plain))
                        .objectLockMode())
                .isNull();
    }

    @Test
    void lockHeadersOnMultipartUpload() {
        String bucket = newLockedBucket();
        Instant until = inDays(1);
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket)
                        .key("mpu")
                        .objectLockMode(ObjectLockMode.GOVERNANCE)
                        .objectLockRetainUntilDate(until)
                        .objectLockLegalHoldStatus(ObjectLockLegalHoldStatus.ON))
                .uploadId();
        String etag = s3.uploadPart(
                        b -> b.bucket(bucket).key("mpu").uploadId(uploadId).partNumber(1),
                        RequestBody.fromString("only part"))
                .eTag();
        String v = s3.completeMultipartUpload(b -> b.bucket(bucket)
                        .key("mpu")
                        .uploadId(uploadId)
                        .multipartUpload(m -> m.parts(p -> p.partNumber(1).eTag(etag))))
                .versionId();
        assertThat(v).isNotNull().isNotEqualTo("null");
        HeadObjectResponse h = s3.headObject(b -> b.bucket(bucket).key("mpu").versionId(v));
        assertThat(h.objectLockMode()).isEqualTo(ObjectLockMode.GOVERNANCE);
        assertThat(h.objectLockRetainUntilDate()).isEqualTo(until);
        assertThat(h.objectLockLegalHoldStatus()).isEqualTo(ObjectLockLegalHoldStatus.ON);
        assertS3Error(
                () -> s3.deleteObject(
                        b -> b.bucket(bucket).key("mpu").versionId(v).bypassGovernanceRetention(true)),
                403,
                "AccessDenied",
                LOCKED);
    }

    @Test
    void lockHeadersOnABucketWithoutLockAreInvalidRequest() {
        String bucket = newPlainBucket();
        Instant until = inDays(1);
        assertS3Error(
                () -> putLocked(bucket, "k", ObjectLockMode.GOVERNANCE, until), 400, "InvalidRequest", MISSING_LOCK);
        assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(bucket).key("k").objectLockLegalHoldStatus(ObjectLockLegalHoldStatus.ON),
                        RequestBody.fromString("x")),
                400,
                "InvalidRequest",
                MISSING_LOCK);
        put(bucket, "src", "x");
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(bucket)
                        .sourceKey("src")
                        .destinationBucket(bucket)
                        .destinationKey("dst")
                        .objectLockMode(ObjectLockMode.GOVERNANCE)
                        .objectLockRetainUntilDate(until)),
                400,
                "InvalidRequest",
                MISSING_LOCK);
        assertS3Error(
                () -> s3.createMultipartUpload(b -> b.bucket(bucket)
                        .key("mpu")
                        .objectLockMode(ObjectLockMode.GOVERNANCE)
                        .objectLockRetainUntilDate(until)),
                400,
                "InvalidRequest",
                MISSING_LOCK);
        assertS3Error(
                () -> s3.putObjectRetention(b -> b.bucket(bucket)
                        .key("src")
                        .retention(
                                r -> r.mode(ObjectLockRetentionMode.GOVERNANCE).retainUntilDate(until))),
                400,
                "InvalidRequest",
                MISSING_LOCK);
        assertS3Error(
                () -> s3.putObjectLegalHold(
                        b -> b.bucket(bucket).key("src").legalHold(l -> l.status(ObjectLockLegalHoldStatus.ON))),
                400,
                "InvalidRequest",
                MISSING_LOCK);
    }

    @Test
    void modeWithoutDateOrPastDateIsInvalidArgument() {
        String bucket = newLockedBucket();
        assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(bucket).key("k").objectLockMode(ObjectLockMode.GOVERNANCE),
                        RequestBody.fromString("x")),
                400,
                "InvalidArgument",
                "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied");
        assertS3Error(
                () -> putLocked(
                        bucket, "k", ObjectLockMode.GOVERNANCE, Instant.now().minus(Duration.ofDays(1))),
                400,
                "InvalidArgument",
                "The retain until date must be in the future!");
    }

    // ---- retention and legal hold on existing versions ----

    @Test
    void versionWithoutRetentionHasNoObjectLockConfiguration() {
        String bucket = newLockedBucket();
        String v = put(bucket, "k", "x");
        assertS3Error(
                () -> s3.getObjectRetention(b -> b.bucket(bucket).key("k").versionId(v)),
                404,
                "NoSuchObjectLockConfiguration",
                "The specified object does not have a ObjectLock configuration");
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k")).objectLockMode())
                .isNull();
    }

    @Test
    void retentionIsSetPerVersion() {
        String bucket = newLockedBucket();
        String v1 = put(bucket, "k", "one");
        String v2 = put(bucket, "k", "two");
        Instant until = inDays(1);
        retention(bucket, "k", v1, ObjectLockRetentionMode.GOVERNANCE, until, false);
        var r = s3.getObjectRetention(b -> b.bucket(bucket).key("k").versionId(v1))
                .retention();
        assertThat(r.mode()).isEqualTo(ObjectLockRetentionMode.GOVERNANCE);
        assertThat(r.retainUntilDate()).isEqualTo(until);
        assertS3Error(
                () -> s3.getObjectRetention(b -> b.bucket(bucket).key("k").versionId(v2)),
                404,
                "NoSuchObjectLockConfiguration");
        // The latest version is unlocked, and can be deleted for good.
        s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(v2));
    }

    @Test
    void governanceVersionCannotBeDeletedWithoutBypass() {
        String bucket = newLockedBucket();
        String v = putLocked(bucket, "k", ObjectLockMode.GOVERNANCE, inDays(1));
        assertS3Error(() -> s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(v)), 403, "AccessDenied", LOCKED);
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k").versionId(v)).versionId())
                .isEqualTo(v);
        var r = s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(v).bypassGovernanceRetention(true));
        assertThat(r.versionId()).isEqualTo(v);
        assertS3Error(() -> s3.headObject(b -> b.bucket(bucket).key("k").versionId(v)), 404, null);
    }

    @Test
    void complianceVersionCannotBeDeletedEvenWithBypass() {
        String bucket = newLockedBucket();
        String v = putLocked(bucket, "k", ObjectLockMode.COMPLIANCE, inDays(1));
        assertS3Error(() -> s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(v)), 403, "AccessDenied", LOCKED);
        assertS3Error(
                () -> s3.deleteObject(
                        b -> b.bucket(bucket).key("k").versionId(v).bypassGovernanceRetention(true)),
                403,
                "AccessDenied",
                LOCKED);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").versionId(v))
                        .asUtf8String())
                .isEqualTo("locked k");
    }

    @Test
    void deleteWithoutVersionIdOnALockedObjectAddsAMarker() {
        String bucket = newLockedBucket();
        String v = putLocked(bucket, "k", ObjectLockMode.COMPLIANCE, inDays(1));
        var r = s3.deleteObject(b -> b.bucket(bucket).key("k"));
        assertThat(r.deleteMarker()).isTrue();
        assertS3Error(() -> s3.getObject(b -> b.bucket(bucket).key("k")), 404, "NoSuchKey");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").versionId(v))
                        .asUtf8String())
                .isEqualTo("locked k");
        // The marker itself is not locked.
        s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(r.versionId()));
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k")).versionId()).isEqualTo(v);
    }

    @Test
    void complianceRetentionCanBeExtendedButNeverShortenedOrWeakened() {
        String bucket = newLockedBucket();
        Instant until = inDays(2);
        String v = putLocked(bucket, "k", ObjectLockMode.COMPLIANCE, until);
        assertS3Error(
                () -> retention(bucket, "k", v, ObjectLockRetentionMode.COMPLIANCE, inDays(1), false),
                403,
                "AccessDenied",
                LOCKED);
        assertS3Error(
                () -> retention(bucket, "k", v, ObjectLockRetentionMode.COMPLIANCE, inDays(1), true),
                403,
                "AccessDenied",
                LOCKED);
        assertS3Error(
                () -> retention(bucket, "k", v, ObjectLockRetentionMode.GOVERNANCE, inDays(3), true),
                403,
                "AccessDenied",
                LOCKED);
        assertThat(s3.getObjectRetention(b -> b.bucket(bucket).key("k").versionId(v))
                        .retention()
                        .retainUntilDate())
                .isEqualTo(until);
        Instant later = inDays(3);
        retention(bucket, "k", v, ObjectLockRetentionMode.COMPLIANCE, later, false);
        assertThat(s3.getObjectRetention(b -> b.bucket(bucket).key("k").versionId(v))
                        .retention()
                        .retainUntilDate())
                .isEqualTo(later);
    }

    @Test
    void governanceRetentionCanBeShortenedOnlyWithBypass() {
        String bucket = newLockedBucket();
        String v = putLocked(bucket, "k", ObjectLockMode.GOVERNANCE, inDays(2));
        assertS3Error(
                () -> retention(bucket, "k", v, ObjectLockRetentionMode.GOVERNANCE, inDays(1), false),
                403,
                "AccessDenied",
                LOCKED);
        Instant shorter = inDays(1);
        retention(bucket, "k", v, ObjectLockRetentionMode.GOVERNANCE, shorter, true);
        assertThat(s3.getObjectRetention(b -> b.bucket(bucket).key("k").versionId(v))
                        .retention()
                        .retainUntilDate())
                .isEqualTo(shorter);
        // Strengthening to COMPLIANCE needs no bypass; after that nothing shortens it.
        Instant compliance = inDays(2);
        retention(bucket, "k", v, ObjectLockRetentionMode.COMPLIANCE, compliance, false);
        assertThat(s3.getObjectRetention(b -> b.bucket(bucket).key("k").versionId(v))
                        .retention()
                        .mode())
                .isEqualTo(ObjectLockRetentionMode.COMPLIANCE);
        assertS3Error(
                () -> s3.deleteObject(
                        b -> b.bucket(bucket).key("k").versionId(v).bypassGovernanceRetention(true)),
                403,
                "AccessDenied",
                LOCKED);
    }

    @Test
    void legalHoldBlocksDeletionUntilOff() {
        String bucket = newLockedBucket();
        String v = put(bucket, "k", "held");
        s3.putObjectLegalHold(
                b -> b.bucket(bucket).key("k").versionId(v).legalHold(l -> l.status(ObjectLockLegalHoldStatus.ON)));
        assertThat(s3.getObjectLegalHold(b -> b.bucket(bucket).key("k").versionId(v))
                        .legalHold()
                        .status())
                .isEqualTo(ObjectLockLegalHoldStatus.ON);
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k").versionId(v)).objectLockLegalHoldStatus())
                .isEqualTo(ObjectLockLegalHoldStatus.ON);
        assertS3Error(() -> s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(v)), 403, "AccessDenied", LOCKED);
        assertS3Error(
                () -> s3.deleteObject(
                        b -> b.bucket(bucket).key("k").versionId(v).bypassGovernanceRetention(true)),
                403,
                "AccessDenied",
                LOCKED);
        s3.putObjectLegalHold(
                b -> b.bucket(bucket).key("k").versionId(v).legalHold(l -> l.status(ObjectLockLegalHoldStatus.OFF)));
        assertThat(s3.getObjectLegalHold(b -> b.bucket(bucket).key("k").versionId(v))
                        .legalHold()
                        .status())
                .isEqualTo(ObjectLockLegalHoldStatus.OFF);
        s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(v));
        assertS3Error(() -> s3.headObject(b -> b.bucket(bucket).key("k").versionId(v)), 404, null);
    }

    @Test
    void deleteObjectsReportsLockedVersionsAsAccessDenied() {
        String bucket = newLockedBucket();
        String gov = putLocked(bucket, "gov", ObjectLockMode.GOVERNANCE, inDays(1));
        String comp = putLocked(bucket, "comp", ObjectLockMode.COMPLIANCE, inDays(1));
        String free = put(bucket, "free", "x");
        DeleteObjectsResponse r = s3.deleteObjects(b -> b.bucket(bucket)
                .delete(d -> d.objects(
                        ObjectIdentifier.builder().key("gov").versionId(gov).build(),
                        ObjectIdentifier.builder().key("comp").versionId(comp).build(),
                        ObjectIdentifier.builder().key("free").versionId(free).build())));
        assertThat(r.deleted()).extracting(d -> d.key()).containsExactly("free");
        assertThat(r.errors())
                .extracting(e -> e.key(), e -> e.code(), e -> e.message())
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("gov", "AccessDenied", LOCKED),
                        org.assertj.core.groups.Tuple.tuple("comp", "AccessDenied", LOCKED));
        DeleteObjectsResponse bypass = s3.deleteObjects(b -> b.bucket(bucket)
                .bypassGovernanceRetention(true)
                .delete(d -> d.objects(
                        ObjectIdentifier.builder().key("gov").versionId(gov).build(),
                        ObjectIdentifier.builder().key("comp").versionId(comp).build())));
        assertThat(bypass.deleted()).extracting(d -> d.key()).containsExactly("gov");
        assertThat(bypass.errors()).extracting(e -> e.key()).containsExactly("comp");
    }

    @Test
    void retentionOnADeleteMarkerIsMethodNotAllowed() {
        String bucket = newLockedBucket();
        put(bucket, "k", "x");
        String marker = s3.deleteObject(b -> b.bucket(bucket).key("k")).versionId();
        assertS3Error(
                () -> s3.getObjectRetention(b -> b.bucket(bucket).key("k").versionId(marker)), 405, "MethodNotAllowed");
        assertS3Error(
                () -> retention(bucket, "k", marker, ObjectLockRetentionMode.GOVERNANCE, inDays(1), false),
                405,
                "MethodNotAllowed");
    }
}

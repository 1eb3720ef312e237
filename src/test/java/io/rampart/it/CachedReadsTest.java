package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.ObjectLockLegalHoldStatus;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;
import software.amazon.awssdk.services.s3.model.Permission;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * The server keeps what a GET reads of the metadata in memory (SQLite's {@code ReadCache}): a read that begins after
 * a write returned must see that write, whatever the write was. Each test reads the key first (so the old answer is
 * cached), changes it, and reads again at once, several times.
 */
class CachedReadsTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static S3Client s3;
    static final AtomicInteger SEQ = new AtomicInteger();

    @BeforeAll
    static void start() {
        s3 = RAMPART.s3();
    }

    static String newBucket() {
        String name = "read-cache-" + SEQ.incrementAndGet();
        s3.createBucket(b -> b.bucket(name));
        return name;
    }

    static void put(String bucket, String key, byte[] data) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
    }

    static byte[] get(String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    static String text(String bucket, String key) {
        return new String(get(bucket, key), StandardCharsets.UTF_8);
    }

    static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Reads twice, so the second read can only come from memory if the cache is kept. */
    static void readTwice(String bucket, String key) {
        get(bucket, key);
        get(bucket, key);
    }

    @Test
    void everyOverwriteIsReadAtOnceWhateverItsSize() {
        String bucket = newBucket();
        // Inline sizes, the inline limit's neighbours and a blob-backed size, in turn on one key.
        int[] sizes = {0, 1, 4096, 65_536, 65_537, 200_000, 4096, 1, 70_000, 100};
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < sizes.length; i++) {
                byte[] data = bytes(sizes[i], round * 100L + i);
                put(bucket, "k", data);
                for (int r = 0; r < 3; r++)
                    assertThat(get(bucket, "k"))
                            .as("size %d, read %d", sizes[i], r)
                            .isEqualTo(data);
                assertThat(s3.headObject(b -> b.bucket(bucket).key("k")).contentLength())
                        .isEqualTo(sizes[i]);
            }
        }
    }

    @Test
    void aDeletedKeyIsGoneAtOnceAndAPutAfterANoSuchKeyIsSeen() {
        String bucket = newBucket();
        for (int i = 0; i < 20; i++) {
            put(bucket, "k", ("v" + i).getBytes(StandardCharsets.UTF_8));
            readTwice(bucket, "k");
            s3.deleteObject(b -> b.bucket(bucket).key("k"));
            assertS3Error(() -> get(bucket, "k"), 404, "NoSuchKey");
            // The NoSuchKey may be kept too: the next PUT must replace it.
            assertS3Error(() -> get(bucket, "k"), 404, "NoSuchKey");
        }
        put(bucket, "k", "last".getBytes(StandardCharsets.UTF_8));
        assertThat(text(bucket, "k")).isEqualTo("last");
    }

    @Test
    void deleteMarkersAndVersioningChangesAreSeenAtOnce() {
        String bucket = newBucket();
        s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
        put(bucket, "k", "one".getBytes(StandardCharsets.UTF_8));
        readTwice(bucket, "k");
        String marker = s3.deleteObject(b -> b.bucket(bucket).key("k")).versionId();
        assertS3Error(() -> get(bucket, "k"), 404, "NoSuchKey");
        s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(marker));
        assertThat(text(bucket, "k"))
                .as("the marker removed, the version shows again")
                .isEqualTo("one");

        s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Suspended")));
        put(bucket, "k", "two".getBytes(StandardCharsets.UTF_8));
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k")).versionId()).isEqualTo("null");
        assertThat(text(bucket, "k")).isEqualTo("two");
        s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
        put(bucket, "k", "three".getBytes(StandardCharsets.UTF_8));
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k")).versionId()).isNotEqualTo("null");
        assertThat(text(bucket, "k")).isEqualTo("three");
        // A version read by its id: deleted, it is gone at once.
        String v3 = s3.headObject(b -> b.bucket(bucket).key("k")).versionId();
        s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").versionId(v3));
        s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(v3));
        assertS3Error(() -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").versionId(v3)), 404, "NoSuchVersion");
        assertThat(text(bucket, "k")).isEqualTo("two");
    }

    @Test
    void aBucketPolicyThatDeniesReadsDeniesTheNextGet() {
        String bucket = newBucket();
        put(bucket, "k", "open".getBytes(StandardCharsets.UTF_8));
        readTwice(bucket, "k");
        s3.putBucketPolicy(b -> b.bucket(bucket).policy("""
                {"Version":"2012-10-17","Statement":[{"Sid":"NoReads","Effect":"Deny","Principal":"*",
                 "Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}]}""".formatted(bucket)));
        assertS3Error(() -> get(bucket, "k"), 403, "AccessDenied");
        s3.deleteBucketPolicy(b -> b.bucket(bucket));
        assertThat(text(bucket, "k")).isEqualTo("open");
    }

    @Test
    void tagsAndAclChangesAreReadAtOnce() {
        String bucket = "read-cache-acl-" + SEQ.incrementAndGet();
        s3.createBucket(b -> b.bucket(bucket).objectOwnership(ObjectOwnership.OBJECT_WRITER));
        put(bucket, "k", "t".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 5; i++) {
            String value = "v" + i;
            s3.getObjectTagging(b -> b.bucket(bucket).key("k"));
            s3.putObjectTagging(b -> b.bucket(bucket)
                    .key("k")
                    .tagging(t -> t.tagSet(Tag.builder().key("n").value(value).build())));
            assertThat(s3.getObjectTagging(b -> b.bucket(bucket).key("k")).tagSet())
                    .extracting(Tag::value)
                    .containsExactly(value);
            assertThat(s3.getObject(b -> b.bucket(bucket).key("k")).response().tagCount())
                    .isEqualTo(1);
        }
        s3.deleteObjectTagging(b -> b.bucket(bucket).key("k"));
        assertThat(s3.getObjectTagging(b -> b.bucket(bucket).key("k")).tagSet()).isEmpty();

        assertThat(s3.getObjectAcl(b -> b.bucket(bucket).key("k")).grants())
                .extracting(g -> g.permission())
                .containsExactly(Permission.FULL_CONTROL);
        s3.putObjectAcl(b -> b.bucket(bucket).key("k").acl(ObjectCannedACL.PUBLIC_READ));
        assertThat(s3.getObjectAcl(b -> b.bucket(bucket).key("k")).grants())
                .extracting(g -> g.permission())
                .containsExactlyInAnyOrder(Permission.FULL_CONTROL, Permission.READ);
    }

    @Test
    void retentionAndLegalHoldChangesAreReadAtOnce() {
        String bucket = "read-cache-lock-" + SEQ.incrementAndGet();
        s3.createBucket(b -> b.bucket(bucket).objectLockEnabledForBucket(true));
        put(bucket, "k", "locked".getBytes(StandardCharsets.UTF_8));
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k")).objectLockLegalHoldStatus())
                .isNull();
        s3.putObjectLegalHold(b -> b.bucket(bucket).key("k").legalHold(l -> l.status(ObjectLockLegalHoldStatus.ON)));
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k")).objectLockLegalHoldStatus())
                .isEqualTo(ObjectLockLegalHoldStatus.ON);
        assertThat(s3.getObjectLegalHold(b -> b.bucket(bucket).key("k"))
                        .legalHold()
                        .status())
                .isEqualTo(ObjectLockLegalHoldStatus.ON);
        s3.putObjectLegalHold(b -> b.bucket(bucket).key("k").legalHold(l -> l.status(ObjectLockLegalHoldStatus.OFF)));
        assertThat(s3.getObjectLegalHold(b -> b.bucket(bucket).key("k"))
                        .legalHold()
                        .status())
                .isEqualTo(ObjectLockLegalHoldStatus.OFF);

        Instant until = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k")).objectLockMode())
                .isNull();
        s3.putObjectRetention(b -> b.bucket(bucket)
                .key("k")
                .retention(r -> r.mode(ObjectLockRetentionMode.GOVERNANCE).retainUntilDate(until)));
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k")).objectLockMode())
                .isEqualTo(software.amazon.awssdk.services.s3.model.ObjectLockMode.GOVERNANCE);
        assertThat(s3.getObjectRetention(b -> b.bucket(bucket).key("k"))
                        .retention()
                        .retainUntilDate())
                .isEqualTo(until);
    }

    @Test
    void aCopyAndAMultipartCompletionOntoAReadKeyAreReadAtOnce() {
        String bucket = newBucket();
        put(bucket, "target", "before".getBytes(StandardCharsets.UTF_8));
        put(bucket, "source", "copied".getBytes(StandardCharsets.UTF_8));
        readTwice(bucket, "target");
        s3.copyObject(b -> b.sourceBucket(bucket)
                .sourceKey("source")
                .destinationBucket(bucket)
                .destinationKey("target"));
        assertThat(text(bucket, "target")).isEqualTo("copied");

        byte[] part1 = bytes(5 * 1024 * 1024, 1);
        byte[] part2 = bytes(1000, 2);
        String upload =
                s3.createMultipartUpload(b -> b.bucket(bucket).key("target")).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        int n = 1;
        for (byte[] data : new byte[][] {part1, part2}) {
            int number = n++;
            String etag = s3.uploadPart(
                            b -> b.bucket(bucket).key("target").uploadId(upload).partNumber(number),
                            RequestBody.fromBytes(data))
                    .eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            // Reads between the parts still see the copy: an upload in progress changes nothing.
            assertThat(text(bucket, "target")).isEqualTo("copied");
        }
        s3.completeMultipartUpload(
                b -> b.bucket(bucket).key("target").uploadId(upload).multipartUpload(m -> m.parts(parts)));
        byte[] whole = new byte[part1.length + part2.length];
        System.arraycopy(part1, 0, whole, 0, part1.length);
        System.arraycopy(part2, 0, whole, part1.length, part2.length);
        assertThat(get(bucket, "target")).isEqualTo(whole);
    }

    @Test
    void aDeletedBucketIsGoneAtOnce() {
        String bucket = newBucket();
        put(bucket, "k", "x".getBytes(StandardCharsets.UTF_8));
        readTwice(bucket, "k");
        s3.deleteObject(b -> b.bucket(bucket).key("k"));
        assertS3Error(() -> get(bucket, "k"), 404, "NoSuchKey");
        s3.deleteBucket(b -> b.bucket(bucket));
        assertS3Error(() -> get(bucket, "k"), 404, "NoSuchBucket");
        s3.createBucket(b -> b.bucket(bucket));
        assertS3Error(() -> get(bucket, "k"), 404, "NoSuchKey");
        put(bucket, "k", "y".getBytes(StandardCharsets.UTF_8));
        assertThat(text(bucket, "k")).isEqualTo("y");
    }

    /**
     * Writers overwrite their keys with increasing sequence numbers while readers GET them: a GET that begins after the
     * PUT of n returned never sees less than n.
     */
    @Test
    void noReadThatBeginsAfterAPutReturnedSeesAnOlderValue() throws Exception {
        String bucket = newBucket();
        int writers = 2;
        AtomicLong[] acknowledged = new AtomicLong[writers];
        for (int w = 0; w < writers; w++) {
            acknowledged[w] = new AtomicLong();
            put(bucket, "seq" + w, "0".getBytes(StandardCharsets.UTF_8));
        }
        AtomicBoolean stop = new AtomicBoolean();
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger reads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(writers + 4);
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                tasks.add(pool.submit(() -> {
                    for (long n = 1; n <= 150; n++) {
                        put(bucket, "seq" + writer, Long.toString(n).getBytes(StandardCharsets.UTF_8));
                        acknowledged[writer].set(n);
                    }
                    return null;
                }));
            }
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                int first = r;
                readers.add(pool.submit(() -> {
                    for (int i = first; !stop.get(); i++) {
                        int w = i % writers;
                        long floor = acknowledged[w].get();
                        long seen = Long.parseLong(text(bucket, "seq" + w));
                        reads.incrementAndGet();
                        if (seen < floor) wrong.add("seq" + w + ": read " + seen + " after PUT " + floor + " returned");
                    }
                    return null;
                }));
            }
            for (Future<?> t : tasks) t.get();
            stop.set(true);
            for (Future<?> r : readers) r.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(wrong).isEmpty();
        assertThat(reads.get()).as("reads ran alongside the writes").isGreaterThan(0);
        for (int w = 0; w < writers; w++) assertThat(text(bucket, "seq" + w)).isEqualTo("150");
    }
}

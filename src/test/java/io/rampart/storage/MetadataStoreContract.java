package io.rampart.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rampart.storage.MetadataStore.CopySource;
import io.rampart.storage.MetadataStore.DeleteBucketResult;
import io.rampart.storage.MetadataStore.Precondition;
import io.rampart.storage.MetadataStore.Promotion;
import io.rampart.storage.MetadataStore.PromotionOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MetadataStore} backend must do, exercised through the interface alone: buckets, versions and
 * delete markers, conditional writes, listing, multipart uploads, blob reference counts and the recovery window. A
 * backend's test extends this class and says how to open a fresh, empty store.
 */
abstract class MetadataStoreContract {
    /** A fresh, empty store whose blob releaser is {@code releaseBlob}. */
    protected abstract MetadataStore open(Consumer<String> releaseBlob) throws Exception;

    /** The recovery window of a store opened by {@link #open}. */
    protected abstract RecoveryWindow window(MetadataStore store);

    protected MetadataStore store;
    protected final List<String> released = new CopyOnWriteArrayList<>();

    @BeforeEach
    void openStore() throws Exception {
        store = open(released::add);
        window(store).holding(false);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static final long T0 = 1_700_000_000_000L;

    private static ObjectMeta meta() {
        return ObjectMeta.builder()
                .contentHeaders(Map.of("Content-Type", "text/plain"))
                .userMetadata(Map.of())
                .checksums(Map.of())
                .checksumType("FULL_OBJECT")
                .partSizes(List.of())
                .tags(Map.of())
                .storageClass("STANDARD")
                .build();
    }

    private static ObjectVersion inline(String bucket, String key, String versionId, String data) {
        byte[] bytes = data.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new ObjectVersion(
                bucket,
                key,
                versionId,
                0,
                true,
                false,
                bytes.length,
                "\"" + data + "\"",
                T0,
                meta(),
                List.of(),
                bytes,
                "arn:aws:iam::123456789012:user/writer",
                "AKIAWRITER");
    }

    private static ObjectVersion inBlobs(String bucket, String key, String versionId, String... blobs) {
        List<Segment> segments = new ArrayList<>();
        for (String b : blobs) segments.add(new Segment(b, 10));
        return new ObjectVersion(
                bucket,
                key,
                versionId,
                0,
                true,
                false,
                10L * blobs.length,
                "\"e\"",
                T0,
                meta(),
                segments,
                null,
                null,
                null);
    }

    private static ObjectVersion deleteMarker(String bucket, String key, String versionId) {
        return new ObjectVersion(bucket, key, versionId, 0, true, true, 0, "", T0, meta(), List.of(), null, null, null);
    }

    private void bucket(String name, String versioning) {
        store.createBucket(new Bucket(name, "owner", "us-east-1", T0, versioning, false, "{}"));
    }

    private static String text(ObjectVersion v) {
        return new String(v.inline(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static List<String> keys(ListPage<ListEntry> page) {
        return page.entries().stream()
                .map(e -> e.key()
                        + (e.versionId() == null ? "" : "@" + e.versionId())
                        + (e.deleteMarker() ? "(marker)" : ""))
                .toList();
    }

    // ---- buckets ----

    @Test
    void creatingATakenBucketNameWritesNothingAndReturnsTheExistingBucket() {
        assertThat(store.createBucket(new Bucket("b", "alice", "us-east-1", T0, "", false, "{}")))
                .isEmpty();
        Optional<Bucket> again = store.createBucket(new Bucket("b", "mallory", "eu-west-1", T0 + 1, "", true, "{}"));
        assertThat(again).map(Bucket::owner).contains("alice");
        assertThat(store.bucket("b")).map(Bucket::region).contains("us-east-1");
        assertThat(store.bucket("missing")).isEmpty();
    }

    @Test
    void bucketsAreListedPerOwnerInNameOrderAndScannedAcrossOwners() {
        store.createBucket(new Bucket("zz", "alice", "us-east-1", T0, "", false, "{}"));
        store.createBucket(new Bucket("aa", "alice", "us-east-1", T0, "", false, "{}"));
        store.createBucket(new Bucket("mm", "bob", "us-east-1", T0, "", false, "{}"));
        assertThat(store.buckets("alice")).extracting(Bucket::name).containsExactly("aa", "zz");
        assertThat(store.bucketsAfter("", 2)).extracting(Bucket::name).containsExactly("aa", "mm");
        assertThat(store.bucketsAfter("mm", 10)).extracting(Bucket::name).containsExactly("zz");
    }

    @Test
    void bucketConfigAndVersioningChangeAtomicallyAndOnlyExistingBuckets() {
        bucket("b", "");
        assertThat(store.updateBucketConfig("b", old -> old.replace("}", "\"tagging\":1}")))
                .map(Bucket::config)
                .contains("{\"tagging\":1}");
        assertThat(store.bucket("b")).map(Bucket::config).contains("{\"tagging\":1}");
        assertThat(store.setVersioning(
                        "b",
                        b -> new Bucket(b.name(), b.owner(), b.region(), b.created(), "Enabled", true, b.config())))
                .map(Bucket::versioning)
                .contains("Enabled");
        assertThat(store.bucket("b")).hasValueSatisfying(b -> {
            assertThat(b.versioning()).isEqualTo("Enabled");
            assertThat(b.objectLock()).isTrue();
            assertThat(b.config()).isEqualTo("{\"tagging\":1}");
        });
        assertThat(store.updateBucketConfig("missing", c -> c)).isEmpty();
        assertThat(store.setVersioning("missing", b -> b)).isEmpty();
    }

    @Test
    void aWriteToABucketDeletedAfterTheRequestLookedItUpWritesNothing() {
        bucket("b", "");
        assertThat(store.deleteBucket("b")).isEqualTo(DeleteBucketResult.DELETED);
        // The request found the bucket, then a DeleteBucket committed: the PUT must not leave an object behind.
        assertThatThrownBy(() -> store.putObject(inline("b", "k", "null", "x"), Precondition.NONE))
                .isInstanceOf(NoSuchBucketException.class);
        assertThat(store.hasObjects("b")).isFalse();
        bucket("b", "");
        assertThat(store.current("b", "k")).isEmpty();
    }

    @Test
    void aBucketWithObjectsIsNotEmptyButItsUploadsAreAbortedWithIt() {
        assertThat(store.deleteBucket("b")).isEqualTo(DeleteBucketResult.NOT_FOUND);
        bucket("b", "");
        store.putObject(inline("b", "k", "null", "x"), Precondition.NONE);
        assertThat(store.hasObjects("b")).isTrue();
        assertThat(store.deleteBucket("b")).isEqualTo(DeleteBucketResult.NOT_EMPTY);
        store.deleteObject("b", "k", Precondition.NONE);
        assertThat(store.hasObjects("b")).isFalse();
        store.createUpload(new Upload("u1", "b", "k", T0, meta(), null, null));
        store.putPart(new Part("u1", 1, 10, "\"p\"", T0, Map.of(), "part-of-u1"));
        assertThat(store.deleteBucket("b")).isEqualTo(DeleteBucketResult.DELETED);
        assertThat(store.bucket("b")).isEmpty();
        assertThat(store.upload("u1")).isEmpty();
        assertThat(released).containsExactly("part-of-u1");
    }

    // ---- versions and delete markers ----

    @Test
    void aReadReturnsTheBucketWithTheCurrentOrNamedVersionAndItsData() {
        assertThat(store.read("b", "k", null))
                .isEqualTo(new MetadataStore.ObjectRead(Optional.empty(), Optional.empty()));
        bucket("b", "Enabled");
        MetadataStore.ObjectRead none = store.read("b", "k", null);
        assertThat(none.bucket()).map(Bucket::versioning).contains("Enabled");
        assertThat(none.version()).isEmpty();
        ObjectVersion first = store.putObject(inline("b", "k", "v1", "one"), Precondition.NONE);
        store.putObject(inline("b", "k", "v2", "two"), Precondition.NONE);
        MetadataStore.ObjectRead current = store.read("b", "k", null);
        assertThat(current.bucket()).map(Bucket::name).contains("b");
        assertThat(current.version()).map(MetadataStoreContract::text).contains("two");
        assertThat(store.read("b", "k", "v1").version())
                .map(MetadataStoreContract::text)
                .contains("one");
        assertThat(store.read("b", "k", "v1").version()).map(ObjectVersion::seq).contains(first.seq());
        assertThat(store.read("b", "k", "v9").version()).isEmpty();
        store.putObject(deleteMarker("b", "k", "v3"), Precondition.NONE);
        assertThat(store.read("b", "k", null).version())
                .map(ObjectVersion::deleteMarker)
                .contains(true);
        assertThat(store.read("other", "k", "v1").version()).isEmpty();
    }

    @Test
    void aNullVersionReplacesTheNullVersionAndKeepsOneRow() {
        bucket("b", "");
        store.putObject(inline("b", "k", "null", "one"), Precondition.NONE);
        ObjectVersion second = store.putObject(inline("b", "k", "null", "two"), Precondition.NONE);
        assertThat(second.latest()).isTrue();
        assertThat(text(store.current("b", "k").orElseThrow())).isEqualTo("two");
        assertThat(keys(store.listVersions("b", "", null, null, null, 100))).containsExactly("k@null");
        ObjectVersion read = store.version("b", "k", "null").orElseThrow();
        assertThat(read.writerArn()).isEqualTo("arn:aws:iam::123456789012:user/writer");
        assertThat(read.writerKeyId()).isEqualTo("AKIAWRITER");
        assertThat(read.meta()).isEqualTo(meta());
    }

    @Test
    void versionsStackNewestFirstAndADeleteMarkerBecomesCurrent() {
        bucket("b", "Enabled");
        ObjectVersion v1 = store.putObject(inline("b", "k", "v1", "one"), Precondition.NONE);
        ObjectVersion v2 = store.putObject(inline("b", "k", "v2", "two"), Precondition.NONE);
        assertThat(v2.seq()).isGreaterThan(v1.seq());
        store.putObject(deleteMarker("b", "k", "m3"), Precondition.NONE);
        assertThat(store.current("b", "k"))
                .hasValueSatisfying(v -> assertThat(v.deleteMarker()).isTrue());
        assertThat(keys(store.listVersions("b", "", null, null, null, 100)))
                .containsExactly("k@m3(marker)", "k@v2", "k@v1");
        assertThat(store.version("b", "k", "v1").orElseThrow().latest()).isFalse();
        assertThat(text(store.version("b", "k", "v1").orElseThrow())).isEqualTo("one");
        assertThat(keys(store.listObjects("b", "", null, null, 100))).isEmpty();

        // Removing the marker makes the newest remaining version current again.
        assertThat(store.deleteVersion("b", "k", "m3", Precondition.NONE)).isPresent();
        assertThat(store.current("b", "k").map(ObjectVersion::versionId)).contains("v2");
        assertThat(store.version("b", "k", "v2").orElseThrow().latest()).isTrue();
        assertThat(store.deleteVersion("b", "k", "gone", Precondition.NONE)).isEmpty();
    }

    @Test
    void onlyASoleDeleteMarkerIsRemovedAsExpired() {
        bucket("b", "Enabled");
        store.putObject(inline("b", "k", "v1", "one"), Precondition.NONE);
        store.putObject(deleteMarker("b", "k", "m2"), Precondition.NONE);
        assertThat(store.deleteSoleDeleteMarker("b", "k", "m2")).isEmpty();
        store.deleteVersion("b", "k", "v1", Precondition.NONE);
        assertThat(store.deleteSoleDeleteMarker("b", "k", "m2")).isPresent();
        assertThat(store.listVersions("b", "", null, null, null, 100).entries()).isEmpty();
    }

    @Test
    void metadataChangesOnOneVersionButNeverOnADeleteMarker() {
        bucket("b", "Enabled");
        store.putObject(inline("b", "k", "v1", "one"), Precondition.NONE);
        store.putObject(inline("b", "k", "v2", "two"), Precondition.NONE);
        ObjectMeta tagged = ObjectMeta.builder()
                .contentHeaders(meta().contentHeaders())
                .userMetadata(Map.of())
                .checksums(Map.of())
                .checksumType("FULL_OBJECT")
                .partSizes(List.of())
                .tags(Map.of("colour", "blue"))
                .storageClass("GLACIER_IR")
                .build();
        assertThat(store.updateMeta("b", "k", "v1", m -> tagged)).isPresent();
        assertThat(store.version("b", "k", "v1").orElseThrow().meta().tags()).containsEntry("colour", "blue");
        assertThat(store.current("b", "k").orElseThrow().meta().tags()).isEmpty();
        assertThat(store.listVersions("b", "", null, null, null, 100).entries())
                .filteredOn(e -> e.versionId().equals("v1"))
                .singleElement()
                .satisfies(e -> assertThat(e.storageClass()).isEqualTo("GLACIER_IR"));
        store.putObject(deleteMarker("b", "k", "m3"), Precondition.NONE);
        assertThat(store.updateMeta("b", "k", null, m -> tagged)).isEmpty();
        assertThat(store.updateMeta("b", "nope", null, m -> tagged)).isEmpty();
    }

    // ---- conditional writes ----

    @Test
    void aFailedPreconditionWritesNothingAndSeesTheCurrentVersion() {
        bucket("b", "");
        store.putObject(inline("b", "k", "null", "one"), Precondition.NONE);
        List<String> seen = new ArrayList<>();
        assertThatThrownBy(() -> store.putObject(inBlobs("b", "k", "null", "blob-x"), current -> {
                    seen.add(current.map(ObjectVersion::etag).orElse("none"));
                    throw new IllegalStateException("PreconditionFailed");
                }))
                .hasMessage("PreconditionFailed");
        assertThat(seen).containsExactly("\"one\"");
        assertThat(text(store.current("b", "k").orElseThrow())).isEqualTo("one");
        assertThat(store.isLiveBlob("blob-x")).isFalse();

        // If-None-Match: * on a missing key passes, on an existing key fails.
        Precondition ifNoneMatch = current -> {
            if (current.isPresent()) throw new IllegalStateException("exists");
        };
        store.putObject(inline("b", "new", "null", "first"), ifNoneMatch);
        assertThatThrownBy(() -> store.putObject(inline("b", "new", "null", "second"), ifNoneMatch))
                .hasMessage("exists");
        assertThat(text(store.current("b", "new").orElseThrow())).isEqualTo("first");
        assertThatThrownBy(() -> store.deleteObject("b", "new", current -> {
                    throw new IllegalStateException("no");
                }))
                .hasMessage("no");
        assertThat(store.current("b", "new")).isPresent();
    }

    // ---- listing ----

    @Test
    void listingRollsUpPrefixesPagesAndSkipsDeleteMarkers() {
        bucket("b", "Enabled");
        for (String k : List.of("a/1", "a/2", "b", "c/x/1", "d"))
            store.putObject(inline("b", k, "v-" + k, k), Precondition.NONE);
        store.putObject(deleteMarker("b", "d", "m-d"), Precondition.NONE);

        assertThat(keys(store.listObjects("b", "", null, null, 100))).containsExactly("a/1", "a/2", "b", "c/x/1");
        ListPage<ListEntry> rolled = store.listObjects("b", "", "/", null, 100);
        assertThat(rolled.commonPrefixes()).containsExactly("a/", "c/");
        assertThat(keys(rolled)).containsExactly("b");
        assertThat(keys(store.listObjects("b", "c/", "/", null, 100))).isEmpty();
        assertThat(store.listObjects("b", "c/", "/", null, 100).commonPrefixes())
                .containsExactly("c/x/");

        ListPage<ListEntry> first = store.listObjects("b", "", "/", null, 2);
        assertThat(first.truncated()).isTrue();
        assertThat(first.commonPrefixes()).containsExactly("a/");
        assertThat(keys(first)).containsExactly("b");
        ListPage<ListEntry> second = store.listObjects("b", "", "/", first.nextMarker(), 2);
        assertThat(second.commonPrefixes()).containsExactly("c/");
        assertThat(second.truncated()).isFalse();

        ListPage<ListEntry> versions = store.listVersions("b", "", null, null, null, 3);
        assertThat(keys(versions)).containsExactly("a/1@v-a/1", "a/2@v-a/2", "b@v-b");
        assertThat(versions.truncated()).isTrue();
        String[] marker = versions.nextMarker().split("\n", -1);
        assertThat(keys(store.listVersions("b", "", null, marker[0], marker[1], 100)))
                .containsExactly("c/x/1@v-c/x/1", "d@m-d(marker)", "d@v-d");
    }

    @Test
    void versionsAfterScansInKeyThenNewestFirstOrderWithoutData() {
        bucket("b", "Enabled");
        store.putObject(inline("b", "a", "a1", "x"), Precondition.NONE);
        ObjectVersion a2 = store.putObject(inline("b", "a", "a2", "y"), Precondition.NONE);
        store.putObject(inline("b", "b", "b1", "z"), Precondition.NONE);
        List<ObjectVersion> all = store.versionsAfter("b", "", Long.MAX_VALUE, 10);
        assertThat(all).extracting(ObjectVersion::versionId).containsExactly("a2", "a1", "b1");
        assertThat(all).allSatisfy(v -> assertThat(v.inline()).isNull());
        assertThat(store.versionsAfter("b", "a", a2.seq(), 10))
                .extracting(ObjectVersion::versionId)
                .containsExactly("a1", "b1");
    }

    // ---- multipart ----

    @Test
    void multipartUploadCompletesIntoTheCurrentVersionAndReleasesUnusedParts() {
        bucket("b", "");
        store.createUpload(new Upload("u1", "b", "big", T0, meta(), "arn:aws:iam::123456789012:user/up", "AKIAUP"));
        assertThat(store.upload("u1")).map(Upload::initiatorKeyId).contains("AKIAUP");
        for (int n = 1; n <= 3; n++) {
            assertThat(store.putPart(new Part("u1", n, 10, "\"p" + n + "\"", T0, Map.of(), "part-" + n)))
                    .isTrue();
        }
        // Uploading a part again replaces it: the first blob loses its only reference.
        store.putPart(new Part("u1", 2, 10, "\"p2b\"", T0, Map.of("CRC32", "AAAAAA=="), "part-2b"));
        assertThat(released).containsExactly("part-2");
        ListPage<Part> page = store.parts("u1", 0, 2);
        assertThat(page.entries()).extracting(Part::partNumber).containsExactly(1, 2);
        assertThat(page.truncated()).isTrue();
        assertThat(page.nextMarker()).isEqualTo("2");
        assertThat(store.parts("u1", 2, 2).entries()).extracting(Part::blob).containsExactly("part-3");
        assertThat(store.allParts("u1")).extracting(Part::checksums).element(1).isEqualTo(Map.of("CRC32", "AAAAAA=="));

        ObjectVersion done = store.completeUpload(
                        "u1", inBlobs("b", "big", "null", "part-1", "part-2b"), Set.of(1, 2), Precondition.NONE)
                .orElseThrow();
        assertThat(done.latest()).isTrue();
        assertThat(released).containsExactly("part-2", "part-3");
        assertThat(store.isLiveBlob("part-1")).isTrue();
        assertThat(store.isLiveBlob("part-2b")).isTrue();
        assertThat(store.upload("u1")).isEmpty();
        assertThat(store.current("b", "big").orElseThrow().segments())
                .extracting(Segment::blob)
                .containsExactly("part-1", "part-2b");
        assertThat(store.completeUpload("u1", inBlobs("b", "big", "null", "part-1"), Set.of(1), Precondition.NONE))
                .isEmpty();
        assertThat(store.putPart(new Part("u1", 4, 10, "\"p4\"", T0, Map.of(), "part-4")))
                .isFalse();
    }

    @Test
    void abortingAnUploadReleasesItsPartsAndUploadsListInKeyOrder() {
        bucket("b", "");
        store.createUpload(new Upload("u2", "b", "k/2", T0 + 2, meta(), null, null));
        store.createUpload(new Upload("u1", "b", "k/1", T0 + 1, meta(), null, null));
        store.createUpload(new Upload("u0", "b", "other", T0, meta(), null, null));
        store.putPart(new Part("u1", 1, 10, "\"p\"", T0, Map.of(), "part-a"));
        assertThat(store.uploads("b", "", null, null, null, 100).entries())
                .extracting(Upload::uploadId)
                .containsExactly("u1", "u2", "u0");
        ListPage<Upload> rolled = store.uploads("b", "", "/", null, null, 100);
        assertThat(rolled.commonPrefixes()).containsExactly("k/");
        assertThat(rolled.entries()).extracting(Upload::uploadId).containsExactly("u0");
        assertThat(store.uploadsInitiatedBefore("b", T0 + 2, "", Long.MIN_VALUE, "", 10))
                .extracting(Upload::uploadId)
                .containsExactly("u1", "u0");
        assertThat(store.abortUpload("u1")).isTrue();
        assertThat(released).containsExactly("part-a");
        assertThat(store.abortUpload("u1")).isFalse();
    }

    // ---- blob references ----

    /** A copy of {@code source} (as read) to {@code key}: the same segments, as CopyObject writes it. */
    private Optional<ObjectVersion> copy(ObjectVersion source, String key, String versionId, boolean asLatest) {
        ObjectVersion v = inBlobs(
                "b",
                key,
                versionId,
                source.segments().stream().map(Segment::blob).toArray(String[]::new));
        return store.copyObject(v, CopySource.of(source, asLatest), Precondition.NONE);
    }

    @Test
    void aBlobSharedByTwoVersionsIsReleasedOnlyWithTheLastOne() {
        bucket("b", "Enabled");
        ObjectVersion source = store.putObject(inBlobs("b", "k", "v1", "shared"), Precondition.NONE);
        assertThat(copy(source, "copy", "c1", true)).isPresent();
        store.deleteVersion("b", "k", "v1", Precondition.NONE);
        assertThat(released).isEmpty();
        assertThat(store.isLiveBlob("shared")).isTrue();
        store.deleteVersion("b", "copy", "c1", Precondition.NONE);
        assertThat(released).containsExactly("shared");
        assertThat(store.isLiveBlob("shared")).isFalse();
    }

    @Test
    void copyingAnObjectOntoItselfKeepsItsBlob() {
        bucket("b", "");
        ObjectVersion source = store.putObject(inBlobs("b", "k", "null", "blob-1"), Precondition.NONE);
        assertThat(copy(source, "k", "null", true)).isPresent();
        assertThat(released).isEmpty();
        assertThat(store.isLiveBlob("blob-1")).isTrue();
        assertThat(store.current("b", "k").orElseThrow().segments())
                .extracting(Segment::blob)
                .containsExactly("blob-1");
    }

    @Test
    void aCopyWhoseSourceWasDeletedWritesNothingAndNeverBringsItsReleasedBlobBack() {
        bucket("b", "Enabled");
        ObjectVersion source = store.putObject(inBlobs("b", "k", "v1", "src-blob"), Precondition.NONE);
        // DeleteObject with the version id between the copy's read of its source and its write: the blob is let go.
        store.deleteVersion("b", "k", "v1", Precondition.NONE);
        assertThat(released).containsExactly("src-blob");

        assertThat(copy(source, "copy", "c1", false)).isEmpty();
        assertThat(copy(source, "copy", "c2", true)).isEmpty();
        assertThat(store.current("b", "copy")).isEmpty();
        assertThat(store.isLiveBlob("src-blob")).isFalse();
        // Nothing refers to the freed blob: a later upload of the same key releases nothing twice.
        store.putObject(inBlobs("b", "copy", "c3", "other"), Precondition.NONE);
        assertThat(released).containsExactly("src-blob");
    }

    @Test
    void aCopyTakesItsSourceOnlyWhileItIsStillTheVersionItRead() {
        bucket("b", "Enabled");
        ObjectVersion v1 = store.putObject(inBlobs("b", "k", "v1", "blob-1"), Precondition.NONE);
        store.putObject(inBlobs("b", "k", "v2", "blob-2"), Precondition.NONE);
        // Read as the latest (no version id in x-amz-copy-source): overwritten since, so read again.
        assertThat(copy(v1, "copy", "c1", true)).isEmpty();
        // Read by its version id: still there, as a noncurrent version.
        assertThat(copy(v1, "copy", "c2", false)).isPresent();

        // A "null" version given again, with the same sequence number, is not the version the copy read.
        bucket("u", "");
        ObjectVersion first = store.putObject(inBlobs("u", "k", "null", "null-1"), Precondition.NONE);
        store.deleteObject("u", "k", Precondition.NONE);
        ObjectVersion again = store.putObject(inBlobs("u", "k", "null", "null-2"), Precondition.NONE);
        assertThat(again.seq()).isEqualTo(first.seq());
        ObjectVersion target = inBlobs("b", "copy", "c3", "null-1");
        assertThat(store.copyObject(target, CopySource.of(first, false), Precondition.NONE))
                .isEmpty();
        assertThat(store.isLiveBlob("null-1")).isFalse();
    }

    @Test
    void aCompletionWhosePartWasUploadedAgainWritesNothingAndNeverBringsItsReleasedBlobBack() {
        bucket("b", "");
        store.createUpload(new Upload("u1", "b", "big", T0, meta(), null, null));
        store.putPart(new Part("u1", 1, 10, "\"p1\"", T0, Map.of(), "part-1"));
        store.putPart(new Part("u1", 2, 10, "\"p2\"", T0, Map.of(), "part-2"));
        // The completion read the parts; then part 1 is uploaded again, which releases its first blob.
        store.putPart(new Part("u1", 1, 10, "\"p1b\"", T0, Map.of(), "part-1b"));
        assertThat(released).containsExactly("part-1");

        assertThat(store.completeUpload(
                        "u1", inBlobs("b", "big", "null", "part-1", "part-2"), Set.of(1, 2), Precondition.NONE))
                .isEmpty();
        assertThat(store.current("b", "big")).isEmpty();
        assertThat(store.isLiveBlob("part-1")).isFalse();
        assertThat(store.upload("u1")).isPresent();
        // Read again, the parts complete.
        assertThat(store.completeUpload(
                        "u1", inBlobs("b", "big", "null", "part-1b", "part-2"), Set.of(1, 2), Precondition.NONE))
                .isPresent();
        assertThat(store.isLiveBlob("part-1b")).isTrue();
        assertThat(released).containsExactly("part-1");

        // Aborted between the read of its parts and the write: nothing written, nothing brought back.
        store.createUpload(new Upload("u2", "b", "other", T0, meta(), null, null));
        store.putPart(new Part("u2", 1, 10, "\"q\"", T0, Map.of(), "part-q"));
        assertThat(store.abortUpload("u2")).isTrue();
        assertThat(store.completeUpload("u2", inBlobs("b", "other", "null", "part-q"), Set.of(1), Precondition.NONE))
                .isEmpty();
        assertThat(store.isLiveBlob("part-q")).isFalse();
        assertThat(store.current("b", "other")).isEmpty();
    }

    @Test
    void copiesRacingTheDeletionOfTheirSourceEitherHoldItsBlobOrWriteNothing() throws Exception {
        bucket("b", "Enabled");
        int rounds = 40;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < rounds; round++) {
                String blob = "race-" + round;
                ObjectVersion source = store.putObject(inBlobs("b", "src", "s" + round, blob), Precondition.NONE);
                var start = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<Optional<ObjectVersion>>> copies = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    String versionId = "c" + round + "-" + i;
                    boolean asLatest = i % 2 == 0;
                    copies.add(pool.submit(() -> {
                        start.await();
                        return copy(source, "dst-" + versionId, versionId, asLatest);
                    }));
                }
                var delete = pool.submit(() -> {
                    start.await();
                    return store.deleteVersion("b", "src", source.versionId(), Precondition.NONE);
                });
                start.countDown();
                assertThat(delete.get()).isPresent();
                long written = 0;
                for (var f : copies) if (f.get().isPresent()) written++;
                if (written > 0) {
                    assertThat(store.isLiveBlob(blob))
                            .as("round %d: %d copies hold %s", round, written, blob)
                            .isTrue();
                    assertThat(released).doesNotContain(blob);
                } else {
                    assertThat(released).contains(blob);
                    assertThat(store.isLiveBlob(blob)).isFalse();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- recovery window ----

    @Test
    void aReplacedVersionIsHeldByTheWindowWithItsBlobsAndRestoredFromIt() {
        RecoveryWindow window = window(store);
        window.holding(true);
        bucket("b", "");
        store.putObject(inBlobs("b", "k", "null", "old-blob"), Precondition.NONE);
        store.putObject(inline("b", "k", "null", "new"), Precondition.NONE);
        assertThat(released).isEmpty();
        assertThat(store.isLiveBlob("old-blob")).isTrue();
        List<RecoveryWindow.Entry> held = window.after("b", "", 0, 10);
        assertThat(held).singleElement().satisfies(e -> {
            assertThat(e.version().segments()).extracting(Segment::blob).containsExactly("old-blob");
            assertThat(e.reason()).isEqualTo("PutObject");
        });
        assertThat(window.stats().versions()).isEqualTo(1);

        RecoveryWindow.Entry entry = held.getFirst();
        ObjectVersion back = new ObjectVersion(
                "b",
                "k",
                "null",
                0,
                true,
                false,
                10,
                "\"e\"",
                T0,
                meta(),
                entry.version().segments(),
                null,
                null,
                null);
        assertThat(store.promote(List.of(new Promotion(back, null, "null", entry.id()))))
                .containsExactly(PromotionOutcome.WRITTEN);
        assertThat(store.current("b", "k").orElseThrow().segments())
                .extracting(Segment::blob)
                .containsExactly("old-blob");
        assertThat(store.promote(List.of(new Promotion(back, null, "someone-else"))))
                .containsExactly(PromotionOutcome.CHANGED);

        // Purging the window lets go of what only the window held.
        window.holding(false);
        RecoveryWindow.Purge purge = window.purge("b", Long.MAX_VALUE, System.currentTimeMillis());
        assertThat(purge.purged()).hasSizeGreaterThanOrEqualTo(1);
        assertThat(window.after("b", "", 0, 10)).isEmpty();
        assertThat(store.isLiveBlob("old-blob")).isTrue();
    }
}

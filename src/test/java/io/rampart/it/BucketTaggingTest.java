package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Tag;

/** PutBucketTagging, GetBucketTagging, DeleteBucketTagging with AWS's limits (50 tags, key 128, value 256). */
class BucketTaggingTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static S3Client s3;
    static final String BUCKET = "tagged";

    @BeforeAll
    static void start() {
        s3 = RAMPART.s3();
        s3.createBucket(b -> b.bucket(BUCKET));
    }

    private static void put(List<Tag> tags) {
        s3.putBucketTagging(b -> b.bucket(BUCKET).tagging(t -> t.tagSet(tags)));
    }

    @Test
    void tagsRoundTripAndDeleteLeavesNoTagSet() {
        var put = s3.putBucketTagging(b -> b.bucket(BUCKET)
                .tagging(t -> t.tagSet(
                        Tag.builder().key("team").value("storage").build(),
                        Tag.builder().key("cost center").value("").build())));
        assertThat(put.sdkHttpResponse().statusCode()).isEqualTo(204);
        assertThat(s3.getBucketTagging(b -> b.bucket(BUCKET)).tagSet())
                .extracting(Tag::key, Tag::value)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("team", "storage"),
                        org.assertj.core.groups.Tuple.tuple("cost center", ""));
        // A second put replaces the whole set.
        put(List.of(Tag.builder().key("only").value("one").build()));
        assertThat(s3.getBucketTagging(b -> b.bucket(BUCKET)).tagSet())
                .extracting(Tag::key)
                .containsExactly("only");
        assertThat(s3.deleteBucketTagging(b -> b.bucket(BUCKET))
                        .sdkHttpResponse()
                        .statusCode())
                .isEqualTo(204);
        assertS3Error(
                () -> s3.getBucketTagging(b -> b.bucket(BUCKET)), 404, "NoSuchTagSet", "The TagSet does not exist");
    }

    @Test
    void fiftyTagsAreAllowedFiftyOneAreNot() {
        List<Tag> tags = new ArrayList<>();
        for (int i = 0; i < 50; i++)
            tags.add(Tag.builder().key("k" + i).value("v").build());
        put(tags);
        assertThat(s3.getBucketTagging(b -> b.bucket(BUCKET)).tagSet()).hasSize(50);
        tags.add(Tag.builder().key("k50").value("v").build());
        assertS3Error(() -> put(tags), 400, "InvalidTag", "Bucket tag count cannot be greater than 50");
        assertThat(s3.getBucketTagging(b -> b.bucket(BUCKET)).tagSet())
                .as("unchanged")
                .hasSize(50);
    }

    @Test
    void keyAndValueLengthsAreBounded() {
        put(List.of(Tag.builder().key("k".repeat(128)).value("v".repeat(256)).build()));
        assertS3Error(
                () -> put(List.of(Tag.builder().key("k".repeat(129)).value("v").build())),
                400,
                "InvalidTag",
                "The TagKey you have provided is too long, max 128");
        assertS3Error(
                () -> put(List.of(Tag.builder().key("k").value("v".repeat(257)).build())),
                400,
                "InvalidTag",
                "The TagValue you have provided is too long, max 256");
    }

    @Test
    void duplicateKeysAndAwsPrefixAreInvalidTag() {
        assertS3Error(
                () -> put(List.of(
                        Tag.builder().key("a").value("1").build(),
                        Tag.builder().key("a").value("2").build())),
                400,
                "InvalidTag",
                "Cannot provide multiple Tags with the same key");
        assertS3Error(
                () -> put(List.of(Tag.builder().key("aws:createdBy").value("me").build())), 400, "InvalidTag");
    }

    @Test
    void aBucketThatDoesNotExistIsNoSuchBucket() {
        assertS3Error(
                () -> s3.putBucketTagging(b -> b.bucket("tagged-missing")
                        .tagging(t -> t.tagSet(Tag.builder().key("a").value("b").build()))),
                404,
                "NoSuchBucket");
    }
}

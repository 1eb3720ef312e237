package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

class ObjectKeysTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static S3Client s3;

    /** Keys that are ordinary S3 keys but dangerous or awkward for a store that maps keys to paths or URLs. */
    static final List<String> AWKWARD_KEYS = List.of(
            "../escape-rampart-it",
            "../../../../../../../../tmp/escape-rampart-it-abs",
            "dir/../../escape-rampart-it-2",
            "./dot/./segment",
            "a//b",
            "/leading-slash",
            "trailing-slash/",
            "with space",
            "  leading and trailing spaces  ",
            "plus+sign",
            "percent%2Fliteral%",
            "%%%",
            "日本語/ü",
            "emoji-😀",
            "line\nbreak",
            "tab\there",
            "carriage\rreturn",
            "question?mark&and=equals#hash",
            "back\\slash",
            "semi;colon,comma:colon'quote\"dq",
            "tilde~star*paren()bang!at@dollar$",
            "<xml>&amp;</xml>");

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
    }

    static Stream<String> awkwardKeys() {
        return AWKWARD_KEYS.stream();
    }

    @ParameterizedTest
    @MethodSource("awkwardKeys")
    void awkwardKeyIsStoredVerbatimListedBackAndRetrievable(String key) throws Exception {
        String bucket = "keys-" + Integer.toHexString(key.hashCode() & 0x7fffffff);
        s3.createBucket(b -> b.bucket(bucket));
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("body of " + key));

        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String())
                .isEqualTo("body of " + key);
        assertThat(s3.headObject(b -> b.bucket(bucket).key(key)).contentLength())
                .isEqualTo(("body of " + key).getBytes(StandardCharsets.UTF_8).length);
        // ListObjectsV2 (the SDK asks for encoding-type=url and decodes) returns exactly the key.
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents())
                .extracting(S3Object::key)
                .containsExactly(key);
        // ListObjects v1 as well, without encoding-type (XML escaping only).
        assertThat(s3.listObjects(b -> b.bucket(bucket)).contents())
                .extracting(S3Object::key)
                .containsExactly(key);
        assertNothingOutsideTheDataDirAndNoFileNamedLikeTheKey(key);

        s3.deleteObject(b -> b.bucket(bucket).key(key));
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
    }

    @Test
    void allAwkwardKeysInOneBucketListBackVerbatimInOrder() {
        String bucket = "keys-all";
        s3.createBucket(b -> b.bucket(bucket));
        for (String key : AWKWARD_KEYS) s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(key));
        List<String> listed = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).maxKeys(5)).contents().forEach(o -> listed.add(o.key()));
        // S3 lists in UTF-8 binary order.
        List<String> expected = AWKWARD_KEYS.stream()
                .sorted((a, b) -> java.util.Arrays.compareUnsigned(
                        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)))
                .toList();
        assertThat(listed).containsExactlyElementsOf(expected);
        for (String key : AWKWARD_KEYS) {
            assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String())
                    .as(key)
                    .isEqualTo(key);
        }
    }

    static void assertNothingOutsideTheDataDirAndNoFileNamedLikeTheKey(String key) throws Exception {
        Path data = server.dataDir();
        for (String escape : List.of("escape-rampart-it", "escape-rampart-it-2")) {
            assertThat(data.getParent().resolve(escape)).doesNotExist();
        }
        assertThat(Path.of("/tmp/escape-rampart-it-abs")).doesNotExist();
        String[] segments = key.split("/");
        try (var files = Files.walk(data)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            for (String segment : segments) {
                if (segment.length() < 4 || segment.equals("dot")) continue; // too short to be meaningful
                assertThat(names).as("files under the data dir").doesNotContain(segment);
            }
        }
    }

    @Test
    void keyOf1024BytesIsAccepted() {
        String bucket = "keys-1024";
        s3.createBucket(b -> b.bucket(bucket));
        String ascii = "k".repeat(1024);
        String multibyte = "ü".repeat(512); // 2 bytes each in UTF-8
        for (String key : List.of(ascii, multibyte)) {
            s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("long"));
            assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String())
                    .isEqualTo("long");
        }
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents())
                .extracting(S3Object::key)
                .containsExactlyInAnyOrder(ascii, multibyte);
    }

    @Test
    void keyOf1025BytesIsKeyTooLongError() {
        String bucket = "keys-1025";
        s3.createBucket(b -> b.bucket(bucket));
        for (String key : List.of("k".repeat(1025), "ü".repeat(512) + "k")) {
            assertS3Error(
                    () -> s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("long")),
                    400,
                    "KeyTooLongError",
                    "Your key is too long");
        }
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
    }
}

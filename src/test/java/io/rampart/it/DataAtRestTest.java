package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.rampart.http.Rampart;
import io.rampart.s3.S3Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What reaches the disk: after SSE-C and SSE-S3 uploads, no file under the data directory holds object plaintext or
 * a customer key; a flipped byte in a stored blob makes the GET fail rather than return altered data; a data
 * directory whose master key went missing refuses to start.
 */
class DataAtRestTest {
    static final int MIB = 1024 * 1024;
    static final int HEADER = 16;

    /** Recognisable plaintext: the marker repeated with a counter, so any stored run of it is findable. */
    static byte[] marked(String marker, int size) {
        StringBuilder sb = new StringBuilder(size + 64);
        for (int i = 0; sb.length() < size; i++) sb.append(marker).append(String.format("%08d|", i));
        return Arrays.copyOf(sb.toString().getBytes(StandardCharsets.US_ASCII), size);
    }

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).collect(Collectors.toList());
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            if (haystack[i] != needle[0]) continue;
            for (int j = 1; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }

    static void sseCPut(S3Client s3, String bucket, String key, byte[] data, SseCKey k) {
        s3.putObject(
                b -> b.bucket(bucket)
                        .key(key)
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k.base64())
                        .sseCustomerKeyMD5(k.md5()),
                RequestBody.fromBytes(data));
    }

    @Test
    void dataDirectoryHoldsNeitherPlaintextNorCustomerKeys() throws Exception {
        try (RampartServer server = RampartServer.start(c -> c.s3(new S3Settings(true, false)));
                S3Client s3 = server.s3()) {
            s3.createBucket(b -> b.bucket("at-rest"));
            SseCKey k1 = SseCKey.random();
            SseCKey k2 = SseCKey.random();
            String cMarker = "SSEC-PLAINTEXT-MARKER-c41d";
            String sMarker = "SSES3-PLAINTEXT-MARKER-5e3f";
            sseCPut(s3, "at-rest", "c-small", marked(cMarker, 1024), k1);
            sseCPut(s3, "at-rest", "c-large", marked(cMarker, 3 * MIB), k1);
            s3.putObject(b -> b.bucket("at-rest").key("s-small"), RequestBody.fromBytes(marked(sMarker, 1024)));
            s3.putObject(b -> b.bucket("at-rest").key("s-large"), RequestBody.fromBytes(marked(sMarker, 3 * MIB)));
            // Re-keyed copies and a multipart upload (with a part copied from an SSE-C source).
            s3.copyObject(b -> b.sourceBucket("at-rest")
                    .sourceKey("c-large")
                    .destinationBucket("at-rest")
                    .destinationKey("c-copy")
                    .copySourceSSECustomerAlgorithm("AES256")
                    .copySourceSSECustomerKey(k1.base64())
                    .copySourceSSECustomerKeyMD5(k1.md5())
                    .sseCustomerAlgorithm("AES256")
                    .sseCustomerKey(k2.base64())
                    .sseCustomerKeyMD5(k2.md5()));
            String id = s3.createMultipartUpload(b -> b.bucket("at-rest")
                            .key("c-mpu")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(k2.base64())
                            .sseCustomerKeyMD5(k2.md5()))
                    .uploadId();
            String e1 = s3.uploadPart(
                            b -> b.bucket("at-rest")
                                    .key("c-mpu")
                                    .uploadId(id)
                                    .partNumber(1)
                                    .sseCustomerAlgorithm("AES256")
                                    .sseCustomerKey(k2.base64())
                                    .sseCustomerKeyMD5(k2.md5()),
                            RequestBody.fromBytes(marked(cMarker, 5 * MIB)))
                    .eTag();
            String e2 = s3.uploadPartCopy(b -> b.sourceBucket("at-rest")
                            .sourceKey("s-large")
                            .destinationBucket("at-rest")
                            .destinationKey("c-mpu")
                            .uploadId(id)
                            .partNumber(2)
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(k2.base64())
                            .sseCustomerKeyMD5(k2.md5()))
                    .copyPartResult()
                    .eTag();
            s3.completeMultipartUpload(b -> b.bucket("at-rest")
                    .key("c-mpu")
                    .uploadId(id)
                    .multipartUpload(m -> m.parts(
                            CompletedPart.builder().partNumber(1).eTag(e1).build(),
                            CompletedPart.builder().partNumber(2).eTag(e2).build())));
            // Every object reads back, so the scan below looks at a store that really holds them.
            assertThat(s3.getObjectAsBytes(b -> b.bucket("at-rest")
                                    .key("c-copy")
                                    .sseCustomerAlgorithm("AES256")
                                    .sseCustomerKey(k2.base64())
                                    .sseCustomerKeyMD5(k2.md5()))
                            .asByteArray())
                    .isEqualTo(marked(cMarker, 3 * MIB));

            List<Path> files = files(server.dataDir());
            assertThat(files).as("files under the data dir").isNotEmpty();
            assertThat(files.stream().map(p -> p.getFileName().toString())).contains("rampart.db");
            assertThat(files.stream().filter(p -> p.toString().contains("/blobs/")))
                    .as("blob files")
                    .hasSizeGreaterThanOrEqualTo(4);
            List<byte[]> needles = List.of(
                    cMarker.getBytes(StandardCharsets.US_ASCII),
                    sMarker.getBytes(StandardCharsets.US_ASCII),
                    k1.raw(),
                    k2.raw(),
                    k1.base64().getBytes(StandardCharsets.US_ASCII),
                    k2.base64().getBytes(StandardCharsets.US_ASCII));
            List<String> found = new ArrayList<>();
            for (Path f : files) {
                byte[] content = Files.readAllBytes(f);
                for (int i = 0; i < needles.size(); i++) {
                    if (contains(content, needles.get(i)))
                        found.add(server.dataDir().relativize(f) + " holds needle #" + i);
                }
            }
            assertThat(found)
                    .as("plaintext markers (#0, #1), raw customer keys (#2, #3) or their base64 (#4, #5) on disk")
                    .isEmpty();
        }
    }

    private static Set<Path> blobFiles(RampartServer server) throws IOException {
        return files(server.dataDir().resolve("blobs")).stream().collect(Collectors.toSet());
    }

    /** Puts an object and returns the one blob file it was stored in. */
    private static Path putAndFindBlob(RampartServer server, Runnable put) throws IOException {
        Set<Path> before = blobFiles(server);
        put.run();
        Set<Path> added = blobFiles(server);
        added.removeAll(before);
        assertThat(added).as("new blob files").hasSize(1);
        return added.iterator().next();
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(
                file, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.flip();
            b.put(0, (byte) (b.get(0) ^ 0x01));
            ch.write(b, offset);
        }
    }

    @Test
    void flippedByteInFirstChunkOfABlobFailsTheGet() throws Exception {
        try (RampartServer server = RampartServer.start(c -> c.s3(new S3Settings(true, false)));
                S3Client s3 = server.s3()) {
            s3.createBucket(b -> b.bucket("tamper"));
            byte[] data = new byte[300_000];
            new Random(1).nextBytes(data);
            Path blob = putAndFindBlob(
                    server, () -> s3.putObject(b -> b.bucket("tamper").key("s3"), RequestBody.fromBytes(data)));
            flipByte(blob, HEADER + 100);
            assertS3Error(() -> s3.getObjectAsBytes(b -> b.bucket("tamper").key("s3")), 500, "InternalError");
            // A range that touches only undamaged chunks still decrypts: each chunk authenticates on its own.
            assertThat(s3.getObjectAsBytes(b -> b.bucket("tamper").key("s3").range("bytes=200000-200099"))
                            .asByteArray())
                    .isEqualTo(Arrays.copyOfRange(data, 200000, 200100));

            SseCKey k = SseCKey.random();
            Path cBlob = putAndFindBlob(server, () -> sseCPut(s3, "tamper", "ssec", data, k));
            flipByte(cBlob, HEADER + 5);
            assertS3Error(
                    () -> s3.getObjectAsBytes(b -> b.bucket("tamper")
                            .key("ssec")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(k.base64())
                            .sseCustomerKeyMD5(k.md5())),
                    500,
                    "InternalError");
        }
    }

    @Test
    void flippedByteInALaterChunkNeverReturnsAlteredBytes() throws Exception {
        try (RampartServer server = RampartServer.start();
                S3Client s3 = server.s3()) {
            s3.createBucket(b -> b.bucket("tamper"));
            byte[] data = new byte[1_000_000];
            new Random(2).nextBytes(data);
            Path blob = putAndFindBlob(
                    server, () -> s3.putObject(b -> b.bucket("tamper").key("k"), RequestBody.fromBytes(data)));
            // The headers are sent once the first chunk authenticates; the damaged last chunk must break the body.
            flipByte(blob, Files.size(blob) - 30);
            Throwable t = catchThrowable(
                    () -> s3.getObjectAsBytes(b -> b.bucket("tamper").key("k")).asByteArray());
            assertThat(t).as("a GET over a damaged chunk must fail").isNotNull();
            if (t instanceof S3Exception e) assertThat(e.statusCode()).isGreaterThanOrEqualTo(500);
            Throwable ranged = catchThrowable(() ->
                    s3.getObjectAsBytes(b -> b.bucket("tamper").key("k").range("bytes=" + (data.length - 100) + "-")));
            assertThat(ranged)
                    .as("a range GET inside the damaged chunk must fail")
                    .isInstanceOf(S3Exception.class);
            assertThat(((S3Exception) ranged).statusCode()).isEqualTo(500);

            // A truncated blob: the last chunk no longer authenticates.
            Path other = putAndFindBlob(
                    server, () -> s3.putObject(b -> b.bucket("tamper").key("t"), RequestBody.fromBytes(data)));
            try (var ch = java.nio.channels.FileChannel.open(other, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(Files.size(other) - 10);
            }
            assertS3Error(
                    () -> s3.getObjectAsBytes(
                            b -> b.bucket("tamper").key("t").range("bytes=" + (data.length - 5) + "-")),
                    500,
                    "InternalError");
            assertThat(catchThrowable(
                            () -> s3.getObjectAsBytes(b -> b.bucket("tamper").key("t"))))
                    .isNotNull();
        }
    }

    @Test
    void missingMasterKeyRefusesToStart(@TempDir Path dir) throws Exception {
        Rampart.Config config = Rampart.Config.builder(dir)
                .rootKey(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)
                .build();
        byte[] data = new byte[100_000];
        new Random(3).nextBytes(data);
        try (Rampart r = Rampart.start(config);
                S3Client s3 = client(r)) {
            s3.createBucket(b -> b.bucket("keep"));
            s3.putObject(b -> b.bucket("keep").key("k"), RequestBody.fromBytes(data));
        }
        assertThat(Files.exists(dir.resolve("master.key"))).isTrue();
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(dir.resolve("master.key"))))
                    .isEqualTo("rw-------");
        }
        byte[] key = Files.readAllBytes(dir.resolve("master.key"));
        Files.delete(dir.resolve("master.key"));
        assertThatThrownBy(() -> Rampart.start(config).close())
                .hasMessageContaining("master key")
                .hasMessageContaining("master.key");
        assertThat(Files.exists(dir.resolve("master.key")))
                .as("no new key is created over existing data")
                .isFalse();

        // Another key is refused too.
        Files.writeString(dir.resolve("master.key"), Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        assertThatThrownBy(() -> Rampart.start(config).close()).hasMessageContaining("master key");

        // With the right key back, the data reads again.
        Files.write(dir.resolve("master.key"), key);
        try (Rampart r = Rampart.start(config);
                S3Client s3 = client(r)) {
            assertThat(s3.getObjectAsBytes(b -> b.bucket("keep").key("k")).asByteArray())
                    .isEqualTo(data);
        }
    }

    private static S3Client client(Rampart r) {
        return S3Client.builder()
                .endpointOverride(java.net.URI.create(r.endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)))
                .forcePathStyle(true)
                .build();
    }
}

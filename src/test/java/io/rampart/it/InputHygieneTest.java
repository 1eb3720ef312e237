package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.audit.TrailLayout;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Small ways in which bytes a client sends could be misread or leak: keys that are not UTF-8 (two different keys
 * colliding on U+FFFD), bucket policies that are not UTF-8, error documents a strict XML parser refuses, and files
 * other local users can read.
 */
class InputHygieneTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static RawS3 raw;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        raw = RAMPART.raw();
        RAMPART.s3().createBucket(b -> b.bucket("hygiene"));
    }

    @Test
    void keysWhoseBytesAreNotUtf8AreRefusedInvalidUriInsteadOfCollidingOnTheReplacementCharacter() {
        RawS3.Reply first = raw.signed("PUT", "/hygiene/a%FFb", Map.of(), "one".getBytes(StandardCharsets.UTF_8));
        assertThat(first.status()).isEqualTo(400);
        assertThat(first.error())
                .containsEntry("Code", "InvalidURI")
                .containsEntry("Message", "Couldn't parse the specified URI.");
        RawS3.Reply second = raw.signed("PUT", "/hygiene/a%FEb", Map.of(), "two".getBytes(StandardCharsets.UTF_8));
        assertThat(second.status()).isEqualTo(400);
        // Nothing was stored under U+FFFD.
        assertThat(server.s3()
                        .listObjectsV2(b -> b.bucket("hygiene").prefix("a"))
                        .contents())
                .isEmpty();
        // A key really holding U+FFFD (sent as valid UTF-8) is an ordinary key.
        assertThat(raw.signed("PUT", "/hygiene/a%EF%BF%BDb", Map.of(), new byte[] {1})
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aBucketPolicyThatIsNotUtf8IsMalformedPolicy() {
        String valid =
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::"
                        + server.accountId()
                        + ":root\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::hygiene/X*\"}]}";
        byte[] body = valid.getBytes(StandardCharsets.UTF_8);
        int x = valid.indexOf('X');
        body[x] = (byte) 0xFF;
        RawS3.Reply r = raw.signed("PUT", "/hygiene?policy", Map.of("Content-Type", "application/json"), body);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).containsEntry("Code", "MalformedPolicy");
    }

    @Test
    void errorDocumentsNeverCarryCharactersXml10Forbids() throws Exception {
        RawS3.Reply r = raw.signed("GET", "/hygiene/ctl%01%1Fkey", Map.of(), null);
        assertThat(r.status()).isEqualTo(404);
        // A strict XML 1.0 parser (the JDK's) takes the whole document; &#x1; would make it fail.
        var d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(r.body()));
        assertThat(d.getDocumentElement().getElementsByTagName("Code").item(0).getTextContent())
                .isEqualTo("NoSuchKey");
        assertThat(r.text()).doesNotContain("&#x1;").contains("ctl\uFFFD\uFFFDkey");
    }

    @Test
    void theDataDirectoryIsTheOwnersAndItsFilesAreNotReadableByOthers() throws Exception {
        server.s3().putObject(b -> b.bucket("hygiene").key("big"), RequestBody.fromBytes(new byte[256 * 1024]));
        server.rampart().detector().pass(true);
        Path dir = server.dataDir();
        assertThat(Files.getPosixFilePermissions(dir))
                .containsExactlyInAnyOrder(
                        PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.OWNER_EXECUTE);
        Set<PosixFilePermission> ownerOnly = Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        for (String f : List.of("rampart.db", "rampart.db-wal", "rampart.db-shm", "master.key")) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(f))).as(f).isEqualTo(ownerOnly);
        }
        List<Path> blobs;
        try (Stream<Path> s = Files.walk(dir.resolve("blobs"))) {
            blobs = s.filter(Files::isRegularFile).toList();
        }
        assertThat(blobs).isNotEmpty();
        TrailLayout layout = RampartServer.nodeTrail(dir);
        List<Path> trail;
        try (Stream<Path> s = Files.walk(layout.segments())) {
            trail = s.filter(Files::isRegularFile).toList();
        }
        assertThat(trail).isNotEmpty();
        for (Path p : Stream.concat(Stream.concat(blobs.stream(), trail.stream()), Stream.of(layout.state()))
                .toList()) {
            assertThat(Files.getPosixFilePermissions(p)).as(p.toString()).isEqualTo(ownerOnly);
        }
    }
}

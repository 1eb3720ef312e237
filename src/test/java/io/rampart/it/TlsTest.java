package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.rampart.http.Rampart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Random;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** HTTPS with a generated self-signed certificate: the SDK works when it trusts that certificate, and only then. */
class TlsTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults().selfSignedTls();

    static RampartServer server;
    static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
    }

    @Test
    void sdkOverHttpsPutsAndGets() {
        assertThat(server.endpoint().getScheme()).isEqualTo("https");
        s3.createBucket(b -> b.bucket("tls"));
        byte[] data = new byte[2 * 1024 * 1024 + 5];
        new Random(4).nextBytes(data);
        var put = s3.putObject(b -> b.bucket("tls").key("k"), RequestBody.fromBytes(data));
        assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(s3.getObjectAsBytes(b -> b.bucket("tls").key("k")).asByteArray())
                .isEqualTo(data);
    }

    @Test
    void sdkOverHttpsWithSseCUsesTheDefaultSettings() {
        // The default server settings refuse SSE-C over HTTP only; over HTTPS it works once the bucket allows it.
        s3.createBucket(b -> b.bucket("tls-ssec"));
        s3.putBucketEncryption(b -> b.bucket("tls-ssec")
                .serverSideEncryptionConfiguration(c -> c.rules(
                        r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256))
                                .blockedEncryptionTypes(t -> t.encryptionType(
                                        software.amazon.awssdk.services.s3.model.EncryptionType.NONE)))));
        SseCKey k = SseCKey.random();
        byte[] data = new byte[70_000];
        new Random(5).nextBytes(data);
        s3.putObject(
                b -> b.bucket("tls-ssec")
                        .key("k")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k.base64())
                        .sseCustomerKeyMD5(k.md5()),
                RequestBody.fromBytes(data));
        assertThat(s3.getObjectAsBytes(b -> b.bucket("tls-ssec")
                                .key("k")
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(k.base64())
                                .sseCustomerKeyMD5(k.md5()))
                        .asByteArray())
                .isEqualTo(data);
    }

    @Test
    void clientThatDoesNotTrustTheCertificateIsRefused() {
        try (S3Client untrusting = server.s3()) {
            Throwable t = catchThrowable(() -> untrusting.listBuckets());
            assertThat(t).isInstanceOf(SdkClientException.class);
            assertThat(isSsl(t)).as("an SSL handshake failure in %s", t).isTrue();
        }
    }

    @Test
    void certificateIsKeptInTheDataDirectoryOwnerOnly() throws Exception {
        var tls = server.dataDir().resolve("tls");
        assertThat(tls.resolve("self-signed.p12")).exists();
        var pass = tls.resolve("self-signed.pass");
        if (java.nio.file.Files.getFileStore(pass).supportsFileAttributeView("posix")) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                            java.nio.file.Files.getPosixFilePermissions(pass)))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void pemCertificateAndKeyServeHttps(@TempDir Path dir) throws Exception {
        // A certificate and PKCS#8 key as an operator would bring them (--tls-cert / --tls-key).
        Path p12 = dir.resolve("made.p12");
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(
                        keytool,
                        "-genkeypair",
                        "-alias",
                        "op",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=ip:127.0.0.1,dns:localhost",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        p12.toString(),
                        "-storepass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        Certificate cert = ks.getCertificate("op");
        Base64.Encoder pem = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        Path certFile = Files.writeString(
                dir.resolve("cert.pem"),
                "-----BEGIN CERTIFICATE-----\n" + pem.encodeToString(cert.getEncoded())
                        + "\n-----END CERTIFICATE-----\n");
        Path keyFile =
                Files.writeString(
                        dir.resolve("key.pem"),
                        "-----BEGIN PRIVATE KEY-----\n"
                                + pem.encodeToString(ks.getKey("op", "changeit".toCharArray())
                                        .getEncoded()) + "\n-----END PRIVATE KEY-----\n");

        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("op", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        try (RampartServer pemServer = RampartServer.start(c -> c.tls(new Rampart.Tls(certFile, keyFile, false)));
                S3Client client = pemServer.s3Trusting(tmf.getTrustManagers())) {
            assertThat(pemServer.endpoint().getScheme()).isEqualTo("https");
            client.createBucket(b -> b.bucket("pem"));
            client.putObject(b -> b.bucket("pem").key("k"), RequestBody.fromString("over pem tls"));
            assertThat(client.getObjectAsBytes(b -> b.bucket("pem").key("k")).asUtf8String())
                    .isEqualTo("over pem tls");
        }
    }

    static boolean isSsl(Throwable t) {
        for (; t != null; t = t.getCause()) if (t instanceof SSLException) return true;
        return false;
    }
}

package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.auth.SigV2Signature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Metadata values with non-ASCII characters sent as raw UTF-8 bytes and signed over those bytes (curl, some SDKs): the
 * signature verifies under SigV4 and SigV2 and the bytes come back verbatim. (The Java SDK's ISO-8859-1 form and RFC 2047
 * encoded words are covered in ObjectOperationsTest.)
 */
class NonAsciiMetadataTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static final String VALUE = "€ ü 日本";

    @BeforeAll
    static void start() {
        server = RAMPART.server();
        RAMPART.s3().createBucket(b -> b.bucket("utf8-meta"));
    }

    /** Sends a request with header values written as UTF-8 bytes; answers the status line and headers as raw bytes. */
    static String send(String method, String path, Map<String, String> headers, byte[] body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            req.write((method + " " + path + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII));
            for (Map.Entry<String, String> h : headers.entrySet()) {
                req.write((h.getKey() + ": " + h.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            req.write(("Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            req.write(body);
            OutputStream out = socket.getOutputStream();
            out.write(req.toByteArray());
            out.flush();
            byte[] all = socket.getInputStream().readAllBytes();
            return new String(all, StandardCharsets.UTF_8);
        }
    }

    static Map<String, String> sigV4(String method, String path, Map<String, String> headers, byte[] body) {
        SdkHttpRequest.Builder req = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .uri(server.endpoint().resolve(path));
        headers.forEach(req::putHeader);
        var signed = AwsV4HttpSigner.create()
                .sign(SignRequest.builder(
                                AwsCredentialsIdentity.create(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY))
                        .request(req.build())
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                        .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                        .build());
        Map<String, String> wire = new LinkedHashMap<>();
        signed.request().forEachHeader((name, values) -> wire.put(name, String.join(",", values)));
        return wire;
    }

    @Test
    void rawUtf8SignedWithSigV4RoundTripsVerbatim() throws IOException {
        byte[] body = "x".getBytes(StandardCharsets.UTF_8);
        String put = send(
                "PUT", "/utf8-meta/v4", sigV4("PUT", "/utf8-meta/v4", Map.of("x-amz-meta-note", VALUE), body), body);
        assertThat(put).startsWith("HTTP/1.1 200");
        String head = send("HEAD", "/utf8-meta/v4", sigV4("HEAD", "/utf8-meta/v4", Map.of(), new byte[0]), new byte[0]);
        assertThat(head).startsWith("HTTP/1.1 200").contains("x-amz-meta-note: " + VALUE + "\r\n");
        // A different value under the same signature is refused.
        Map<String, String> signed = sigV4("PUT", "/utf8-meta/forged", Map.of("x-amz-meta-note", VALUE), body);
        signed.put("x-amz-meta-note", "€ ü 日本!");
        assertThat(send("PUT", "/utf8-meta/forged", signed, body))
                .startsWith("HTTP/1.1 403")
                .contains("SignatureDoesNotMatch");
    }

    @Test
    void rawUtf8SignedWithSigV2RoundTripsVerbatim() throws IOException {
        String date =
                DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC).format(Instant.now());
        String toSign = "PUT\n\n\n" + date + "\nx-amz-meta-note:" + VALUE + "\n/utf8-meta/v2";
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Host", "127.0.0.1:" + server.port());
        h.put("Date", date);
        h.put("x-amz-meta-note", VALUE);
        h.put(
                "Authorization",
                "AWS " + RampartServer.ACCESS_KEY + ":" + SigV2Signature.sign(RampartServer.SECRET_KEY, toSign));
        assertThat(send("PUT", "/utf8-meta/v2", h, "y".getBytes(StandardCharsets.UTF_8)))
                .startsWith("HTTP/1.1 200");
        String head = send("HEAD", "/utf8-meta/v2", sigV4("HEAD", "/utf8-meta/v2", Map.of(), new byte[0]), new byte[0]);
        assertThat(head).contains("x-amz-meta-note: " + VALUE + "\r\n");
    }
}

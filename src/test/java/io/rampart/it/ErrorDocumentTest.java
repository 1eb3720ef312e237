package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

class ErrorDocumentTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static S3Client s3;
    static RawS3 raw;
    static final String BUCKET = "errors";

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        raw = RAMPART.raw();
        s3.createBucket(b -> b.bucket(BUCKET));
        s3.putObject(b -> b.bucket(BUCKET).key("present"), RequestBody.fromString("here"));
    }

    /** Checks the parts every S3 error shares: status, request id header, XML body with Code, Message, Resource, RequestId. */
    static Map<String, String> assertErrorDocument(
            RawS3.Reply r, int status, String code, String message, String resource) {
        assertThat(r.status()).as("status; body %s", r.text()).isEqualTo(status);
        String requestId = r.header("x-amz-request-id");
        assertThat(requestId).as("x-amz-request-id").isNotBlank();
        assertThat(r.header("content-type")).startsWith("application/xml");
        Map<String, String> e = r.error();
        assertThat(e.get("#root")).isEqualTo("Error");
        assertThat(e.get("Code")).isEqualTo(code);
        assertThat(e.get("Message")).isEqualTo(message);
        assertThat(e.get("Resource")).isEqualTo(resource);
        assertThat(e.get("RequestId")).isEqualTo(requestId);
        assertThat(r.text()).startsWith("<?xml");
        return e;
    }

    @Test
    void noSuchKeyHasRequestIdAndAWellFormedErrorDocumentNamingTheKey() {
        var e = assertErrorDocument(
                raw.signed("GET", "/" + BUCKET + "/missing%20key", Map.of(), null),
                404,
                "NoSuchKey",
                "The specified key does not exist.",
                "/" + BUCKET + "/missing key");
        assertThat(e.get("Key")).isEqualTo("missing key");
    }

    @Test
    void noSuchBucketHasAWellFormedErrorDocumentNamingTheBucket() {
        var e = assertErrorDocument(
                raw.signed("GET", "/no-such-bucket-x/k", Map.of(), null),
                404,
                "NoSuchBucket",
                "The specified bucket does not exist",
                "/no-such-bucket-x/k");
        assertThat(e.get("BucketName")).isEqualTo("no-such-bucket-x");
    }

    @Test
    void errorOnHeadHasRequestIdButNoBody() {
        var r = raw.signed("HEAD", "/" + BUCKET + "/missing", Map.of(), null);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("x-amz-request-id")).isNotBlank();
        assertThat(r.body()).isEmpty();
    }

    @Test
    void successfulResponsesCarryARequestIdToo() {
        var r = raw.signed("GET", "/" + BUCKET + "/present", Map.of(), null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-amz-request-id")).isNotBlank();
        assertThat(r.text()).isEqualTo("here");
    }

    @Test
    void requestSignedWithUnknownAccessKeyIsInvalidAccessKeyId() {
        assertErrorDocument(
                raw.signed("AKIAUNKNOWN000000000", RampartServer.SECRET_KEY, "GET", "/" + BUCKET, Map.of(), null),
                403,
                "InvalidAccessKeyId",
                "The AWS Access Key Id you provided does not exist in our records.",
                "/" + BUCKET);
        try (S3Client stranger = server.s3("AKIAUNKNOWN000000000", RampartServer.SECRET_KEY)) {
            assertS3Error(
                    () -> stranger.listObjectsV2(b -> b.bucket(BUCKET)),
                    403,
                    "InvalidAccessKeyId",
                    "The AWS Access Key Id you provided does not exist in our records.");
        }
    }

    @Test
    void requestSignedWithWrongSecretIsSignatureDoesNotMatch() {
        String message =
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.";
        assertErrorDocument(
                raw.signed(RampartServer.ACCESS_KEY, "wrong-secret", "GET", "/" + BUCKET + "/present", Map.of(), null),
                403,
                "SignatureDoesNotMatch",
                message,
                "/" + BUCKET + "/present");
        try (S3Client wrong = server.s3(RampartServer.ACCESS_KEY, "wrong-secret")) {
            assertS3Error(
                    () -> wrong.getObjectAsBytes(b -> b.bucket(BUCKET).key("present")),
                    403,
                    "SignatureDoesNotMatch",
                    message);
        }
    }

    @ParameterizedTest(name = "anonymous {0} {1}")
    @CsvSource({
        "GET,    /errors",
        "GET,    /errors?list-type=2",
        "GET,    /errors/present",
        "PUT,    /errors/anonymous-write",
        "DELETE, /errors/present",
        "GET,    /",
        "PUT,    /anonymous-bucket",
    })
    void unsignedRequestIsAccessDenied(String method, String path) {
        byte[] body = method.equals("PUT") ? "data".getBytes(StandardCharsets.UTF_8) : null;
        var r = raw.unsigned(method, path, Map.of(), body);
        String resource = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        assertErrorDocument(r, 403, "AccessDenied", "Access Denied", resource);
        // Nothing changed.
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("present")).asUtf8String())
                .isEqualTo("here");
        assertThat(raw.signed("HEAD", "/" + BUCKET + "/anonymous-write", Map.of(), null)
                        .status())
                .isEqualTo(404);
        assertThat(raw.signed("HEAD", "/anonymous-bucket", Map.of(), null).status())
                .isEqualTo(404);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "PUT,    /errors?accelerate",
        "GET,    /errors?analytics",
        "GET,    /errors?inventory",
        "PUT,    /errors?intelligent-tiering",
        "GET,    /errors?metrics",
        "GET,    /errors/present?torrent",
        "POST,   /errors/present?restore",
    })
    void unimplementedOperationIsNotImplemented501(String method, String path) {
        byte[] body = method.equals("PUT") ? "<Anything/>".getBytes(StandardCharsets.UTF_8) : null;
        var r = raw.signed(method, path, Map.of(), body);
        assertErrorDocument(
                r,
                501,
                "NotImplemented",
                "A header you provided implies functionality that is not implemented",
                path.substring(0, path.indexOf('?')));
        // The bucket and the object are still there: the request was not mistaken for DeleteBucket or PutObject.
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("present")).asUtf8String())
                .isEqualTo("here");
    }

    @Test
    void unimplementedOperationThroughTheSdkIsNotImplemented() {
        assertS3Error(
                () -> s3.putBucketAccelerateConfiguration(
                        b -> b.bucket(BUCKET).accelerateConfiguration(a -> a.status("Enabled"))),
                501,
                "NotImplemented",
                "A header you provided implies functionality that is not implemented");
    }
}

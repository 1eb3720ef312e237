package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.audit.TrailLayout;
import io.rampart.detect.Finding;
import io.rampart.http.Rampart;
import io.rampart.iam.AccessKey;
import io.rampart.s3.S3Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.EncryptionType;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Replays of what an attacker with no credentials (or a useless key) sends to switch detection off or tie up the server:
 * huge unauthenticated form bodies, hostile records planted in the trail files, stalled and abandoned bodies. After each,
 * an in-place SSE-C re-encryption by an IAM user must still be contained.
 */
class HostileInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HUGE = 21 * 1024 * 1024;
    private RampartServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private void start(Duration rotateEvery, Duration idleTimeout) throws Exception {
        server = RampartServer.start(c -> c.s3(new S3Settings(true, true, idleTimeout))
                .autoRespond(true)
                .trail(new Rampart.TrailTiming(rotateEvery, 64L << 20, Duration.ofHours(1))));
    }

    // ---------------------------------------------------------------- finding 1: oversized unauthenticated bodies

    @Test
    void aHugeUnauthenticatedGetCallerIdentityIsRefusedBeforeItsBodyIsReadAndDetectionGoesOn() throws Exception {
        start(Duration.ofSeconds(1), S3Settings.DEFAULT_IDLE_TIMEOUT);
        String prefix = "Action=GetCallerIdentity&Version=2011-06-15&Junk=";
        Reply r = sendDeclaringHugeBody(
                "POST",
                "/",
                Map.of("Content-Type", "application/x-www-form-urlencoded"),
                prefix,
                prefix.length() + HUGE);
        assertThat(r.status).isEqualTo(413);
        assertThat(r.body).contains("<Code>RequestEntityTooLarge</Code>");
        awaitSealedStsRecord();
        attackIsContained();
    }

    @Test
    void aHugeAnonymousAssumeRoleWithWebIdentityIsRefusedAndDetectionGoesOn() throws Exception {
        start(Duration.ofSeconds(1), S3Settings.DEFAULT_IDLE_TIMEOUT);
        String prefix = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/x"
                + "&RoleSessionName=s&WebIdentityToken=t&Junk=";
        Reply r = sendDeclaringHugeBody(
                "POST",
                "/",
                Map.of("Content-Type", "application/x-www-form-urlencoded"),
                prefix,
                prefix.length() + HUGE);
        assertThat(r.status).isEqualTo(413);
        assertThat(r.body).contains("<Code>RequestEntityTooLarge</Code>");
        awaitSealedStsRecord();
        attackIsContained();
    }

    @Test
    void aUserWithNoPolicyCannotSendAHugeIamBodySignedOrUnsigned() throws Exception {
        start(TrailDefaults.ROTATE, S3Settings.DEFAULT_IDLE_TIMEOUT);
        AccessKey nobody = server.rampart().iam().createUserWithKey("nobody");
        for (boolean unsigned : new boolean[] {true, false}) {
            Map<String, String> headers = signedHeaders(nobody, "iam", "POST", "/", HUGE, unsigned);
            Reply r = sendDeclaringHugeBody("POST", "/", headers, "Action=ListUsers&Version=2010-05-08&Junk=", HUGE);
            assertThat(r.status).as("unsigned payload: " + unsigned).isEqualTo(413);
            assertThat(r.body).contains("<Code>RequestEntityTooLarge</Code>");
        }
    }

    @Test
    void anOversizedXmlConfigurationBodyIsMaxMessageLengthExceeded() throws Exception {
        start(TrailDefaults.ROTATE, S3Settings.DEFAULT_IDLE_TIMEOUT);
        server.s3().createBucket(b -> b.bucket("configs"));
        Map<String, String> headers = signedHeaders("PUT", "/configs?lifecycle", 2 << 20, false);
        Reply r = sendDeclaringHugeBody("PUT", "/configs?lifecycle", headers, "<LifecycleConfiguration>", 2 << 20);
        assertThat(r.status).isEqualTo(400);
        assertThat(r.body).contains("<Code>MaxMessageLengthExceeded</Code>");
    }

    @Test
    void anErrorAnsweredBeforeTheBodyArrivedTellsTheClientNotToReuseTheConnection() throws Exception {
        start(TrailDefaults.ROTATE, S3Settings.DEFAULT_IDLE_TIMEOUT);
        server.s3().createBucket(b -> b.bucket("reuse"));
        // S3's error writer: an XML body refused on its declared length.
        Map<String, String> s3Headers = signedHeaders("PUT", "/reuse?lifecycle", 2 << 20, false);
        Reply s3 = sendDeclaringHugeBody("PUT", "/reuse?lifecycle", s3Headers, "<LifecycleConfiguration>", 2 << 20);
        assertThat(s3.status).isEqualTo(400);
        assertThat(s3.body).contains("<Code>MaxMessageLengthExceeded</Code>");
        assertThat(s3.headers.toLowerCase(java.util.Locale.ROOT)).contains("connection: close");
        // IAM/STS's error writer: an unsigned and a signed form body over the limit.
        String prefix = "Action=GetCallerIdentity&Version=2011-06-15&Junk=";
        Reply sts = sendDeclaringHugeBody(
                "POST",
                "/",
                Map.of("Content-Type", "application/x-www-form-urlencoded"),
                prefix,
                prefix.length() + HUGE);
        assertThat(sts.status).isEqualTo(413);
        assertThat(sts.body).contains("<Code>RequestEntityTooLarge</Code>");
        assertThat(sts.headers.toLowerCase(java.util.Locale.ROOT)).contains("connection: close");
        AccessKey nobody = server.rampart().iam().createUserWithKey("reuser");
        Reply iam = sendDeclaringHugeBody(
                "POST",
                "/",
                signedHeaders(nobody, "iam", "POST", "/", HUGE, false),
                "Action=ListUsers&Version=2010-05-08&Junk=",
                HUGE);
        assertThat(iam.status).isEqualTo(413);
        assertThat(iam.headers.toLowerCase(java.util.Locale.ROOT)).contains("connection: close");
        // A complete body read before the error keeps the connection: nothing to discard, nothing to close.
        Reply whole = send(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: " + prefix.length() + "\r\n\r\n" + prefix)
                .getBytes(StandardCharsets.UTF_8));
        assertThat(whole.status).isEqualTo(403);
        assertThat(whole.headers.toLowerCase(java.util.Locale.ROOT)).doesNotContain("connection: close");
    }

    @Test
    void aFormParameterJustUnderTheBodyLimitLeavesABoundedTrailRecordMarkedOmitted() throws Exception {
        start(TrailDefaults.ROTATE, S3Settings.DEFAULT_IDLE_TIMEOUT);
        String body = "Action=GetCallerIdentity&Version=2011-06-15&Junk=" + "A".repeat(1000_000);
        Reply r = send(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(r.status).isEqualTo(403);
        JsonNode rec = awaitRecord(n -> n.path("eventName").asText().equals("GetCallerIdentity")
                && n.path("errorCode").asText().equals("MissingAuthenticationToken"));
        assertThat(rec.toString().length()).isLessThanOrEqualTo(io.rampart.audit.RecordBounds.MAX_RECORD_BYTES);
        assertThat(rec.path("requestParameters").path("omitted").asBoolean()).isTrue();
        assertThat(rec.path("requestParameters").path("junk").asText())
                .hasSizeLessThanOrEqualTo(io.rampart.audit.RecordBounds.MAX_STRING);
    }

    @Test
    void aLifecycleRulePaddedWithWhitespaceStillReachesTheTrailForDetection() throws Exception {
        start(TrailDefaults.ROTATE, S3Settings.DEFAULT_IDLE_TIMEOUT);
        server.s3().createBucket(b -> b.bucket("padded"));
        String xml = "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" + " ".repeat(200_000)
                + "<Rule><ID>wipe</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days>"
                + "</Expiration></Rule></LifecycleConfiguration>";
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        String md5 = java.util.Base64.getEncoder()
                .encodeToString(java.security.MessageDigest.getInstance("MD5").digest(body));
        RawS3.Reply r = new RawS3(server).signed("PUT", "/padded?lifecycle", Map.of("Content-MD5", md5), body);
        assertThat(r.status()).isEqualTo(200);
        JsonNode rec = awaitRecord(n -> n.path("eventName").asText().equals("PutBucketLifecycle"));
        assertThat(rec.path("requestParameters")
                        .path("LifecycleConfiguration")
                        .path("Rule")
                        .path("Expiration")
                        .path("Days")
                        .asText())
                .isEqualTo("1");
    }

    // ---------------------------------------------------------------- finding 1: hostile records in the trail files

    @Test
    void corruptHugeAndTruncatedTrailRecordsAreReportedSkippedAndTheAttackIsStillContained() throws Exception {
        start(TrailDefaults.ROTATE, S3Settings.DEFAULT_IDLE_TIMEOUT);
        TrailLayout layout = RampartServer.nodeTrail(server.dataDir());
        String acct = server.accountId();
        // The detector's first pass takes the trail as it finds it as history: plant after it.
        server.rampart().detector().pass(false);
        // A segment as disk corruption or a hostile writer would leave it: a broken record, a 2 MiB one, then a good
        // one.
        String good =
                "{\"eventVersion\":\"1.11\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"eventSource\":\"s3.amazonaws.com\","
                        + "\"eventName\":\"GetObject\",\"requestParameters\":{\"bucketName\":\"x\"}}";
        String segment = "{\"eventVersion\":\"1.11\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"eventName\":\n"
                + "{\"eventTime\":\"2026-01-01T00:00:00Z\",\"junk\":\"" + "B".repeat(2 << 20) + "\"}\n"
                + good + "\n";
        // A sealed log file cut short: two records of which the second is cut in half.
        byte[] gz = gzip(("{\"Records\":[" + good + "," + good + "]}").getBytes(StandardCharsets.UTF_8));
        Path sealed = layout.resolve("AWSLogs/" + acct + "/CloudTrail/us-east-1/2026/01/01/" + acct
                + "_CloudTrail_us-east-1_20260101T0000Z_00000000000000bb.json.gz");
        Files.createDirectories(sealed.getParent());
        Files.write(sealed, java.util.Arrays.copyOf(gz, gz.length - 12));
        // Last: a new segment makes the detector look for sealed files too.
        Files.writeString(layout.segments().resolve("0000000000001-00000000000000aa.jsonl"), segment);
        server.rampart().detector().wake();

        Await.until(
                "unreadable-trail-record findings for both files",
                () -> unreadableFindings().size() >= 2);
        List<Finding> found = unreadableFindings();
        assertThat(found).allSatisfy(f -> assertThat(f.severity()).hasToString("HIGH"));
        Finding inSegment = found.stream()
                .filter(f -> f.description().contains("00000000000000aa"))
                .findFirst()
                .orElseThrow();
        assertThat(inSegment.count()).isEqualTo(2);
        assertThat(inSegment.evidence())
                .anySatisfy(e -> assertThat(e).contains("byte 0").contains("not a JSON record"))
                .anySatisfy(e -> assertThat(e).contains("longer than"));
        Finding inLog = found.stream()
                .filter(f -> f.description().contains("00000000000000bb"))
                .findFirst()
                .orElseThrow();
        assertThat(inLog.evidence())
                .singleElement()
                .satisfies(e -> assertThat(e).contains("record 1").contains("truncated"));
        attackIsContained();
        // Reported once: the position moved past them.
        server.rampart().detector().pass(true);
        assertThat(unreadableFindings())
                .hasSize(2)
                .allSatisfy(f -> assertThat(f.count()).isLessThanOrEqualTo(2));
    }

    // ---------------------------------------------------------------- finding 5: stalled and abandoned bodies

    @Test
    void aStalledObjectBodyIsAnsweredRequestTimeoutAfterTheIdleTimeoutNotA500() throws Exception {
        start(TrailDefaults.ROTATE, Duration.ofSeconds(1));
        server.s3().createBucket(b -> b.bucket("stall"));
        Map<String, String> headers = signedHeaders("PUT", "/stall/obj", 100, true);
        long t0 = System.nanoTime();
        Reply r = sendPartial("PUT", "/stall/obj", headers, 100, 10, false);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(r.status).isEqualTo(400);
        assertThat(r.body)
                .contains("<Code>RequestTimeout</Code>")
                .contains(
                        "Your socket connection to the server was not read from or written to within the timeout period.");
        assertThat(seconds).isBetween(0.9, 10.0);
    }

    @Test
    void aStalledStsFormBodyIsAnsweredRequestTimeout() throws Exception {
        start(TrailDefaults.ROTATE, Duration.ofSeconds(1));
        Reply r = sendPartial("POST", "/", Map.of("Content-Type", "application/x-www-form-urlencoded"), 100, 10, false);
        assertThat(r.status).isEqualTo(400);
        assertThat(r.body).contains("<Code>RequestTimeout</Code>");
        // Signed (the signature needs the whole body first): the same answer, in IAM's error format.
        Map<String, String> headers = signedHeaders(
                new AccessKey(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY, "Active", null),
                "iam",
                "POST",
                "/",
                100,
                false);
        Reply signed = sendPartial("POST", "/", headers, 100, 10, false);
        assertThat(signed.status).isEqualTo(400);
        assertThat(signed.body).contains("<ErrorResponse").contains("<Code>RequestTimeout</Code>");
    }

    @Test
    void aClientThatDisconnectsMidBodyIsRecordedAsIncompleteBodyNotAnInternalError() throws Exception {
        start(TrailDefaults.ROTATE, Duration.ofSeconds(5));
        server.s3().createBucket(b -> b.bucket("gone"));
        Map<String, String> headers = signedHeaders("PUT", "/gone/half", 100, true);
        sendPartial("PUT", "/gone/half", headers, 100, 10, true);
        JsonNode rec = awaitRecord(n -> n.path("eventName").asText().equals("PutObject")
                && n.path("requestParameters").path("key").asText().equals("half"));
        assertThat(rec.path("errorCode").asText()).isEqualTo("IncompleteBody");
    }

    // ---------------------------------------------------------------- the attack that must still be contained

    /**
     * An IAM user with two keys re-encrypts objects in place with SSE-C; the detector deactivates the key it used and its
     * other key, so the second key cannot make one more malicious write.
     */
    private void attackIsContained() throws Exception {
        S3Client admin = server.s3();
        String bucket = "victim";
        admin.createBucket(b -> b.bucket(bucket));
        admin.putBucketEncryption(b -> b.bucket(bucket)
                .serverSideEncryptionConfiguration(c -> c.rules(
                        r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256))
                                .blockedEncryptionTypes(t -> t.encryptionType(EncryptionType.NONE)))));
        for (int i = 0; i < 10; i++) {
            String key = "doc-" + i;
            admin.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("precious " + key));
        }
        AccessKey attacker = server.userWithS3FullAccess("attacker");
        AccessKey second = server.rampart().iam().createAccessKey(server.accountId(), "attacker");
        SseCKey ransom = SseCKey.random();
        int succeeded = 0;
        S3Exception refused = null;
        try (S3Client s3 = server.s3(attacker.accessKeyId(), attacker.secretKey())) {
            for (int i = 0; i < 10 && refused == null; i++) {
                String key = "doc-" + i;
                try {
                    s3.copyObject(b -> b.sourceBucket(bucket)
                            .sourceKey(key)
                            .destinationBucket(bucket)
                            .destinationKey(key)
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(ransom.base64())
                            .sseCustomerKeyMD5(ransom.md5()));
                    succeeded++;
                } catch (S3Exception e) {
                    refused = e;
                }
            }
        }
        assertThat(refused).as("the re-encryption was never refused").isNotNull();
        assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("InvalidAccessKeyId");
        assertThat(succeeded).isBetween(1, 3);
        Await.until(
                "an in-place-sse-c-reencryption finding",
                () -> server.rampart().findings().list().stream()
                        .anyMatch(f -> f.ruleId().equals("in-place-sse-c-reencryption")
                                && attacker.accessKeyId().equals(f.accessKeyId())));
        assertThat(server.rampart()
                        .iam()
                        .findKey(attacker.accessKeyId())
                        .orElseThrow()
                        .active())
                .isFalse();
        Await.until(
                "the user's second key off",
                () -> !server.rampart()
                        .iam()
                        .findKey(second.accessKeyId())
                        .orElseThrow()
                        .active());
        try (S3Client s3 = server.s3(second.accessKeyId(), second.secretKey())) {
            S3Errors.assertS3Error(
                    () -> s3.copyObject(b -> b.sourceBucket(bucket)
                            .sourceKey("doc-9")
                            .destinationBucket(bucket)
                            .destinationKey("doc-9")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(ransom.base64())
                            .sseCustomerKeyMD5(ransom.md5())),
                    403,
                    "InvalidAccessKeyId");
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Trail timing where nothing is sealed during a test unless it asks. */
    private static final class TrailDefaults {
        static final Duration ROTATE = Duration.ofMinutes(5);
    }

    private List<Finding> unreadableFindings() {
        return server.rampart().findings().list().stream()
                .filter(f -> f.ruleId().equals("unreadable-trail-record"))
                .toList();
    }

    /** Waits until a sealed log file holds the record of the (anonymous) STS call, then lets the detector pass it. */
    private void awaitSealedStsRecord() throws Exception {
        String eventName = "eventSource\":\"sts.amazonaws.com";
        TrailLayout layout = RampartServer.nodeTrail(server.dataDir());
        Await.until("a sealed trail file with the STS call's record", () -> {
            try {
                for (String o : layout.logFiles()) {
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(layout.resolve(o)))) {
                        if (new String(in.readAllBytes(), StandardCharsets.UTF_8).contains(eventName)) return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        // The detector scans sealed files when the set of open segments changes: let it see this one.
        server.rampart().detector().pass(true);
    }

    private JsonNode awaitRecord(java.util.function.Predicate<JsonNode> match) throws Exception {
        TrailLayout layout = RampartServer.nodeTrail(server.dataDir());
        JsonNode[] found = {null};
        Await.until("the request's trail record", () -> {
            try (var files = Files.list(layout.segments())) {
                for (Path p : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
                    for (String line : Files.readAllLines(p)) {
                        if (line.isBlank()) continue;
                        JsonNode n = JSON.readTree(line);
                        if (match.test(n)) {
                            found[0] = n;
                            return true;
                        }
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        return found[0];
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    /** SigV4 headers (as the admin) for a request whose body will be {@code length} zero bytes. */
    private Map<String, String> signedHeaders(String method, String pathAndQuery, int length, boolean unsignedPayload) {
        return signedHeaders(
                new AccessKey(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY, "Active", null),
                "s3",
                method,
                pathAndQuery,
                length,
                unsignedPayload);
    }

    private Map<String, String> signedHeaders(
            AccessKey key, String service, String method, String pathAndQuery, int length, boolean unsignedPayload) {
        java.net.URI uri = server.endpoint().resolve(pathAndQuery);
        if (unsignedPayload) {
            // The SDK signs the payload over http whatever it is told; the scheme is not part of the signature.
            uri = java.net.URI.create(uri.toString().replaceFirst("^http:", "https:"));
        }
        SdkHttpRequest.Builder b = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .uri(uri)
                .putHeader("Content-Length", Integer.toString(length));
        if (!service.equals("s3")) b.putHeader("Content-Type", "application/x-www-form-urlencoded");
        SdkHttpRequest req = b.build();
        var signed = AwsV4HttpSigner.create()
                .sign(SignRequest.builder(AwsCredentialsIdentity.create(key.accessKeyId(), key.secretKey()))
                        .request(req)
                        .payload(ContentStreamProvider.fromByteArray(new byte[length]))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                        .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, !unsignedPayload)
                        .build());
        Map<String, String> out = new LinkedHashMap<>();
        if (unsignedPayload) {
            assertThat(signed.request().firstMatchingHeader("x-amz-content-sha256"))
                    .as("signed as UNSIGNED-PAYLOAD")
                    .contains("UNSIGNED-PAYLOAD");
        }
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length"))
                out.put(name, String.join(",", values));
        });
        return out;
    }

    private record Reply(int status, String body, String headers) {}

    private String head(String method, String target, Map<String, String> headers, long contentLength) {
        StringBuilder h =
                new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n");
        headers.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
        h.append("Content-Length: ").append(contentLength).append("\r\n\r\n");
        return h.toString();
    }

    /**
     * Declares {@code contentLength} bytes but sends only the headers and {@code prefix}: a server that bounds its bodies
     * answers before the rest is sent (one that reads the whole body would wait for it until the read times out).
     */
    private Reply sendDeclaringHugeBody(
            String method, String target, Map<String, String> headers, String prefix, long contentLength)
            throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(head(method, target, headers, contentLength).getBytes(StandardCharsets.UTF_8));
            out.write(prefix.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return read(s.getInputStream());
        }
    }

    /** Declares {@code declared} bytes, sends {@code sent}, then waits for the answer (or, with {@code hangUp}, leaves). */
    private Reply sendPartial(
            String method, String target, Map<String, String> headers, int declared, int sent, boolean hangUp)
            throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(head(method, target, headers, declared).getBytes(StandardCharsets.UTF_8));
            out.write(new byte[sent]);
            out.flush();
            if (hangUp) return null;
            return read(s.getInputStream());
        }
    }

    private Reply send(byte[] request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return read(s.getInputStream());
        }
    }

    /** One HTTP/1.1 response with a Content-Length body. */
    private static Reply read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        try {
            while ((b = in.read()) >= 0) {
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') break;
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within the socket timeout; got so far: " + head, e);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        assertThat(headers).as("an HTTP response").startsWith("HTTP/1.1 ");
        int status = Integer.parseInt(headers.substring(9, 12));
        int length = 0;
        List<String> lines = new ArrayList<>(List.of(headers.split("\r\n")));
        for (String l : lines) {
            if (l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
                length = Integer.parseInt(l.substring(15).trim());
        }
        byte[] body = in.readNBytes(length);
        return new Reply(status, new String(body, StandardCharsets.UTF_8), headers);
    }
}

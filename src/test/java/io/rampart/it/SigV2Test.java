package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import io.rampart.auth.SigV2Signature;
import io.rampart.s3.S3Settings;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * AWS Signature Version 2, header ({@code Authorization: AWS AKID:signature}) and query string (AWSAccessKeyId, Expires,
 * Signature), signed here by hand as S3's documentation describes (the SDK v2 has no SigV2 signer): accepted by
 * default, refusable by bucket policy through s3:signatureversion, refused everywhere with {@code --no-sigv2}, and
 * recorded in the trail with its SignatureVersion and AuthenticationMethod.
 */
class SigV2Test {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static RampartServer noSigV2;
    static S3Client s3;
    static final String BUCKET = "sigv2";
    static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        s3.createBucket(b -> b.bucket(BUCKET));
        s3.putObject(b -> b.bucket(BUCKET).key("hello world.txt"), RequestBody.fromString("hello"));
        noSigV2 = RampartServer.start(c -> c.s3(S3Settings.defaults().withSigV2(false)));
    }

    @AfterAll
    static void stop() {
        if (noSigV2 != null) noSigV2.close();
    }

    record Reply(int status, String body, Map<String, String> headers) {
        String code() {
            int a = body.indexOf("<Code>");
            return a < 0 ? null : body.substring(a + 6, body.indexOf("</Code>"));
        }

        String message() {
            int a = body.indexOf("<Message>");
            return a < 0 ? null : body.substring(a + 9, body.indexOf("</Message>"));
        }
    }

    /** The string to sign of S3's SigV2 documentation; {@code resource} is the canonicalized resource. */
    static String stringToSign(String method, Map<String, String> headers, String dateLine, String resource) {
        StringBuilder s = new StringBuilder(method).append('\n');
        s.append(headers.getOrDefault("Content-MD5", "")).append('\n');
        s.append(headers.getOrDefault("Content-Type", "")).append('\n');
        s.append(dateLine).append('\n');
        TreeMap<String, String> amz = new TreeMap<>();
        headers.forEach((k, v) -> {
            if (k.toLowerCase(Locale.ROOT).startsWith("x-amz-")) amz.put(k.toLowerCase(Locale.ROOT), v.strip());
        });
        amz.forEach((k, v) -> s.append(k).append(':').append(v).append('\n'));
        return s.append(resource).toString();
    }

    /** Sends a request signed with SigV2 in the Authorization header ({@code resource} as the signer computes it). */
    static Reply headerSigned(
            RampartServer to,
            String secret,
            String method,
            String pathAndQuery,
            String resource,
            Map<String, String> extraHeaders,
            byte[] body,
            Instant when)
            throws Exception {
        Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
        headers.putIfAbsent("x-amz-date", RFC_1123.format(when));
        String signature = SigV2Signature.sign(secret, stringToSign(method, headers, "", resource));
        headers.put("Authorization", "AWS " + RampartServer.ACCESS_KEY + ":" + signature);
        HttpRequest.Builder b = HttpRequest.newBuilder(to.endpoint().resolve(pathAndQuery))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    static Reply headerSigned(String method, String pathAndQuery, Map<String, String> headers, byte[] body)
            throws Exception {
        String resource = pathAndQuery.contains("?")
                ? pathAndQuery.substring(0, pathAndQuery.indexOf('?'))
                        + canonicalSubresources(pathAndQuery.substring(pathAndQuery.indexOf('?') + 1))
                : pathAndQuery;
        return headerSigned(
                server, RampartServer.SECRET_KEY, method, pathAndQuery, resource, headers, body, Instant.now());
    }

    /** The sub-resources of a query, as the canonicalized resource lists them (here: all of them are sub-resources). */
    static String canonicalSubresources(String query) {
        return "?" + query;
    }

    /** A SigV2 presigned URL (boto3's generate_presigned_url for a custom endpoint makes these). */
    static URI presigned(RampartServer to, String method, String path, long expires) {
        String signature = SigV2Signature.sign(
                RampartServer.SECRET_KEY, stringToSign(method, Map.of(), Long.toString(expires), path));
        return to.endpoint()
                .resolve(path + "?AWSAccessKeyId=" + RampartServer.ACCESS_KEY + "&Expires=" + expires + "&Signature="
                        + URLEncoder.encode(signature, StandardCharsets.UTF_8));
    }

    static Reply send(HttpRequest r) throws Exception {
        HttpResponse<String> resp = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        Map<String, String> h = new LinkedHashMap<>();
        resp.headers().map().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v.get(0)));
        return new Reply(resp.statusCode(), resp.body(), h);
    }

    @Test
    void headerSignedRequestsWriteAndReadObjects() throws Exception {
        Reply put = headerSigned(
                "PUT",
                "/" + BUCKET + "/v2%20key.txt",
                Map.of("Content-Type", "text/plain", "x-amz-meta-colour", "blue"),
                "v2 body".getBytes(StandardCharsets.UTF_8));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        var head = s3.headObject(b -> b.bucket(BUCKET).key("v2 key.txt"));
        assertThat(head.metadata()).containsEntry("colour", "blue");
        assertThat(head.contentType()).isEqualTo("text/plain");
        Reply get = headerSigned("GET", "/" + BUCKET + "/v2%20key.txt", Map.of(), null);
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("v2 body");
        // A sub-resource is part of the canonicalized resource.
        Reply tagging = headerSigned("GET", "/" + BUCKET + "/v2%20key.txt?tagging", Map.of(), null);
        assertThat(tagging.status()).as(tagging.body()).isEqualTo(200);
        assertThat(tagging.body()).contains("<TagSet>");
        // boto3 signs a path-style bucket request as "/bucket/" though it sends "/bucket".
        Reply location = headerSigned(
                server,
                RampartServer.SECRET_KEY,
                "GET",
                "/" + BUCKET + "?location",
                "/" + BUCKET + "/?location",
                Map.of(),
                null,
                Instant.now());
        assertThat(location.status()).as(location.body()).isEqualTo(200);
        assertThat(location.body()).contains("LocationConstraint");
        Reply list = headerSigned("GET", "/" + BUCKET, Map.of(), null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains("<Key>hello world.txt</Key>");
    }

    @Test
    void aWrongSecretOrAStaleDateIsRefused() throws Exception {
        Reply wrong = headerSigned(
                server,
                "not-the-secret",
                "GET",
                "/" + BUCKET + "/hello%20world.txt",
                "/" + BUCKET + "/hello%20world.txt",
                Map.of(),
                null,
                Instant.now());
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.code()).isEqualTo("SignatureDoesNotMatch");
        // A signature over another resource (the sub-resource left out) does not match either.
        Reply other = headerSigned(
                server,
                RampartServer.SECRET_KEY,
                "GET",
                "/" + BUCKET + "/hello%20world.txt?tagging",
                "/" + BUCKET + "/hello%20world.txt",
                Map.of(),
                null,
                Instant.now());
        assertThat(other.code()).isEqualTo("SignatureDoesNotMatch");
        Reply stale = headerSigned(
                server,
                RampartServer.SECRET_KEY,
                "GET",
                "/" + BUCKET + "/hello%20world.txt",
                "/" + BUCKET + "/hello%20world.txt",
                Map.of(),
                null,
                Instant.now().minusSeconds(3600));
        assertThat(stale.status()).isEqualTo(403);
        assertThat(stale.code()).isEqualTo("RequestTimeTooSkewed");
        Reply malformed = send(HttpRequest.newBuilder(server.endpoint().resolve("/" + BUCKET))
                .header("Authorization", "AWS " + RampartServer.ACCESS_KEY)
                .header("x-amz-date", RFC_1123.format(Instant.now()))
                .build());
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.code()).isEqualTo("InvalidArgument");
    }

    @Test
    void queryStringSignedUrlsWorkUntilTheyExpire() throws Exception {
        long in5Minutes = Instant.now().plusSeconds(300).getEpochSecond();
        Reply ok =
                send(HttpRequest.newBuilder(presigned(server, "GET", "/" + BUCKET + "/hello%20world.txt", in5Minutes))
                        .build());
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("hello");
        long past = Instant.now().minusSeconds(5).getEpochSecond();
        Reply expired = send(HttpRequest.newBuilder(presigned(server, "GET", "/" + BUCKET + "/hello%20world.txt", past))
                .build());
        assertThat(expired.status()).isEqualTo(403);
        assertThat(expired.code()).isEqualTo("AccessDenied");
        assertThat(expired.message()).isEqualTo("Request has expired");
        // The URL of one object does not open another.
        URI url = presigned(server, "GET", "/" + BUCKET + "/hello%20world.txt", in5Minutes);
        URI tampered = URI.create(url.toString().replace("hello%20world.txt", "v2%20other.txt"));
        Reply forged = send(HttpRequest.newBuilder(tampered).build());
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.code()).isEqualTo("SignatureDoesNotMatch");
    }

    @Test
    void aBucketPolicyCanRefuseSigV2WithSignatureVersion() throws Exception {
        s3.createBucket(b -> b.bucket("sigv4-only"));
        s3.putObject(b -> b.bucket("sigv4-only").key("k"), RequestBody.fromString("v"));
        s3.putBucketPolicy(
                b -> b.bucket("sigv4-only")
                        .policy(
                                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
                                        + "\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::sigv4-only\","
                                        + "\"arn:aws:s3:::sigv4-only/*\"],\"Condition\":{\"StringEquals\":{\"s3:signatureversion\":\"AWS\"}}}]}"));
        Reply v2 = headerSigned("GET", "/sigv4-only/k", Map.of(), null);
        assertThat(v2.status()).isEqualTo(403);
        assertThat(v2.code()).isEqualTo("AccessDenied");
        // SigV4 is still allowed.
        assertThat(s3.getObjectAsBytes(b -> b.bucket("sigv4-only").key("k")).asUtf8String())
                .isEqualTo("v");
    }

    @Test
    void theTrailRecordsSignatureVersionAndAuthenticationMethod() throws Exception {
        Reply header = headerSigned("GET", "/" + BUCKET + "/hello%20world.txt", Map.of(), null);
        Reply query = send(HttpRequest.newBuilder(presigned(
                        server,
                        "GET",
                        "/" + BUCKET + "/hello%20world.txt",
                        Instant.now().plusSeconds(300).getEpochSecond()))
                .build());
        JsonNode h = record(header.headers().get("x-amz-request-id"));
        assertThat(h.path("additionalEventData").path("SignatureVersion").asText())
                .isEqualTo("SigV2");
        assertThat(h.path("additionalEventData").path("AuthenticationMethod").asText())
                .isEqualTo("AuthHeader");
        assertThat(h.path("userIdentity").path("accessKeyId").asText()).isEqualTo(RampartServer.ACCESS_KEY);
        JsonNode q = record(query.headers().get("x-amz-request-id"));
        assertThat(q.path("additionalEventData").path("SignatureVersion").asText())
                .isEqualTo("SigV2");
        assertThat(q.path("additionalEventData").path("AuthenticationMethod").asText())
                .isEqualTo("QueryString");
        assertThat(q.path("requestParameters").has("Signature"))
                .as("the signature is not a request parameter")
                .isFalse();
        // SigV4 requests still say SigV4.
        String v4 = s3.getObject(b -> b.bucket(BUCKET).key("hello world.txt"))
                .response()
                .responseMetadata()
                .requestId();
        assertThat(record(v4)
                        .path("additionalEventData")
                        .path("SignatureVersion")
                        .asText())
                .isEqualTo("SigV4");
    }

    static JsonNode record(String requestId) {
        TrailLayout layout = TrailLayout.ofDataDir(server.dataDir());
        return Await.value(
                "the trail record of " + requestId,
                () -> TrailQuery.all().run(layout).stream()
                        .filter(r -> requestId.equals(r.path("requestID").asText()))
                        .findFirst()
                        .orElse(null));
    }

    @Test
    void noSigV2RefusesBothFormsAsAwsRegionsWithoutItDo() throws Exception {
        noSigV2.s3().createBucket(b -> b.bucket(BUCKET));
        noSigV2.s3().putObject(b -> b.bucket(BUCKET).key("k"), RequestBody.fromString("v"));
        Reply header = headerSigned(
                noSigV2,
                RampartServer.SECRET_KEY,
                "GET",
                "/" + BUCKET + "/k",
                "/" + BUCKET + "/k",
                Map.of(),
                null,
                Instant.now());
        String unsupported =
                "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.";
        assertThat(header.status()).isEqualTo(400);
        assertThat(header.code()).isEqualTo("InvalidRequest");
        assertThat(header.message()).isEqualTo(unsupported);
        Reply query = send(HttpRequest.newBuilder(presigned(
                        noSigV2,
                        "GET",
                        "/" + BUCKET + "/k",
                        Instant.now().plusSeconds(300).getEpochSecond()))
                .build());
        assertThat(query.status()).isEqualTo(400);
        assertThat(query.code()).isEqualTo("InvalidRequest");
        assertThat(query.message()).isEqualTo(unsupported);
        assertThat(noSigV2.s3().getObjectAsBytes(b -> b.bucket(BUCKET).key("k")).asUtf8String())
                .isEqualTo("v");
    }
}

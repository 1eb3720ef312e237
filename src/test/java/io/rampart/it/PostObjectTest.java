package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Browser-based uploads (POST Object) as a browser sends them: a multipart/form-data POST to the bucket URL built by
 * hand with java.net.http (the SDK has no POST Object), its policy signed as AWS documents (SigV4, and the legacy SigV2
 * form). Success answers, policy conditions, expiry, size limits, signatures, anonymous uploads a bucket policy allows,
 * the SSE-C gate, ACL field and the trail record.
 */
class PostObjectTest {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    private static RampartServer server;
    private static S3Client s3;

    @BeforeAll
    static void start() {
        server = RAMPART.server();
        s3 = RAMPART.s3();
    }

    private static String bucket() {
        String b = "post-" + COUNTER.incrementAndGet();
        s3.createBucket(r -> r.bucket(b));
        return b;
    }

    /** One form: fields in order, then the file. */
    private static final class Form {
        final List<String[]> fields = new ArrayList<>();
        String fileName = "hello.txt";
        String fileContentType = "application/octet-stream";
        byte[] file = "hello, browser".getBytes(StandardCharsets.UTF_8);
        boolean withFile = true;

        Form field(String name, String value) {
            fields.add(new String[] {name, value});
            return this;
        }

        Form file(String name, byte[] bytes) {
            fileName = name;
            file = bytes;
            return this;
        }
    }

    /** A policy document with an expiration {@code seconds} from now and these conditions (JSON array items). */
    private static String policy(long seconds, String... conditions) {
        String json = "{\"expiration\":\"" + Instant.now().plusSeconds(seconds).toString() + "\",\"conditions\":["
                + String.join(",", conditions) + "]}";
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, String data, String algorithm) throws Exception {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(key, algorithm));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A SigV4-signed form for {@code bucket} with {@code key} and the given extra fields and conditions (the
     * signature fields' own conditions are added, as boto3's generate_presigned_post adds them).
     */
    private static Form signedV4(
            String bucket, String key, long expiresIn, String secret, List<String[]> extra, String... conditions)
            throws Exception {
        Instant now = Instant.now();
        String amzDate = AMZ_DATE.format(now);
        String date = amzDate.substring(0, 8);
        String credential = RampartServer.ACCESS_KEY + "/" + date + "/us-east-1/s3/aws4_request";
        List<String> all = new ArrayList<>(List.of(conditions));
        // The key field needs a condition like any other; boto3 adds an exact one.
        if (all.stream().noneMatch(c -> c.toLowerCase(java.util.Locale.ROOT).contains("$key"))) {
            all.add("[\"starts-with\",\"$key\",\"\"]");
        }
        all.add("{\"bucket\":\"" + bucket + "\"}");
        all.add("{\"x-amz-algorithm\":\"AWS4-HMAC-SHA256\"}");
        all.add("{\"x-amz-credential\":\"" + credential + "\"}");
        all.add("{\"x-amz-date\":\"" + amzDate + "\"}");
        String policy = policy(expiresIn, all.toArray(String[]::new));
        byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date, "HmacSHA256");
        k = hmac(k, "us-east-1", "HmacSHA256");
        k = hmac(k, "s3", "HmacSHA256");
        k = hmac(k, "aws4_request", "HmacSHA256");
        String signature = HexFormat.of().formatHex(hmac(k, policy, "HmacSHA256"));
        Form f = new Form().field("key", key);
        for (String[] e : extra) f.field(e[0], e[1]);
        return f.field("x-amz-algorithm", "AWS4-HMAC-SHA256")
                .field("x-amz-credential", credential)
                .field("x-amz-date", amzDate)
                .field("policy", policy)
                .field("x-amz-signature", signature);
    }

    private static Form signedV4(String bucket, String key, String... conditions) throws Exception {
        return signedV4(bucket, key, 600, RampartServer.SECRET_KEY, List.of(), conditions);
    }

    private static HttpResponse<String> post(String bucket, Form form) throws Exception {
        String boundary = "----RampartFormBoundary" + COUNTER.incrementAndGet();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String[] f : form.fields) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f[0] + "\"\r\n\r\n"
                            + f[1] + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        if (form.withFile) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                            + form.fileName + "\"\r\nContent-Type: " + form.fileContentType + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.writeBytes(form.file);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.endpoint() + "/" + bucket))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> r, int status, String code, String messageContains) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).contains("<Code>" + code + "</Code>");
        if (messageContains != null) assertThat(r.body()).contains(messageContains);
    }

    private static boolean exists(String bucket, String key) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) return false;
            throw e;
        }
    }

    @Test
    void sigV4FormStoresTheFileWithItsFieldsAndAnswersPostResponseFor201() throws Exception {
        String bucket = bucket();
        Form form = signedV4(
                bucket,
                "uploads/${filename}",
                600,
                RampartServer.SECRET_KEY,
                List.of(
                        new String[] {"Content-Type", "text/plain"},
                        new String[] {"x-amz-meta-color", "blue"},
                        new String[] {"success_action_status", "201"}),
                "[\"starts-with\",\"$key\",\"uploads/\"]",
                "{\"Content-Type\":\"text/plain\"}",
                "[\"eq\",\"$x-amz-meta-color\",\"blue\"]",
                "{\"success_action_status\":\"201\"}",
                "[\"content-length-range\",1,1048576]");
        HttpResponse<String> r = post(bucket, form);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(form.file));
        assertThat(r.body())
                .contains("<PostResponse>")
                .contains("<Bucket>" + bucket + "</Bucket>")
                .contains("<Key>uploads/hello.txt</Key>")
                .contains("<ETag>\"" + md5 + "\"</ETag>")
                .contains("<Location>" + server.endpoint() + "/" + bucket + "/uploads/hello.txt</Location>");
        var got = s3.getObjectAsBytes(b -> b.bucket(bucket).key("uploads/hello.txt"));
        assertThat(got.asUtf8String()).isEqualTo("hello, browser");
        assertThat(got.response().contentType()).isEqualTo("text/plain");
        assertThat(got.response().metadata()).containsEntry("color", "blue");

        JsonNode record = TrailITRecordsTest.awaitRecord(
                server.dataDir(),
                n -> "PostObject".equals(n.path("eventName").asText())
                        && bucket.equals(
                                n.path("requestParameters").path("bucketName").asText()));
        assertThat(record.path("requestParameters").path("key").asText()).isEqualTo("uploads/hello.txt");
        assertThat(record.path("userIdentity").path("accessKeyId").asText()).isEqualTo(RampartServer.ACCESS_KEY);
        assertThat(record.path("eventSource").asText()).isEqualTo("s3.amazonaws.com");
    }

    @Test
    void successAnswersAre204ByDefault200OnRequestAndA303Redirect() throws Exception {
        String bucket = bucket();
        HttpResponse<String> plain = post(bucket, signedV4(bucket, "a"));
        assertThat(plain.statusCode()).isEqualTo(204);
        assertThat(plain.headers().firstValue("ETag")).isPresent();
        assertThat(plain.headers().firstValue("Location")).hasValue(server.endpoint() + "/" + bucket + "/a");

        HttpResponse<String> ok = post(
                bucket,
                signedV4(
                        bucket,
                        "b",
                        600,
                        RampartServer.SECRET_KEY,
                        List.<String[]>of(new String[] {"success_action_status", "200"}),
                        "{\"success_action_status\":\"200\"}"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEmpty();

        HttpResponse<String> redirect = post(
                bucket,
                signedV4(
                        bucket,
                        "c d",
                        600,
                        RampartServer.SECRET_KEY,
                        List.<String[]>of(new String[] {"success_action_redirect", "https://app.example.com/done?x=1"}),
                        "[\"starts-with\",\"$success_action_redirect\",\"https://app.example.com/\"]"));
        assertThat(redirect.statusCode()).isEqualTo(303);
        String etag = s3.headObject(b -> b.bucket(bucket).key("c d")).eTag();
        assertThat(redirect.headers().firstValue("Location"))
                .hasValue("https://app.example.com/done?x=1&bucket=" + bucket + "&key=c%20d&etag="
                        + java.net.URLEncoder.encode(etag, StandardCharsets.UTF_8));
    }

    @Test
    void expiredPolicyFailedConditionsAndExtraFieldsAreAccessDenied() throws Exception {
        String bucket = bucket();
        assertError(
                post(bucket, signedV4(bucket, "late", -10, RampartServer.SECRET_KEY, List.of())),
                403,
                "AccessDenied",
                "Invalid according to Policy: Policy expired.");
        assertError(
                post(bucket, signedV4(bucket, "other/x", "[\"starts-with\",\"$key\",\"uploads/\"]")),
                403,
                "AccessDenied",
                "Invalid according to Policy: Policy Condition failed: [\"starts-with\", \"$key\", \"uploads/\"]");
        assertError(
                post(bucket, signedV4(bucket, "x", 600, RampartServer.SECRET_KEY, List.<String[]>of(new String[] {
                    "x-amz-meta-sneaky", "1"
                }))),
                403,
                "AccessDenied",
                "Invalid according to Policy: Extra input fields: x-amz-meta-sneaky");
        // x-ignore-* fields need no condition.
        assertThat(post(
                                bucket,
                                signedV4(
                                        bucket,
                                        "ignored",
                                        600,
                                        RampartServer.SECRET_KEY,
                                        List.<String[]>of(new String[] {"x-ignore-tracking", "1"})))
                        .statusCode())
                .isEqualTo(204);
        assertThat(exists(bucket, "late")).isFalse();
        assertThat(exists(bucket, "other/x")).isFalse();
        assertThat(exists(bucket, "x")).isFalse();
    }

    @Test
    void contentLengthRangeRefusesTooLargeAndTooSmallFilesAndStoresNothing() throws Exception {
        String bucket = bucket();
        Form big = signedV4(bucket, "big", "[\"content-length-range\",1,10]").file("big.bin", new byte[11]);
        assertError(post(bucket, big), 400, "EntityTooLarge", null);
        Form small =
                signedV4(bucket, "small", "[\"content-length-range\",5,10]").file("s.bin", new byte[4]);
        assertError(post(bucket, small), 400, "EntityTooSmall", null);
        assertThat(exists(bucket, "big")).isFalse();
        assertThat(exists(bucket, "small")).isFalse();
        Form fits = signedV4(bucket, "fits", "[\"content-length-range\",5,10]").file("f.bin", new byte[10]);
        assertThat(post(bucket, fits).statusCode()).isEqualTo(204);
    }

    @Test
    void aLargeFileIsStreamedThroughIntact() throws Exception {
        String bucket = bucket();
        byte[] data = new byte[6 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        assertThat(post(bucket, signedV4(bucket, "large.bin").file("large.bin", data))
                        .statusCode())
                .isEqualTo(204);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("large.bin")).asByteArray())
                .isEqualTo(data);
    }

    @Test
    void badSignaturesAndUnknownKeysAreRefused() throws Exception {
        String bucket = bucket();
        assertError(
                post(bucket, signedV4(bucket, "forged", 600, "not-the-secret", List.of())),
                403,
                "SignatureDoesNotMatch",
                null);
        // The failed attempt names the key it claimed in the trail, as a badly signed PutObject would.
        JsonNode forgedRecord = TrailITRecordsTest.awaitRecord(
                server.dataDir(),
                n -> "PostObject".equals(n.path("eventName").asText())
                        && "forged"
                                .equals(n.path("requestParameters").path("key").asText()));
        assertThat(forgedRecord.path("errorCode").asText()).isEqualTo("SignatureDoesNotMatch");
        assertThat(forgedRecord.path("userIdentity").path("accessKeyId").asText())
                .isEqualTo(RampartServer.ACCESS_KEY);
        Form unknown = signedV4(bucket, "unknown");
        for (String[] f : unknown.fields) {
            if (f[0].equals("x-amz-credential")) f[1] = f[1].replace(RampartServer.ACCESS_KEY, "AKIAUNKNOWN000000000");
        }
        assertError(post(bucket, unknown), 403, "InvalidAccessKeyId", null);
        Form unsigned = signedV4(bucket, "unsigned");
        unsigned.fields.removeIf(f -> f[0].equals("x-amz-signature"));
        assertError(post(bucket, unsigned), 400, "InvalidArgument", "x-amz-signature");
        assertThat(exists(bucket, "forged")).isFalse();
    }

    @Test
    void legacySigV2FormIsAccepted() throws Exception {
        String bucket = bucket();
        String policy = policy(600, "{\"bucket\":\"" + bucket + "\"}", "[\"starts-with\",\"$key\",\"v2/\"]");
        String signature = Base64.getEncoder()
                .encodeToString(hmac(RampartServer.SECRET_KEY.getBytes(StandardCharsets.UTF_8), policy, "HmacSHA1"));
        Form form = new Form()
                .field("key", "v2/${filename}")
                .field("AWSAccessKeyId", RampartServer.ACCESS_KEY)
                .field("policy", policy)
                .field("signature", signature);
        assertThat(post(bucket, form).statusCode()).isEqualTo(204);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("v2/hello.txt"))
                        .asUtf8String())
                .isEqualTo("hello, browser");
        Form forged = new Form()
                .field("key", "v2/forged")
                .field("AWSAccessKeyId", RampartServer.ACCESS_KEY)
                .field("policy", policy)
                .field("signature", Base64.getEncoder().encodeToString(new byte[20]));
        assertError(post(bucket, forged), 403, "SignatureDoesNotMatch", null);
    }

    @Test
    void anonymousUploadNeedsABucketPolicyThatAllowsIt() throws Exception {
        String bucket = bucket();
        Form anonymous = new Form().field("key", "drop/${filename}");
        assertError(post(bucket, anonymous), 403, "AccessDenied", null);
        s3.putBucketPolicy(b -> b.bucket(bucket).policy("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:PutObject",
                 "Resource":"arn:aws:s3:::%s/drop/*"}]}""".formatted(bucket)));
        assertThat(post(bucket, anonymous).statusCode()).isEqualTo(204);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("drop/hello.txt"))
                        .asUtf8String())
                .isEqualTo("hello, browser");
        assertError(post(bucket, new Form().field("key", "elsewhere")), 403, "AccessDenied", null);
    }

    @Test
    void sseCIsRefusedWhereTheBucketBlocksItAndSseS3Applies() throws Exception {
        String bucket = bucket();
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        String md5 = Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("MD5").digest(new byte[32]));
        Form ssec = signedV4(
                bucket,
                "ssec",
                600,
                RampartServer.SECRET_KEY,
                List.of(
                        new String[] {"x-amz-server-side-encryption-customer-algorithm", "AES256"},
                        new String[] {"x-amz-server-side-encryption-customer-key", key},
                        new String[] {"x-amz-server-side-encryption-customer-key-MD5", md5}),
                "{\"x-amz-server-side-encryption-customer-algorithm\":\"AES256\"}",
                "{\"x-amz-server-side-encryption-customer-key\":\"" + key + "\"}",
                "{\"x-amz-server-side-encryption-customer-key-MD5\":\"" + md5 + "\"}");
        assertError(post(bucket, ssec), 403, "AccessDenied", null);
        assertThat(exists(bucket, "ssec")).isFalse();
        // The refused attempt is in the trail with the form's SSE-C algorithm (never its key), as a PutObject's would
        // be.
        JsonNode denied = TrailITRecordsTest.awaitRecord(
                server.dataDir(),
                n -> "PostObject".equals(n.path("eventName").asText())
                        && "ssec".equals(n.path("requestParameters").path("key").asText()));
        assertThat(denied.path("errorCode").asText()).isEqualTo("AccessDenied");
        assertThat(denied.path("requestParameters")
                        .path("x-amz-server-side-encryption-customer-algorithm")
                        .asText())
                .isEqualTo("AES256");
        assertThat(denied.toString()).doesNotContain(key);
        Form sses3 = signedV4(
                bucket,
                "sses3",
                600,
                RampartServer.SECRET_KEY,
                List.<String[]>of(new String[] {"x-amz-server-side-encryption", "AES256"}),
                "{\"x-amz-server-side-encryption\":\"AES256\"}");
        assertThat(post(bucket, sses3).statusCode()).isEqualTo(204);
        assertThat(s3.headObject(b -> b.bucket(bucket).key("sses3")).serverSideEncryption())
                .isEqualTo(ServerSideEncryption.AES256);
    }

    @Test
    void aBucketPolicyCanRefuseBrowserUploadsByAuthTypeAndSigV2ByVersion() throws Exception {
        String bucket = bucket();
        s3.putBucketPolicy(b -> b.bucket(bucket).policy("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject",
                 "Resource":"arn:aws:s3:::%s/*","Condition":{"StringEquals":{"s3:signatureversion":"AWS"}}}]}""".formatted(bucket)));
        String policy = policy(600, "{\"bucket\":\"" + bucket + "\"}", "[\"starts-with\",\"$key\",\"\"]");
        String signature = Base64.getEncoder()
                .encodeToString(hmac(RampartServer.SECRET_KEY.getBytes(StandardCharsets.UTF_8), policy, "HmacSHA1"));
        Form v2 = new Form()
                .field("key", "v2")
                .field("AWSAccessKeyId", RampartServer.ACCESS_KEY)
                .field("policy", policy)
                .field("signature", signature);
        assertError(post(bucket, v2), 403, "AccessDenied", null);
        assertThat(post(bucket, signedV4(bucket, "v4")).statusCode()).isEqualTo(204);

        s3.putBucketPolicy(b -> b.bucket(bucket).policy("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject",
                 "Resource":"arn:aws:s3:::%s/*","Condition":{"StringEquals":{"s3:authType":"POST"}}}]}""".formatted(bucket)));
        assertError(post(bucket, signedV4(bucket, "form")), 403, "AccessDenied", null);
        s3.putObject(b -> b.bucket(bucket).key("sdk"), software.amazon.awssdk.core.sync.RequestBody.fromString("ok"));
        assertThat(exists(bucket, "form")).isFalse();
        assertThat(exists(bucket, "sdk")).isTrue();
    }

    @Test
    void fieldNamesAndOperatorsAreCaseInsensitive() throws Exception {
        String bucket = bucket();
        Form form =
                signedV4(bucket, "ignored", "[\"StArTs-WiTh\",\"$KeY\",\"case/\"]", "{\"BuCkEt\":\"" + bucket + "\"}");
        form.fields.removeIf(f -> f[0].equals("key"));
        form.fields.add(0, new String[] {"KEY", "case/one"});
        for (String[] f : form.fields) if (f[0].equals("policy")) f[0] = "Policy";
        assertThat(post(bucket, form).statusCode()).isEqualTo(204);
        assertThat(exists(bucket, "case/one")).isTrue();
    }

    @Test
    void malformedFormsGetS3Errors() throws Exception {
        String bucket = bucket();
        Form noFile = signedV4(bucket, "nofile");
        noFile.withFile = false;
        assertError(post(bucket, noFile), 400, "InvalidArgument", "POST requires exactly one file upload per request.");
        Form noKey = signedV4(bucket, "k");
        noKey.fields.removeIf(f -> f[0].equals("key"));
        assertError(post(bucket, noKey), 400, "InvalidArgument", "Bucket POST must contain a field named 'key'");
        HttpResponse<String> notForm = HTTP.send(
                HttpRequest.newBuilder(URI.create(server.endpoint() + "/" + bucket))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("hi"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(
                notForm, 412, "PreconditionFailed", "Bucket POST must be of the enclosure-type multipart/form-data");
        HttpResponse<String> garbage = HTTP.send(
                HttpRequest.newBuilder(URI.create(server.endpoint() + "/" + bucket))
                        .header("Content-Type", "multipart/form-data; boundary=xyz")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "--xyz\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(garbage, 400, "MalformedPOSTRequest", null);
        Form huge = signedV4(bucket, "huge", 600, RampartServer.SECRET_KEY, List.<String[]>of(new String[] {
            "x-ignore-pad", "p".repeat(30_000)
        }));
        assertError(post(bucket, huge), 400, "MaxPostPreDataLengthExceededError", null);
    }

    @Test
    void aclFieldIsHonouredWhereAclsAreEnabledAndRefusedWhereNot() throws Exception {
        String open = "post-acl-" + COUNTER.incrementAndGet();
        s3.createBucket(b -> b.bucket(open).objectOwnership(ObjectOwnership.OBJECT_WRITER));
        Form form = signedV4(
                open,
                "public.txt",
                600,
                RampartServer.SECRET_KEY,
                List.<String[]>of(new String[] {"acl", "public-read"}),
                "{\"acl\":\"public-read\"}");
        assertThat(post(open, form).statusCode()).isEqualTo(204);
        S3Client anonymous = S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .build();
        assertThat(anonymous
                        .getObjectAsBytes(b -> b.bucket(open).key("public.txt"))
                        .asUtf8String())
                .isEqualTo("hello, browser");

        String enforced = bucket();
        Form refused = signedV4(
                enforced,
                "public.txt",
                600,
                RampartServer.SECRET_KEY,
                List.<String[]>of(new String[] {"acl", "public-read"}),
                "{\"acl\":\"public-read\"}");
        assertError(post(enforced, refused), 400, "AccessControlListNotSupported", null);
    }

    @Test
    void uploadsIntoAVersionedBucketKeepThePreviousVersion() throws Exception {
        String bucket = bucket();
        s3.putBucketVersioning(
                b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        HttpResponse<String> first =
                post(bucket, signedV4(bucket, "v").file("v", "one".getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> second =
                post(bucket, signedV4(bucket, "v").file("v", "two".getBytes(StandardCharsets.UTF_8)));
        assertThat(first.headers().firstValue("x-amz-version-id")).isPresent();
        assertThat(second.headers().firstValue("x-amz-version-id"))
                .isPresent()
                .isNotEqualTo(first.headers().firstValue("x-amz-version-id"));
        assertThat(s3.listObjectVersions(b -> b.bucket(bucket).prefix("v")).versions())
                .hasSize(2);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("v")).asUtf8String())
                .isEqualTo("two");
    }
}

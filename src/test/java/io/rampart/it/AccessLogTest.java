package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetBucketLoggingResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** PutBucketLogging/GetBucketLogging and the access log objects the server delivers, in AWS's line format. */
class AccessLogTest {
    private static final Pattern FIELD = Pattern.compile("\\[[^\\]]*\\]|\"(?:[^\"\\\\]|\\\\.)*\"|\\S+");
    private static final Pattern LOG_KEY =
            Pattern.compile("logs/\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-[0-9A-F]{16}");

    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    private static RampartServer server;
    private static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
    }

    @Test
    void bucketLoggingStatusRoundTripsAndCanBeTurnedOff() {
        s3.createBucket(b -> b.bucket("lg-src"));
        s3.createBucket(b -> b.bucket("lg-target"));
        assertThat(s3.getBucketLogging(b -> b.bucket("lg-src")).loggingEnabled())
                .isNull();
        s3.putBucketLogging(b -> b.bucket("lg-src")
                .bucketLoggingStatus(
                        s -> s.loggingEnabled(l -> l.targetBucket("lg-target").targetPrefix("access/"))));
        GetBucketLoggingResponse got = s3.getBucketLogging(b -> b.bucket("lg-src"));
        assertThat(got.loggingEnabled().targetBucket()).isEqualTo("lg-target");
        assertThat(got.loggingEnabled().targetPrefix()).isEqualTo("access/");
        s3.putBucketLogging(b -> b.bucket("lg-src").bucketLoggingStatus(s -> {}));
        assertThat(s3.getBucketLogging(b -> b.bucket("lg-src")).loggingEnabled())
                .isNull();
    }

    @Test
    void aMissingTargetBucketIsInvalidTargetBucketForLogging() {
        s3.createBucket(b -> b.bucket("lg-orphan"));
        assertS3Error(
                () -> s3.putBucketLogging(b -> b.bucket("lg-orphan")
                        .bucketLoggingStatus(s -> s.loggingEnabled(
                                l -> l.targetBucket("lg-no-such-bucket").targetPrefix("x/")))),
                400,
                "InvalidTargetBucketForLogging");
        assertS3Error(() -> s3.getBucketLogging(b -> b.bucket("lg-no-such-bucket")), 404, "NoSuchBucket");
    }

    @Test
    void requestsAreDeliveredAsLogObjectsInAwsFormatFieldForField() {
        s3.createBucket(b -> b.bucket("lg-data"));
        s3.createBucket(b -> b.bucket("lg-logs"));
        s3.putBucketLogging(b -> b.bucket("lg-data")
                .bucketLoggingStatus(
                        s -> s.loggingEnabled(l -> l.targetBucket("lg-logs").targetPrefix("logs/"))));
        s3.putObject(b -> b.bucket("lg-data").key("photos/a b.txt"), RequestBody.fromString("hello"));
        s3.getObject(b -> b.bucket("lg-data").key("photos/a b.txt").range("bytes=0-1"), ResponseTransformer.toBytes());
        assertS3Error(() -> s3.getObject(b -> b.bucket("lg-data").key("missing")), 404, "NoSuchKey");
        // A line is buffered just after its response is sent: deliver until the last request's line has arrived.
        String body = delivered("lg-logs", text -> text.contains(" 404 NoSuchKey "));
        List<List<String>> lines = body.lines().map(AccessLogTest::fields).toList();
        assertThat(lines).allSatisfy(f -> assertThat(f).hasSize(26));

        List<String> put = lines.stream()
                .filter(f -> f.get(6).equals("REST.PUT.OBJECT"))
                .findFirst()
                .orElseThrow();
        assertThat(put.get(0)).matches("[0-9a-f]{64}");
        assertThat(put.get(1)).isEqualTo("lg-data");
        assertThat(put.get(2)).matches("\\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000\\]");
        assertThat(put.get(3)).isEqualTo("127.0.0.1");
        assertThat(put.get(4)).isEqualTo("arn:aws:iam::" + server.accountId() + ":user/admin");
        assertThat(put.get(5)).matches("[0-9A-F]{16}");
        assertThat(put.get(7)).isEqualTo("photos/a%20b.txt");
        assertThat(put.get(8)).isEqualTo("\"PUT /lg-data/photos/a%20b.txt HTTP/1.1\"");
        assertThat(put.get(9)).isEqualTo("200");
        assertThat(put.get(10)).isEqualTo("-");
        assertThat(put.get(11)).isEqualTo("-");
        assertThat(put.get(12)).isEqualTo("5");
        assertThat(put.get(13)).matches("\\d+");
        assertThat(put.get(14)).matches("\\d+");
        assertThat(put.get(15)).isEqualTo("\"-\"");
        assertThat(put.get(16)).startsWith("\"aws-sdk-java/");
        assertThat(put.get(17)).isEqualTo("-");
        assertThat(put.get(18)).isNotEqualTo("-");
        assertThat(put.get(19)).isEqualTo("SigV4");
        assertThat(put.get(20)).isEqualTo("-");
        assertThat(put.get(21)).isEqualTo("AuthHeader");
        assertThat(put.get(22)).isEqualTo("127.0.0.1:" + server.port());
        assertThat(put.subList(23, 26)).containsExactly("-", "-", "-");

        List<String> get = lines.stream()
                .filter(f -> f.get(6).equals("REST.GET.OBJECT") && f.get(9).equals("206"))
                .findFirst()
                .orElseThrow();
        assertThat(get.get(11)).isEqualTo("2");
        assertThat(get.get(12)).isEqualTo("5");
        List<String> missing =
                lines.stream().filter(f -> f.get(9).equals("404")).findFirst().orElseThrow();
        assertThat(missing.get(10)).isEqualTo("NoSuchKey");
        assertThat(missing.get(7)).isEqualTo("missing");
    }

    @Test
    void theDeliveryWritesThemselvesAreNotLogged() {
        // lg-a logs to lg-b, and lg-b logs to lg-c: a delivery into lg-b would show in lg-c if it were logged.
        for (String b : List.of("lg-a", "lg-b", "lg-c")) s3.createBucket(r -> r.bucket(b));
        s3.putBucketLogging(r -> r.bucket("lg-a")
                .bucketLoggingStatus(
                        s -> s.loggingEnabled(l -> l.targetBucket("lg-b").targetPrefix("logs/"))));
        s3.putBucketLogging(r -> r.bucket("lg-b")
                .bucketLoggingStatus(
                        s -> s.loggingEnabled(l -> l.targetBucket("lg-c").targetPrefix("logs/"))));
        s3.putObject(r -> r.bucket("lg-a").key("data"), RequestBody.fromString("x"));
        delivered("lg-b", text -> text.contains("REST.PUT.OBJECT data"));
        // The client's reads of lg-b are logged into lg-c; the server's writes into lg-b are not.
        String c = delivered("lg-c", text -> text.contains("REST.GET.OBJECT logs/"));
        assertThat(c).doesNotContain("REST.PUT.OBJECT");
    }

    @Test
    void presignedSignaturesAreRedactedFromTheLoggedRequestUri() throws Exception {
        s3.createBucket(b -> b.bucket("lg-presigned"));
        s3.createBucket(b -> b.bucket("lg-presigned-logs"));
        s3.putBucketLogging(b -> b.bucket("lg-presigned")
                .bucketLoggingStatus(s -> s.loggingEnabled(
                        l -> l.targetBucket("lg-presigned-logs").targetPrefix("logs/"))));
        s3.putObject(b -> b.bucket("lg-presigned").key("shared"), RequestBody.fromString("x"));
        URI url;
        try (S3Presigner presigner = S3Presigner.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)))
                .serviceConfiguration(
                        S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build()) {
            url = presigner
                    .presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                            .getObjectRequest(g -> g.bucket("lg-presigned").key("shared")))
                    .url()
                    .toURI();
        }
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        String signature = url.getQuery().replaceAll(".*X-Amz-Signature=([0-9a-f]+).*", "$1");
        String body = delivered("lg-presigned-logs", text -> text.contains("QueryString"));
        assertThat(body)
                .contains("X-Amz-Signature=REDACTED")
                .contains("QueryString")
                .doesNotContain(signature);
    }

    /** Delivers the buffered lines until the log objects in {@code bucket}, together, satisfy {@code done}; their text. */
    private static String delivered(String bucket, java.util.function.Predicate<String> done) {
        String[] text = {""};
        Await.until("access log lines delivered to " + bucket, () -> {
            server.rampart().accessLog().deliverNow();
            StringBuilder all = new StringBuilder();
            for (S3Object o :
                    s3.listObjectsV2(b -> b.bucket(bucket).prefix("logs/")).contents()) {
                assertThat(o.key()).matches(LOG_KEY);
                all.append(
                        s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asUtf8String());
            }
            text[0] = all.toString();
            return done.test(text[0]);
        });
        return text[0];
    }

    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) out.add(m.group());
        return out;
    }
}

package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CORSRule;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** PutBucketCors/Get/Delete, the browser's preflight (OPTIONS, unauthenticated) and CORS headers on actual requests. */
class CorsTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static S3Client s3;
    static RawS3 raw;
    static RampartServer server;
    static final String BUCKET = "cors";
    static final String PLAIN = "cors-none";

    static final CORSRule APP = CORSRule.builder()
            .id("app")
            .allowedOrigins("https://*.example.com")
            .allowedMethods("GET", "PUT")
            .allowedHeaders("content-type", "x-amz-*")
            .exposeHeaders("ETag")
            .maxAgeSeconds(600)
            .build();
    static final CORSRule ANYONE_READS =
            CORSRule.builder().allowedOrigins("*").allowedMethods("GET", "HEAD").build();

    @BeforeAll
    static void start() {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        raw = RAMPART.raw();
        s3.createBucket(b -> b.bucket(BUCKET));
        s3.createBucket(b -> b.bucket(PLAIN));
        s3.putObject(b -> b.bucket(BUCKET).key("page.txt"), RequestBody.fromString("hello"));
        s3.putBucketCors(b -> b.bucket(BUCKET).corsConfiguration(c -> c.corsRules(APP, ANYONE_READS)));
    }

    @Test
    void configurationRoundTripsAndDeleteRemovesIt() {
        s3.createBucket(b -> b.bucket("cors-roundtrip"));
        s3.putBucketCors(b -> b.bucket("cors-roundtrip").corsConfiguration(c -> c.corsRules(APP)));
        List<CORSRule> rules = s3.getBucketCors(b -> b.bucket("cors-roundtrip")).corsRules();
        assertThat(rules).hasSize(1);
        CORSRule r = rules.get(0);
        assertThat(r.id()).isEqualTo("app");
        assertThat(r.allowedOrigins()).containsExactly("https://*.example.com");
        assertThat(r.allowedMethods()).containsExactly("GET", "PUT");
        assertThat(r.allowedHeaders()).containsExactly("content-type", "x-amz-*");
        assertThat(r.exposeHeaders()).containsExactly("ETag");
        assertThat(r.maxAgeSeconds()).isEqualTo(600);
        assertThat(s3.deleteBucketCors(b -> b.bucket("cors-roundtrip"))
                        .sdkHttpResponse()
                        .statusCode())
                .isEqualTo(204);
        assertS3Error(
                () -> s3.getBucketCors(b -> b.bucket("cors-roundtrip")),
                404,
                "NoSuchCORSConfiguration",
                "The CORS configuration does not exist");
    }

    @Test
    void onlyTheFiveMethodsAreAllowed() {
        assertS3Error(
                () -> s3.putBucketCors(b -> b.bucket(PLAIN)
                        .corsConfiguration(c -> c.corsRules(CORSRule.builder()
                                .allowedOrigins("*")
                                .allowedMethods("PATCH")
                                .build()))),
                400,
                "InvalidRequest",
                "Found unsupported HTTP method in CORS config. Unsupported method is PATCH");
    }

    @Test
    void moreThanAHundredRulesOrARuleWithoutOriginIsMalformed() {
        List<CORSRule> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) many.add(ANYONE_READS);
        assertS3Error(
                () -> s3.putBucketCors(b -> b.bucket(PLAIN).corsConfiguration(c -> c.corsRules(many))),
                400,
                "MalformedXML");
        var r = raw.signed(
                "PUT",
                "/" + PLAIN + "?cors",
                Map.of(),
                ("<CORSConfiguration><CORSRule><AllowedMethod>GET" + "</AllowedMethod></CORSRule></CORSConfiguration>")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).containsEntry("Code", "MalformedXML");
        assertS3Error(() -> s3.getBucketCors(b -> b.bucket(PLAIN)), 404, "NoSuchCORSConfiguration");
    }

    @Test
    void preflightOfAnAllowedOriginMethodAndHeadersIsAnsweredWithTheRule() {
        var r = raw.unsigned(
                "OPTIONS",
                "/" + BUCKET + "/page.txt",
                Map.of(
                        "Origin",
                        "https://app.example.com",
                        "Access-Control-Request-Method",
                        "PUT",
                        "Access-Control-Request-Headers",
                        "Content-Type, x-amz-meta-a"),
                null);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(r.header("Access-Control-Allow-Methods")).isEqualTo("GET, PUT");
        assertThat(r.header("Access-Control-Allow-Headers")).isEqualTo("Content-Type, x-amz-meta-a");
        assertThat(r.header("Access-Control-Max-Age")).isEqualTo("600");
        assertThat(r.header("Access-Control-Expose-Headers")).isEqualTo("ETag");
        assertThat(r.header("Access-Control-Allow-Credentials")).isEqualTo("true");
        assertThat(r.header("Vary")).contains("Origin");
        // On the bucket URL too, and a rule with "*" answers "*".
        var any = raw.unsigned(
                "OPTIONS",
                "/" + BUCKET,
                Map.of("Origin", "http://elsewhere.test", "Access-Control-Request-Method", "GET"),
                null);
        assertThat(any.status()).isEqualTo(200);
        assertThat(any.header("Access-Control-Allow-Origin")).isEqualTo("*");
    }

    @Test
    void preflightNoRuleAllowsIsAccessForbidden() {
        String notAllowed = "CORSResponse: This CORS request is not allowed. This is usually because the evalution of "
                + "Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not "
                + "whitelisted by the resource's CORS spec.";
        // Origin not matching the wildcard, a method no rule has for it, a header not allowed.
        for (Map<String, String> h : List.of(
                Map.of("Origin", "https://example.org", "Access-Control-Request-Method", "PUT"),
                Map.of("Origin", "https://app.example.com", "Access-Control-Request-Method", "DELETE"),
                Map.of(
                        "Origin",
                        "https://app.example.com",
                        "Access-Control-Request-Method",
                        "PUT",
                        "Access-Control-Request-Headers",
                        "authorization"))) {
            var r = raw.unsigned("OPTIONS", "/" + BUCKET + "/page.txt", h, null);
            assertThat(r.status()).as(h.toString()).isEqualTo(403);
            assertThat(r.error()).containsEntry("Code", "AccessForbidden").containsEntry("Message", notAllowed);
            assertThat(r.header("Access-Control-Allow-Origin")).isNull();
        }
        var none = raw.unsigned(
                "OPTIONS",
                "/" + PLAIN + "/x",
                Map.of("Origin", "https://app.example.com", "Access-Control-Request-Method", "GET"),
                null);
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.error())
                .containsEntry("Code", "AccessForbidden")
                .containsEntry("Message", "CORSResponse: CORS is not enabled for this bucket.");
        var noOrigin = raw.unsigned(
                "OPTIONS", "/" + BUCKET + "/page.txt", Map.of("Access-Control-Request-Method", "GET"), null);
        assertThat(noOrigin.status()).isEqualTo(400);
        assertThat(noOrigin.error())
                .containsEntry("Code", "BadRequest")
                .containsEntry("Message", "Insufficient information. Origin request header needed.");
    }

    @Test
    void actualRequestsFromAnAllowedOriginCarryTheHeaders() {
        var r = raw.signed("GET", "/" + BUCKET + "/page.txt", Map.of("Origin", "https://app.example.com"), null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("hello");
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(r.header("Access-Control-Expose-Headers")).isEqualTo("ETag");
        assertThat(r.header("Vary")).contains("Origin");
        // An origin no rule allows gets the object (CORS is the browser's business) but no Access-Control headers.
        var other = raw.signed(
                "PUT",
                "/" + BUCKET + "/other.txt",
                Map.of("Origin", "https://example.org"),
                "x".getBytes(StandardCharsets.UTF_8));
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.header("Access-Control-Allow-Origin")).isNull();
        // Errors carry them too, so that the page's script can read the error.
        var missing = raw.signed("GET", "/" + BUCKET + "/missing", Map.of("Origin", "https://app.example.com"), null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
    }

    @Test
    void presignedRequestsCarryTheHeadersToo() throws Exception {
        try (S3Presigner presigner = S3Presigner.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)))
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .pathStyleAccessEnabled(true)
                        .build())
                .build()) {
            URI url = presigner
                    .presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                            .getObjectRequest(g -> g.bucket(BUCKET).key("page.txt")))
                    .url()
                    .toURI();
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(url)
                                    .header("Origin", "https://www.example.com")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello");
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("https://www.example.com");
        }
    }
}

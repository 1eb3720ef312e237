package io.rampart.it;

import static io.rampart.it.S3Errors.assertS3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.RoutingRule;

/**
 * PutBucketWebsite/Get/Delete through the SDK, and what a browser gets from the website endpoint
 * ({@code <bucket>.s3-website.<domain>}): index and error documents, redirects, and HTML errors, as anonymous reads the
 * bucket policy allows.
 */
class WebsiteTest {
    static final String DOMAIN = "rampart.test";

    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.with(c -> c.domain(DOMAIN));

    static S3Client s3;
    static RampartServer server;
    static final String SITE = "site";
    static final String PRIVATE = "private-site";

    @BeforeAll
    static void start() {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        s3.createBucket(b -> b.bucket(SITE));
        put(SITE, "index.html", "<h1>home</h1>");
        put(SITE, "docs/index.html", "<h1>docs</h1>");
        put(SITE, "404.html", "<h1>not here</h1>");
        put(SITE, "new/page.html", "moved");
        s3.putBucketPolicy(b -> b.bucket(SITE)
                .policy("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                        + "\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::" + SITE
                        + "/*\"}]}"));
        s3.putBucketWebsite(b -> b.bucket(SITE)
                .websiteConfiguration(w -> w.indexDocument(i -> i.suffix("index.html"))
                        .errorDocument(e -> e.key("404.html"))
                        .routingRules(
                                RoutingRule.builder()
                                        .condition(c -> c.keyPrefixEquals("old/"))
                                        .redirect(r -> r.replaceKeyPrefixWith("new/"))
                                        .build(),
                                RoutingRule.builder()
                                        .condition(
                                                c -> c.keyPrefixEquals("gone/").httpErrorCodeReturnedEquals("404"))
                                        .redirect(r -> r.hostName("archive.example.com")
                                                .protocol("https")
                                                .httpRedirectCode("302"))
                                        .build())));
        s3.createBucket(b -> b.bucket(PRIVATE));
        put(PRIVATE, "index.html", "secret");
        s3.putBucketWebsite(
                b -> b.bucket(PRIVATE).websiteConfiguration(w -> w.indexDocument(i -> i.suffix("index.html"))));
    }

    private static void put(String bucket, String key, String body) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType("text/html"), RequestBody.fromString(body));
    }

    record Page(int status, Map<String, String> headers, String body) {}

    /** One request to the website endpoint of {@code bucket}: the Host header names it, as a browser's would. */
    static Page website(String method, String host, String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + ":" + server.port()
                            + "\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(
                        lines[i].substring(0, colon).toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            return new Page(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
        }
    }

    static Page get(String bucket, String path) throws IOException {
        return website("GET", bucket + ".s3-website." + DOMAIN, path);
    }

    @Test
    void configurationRoundTripsAndDeleteRemovesIt() {
        var w = s3.getBucketWebsite(b -> b.bucket(SITE));
        assertThat(w.indexDocument().suffix()).isEqualTo("index.html");
        assertThat(w.errorDocument().key()).isEqualTo("404.html");
        assertThat(w.routingRules()).hasSize(2);
        assertThat(w.routingRules().get(0).condition().keyPrefixEquals()).isEqualTo("old/");
        assertThat(w.routingRules().get(1).redirect().httpRedirectCode()).isEqualTo("302");
        s3.createBucket(b -> b.bucket("site-deleted"));
        s3.putBucketWebsite(b -> b.bucket("site-deleted")
                .websiteConfiguration(c -> c.redirectAllRequestsTo(r -> r.hostName("example.com"))));
        assertThat(s3.getBucketWebsite(b -> b.bucket("site-deleted"))
                        .redirectAllRequestsTo()
                        .hostName())
                .isEqualTo("example.com");
        assertThat(s3.deleteBucketWebsite(b -> b.bucket("site-deleted"))
                        .sdkHttpResponse()
                        .statusCode())
                .isEqualTo(204);
        assertS3Error(() -> s3.getBucketWebsite(b -> b.bucket("site-deleted")), 404, "NoSuchWebsiteConfiguration");
    }

    @Test
    void invalidConfigurationsAreRefusedAsAwsDoes() {
        s3.createBucket(b -> b.bucket("site-invalid"));
        assertS3Error(
                () -> s3.putBucketWebsite(
                        b -> b.bucket("site-invalid").websiteConfiguration(c -> c.errorDocument(e -> e.key("e.html")))),
                400,
                "InvalidArgument",
                "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty");
        assertS3Error(
                () -> s3.putBucketWebsite(b -> b.bucket("site-invalid")
                        .websiteConfiguration(c -> c.indexDocument(i -> i.suffix("a/index.html")))),
                400,
                "InvalidArgument",
                "The IndexDocument Suffix is not well formed");
        assertS3Error(
                () -> s3.putBucketWebsite(b -> b.bucket("site-invalid")
                        .websiteConfiguration(c -> c.redirectAllRequestsTo(r -> r.hostName("example.com"))
                                .indexDocument(i -> i.suffix("index.html")))),
                400,
                "InvalidArgument",
                "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.");
        assertS3Error(() -> s3.getBucketWebsite(b -> b.bucket("site-invalid")), 404, "NoSuchWebsiteConfiguration");
    }

    @Test
    void indexDocumentsAreServedForTheRootAndForFolders() throws IOException {
        Page root = get(SITE, "/");
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.body()).isEqualTo("<h1>home</h1>");
        assertThat(root.headers().get("content-type")).isEqualTo("text/html");
        assertThat(get(SITE, "/docs/").body()).isEqualTo("<h1>docs</h1>");
        Page folder = get(SITE, "/docs");
        assertThat(folder.status()).isEqualTo(302);
        assertThat(folder.headers().get("location")).isEqualTo("/docs/");
        // The regional endpoint forms name the same bucket.
        assertThat(website("GET", SITE + ".s3-website-us-east-1." + DOMAIN, "/").body())
                .isEqualTo("<h1>home</h1>");
        assertThat(website("GET", SITE + ".s3-website.us-east-1." + DOMAIN, "/docs/")
                        .body())
                .isEqualTo("<h1>docs</h1>");
        Page head = website("HEAD", SITE + ".s3-website." + DOMAIN, "/");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void aMissingKeyGetsTheErrorDocumentWithStatus404() throws IOException {
        Page p = get(SITE, "/nothing.html");
        assertThat(p.status()).isEqualTo(404);
        assertThat(p.body()).isEqualTo("<h1>not here</h1>");
    }

    @Test
    void routingRulesRedirectByPrefixAndByError() throws IOException {
        Page moved = get(SITE, "/old/page.html");
        assertThat(moved.status()).isEqualTo(301);
        assertThat(moved.headers().get("location"))
                .isEqualTo("http://" + SITE + ".s3-website." + DOMAIN + ":" + server.port() + "/new/page.html");
        Page gone = get(SITE, "/gone/report.pdf");
        assertThat(gone.status()).isEqualTo(302);
        assertThat(gone.headers().get("location")).isEqualTo("https://archive.example.com/gone/report.pdf");
    }

    @Test
    void redirectAllRequestsToSendsEverythingElsewhere() throws IOException {
        s3.createBucket(b -> b.bucket("site-redirect"));
        s3.putBucketWebsite(b -> b.bucket("site-redirect")
                .websiteConfiguration(c -> c.redirectAllRequestsTo(
                        r -> r.hostName("www.example.com").protocol("https"))));
        Page p = get("site-redirect", "/a/b.html");
        assertThat(p.status()).isEqualTo(301);
        assertThat(p.headers().get("location")).isEqualTo("https://www.example.com/a/b.html");
    }

    @Test
    void errorsAreHtmlPagesAsTheWebsiteEndpointWritesThem() throws IOException {
        // No bucket policy allows anonymous reads: 403, and no error document to fall back on.
        Page denied = get(PRIVATE, "/");
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.headers().get("content-type")).startsWith("text/html");
        assertThat(denied.body())
                .contains(
                        "<title>403 Forbidden</title>",
                        "<li>Code: AccessDenied</li>",
                        "<li>Message: Access Denied</li>");
        Page noSite = get("no-such-site", "/");
        assertThat(noSite.status()).isEqualTo(404);
        assertThat(noSite.body()).contains("<li>Code: NoSuchBucket</li>", "<li>BucketName: no-such-site</li>");
        s3.createBucket(b -> b.bucket("not-a-site"));
        Page notConfigured = get("not-a-site", "/");
        assertThat(notConfigured.status()).isEqualTo(404);
        assertThat(notConfigured.body()).contains("<li>Code: NoSuchWebsiteConfiguration</li>");
        Page post = website("POST", SITE + ".s3-website." + DOMAIN, "/index.html");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.body()).contains("<li>Code: MethodNotAllowed</li>");
        // Nothing was written through the website endpoint.
        assertThat(s3.getObjectAsBytes(b -> b.bucket(SITE).key("index.html")).asUtf8String())
                .isEqualTo("<h1>home</h1>");
    }
}

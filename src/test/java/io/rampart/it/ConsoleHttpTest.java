package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import io.rampart.iam.AccessKey;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The web console's HTTP contract, as requests a browser or a forger sends: security headers on every page, the
 * session cookie's flags, refused sign-ins recorded in the trail, CSRF and authorisation refusals, sessions that end.
 */
class ConsoleHttpTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static S3Client admin;

    @BeforeAll
    static void start() {
        server = RAMPART.server();
        admin = RAMPART.s3();
    }

    ConsoleHttp console() {
        return new ConsoleHttp(server.endpoint());
    }

    @Test
    void everyPageCarriesAStrictContentSecurityPolicyAndIsNeitherFramedNorCached() throws Exception {
        ConsoleHttp c = console();
        HttpResponse<String> signin = c.get("/signin");
        c.signIn(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY);
        HttpResponse<String> overview = c.get("/");
        for (HttpResponse<String> r : List.of(signin, overview)) {
            assertThat(r.statusCode()).isEqualTo(200);
            String csp = r.headers().firstValue("content-security-policy").orElseThrow();
            assertThat(csp)
                    .contains("default-src 'self'", "frame-ancestors 'none'", "script-src 'self'")
                    .doesNotContain("unsafe-inline", "unsafe-eval");
            assertThat(r.headers().firstValue("x-frame-options")).hasValue("DENY");
            assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
            assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
            assertThat(r.body()).doesNotContain("<script", " style=\"");
        }
        assertThat(overview.body()).contains("arn:aws:iam::" + server.accountId());
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteStrictAndSignOutEndsTheSession() throws Exception {
        ConsoleHttp c = console();
        HttpResponse<String> r = c.signIn(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY);
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("location")).hasValue(ConsoleHttp.BASE + "/");
        String cookie = ConsoleHttp.setCookies(r).stream()
                .filter(s -> s.startsWith("rampart_console="))
                .findFirst()
                .orElseThrow();
        assertThat(cookie)
                .containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Strict")
                .contains("Path=" + ConsoleHttp.BASE)
                .doesNotContainIgnoringCase("Secure"); // plain HTTP here
        String session = c.cookies.get("rampart_console");
        assertThat(session).hasSizeGreaterThanOrEqualTo(43);
        String csrf = ConsoleHttp.csrf(c.get("/").body());
        assertThat(c.post("/signout", Map.of("csrf", csrf)).statusCode()).isEqualTo(303);
        // The old session id is dead on the server, not only forgotten by the browser.
        c.cookies.put("rampart_console", session);
        HttpResponse<String> after = c.get("/buckets");
        assertThat(after.statusCode()).isEqualTo(303);
        assertThat(after.headers().firstValue("location")).hasValue(ConsoleHttp.BASE + "/signin");
    }

    @Test
    void aWrongSecretIsRefusedAndRecordedAsAFailedConsoleLogin() throws Exception {
        ConsoleHttp c = console();
        HttpResponse<String> r = c.signIn(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY.replace('1', '2'));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("Sign-in failed");
        assertThat(c.cookies).doesNotContainKey("rampart_console");
        JsonNode failure = Await.value(
                "the failed ConsoleLogin in the trail",
                () -> records().stream()
                        .filter(x -> x.path("eventName").asText().equals("ConsoleLogin")
                                && x.path("responseElements")
                                        .path("ConsoleLogin")
                                        .asText()
                                        .equals("Failure")
                                && x.path("userIdentity")
                                        .path("accessKeyId")
                                        .asText()
                                        .equals(RampartServer.ACCESS_KEY))
                        .findFirst()
                        .orElse(null));
        assertThat(failure.path("eventSource").asText()).isEqualTo("signin.amazonaws.com");
        assertThat(failure.path("userIdentity").path("type").asText())
                .as("not signed in: no principal")
                .isEqualTo("AWSAccount");
        assertThat(failure.toString()).doesNotContain(RampartServer.SECRET_KEY.replace('1', '2'));
    }

    @Test
    void anInactiveKeyCannotSignInAndDeactivatingAKeyEndsItsSessions() throws Exception {
        AccessKey user = server.userWithS3FullAccess("console-deactivated");
        ConsoleHttp c = console();
        assertThat(c.signIn(user.accessKeyId(), user.secretKey()).statusCode()).isEqualTo(303);
        assertThat(c.get("/buckets").statusCode()).isEqualTo(200);
        server.iam()
                .updateAccessKey(b -> b.userName("console-deactivated")
                        .accessKeyId(user.accessKeyId())
                        .status("Inactive"));
        assertThat(c.get("/buckets").statusCode())
                .as("the session of a deactivated key")
                .isEqualTo(303);
        assertThat(console().signIn(user.accessKeyId(), user.secretKey()).statusCode())
                .isEqualTo(401);
    }

    @Test
    void aPostWithoutTheSessionsCsrfTokenIsRefused() throws Exception {
        admin.createBucket(b -> b.bucket("csrf-target"));
        admin.putObject(b -> b.bucket("csrf-target").key("k"), RequestBody.fromString("v1"));
        String v1 = admin.headObject(b -> b.bucket("csrf-target").key("k")).versionId();
        ConsoleHttp c = console();
        c.signIn(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY);
        HttpResponse<String> none = c.post("/signout", Map.of());
        HttpResponse<String> wrong = c.post(
                "/buckets/csrf-target/restore-version",
                Map.of("csrf", "forged-token", "key", "k", "versionId", String.valueOf(v1)));
        for (HttpResponse<String> r : List.of(none, wrong)) {
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("CSRF");
        }
        // Neither POST did anything: still signed in, and the object has its one version.
        assertThat(c.get("/").statusCode()).isEqualTo(200);
        assertThat(Buckets.versions(admin, "csrf-target")).hasSize(1);
        // A sign-in POST without the sign-in page's token (login CSRF) is refused too.
        ConsoleHttp fresh = console();
        HttpResponse<String> forgedLogin = fresh.post(
                "/signin",
                Map.of("accessKeyId", RampartServer.ACCESS_KEY, "secretAccessKey", RampartServer.SECRET_KEY));
        assertThat(forgedLogin.statusCode()).isEqualTo(403);
        assertThat(fresh.cookies).doesNotContainKey("rampart_console");
    }

    @Test
    void aReadOnlyUsersForgedChangeIsRefusedByPolicyAndRecorded() throws Exception {
        Buckets.versioned(admin, "ro-target");
        admin.putObject(b -> b.bucket("ro-target").key("doc"), RequestBody.fromString("first"));
        String first = admin.headObject(b -> b.bucket("ro-target").key("doc")).versionId();
        admin.putObject(b -> b.bucket("ro-target").key("doc"), RequestBody.fromString("second"));
        AccessKey reader = server.rampart().iam().createUserWithKey("console-reader-http");
        server.iam()
                .attachUserPolicy(b ->
                        b.userName("console-reader-http").policyArn("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
        ConsoleHttp c = console();
        c.signIn(reader.accessKeyId(), reader.secretKey());
        String page = c.get("/buckets/ro-target/versions?key=doc").body();
        assertThat(page).contains(first).doesNotContain("restore-version");
        HttpResponse<String> forged = c.post(
                "/buckets/ro-target/restore-version",
                Map.of("csrf", ConsoleHttp.csrf(page), "key", "doc", "versionId", first));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("Access Denied");
        assertThat(admin.getObjectAsBytes(b -> b.bucket("ro-target").key("doc")).asUtf8String())
                .isEqualTo("second");
        for (String path : List.of("/findings/x/resolve", "/restore")) {
            assertThat(c.post(
                                    path,
                                    Map.of(
                                            "csrf",
                                            ConsoleHttp.csrf(page),
                                            "bucket",
                                            "ro-target",
                                            "mode",
                                            "to",
                                            "value",
                                            "-1h",
                                            "action",
                                            "apply"))
                            .statusCode())
                    .as(path)
                    .isEqualTo(403);
        }
        JsonNode denied = Await.value(
                "the refused CopyObject in the trail",
                () -> records().stream()
                        .filter(x -> x.path("eventName").asText().equals("CopyObject")
                                && x.path("userIdentity")
                                        .path("accessKeyId")
                                        .asText()
                                        .equals(reader.accessKeyId()))
                        .findFirst()
                        .orElse(null));
        assertThat(denied.path("errorCode").asText()).isEqualTo("AccessDenied");
        assertThat(denied.path("userAgent").asText()).contains("rampart-console");
    }

    @Test
    void changesMadeFromTheConsoleAreInTheTrailAsApiRequestsWithTheConsolesUserAgent() throws Exception {
        Buckets.versioned(admin, "trail-target");
        admin.putObject(b -> b.bucket("trail-target").key("doc"), RequestBody.fromString("good"));
        String good = admin.headObject(b -> b.bucket("trail-target").key("doc")).versionId();
        admin.putObject(b -> b.bucket("trail-target").key("doc"), RequestBody.fromString("bad"));
        ConsoleHttp c = console();
        c.signIn(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY);
        String page = c.get("/buckets/trail-target/versions?key=doc").body();
        HttpResponse<String> r = c.post(
                "/buckets/trail-target/restore-version",
                Map.of("csrf", ConsoleHttp.csrf(page), "key", "doc", "versionId", good));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("is current again");
        assertThat(admin.getObjectAsBytes(b -> b.bucket("trail-target").key("doc"))
                        .asUtf8String())
                .isEqualTo("good");
        JsonNode copy = records().stream()
                .filter(x -> x.path("eventName").asText().equals("CopyObject")
                        && x.path("requestParameters")
                                .path("bucketName")
                                .asText()
                                .equals("trail-target"))
                .findFirst()
                .orElseThrow();
        assertThat(copy.path("eventSource").asText()).isEqualTo("s3.amazonaws.com");
        assertThat(copy.path("userIdentity").path("accessKeyId").asText()).isEqualTo(RampartServer.ACCESS_KEY);
        assertThat(copy.path("userAgent").asText()).contains("rampart-console");
        assertThat(copy.path("requestParameters").path("x-amz-copy-source").asText())
                .contains("versionId=" + good);
        assertThat(copy.path("additionalEventData")
                        .path("sessionCredentialFromConsole")
                        .asText())
                .isEqualTo("true");
    }

    @Test
    void theOverviewShowsEachBucketsProtectionsAsTheSignedInPrincipalReadsThem() throws Exception {
        Buckets.versioned(admin, "posture-versioned");
        admin.createBucket(b -> b.bucket("posture-plain"));
        ConsoleHttp c = console();
        c.signIn(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY);
        String page = c.get("/").body();
        assertThat(row(page, "posture-versioned")).contains(">blocked<", ">Enabled<");
        assertThat(row(page, "posture-plain")).contains(">blocked<", ">Off<");
        AccessKey nobody = server.rampart().iam().createUserWithKey("console-nobody");
        ConsoleHttp n = console();
        n.signIn(nobody.accessKeyId(), nobody.secretKey());
        // A user with no permissions lists no buckets and gets 403 for a bucket's page.
        assertThat(n.get("/").body()).doesNotContain("posture-versioned");
        HttpResponse<String> denied = n.get("/buckets/posture-versioned");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body()).contains("Access Denied");
    }

    @Test
    void anAdminDeactivatesAndReactivatesAKeyFromTheIdentitiesPage() throws Exception {
        AccessKey user = server.userWithS3FullAccess("console-rotated");
        ConsoleHttp c = console();
        c.signIn(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY);
        String page = c.get("/identities").body();
        assertThat(row(page, user.accessKeyId())).contains("Active", "Deactivate");
        HttpResponse<String> r = c.post(
                "/identities/keys/" + user.accessKeyId(),
                Map.of("csrf", ConsoleHttp.csrf(page), "userName", "console-rotated", "status", "Inactive"));
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(server.rampart()
                        .iam()
                        .findKey(user.accessKeyId())
                        .orElseThrow()
                        .active())
                .isFalse();
        assertThat(row(c.get("/identities").body(), user.accessKeyId())).contains("Inactive", "Activate");
        JsonNode update = records().stream()
                .filter(x -> x.path("eventName").asText().equals("UpdateAccessKey")
                        && x.path("requestParameters")
                                .path("accessKeyId")
                                .asText()
                                .equals(user.accessKeyId()))
                .findFirst()
                .orElseThrow();
        assertThat(update.path("eventSource").asText()).isEqualTo("iam.amazonaws.com");
        assertThat(update.path("requestParameters").path("status").asText()).isEqualTo("Inactive");
        assertThat(update.path("userAgent").asText()).isEqualTo("rampart-console/1.0");
        c.post(
                "/identities/keys/" + user.accessKeyId(),
                Map.of("csrf", ConsoleHttp.csrf(page), "userName", "console-rotated", "status", "Active"));
        assertThat(server.rampart()
                        .iam()
                        .findKey(user.accessKeyId())
                        .orElseThrow()
                        .active())
                .isTrue();
    }

    @Test
    void temporaryCredentialsSignInOnlyWithTheirSessionToken() throws Exception {
        AccessKey user = server.userWithS3FullAccess("console-temporary");
        var temp = server.sts(software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        user.accessKeyId(), user.secretKey()))
                .getSessionToken()
                .credentials();
        ConsoleHttp without = console();
        assertThat(without.signIn(temp.accessKeyId(), temp.secretAccessKey()).statusCode())
                .isEqualTo(401);
        ConsoleHttp with = console();
        String token = ConsoleHttp.csrf(with.get("/signin").body());
        HttpResponse<String> r = with.post(
                "/signin",
                Map.of(
                        "csrf",
                        token,
                        "accessKeyId",
                        temp.accessKeyId(),
                        "secretAccessKey",
                        temp.secretAccessKey(),
                        "sessionToken",
                        temp.sessionToken()));
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(with.get("/").body()).contains("user/console-temporary");
    }

    /** The table row of a page that mentions {@code text}. */
    static String row(String page, String text) {
        int at = page.indexOf(text);
        assertThat(at).as(text + " on the page").isNotNegative();
        return page.substring(page.lastIndexOf("<tr", at), page.indexOf("</tr>", at));
    }

    static List<JsonNode> records() throws Exception {
        return TrailQuery.all().run(TrailLayout.ofDataDir(server.dataDir()));
    }
}

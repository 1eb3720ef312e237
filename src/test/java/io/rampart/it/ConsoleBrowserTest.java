package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.detect.Finding;
import io.rampart.iam.AccessKey;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The web console in a real browser (Debian's headless Chromium through ChromeDriver; bin/ensure-chromium installs
 * them), against a server whose detector responds on its own. The attack is replayed once for the class: a stolen key
 * re-encrypts objects in place with SSE-C through the SDK until the detector contains it. With
 * {@code -Dconsole.screenshots=DIR} the page tour also saves a PNG of each page there (docs/console).
 */
class ConsoleBrowserTest {
    static final int OBJECTS = 8;
    static final String VICTIM = "console-victim";

    @RegisterExtension
    static final RampartExtension RAMPART =
            RampartExtension.withDefaults().allowSseCOverHttp().autoRespond();

    static RampartServer server;
    static S3Client admin;
    static AccessKey attacker;
    static AccessKey reader;
    static Instant attackStart;
    static Finding finding;
    static WebDriver browser;
    static WebDriverWait wait;
    static Path profile;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        admin = RAMPART.s3();
        Buckets.versionedAllowingSseC(admin, VICTIM);
        for (int i = 0; i < OBJECTS; i++) {
            String key = "doc-" + i;
            admin.putObject(b -> b.bucket(VICTIM).key(key), RequestBody.fromString("precious " + key));
        }
        Buckets.versioned(admin, "console-reading");
        admin.putObject(b -> b.bucket("console-reading").key("report.txt"), RequestBody.fromString("draft"));
        admin.putObject(b -> b.bucket("console-reading").key("report.txt"), RequestBody.fromString("final"));
        reader = server.rampart().iam().createUserWithKey("console-reader");
        server.iam()
                .attachUserPolicy(
                        b -> b.userName("console-reader").policyArn("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));

        attacker = server.userWithS3FullAccess("console-attacker");
        attackStart = Instant.now().minusSeconds(1);
        SseCKey ransom = SseCKey.random();
        try (S3Client s3 = server.s3(attacker.accessKeyId(), attacker.secretKey())) {
            for (int i = 0; i < OBJECTS; i++) {
                String key = "doc-" + i;
                try {
                    byte[] plain =
                            s3.getObjectAsBytes(b -> b.bucket(VICTIM).key(key)).asByteArray();
                    s3.putObject(
                            b -> b.bucket(VICTIM)
                                    .key(key)
                                    .sseCustomerAlgorithm("AES256")
                                    .sseCustomerKey(ransom.base64())
                                    .sseCustomerKeyMD5(ransom.md5()),
                            RequestBody.fromBytes(plain));
                } catch (S3Exception e) {
                    assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(403);
                    break;
                }
            }
        }
        finding = Await.value(
                "the detector's finding on the attacker's key",
                () -> server.rampart().findings().list().stream()
                        .filter(f -> attacker.accessKeyId().equals(f.accessKeyId())
                                && f.ruleId().equals("sse-c-overwrite-of-non-sse-c"))
                        .findFirst()
                        .orElse(null));
        Await.until(
                "the attacker's key deactivated",
                () -> !server.rampart()
                        .iam()
                        .findKey(attacker.accessKeyId())
                        .orElseThrow()
                        .active());

        profile = Files.createTempDirectory("rampart-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("chromium"));
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1200,900",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(executable("chromedriver")))
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) browser.quit();
        if (profile != null) {
            try (Stream<Path> s = Files.walk(profile)) {
                s.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A program on PATH (bin/ensure-chromium installs both); the test fails, never skips, without it. */
    static String executable(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) return f.getPath();
        }
        throw new AssertionError(name + " is not on PATH: run bin/ensure-chromium (the ./test script does)");
    }

    static String url(String path) {
        return server.endpoint() + "/_rampart/console" + path;
    }

    static void open(String path) {
        browser.get(url(path));
    }

    /** Forgets this origin's cookies (another test's session). */
    static void signedOut() {
        open("/signin");
        browser.manage().deleteAllCookies();
    }

    static void signIn(String keyId, String secret) {
        signedOut();
        open("/signin");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("accessKeyId")))
                .sendKeys(keyId);
        browser.findElement(By.name("secretAccessKey")).sendKeys(secret);
        browser.findElement(By.id("signin")).click();
    }

    static void signInAsAdmin() {
        signIn(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY);
        wait.until(ExpectedConditions.textToBe(
                By.id("signed-in-as"), "arn:aws:iam::" + server.accountId() + ":user/admin"));
    }

    static String text(String id) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)))
                .getText();
    }

    @Test
    void anAdminSignsInAndOutAndTheSessionIsGoneAfterwards() {
        signedOut();
        open("/buckets");
        wait.until(ExpectedConditions.urlContains("/_rampart/console/signin"));
        signInAsAdmin();
        assertThat(browser.findElement(By.id("posture")).getText()).contains(VICTIM);
        browser.findElement(By.id("signout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("accessKeyId")));
        open("/buckets");
        wait.until(ExpectedConditions.urlContains("/_rampart/console/signin"));
        assertThat(browser.findElements(By.id("signed-in-as"))).isEmpty();
    }

    @Test
    void aWrongSecretIsRefusedOnTheSignInPage() {
        signIn(RampartServer.ACCESS_KEY, "not-the-secret-at-all-0000000000000000000");
        assertThat(text("signin-error")).contains("Sign-in failed");
        assertThat(browser.findElements(By.id("signed-in-as"))).isEmpty();
    }

    @Test
    void aReadOnlyUserSeesNoChangeButtonsAndAForgedChangeIsRefused() throws Exception {
        signIn(reader.accessKeyId(), reader.secretKey());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signed-in-as"), "user/console-reader"));
        open("/buckets/console-reading/versions?key=report.txt");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#versions tbody tr"), 2));
        assertThat(browser.findElements(By.cssSelector("button.restore-version")))
                .isEmpty();
        open("/findings");
        assertThat(text("error-message")).contains("Access Denied");
        open("/restore");
        assertThat(text("error-message")).contains("Access Denied");
        open("/identities");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("keys")));
        assertThat(browser.findElements(By.cssSelector("#keys button"))).isEmpty();

        // The forger has the session (cookie and CSRF token) and posts what the hidden button would have.
        open("/buckets/console-reading/versions?key=report.txt");
        String csrf = wait.until(ExpectedConditions.presenceOfElementLocated(By.name("csrf")))
                .getAttribute("value");
        String session = browser.manage().getCookieNamed("rampart_console").getValue();
        String draft = admin.listObjectVersions(b -> b.bucket("console-reading")).versions().stream()
                .filter(v -> !v.isLatest())
                .findFirst()
                .orElseThrow()
                .versionId();
        HttpResponse<String> forged = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url("/buckets/console-reading/restore-version")))
                                .header("Cookie", "rampart_console=" + session)
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "csrf=" + csrf + "&key=report.txt&versionId=" + draft))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(admin.getObjectAsBytes(b -> b.bucket("console-reading").key("report.txt"))
                        .asUtf8String())
                .isEqualTo("final");
    }

    @Test
    void theReplayedAttacksFindingShowsItsTimelineAndIsResolvedFromItsPage() {
        signInAsAdmin();
        open("/findings");
        WebElement row = wait.until(
                ExpectedConditions.visibilityOfElementLocated(By.xpath("//table[@id='findings']//tr[td[contains(., '"
                        + attacker.accessKeyId() + "')] and td/a[text()='" + finding.ruleId() + "']]")));
        row.findElement(By.cssSelector("a.finding-link")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"), "PutObject"));
        assertThat(browser.findElement(By.id("timeline")).getText()).contains(attacker.accessKeyId());
        assertThat(browser.findElement(By.id("responses")).getText()).contains(attacker.accessKeyId(), VICTIM);
        assertThat(text("finding-status")).isEqualTo("OPEN");
        browser.findElement(By.id("resolve")).click();
        wait.until(ExpectedConditions.textToBe(By.id("finding-status"), "RESOLVED"));
        assertThat(browser.findElements(By.id("resolve"))).isEmpty();
        // Resolving reversed the responses: the key works again and SSE-C is no longer blocked on the bucket.
        assertThat(server.rampart()
                        .iam()
                        .findKey(attacker.accessKeyId())
                        .orElseThrow()
                        .active())
                .isTrue();
        var rule = admin.getBucketEncryption(b -> b.bucket(VICTIM))
                .serverSideEncryptionConfiguration()
                .rules()
                .get(0);
        assertThat(
                        rule.blockedEncryptionTypes() == null
                                ? List.<String>of()
                                : rule.blockedEncryptionTypes().encryptionTypeAsStrings())
                .doesNotContain("SSE-C");
    }

    @Test
    void aRestorePlannedAndAppliedFromThePageBringsTheObjectsBack() throws Exception {
        signInAsAdmin();
        open("/restore");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("restore-bucket")))
                .sendKeys(VICTIM);
        new Select(browser.findElement(By.id("restore-mode"))).selectByValue("undoAccessKey");
        browser.findElement(By.id("restore-value")).sendKeys(attacker.accessKeyId());
        browser.findElement(By.id("restore-since")).sendKeys(attackStart.toString());
        browser.findElement(By.id("plan")).click();
        long planned = Long.parseLong(text("count-restore"));
        assertThat(planned).as("keys the plan restores").isBetween(1L, (long) OBJECTS);
        assertThat(browser.findElement(By.id("plan-keys")).getText()).contains("doc-0");
        // The plan changed nothing yet.
        assertThat(readsWithoutKey("doc-0")).isFalse();
        browser.findElement(By.id("apply")).click();
        String state = wait.until(d -> {
            String s = d.findElement(By.id("job-state")).getText();
            if (!"RUNNING".equals(s)) return s;
            d.navigate().refresh();
            return null;
        });
        assertThat(state).isEqualTo("SUCCEEDED");
        assertThat(text("job-restore")).isEqualTo(Long.toString(planned));
        // Each restored key is in the trail, written by the signed-in admin through the console.
        var restored =
                io.rampart.audit.TrailQuery.all().run(io.rampart.audit.TrailLayout.ofDataDir(server.dataDir())).stream()
                        .filter(r -> r.path("eventName").asText().equals("RestoreObjectVersion")
                                && r.path("requestParameters")
                                        .path("bucketName")
                                        .asText()
                                        .equals(VICTIM))
                        .toList();
        assertThat(restored).hasSize((int) planned).allSatisfy(r -> {
            assertThat(r.path("userAgent").asText()).contains("rampart-console");
            assertThat(r.path("userIdentity").path("accessKeyId").asText()).isEqualTo(RampartServer.ACCESS_KEY);
        });
        for (int i = 0; i < OBJECTS; i++) {
            String key = "doc-" + i;
            assertThat(admin.getObjectAsBytes(b -> b.bucket(VICTIM).key(key)).asUtf8String())
                    .isEqualTo("precious " + key);
        }
    }

    @Test
    void trailSearchFindsTheAttackersRecordsAndExportsThemAsCloudTrailJson() throws Exception {
        signInAsAdmin();
        open("/trail");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("trail-accessKey")))
                .sendKeys(attacker.accessKeyId());
        browser.findElement(By.id("trail-eventName")).sendKeys("PutObject");
        browser.findElement(By.id("trail-search")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("trail-results")));
        List<WebElement> rows = browser.findElements(By.cssSelector("#trail-results tbody tr"));
        assertThat(rows)
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.getText()).contains("PutObject", attacker.accessKeyId()));
        String export = browser.findElement(By.id("trail-export")).getAttribute("href");
        HttpResponse<String> json = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(export))
                                .header(
                                        "Cookie",
                                        "rampart_console="
                                                + browser.manage()
                                                        .getCookieNamed("rampart_console")
                                                        .getValue())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(json.statusCode()).isEqualTo(200);
        var records = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(json.body())
                .path("Records");
        assertThat(records.size()).isEqualTo(rows.size());
        records.forEach(r ->
                assertThat(r.path("userIdentity").path("accessKeyId").asText()).isEqualTo(attacker.accessKeyId()));
    }

    @Test
    void everyPageRendersForTheAdmin() throws Exception {
        signInAsAdmin();
        String[][] pages = {
            {"overview", "/", "Overview"},
            {"findings", "/findings?status=", "Findings"},
            {"finding", "/findings/" + finding.id(), finding.ruleId()},
            {"buckets", "/buckets", "Buckets"},
            {"objects", "/buckets/" + VICTIM, VICTIM},
            {"versions", "/buckets/" + VICTIM + "/versions?key=doc-0", "doc-0"},
            {"restore", "/restore", "Restore"},
            {"trail", "/trail?search=1&bucket=" + VICTIM, "Audit trail"},
            {"identities", "/identities", "Identities"},
        };
        for (String[] p : pages) {
            open(p[1]);
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), p[2]));
            assertThat(browser.findElements(By.id("error-message"))).as(p[1]).isEmpty();
            if (p[0].equals("overview")) {
                // Charts are inline SVG rendered by the server: the first is the per-bucket request count.
                assertThat(browser.findElement(By.cssSelector("svg")).getAttribute("aria-label"))
                        .isEqualTo("Requests by bucket");
                assertThat(browser.findElement(By.cssSelector("svg")).getText()).contains(VICTIM);
            }
            screenshot(p[0]);
        }
    }

    static boolean readsWithoutKey(String key) {
        try {
            admin.getObjectAsBytes(b -> b.bucket(VICTIM).key(key));
            return true;
        } catch (S3Exception e) {
            return false;
        }
    }

    static void screenshot(String name) throws Exception {
        String dir = System.getProperty("console.screenshots");
        if (dir == null || dir.isEmpty()) return;
        File png = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Path target = Path.of(dir).resolve(name + ".png");
        Files.createDirectories(target.getParent());
        Files.copy(png.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}

package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Over HTTPS the console's cookies are Secure too, so a browser never sends the session over plain HTTP. */
class ConsoleTlsTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults().selfSignedTls();

    @Test
    void theSessionCookieIsSecureOverTls() throws Exception {
        RampartServer server = RAMPART.server();
        assertThat(server.endpoint().getScheme()).isEqualTo("https");
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, server.selfSignedTrustManagers(), null);
        HttpClient http = HttpClient.newBuilder()
                .sslContext(tls)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        URI signin = server.endpoint().resolve("/_rampart/console/signin");
        HttpResponse<String> page =
                http.send(HttpRequest.newBuilder(signin).build(), HttpResponse.BodyHandlers.ofString());
        String pre = page.headers().firstValue("set-cookie").orElseThrow();
        assertThat(pre).startsWith("rampart_console_signin=").containsIgnoringCase("; Secure");
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(m.find()).isTrue();
        String form = "csrf=" + m.group(1) + "&accessKeyId=" + RampartServer.ACCESS_KEY + "&secretAccessKey="
                + URLEncoder.encode(RampartServer.SECRET_KEY, StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(signin)
                        .header("Cookie", pre.split(";", 2)[0])
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(303);
        String session = r.headers().allValues("set-cookie").stream()
                .filter(c -> c.startsWith("rampart_console="))
                .findFirst()
                .orElseThrow();
        assertThat(session)
                .containsIgnoringCase("; Secure")
                .containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Strict");
    }
}

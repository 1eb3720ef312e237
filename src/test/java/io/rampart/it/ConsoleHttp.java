package io.rampart.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The console over plain HTTP, as a browser (or a forger) sends it: cookies by hand, forms url-encoded, no redirects
 * followed, so a test sees every status and header.
 */
final class ConsoleHttp {
    static final String BASE = "/_rampart/console";
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final URI endpoint;
    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    final Map<String, String> cookies = new LinkedHashMap<>();

    ConsoleHttp(URI endpoint) {
        this.endpoint = endpoint;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(endpoint.resolve(BASE + path)).GET());
    }

    HttpResponse<String> post(String path, Map<String, String> form) throws IOException, InterruptedException {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(endpoint.resolve(BASE + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        if (!cookies.isEmpty()) {
            b.header(
                    "Cookie",
                    cookies.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining("; ")));
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        for (String c : r.headers().allValues("set-cookie")) {
            String pair = c.split(";", 2)[0];
            int eq = pair.indexOf('=');
            String name = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            if (value.isEmpty() || c.toLowerCase().contains("max-age=0")) cookies.remove(name);
            else cookies.put(name, value);
        }
        return r;
    }

    /** Signs in through the form (its page first, for the sign-in token); returns the answer to the POST. */
    HttpResponse<String> signIn(String keyId, String secret) throws IOException, InterruptedException {
        String token = csrf(get("/signin").body());
        return post("/signin", Map.of("csrf", token, "accessKeyId", keyId, "secretAccessKey", secret));
    }

    /** The CSRF token of a page's forms. */
    static String csrf(String page) {
        Matcher m = CSRF.matcher(page);
        if (!m.find()) throw new AssertionError("no CSRF token on the page:\n" + page);
        return m.group(1);
    }

    static List<String> setCookies(HttpResponse<?> r) {
        return r.headers().allValues("set-cookie");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

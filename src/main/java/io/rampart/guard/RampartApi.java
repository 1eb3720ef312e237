package io.rampart.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * Rampart's admin API as guard reads it, with the caller's credentials: the server's posture (recovery window, detector,
 * trail validation, metrics) and who wrote which object version (from its audit trail). An endpoint is a Rampart when
 * its admin API answers, with the posture or with its JSON refusal; anything else (S3's XML NoSuchBucket for
 * "_rampart", which no S3 bucket name can be) means another S3.
 */
final class RampartApi {
    /** What guard names when the admin API refuses: it has no IAM action, only the account's admin may call it. */
    static final String ADMIN_ACTION =
            "the Rampart admin API (GET /_rampart/admin/...; the account's admin user or root only)";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Target target;
    private final Read<JsonNode> posture;

    private RampartApi(Target target, Read<JsonNode> posture) {
        this.target = target;
        this.posture = posture;
    }

    /** The endpoint's admin API when it is a Rampart; empty on AWS and on any other S3. */
    static Optional<RampartApi> detect(Target target) {
        if (target.isAws()) return Optional.empty();
        Read<JsonNode> p;
        try {
            p = get(target, "admin/posture", Map.of());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (p instanceof Read.Got<JsonNode> g
                && "rampart".equals(g.value().path("server").asText())) {
            return Optional.of(new RampartApi(target, p));
        }
        if (p instanceof Read.Denied<JsonNode>) return Optional.of(new RampartApi(target, p));
        return Optional.empty();
    }

    Read<JsonNode> posture() {
        return posture;
    }

    /** Successful SSE-C object writes in {@code bucket}, from the server's trail. */
    Read<JsonNode> sseCWrites(String bucket) {
        try {
            return get(target, "admin/trail/writes", Map.of("bucket", bucket, "sse", "SSE_C"));
        } catch (RuntimeException e) {
            return new Read.Failed<>(ADMIN_ACTION, String.valueOf(e.getMessage()));
        }
    }

    /** A GET on the admin API: the JSON body, or Denied (a JSON AccessDenied) / Failed (anything else). */
    private static Read<JsonNode> get(Target target, String resource, Map<String, String> query) {
        StringBuilder q = new StringBuilder();
        query.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> q.append(q.isEmpty() ? "?" : "&")
                        .append(enc(e.getKey()))
                        .append('=')
                        .append(enc(e.getValue())));
        URI uri = target.endpoint.orElseThrow().resolve("/_rampart/" + resource + q);
        SignedHttp.Answer a =
                SignedHttp.call(target, SdkHttpMethod.GET, uri, Map.of(), new byte[0], "s3", target.region.id());
        JsonNode json;
        try {
            json = JSON.readTree(a.body());
        } catch (IOException e) {
            return new Read.Failed<>(ADMIN_ACTION, "HTTP " + a.status() + ", not the Rampart admin API");
        }
        if (json == null || !json.isObject())
            return new Read.Failed<>(ADMIN_ACTION, "HTTP " + a.status() + ", not the Rampart admin API");
        if (a.status() == 200) return new Read.Got<>(json);
        JsonNode err = json.path("error");
        String detail = err.path("code").asText("HTTP " + a.status()) + " (HTTP " + a.status() + "): "
                + err.path("message").asText();
        if (!err.isObject())
            return new Read.Failed<>(ADMIN_ACTION, "HTTP " + a.status() + ", not the Rampart admin API");
        return a.status() == 403 ? new Read.Denied<>(ADMIN_ACTION, detail) : new Read.Failed<>(ADMIN_ACTION, detail);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

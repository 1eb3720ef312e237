package io.rampart.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * A client for IAM Roles Anywhere as its published descriptions define it (the SDK's rolesanywhere client is not
 * available from this machine's Maven mirror): control-plane calls are REST-JSON signed by the SDK's own SigV4 signer
 * for service "rolesanywhere"; CreateSession is signed here by hand following "The IAM Roles Anywhere authentication
 * signing process" (SigV4's canonical request, AWS4-X509-RSA-SHA256 / AWS4-X509-ECDSA-SHA256 over it with the
 * certificate's private key, the serial number as credential, the certificate and chain in X-Amz-X509 headers).
 */
final class RolesAnywhereClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private final URI endpoint;
    private final String region;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    RolesAnywhereClient(URI endpoint, String region) {
        this.endpoint = endpoint;
        this.region = region;
    }

    /** The answer: status, the x-amzn-ErrorType header (errors) and the JSON body. */
    record Answer(int status, String errorType, JsonNode body) {
        String message() {
            return body.path("message").asText();
        }
    }

    Answer call(String method, String pathAndQuery, String jsonBody) {
        return call(method, pathAndQuery, jsonBody, RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY);
    }

    Answer call(String method, String pathAndQuery, String jsonBody, String accessKey, String secretKey) {
        byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
        URI uri = endpoint.resolve(pathAndQuery);
        SdkHttpRequest.Builder request =
                SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        if (jsonBody != null) request.putHeader("Content-Type", "application/json");
        var signed = AwsV4HttpSigner.create()
                .sign(SignRequest.builder(AwsCredentialsIdentity.create(accessKey, secretKey))
                        .request(request.build())
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "rolesanywhere")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .build());
        HttpRequest.Builder out =
                HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        signed.request().forEachHeader((name, values) -> {
            if (!List.of("host", "content-length").contains(name.toLowerCase(Locale.ROOT)))
                values.forEach(v -> out.header(name, v));
        });
        return send(out.build());
    }

    /** What CreateSession signs and sends; {@code tamper} changes the body after signing (an attacker's replay). */
    record SessionRequest(
            X509Certificate certificate,
            PrivateKey key,
            List<X509Certificate> chain,
            String profileArn,
            String roleArn,
            String trustAnchorArn,
            Integer durationSeconds,
            boolean tamper) {
        SessionRequest(
                X509Certificate certificate, PrivateKey key, String profileArn, String roleArn, String trustAnchorArn) {
            this(certificate, key, List.of(), profileArn, roleArn, trustAnchorArn, null, false);
        }

        SessionRequest withDuration(int seconds) {
            return new SessionRequest(certificate, key, chain, profileArn, roleArn, trustAnchorArn, seconds, tamper);
        }

        SessionRequest withChain(List<X509Certificate> c) {
            return new SessionRequest(
                    certificate, key, c, profileArn, roleArn, trustAnchorArn, durationSeconds, tamper);
        }

        SessionRequest tampered() {
            return new SessionRequest(
                    certificate, key, chain, profileArn, roleArn, trustAnchorArn, durationSeconds, true);
        }
    }

    /** A signed CreateSession: its query string, body and headers (Authorization included, Host as signed). */
    record Signed(String query, byte[] body, Map<String, String> headers) {}

    /** Signs CreateSession as aws_signing_helper does: the ARNs in the query string, the duration in the JSON body. */
    static Signed sign(SessionRequest r, String host, String region, Instant at) throws Exception {
        Map<String, String> query = new TreeMap<>();
        query.put("profileArn", r.profileArn());
        query.put("roleArn", r.roleArn());
        query.put("trustAnchorArn", r.trustAnchorArn());
        String canonicalQuery = canonicalQuery(query);
        String json = r.durationSeconds() == null ? "{}" : "{\"durationSeconds\":" + r.durationSeconds() + "}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);

        boolean ec = r.key().getAlgorithm().equals("EC");
        String algorithm = ec ? "AWS4-X509-ECDSA-SHA256" : "AWS4-X509-RSA-SHA256";
        String amzDate = AMZ_DATE.format(at);
        String date = amzDate.substring(0, 8);
        Map<String, String> headers = new TreeMap<>();
        headers.put("content-type", "application/json");
        headers.put("host", host);
        headers.put("x-amz-date", amzDate);
        headers.put(
                "x-amz-x509", Base64.getEncoder().encodeToString(r.certificate().getEncoded()));
        if (!r.chain().isEmpty()) {
            List<String> parts = new ArrayList<>();
            for (X509Certificate c : r.chain()) parts.add(Base64.getEncoder().encodeToString(c.getEncoded()));
            headers.put("x-amz-x509-chain", String.join(",", parts));
        }
        // Task 1: the canonical request (SigV4's).
        StringBuilder canonicalHeaders = new StringBuilder();
        headers.forEach((k, v) ->
                canonicalHeaders.append(k).append(':').append(v.strip()).append('\n'));
        String signedHeaders = String.join(";", headers.keySet());
        String canonicalRequest = "POST\n/sessions\n" + canonicalQuery + "\n" + canonicalHeaders + "\n" + signedHeaders
                + "\n" + hex(sha256(body));
        // Task 2: the string to sign, over the credential scope date/region/rolesanywhere/aws4_request.
        String scope = date + "/" + region + "/rolesanywhere/aws4_request";
        String stringToSign = algorithm + "\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        // Task 3: the signature, with the certificate's private key.
        Signature s = Signature.getInstance(ec ? "SHA256withECDSA" : "SHA256withRSA");
        s.initSign(r.key());
        s.update(stringToSign.getBytes(StandardCharsets.UTF_8));
        String signature = hex(s.sign());
        // Task 4: the Authorization header; the credential is the certificate's serial number in decimal.
        headers.put(
                "authorization",
                algorithm + " Credential=" + r.certificate().getSerialNumber() + "/" + scope + ", SignedHeaders="
                        + signedHeaders + ", Signature=" + signature);
        byte[] sent = r.tamper() ? "{\"durationSeconds\":43200}".getBytes(StandardCharsets.UTF_8) : body;
        return new Signed(canonicalQuery, sent, headers);
    }

    Answer createSession(SessionRequest r) throws Exception {
        Signed signed = sign(r, endpoint.getAuthority(), region, Instant.now());
        HttpRequest.Builder out = HttpRequest.newBuilder(endpoint.resolve("/sessions?" + signed.query()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(signed.body()));
        signed.headers().forEach((k, v) -> {
            if (!k.equals("host")) out.header(k, v);
        });
        return send(out.build());
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
            return new Answer(
                    r.statusCode(), r.headers().firstValue("x-amzn-ErrorType").orElse(null), body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String canonicalQuery(Map<String, String> sorted) {
        List<String> pairs = new ArrayList<>();
        sorted.forEach((k, v) -> pairs.add(encode(k) + "=" + encode(v)));
        return String.join("&", pairs);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("*", "%2A")
                .replace("%7E", "~");
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}

package io.rampart.it;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Raw HTTP to a {@link RampartServer} for what the SDK cannot express or hides: error bodies, anonymous requests,
 * unimplemented sub-resources. Requests are signed by the SDK's own SigV4 signer with a signed (non-chunked) payload.
 */
final class RawS3 {
    /** Headers java.net.http sets itself and refuses to take from the caller. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private final java.util.function.Supplier<URI> endpoint;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    RawS3(RampartServer server) {
        this.endpoint = server::endpoint;
    }

    /** Against a server at {@code endpoint} (a {@link ChildServer}), with the test admin key. */
    RawS3(URI endpoint) {
        this.endpoint = () -> endpoint;
    }

    /** A response with its body read. */
    record Reply(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }

        /** The S3 Error document's child elements by name (Code, Message, Resource, RequestId, ...). */
        Map<String, String> error() {
            try {
                var f = DocumentBuilderFactory.newInstance();
                f.setNamespaceAware(true);
                Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
                Element root = d.getDocumentElement();
                Map<String, String> out = new LinkedHashMap<>();
                out.put("#root", root.getTagName());
                for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
                    if (n instanceof Element e) out.put(e.getTagName(), e.getTextContent());
                }
                return out;
            } catch (Exception e) {
                throw new AssertionError("not a well-formed XML error body: " + text(), e);
            }
        }
    }

    Reply signed(String method, String encodedPathAndQuery, Map<String, String> headers, byte[] body) {
        return signed(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY, method, encodedPathAndQuery, headers, body);
    }

    /** Signs with the given credentials and sends. {@code encodedPathAndQuery} goes on the wire as given. */
    Reply signed(
            String accessKey,
            String secretKey,
            String method,
            String encodedPathAndQuery,
            Map<String, String> headers,
            byte[] body) {
        URI uri = endpoint.get().resolve(encodedPathAndQuery);
        SdkHttpRequest.Builder req =
                SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach(req::putHeader);
        var signed = AwsV4HttpSigner.create()
                .sign(SignRequest.builder(AwsCredentialsIdentity.create(accessKey, secretKey))
                        .request(req.build())
                        .payload(ContentStreamProvider.fromByteArray(body == null ? new byte[0] : body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                        .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                        .build());
        Map<String, String> wire = new LinkedHashMap<>();
        signed.request().forEachHeader((name, values) -> wire.put(name, String.join(",", values)));
        return send(method, uri, wire, body);
    }

    /** An anonymous request: no Authorization header, no signature. */
    Reply unsigned(String method, String encodedPathAndQuery, Map<String, String> headers, byte[] body) {
        return send(method, endpoint.get().resolve(encodedPathAndQuery), headers, body);
    }

    private Reply send(String method, URI uri, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .method(
                        method,
                        body == null || body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((k, v) -> {
            if (!RESTRICTED.contains(k.toLowerCase(Locale.ROOT))) b.header(k, v);
        });
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<String, String> h = new LinkedHashMap<>();
            r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            return new Reply(r.statusCode(), h, r.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package io.rampart.cli;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Locale;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * How the CLI signs calls to a server's admin API ({@code /_rampart/...}): SigV4 for the service "s3" by the SDK's own
 * signer, payload hashed, the path signed as sent.
 */
final class AdminSigning {
    private AdminSigning() {}

    static SdkHttpRequest sign(
            SdkHttpRequest unsigned, byte[] body, AwsCredentialsIdentity credentials, String region) {
        return AwsV4HttpSigner.create()
                .sign(r -> r.identity(credentials)
                        .request(unsigned)
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true))
                .request();
    }

    /** The signed request for java.net.http, which sets Host and Content-Length itself (to the values signed). */
    static HttpRequest forJavaHttp(SdkHttpRequest signed, URI uri, String method, byte[] body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        signed.forEachHeader((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("host") || lower.equals("content-length")) return;
            for (String v : values) b.header(name, v);
        });
        return b.build();
    }
}

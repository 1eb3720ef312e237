package io.rampart.guard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * One SigV4-signed HTTP call for the APIs guard has no SDK client for (Organizations, S3 Control, Rampart's admin API),
 * with the target's credentials and HTTP client. The answer's body is read up to a bound.
 */
final class SignedHttp {
    static final int MAX_ANSWER = 8 << 20;

    record Answer(int status, byte[] body) {
        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private SignedHttp() {}

    static Answer call(
            Target target,
            SdkHttpMethod method,
            URI uri,
            Map<String, String> headers,
            byte[] body,
            String service,
            String region) {
        var rb = SdkHttpRequest.builder().method(method).uri(uri);
        headers.forEach(rb::putHeader);
        var creds = target.credentials.resolveCredentials();
        AwsCredentialsIdentity identity = creds instanceof AwsSessionCredentials s
                ? AwsSessionCredentialsIdentity.create(s.accessKeyId(), s.secretAccessKey(), s.sessionToken())
                : AwsCredentialsIdentity.create(creds.accessKeyId(), creds.secretAccessKey());
        var signed = AwsV4HttpSigner.create()
                .sign(SignRequest.builder(identity)
                        .request(rb.build())
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .build());
        try {
            var exec = HttpExecuteRequest.builder().request(signed.request());
            if (body.length > 0) exec.contentStreamProvider(ContentStreamProvider.fromByteArray(body));
            var response = target.http.prepareRequest(exec.build()).call();
            try (InputStream in =
                    response.responseBody().map(InputStream.class::cast).orElse(InputStream.nullInputStream())) {
                return new Answer(response.httpResponse().statusCode(), in.readNBytes(MAX_ANSWER));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

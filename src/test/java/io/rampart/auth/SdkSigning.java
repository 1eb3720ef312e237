package io.rampart.auth;

import io.rampart.iam.Principal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.checksums.spi.ChecksumAlgorithm;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Produces requests signed by the AWS SDK v2's own SigV4 signer, the reference our verifier must agree with,
 * and turns them into the framework-free {@link SignedRequest} the verifier reads.
 */
final class SdkSigning {
    static final String REGION = "us-east-1";
    static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    /** A signed request as it arrives: our view of it plus the exact body bytes on the wire. */
    record Signed(SignedRequest request, byte[] body) {}

    /** How the SDK should treat the payload. */
    record Options(
            String service,
            boolean signPayload,
            boolean chunked,
            ChecksumAlgorithm checksum,
            Duration presignFor,
            String sessionToken,
            Clock clock) {
        static Options s3() {
            return new Options("s3", true, false, null, null, null, CLOCK);
        }

        Options service(String value) {
            return new Options(value, signPayload, chunked, checksum, presignFor, sessionToken, clock);
        }

        Options unsignedPayload() {
            return new Options(service, false, chunked, checksum, presignFor, sessionToken, clock);
        }

        Options chunked(ChecksumAlgorithm value) {
            return new Options(service, signPayload, true, value, presignFor, sessionToken, clock);
        }

        Options presigned(Duration value) {
            return new Options(service, false, chunked, checksum, value, sessionToken, clock);
        }

        Options sessionToken(String value) {
            return new Options(service, signPayload, chunked, checksum, presignFor, value, clock);
        }

        Options clock(Clock value) {
            return new Options(service, signPayload, chunked, checksum, presignFor, sessionToken, value);
        }
    }

    private SdkSigning() {}

    static Credential credential(String accessKeyId, String secret, String token) {
        Principal principal = new Principal(
                "IAMUser",
                "123456789012",
                "arn:aws:iam::123456789012:user/test",
                "AIDATEST",
                "test",
                accessKeyId,
                token == null ? Optional.empty() : Optional.of(0L));
        return new Credential(accessKeyId, secret, token, principal);
    }

    /**
     * Signs with the SDK. {@code encodedPath} is the path as it goes on the wire; the S3 client encodes keys
     * with SdkHttpUtils.urlEncodeIgnoreSlashes, and so do the callers of this method.
     */
    static Signed sign(
            Credential credential,
            SdkHttpMethod method,
            String encodedPath,
            Map<String, List<String>> queryParams,
            Map<String, String> headers,
            byte[] body,
            Options options) {
        SdkHttpRequest.Builder http = SdkHttpRequest.builder()
                .method(method)
                .protocol("https")
                .host("localhost")
                .port(9000)
                .encodedPath(encodedPath);
        queryParams.forEach(http::putRawQueryParameter);
        headers.forEach(http::putHeader);
        if (body != null && options.presignFor() == null) {
            http.putHeader("Content-Length", Integer.toString(body.length));
        }
        AwsCredentialsIdentity identity = credential.sessionToken() == null
                ? AwsCredentialsIdentity.create(credential.accessKeyId(), credential.secretKey())
                : AwsSessionCredentialsIdentity.create(
                        credential.accessKeyId(), credential.secretKey(), credential.sessionToken());
        SignRequest.Builder<AwsCredentialsIdentity> sign = SignRequest.builder(identity)
                .request(http.build())
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, options.service())
                .putProperty(AwsV4HttpSigner.REGION_NAME, REGION)
                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, options.signPayload())
                .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, options.chunked())
                .putProperty(HttpSigner.SIGNING_CLOCK, options.clock());
        if (options.checksum() != null) {
            sign.putProperty(AwsV4FamilyHttpSigner.CHECKSUM_ALGORITHM, options.checksum());
        }
        if (options.presignFor() != null) {
            sign.putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                    .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, options.presignFor());
        }
        if (body != null) {
            sign.payload(ContentStreamProvider.fromByteArray(body));
        }
        var signed = AwsV4HttpSigner.create().sign(sign.build());
        byte[] wire = signed.payload().map(SdkSigning::readAll).orElse(new byte[0]);
        SdkHttpRequest out = signed.request();
        Map<String, List<String>> lowerCased = new LinkedHashMap<>();
        out.forEachHeader((name, values) -> lowerCased
                .computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .addAll(values));
        lowerCased.putIfAbsent("host", List.of("localhost:9000"));
        String query = out.encodedQueryParameters().orElse("");
        return new Signed(new SignedRequest(out.method().name(), out.encodedPath(), query, lowerCased), wire);
    }

    static byte[] readAll(ContentStreamProvider provider) {
        try (InputStream in = provider.newStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

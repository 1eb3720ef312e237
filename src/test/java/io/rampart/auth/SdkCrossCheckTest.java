package io.rampart.auth;

import static io.rampart.auth.Requests.body;
import static io.rampart.auth.Requests.drain;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.checksums.DefaultChecksumAlgorithm;
import software.amazon.awssdk.checksums.spi.ChecksumAlgorithm;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/** Requests signed by the AWS SDK v2 signer must verify, whatever the key, query, payload mode or checksum. */
class SdkCrossCheckTest {
    static final Credential KEY = SdkSigning.credential("AKIDCROSSCHECK", "cross/check+secret", null);
    static final Credential TEMPORARY = SdkSigning.credential("ASIATEMPORARY", "temp-secret", "FwoGZXIvYXdzE+/token==");

    private final SigV4Verifier verifier = new SigV4Verifier(
            id -> Stream.of(KEY, TEMPORARY)
                    .filter(c -> c.accessKeyId().equals(id))
                    .findFirst(),
            SdkSigning.REGION,
            SdkSigning.CLOCK);

    static Stream<String> keys() {
        return Stream.of(
                "plain.txt",
                "a b/c d.txt",
                "../escape",
                "a/../b",
                "double//slash",
                "//leading",
                "trailing/",
                "unicode/日本語/ß€😀",
                "plus+and space",
                "tilde~name",
                "percent%20literal",
                "specials!$&'()*,;=:@",
                "quote\"<>#?[]{}|\\^`",
                "dot/./segment",
                "..",
                ".");
    }

    private static String path(String bucket, String key) {
        return "/" + bucket + "/" + SdkHttpUtils.urlEncodeIgnoreSlashes(key);
    }

    @ParameterizedTest
    @MethodSource("keys")
    void headerSignedPutVerifiesForAnyKey(String key) throws Exception {
        byte[] payload = ("content of " + key).getBytes(StandardCharsets.UTF_8);
        var signed = SdkSigning.sign(
                KEY,
                SdkHttpMethod.PUT,
                path("bucket", key),
                Map.of(),
                Map.of("x-amz-meta-note", "  spaced    value  ", "Content-Type", "text/plain"),
                payload,
                SdkSigning.Options.s3());
        Authenticated result = verifier.verify(signed.request(), body(signed.body()));
        assertThat(drain(result.body())).isEqualTo(payload);
        assertThat(result.accessKeyId()).isEqualTo(KEY.accessKeyId());
    }

    @ParameterizedTest
    @MethodSource("keys")
    void presignedGetVerifiesForAnyKey(String key) throws Exception {
        var signed = SdkSigning.sign(
                KEY,
                SdkHttpMethod.GET,
                path("bucket", key),
                Map.of("response-content-type", List.of("text/plain; charset=utf-8")),
                Map.of(),
                null,
                SdkSigning.Options.s3().presigned(Duration.ofHours(1)));
        Authenticated result = verifier.verify(signed.request(), body(new byte[0]));
        assertThat(result.presigned()).isTrue();
        assertThat(drain(result.body())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a+b", "日本", "~tilde", "x=y&z", "100%", "", "slash/es"})
    void queryParametersWithAwkwardValuesVerify(String value) throws Exception {
        var signed = SdkSigning.sign(
                KEY,
                SdkHttpMethod.GET,
                "/bucket",
                Map.of(
                        "prefix",
                        List.of(value),
                        "list-type",
                        List.of("2"),
                        "delimiter",
                        List.of("/"),
                        "empty",
                        List.of("")),
                Map.of(),
                new byte[0],
                SdkSigning.Options.s3());
        assertThat(verifier.verify(signed.request(), body(new byte[0])).accessKeyId())
                .isEqualTo(KEY.accessKeyId());
    }

    @Test
    void queryWithPlusSentForSpaceAlsoVerifies() throws Exception {
        // Some clients put '+' on the wire for a space they signed as %20; the second candidate accepts it.
        var signed = SdkSigning.sign(
                KEY,
                SdkHttpMethod.GET,
                "/bucket",
                Map.of("prefix", List.of("a b")),
                Map.of(),
                new byte[0],
                SdkSigning.Options.s3());
        SignedRequest plus =
                Requests.withQuery(signed.request(), signed.request().rawQuery().replace("%20", "+"));
        assertThat(verifier.verify(plus, body(new byte[0])).accessKeyId()).isEqualTo(KEY.accessKeyId());
    }

    @Test
    void unsignedPayloadVerifiesWithoutHashingTheBody() throws Exception {
        byte[] payload = new byte[100_000];
        new Random(1).nextBytes(payload);
        var signed = SdkSigning.sign(
                KEY,
                SdkHttpMethod.PUT,
                "/bucket/obj",
                Map.of(),
                Map.of(),
                payload,
                SdkSigning.Options.s3().unsignedPayload());
        assertThat(signed.request().header("x-amz-content-sha256")).isEqualTo("UNSIGNED-PAYLOAD");
        assertThat(drain(verifier.verify(signed.request(), body(signed.body())).body()))
                .isEqualTo(payload);
    }

    static Stream<Arguments> chunkedUploads() {
        return Stream.of(0, 1, 8192, 131_072, 131_073, 400_000)
                .flatMap(size -> Stream.of(
                        Arguments.of(size, null, true),
                        Arguments.of(size, DefaultChecksumAlgorithm.CRC32, true),
                        Arguments.of(size, DefaultChecksumAlgorithm.CRC32C, true),
                        Arguments.of(size, DefaultChecksumAlgorithm.SHA1, false),
                        Arguments.of(size, DefaultChecksumAlgorithm.SHA256, false),
                        Arguments.of(size, DefaultChecksumAlgorithm.CRC32, false)));
    }

    @ParameterizedTest(name = "{0} bytes, checksum {1}, signed chunks {2}")
    @MethodSource("chunkedUploads")
    void awsChunkedUploadsFromTheSdkDecodeAndVerify(int size, ChecksumAlgorithm checksum, boolean signedChunks)
            throws Exception {
        byte[] payload = new byte[size];
        new Random(size).nextBytes(payload);
        SdkSigning.Options options = SdkSigning.Options.s3().chunked(checksum);
        if (!signedChunks) {
            options = options.unsignedPayload();
        }
        var signed = SdkSigning.sign(KEY, SdkHttpMethod.PUT, "/bucket/chunked", Map.of(), Map.of(), payload, options);
        Authenticated result = verifier.verify(signed.request(), body(signed.body()));
        VerifiedBody verified = result.body();
        assertThat(verified.decodedLength()).isEqualTo(size);
        assertThat(drain(verified)).isEqualTo(payload);
        if (checksum != null) {
            io.rampart.auth.ChecksumAlgorithm ours = io.rampart.auth.ChecksumAlgorithm.fromName(checksum.algorithmId())
                    .orElseThrow();
            assertThat(verified.requestedAlgorithm()).contains(ours);
            Checksummer expected = ours.newChecksummer();
            expected.update(payload, 0, payload.length);
            assertThat(verified.checksums()).containsExactly(Map.entry(ours, expected.base64()));
        } else {
            assertThat(verified.checksums()).isEmpty();
        }
    }

    @Test
    void temporaryCredentialsWithSessionTokenVerify() throws Exception {
        var signed = SdkSigning.sign(
                TEMPORARY, SdkHttpMethod.GET, "/bucket/key", Map.of(), Map.of(), new byte[0], SdkSigning.Options.s3());
        assertThat(signed.request().header("x-amz-security-token")).isEqualTo(TEMPORARY.sessionToken());
        Authenticated result = verifier.verify(signed.request(), body(new byte[0]));
        assertThat(result.principal().isLongLivedKey()).isFalse();
    }

    @Test
    void presignedUrlWithSessionTokenVerifies() throws Exception {
        var signed = SdkSigning.sign(
                TEMPORARY,
                SdkHttpMethod.GET,
                "/bucket/key",
                Map.of(),
                Map.of(),
                null,
                SdkSigning.Options.s3().presigned(Duration.ofMinutes(10)));
        assertThat(signed.request().rawQuery()).contains("X-Amz-Security-Token=");
        assertThat(verifier.verify(signed.request(), body(new byte[0])).presigned())
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sts", "iam"})
    void formPostToIamAndStsVerifiesWithBodyHashed(String service) throws Exception {
        byte[] form = "Action=GetCallerIdentity&Version=2011-06-15".getBytes(StandardCharsets.UTF_8);
        var signed = SdkSigning.sign(
                KEY,
                SdkHttpMethod.POST,
                "/",
                Map.of(),
                Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                form,
                SdkSigning.Options.s3().service(service));
        Authenticated result = verifier.verify(signed.request(), body(signed.body()));
        assertThat(result.service()).isEqualTo(service);
        assertThat(drain(result.body())).isEqualTo(form);
    }

    /**
     * The legacy SDK signer (as used by IAM/STS clients) sends no x-amz-content-sha256 for services other than
     * S3: the verifier must hash the body itself, and a changed body must then fail the signature.
     */
    @Test
    @SuppressWarnings("deprecation")
    void stsRequestWithoutContentSha256HeaderIsHashedFromTheBody() throws Exception {
        byte[] form = "Action=GetCallerIdentity&Version=2011-06-15".getBytes(StandardCharsets.UTF_8);
        var http = software.amazon.awssdk.http.SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .protocol("https")
                .host("localhost")
                .port(9000)
                .encodedPath("/")
                .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .putHeader("Content-Length", Integer.toString(form.length))
                .contentStreamProvider(software.amazon.awssdk.http.ContentStreamProvider.fromByteArray(form))
                .build();
        var params = software.amazon.awssdk.auth.signer.params.Aws4SignerParams.builder()
                .awsCredentials(software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        KEY.accessKeyId(), KEY.secretKey()))
                .signingName("sts")
                .signingRegion(software.amazon.awssdk.regions.Region.US_EAST_1)
                .signingClockOverride(SdkSigning.CLOCK)
                .build();
        var signed = software.amazon.awssdk.auth.signer.Aws4Signer.create().sign(http, params);
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        signed.forEachHeader((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), values));
        headers.putIfAbsent("host", List.of("localhost:9000"));
        assertThat(headers).doesNotContainKey("x-amz-content-sha256");
        SignedRequest request = new SignedRequest("POST", "/", "", headers);

        Authenticated result = verifier.verify(request, body(form));
        assertThat(result.service()).isEqualTo("sts");
        assertThat(drain(result.body())).isEqualTo(form);

        byte[] tampered = form.clone();
        tampered[0] = 'B';
        assertThatAuthFails(request, tampered, AuthError.SIGNATURE_DOES_NOT_MATCH);
    }

    private void assertThatAuthFails(SignedRequest request, byte[] body, AuthError error) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> verifier.verify(request, body(body)))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.error()).isEqualTo(error));
    }

    @Test
    void verifierAcceptsTheSameRequestRepeatedly() throws Exception {
        // The signing key cache must not change results.
        var signed = SdkSigning.sign(
                KEY, SdkHttpMethod.GET, "/bucket/key", Map.of(), Map.of(), new byte[0], SdkSigning.Options.s3());
        for (int i = 0; i < 3; i++) {
            assertThat(verifier.verify(signed.request(), body(new byte[0])).accessKeyId())
                    .isEqualTo(KEY.accessKeyId());
        }
        assertThat(Optional.of(KEY).map(Credential::toString).orElseThrow()).doesNotContain(KEY.secretKey());
    }
}

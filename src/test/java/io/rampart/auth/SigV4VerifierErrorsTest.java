package io.rampart.auth;

import static io.rampart.auth.Requests.body;
import static io.rampart.auth.Requests.drain;
import static io.rampart.auth.Requests.withHeader;
import static io.rampart.auth.Requests.withQuery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.checksums.DefaultChecksumAlgorithm;
import software.amazon.awssdk.http.SdkHttpMethod;

/** Every error the verifier raises, asserted by S3 code, HTTP status and message. */
class SigV4VerifierErrorsTest {
    static final Credential KEY = SdkSigning.credential("AKIDERRORS", "errors-secret", null);
    static final Credential TEMPORARY = SdkSigning.credential("ASIAERRORS", "temp-secret", "session-token-value");
    static final String SIGNATURE_MISMATCH = "The request signature we calculated does not match the signature you "
            + "provided. Check your key and signing method.";

    static SigV4Verifier verifier(String region, Clock clock) {
        return new SigV4Verifier(
                id -> Stream.of(KEY, TEMPORARY)
                        .filter(c -> c.accessKeyId().equals(id))
                        .findFirst(),
                region,
                clock);
    }

    private final SigV4Verifier verifier = verifier(SdkSigning.REGION, SdkSigning.CLOCK);
    /** A server started with --no-sigv2. */
    private final SigV4Verifier sigV4Only = new SigV4Verifier(
            id -> Stream.of(KEY, TEMPORARY)
                    .filter(c -> c.accessKeyId().equals(id))
                    .findFirst(),
            SdkSigning.REGION,
            SdkSigning.CLOCK,
            false);

    static void assertAuthError(ThrowingCallable call, AuthError error, int status, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.error()).isEqualTo(error);
            assertThat(e.error().status()).isEqualTo(status);
            assertThat(e).hasMessage(message);
        });
    }

    static void assertBodyError(VerifiedBody body, AuthError error, String message) {
        assertThatThrownBy(() -> drain(body)).isInstanceOfSatisfying(BodyVerificationException.class, e -> {
            assertThat(e.error()).isEqualTo(error);
            assertThat(e).hasMessage(message);
        });
        // The failure is sticky: a caller that retries the read cannot get past it.
        assertThatThrownBy(() -> body.read(new byte[10], 0, 10)).isInstanceOf(BodyVerificationException.class);
    }

    static SdkSigning.Signed get(Map<String, String> headers) {
        return SdkSigning.sign(
                KEY, SdkHttpMethod.GET, "/bucket/key", Map.of(), headers, new byte[0], SdkSigning.Options.s3());
    }

    static SdkSigning.Signed put(byte[] payload, Map<String, String> headers) {
        return SdkSigning.sign(
                KEY, SdkHttpMethod.PUT, "/bucket/key", Map.of(), headers, payload, SdkSigning.Options.s3());
    }

    @Nested
    class AuthorizationHeader {
        private final SignedRequest valid = get(Map.of()).request();

        private SignedRequest withAuthorization(String value) {
            return withHeader(valid, "authorization", value);
        }

        @Test
        void missingSignatureComponentIsMalformed() {
            assertAuthError(
                    () -> verifier.verify(
                            withAuthorization("AWS4-HMAC-SHA256 Credential="
                                    + "AKIDERRORS/20260101/us-east-1/s3/aws4_request, SignedHeaders=host"),
                            body(new byte[0])),
                    AuthError.AUTHORIZATION_HEADER_MALFORMED,
                    400,
                    "The authorization header is malformed; the "
                            + "authorization header requires three components: Credential, SignedHeaders, and "
                            + "Signature.");
        }

        @Test
        void credentialWithWrongShapeIsMalformed() {
            assertAuthError(
                    () -> verifier.verify(
                            withAuthorization(valid.header("authorization").replace("/aws4_request", "/aws5_request")),
                            body(new byte[0])),
                    AuthError.AUTHORIZATION_HEADER_MALFORMED,
                    400,
                    "The authorization header is malformed; the "
                            + "Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
        }

        @Test
        void unknownComponentIsMalformed() {
            assertAuthError(
                    () -> verifier.verify(
                            withAuthorization(valid.header("authorization") + ", Extra=1"), body(new byte[0])),
                    AuthError.AUTHORIZATION_HEADER_MALFORMED,
                    400,
                    "The authorization header is malformed; the authorization component \"Extra=1\" is malformed.");
        }

        @Test
        void signedHeadersWithoutHostAreMalformed() {
            assertAuthError(
                    () -> verifier.verify(
                            withAuthorization(valid.header("authorization").replaceFirst("host;", "")),
                            body(new byte[0])),
                    AuthError.AUTHORIZATION_HEADER_MALFORMED,
                    400,
                    "The authorization header is malformed; the SignedHeaders component must include the host header.");
        }

        @Test
        void otherMechanismsAreNotSupported() {
            assertAuthError(
                    () -> sigV4Only.verify(withAuthorization("AWS AKIDERRORS:c2lnbmF0dXJl"), body(new byte[0])),
                    AuthError.INVALID_REQUEST,
                    400,
                    "The authorization mechanism you have provided is not supported. "
                            + "Please use AWS4-HMAC-SHA256.");
            assertAuthError(
                    () -> verifier.verify(withAuthorization("Bearer abc"), body(new byte[0])),
                    AuthError.INVALID_REQUEST,
                    400,
                    "The authorization mechanism you have provided is not supported. "
                            + "Please use AWS4-HMAC-SHA256.");
        }

        @Test
        void sigV2WithAWrongSignatureDoesNotMatch() {
            SignedRequest v2 = new SignedRequest(
                    "GET",
                    "/bucket/key",
                    "",
                    Map.of(
                            "host",
                            List.of("localhost:9000"),
                            "authorization",
                            List.of("AWS AKIDERRORS:c2lnbmF0dXJl"),
                            "date",
                            List.of(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                                    .withZone(java.time.ZoneOffset.UTC)
                                    .format(SdkSigning.CLOCK.instant()))));
            assertAuthError(
                    () -> verifier.verify(v2, body(new byte[0])),
                    AuthError.SIGNATURE_DOES_NOT_MATCH,
                    403,
                    SIGNATURE_MISMATCH);
        }

        @Test
        void unknownAccessKeyIsRejected() {
            assertAuthError(
                    () -> verifier.verify(
                            withAuthorization(valid.header("authorization").replace("AKIDERRORS", "AKIDUNKNOWN")),
                            body(new byte[0])),
                    AuthError.INVALID_ACCESS_KEY_ID,
                    403,
                    "The AWS Access Key Id you provided does not exist in our records.");
        }

        @Test
        void wrongRegionNamesBothRegions() {
            assertAuthError(
                    () -> verifier("eu-west-1", SdkSigning.CLOCK).verify(valid, body(new byte[0])),
                    AuthError.AUTHORIZATION_HEADER_MALFORMED,
                    400,
                    "The authorization header is malformed; the "
                            + "region 'us-east-1' is wrong; expecting 'eu-west-1'");
        }

        @Test
        void missingDateIsAccessDenied() {
            assertAuthError(
                    () -> verifier.verify(withHeader(valid, "x-amz-date", null), body(new byte[0])),
                    AuthError.ACCESS_DENIED,
                    403,
                    "AWS authentication requires a valid Date or x-amz-date header");
        }

        @Test
        void credentialDateMustMatchRequestDate() {
            assertAuthError(
                    () -> verifier.verify(withHeader(valid, "x-amz-date", "20260102T000000Z"), body(new byte[0])),
                    AuthError.AUTHORIZATION_HEADER_MALFORMED,
                    400,
                    "The authorization header is malformed; "
                            + "Invalid credential date. Date is not the same as X-Amz-Date.");
        }

        @ParameterizedTest
        @CsvSource({"16", "-16"})
        void clockSkewOverFifteenMinutesIsRejected(long minutes) {
            Clock skewed = Clock.fixed(SdkSigning.NOW.plus(Duration.ofMinutes(minutes)), ZoneOffset.UTC);
            assertAuthError(
                    () -> verifier(SdkSigning.REGION, skewed).verify(valid, body(new byte[0])),
                    AuthError.REQUEST_TIME_TOO_SKEWED,
                    403,
                    "The difference between the request time and the current time is too large.");
        }

        @Test
        void clockSkewWithinFifteenMinutesIsAccepted() throws Exception {
            Clock skewed = Clock.fixed(SdkSigning.NOW.plus(Duration.ofMinutes(14)), ZoneOffset.UTC);
            assertThat(verifier(SdkSigning.REGION, skewed)
                            .verify(valid, body(new byte[0]))
                            .accessKeyId())
                    .isEqualTo("AKIDERRORS");
        }

        @Test
        void tamperedSignedHeaderFailsSignature() {
            SignedRequest signed = get(Map.of("x-amz-meta-color", "blue")).request();
            assertAuthError(
                    () -> verifier.verify(withHeader(signed, "x-amz-meta-color", "red"), body(new byte[0])),
                    AuthError.SIGNATURE_DOES_NOT_MATCH,
                    403,
                    SIGNATURE_MISMATCH);
        }

        @Test
        void tamperedPathFailsSignature() {
            SignedRequest tampered = new SignedRequest("GET", "/bucket/other", "", valid.headers());
            assertAuthError(
                    () -> verifier.verify(tampered, body(new byte[0])),
                    AuthError.SIGNATURE_DOES_NOT_MATCH,
                    403,
                    SIGNATURE_MISMATCH);
        }

        @Test
        void wrongSecretFailsSignature() {
            Credential impostor = SdkSigning.credential("AKIDERRORS", "not-the-secret", null);
            SignedRequest forged = SdkSigning.sign(
                            impostor,
                            SdkHttpMethod.GET,
                            "/bucket/key",
                            Map.of(),
                            Map.of(),
                            new byte[0],
                            SdkSigning.Options.s3())
                    .request();
            assertAuthError(
                    () -> verifier.verify(forged, body(new byte[0])),
                    AuthError.SIGNATURE_DOES_NOT_MATCH,
                    403,
                    SIGNATURE_MISMATCH);
        }

        @Test
        void unsignedAmzHeaderIsRefused() {
            SignedRequest extra = withHeader(valid, "x-amz-acl", "public-read");
            assertAuthError(
                    () -> verifier.verify(extra, body(new byte[0])),
                    AuthError.ACCESS_DENIED,
                    403,
                    "There were headers present in the request which were not signed");
        }

        @Test
        void missingContentSha256IsRequiredForS3() {
            assertAuthError(
                    () -> verifier.verify(withHeader(valid, "x-amz-content-sha256", null), body(new byte[0])),
                    AuthError.INVALID_REQUEST,
                    400,
                    "Missing required header for this request: x-amz-content-sha256");
        }

        @Test
        void nonsenseContentSha256IsInvalidArgument() {
            assertAuthError(
                    () -> verifier.verify(withHeader(valid, "x-amz-content-sha256", "not-a-hash"), body(new byte[0])),
                    AuthError.INVALID_ARGUMENT,
                    400,
                    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                            + "STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
                            + "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, "
                            + "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.");
        }

        @Test
        void headerAndQueryAuthTogetherAreRefused() {
            SignedRequest both = withQuery(valid, "X-Amz-Algorithm=AWS4-HMAC-SHA256");
            assertAuthError(
                    () -> verifier.verify(both, body(new byte[0])),
                    AuthError.INVALID_ARGUMENT,
                    400,
                    "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query "
                            + "string parameter or the Authorization header should be specified");
        }
    }

    @Nested
    class SessionTokens {
        @Test
        void temporaryKeyWithoutTokenIsInvalidToken() {
            Credential withoutToken = SdkSigning.credential(TEMPORARY.accessKeyId(), TEMPORARY.secretKey(), null);
            SignedRequest request = SdkSigning.sign(
                            withoutToken,
                            SdkHttpMethod.GET,
                            "/bucket/key",
                            Map.of(),
                            Map.of(),
                            new byte[0],
                            SdkSigning.Options.s3())
                    .request();
            assertAuthError(
                    () -> verifier.verify(request, body(new byte[0])),
                    AuthError.INVALID_TOKEN,
                    400,
                    "The provided token is malformed or otherwise invalid.");
        }

        @Test
        void temporaryKeyWithWrongTokenIsInvalidToken() {
            Credential wrongToken = SdkSigning.credential(TEMPORARY.accessKeyId(), TEMPORARY.secretKey(), "forged");
            SignedRequest request = SdkSigning.sign(
                            wrongToken,
                            SdkHttpMethod.GET,
                            "/bucket/key",
                            Map.of(),
                            Map.of(),
                            new byte[0],
                            SdkSigning.Options.s3())
                    .request();
            assertAuthError(
                    () -> verifier.verify(request, body(new byte[0])),
                    AuthError.INVALID_TOKEN,
                    400,
                    "The provided token is malformed or otherwise invalid.");
        }

        @Test
        void tokenWithLongLivedKeyIsInvalidToken() {
            Credential tokened = SdkSigning.credential(KEY.accessKeyId(), KEY.secretKey(), "unexpected");
            SignedRequest request = SdkSigning.sign(
                            tokened,
                            SdkHttpMethod.GET,
                            "/bucket/key",
                            Map.of(),
                            Map.of(),
                            new byte[0],
                            SdkSigning.Options.s3())
                    .request();
            assertAuthError(
                    () -> verifier.verify(request, body(new byte[0])),
                    AuthError.INVALID_TOKEN,
                    400,
                    "The provided token is malformed or otherwise invalid.");
        }
    }

    @Nested
    class Presigned {
        private final SignedRequest url = SdkSigning.sign(
                        KEY,
                        SdkHttpMethod.GET,
                        "/bucket/key",
                        Map.of(),
                        Map.of(),
                        null,
                        SdkSigning.Options.s3().presigned(Duration.ofMinutes(5)))
                .request();

        private SignedRequest replacing(String parameter, String value) {
            String query = Arrays.stream(url.rawQuery().split("&"))
                    .map(p -> p.startsWith(parameter + "=") ? (value == null ? null : parameter + "=" + value) : p)
                    .filter(p -> p != null)
                    .reduce((a, b) -> a + "&" + b)
                    .orElse("");
            return withQuery(url, query);
        }

        @Test
        void validUrlVerifiesAsPresigned() throws Exception {
            Authenticated result = verifier.verify(url, body(new byte[0]));
            assertThat(result.presigned()).isTrue();
            assertThat(result.service()).isEqualTo("s3");
        }

        @Test
        void expiredUrlIsAccessDenied() {
            Clock later = Clock.fixed(SdkSigning.NOW.plusSeconds(301), ZoneOffset.UTC);
            assertAuthError(
                    () -> verifier(SdkSigning.REGION, later).verify(url, body(new byte[0])),
                    AuthError.ACCESS_DENIED,
                    403,
                    "Request has expired");
        }

        @Test
        void urlStillValidAtItsLastSecond() throws Exception {
            Clock later = Clock.fixed(SdkSigning.NOW.plusSeconds(300), ZoneOffset.UTC);
            assertThat(verifier(SdkSigning.REGION, later)
                            .verify(url, body(new byte[0]))
                            .presigned())
                    .isTrue();
        }

        @Test
        void urlFromTheFutureIsNotYetValid() {
            Clock earlier = Clock.fixed(SdkSigning.NOW.minus(Duration.ofMinutes(16)), ZoneOffset.UTC);
            assertAuthError(
                    () -> verifier(SdkSigning.REGION, earlier).verify(url, body(new byte[0])),
                    AuthError.ACCESS_DENIED,
                    403,
                    "Request is not yet valid");
        }

        @Test
        void expiryLongerThanAWeekIsRefused() {
            assertAuthError(
                    () -> verifier.verify(replacing("X-Amz-Expires", "604801"), body(new byte[0])),
                    AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    400,
                    "X-Amz-Expires must be less than a week (in seconds) that is; 604800");
        }

        @Test
        void expiryThatIsNotANumberIsRefused() {
            assertAuthError(
                    () -> verifier.verify(replacing("X-Amz-Expires", "soon"), body(new byte[0])),
                    AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    400,
                    "X-Amz-Expires should be a number");
        }

        @Test
        void alteredExpiryFailsSignature() {
            assertAuthError(
                    () -> verifier.verify(replacing("X-Amz-Expires", "600"), body(new byte[0])),
                    AuthError.SIGNATURE_DOES_NOT_MATCH,
                    403,
                    SIGNATURE_MISMATCH);
        }

        @Test
        void missingParameterIsRefused() {
            assertAuthError(
                    () -> verifier.verify(replacing("X-Amz-Date", null), body(new byte[0])),
                    AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    400,
                    "Query-string authentication version 4 "
                            + "requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, "
                            + "X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
        }

        @Test
        void otherAlgorithmIsRefused() {
            assertAuthError(
                    () -> verifier.verify(replacing("X-Amz-Algorithm", "AWS4-ECDSA-P256-SHA256"), body(new byte[0])),
                    AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    400,
                    "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        }

        @Test
        void malformedDateIsRefused() {
            assertAuthError(
                    () -> verifier.verify(replacing("X-Amz-Date", "2026-01-01"), body(new byte[0])),
                    AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    400,
                    "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        }

        @Test
        void wrongRegionIsAQueryParametersError() {
            assertAuthError(
                    () -> verifier("eu-west-1", SdkSigning.CLOCK).verify(url, body(new byte[0])),
                    AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    400,
                    "Error parsing the X-Amz-Credential "
                            + "parameter; the region 'us-east-1' is wrong; expecting 'eu-west-1'");
        }

        @Test
        void malformedCredentialIsAQueryParametersError() {
            assertAuthError(
                    () -> verifier.verify(replacing("X-Amz-Credential", "AKIDERRORS%2F20260101"), body(new byte[0])),
                    AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    400,
                    "Error parsing the X-Amz-Credential "
                            + "parameter; the Credential is mal-formed; expecting "
                            + "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
        }

        @Test
        void sigV2QueryAuthIsNotSupported() {
            SignedRequest v2 = withQuery(
                    new SignedRequest("GET", "/bucket/key", "", Map.of("host", List.of("localhost:9000"))),
                    "AWSAccessKeyId=AKIDERRORS&Expires=1767270000&Signature=abc");
            assertAuthError(
                    () -> sigV4Only.verify(v2, body(new byte[0])),
                    AuthError.INVALID_REQUEST,
                    400,
                    "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
        }
    }

    @Nested
    class Anonymous {
        @Test
        void requestWithoutAuthenticationIsAnonymous() throws Exception {
            SignedRequest request = Requests.request("GET", "/bucket/key", "versionId=3", "host", "localhost");
            Authenticated result = verifier.verify(request, body(new byte[0]));
            assertThat(result.principal().isAnonymous()).isTrue();
            assertThat(result.accessKeyId()).isEmpty();
            assertThat(result.service()).isEqualTo("s3");
            assertThat(result.presigned()).isFalse();
        }

        @Test
        void anonymousBodyIsStillCheckedAgainstContentMd5() throws Exception {
            byte[] payload = "anonymous upload".getBytes(StandardCharsets.UTF_8);
            String wrongMd5 = Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("MD5").digest(new byte[1]));
            SignedRequest request = Requests.request(
                    "PUT",
                    "/bucket/key",
                    "",
                    "host",
                    "localhost",
                    "content-length",
                    Integer.toString(payload.length),
                    "content-md5",
                    wrongMd5);
            assertBodyError(
                    verifier.verify(request, body(payload)).body(),
                    AuthError.BAD_DIGEST,
                    "The Content-MD5 you specified did not match what we received.");
        }

        @Test
        void anonymousSignedStreamingIsRefused() {
            SignedRequest request = Requests.request(
                    "PUT",
                    "/bucket/key",
                    "",
                    "host",
                    "localhost",
                    "x-amz-content-sha256",
                    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                    "x-amz-decoded-content-length",
                    "1");
            assertAuthError(
                    () -> verifier.verify(request, body(new byte[0])),
                    AuthError.INVALID_REQUEST,
                    400,
                    "Signed streaming payloads require an Authorization header.");
        }

        @Test
        void streamingWithoutDecodedLengthIsMissingContentLength() {
            SignedRequest request = Requests.request(
                    "PUT",
                    "/bucket/key",
                    "",
                    "host",
                    "localhost",
                    "x-amz-content-sha256",
                    "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
            assertAuthError(
                    () -> verifier.verify(request, body(new byte[0])),
                    AuthError.MISSING_CONTENT_LENGTH,
                    411,
                    "You must provide the Content-Length HTTP header.");
        }
    }

    @Nested
    class BodyChecks {
        private final byte[] payload = "the quick brown fox".getBytes(StandardCharsets.UTF_8);

        private String base64(String algorithm, byte[] data) throws Exception {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance(algorithm).digest(data));
        }

        @Test
        void matchingContentMd5AndChecksumAreReported() throws Exception {
            var signed = put(
                    payload,
                    Map.of("Content-MD5", base64("MD5", payload), "x-amz-checksum-sha256", base64("SHA-256", payload)));
            VerifiedBody verified =
                    verifier.verify(signed.request(), body(signed.body())).body();
            assertThat(verified.requestedAlgorithm()).contains(ChecksumAlgorithm.SHA256);
            assertThat(verified.checksums()).isEmpty();
            assertThat(drain(verified)).isEqualTo(payload);
            assertThat(verified.checksums())
                    .containsExactly(Map.entry(ChecksumAlgorithm.SHA256, base64("SHA-256", payload)));
            assertThat(verified.decodedLength()).isEqualTo(payload.length);
        }

        @Test
        void malformedContentMd5IsInvalidDigest() {
            var signed = put(payload, Map.of("Content-MD5", "not base64!"));
            assertAuthError(
                    () -> verifier.verify(signed.request(), body(signed.body())),
                    AuthError.INVALID_DIGEST,
                    400,
                    "The Content-MD5 you specified was invalid.");
        }

        @Test
        void contentMd5MismatchIsBadDigest() throws Exception {
            // UNSIGNED-PAYLOAD so that only Content-MD5 can notice the altered body.
            var signed = SdkSigning.sign(
                    KEY,
                    SdkHttpMethod.PUT,
                    "/bucket/key",
                    Map.of(),
                    Map.of("Content-MD5", base64("MD5", payload)),
                    payload,
                    SdkSigning.Options.s3().unsignedPayload());
            byte[] altered = payload.clone();
            altered[0] ^= 1;
            assertBodyError(
                    verifier.verify(signed.request(), body(altered)).body(),
                    AuthError.BAD_DIGEST,
                    "The Content-MD5 you specified did not match what we received.");
        }

        @Test
        void malformedChecksumHeaderIsInvalidRequest() {
            var signed = put(payload, Map.of("x-amz-checksum-crc32", "AAAA"));
            assertAuthError(
                    () -> verifier.verify(signed.request(), body(signed.body())),
                    AuthError.INVALID_REQUEST,
                    400,
                    "Value for x-amz-checksum-crc32 header is invalid.");
        }

        @Test
        void twoChecksumHeadersAreRefused() {
            var signed = put(payload, Map.of("x-amz-checksum-crc32", "AAAAAA==", "x-amz-checksum-crc32c", "AAAAAA=="));
            assertAuthError(
                    () -> verifier.verify(signed.request(), body(signed.body())),
                    AuthError.INVALID_REQUEST,
                    400,
                    "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
        }

        @Test
        void checksumModeAndTypeHeadersAreNotChecksums() throws Exception {
            var signed = put(payload, Map.of("x-amz-checksum-type", "FULL_OBJECT", "x-amz-checksum-crc32", "AAAAAA=="));
            VerifiedBody verified =
                    verifier.verify(signed.request(), body(signed.body())).body();
            assertBodyError(
                    verified,
                    AuthError.BAD_DIGEST,
                    "The CRC32 you specified did not match the calculated " + "checksum.");
        }

        @ParameterizedTest
        @CsvSource({
            "x-amz-checksum-crc64nvme, CRC64NVME, AAAAAAAAAAA=",
            "x-amz-checksum-sha1, SHA1, " + "AAAAAAAAAAAAAAAAAAAAAAAAAAA="
        })
        void checksumHeaderMismatchIsBadDigest(String header, String algorithm, String wrongValue) {
            var signed = put(payload, Map.of(header, wrongValue));
            assertThatThrownBy(() -> drain(verifier.verify(signed.request(), body(signed.body()))
                            .body()))
                    .isInstanceOfSatisfying(BodyVerificationException.class, e -> {
                        assertThat(e.error()).isEqualTo(AuthError.BAD_DIGEST);
                        assertThat(e)
                                .hasMessage("The " + algorithm + " you specified did not match the calculated "
                                        + "checksum.");
                    });
        }

        @Test
        void bodyShorterThanContentLengthIsIncomplete() throws Exception {
            var signed = SdkSigning.sign(
                    KEY,
                    SdkHttpMethod.PUT,
                    "/bucket/key",
                    Map.of(),
                    Map.of(),
                    payload,
                    SdkSigning.Options.s3().unsignedPayload());
            VerifiedBody verified = verifier.verify(signed.request(), body(Arrays.copyOf(payload, payload.length - 3)))
                    .body();
            assertBodyError(
                    verified,
                    AuthError.INCOMPLETE_BODY,
                    "You did not provide the number of bytes specified by the Content-Length HTTP header.");
        }

        @Test
        void bodyIsNotReadPastContentLength() throws Exception {
            var signed = put(payload, Map.of());
            byte[] longer = Arrays.copyOf(payload, payload.length + 10);
            InputStream source = new ByteArrayInputStream(longer);
            assertThat(drain(verifier.verify(signed.request(), source).body())).isEqualTo(payload);
            assertThat(source.available()).isEqualTo(10);
        }

        @Test
        void checksAreDoneWhenTheLastDeclaredByteIsRead() throws Exception {
            var signed = put(payload, Map.of());
            byte[] altered = payload.clone();
            altered[altered.length - 1] ^= 1;
            VerifiedBody verified =
                    verifier.verify(signed.request(), body(altered)).body();
            // A caller that reads exactly Content-Length bytes and never asks for EOF is still protected.
            assertThatThrownBy(() -> verified.readNBytes(payload.length))
                    .isInstanceOfSatisfying(
                            BodyVerificationException.class,
                            e -> assertThat(e.error()).isEqualTo(AuthError.X_AMZ_CONTENT_SHA256_MISMATCH));
        }

        @Test
        void stsBodyNotMatchingItsContentSha256IsRejectedBeforeReading() {
            byte[] form = "Action=GetCallerIdentity&Version=2011-06-15".getBytes(StandardCharsets.UTF_8);
            var signed = SdkSigning.sign(
                    KEY,
                    SdkHttpMethod.POST,
                    "/",
                    Map.of(),
                    Map.of("x-amz-content-sha256", sha256Hex(form)),
                    form,
                    SdkSigning.Options.s3().service("sts"));
            byte[] altered = form.clone();
            altered[0] = 'B';
            assertAuthError(
                    () -> verifier.verify(signed.request(), body(altered)),
                    AuthError.X_AMZ_CONTENT_SHA256_MISMATCH,
                    400,
                    "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }

        private static String sha256Hex(byte[] data) {
            return CanonicalRequest.HEX.formatHex(CanonicalRequest.newSha256().digest(data));
        }
    }

    @Nested
    class Chunked {
        private final byte[] payload = randomBytes(200_000);

        private static byte[] randomBytes(int n) {
            byte[] bytes = new byte[n];
            new Random(n).nextBytes(bytes);
            return bytes;
        }

        private SdkSigning.Signed signedChunked(boolean signedChunks) {
            SdkSigning.Options options = SdkSigning.Options.s3().chunked(DefaultChecksumAlgorithm.CRC32C);
            return SdkSigning.sign(
                    KEY,
                    SdkHttpMethod.PUT,
                    "/bucket/key",
                    Map.of(),
                    Map.of(),
                    payload,
                    signedChunks ? options : options.unsignedPayload());
        }

        private static byte[] replaceOnce(byte[] wire, String from, String to) {
            String text = new String(wire, StandardCharsets.ISO_8859_1);
            int at = text.indexOf(from);
            assertThat(at).as("'%s' in the body", from).isNotNegative();
            return (text.substring(0, at) + to + text.substring(at + from.length()))
                    .getBytes(StandardCharsets.ISO_8859_1);
        }

        @Test
        void tamperedChunkDataFailsSignature() throws Exception {
            var signed = signedChunked(true);
            byte[] wire = signed.body().clone();
            wire[wire.length / 2] ^= 1;
            assertBodyError(
                    verifier.verify(signed.request(), body(wire)).body(),
                    AuthError.SIGNATURE_DOES_NOT_MATCH,
                    SIGNATURE_MISMATCH);
        }

        @Test
        void truncatedChunkedBodyIsIncomplete() throws Exception {
            var signed = signedChunked(true);
            byte[] wire = Arrays.copyOf(signed.body(), signed.body().length - 150);
            assertBodyError(
                    verifier.verify(signed.request(), body(wire)).body(),
                    AuthError.INCOMPLETE_BODY,
                    "You did not provide the number of bytes specified by the Content-Length HTTP header.");
        }

        @Test
        void bodyCutInsideChunkDataIsIncomplete() throws Exception {
            var signed = signedChunked(true);
            byte[] wire = Arrays.copyOf(signed.body(), 1000);
            assertBodyError(
                    verifier.verify(signed.request(), body(wire)).body(),
                    AuthError.INCOMPLETE_BODY,
                    "You did not provide the number of bytes specified by the Content-Length HTTP header.");
        }

        @Test
        void wrongTrailerChecksumIsBadDigest() throws Exception {
            var signed = signedChunked(false);
            Checksummer crc = ChecksumAlgorithm.CRC32C.newChecksummer();
            crc.update(payload, 0, payload.length);
            byte[] wire = replaceOnce(
                    signed.body(), "x-amz-checksum-crc32c:" + crc.base64(), "x-amz-checksum-crc32c:AAAAAA==");
            assertBodyError(
                    verifier.verify(signed.request(), body(wire)).body(),
                    AuthError.BAD_DIGEST,
                    "The CRC32C you specified did not match the calculated checksum.");
        }

        @Test
        void unsignedTrailerCatchesAlteredData() throws Exception {
            var signed = signedChunked(false);
            byte[] wire = signed.body().clone();
            wire[wire.length / 2] ^= 1;
            assertBodyError(
                    verifier.verify(signed.request(), body(wire)).body(),
                    AuthError.BAD_DIGEST,
                    "The CRC32C you specified did not match the calculated checksum.");
        }

        @Test
        void alteredSignedTrailerFailsTrailerSignature() throws Exception {
            var signed = signedChunked(true);
            Checksummer crc = ChecksumAlgorithm.CRC32C.newChecksummer();
            crc.update(payload, 0, payload.length);
            byte[] wire = replaceOnce(
                    signed.body(), "x-amz-checksum-crc32c:" + crc.base64(), "x-amz-checksum-crc32c:AAAAAA==");
            assertBodyError(
                    verifier.verify(signed.request(), body(wire)).body(),
                    AuthError.SIGNATURE_DOES_NOT_MATCH,
                    "The trailer signature we calculated does not match the signature you provided. Check your key "
                            + "and signing method.");
        }

        @Test
        void missingAnnouncedTrailerIsMalformedTrailer() throws Exception {
            var signed = signedChunked(false);
            String text = new String(signed.body(), StandardCharsets.ISO_8859_1);
            byte[] wire = (text.substring(0, text.indexOf("x-amz-checksum-crc32c:")) + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            assertBodyError(
                    verifier.verify(signed.request(), body(wire)).body(),
                    AuthError.MALFORMED_TRAILER_ERROR,
                    "The request contained trailing data that was not well-formed or did not conform to our "
                            + "published schema.");
        }

        @Test
        void decodedLengthSmallerThanTheDataIsIncomplete() throws Exception {
            var signed = signedChunked(false);
            SignedRequest request = withHeader(signed.request(), "x-amz-decoded-content-length", "199999");
            // Unsigned-payload header auth: the changed header breaks the signature, so verify the stream alone.
            AwsChunkedDecoder decoder = new AwsChunkedDecoder(body(signed.body()), null, true);
            BodyExpectations expectations = BodyExpectations.from(request, PayloadMode.STREAMING_UNSIGNED_TRAILER);
            assertBodyError(
                    new VerifiedBody(decoder, decoder, expectations, null),
                    AuthError.INCOMPLETE_BODY,
                    "You did not provide the number of bytes specified by the Content-Length HTTP header.");
        }

        @Test
        void overlongChunkHeaderLineIsRefusedWithoutReadingItAll() throws Exception {
            byte[] line = new byte[AwsChunkedDecoder.MAX_LINE + 10];
            Arrays.fill(line, (byte) '0');
            AwsChunkedDecoder decoder = new AwsChunkedDecoder(body(line), null, true);
            assertThatThrownBy(() -> drain(decoder)).isInstanceOfSatisfying(BodyVerificationException.class, e -> {
                assertThat(e.error()).isEqualTo(AuthError.INVALID_REQUEST);
                assertThat(e).hasMessage("Malformed aws-chunked body: line longer than 4096 bytes.");
            });
        }

        @Test
        void chunkLongerThanDeclaredIsMalformed() {
            byte[] wire = "3\r\nabcd\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            AwsChunkedDecoder decoder = new AwsChunkedDecoder(body(wire), null, true);
            assertThatThrownBy(() -> drain(decoder))
                    .isInstanceOfSatisfying(
                            BodyVerificationException.class,
                            e -> assertThat(e.error()).isEqualTo(AuthError.INVALID_REQUEST));
        }

        @Test
        void unsignedTrailerWithCrc64NvmeIsVerified() throws Exception {
            byte[] data = "123456789".getBytes(StandardCharsets.US_ASCII);
            // CRC-64/NVME check value 0xae8b14860a799888, base64 of its big-endian bytes.
            String crc = "rosUhgp5mIg=";
            byte[] wire = ("9\r\n123456789\r\n0\r\nx-amz-checksum-crc64nvme:" + crc + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            SignedRequest request = Requests.request(
                    "PUT",
                    "/bucket/key",
                    "",
                    "host",
                    "localhost",
                    "x-amz-content-sha256",
                    "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                    "content-encoding",
                    "aws-chunked",
                    "x-amz-decoded-content-length",
                    "9",
                    "x-amz-trailer",
                    "x-amz-checksum-crc64nvme");
            VerifiedBody verified = verifier.verify(request, body(wire)).body();
            assertThat(drain(verified)).isEqualTo(data);
            assertThat(verified.checksums()).containsExactly(Map.entry(ChecksumAlgorithm.CRC64NVME, crc));

            byte[] bad = new String(wire, StandardCharsets.US_ASCII)
                    .replace(crc, "AAAAAAAAAAA=")
                    .getBytes(StandardCharsets.US_ASCII);
            assertBodyError(
                    verifier.verify(request, body(bad)).body(),
                    AuthError.BAD_DIGEST,
                    "The CRC64NVME you specified did not match the calculated checksum.");
        }

        @Test
        void undeclaredTrailerChecksumIsMalformedTrailer() throws Exception {
            byte[] wire = "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            SignedRequest request = Requests.request(
                    "PUT",
                    "/bucket/key",
                    "",
                    "host",
                    "localhost",
                    "x-amz-content-sha256",
                    "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                    "x-amz-decoded-content-length",
                    "3");
            assertBodyError(
                    verifier.verify(request, body(wire)).body(),
                    AuthError.MALFORMED_TRAILER_ERROR,
                    "The request contained trailing data that was not well-formed or did not conform to our "
                            + "published schema.");
        }

        @Test
        void unsignedChunksMayCarryExtensions() throws IOException {
            byte[] wire =
                    "3;ext=1\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            AwsChunkedDecoder decoder = new AwsChunkedDecoder(body(wire), null, true);
            assertThat(drain(decoder)).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
            assertThat(decoder.trailers()).containsEntry("x-amz-checksum-crc32", "NSRBwg==");
        }
    }
}

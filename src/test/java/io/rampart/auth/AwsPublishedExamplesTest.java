package io.rampart.auth;

import static io.rampart.auth.Requests.body;
import static io.rampart.auth.Requests.drain;
import static io.rampart.auth.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The signature examples AWS publishes in the S3 API reference ("Examples: Signature Calculations" and the
 * chunked-upload example), all at 20130524T000000Z with the documentation's example key.
 */
class AwsPublishedExamplesTest {
    static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    static final Clock THEN = Clock.fixed(Instant.parse("2013-05-24T00:00:00Z"), ZoneOffset.UTC);

    private final SigV4Verifier verifier = new SigV4Verifier(
            id -> id.equals(KEY_ID) ? Optional.of(SdkSigning.credential(KEY_ID, SECRET, null)) : Optional.empty(),
            "us-east-1",
            THEN);

    private static String authorization(String signedHeaders, String signature) {
        return "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request," + "SignedHeaders="
                + signedHeaders + ",Signature=" + signature;
    }

    @Test
    void getObjectWithRange() throws Exception {
        SignedRequest get = request(
                "GET",
                "/test.txt",
                "",
                "host",
                "examplebucket.s3.amazonaws.com",
                "range",
                "bytes=0-9",
                "x-amz-content-sha256",
                EMPTY_SHA256,
                "x-amz-date",
                "20130524T000000Z",
                "authorization",
                authorization(
                        "host;range;x-amz-content-sha256;x-amz-date",
                        "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));
        Authenticated result = verifier.verify(get, body(new byte[0]));
        assertThat(result.accessKeyId()).isEqualTo(KEY_ID);
        assertThat(result.service()).isEqualTo("s3");
        assertThat(result.presigned()).isFalse();
        assertThat(result.principal().accessKeyId()).isEqualTo(KEY_ID);
        assertThat(drain(result.body())).isEmpty();
    }

    @Test
    void putObjectWithDollarInKeyAndDateHeader() throws Exception {
        byte[] payload = "Welcome to Amazon S3.".getBytes(StandardCharsets.US_ASCII);
        SignedRequest put = request(
                "PUT",
                "/test$file.text",
                "",
                "host",
                "examplebucket.s3.amazonaws.com",
                "date",
                "Fri, 24 May 2013 00:00:00 GMT",
                "x-amz-date",
                "20130524T000000Z",
                "x-amz-storage-class",
                "REDUCED_REDUNDANCY",
                "x-amz-content-sha256",
                "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
                "authorization",
                authorization(
                        "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
                        "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"));
        Authenticated result = verifier.verify(put, body(payload));
        assertThat(drain(result.body())).isEqualTo(payload);
    }

    @Test
    void putObjectWithTamperedBodyFailsAtEof() throws Exception {
        SignedRequest put = request(
                "PUT",
                "/test%24file.text",
                "",
                "host",
                "examplebucket.s3.amazonaws.com",
                "date",
                "Fri, 24 May 2013 00:00:00 GMT",
                "x-amz-date",
                "20130524T000000Z",
                "x-amz-storage-class",
                "REDUCED_REDUNDANCY",
                "x-amz-content-sha256",
                "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
                "authorization",
                authorization(
                        "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
                        "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"));
        Authenticated result = verifier.verify(put, body("Welcome to Amazon S4.".getBytes(StandardCharsets.US_ASCII)));
        assertThatThrownBy(() -> drain(result.body())).isInstanceOfSatisfying(BodyVerificationException.class, e -> {
            assertThat(e.error()).isEqualTo(AuthError.X_AMZ_CONTENT_SHA256_MISMATCH);
            assertThat(e.error().code()).isEqualTo("XAmzContentSHA256Mismatch");
            assertThat(e).hasMessage("The provided 'x-amz-content-sha256' header does not match what was computed.");
        });
    }

    @Test
    void getBucketLifecycle() throws Exception {
        SignedRequest get = request(
                "GET",
                "/",
                "lifecycle",
                "host",
                "examplebucket.s3.amazonaws.com",
                "x-amz-date",
                "20130524T000000Z",
                "x-amz-content-sha256",
                EMPTY_SHA256,
                "authorization",
                authorization(
                        "host;x-amz-content-sha256;x-amz-date",
                        "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"));
        assertThat(verifier.verify(get, body(new byte[0])).accessKeyId()).isEqualTo(KEY_ID);
    }

    @Test
    void listObjects() throws Exception {
        SignedRequest get = request(
                "GET",
                "/",
                "max-keys=2&prefix=J",
                "host",
                "examplebucket.s3.amazonaws.com",
                "x-amz-date",
                "20130524T000000Z",
                "x-amz-content-sha256",
                EMPTY_SHA256,
                "authorization",
                authorization(
                        "host;x-amz-content-sha256;x-amz-date",
                        "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
        assertThat(verifier.verify(get, body(new byte[0])).accessKeyId()).isEqualTo(KEY_ID);
    }

    @Test
    void listObjectsWithQueryInAnotherOrderStillMatches() throws Exception {
        SignedRequest get = request(
                "GET",
                "/",
                "prefix=J&max-keys=2",
                "host",
                "examplebucket.s3.amazonaws.com",
                "x-amz-date",
                "20130524T000000Z",
                "x-amz-content-sha256",
                EMPTY_SHA256,
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                        + " SignedHeaders=host;x-amz-content-sha256;x-amz-date,  "
                        + "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
        assertThat(verifier.verify(get, body(new byte[0])).accessKeyId()).isEqualTo(KEY_ID);
    }

    // --- Chunked upload example: 65 KiB of 'a' in chunks of 64 KiB, 1 KiB and 0 bytes. ---

    static final String SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    static final String[] CHUNK_SIGNATURES = {
        "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
        "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
        "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
    };

    static SignedRequest chunkedExampleRequest(String decodedLength) {
        return request(
                "PUT",
                "/examplebucket/chunkObject.txt",
                "",
                "host",
                "s3.amazonaws.com",
                "x-amz-date",
                "20130524T000000Z",
                "x-amz-storage-class",
                "REDUCED_REDUNDANCY",
                "x-amz-content-sha256",
                "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                "content-encoding",
                "aws-chunked",
                "x-amz-decoded-content-length",
                decodedLength,
                "content-length",
                "66824",
                "authorization",
                authorization(
                        "content-encoding;content-length;host;x-amz-content-sha256;"
                                + "x-amz-date;x-amz-decoded-content-length;x-amz-storage-class",
                        SEED));
    }

    static byte[] chunkedExampleBody(byte[] firstChunk, byte[] secondChunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("10000;chunk-signature=" + CHUNK_SIGNATURES[0] + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(firstChunk);
        out.writeBytes(("\r\n400;chunk-signature=" + CHUNK_SIGNATURES[1] + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(secondChunk);
        out.writeBytes(
                ("\r\n0;chunk-signature=" + CHUNK_SIGNATURES[2] + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    static byte[] as(int n) {
        byte[] bytes = new byte[n];
        Arrays.fill(bytes, (byte) 'a');
        return bytes;
    }

    @Test
    void chunkedUploadExampleDecodesWithEveryChunkSignatureVerified() throws Exception {
        byte[] wire = chunkedExampleBody(as(65536), as(1024));
        assertThat(wire).hasSize(66824);
        Authenticated result = verifier.verify(chunkedExampleRequest("66560"), body(wire));
        assertThat(result.body().decodedLength()).isEqualTo(66560);
        assertThat(drain(result.body())).isEqualTo(as(66560));
    }

    @Test
    void chunkedUploadWithTamperedChunkFailsSignature() throws Exception {
        byte[] second = as(1024);
        second[512] = 'b';
        Authenticated result =
                verifier.verify(chunkedExampleRequest("66560"), body(chunkedExampleBody(as(65536), second)));
        assertThatThrownBy(() -> drain(result.body())).isInstanceOfSatisfying(BodyVerificationException.class, e -> {
            assertThat(e.error()).isEqualTo(AuthError.SIGNATURE_DOES_NOT_MATCH);
            assertThat(e)
                    .hasMessage("The request signature we calculated does not match the signature "
                            + "you provided. Check your key and signing method.");
        });
    }

    @Test
    void chunkedUploadWithWrongDecodedLengthIsIncomplete() throws Exception {
        // The header is signed, so a wrong value only reaches us from a broken client; the seed would differ.
        // Verify the length check on the decoder directly with the example's framing.
        ChunkSignatureChain chain = new ChunkSignatureChain(
                SigningKeyCache.derive(SECRET, "20130524", "us-east-1", "s3"),
                "20130524T000000Z",
                "20130524/us-east-1/s3/aws4_request",
                SEED);
        AwsChunkedDecoder decoder = new AwsChunkedDecoder(body(chunkedExampleBody(as(65536), as(1024))), chain, false);
        BodyExpectations expectations = new BodyExpectations(66561, null, null, null, null);
        VerifiedBody verified = new VerifiedBody(decoder, decoder, expectations, null);
        assertThatThrownBy(() -> drain(verified)).isInstanceOfSatisfying(BodyVerificationException.class, e -> {
            assertThat(e.error()).isEqualTo(AuthError.INCOMPLETE_BODY);
            assertThat(e)
                    .hasMessage("You did not provide the number of bytes specified by the "
                            + "Content-Length HTTP header.");
        });
    }
}

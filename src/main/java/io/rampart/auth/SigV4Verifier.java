package io.rampart.auth;

import io.rampart.iam.Principal;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import org.jspecify.annotations.Nullable;

/**
 * Verifies AWS Signature Version 4 (Authorization header or presigned query) the way S3 does, and wraps the
 * body so the payload is verified as it is read. Also serves IAM and STS, whose small form bodies are read
 * whole and hashed before the signature check, since their clients may omit x-amz-content-sha256.
 */
public final class SigV4Verifier {
    static final Duration MAX_SKEW = Duration.ofMinutes(15);
    /** IAM/STS request bodies are form posts of at most a few policies; anything bigger is not one. */
    static final int MAX_BUFFERED_BODY = 1024 * 1024;

    private static final String SIGNATURE_MISMATCH = "The request signature we calculated does not match the "
            + "signature you provided. Check your key and signing method.";

    private final CredentialStore store;
    private final String region;
    private final Clock clock;
    private final SigningKeyCache signingKeys = new SigningKeyCache(1024);
    private final boolean sigV2;

    public SigV4Verifier(CredentialStore store, String region, Clock clock) {
        this(store, region, clock, true);
    }

    /** {@code sigV2}: whether Signature Version 2 is accepted too (for S3 only, as on AWS), else refused as AWS refuses it. */
    public SigV4Verifier(CredentialStore store, String region, Clock clock, boolean sigV2) {
        this.store = Objects.requireNonNull(store, "store");
        this.region = Objects.requireNonNull(region, "region");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sigV2 = sigV2;
    }

    public Authenticated verify(SignedRequest request, InputStream body) throws AuthException {
        return verify(request, body, null);
    }

    /**
     * {@code virtualHostBucket}: the bucket the Host header named (virtual-host style), which SigV2's canonicalized
     * resource starts with; null for path style.
     */
    public Authenticated verify(SignedRequest request, InputStream body, @Nullable String virtualHostBucket)
            throws AuthException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(body, "body");
        String authorization = request.header("authorization");
        QueryString query = request.query();
        boolean queryAuth = query.contains("X-Amz-Signature") || query.contains("X-Amz-Algorithm");
        if (sigV2 && !queryAuth && (authorization == null ? SigV2.isQuery(query) : SigV2.isHeader(authorization))) {
            if (authorization != null && SigV2.isQuery(query)) {
                throw new AuthException(
                        AuthError.INVALID_ARGUMENT,
                        "Only one auth mechanism allowed; only the "
                                + "X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization "
                                + "header should be specified");
            }
            return verifyV2(request, body, query, authorization, virtualHostBucket);
        }
        if (authorization != null && queryAuth) {
            throw new AuthException(
                    AuthError.INVALID_ARGUMENT,
                    "Only one auth mechanism allowed; only the "
                            + "X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization "
                            + "header should be specified");
        }
        if (authorization == null && !queryAuth) {
            if (query.contains("AWSAccessKeyId") && query.contains("Signature")) {
                throw new AuthException(AuthError.INVALID_REQUEST, SignatureClaim.UNSUPPORTED_MECHANISM);
            }
            return anonymous(request, body);
        }

        SignatureClaim claim = authorization != null
                ? SignatureClaim.fromHeader(authorization, request)
                : SignatureClaim.fromQuery(query);
        CredentialScope scope = claim.scope();
        checkRegion(claim);
        checkTime(claim);
        Credential credential = store.find(scope.accessKeyId())
                .orElseThrow(() -> new AuthException(
                        AuthError.INVALID_ACCESS_KEY_ID,
                        "The AWS Access Key Id you provided does not exist in our records."));
        checkToken(claim, credential, request, query);
        if (credential.expiration() != null && !clock.instant().isBefore(credential.expiration())) {
            throw new AuthException(AuthError.EXPIRED_TOKEN, "The provided token has expired.");
        }
        checkAmzHeadersSigned(claim, request);

        boolean s3 = "s3".equals(scope.service());
        String contentSha256 = request.header("x-amz-content-sha256");
        contentSha256 = contentSha256 == null ? null : contentSha256.strip();
        String payloadHash;
        if (claim.presigned()) {
            boolean signedHash = contentSha256 != null && claim.signs("x-amz-content-sha256");
            payloadHash = signedHash ? contentSha256 : s3 ? PayloadMode.UNSIGNED_PAYLOAD : null;
        } else if (contentSha256 == null && s3) {
            throw new AuthException(
                    AuthError.INVALID_REQUEST, "Missing required header for this request: x-amz-content-sha256");
        } else {
            payloadHash = contentSha256;
        }
        PayloadMode mode = payloadHash == null ? PayloadMode.SHA256 : PayloadMode.parse(payloadHash);

        byte[] buffered = null;
        String bufferedHash = null;
        // No payload hash (outside S3, nothing sent) implies mode SHA256 outside S3: the buffered body's hash is
        // signed.
        if (payloadHash == null || (!s3 && mode == PayloadMode.SHA256)) {
            buffered = readSmallBody(request, body);
            bufferedHash =
                    CanonicalRequest.HEX.formatHex(CanonicalRequest.newSha256().digest(buffered));
            if (payloadHash == null) {
                payloadHash = bufferedHash;
            }
        }

        SigningKeyCache.SigningKey signingKey =
                signingKeys.signingKey(credential.secretKey(), scope.date(), scope.region(), scope.service());
        checkSignature(claim, request, query, payloadHash, signingKey);
        if (bufferedHash != null && !bufferedHash.equalsIgnoreCase(payloadHash)) {
            throw new AuthException(
                    AuthError.X_AMZ_CONTENT_SHA256_MISMATCH,
                    "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }

        BodyExpectations expectations = BodyExpectations.from(request, mode);
        VerifiedBody verified;
        if (buffered != null) {
            BodyExpectations known = new BodyExpectations(
                    buffered.length,
                    expectations.md5(),
                    expectations.checksumAlgorithm(),
                    expectations.checksumValue(),
                    expectations.requested());
            verified = new VerifiedBody(new ByteArrayInputStream(buffered), null, known, null);
        } else {
            ChunkSignatureChain chain = mode.signedChunks
                    ? new ChunkSignatureChain(signingKey.bytes(), claim.amzDate(), scope.scope(), claim.signature())
                    : null;
            verified = wrap(body, mode, chain, expectations, payloadHash);
        }
        return new Authenticated(
                credential.principal(), scope.accessKeyId(), scope.service(), claim.presigned(), verified);
    }

    /** Verifies browser-based upload forms (POST Object) with the same credentials, region and clock. */
    public PostPolicySignature postPolicies() {
        return new PostPolicySignature(store, region, clock);
    }

    /** Signature Version 2: header or query string; the payload is not signed (Content-MD5, when sent, is checked). */
    private Authenticated verifyV2(
            SignedRequest request,
            InputStream body,
            QueryString query,
            @Nullable String authorization,
            @Nullable String virtualHostBucket)
            throws AuthException {
        SigV2.Claim claim = authorization != null ? SigV2.fromHeader(authorization, request) : SigV2.fromQuery(query);
        Instant now = clock.instant();
        if (claim.presigned()) {
            if (now.isAfter(claim.time())) throw new AuthException(AuthError.ACCESS_DENIED, "Request has expired");
        } else if (Duration.between(claim.time(), now).abs().compareTo(MAX_SKEW) > 0) {
            throw new AuthException(
                    AuthError.REQUEST_TIME_TOO_SKEWED,
                    "The difference between the request time and the current time is too large.");
        }
        Credential credential = store.find(claim.accessKeyId())
                .orElseThrow(() -> new AuthException(
                        AuthError.INVALID_ACCESS_KEY_ID,
                        "The AWS Access Key Id you provided does not exist in our records."));
        String token = request.header("x-amz-security-token");
        if (token == null && claim.presigned())
            token = query.first("x-amz-security-token").orElse(null);
        String expected = credential.sessionToken();
        boolean tokenValid = expected == null
                ? token == null
                : token != null
                        && MessageDigest.isEqual(
                                token.strip().getBytes(StandardCharsets.UTF_8),
                                expected.getBytes(StandardCharsets.UTF_8));
        if (!tokenValid)
            throw new AuthException(AuthError.INVALID_TOKEN, "The provided token is malformed or otherwise invalid.");
        if (credential.expiration() != null && !now.isBefore(credential.expiration())) {
            throw new AuthException(AuthError.EXPIRED_TOKEN, "The provided token has expired.");
        }
        if (!SigV2.verify(claim, request, query, virtualHostBucket, credential.secretKey())) {
            throw new AuthException(AuthError.SIGNATURE_DOES_NOT_MATCH, SIGNATURE_MISMATCH);
        }
        String contentSha256 = request.header("x-amz-content-sha256");
        PayloadMode mode = contentSha256 == null ? PayloadMode.UNSIGNED : PayloadMode.parse(contentSha256.strip());
        if (mode.signedChunks) {
            throw new AuthException(
                    AuthError.INVALID_REQUEST, "Signed streaming payloads require Signature Version 4.");
        }
        VerifiedBody verified = wrap(
                body,
                mode,
                null,
                BodyExpectations.from(request, mode),
                contentSha256 == null ? null : contentSha256.strip());
        return new Authenticated(
                credential.principal(), claim.accessKeyId(), "s3", claim.presigned(), verified, Authenticated.SIGV2);
    }

    private Authenticated anonymous(SignedRequest request, InputStream body) throws AuthException {
        String contentSha256 = request.header("x-amz-content-sha256");
        PayloadMode mode = contentSha256 == null ? PayloadMode.UNSIGNED : PayloadMode.parse(contentSha256.strip());
        if (mode.signedChunks) {
            throw new AuthException(
                    AuthError.INVALID_REQUEST, "Signed streaming payloads require an Authorization header.");
        }
        BodyExpectations expectations = BodyExpectations.from(request, mode);
        VerifiedBody verified =
                wrap(body, mode, null, expectations, contentSha256 == null ? null : contentSha256.strip());
        return new Authenticated(Principal.anonymous(), "", "s3", false, verified);
    }

    private static VerifiedBody wrap(
            InputStream body,
            PayloadMode mode,
            @Nullable ChunkSignatureChain chain,
            BodyExpectations expectations,
            @Nullable String payloadHash) {
        if (mode.chunked) {
            AwsChunkedDecoder decoder = new AwsChunkedDecoder(body, chain, mode.trailer);
            return new VerifiedBody(decoder, decoder, expectations, null);
        }
        byte[] expectedSha256 = mode == PayloadMode.SHA256 ? CanonicalRequest.HEX.parseHex(payloadHash) : null;
        return new VerifiedBody(body, null, expectations, expectedSha256);
    }

    private void checkRegion(SignatureClaim claim) throws AuthException {
        CredentialScope scope = claim.scope();
        // IAM is a global service: SDKs sign it for us-east-1 whatever region the endpoint is configured with (and the
        // Java SDK, given an endpoint override and Region.AWS_GLOBAL, signs "aws-global").
        boolean accepted = scope.region().equals(region)
                || ("iam".equals(scope.service())
                        && ("us-east-1".equals(scope.region()) || "aws-global".equals(scope.region())));
        if (accepted) {
            return;
        }
        String wrong = "the region '" + scope.region() + "' is wrong; expecting '" + region + "'";
        throw claim.presigned()
                ? new AuthException(
                        AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                        "Error parsing the X-Amz-Credential parameter; " + wrong)
                : new AuthException(
                        AuthError.AUTHORIZATION_HEADER_MALFORMED, "The authorization header is malformed; " + wrong);
    }

    private void checkTime(SignatureClaim claim) throws AuthException {
        Instant now = clock.instant();
        Instant signed = claim.time();
        if (claim.presigned()) {
            if (signed.isAfter(now.plus(MAX_SKEW))) {
                throw new AuthException(AuthError.ACCESS_DENIED, "Request is not yet valid");
            }
            if (now.isAfter(signed.plusSeconds(claim.expiresSeconds()))) {
                throw new AuthException(AuthError.ACCESS_DENIED, "Request has expired");
            }
        } else if (Duration.between(signed, now).abs().compareTo(MAX_SKEW) > 0) {
            throw new AuthException(
                    AuthError.REQUEST_TIME_TOO_SKEWED,
                    "The difference between the request time and the current time is too large.");
        }
    }

    private static void checkToken(
            SignatureClaim claim, Credential credential, SignedRequest request, QueryString query)
            throws AuthException {
        String fromQuery = claim.presigned() ? query.firstOrNull("X-Amz-Security-Token") : null;
        String token = fromQuery != null ? fromQuery : request.header("x-amz-security-token");
        String expected = credential.sessionToken();
        boolean valid = expected == null
                ? token == null
                : token != null
                        && MessageDigest.isEqual(
                                token.strip().getBytes(StandardCharsets.UTF_8),
                                expected.getBytes(StandardCharsets.UTF_8));
        if (!valid) {
            throw new AuthException(AuthError.INVALID_TOKEN, "The provided token is malformed or otherwise invalid.");
        }
    }

    /** S3 refuses x-amz-* headers outside the signature: they change what the request does. */
    private static void checkAmzHeadersSigned(SignatureClaim claim, SignedRequest request) throws AuthException {
        for (String name : request.headers().keySet()) {
            if (name.startsWith("x-amz-") && !claim.signs(name)) {
                throw new AuthException(
                        AuthError.ACCESS_DENIED, "There were headers present in the request which were not signed");
            }
        }
    }

    /**
     * Tries the canonical URI rebuilt from the decoded path, then the path as sent, and for queries with '+'
     * both readings of '+': clients disagree on these encodings, and any one matching proves the key.
     */
    private static void checkSignature(
            SignatureClaim claim,
            SignedRequest request,
            QueryString query,
            String payloadHash,
            SigningKeyCache.SigningKey signingKey)
            throws AuthException {
        byte[] provided = lowerHexSignature(claim.signature());
        if (provided == null) {
            // Not 64 lower-case hex digits: no computed signature's hex form can equal it.
            throw new AuthException(AuthError.SIGNATURE_DOES_NOT_MATCH, SIGNATURE_MISMATCH);
        }
        String excluded = claim.presigned() ? "X-Amz-Signature" : null;
        String canonicalQuery = query.canonical(false, excluded);
        List<String> queries =
                query.hasPlus() ? List.of(canonicalQuery, query.canonical(true, excluded)) : List.of(canonicalQuery);
        String latin1 = CanonicalRequest.canonicalHeaders(request, claim.signedHeaders());
        // Header bytes arrive as ISO-8859-1 characters: the SDKs send a non-ASCII value so and sign its UTF-8 form;
        // other clients (curl) send UTF-8 bytes and sign those bytes, which is the value re-read as UTF-8.
        String utf8 = rereadAsUtf8(latin1);
        List<String> headerCandidates = utf8 == null ? List.of(latin1) : List.of(latin1, utf8);
        // The string to sign is this prefix and the canonical request's hash in hex; MAC'd in two updates. The prefix
        // is written as UTF-8 piece by piece (the pieces meet at ASCII separators, so the bytes are the joined text's).
        CanonicalRequest.Utf8Bytes prefix = new CanonicalRequest.Utf8Bytes(96)
                .add(SignatureClaim.ALGORITHM)
                .add('\n')
                .add(claim.amzDate())
                .add('\n');
        claim.scope().appendScope(prefix).add('\n');
        CanonicalRequest.Utf8Bytes scratch = new CanonicalRequest.Utf8Bytes(512);
        byte[] hash = new byte[32];
        byte[] hashHex = new byte[64];
        byte[] signature = new byte[32];
        MessageDigest sha256 = CanonicalRequest.borrowSha256();
        Mac mac = signingKey.newMac();
        try {
            for (String headers : headerCandidates) {
                for (String uri : CanonicalRequest.uriCandidates(request.rawPath())) {
                    for (String canonicalQueryCandidate : queries) {
                        CanonicalRequest canonical = new CanonicalRequest(
                                request.method(),
                                uri,
                                canonicalQueryCandidate,
                                headers,
                                claim.signedHeadersText(),
                                payloadHash);
                        canonical.digest(sha256, scratch, hash);
                        CanonicalRequest.hex(hash, hashHex);
                        mac.update(prefix.bytes(), 0, prefix.length());
                        mac.update(hashHex);
                        mac.doFinal(signature, 0);
                        // Constant-time: equal to the hex comparison, as the provided hex is lower-case.
                        if (MessageDigest.isEqual(signature, provided)) {
                            return;
                        }
                    }
                }
            }
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e); // 32 bytes is HmacSHA256's length
        } finally {
            CanonicalRequest.release(sha256);
        }
        throw new AuthException(AuthError.SIGNATURE_DOES_NOT_MATCH, SIGNATURE_MISMATCH);
    }

    /**
     * The 32 bytes a signature of 64 lower-case hex digits stands for, or null for any other text (which the hex of a
     * computed signature never equals). Parsing depends on the provided text alone, never on the secret.
     */
    static byte @Nullable [] lowerHexSignature(String signature) {
        if (signature.length() != 64) {
            return null;
        }
        byte[] out = new byte[32];
        for (int i = 0; i < 32; i++) {
            int high = lowerHexDigit(signature.charAt(2 * i));
            int low = lowerHexDigit(signature.charAt(2 * i + 1));
            if ((high | low) < 0) {
                return null;
            }
            out[i] = (byte) ((high << 4) | low);
        }
        return out;
    }

    private static int lowerHexDigit(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    }

    /** The text's ISO-8859-1 bytes read as UTF-8, when it has non-ASCII characters and those bytes are UTF-8; else null. */
    static @Nullable String rereadAsUtf8(String text) {
        boolean nonAscii = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0xFF) return null;
            if (c >= 0x80) nonAscii = true;
        }
        if (!nonAscii) return null;
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    private static byte[] readSmallBody(SignedRequest request, InputStream body) throws AuthException {
        String declared = request.header("content-length");
        try {
            // Refused on what it announces, before a byte of it is read.
            if (declared != null && Long.parseLong(declared.strip()) > MAX_BUFFERED_BODY) {
                throw new AuthException(
                        AuthError.ENTITY_TOO_LARGE, "Your proposed upload exceeds the maximum allowed object size.");
            }
        } catch (NumberFormatException e) {
            // Jetty refuses a malformed Content-Length before it gets here; the read below bounds it anyway.
        }
        byte[] bytes;
        try {
            bytes = body.readNBytes(MAX_BUFFERED_BODY + 1);
        } catch (IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.util.concurrent.TimeoutException) {
                    // The connection's idle timeout passed while the body was awaited.
                    throw new AuthException(
                            AuthError.REQUEST_TIMEOUT,
                            "Your socket connection to the server was not read "
                                    + "from or written to within the timeout period. Idle connections will be closed.");
                }
            }
            throw new AuthException(AuthError.INCOMPLETE_BODY, "The request body could not be read: " + e.getMessage());
        }
        if (bytes.length > MAX_BUFFERED_BODY) {
            throw new AuthException(
                    AuthError.ENTITY_TOO_LARGE, "Your proposed upload exceeds the maximum allowed object size.");
        }
        String contentLength = request.header("content-length");
        if (contentLength != null && !contentLength.strip().equals(Integer.toString(bytes.length))) {
            throw new AuthException(
                    AuthError.INCOMPLETE_BODY,
                    "You did not provide the number of bytes specified by the Content-Length HTTP header.");
        }
        return bytes;
    }
}

package io.rampart.auth;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The request body as the client meant it: aws-chunked framing removed, and every promise the request made
 * about it (chunk signatures, x-amz-content-sha256, Content-MD5, x-amz-checksum-*, length) checked while it is
 * read. A failed check surfaces as a {@link BodyVerificationException} from read() at the point of failure, at
 * the latest instead of EOF, and again on every later read: a caller that reads to EOF before committing never
 * commits a bad body. When the expected length is known, the checks run as soon as the last byte is read.
 */
public final class VerifiedBody extends InputStream {
    private final InputStream source;
    private final @Nullable AwsChunkedDecoder decoder;
    private final BodyExpectations expected;
    private final long length;
    private final @Nullable MessageDigest sha256;
    private final byte @Nullable [] expectedSha256;
    private final @Nullable MessageDigest md5;
    private final @Nullable Checksummer checksummer;
    private final byte[] single = new byte[1];
    private long count;
    private boolean finished;
    private @Nullable BodyVerificationException failure;
    private Map<ChecksumAlgorithm, String> verified = Map.of();

    /**
     * @param decoder        the aws-chunked decoder when {@code source} is one (its trailers are read at EOF)
     * @param expectedSha256 the x-amz-content-sha256 digest still to verify, or null
     */
    VerifiedBody(
            InputStream source,
            @Nullable AwsChunkedDecoder decoder,
            BodyExpectations expected,
            byte @Nullable [] expectedSha256) {
        this.source = Objects.requireNonNull(source);
        this.decoder = decoder;
        this.expected = expected;
        this.length = expected.length();
        this.expectedSha256 = expectedSha256;
        this.sha256 = expectedSha256 == null ? null : CanonicalRequest.newSha256();
        this.md5 = expected.md5() == null ? null : newMd5();
        this.checksummer = expected.checksumAlgorithm() == null
                ? null
                : expected.checksumAlgorithm().newChecksummer();
    }

    /** x-amz-decoded-content-length for aws-chunked bodies, else Content-Length, else -1. */
    public long decodedLength() {
        return length;
    }

    /** After EOF: the base64 checksum values the client supplied (header or trailer), all verified. */
    public Map<ChecksumAlgorithm, String> checksums() {
        return verified;
    }

    /** The algorithm named by x-amz-checksum-*, x-amz-trailer or x-amz-sdk-checksum-algorithm. */
    public Optional<ChecksumAlgorithm> requestedAlgorithm() {
        return Optional.ofNullable(expected.requested());
    }

    @Override
    public int read() throws IOException {
        int n;
        do {
            n = read(single, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (failure != null) {
            throw failure;
        }
        if (finished) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        try {
            return readChecked(b, off, len);
        } catch (BodyVerificationException e) {
            failure = e;
            throw e;
        }
    }

    private int readChecked(byte[] b, int off, int len) throws IOException {
        int want = len;
        if (decoder == null && length >= 0) {
            // Never read past Content-Length: what follows is not this request's body.
            long left = length - count;
            if (left == 0) {
                finish();
                return -1;
            }
            want = (int) Math.min(len, left);
        }
        int n = source.read(b, off, want);
        if (n < 0) {
            if (length >= 0 && count < length) {
                throw incomplete();
            }
            finish();
            return -1;
        }
        count += n;
        if (length >= 0 && count > length) {
            throw incomplete();
        }
        if (sha256 != null) {
            sha256.update(b, off, n);
        }
        if (md5 != null) {
            md5.update(b, off, n);
        }
        if (checksummer != null) {
            checksummer.update(b, off, n);
        }
        if (length >= 0 && count == length) {
            // All promised bytes are in: verify now, so even a caller that stops at the length is protected.
            if (decoder != null && decoder.read(single, 0, 1) >= 0) {
                throw incomplete();
            }
            finish();
        }
        return n;
    }

    private void finish() throws BodyVerificationException {
        if (finished) {
            return;
        }
        if (sha256 != null && expectedSha256 != null && !MessageDigest.isEqual(sha256.digest(), expectedSha256)) {
            throw new BodyVerificationException(
                    AuthError.X_AMZ_CONTENT_SHA256_MISMATCH,
                    "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        if (md5 != null && !MessageDigest.isEqual(md5.digest(), expected.md5())) {
            throw new BodyVerificationException(
                    AuthError.BAD_DIGEST, "The Content-MD5 you specified did not match what we received.");
        }
        verifyChecksum();
        finished = true;
    }

    private void verifyChecksum() throws BodyVerificationException {
        Map<String, String> trailers = decoder == null ? Map.of() : decoder.trailers();
        ChecksumAlgorithm algorithm = expected.checksumAlgorithm();
        for (String name : trailers.keySet()) {
            // A checksum in the trailer that x-amz-trailer did not announce was not computed: refuse it.
            if (name.startsWith(BodyExpectations.CHECKSUM_PREFIX)
                    && (!expected.checksumInTrailer() || algorithm == null || !name.equals(algorithm.headerName()))) {
                throw malformedTrailer();
            }
        }
        if (algorithm == null || checksummer == null) { // both or neither: the checksummer is the algorithm's
            return;
        }
        String value = expected.checksumValue();
        if (value == null) {
            value = trailers.get(algorithm.headerName());
            if (value == null) {
                throw malformedTrailer();
            }
            if (!BodyExpectations.isValidChecksum(algorithm, value)) {
                throw new BodyVerificationException(
                        AuthError.INVALID_REQUEST,
                        "Value for " + algorithm.headerName() + " trailing header is invalid.");
            }
        }
        if (!MessageDigest.isEqual(checksummer.digest(), Base64.getDecoder().decode(value))) {
            throw new BodyVerificationException(
                    AuthError.BAD_DIGEST,
                    "The " + algorithm.name() + " you specified did not match the calculated checksum.");
        }
        verified = Map.of(algorithm, value);
    }

    @Override
    public void close() throws IOException {
        source.close();
    }

    private static BodyVerificationException incomplete() {
        return new BodyVerificationException(
                AuthError.INCOMPLETE_BODY,
                "You did not provide the number of bytes specified by the Content-Length HTTP header.");
    }

    private static BodyVerificationException malformedTrailer() {
        return new BodyVerificationException(
                AuthError.MALFORMED_TRAILER_ERROR,
                "The request contained trailing data that was not well-formed or did not conform to our "
                        + "published schema.");
    }

    private static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            // MD5 is mandatory on every Java runtime.
            throw new IllegalStateException(e);
        }
    }
}

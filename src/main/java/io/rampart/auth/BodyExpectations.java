package io.rampart.auth;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the request headers promise about the body: its length, Content-MD5, and the one additional checksum
 * (in a header now, or in the trailer later). Parsed and validated before any byte of the body is read.
 *
 * @param length            decoded length for aws-chunked bodies, else Content-Length; -1 when unknown
 * @param md5               the Content-MD5 digest, or null
 * @param checksumAlgorithm the algorithm whose value arrives in a header or the trailer, or null
 * @param checksumValue     the base64 value from the header, or null (absent, or it comes in the trailer)
 * @param requested         the algorithm the client asked for, from any of the checksum headers, or null
 */
record BodyExpectations(
        long length,
        byte @Nullable [] md5,
        @Nullable ChecksumAlgorithm checksumAlgorithm,
        @Nullable String checksumValue,
        @Nullable ChecksumAlgorithm requested) {

    static final String CHECKSUM_PREFIX = "x-amz-checksum-";

    boolean checksumInTrailer() {
        return checksumAlgorithm != null && checksumValue == null;
    }

    static BodyExpectations from(SignedRequest request, PayloadMode mode) throws AuthException {
        byte[] md5 = null;
        String contentMd5 = request.header("content-md5");
        if (contentMd5 != null) {
            md5 = decodeBase64(contentMd5.strip());
            if (md5 == null || md5.length != 16) {
                throw new AuthException(AuthError.INVALID_DIGEST, "The Content-MD5 you specified was invalid.");
            }
        }

        ChecksumAlgorithm headerAlgorithm = null;
        String headerValue = null;
        // CompleteMultipartUpload's x-amz-checksum-* is the whole object's checksum (checked as the parts are joined),
        // not its XML body's.
        boolean completesUpload = request.method().equals("POST")
                && Arrays.stream(request.rawQuery().split("&"))
                        .anyMatch(p -> p.equals("uploadId") || p.startsWith("uploadId="));
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            if (!header.getKey().startsWith(CHECKSUM_PREFIX) || completesUpload) {
                continue;
            }
            // x-amz-checksum-type, -algorithm and -mode share the prefix but carry no value to verify.
            ChecksumAlgorithm algorithm =
                    ChecksumAlgorithm.fromHeaderName(header.getKey()).orElse(null);
            if (algorithm == null || header.getValue().isEmpty()) {
                continue;
            }
            if (headerAlgorithm != null || header.getValue().size() > 1) {
                throw multipleChecksums();
            }
            headerAlgorithm = algorithm;
            headerValue = header.getValue().getFirst().strip();
            if (!isValidChecksum(algorithm, headerValue)) {
                throw new AuthException(
                        AuthError.INVALID_REQUEST, "Value for " + algorithm.headerName() + " header is invalid.");
            }
        }

        ChecksumAlgorithm trailerAlgorithm = null;
        String trailer = request.header("x-amz-trailer");
        if (mode.trailer && trailer != null && !trailer.isBlank()) {
            trailerAlgorithm = ChecksumAlgorithm.fromHeaderName(trailer.strip())
                    .orElseThrow(() -> new AuthException(
                            AuthError.INVALID_REQUEST,
                            "The value specified in the x-amz-trailer header is not supported"));
            if (headerAlgorithm != null) {
                throw multipleChecksums();
            }
        }

        ChecksumAlgorithm sdkAlgorithm = null;
        String sdk = request.header("x-amz-sdk-checksum-algorithm");
        if (sdk != null) {
            sdkAlgorithm = ChecksumAlgorithm.fromName(sdk)
                    .orElseThrow(() -> new AuthException(
                            AuthError.INVALID_REQUEST,
                            "Checksum algorithm provided is unsupported. Please try again with "
                                    + "any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"));
        }

        long length;
        if (mode.chunked) {
            String decoded = request.header("x-amz-decoded-content-length");
            if (decoded == null) {
                throw new AuthException(
                        AuthError.MISSING_CONTENT_LENGTH, "You must provide the Content-Length HTTP header.");
            }
            length = parseLength(decoded, "x-amz-decoded-content-length");
        } else {
            String contentLength = request.header("content-length");
            length = contentLength == null ? -1 : parseLength(contentLength, "Content-Length");
        }

        ChecksumAlgorithm algorithm = headerAlgorithm != null ? headerAlgorithm : trailerAlgorithm;
        ChecksumAlgorithm requested = algorithm != null ? algorithm : sdkAlgorithm;
        return new BodyExpectations(length, md5, algorithm, headerValue, requested);
    }

    static boolean isValidChecksum(ChecksumAlgorithm algorithm, String value) {
        byte[] decoded = decodeBase64(value);
        return decoded != null && decoded.length == algorithm.length();
    }

    /** Null when {@code value} is not base64. */
    static byte @Nullable [] decodeBase64(String value) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static long parseLength(String value, String name) throws AuthException {
        try {
            long length = Long.parseLong(value.strip());
            if (length >= 0) {
                return length;
            }
        } catch (NumberFormatException e) {
            // reported below, with the header's name
        }
        throw new AuthException(AuthError.INVALID_ARGUMENT, "Invalid " + name + " header value.");
    }

    private static AuthException multipleChecksums() {
        return new AuthException(
                AuthError.INVALID_REQUEST,
                "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
    }
}

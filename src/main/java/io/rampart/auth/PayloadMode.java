package io.rampart.auth;

/** How the body is protected, as announced by x-amz-content-sha256. */
enum PayloadMode {
    /** A hex SHA-256 of the whole body, checked at EOF. */
    SHA256(false, false, false),
    UNSIGNED(false, false, false),
    STREAMING_SIGNED(true, true, false),
    STREAMING_SIGNED_TRAILER(true, true, true),
    STREAMING_UNSIGNED_TRAILER(true, false, true);

    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

    final boolean chunked;
    final boolean signedChunks;
    final boolean trailer;

    PayloadMode(boolean chunked, boolean signedChunks, boolean trailer) {
        this.chunked = chunked;
        this.signedChunks = signedChunks;
        this.trailer = trailer;
    }

    static PayloadMode parse(String contentSha256) throws AuthException {
        return switch (contentSha256) {
            case UNSIGNED_PAYLOAD -> UNSIGNED;
            case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" -> STREAMING_SIGNED;
            case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" -> STREAMING_SIGNED_TRAILER;
            case "STREAMING-UNSIGNED-PAYLOAD-TRAILER" -> STREAMING_UNSIGNED_TRAILER;
            case "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER" ->
                throw new AuthException(AuthError.INVALID_REQUEST, SignatureClaim.UNSUPPORTED_MECHANISM);
            default -> {
                if (isSha256Hex(contentSha256)) {
                    yield SHA256;
                }
                throw new AuthException(
                        AuthError.INVALID_ARGUMENT,
                        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                                + "STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
                                + "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, "
                                + "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.");
            }
        };
    }

    static boolean isSha256Hex(String value) {
        if (value.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            if (Character.digit(value.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}

package io.rampart.auth;

/**
 * The S3 error codes authentication can end in, each with its HTTP status, so raising one is a single line
 * and the http layer maps it to XML in one place.
 */
public enum AuthError {
    ACCESS_DENIED("AccessDenied", 403),
    SIGNATURE_DOES_NOT_MATCH("SignatureDoesNotMatch", 403),
    INVALID_ACCESS_KEY_ID("InvalidAccessKeyId", 403),
    REQUEST_TIME_TOO_SKEWED("RequestTimeTooSkewed", 403),
    MISSING_SECURITY_HEADER("MissingSecurityHeader", 400),
    AUTHORIZATION_HEADER_MALFORMED("AuthorizationHeaderMalformed", 400),
    AUTHORIZATION_QUERY_PARAMETERS_ERROR("AuthorizationQueryParametersError", 400),
    X_AMZ_CONTENT_SHA256_MISMATCH("XAmzContentSHA256Mismatch", 400),
    INVALID_TOKEN("InvalidToken", 400),
    EXPIRED_TOKEN("ExpiredToken", 400),
    INCOMPLETE_BODY("IncompleteBody", 400),
    BAD_DIGEST("BadDigest", 400),
    INVALID_DIGEST("InvalidDigest", 400),
    INVALID_REQUEST("InvalidRequest", 400),
    INVALID_ARGUMENT("InvalidArgument", 400),
    MALFORMED_TRAILER_ERROR("MalformedTrailerError", 400),
    ENTITY_TOO_LARGE("EntityTooLarge", 400),
    REQUEST_TIMEOUT("RequestTimeout", 400),
    MISSING_CONTENT_LENGTH("MissingContentLength", 411);

    private final String code;
    private final int status;

    AuthError(String code, int status) {
        this.code = code;
        this.status = status;
    }

    /** The S3 error code string, as it appears in the XML error body. */
    public String code() {
        return code;
    }

    /** The HTTP status S3 answers with for this error. */
    public int status() {
        return status;
    }
}

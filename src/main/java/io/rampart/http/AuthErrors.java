package io.rampart.http;

import io.rampart.auth.AuthError;
import io.rampart.s3.S3ErrorCode;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from an authentication failure to the error a front door answers: the S3 error code (S3 and the
 * admin API), or the IAM/STS/Organizations code and status for a call to those services.
 */
final class AuthErrors {
    private static final Logger log = LoggerFactory.getLogger(AuthErrors.class);
    private static final Map<AuthError, S3ErrorCode> S3 = new EnumMap<>(AuthError.class);

    static {
        for (AuthError e : AuthError.values()) {
            for (S3ErrorCode c : S3ErrorCode.values()) {
                if (c.code().equals(e.code())) {
                    S3.put(e, c);
                    break;
                }
            }
        }
    }

    private AuthErrors() {}

    /** The S3 error for an authentication error; one without an S3ErrorCode is a bug, answered as InvalidRequest. */
    static S3ErrorCode s3(AuthError error) {
        S3ErrorCode c = S3.get(error);
        if (c == null) {
            log.error("authentication error code {} has no S3ErrorCode", error.code());
            return S3ErrorCode.INVALID_REQUEST;
        }
        return c;
    }

    /** An authentication failure as IAM, STS or Organizations ({@code service}) reports it. */
    record ServiceError(String code, int status, String message) {}

    static ServiceError service(String service, AuthError error, String message) {
        String code = error.code();
        int status = error.status();
        switch (code) {
            case "InvalidAccessKeyId", "InvalidToken" -> {
                code = "InvalidClientTokenId";
                message = "The security token included in the request is invalid.";
                status = 403;
            }
            case "AccessDenied" -> code = ServiceEndpoint.json(service) ? "AccessDeniedException" : code;
            case "EntityTooLarge" -> {
                // A signed form body over the limit: answered as an unsigned one is (see BodyLimits).
                code = "RequestEntityTooLarge";
                message = "Request body must be no larger than " + BodyLimits.MAX_FORM + " bytes.";
                status = 413;
            }
            default -> {}
        }
        if ("kms".equals(service) && "InvalidClientTokenId".equals(code)) {
            code = "UnrecognizedClientException";
            status = 400;
        } else if ("kms".equals(service) && "SignatureDoesNotMatch".equals(code)) {
            code = "InvalidSignatureException";
        }
        if (ServiceEndpoint.json(service) && !code.endsWith("Exception")) code = code + "Exception";
        return new ServiceError(code, status, message);
    }
}

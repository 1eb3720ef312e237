package io.rampart.kms;

import java.util.Objects;

/** A KMS error as AWS answers it in JSON 1.1: {@code {"__type": code, "message": ...}} with its HTTP status. */
public final class KmsException extends RuntimeException {
    public static final String NOT_FOUND = "NotFoundException";
    public static final String DISABLED = "DisabledException";
    public static final String INVALID_STATE = "KMSInvalidStateException";
    public static final String INVALID_CIPHERTEXT = "InvalidCiphertextException";
    public static final String INCORRECT_KEY = "IncorrectKeyException";
    public static final String ACCESS_DENIED = "AccessDeniedException";
    public static final String VALIDATION = "ValidationException";
    public static final String ALREADY_EXISTS = "AlreadyExistsException";
    public static final String INVALID_ALIAS_NAME = "InvalidAliasNameException";
    public static final String INVALID_ARN = "InvalidArnException";
    public static final String MALFORMED_POLICY = "MalformedPolicyDocumentException";
    public static final String INVALID_GRANT_ID = "InvalidGrantIdException";
    public static final String INVALID_MARKER = "InvalidMarkerException";
    public static final String TAG = "TagException";
    public static final String UNSUPPORTED = "UnsupportedOperationException";
    public static final String SERIALIZATION = "SerializationException";
    public static final String UNKNOWN_OPERATION = "UnknownOperationException";
    public static final String INTERNAL = "KMSInternalException";

    private final String code;
    private final int status;

    public KmsException(String code, String message) {
        this(code, INTERNAL.equals(code) ? 500 : 400, message);
    }

    public KmsException(String code, int status, String message) {
        super(message);
        this.code = Objects.requireNonNull(code);
        this.status = status;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    public static KmsException validation(String message) {
        return new KmsException(VALIDATION, message);
    }

    public static KmsException notFound(String message) {
        return new KmsException(NOT_FOUND, message);
    }
}

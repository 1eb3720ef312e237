package io.rampart.iam;

import java.util.Objects;
import java.util.Optional;

/**
 * An IAM, STS or Organizations error as AWS reports it: the code clients branch on, the HTTP status, and whether the
 * caller ("Sender") or the service ("Receiver") is at fault.
 */
public final class IamException extends RuntimeException {
    private final IamErrorCode error;
    private final Optional<String> reason;

    public IamException(IamErrorCode error, String message) {
        this(error, message, Optional.empty());
    }

    /** An Organizations error that names its reason (ConstraintViolationException's OU_DEPTH_LIMIT_EXCEEDED...). */
    public IamException(IamErrorCode error, String message, Optional<String> reason) {
        super(message);
        this.error = Objects.requireNonNull(error);
        this.reason = Objects.requireNonNull(reason);
    }

    public IamException(IamErrorCode error) {
        this(error, error.defaultMessage());
    }

    public IamErrorCode error() {
        return error;
    }

    public Optional<String> reason() {
        return reason;
    }

    public String code() {
        return error.code();
    }

    public int status() {
        return error.status();
    }

    public String type() {
        return status() >= 500 ? "Receiver" : "Sender";
    }

    public static IamException noSuchEntity(String message) {
        return new IamException(IamErrorCode.NO_SUCH_ENTITY, message);
    }

    public static IamException alreadyExists(String message) {
        return new IamException(IamErrorCode.ENTITY_ALREADY_EXISTS, message);
    }

    public static IamException validation(String message) {
        return new IamException(IamErrorCode.VALIDATION_ERROR, message);
    }

    public static IamException invalidInput(String message) {
        return new IamException(IamErrorCode.INVALID_INPUT, message);
    }

    public static IamException malformedPolicy(String message) {
        return new IamException(IamErrorCode.MALFORMED_POLICY_DOCUMENT, message);
    }

    public static IamException deleteConflict(String message) {
        return new IamException(IamErrorCode.DELETE_CONFLICT, message);
    }

    public static IamException limitExceeded(String message) {
        return new IamException(IamErrorCode.LIMIT_EXCEEDED, message);
    }

    public static IamException accessDenied(String message) {
        return new IamException(IamErrorCode.ACCESS_DENIED, message);
    }

    public static IamException missingParameter(String name) {
        return new IamException(IamErrorCode.MISSING_PARAMETER, "The request must contain the parameter " + name);
    }
}

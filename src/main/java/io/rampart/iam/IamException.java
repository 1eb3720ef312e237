package io.rampart.iam;

/**
 * An IAM, STS or Organizations error as AWS reports it: the code clients branch on, the HTTP status, and whether the
 * caller ("Sender") or the service ("Receiver") is at fault.
 */
public final class IamException extends RuntimeException {
    private final String code;
    private final int status;

    public IamException(String code, int status, String message) {
        super(message);
        this.code = code;
        this.status = status;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    public String type() {
        return status >= 500 ? "Receiver" : "Sender";
    }

    public static IamException noSuchEntity(String message) {
        return new IamException("NoSuchEntity", 404, message);
    }

    public static IamException alreadyExists(String message) {
        return new IamException("EntityAlreadyExists", 409, message);
    }

    public static IamException validation(String message) {
        return new IamException("ValidationError", 400, message);
    }

    public static IamException invalidInput(String message) {
        return new IamException("InvalidInput", 400, message);
    }

    public static IamException malformedPolicy(String message) {
        return new IamException("MalformedPolicyDocument", 400, message);
    }

    public static IamException deleteConflict(String message) {
        return new IamException("DeleteConflict", 409, message);
    }

    public static IamException limitExceeded(String message) {
        return new IamException("LimitExceeded", 409, message);
    }

    public static IamException accessDenied(String message) {
        return new IamException("AccessDenied", 403, message);
    }

    public static IamException missingParameter(String name) {
        return new IamException("MissingParameter", 400,
                "The request must contain the parameter " + name);
    }
}

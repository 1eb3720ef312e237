package io.rampart.policy;

/** A policy document that AWS would refuse; the message is AWS's wording for the problem. */
public final class MalformedPolicyException extends RuntimeException {
    private final String reason;

    public MalformedPolicyException(String message) {
        super(message);
        this.reason = message;
    }

    /** AWS's wording, never null (Throwable's may be). */
    @Override
    public String getMessage() {
        return reason;
    }
}

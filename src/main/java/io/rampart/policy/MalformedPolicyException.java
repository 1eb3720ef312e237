package io.rampart.policy;

/** A policy document that AWS would refuse; the message is AWS's wording for the problem. */
public final class MalformedPolicyException extends RuntimeException {
    public MalformedPolicyException(String message) {
        super(message);
    }
}

package io.rampart.policy;

public enum Outcome {
    ALLOW,
    EXPLICIT_DENY,
    IMPLICIT_DENY
}

package io.rampart.policy;

public enum Effect {
    ALLOW,
    DENY
}

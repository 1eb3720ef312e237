package io.rampart.detect;

/** How urgent a finding is, lowest first (GuardDuty's scale, named). */
public enum Severity {
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL
}

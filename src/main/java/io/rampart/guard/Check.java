package io.rampart.guard;

import java.util.Locale;

/**
 * One posture check's result on one resource: what was looked at ({@code evidence}: the configuration as read), what it
 * means ({@code status}, {@code severity}) and what to do ({@code remediation}: the exact command or policy statement).
 */
public record Check(Rule rule, Status status, Severity severity, String resource, String evidence, String remediation) {

    public enum Status {
        PASS,
        FAIL,
        WARN,
        UNKNOWN
    }

    public enum Severity {
        LOW,
        MEDIUM,
        HIGH,
        CRITICAL;

        /** LOW, MEDIUM, HIGH or CRITICAL in any case; IllegalArgumentException naming the choices otherwise. */
        public static Severity parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown severity '" + s + "' (LOW, MEDIUM, HIGH or CRITICAL)");
            }
        }
    }

    /** The four practices of AWS's guidance against SSE-C ransomware; every check serves one. */
    public enum Practice {
        SHORT_TERM_CREDENTIALS("short-term-credentials"),
        DATA_RECOVERY("data-recovery"),
        MONITORING("monitoring"),
        BLOCK_SSE_C("block-sse-c");

        public final String id;

        Practice(String id) {
            this.id = id;
        }
    }

    public String id() {
        return rule.id;
    }

    public Practice practice() {
        return rule.practice;
    }

    static Check pass(Rule rule, String resource, String evidence) {
        return new Check(rule, Status.PASS, rule.severity, resource, evidence, "");
    }

    static Check fail(Rule rule, String resource, String evidence, String remediation) {
        return new Check(rule, Status.FAIL, rule.severity, resource, evidence, remediation);
    }

    static Check fail(Rule rule, Severity severity, String resource, String evidence, String remediation) {
        return new Check(rule, Status.FAIL, severity, resource, evidence, remediation);
    }

    static Check warn(Rule rule, String resource, String evidence, String remediation) {
        return new Check(rule, Status.WARN, rule.severity, resource, evidence, remediation);
    }

    /** The check could not be decided: {@code why} names the missing permission or the endpoint's answer. */
    static Check unknown(Rule rule, String resource, String why, String remediation) {
        return new Check(rule, Status.UNKNOWN, rule.severity, resource, why, remediation);
    }
}

package io.rampart.guard;

import io.rampart.guard.Check.Practice;
import io.rampart.guard.Check.Severity;

/** The catalogue of checks: a stable id (what JSON, SARIF and --fail-on scripts key on), a title, a practice and a default severity. */
public enum Rule {
    SSEC_BLOCKED(
            "S3.SSEC.BLOCKED",
            "Bucket refuses SSE-C writes (BlockedEncryptionTypes)",
            Practice.BLOCK_SSE_C,
            Severity.HIGH),
    SSEC_POLICY("S3.SSEC.POLICY", "Bucket policy denies SSE-C uploads", Practice.BLOCK_SSE_C, Severity.MEDIUM),
    SSEC_RCP(
            "ORG.SSEC.RCP",
            "An Organizations resource control policy denies SSE-C uploads",
            Practice.BLOCK_SSE_C,
            Severity.MEDIUM),
    SSEC_OBJECTS(
            "S3.SSEC.OBJECTS", "No object version is SSE-C encrypted (inventory)", Practice.BLOCK_SSE_C, Severity.HIGH),
    VERSIONING("S3.VERSIONING", "Versioning is enabled", Practice.DATA_RECOVERY, Severity.HIGH),
    MFA_DELETE("S3.MFA_DELETE", "MFA delete is enabled", Practice.DATA_RECOVERY, Severity.LOW),
    OBJECT_LOCK("S3.OBJECT_LOCK", "Object Lock with a default retention", Practice.DATA_RECOVERY, Severity.MEDIUM),
    LIFECYCLE(
            "S3.LIFECYCLE",
            "Lifecycle keeps noncurrent versions and does not expire current ones early",
            Practice.DATA_RECOVERY,
            Severity.HIGH),
    REPLICATION("S3.REPLICATION", "Replication to another bucket", Practice.DATA_RECOVERY, Severity.LOW),
    LONG_LIVED_GUARDRAIL(
            "S3.GUARDRAIL.LONG_LIVED_KEYS",
            "Bucket policy refuses writes from long-lived access keys",
            Practice.SHORT_TERM_CREDENTIALS,
            Severity.MEDIUM),
    PUBLIC_ACCESS_BLOCK(
            "S3.PUBLIC_ACCESS_BLOCK",
            "Block Public Access is fully on",
            Practice.SHORT_TERM_CREDENTIALS,
            Severity.HIGH),
    PUBLIC_POLICY(
            "S3.POLICY.PUBLIC",
            "Bucket policy grants nothing to anonymous callers",
            Practice.SHORT_TERM_CREDENTIALS,
            Severity.CRITICAL),
    PUBLIC_ACL(
            "S3.ACL.PUBLIC",
            "Bucket ACL grants nothing to AllUsers or AuthenticatedUsers",
            Practice.SHORT_TERM_CREDENTIALS,
            Severity.HIGH),
    ACCESS_LOGS("S3.ACCESS_LOGS", "Server access logging is on", Practice.MONITORING, Severity.LOW),
    EVENT_NOTIFICATIONS(
            "S3.EVENT_NOTIFICATIONS", "Event notifications are configured", Practice.MONITORING, Severity.LOW),
    KEY_AGE(
            "IAM.ACCESS_KEY.AGE",
            "Active access keys are younger than 90 days",
            Practice.SHORT_TERM_CREDENTIALS,
            Severity.MEDIUM),
    KEY_UNUSED(
            "IAM.ACCESS_KEY.UNUSED",
            "Active access keys were used in the last 90 days",
            Practice.SHORT_TERM_CREDENTIALS,
            Severity.MEDIUM),
    USER_MFA("IAM.USER.MFA", "IAM users have MFA", Practice.SHORT_TERM_CREDENTIALS, Severity.MEDIUM),
    ROOT_KEYS(
            "IAM.ROOT.ACCESS_KEYS",
            "The account root has no active access keys",
            Practice.SHORT_TERM_CREDENTIALS,
            Severity.CRITICAL),
    ROLE_MAX_SESSION(
            "IAM.ROLE.MAX_SESSION",
            "Roles' maximum session is at most 4 hours",
            Practice.SHORT_TERM_CREDENTIALS,
            Severity.LOW),
    CLOUDTRAIL_DATA_EVENTS(
            "CLOUDTRAIL.S3_DATA_EVENTS", "A logging trail records S3 data events", Practice.MONITORING, Severity.HIGH),
    ACCOUNT_PUBLIC_ACCESS_BLOCK(
            "S3.ACCOUNT.PUBLIC_ACCESS_BLOCK",
            "Account-level Block Public Access is fully on",
            Practice.SHORT_TERM_CREDENTIALS,
            Severity.HIGH),
    RAMPART_RECOVERY_WINDOW(
            "RAMPART.RECOVERY_WINDOW",
            "Rampart's recovery window holds removed versions at least 7 days",
            Practice.DATA_RECOVERY,
            Severity.HIGH),
    RAMPART_DETECTOR(
            "RAMPART.DETECTOR",
            "Rampart's detector runs with automatic response on",
            Practice.MONITORING,
            Severity.HIGH),
    RAMPART_TRAIL_VALID(
            "RAMPART.TRAIL.VALID",
            "Rampart's audit trail validates over the last day",
            Practice.MONITORING,
            Severity.HIGH),
    RAMPART_METRICS("RAMPART.METRICS", "Rampart exposes Prometheus metrics", Practice.MONITORING, Severity.LOW);

    public final String id;
    public final String title;
    public final Practice practice;
    public final Severity severity;

    Rule(String id, String title, Practice practice, Severity severity) {
        this.id = id;
        this.title = title;
        this.practice = practice;
        this.severity = severity;
    }
}

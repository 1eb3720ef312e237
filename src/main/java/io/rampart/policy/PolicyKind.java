package io.rampart.policy;

/** The kinds of AWS policy document; each has its own grammar rules and size limit. */
public enum PolicyKind {
    /** Identity-based policy attached to a user, group or role (inline or managed). No Principal. */
    IDENTITY,
    /** Resource-based policy, here a bucket policy. Principal or NotPrincipal required; 20 KB. */
    RESOURCE,
    /** Role trust policy. Principal required, no Resource. */
    TRUST,
    /** Organizations service control policy. No Principal; 5,120 characters. */
    SCP,
    /** Organizations resource control policy. Principal "*"; Deny only (Allow only as RCPFullAWSAccess). */
    RCP,
    /** Session policy passed to AssumeRole / GetFederationToken. No Principal. */
    SESSION,
    /** Permissions boundary (a managed policy). No Principal; 6,144 characters. */
    BOUNDARY
}

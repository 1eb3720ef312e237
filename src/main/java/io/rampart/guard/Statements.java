package io.rampart.guard;

/**
 * The bucket-policy statements guard recommends and {@code --fix} merges: the same documents as
 * {@code policies/deny-ssec-uploads.bucket-policy.json} and {@code policies/deny-long-lived-key-writes.bucket-policy.json}
 * (AWS's guidance), scoped to one bucket, with Sids of guard's own so a merge never collides with the owner's.
 */
final class Statements {
    static final String SSE_C_SID = "RampartGuardDenySSECUploads";
    static final String LONG_LIVED_SID = "RampartGuardDenyLongLivedKeyWrites";

    private Statements() {}

    static String denySseCUploads(String bucket) {
        return "{\"Sid\":\"" + SSE_C_SID + "\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:PutObject\","
                + "\"Resource\":\"arn:aws:s3:::" + bucket + "/*\",\"Condition\":{\"Null\":{\""
                + PolicyProbes.SSE_C_ALGORITHM_KEY + "\":\"false\"}}}";
    }

    /** Object writes and deletes with a long-lived key (no session token) refused, except the break-glass identities. */
    static String denyLongLivedKeyWrites(String bucket, String accountId) {
        return "{\"Sid\":\"" + LONG_LIVED_SID
                + "\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":[\"s3:PutObject\","
                + "\"s3:DeleteObject\",\"s3:DeleteObjectVersion\",\"s3:PutObjectRetention\",\"s3:PutObjectLegalHold\","
                + "\"s3:BypassGovernanceRetention\"],\"Resource\":\"arn:aws:s3:::" + bucket
                + "/*\",\"Condition\":{\"Null\":"
                + "{\"aws:TokenIssueTime\":\"true\"},\"ArnNotLike\":{\"aws:PrincipalArn\":[\"arn:aws:iam::" + accountId
                + ":user/break-glass\",\"arn:aws:iam::" + accountId + ":role/BreakGlass\"]}}}";
    }

    /** A whole policy document of one statement, for an owner who has none yet. */
    static String document(String statement) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + statement + "]}";
    }
}

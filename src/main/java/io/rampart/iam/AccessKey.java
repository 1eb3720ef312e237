package io.rampart.iam;

/** An access key with its secret (unsealed, held only in memory) and the principal it signs for. */
public record AccessKey(String accessKeyId, String secretKey, String status, Principal principal) {
    public boolean active() {
        return "Active".equals(status);
    }

    @Override public String toString() {
        return "AccessKey[" + accessKeyId + ", " + status + ", " + principal.arn() + "]";
    }
}

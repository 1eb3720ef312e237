package io.rampart.iam;

import java.time.Instant;
import java.util.Map;

/** A managed policy (customer-managed in an account, or one of the AWS-managed ones Rampart ships). */
public record ManagedPolicy(
        String account,
        String name,
        String id,
        String path,
        String defaultVersion,
        int attachmentCount,
        Instant created,
        Instant updated,
        String description,
        Map<String, String> tags) {

    public String arn() {
        return "arn:aws:iam::" + account + ":policy" + path + name;
    }

    public boolean awsManaged() {
        return "aws".equals(account);
    }

    /** One version of a managed policy's document. */
    public record Version(String versionId, String document, boolean isDefault, Instant created) {}
}

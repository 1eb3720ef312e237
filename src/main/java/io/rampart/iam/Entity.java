package io.rampart.iam;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * An IAM user, group or role.
 *
 * @param kind        "user", "group" or "role" (the ARN's resource type)
 * @param boundaryArn the managed policy bounding the user's or role's permissions, when one is set
 * @param trustPolicy a role's trust policy document (JSON as given), empty for users and groups
 * @param maxSession  a role's maximum session duration in seconds
 */
public record Entity(
        String kind,
        String account,
        String name,
        String id,
        String path,
        Instant created,
        Optional<String> boundaryArn,
        Optional<String> trustPolicy,
        int maxSession,
        String description,
        Map<String, String> tags) {

    public String arn() {
        return "arn:aws:iam::" + account + ":" + kind + path + name;
    }
}

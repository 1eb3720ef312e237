package io.rampart.iam;

import java.util.Map;
import java.util.Optional;

/**
 * Who made a request, as authentication established it: the identity that policies, the audit trail and
 * each stored version's writer record name.
 *
 * @param type        CloudTrail userIdentity type: "Root", "IAMUser", "AssumedRole", "Anonymous"
 * @param accountId   12-digit account id
 * @param arn         the principal's ARN (e.g. arn:aws:iam::123456789012:user/admin)
 * @param principalId the unique id (AIDA... for users, AROA...:session for roles)
 * @param userName    user name, or empty for roles and anonymous
 * @param accessKeyId the access key that signed the request, or empty for anonymous
 * @param sessionTokenIssued epoch millis when the session token was issued, empty for long-lived keys
 * @param mfaAuthenticated whether the session was created with an MFA code (aws:MultiFactorAuthPresent)
 * @param tags        principal tags (aws:PrincipalTag/...): the user's or role's tags, plus session tags
 */
public record Principal(
        String type,
        String accountId,
        String arn,
        String principalId,
        String userName,
        String accessKeyId,
        Optional<Long> sessionTokenIssued,
        boolean mfaAuthenticated,
        Map<String, String> tags) {

    public Principal {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public Principal(
            String type,
            String accountId,
            String arn,
            String principalId,
            String userName,
            String accessKeyId,
            Optional<Long> sessionTokenIssued) {
        this(type, accountId, arn, principalId, userName, accessKeyId, sessionTokenIssued, false, Map.of());
    }

    public static Principal anonymous() {
        return new Principal("Anonymous", "", "*", "anonymous", "", "", Optional.empty());
    }

    public boolean isAnonymous() {
        return "Anonymous".equals(type);
    }

    /** Long-lived keys carry no session token: the practice-1 guardrails look for exactly this. */
    public boolean isLongLivedKey() {
        return !isAnonymous() && sessionTokenIssued.isEmpty();
    }

    /** arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION → NAME; empty for any other ARN. */
    public static String roleNameOf(String assumedRoleArn) {
        int i = assumedRoleArn.indexOf(":assumed-role/");
        if (i < 0) return "";
        String rest = assumedRoleArn.substring(i + ":assumed-role/".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    /** The account's bootstrap administrator, Rampart's stand-in for the root user: allowed everything its account owns. */
    public boolean isAccountAdmin() {
        return "Root".equals(type)
                || ("IAMUser".equals(type)
                        && AccountRoot.USER_NAME.equals(userName)
                        && arn.equals("arn:aws:iam::" + accountId + ":user/" + AccountRoot.USER_NAME));
    }
}

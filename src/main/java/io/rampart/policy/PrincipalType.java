package io.rampart.policy;

import java.util.Optional;

/** Who made a request, in the words AWS uses for principal types. */
public enum PrincipalType {
    ROOT("Root", "Account"),
    IAM_USER("IAMUser", "User"),
    ASSUMED_ROLE("AssumedRole", "AssumedRole"),
    FEDERATED_USER("FederatedUser", "FederatedUser"),
    /** An AWS service principal; its ARN is the service name, e.g. {@code cloudtrail.amazonaws.com}. */
    SERVICE("Service", "Service"),
    /** A web-identity or SAML caller before AssumeRole; its ARN is the identity provider. */
    FEDERATED_PROVIDER("Federated", "WebIdentityUser"),
    ANONYMOUS("Anonymous", "Anonymous");

    private final String awsName;
    private final String principalTypeKey;

    PrincipalType(String awsName, String principalTypeKey) {
        this.awsName = awsName;
        this.principalTypeKey = principalTypeKey;
    }

    public String awsName() {
        return awsName;
    }

    /** The value AWS puts in {@code aws:PrincipalType}. */
    public String principalTypeKey() {
        return principalTypeKey;
    }

    public static Optional<PrincipalType> fromAwsName(String name) {
        for (PrincipalType t : values()) {
            if (t.awsName.equalsIgnoreCase(name) || t.name().equalsIgnoreCase(name)) return Optional.of(t);
        }
        return Optional.empty();
    }
}

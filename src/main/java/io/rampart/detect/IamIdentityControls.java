package io.rampart.detect;

import io.rampart.iam.IamStore;

/**
 * {@link IdentityControls} over Rampart's {@link IamStore}: access keys are switched with {@code setKeyStatus}. Session
 * revocation and quarantine policies need IAM sessions and policies, which this server does not have yet: they answer
 * {@code UNAVAILABLE}.
 */
public final class IamIdentityControls implements IdentityControls {
    private final IamStore iam;

    public IamIdentityControls(IamStore iam) {
        this.iam = iam;
    }

    @Override public Outcome deactivateKey(String accessKeyId) {
        if (iam.findKey(accessKeyId).isEmpty()) return Outcome.ALREADY;
        return iam.setKeyStatus(accessKeyId, "Inactive") ? Outcome.DONE : Outcome.ALREADY;
    }

    @Override public Outcome reactivateKey(String accessKeyId) {
        if (iam.findKey(accessKeyId).isEmpty()) return Outcome.ALREADY;
        return iam.setKeyStatus(accessKeyId, "Active") ? Outcome.DONE : Outcome.ALREADY;
    }

    @Override public Outcome revokeSessions(String principalArn) {
        return Outcome.UNAVAILABLE;
    }

    @Override public Outcome unrevokeSessions(String principalArn) {
        return Outcome.UNAVAILABLE;
    }

    @Override public Outcome quarantine(String principalArn) {
        return Outcome.UNAVAILABLE;
    }

    @Override public Outcome unquarantine(String principalArn) {
        return Outcome.UNAVAILABLE;
    }
}

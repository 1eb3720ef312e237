package io.rampart.detect;

/**
 * Every identity action a response can take, and its reversal, in one place. Each returns an {@link Outcome}:
 * {@code DONE} when it changed something (and so may be reversed later), {@code ALREADY} when there was nothing to
 * change, {@code UNAVAILABLE} when this server cannot do it (yet): the response log then says so, never pretends.
 */
public interface IdentityControls {
    enum Outcome {
        DONE,
        ALREADY,
        UNAVAILABLE
    }

    Outcome deactivateKey(String accessKeyId);

    /** The other long-term access keys of the user owning {@code accessKeyId} (none for temporary credentials). */
    default java.util.List<String> otherKeysOfOwner(String accessKeyId) {
        return java.util.List.of();
    }

    Outcome reactivateKey(String accessKeyId);

    /** Refuses the principal's temporary credentials issued before now. */
    Outcome revokeSessions(String principalArn);

    Outcome unrevokeSessions(String principalArn);

    /** Attaches a deny-all quarantine policy to the principal. */
    Outcome quarantine(String principalArn);

    Outcome unquarantine(String principalArn);
}

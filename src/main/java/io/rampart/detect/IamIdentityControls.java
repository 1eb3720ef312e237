package io.rampart.detect;

import io.rampart.iam.IamStore;
import io.rampart.iam.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@link IdentityControls} over Rampart's {@link IamStore}, through the same operations an administrator uses: keys
 * are switched with {@code setKeyStatus}; session revocation is AWS's {@code AWSRevokeOlderSessions} deny policy plus
 * the immediate expiry of the principal's sessions (and of those its keys created); quarantine is a deny-all inline
 * policy. The account administrator is Rampart's root user, which no policy binds: its sessions are ended but it
 * cannot be quarantined ({@code UNAVAILABLE}); deactivating its key still works.
 */
public final class IamIdentityControls implements IdentityControls {
    static final String QUARANTINE_POLICY = "RampartQuarantine";
    static final String REVOKE_POLICY = "AWSRevokeOlderSessions";
    private static final String DENY_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"RampartQuarantine\","
            + "\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

    private final IamStore iam;

    public IamIdentityControls(IamStore iam) {
        this.iam = iam;
    }

    /** The IAM user or role behind a principal ARN (a role session names its role). */
    record Owner(String account, String kind, String name) {}

    static Optional<Owner> owner(String principalArn) {
        String[] p = principalArn == null ? new String[0] : principalArn.split(":", 6);
        if (p.length != 6 || !p[0].equals("arn")) return Optional.empty();
        String resource = p[5];
        if (p[2].equals("iam") && resource.startsWith("user/")) {
            return Optional.of(new Owner(p[4], "user", resource.substring(resource.lastIndexOf('/') + 1)));
        }
        if (p[2].equals("iam") && resource.startsWith("role/")) {
            return Optional.of(new Owner(p[4], "role", resource.substring(resource.lastIndexOf('/') + 1)));
        }
        if (p[2].equals("sts") && resource.startsWith("assumed-role/")) {
            return Optional.of(new Owner(p[4], "role", Principal.roleNameOf(principalArn)));
        }
        return Optional.empty();
    }

    private boolean exists(Owner o) {
        return iam.directory().find(o.account(), o.kind(), o.name()).isPresent();
    }

    private static boolean isAdmin(Owner o) {
        return o.kind().equals("user") && o.name().equals("admin");
    }

    @Override
    public Outcome deactivateKey(String accessKeyId) {
        if (iam.findKey(accessKeyId).isEmpty()) return Outcome.ALREADY;
        boolean changed = accessKeyId.startsWith("ASIA")
                ? iam.sessions().expire(List.of(accessKeyId), Instant.now()) > 0
                : iam.setKeyStatus(accessKeyId, "Inactive");
        // Sessions the key spun off die with it.
        if (!accessKeyId.startsWith("ASIA")) changed |= iam.revokeSessionsCreatedWith(accessKeyId, Instant.now()) > 0;
        return changed ? Outcome.DONE : Outcome.ALREADY;
    }

    @Override
    public List<String> otherKeysOfOwner(String accessKeyId) {
        if (accessKeyId.startsWith("ASIA")) return List.of();
        Optional<io.rampart.iam.AccessKey> key = iam.findKey(accessKeyId);
        if (key.isEmpty() || key.get().principal().userName() == null) return List.of();
        Principal p = key.get().principal();
        return iam.listAccessKeys(p.accountId(), p.userName()).stream()
                .map(IamStore.KeyInfo::accessKeyId)
                .filter(id -> !id.equals(accessKeyId))
                .toList();
    }

    @Override
    public Outcome reactivateKey(String accessKeyId) {
        if (accessKeyId.startsWith("ASIA") || iam.findKey(accessKeyId).isEmpty()) return Outcome.ALREADY;
        return iam.setKeyStatus(accessKeyId, "Active") ? Outcome.DONE : Outcome.ALREADY;
    }

    @Override
    public Outcome revokeSessions(String principalArn) {
        Optional<Owner> o = owner(principalArn).filter(this::exists);
        if (o.isEmpty()) return Outcome.ALREADY;
        Instant now = Instant.now();
        if (o.get().kind().equals("user")) {
            for (IamStore.KeyInfo k :
                    iam.listAccessKeys(o.get().account(), o.get().name())) {
                iam.revokeSessionsCreatedWith(k.accessKeyId(), now);
            }
        }
        iam.revokeSessions(o.get().account(), o.get().kind(), o.get().name(), now);
        return Outcome.DONE;
    }

    @Override
    public Outcome unrevokeSessions(String principalArn) {
        // Ended sessions stay ended; lifting the policy lets the principal obtain new ones.
        return removeInline(principalArn, REVOKE_POLICY);
    }

    @Override
    public Outcome quarantine(String principalArn) {
        Optional<Owner> o = owner(principalArn).filter(this::exists);
        if (o.isEmpty()) return Outcome.ALREADY;
        if (isAdmin(o.get())) return Outcome.UNAVAILABLE;
        if (iam.directory()
                .inline(o.get().account(), o.get().kind(), o.get().name())
                .containsKey(QUARANTINE_POLICY)) {
            return Outcome.ALREADY;
        }
        iam.directory().putInline(o.get().account(), o.get().kind(), o.get().name(), QUARANTINE_POLICY, DENY_ALL);
        return Outcome.DONE;
    }

    @Override
    public Outcome unquarantine(String principalArn) {
        return removeInline(principalArn, QUARANTINE_POLICY);
    }

    private Outcome removeInline(String principalArn, String policy) {
        Optional<Owner> o = owner(principalArn).filter(this::exists);
        if (o.isEmpty()
                || !iam.directory()
                        .inline(o.get().account(), o.get().kind(), o.get().name())
                        .containsKey(policy)) {
            return Outcome.ALREADY;
        }
        iam.directory().deleteInline(o.get().account(), o.get().kind(), o.get().name(), policy);
        return Outcome.DONE;
    }
}

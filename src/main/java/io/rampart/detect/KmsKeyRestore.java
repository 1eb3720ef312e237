package io.rampart.detect;

import io.rampart.kms.KeyService;
import io.rampart.kms.KmsKey;

/** The detector's automatic response to a key's deletion or disablement: cancel the deletion, enable the key. */
public final class KmsKeyRestore implements Responder.KeyControls {
    private final KeyService keys;

    public KmsKeyRestore(KeyService keys) {
        this.keys = keys;
    }

    @Override
    public IdentityControls.Outcome restore(String keyArn) {
        String id = keyArn.substring(keyArn.lastIndexOf('/') + 1);
        KmsKey k = keys.key(id).orElse(null);
        if (k == null) return IdentityControls.Outcome.UNAVAILABLE;
        boolean changed = false;
        if (KmsKey.PENDING_DELETION.equals(k.state())) {
            keys.cancelDeletion(k);
            changed = true;
            k = keys.key(id).orElseThrow();
        }
        if (KmsKey.DISABLED.equals(k.state())) {
            keys.setEnabled(k, true);
            changed = true;
        }
        return changed ? IdentityControls.Outcome.DONE : IdentityControls.Outcome.ALREADY;
    }
}

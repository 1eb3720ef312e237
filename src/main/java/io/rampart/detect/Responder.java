package io.rampart.detect;

import io.rampart.iam.IamStore;
import io.rampart.s3.BucketEncryption;
import io.rampart.storage.MetadataStore;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a rule's responses through the same services an administrator uses (IAM key status, the bucket's
 * encryption configuration). Every action is logged and idempotent: a second call changes nothing and says so.
 * With automatic responses off it only logs what it would have done.
 */
public final class Responder {
    private static final Logger log = LoggerFactory.getLogger(Responder.class);

    private final IamStore iam;
    private final MetadataStore meta;
    private final boolean enabled;

    public Responder(IamStore iam, MetadataStore meta, boolean enabled) {
        this.iam = iam;
        this.meta = meta;
        this.enabled = enabled;
    }

    /** Takes {@code action} for finding {@code f} against the access key and bucket of the triggering request. */
    public void respond(ResponseAction action, Finding f, String accessKeyId, String bucket) {
        switch (action) {
            case DEACTIVATE_ACCESS_KEY -> deactivate(f, accessKeyId);
            case BLOCK_SSE_C -> blockSseC(f, bucket);
        }
    }

    private void deactivate(Finding f, String accessKeyId) {
        if (accessKeyId == null || accessKeyId.isEmpty() || "-".equals(accessKeyId)) return;
        if (!enabled) {
            log.warn("finding {} ({}): would deactivate access key {} (automatic responses are off)", f.id(), f.ruleId(), accessKeyId);
            return;
        }
        if (iam.findKey(accessKeyId).isEmpty()) return;
        if (iam.setKeyStatus(accessKeyId, "Inactive")) {
            log.warn("finding {} ({}): deactivated access key {} of {}", f.id(), f.ruleId(), accessKeyId, f.principalArn());
        } else {
            log.debug("finding {}: access key {} already inactive", f.id(), accessKeyId);
        }
    }

    private void blockSseC(Finding f, String bucket) {
        if (bucket == null || bucket.isEmpty()) return;
        if (!enabled) {
            log.warn("finding {} ({}): would block SSE-C on bucket {} (automatic responses are off)", f.id(), f.ruleId(), bucket);
            return;
        }
        Optional<Boolean> changed = BucketEncryption.blockSseC(meta, bucket);
        if (changed.orElse(false)) {
            log.warn("finding {} ({}): set BlockedEncryptionTypes SSE-C on bucket {}", f.id(), f.ruleId(), bucket);
        } else {
            log.debug("finding {}: bucket {} already blocks SSE-C or no longer exists", f.id(), bucket);
        }
    }
}

package io.rampart.detect;

import io.rampart.audit.RequestFacts;

/** What a rule counts events per: the same access key, principal or bucket within the window. */
public enum GroupBy {
    ACCESS_KEY, PRINCIPAL, BUCKET;

    /** The group this record belongs to; records without one (anonymous requests for ACCESS_KEY) get "-". */
    public String keyOf(RequestFacts f) {
        String k = switch (this) {
            case ACCESS_KEY -> f.accessKeyId();
            case PRINCIPAL -> f.principal() == null ? null : f.principal().arn();
            case BUCKET -> f.bucket();
        };
        return k == null || k.isEmpty() ? "-" : k;
    }
}

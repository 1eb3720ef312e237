package io.rampart.storage;

import java.util.List;

/**
 * An S3 access control list as stored with a bucket or an object version: the owner's account id and the grants, each
 * to a canonical user (64-hex id) or a group (by URI). Opaque to storage; S3 gives it meaning.
 */
public record AccessControlList(String owner, List<Grant> grants) {

    public AccessControlList {
        grants = grants == null ? List.of() : List.copyOf(grants);
    }

    /** One grant: {@code type} "CanonicalUser" (with {@code id}) or "Group" (with {@code uri}); S3's permission name. */
    public record Grant(String type, String id, String uri, String permission) {}
}

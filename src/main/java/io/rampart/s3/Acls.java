package io.rampart.s3;

import io.rampart.iam.Principal;
import io.rampart.storage.AccessControlList;
import io.rampart.storage.AccessControlList.Grant;
import io.rampart.storage.Bucket;
import io.rampart.storage.ObjectVersion;
import io.rampart.xml.XmlElement;
import io.rampart.xml.XmlWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * S3 Object Ownership and access control lists, as AWS has them since 2023. Ownership controls decide whether ACLs
 * count at all: under BucketOwnerEnforced (the default of new buckets) ACLs are disabled, the bucket owner owns every
 * object, and an ACL other than the owner's full control is refused with AccessControlListNotSupported; under
 * BucketOwnerPreferred and ObjectWriter (or once the controls are deleted) canned ACLs, {@code x-amz-grant-*} headers
 * and AccessControlPolicy bodies set the bucket's and each object version's ACL, and the {@link Authorizer} lets an ACL
 * grant allow where no policy does. Block Public Access's BlockPublicAcls refuses setting a public ACL; its
 * IgnorePublicAcls makes public grants count for nothing.
 */
final class Acls {
    private Acls() {}

    static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    static final String AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    static final String LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery";
    static final String ENFORCED = "BucketOwnerEnforced";
    static final String PREFERRED = "BucketOwnerPreferred";
    static final String WRITER = "ObjectWriter";
    private static final Set<String> OWNERSHIPS = Set.of(ENFORCED, PREFERRED, WRITER);
    private static final Set<String> GROUPS = Set.of(ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY);
    private static final Set<String> PERMISSIONS = Set.of("FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP");
    private static final Set<String> CANNED = Set.of(
            "private",
            "public-read",
            "public-read-write",
            "authenticated-read",
            "bucket-owner-read",
            "bucket-owner-full-control",
            "log-delivery-write");
    /** What a canned ACL may be on a bucket whose ACLs are disabled: the owner's full control alone. */
    private static final Set<String> OWNER_ONLY_CANNED = Set.of("private", "bucket-owner-full-control");

    private static final Map<String, String> GRANT_HEADERS = new LinkedHashMap<>();

    static {
        GRANT_HEADERS.put("x-amz-grant-full-control", "FULL_CONTROL");
        GRANT_HEADERS.put("x-amz-grant-read", "READ");
        GRANT_HEADERS.put("x-amz-grant-write", "WRITE");
        GRANT_HEADERS.put("x-amz-grant-read-acp", "READ_ACP");
        GRANT_HEADERS.put("x-amz-grant-write-acp", "WRITE_ACP");
    }
    /** AWS's limit on the grants of one ACL. */
    private static final int MAX_GRANTS = 100;

    // ---- Object Ownership -------------------------------------------------------------------------------------------

    /** The bucket's effective Object Ownership: with no controls (deleted) writers own their objects. */
    static String ownership(Bucket b) {
        BucketSettings.Ownership o = BucketSettings.of(b).ownership();
        if (o == null || o.objectOwnership() == null) return ENFORCED;
        return o.objectOwnership().isEmpty() ? WRITER : o.objectOwnership();
    }

    static boolean enabled(Bucket b) {
        return !ENFORCED.equals(ownership(b));
    }

    static S3Response getOwnershipControls(Context ctx, AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        BucketSettings.Ownership o = BucketSettings.of(b).ownership();
        if (o != null && "".equals(o.objectOwnership())) {
            throw new S3Exception(S3ErrorCode.OWNERSHIP_CONTROLS_NOT_FOUND).with("BucketName", b.name());
        }
        return S3Response.xml(new XmlWriter()
                .start("OwnershipControls", XmlWriter.S3_NAMESPACE)
                .start("Rule")
                .element("ObjectOwnership", ownership(b))
                .end()
                .end());
    }

    static S3Response putOwnershipControls(Context ctx, AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        XmlElement root = RequestXml.parse(call.body().readAllBytes(), "OwnershipControls");
        List<XmlElement> rules = root.all("Rule");
        if (rules.size() != 1) throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        String value =
                rules.get(0).childText("ObjectOwnership").map(String::trim).orElse("");
        if (!OWNERSHIPS.contains(value)) throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        update(ctx, b, current -> {
            AccessControlList acl = current == null ? null : current.acl();
            if (ENFORCED.equals(value)) {
                // Disabling ACLs needs a bucket ACL that grants nothing beyond the owner's full control.
                if (acl != null && !ownerOnly(acl.grants(), b.owner())) {
                    throw new S3Exception(S3ErrorCode.INVALID_BUCKET_ACL_WITH_OBJECT_OWNERSHIP);
                }
                acl = null;
            }
            return new BucketSettings.Ownership(value, acl);
        });
        return S3Response.ok().header("Content-Length", "0");
    }

    static S3Response deleteOwnershipControls(Context ctx, AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        update(ctx, b, current -> new BucketSettings.Ownership("", current == null ? null : current.acl()));
        return S3Response.noContent();
    }

    private static void update(
            Context ctx, Bucket b, java.util.function.UnaryOperator<BucketSettings.Ownership> change) {
        BucketSettings.update(ctx, b, s -> s.withOwnership(change.apply(s.ownership())));
    }

    // ---- Reading ACLs -----------------------------------------------------------------------------------------------

    /** The bucket's ACL; with ACLs disabled always the owner's full control. */
    static AccessControlList bucketAcl(Bucket b) {
        BucketSettings.Ownership o = BucketSettings.of(b).ownership();
        if (enabled(b) && o != null && o.acl() != null) return o.acl();
        return ownerFullControl(b.owner());
    }

    /** A version's ACL; with ACLs disabled (or written before ACLs) the bucket owner's full control. */
    static AccessControlList objectAcl(Bucket b, ObjectVersion v) {
        AccessControlList acl = v.meta().acl();
        if (enabled(b) && acl != null) return acl;
        return ownerFullControl(b.owner());
    }

    static S3Response getBucketAcl(Context ctx, AuthorizedCall call) {
        return S3Response.xml(xml(bucketAcl(ctx.ownedBucket(call))));
    }

    static S3Response getObjectAcl(Context ctx, AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        ObjectVersion v = Versions.resolve(ctx, call);
        S3Response r = S3Response.xml(xml(objectAcl(b, v)));
        Versions.header(r, b, v.versionId());
        return r;
    }

    static XmlWriter xml(AccessControlList acl) {
        XmlWriter x = new XmlWriter().start("AccessControlPolicy", XmlWriter.S3_NAMESPACE);
        Owners.write(x, "Owner", acl.owner());
        x.start("AccessControlList");
        for (Grant g : acl.grants()) {
            x.startWithAttributes("Grant");
            x.startWithAttributes(
                    "Grantee", "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance", "xsi:type", g.type());
            if ("Group".equals(g.type())) {
                x.element("URI", g.uri());
            } else {
                x.element("ID", g.id()).element("DisplayName", Owners.DISPLAY_NAME);
            }
            x.end().element("Permission", g.permission()).end();
        }
        return x.end();
    }

    static AccessControlList ownerFullControl(String account) {
        return new AccessControlList(account, List.of(canonical(Owners.canonicalId(account), "FULL_CONTROL")));
    }

    // ---- Evaluating ACLs --------------------------------------------------------------------------------------------

    /** The ACL permission (READ, WRITE, READ_ACP, WRITE_ACP) an action needs, and whether the object's ACL holds it. */
    record Need(String permission, boolean onObject) {}

    /** AWS's mapping of ACL permissions to actions; empty for actions no ACL can grant. */
    static Optional<Need> need(String action) {
        return Optional.ofNullable(
                switch (action) {
                    case "s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads" ->
                        new Need("READ", false);
                    case "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload" -> new Need("WRITE", false);
                    case "s3:GetBucketAcl" -> new Need("READ_ACP", false);
                    case "s3:PutBucketAcl" -> new Need("WRITE_ACP", false);
                    case "s3:GetObject", "s3:GetObjectVersion" -> new Need("READ", true);
                    case "s3:GetObjectAcl", "s3:GetObjectVersionAcl" -> new Need("READ_ACP", true);
                    case "s3:PutObjectAcl", "s3:PutObjectVersionAcl" -> new Need("WRITE_ACP", true);
                    default -> null;
                });
    }

    /**
     * Whether {@code acl} grants {@code permission} to the caller through a group: AllUsers (anyone, anonymous included)
     * or AuthenticatedUsers (any signed request), unless the bucket ignores public ACLs. A grant to the owning account's
     * canonical id adds nothing here: the account's principals already answer to its IAM policies.
     */
    static boolean grantsToCaller(AccessControlList acl, String permission, Principal caller, boolean ignorePublic) {
        if (ignorePublic) return false;
        for (Grant g : acl.grants()) {
            if (!"Group".equals(g.type())) continue;
            if (!g.permission().equals(permission) && !g.permission().equals("FULL_CONTROL")) continue;
            if (ALL_USERS.equals(g.uri())) return true;
            if (AUTHENTICATED_USERS.equals(g.uri()) && !caller.isAnonymous()) return true;
        }
        return false;
    }

    static boolean isPublic(List<Grant> grants) {
        for (Grant g : grants) {
            if ("Group".equals(g.type()) && (ALL_USERS.equals(g.uri()) || AUTHENTICATED_USERS.equals(g.uri())))
                return true;
        }
        return false;
    }

    // ---- Writing ACLs -----------------------------------------------------------------------------------------------

    static S3Response putBucketAcl(Context ctx, AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        List<Grant> grants = requestedAcl(call, b, b.owner(), b.owner(), true);
        if (enabled(b)) {
            AccessControlList acl = new AccessControlList(b.owner(), grants);
            update(
                    ctx,
                    b,
                    current -> new BucketSettings.Ownership(current == null ? null : current.objectOwnership(), acl));
        }
        return S3Response.ok().header("Content-Length", "0");
    }

    static S3Response putObjectAcl(Context ctx, AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        ObjectVersion v = Versions.resolve(ctx, call);
        String owner = objectAcl(b, v).owner();
        List<Grant> grants = requestedAcl(call, b, owner, b.owner(), false);
        S3Response r = S3Response.ok().header("Content-Length", "0");
        Versions.header(r, b, v.versionId());
        if (!enabled(b)) return r;
        AccessControlList acl = new AccessControlList(owner, grants);
        if (ctx.meta()
                .updateMeta(b.name(), call.key(), v.versionId(), m -> m.withAcl(acl))
                .isEmpty()) {
            throw new S3Exception(S3ErrorCode.NO_SUCH_KEY).with("Key", call.key());
        }
        return r;
    }

    /** The ACL a PutBucketAcl/PutObjectAcl asks for: canned header, grant headers, or an AccessControlPolicy body. */
    private static List<Grant> requestedAcl(S3Call call, Bucket b, String owner, String bucketOwner, boolean forBucket)
            throws IOException {
        boolean enabled = enabled(b);
        checkCannedWhenDisabled(call, b);
        byte[] body = call.body().readNBytes(64 * 1024 + 1);
        if (body.length > 64 * 1024) throw new S3Exception(S3ErrorCode.MALFORMED_ACL_ERROR);
        boolean hasBody = !new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank();
        Optional<List<Grant>> fromHeaders;
        try {
            fromHeaders = fromHeaders(call, owner, bucketOwner, forBucket);
        } catch (S3Exception e) {
            if (!enabled) throw new S3Exception(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED);
            throw e;
        }
        if (fromHeaders.isPresent() && hasBody) throw new S3Exception(S3ErrorCode.UNEXPECTED_CONTENT);
        List<Grant> grants;
        if (fromHeaders.isPresent()) {
            grants = fromHeaders.get();
        } else if (hasBody) {
            try {
                grants = fromBody(body, owner);
            } catch (S3Exception e) {
                if (!enabled) throw new S3Exception(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED);
                throw e;
            }
        } else {
            throw new S3Exception(
                    enabled ? S3ErrorCode.MALFORMED_ACL_ERROR : S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED);
        }
        checkAllowed(b, grants);
        return grants;
    }

    /** ACLs disabled: only the owner's full control passes (and changes nothing); BlockPublicAcls: nothing public. */
    private static void checkAllowed(Bucket b, List<Grant> grants) {
        if (!enabled(b) && !ownerOnly(grants, b.owner()))
            throw new S3Exception(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED);
        if (BucketSettings.of(b).blocksPublicAcls() && isPublic(grants))
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
    }

    /** With ACLs disabled, the only canned ACLs accepted are those granting the owner full control and nothing else. */
    private static void checkCannedWhenDisabled(S3Call call, Bucket b) {
        Optional<String> canned = call.header("x-amz-acl").map(String::trim);
        if (!enabled(b) && canned.isPresent() && !OWNER_ONLY_CANNED.contains(canned.get())) {
            throw new S3Exception(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED);
        }
    }

    private static boolean ownerOnly(List<Grant> grants, String owner) {
        String id = Owners.canonicalId(owner);
        for (Grant g : grants) {
            if (!"CanonicalUser".equals(g.type()) || !id.equals(g.id()) || !"FULL_CONTROL".equals(g.permission()))
                return false;
        }
        return true;
    }

    /**
     * For writes that may carry an ACL (PutObject, CopyObject, CreateMultipartUpload, POST uploads), checked before
     * the body is read: refuses what {@link #forNewObject} would refuse.
     */
    static void checkWriteHeaders(Context ctx, AuthorizedCall call) {
        forNewObject(ctx, call, ctx.ownedBucket(call));
    }

    /**
     * The owner and ACL of a version the call writes, or null when the bucket has ACLs disabled (the bucket owner owns
     * it with full control). Under BucketOwnerPreferred the bucket owner takes ownership of objects written with the
     * bucket-owner-full-control canned ACL; otherwise the writer's account owns what it writes.
     */
    static AccessControlList forNewObject(Context ctx, S3Call call, Bucket b) {
        boolean enabled = enabled(b);
        String canned = call.header("x-amz-acl").map(String::trim).orElse(null);
        Principal p = call.principal();
        String writer = p.isAnonymous() ? b.owner() : p.accountId();
        String owner =
                PREFERRED.equals(ownership(b)) && "bucket-owner-full-control".equals(canned) ? b.owner() : writer;
        Optional<List<Grant>> requested;
        try {
            requested = fromHeaders(call, owner, b.owner(), false);
        } catch (S3Exception e) {
            if (!enabled) throw new S3Exception(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED);
            throw e;
        }
        if (!enabled) {
            checkCannedWhenDisabled(call, b);
            if (requested.isPresent() && !ownerOnly(requested.get(), b.owner())) {
                throw new S3Exception(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED);
            }
            return null;
        }
        List<Grant> grants = requested.orElseGet(() -> canned("private", owner, b.owner(), false));
        checkAllowed(b, grants);
        return new AccessControlList(owner, grants);
    }

    /**
     * CreateBucket: its Object Ownership ({@code x-amz-object-ownership}, BucketOwnerEnforced when absent) and ACL.
     * With ACLs disabled an ACL granting more than the owner's full control is InvalidBucketAclWithObjectOwnership.
     */
    static BucketSettings.Ownership forNewBucket(S3Call call) {
        String account = call.principal().accountId();
        Optional<String> header = call.header("x-amz-object-ownership").map(String::trim);
        if (header.isPresent() && !OWNERSHIPS.contains(header.get())) {
            throw new S3Exception(
                            S3ErrorCode.INVALID_ARGUMENT, "Invalid x-amz-object-ownership header: " + header.get())
                    .with("ArgumentName", "x-amz-object-ownership")
                    .with("ArgumentValue", header.get());
        }
        String ownership = header.orElse(ENFORCED);
        Optional<List<Grant>> requested;
        try {
            requested = fromHeaders(call, account, account, true);
        } catch (S3Exception e) {
            if (ENFORCED.equals(ownership)) throw new S3Exception(S3ErrorCode.INVALID_BUCKET_ACL_WITH_OBJECT_OWNERSHIP);
            throw e;
        }
        if (ENFORCED.equals(ownership)) {
            if (requested.isPresent() && !ownerOnly(requested.get(), account)) {
                throw new S3Exception(S3ErrorCode.INVALID_BUCKET_ACL_WITH_OBJECT_OWNERSHIP);
            }
            return header.isPresent() ? new BucketSettings.Ownership(ENFORCED, null) : null;
        }
        return new BucketSettings.Ownership(
                ownership, requested.map(g -> new AccessControlList(account, g)).orElse(null));
    }

    /** CreateBucket's check before anything is created (see {@link #forNewBucket}). */
    static void checkCreateBucketHeaders(S3Call call) {
        forNewBucket(call);
    }

    // ---- Parsing ----------------------------------------------------------------------------------------------------

    /** The grants the request's headers ask for: a canned ACL or x-amz-grant-* headers (not both); empty if neither. */
    private static Optional<List<Grant>> fromHeaders(S3Call call, String owner, String bucketOwner, boolean forBucket) {
        Optional<String> canned = call.header("x-amz-acl").map(String::trim);
        boolean grantHeaders = false;
        for (String h : GRANT_HEADERS.keySet()) grantHeaders |= call.headers().containsKey(h);
        if (canned.isPresent() && grantHeaders) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST, "Specifying both Canned ACLs and Header Grants is not allowed");
        }
        if (canned.isPresent()) {
            if (!CANNED.contains(canned.get())) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT)
                        .with("ArgumentName", "x-amz-acl")
                        .with("ArgumentValue", canned.get());
            }
            return Optional.of(canned(canned.get(), owner, bucketOwner, forBucket));
        }
        if (!grantHeaders) return Optional.empty();
        List<Grant> out = new ArrayList<>();
        for (Map.Entry<String, String> h : GRANT_HEADERS.entrySet()) {
            List<String> values = call.headers().get(h.getKey());
            if (values == null) continue;
            for (String value : values) {
                for (String grantee : splitGrantees(value)) {
                    out.add(headerGrantee(grantee, h.getValue(), owner));
                    if (out.size() > MAX_GRANTS) throw new S3Exception(S3ErrorCode.MALFORMED_ACL_ERROR);
                }
            }
        }
        return Optional.of(List.copyOf(out));
    }

    /** Splits {@code id="a", uri="b"} on the commas outside quotes. */
    private static List<String> splitGrantees(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') quoted = !quoted;
            if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static Grant headerGrantee(String grantee, String permission, String owner) {
        int eq = grantee.indexOf('=');
        if (eq < 0) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT)
                    .with("ArgumentName", "x-amz-grant")
                    .with("ArgumentValue", grantee.trim());
        }
        String type = grantee.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String value = grantee.substring(eq + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\""))
            value = value.substring(1, value.length() - 1);
        return switch (type) {
            case "id" -> checkedCanonical(value, permission, owner);
            case "uri" -> checkedGroup(value, permission);
            case "emailaddress" -> canonical(byEmail(value, owner), permission);
            default ->
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT)
                        .with("ArgumentName", "x-amz-grant")
                        .with("ArgumentValue", grantee.trim());
        };
    }

    /** An AccessControlPolicy body. Grantees are told apart by what they carry (ID, URI or EmailAddress). */
    private static List<Grant> fromBody(byte[] body, String owner) {
        XmlElement policy;
        try {
            policy = XmlElement.parse(body);
        } catch (XmlElement.MalformedXmlException e) {
            throw new S3Exception(S3ErrorCode.MALFORMED_ACL_ERROR);
        }
        if (!policy.name().equals("AccessControlPolicy")) throw new S3Exception(S3ErrorCode.MALFORMED_ACL_ERROR);
        XmlElement ownerElement =
                policy.child("Owner").orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_ACL_ERROR));
        String ownerId = ownerElement.childText("ID").map(String::trim).orElse("");
        if (!ownerId.equals(Owners.canonicalId(owner))) {
            // The owner cannot be changed through an ACL.
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
        XmlElement list =
                policy.child("AccessControlList").orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_ACL_ERROR));
        List<XmlElement> grants = list.all("Grant");
        if (grants.size() > MAX_GRANTS) throw new S3Exception(S3ErrorCode.MALFORMED_ACL_ERROR);
        List<Grant> out = new ArrayList<>();
        for (XmlElement g : grants) {
            XmlElement grantee = g.child("Grantee").orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_ACL_ERROR));
            String permission = g.childText("Permission").map(String::trim).orElse("");
            if (!PERMISSIONS.contains(permission)) throw new S3Exception(S3ErrorCode.MALFORMED_ACL_ERROR);
            Optional<String> id = grantee.childText("ID").map(String::trim);
            Optional<String> uri = grantee.childText("URI").map(String::trim);
            Optional<String> email = grantee.childText("EmailAddress").map(String::trim);
            int given = (id.isPresent() ? 1 : 0) + (uri.isPresent() ? 1 : 0) + (email.isPresent() ? 1 : 0);
            if (given != 1) throw new S3Exception(S3ErrorCode.MALFORMED_ACL_ERROR);
            if (id.isPresent()) out.add(checkedCanonical(id.get(), permission, owner));
            else if (uri.isPresent()) out.add(checkedGroup(uri.get(), permission));
            else out.add(canonical(byEmail(email.get(), owner), permission));
        }
        return List.copyOf(out);
    }

    /** Only canonical ids of accounts this server knows are valid grantees (one account today). */
    private static Grant checkedCanonical(String id, String permission, String knownAccount) {
        if (!id.equals(Owners.canonicalId(knownAccount))) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid id")
                    .with("ArgumentName", "CanonicalUser/ID")
                    .with("ArgumentValue", id);
        }
        return canonical(id, permission);
    }

    private static Grant checkedGroup(String uri, String permission) {
        if (!GROUPS.contains(uri)) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid group uri")
                    .with("ArgumentName", "Group/URI")
                    .with("ArgumentValue", uri);
        }
        return group(uri, permission);
    }

    /** An email grantee names an account by its email; the grant is stored as that account's canonical user. */
    private static String byEmail(String email, String knownAccount) {
        return Owners.accountByEmail(email, knownAccount)
                .map(Owners::canonicalId)
                .orElseThrow(() ->
                        new S3Exception(S3ErrorCode.UNRESOLVABLE_GRANT_BY_EMAIL_ADDRESS).with("EmailAddress", email));
    }

    /** AWS's canned ACLs as grants. */
    static List<Grant> canned(String name, String owner, String bucketOwner, boolean forBucket) {
        String ownerId = Owners.canonicalId(owner);
        List<Grant> out = new ArrayList<>();
        out.add(canonical(ownerId, "FULL_CONTROL"));
        switch (name) {
            case "public-read" -> out.add(group(ALL_USERS, "READ"));
            case "public-read-write" -> {
                out.add(group(ALL_USERS, "READ"));
                out.add(group(ALL_USERS, "WRITE"));
            }
            case "authenticated-read" -> out.add(group(AUTHENTICATED_USERS, "READ"));
            case "bucket-owner-read" -> {
                if (!forBucket && !bucketOwner.equals(owner))
                    out.add(canonical(Owners.canonicalId(bucketOwner), "READ"));
            }
            case "bucket-owner-full-control" -> {
                if (!forBucket && !bucketOwner.equals(owner))
                    out.add(canonical(Owners.canonicalId(bucketOwner), "FULL_CONTROL"));
            }
            case "log-delivery-write" -> {
                out.add(group(LOG_DELIVERY, "WRITE"));
                out.add(group(LOG_DELIVERY, "READ_ACP"));
            }
            default -> {}
        }
        return List.copyOf(out);
    }

    private static Grant canonical(String id, String permission) {
        return new Grant("CanonicalUser", id, null, permission);
    }

    private static Grant group(String uri, String permission) {
        return new Grant("Group", null, uri, permission);
    }
}

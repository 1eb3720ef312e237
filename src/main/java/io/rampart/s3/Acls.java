package io.rampart.s3;

import io.rampart.storage.Bucket;
import io.rampart.xml.XmlElement;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ACL writes on buckets whose ACLs are disabled (Object Ownership "BucketOwnerEnforced", every Rampart bucket): as on
 * AWS, an ACL that grants only the bucket owner full control (the canned {@code private} or
 * {@code bucket-owner-full-control}, the same grant in x-amz-grant-full-control or in an AccessControlPolicy body) is
 * accepted and changes nothing; any other ACL is refused with AccessControlListNotSupported, so a client asking for
 * {@code public-read} learns that it did not get it.
 */
final class Acls {
    private Acls() { }

    private static final List<String> OWNER_ONLY_CANNED = List.of("private", "bucket-owner-full-control");
    private static final List<String> GRANT_HEADERS = List.of("x-amz-grant-read", "x-amz-grant-write",
            "x-amz-grant-read-acp", "x-amz-grant-write-acp");
    private static final Pattern GRANTEE = Pattern.compile("\\s*id\\s*=\\s*\"?([^\",]*)\"?\\s*");

    static S3Response putBucketAcl(Context ctx, AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        checkAclRequest(call, b.owner());
        return S3Response.ok().header("Content-Length", "0");
    }

    static S3Response putObjectAcl(Context ctx, AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        Versions.resolve(ctx, call);
        checkAclRequest(call, b.owner());
        return S3Response.ok().header("Content-Length", "0");
    }

    /**
     * For writes that may carry an ACL (PutObject, CopyObject, CreateMultipartUpload): refuses one that grants more than
     * the bucket owner's full control. Writes without ACL headers pass.
     */
    static void checkWriteHeaders(Context ctx, AuthorizedCall call) {
        Map<String, List<String>> h = call.headers();
        if (!h.containsKey("x-amz-acl") && !h.containsKey("x-amz-grant-full-control") && !hasAny(h, GRANT_HEADERS)) return;
        checkHeaders(call, ctx.ownedBucket(call).owner());
    }

    /**
     * CreateBucket with an ACL: new buckets have ACLs disabled, so one granting more than the owner's full control is
     * refused with InvalidBucketAclWithObjectOwnership, as AWS does since April 2023.
     */
    static void checkCreateBucketHeaders(S3Call call) {
        Map<String, List<String>> h = call.headers();
        if (!h.containsKey("x-amz-acl") && !h.containsKey("x-amz-grant-full-control") && !hasAny(h, GRANT_HEADERS)) return;
        try {
            checkHeaders(call, call.principal().accountId());
        } catch (S3Exception e) {
            throw new S3Exception(S3ErrorCode.INVALID_BUCKET_ACL_WITH_OBJECT_OWNERSHIP);
        }
    }

    private static void checkAclRequest(S3Call call, String ownerAccount) throws IOException {
        Map<String, List<String>> h = call.headers();
        boolean headers = h.containsKey("x-amz-acl") || h.containsKey("x-amz-grant-full-control") || hasAny(h, GRANT_HEADERS);
        byte[] body = call.body().readAllBytes();
        if (headers) {
            checkHeaders(call, ownerAccount);
            return;
        }
        if (body.length == 0) throw new S3Exception(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED);
        XmlElement policy = RequestXml.parse(body, "AccessControlPolicy");
        List<XmlElement> grants = policy.child("AccessControlList").map(l -> l.all("Grant")).orElse(List.of());
        if (grants.isEmpty()) throw new S3Exception(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED);
        String owner = Owners.canonicalId(ownerAccount);
        for (XmlElement g : grants) {
            String id = g.child("Grantee").flatMap(e -> e.childText("ID")).map(String::trim).orElse("");
            String permission = g.childText("Permission").map(String::trim).orElse("");
            if (!id.equals(owner) || !permission.equals("FULL_CONTROL")) {
                throw new S3Exception(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED);
            }
        }
    }

    private static void checkHeaders(S3Call call, String ownerAccount) {
        Map<String, List<String>> h = call.headers();
        if (hasAny(h, GRANT_HEADERS)) throw new S3Exception(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED);
        String canned = call.header("x-amz-acl").map(String::trim).orElse(null);
        if (canned != null && !OWNER_ONLY_CANNED.contains(canned)) {
            throw new S3Exception(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED);
        }
        String full = call.header("x-amz-grant-full-control").orElse(null);
        if (full != null) {
            String owner = Owners.canonicalId(ownerAccount);
            for (String grantee : full.split(",")) {
                Matcher m = GRANTEE.matcher(grantee);
                if (!m.matches() || !m.group(1).equals(owner)) {
                    throw new S3Exception(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED);
                }
            }
        }
    }

    private static boolean hasAny(Map<String, List<String>> headers, List<String> names) {
        for (String n : names) if (headers.containsKey(n)) return true;
        return false;
    }
}

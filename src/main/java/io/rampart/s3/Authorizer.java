package io.rampart.s3;

import io.rampart.iam.Permissions;
import io.rampart.iam.Principal;
import io.rampart.policy.Decision;
import io.rampart.policy.Evaluator;
import io.rampart.policy.Outcome;
import io.rampart.policy.PolicyDocument;
import io.rampart.policy.PolicyKind;
import io.rampart.policy.PolicySet;
import io.rampart.policy.RequestContext;
import io.rampart.storage.Bucket;
import io.rampart.storage.MetadataStore;
import io.rampart.storage.ObjectVersion;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decides every S3 request before it runs, as AWS evaluates it: the operation's actions and resources
 * ({@link S3Actions}), the request's condition keys, the bucket policy (resource side) and the caller's permissions
 * (identity side). An explicit Deny anywhere, or no Allow, is 403 AccessDenied.
 *
 * <p>Identity side: the caller's IAM policies (inline, managed, through groups), bounded by its permissions boundary
 * and session policies ({@link Permissions}); the account's bootstrap admin is the root user and may do everything
 * its account owns. Anonymous callers have no identity side. The organisation's SCPs bound the caller and its RCPs
 * bound the bucket's account. As AWS does for the root user, the owner account's admin may always read, replace and
 * delete the bucket policy, so a policy cannot lock the owner out.
 */
final class Authorizer {

    private static final Set<Operation> POLICY_OPERATIONS =
            EnumSet.of(Operation.GET_BUCKET_POLICY, Operation.PUT_BUCKET_POLICY, Operation.DELETE_BUCKET_POLICY);
    /** Operations on an existing object version for which s3:ExistingObjectTag/&lt;key&gt; is known. */
    private static final Set<Operation> EXISTING_OBJECT_OPERATIONS = EnumSet.of(
            Operation.GET_OBJECT,
            Operation.HEAD_OBJECT,
            Operation.GET_OBJECT_TAGGING,
            Operation.PUT_OBJECT_TAGGING,
            Operation.DELETE_OBJECT_TAGGING,
            Operation.GET_OBJECT_ACL,
            Operation.GET_OBJECT_RETENTION,
            Operation.PUT_OBJECT_RETENTION,
            Operation.GET_OBJECT_LEGAL_HOLD,
            Operation.PUT_OBJECT_LEGAL_HOLD,
            Operation.PUT_OBJECT_ACL);
    /**
     * Reads of one version of the call's key: the bucket and that version are read in one snapshot
     * ({@link io.rampart.storage.MetadataStore#read}), which both authorises (s3:ExistingObjectTag, the object's ACL)
     * and is what the operation serves, so a write in between cannot make it serve a version it did not authorise.
     */
    private static final Set<Operation> READS_VERSION = EnumSet.of(
            Operation.GET_OBJECT,
            Operation.HEAD_OBJECT,
            Operation.GET_OBJECT_TAGGING,
            Operation.GET_OBJECT_ACL,
            Operation.GET_OBJECT_RETENTION,
            Operation.GET_OBJECT_LEGAL_HOLD,
            Operation.GET_OBJECT_ATTRIBUTES);
    /**
     * What an ACL grant amounts to once it matched the caller and the action: a resource-side Allow reached through
     * "*", so the evaluator applies what AWS applies to one (permissions boundary and session policy, cross-account).
     */
    private static final PolicyDocument ACL_GRANT = PolicyDocument.parse(
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
                    + "\"Action\":\"*\",\"Resource\":\"*\"}]}",
            PolicyKind.RESOURCE,
            "acl");

    private final Context ctx;
    private final BucketPolicies policies;
    private final Permissions permissions;

    Authorizer(Context ctx, BucketPolicies policies, Permissions permissions) {
        this.ctx = ctx;
        this.policies = policies;
        this.permissions = permissions;
    }

    BucketPolicies policies() {
        return policies;
    }

    /**
     * Loads the bucket the call names (NoSuchBucket when it does not exist), checks every permission the operation
     * needs, and returns the call with the loaded bucket so the operation does not read it again.
     */
    AuthorizedCall authorize(Operation op, S3Call call) {
        if (op == Operation.NOT_IMPLEMENTED) return new AuthorizedCall(call, null, null, this, null, null);
        Bucket bucket = null;
        MetadataStore.ObjectRead read = null;
        if (call.bucket() != null && op != Operation.CREATE_BUCKET) {
            String versionId = call.query().get("versionId");
            if (READS_VERSION.contains(op) && call.key() != null && (versionId == null || Versions.valid(versionId))) {
                read = ctx.meta().read(call.bucket(), call.key(), versionId);
                bucket = read.bucket().orElse(null);
            } else {
                bucket = ctx.meta().bucket(call.bucket()).orElse(null);
            }
            if (bucket == null) throw new S3Exception(S3ErrorCode.NO_SUCH_BUCKET).with("BucketName", call.bucket());
        }
        Request request = new Request(call, permissions.contextPrincipalOf(call.principal()), requestKeys(op, call));
        Bucket copySource = null;
        boolean ownerManagesPolicy =
                bucket != null && POLICY_OPERATIONS.contains(op) && isAccountAdmin(call.principal(), bucket.owner());
        if (!ownerManagesPolicy) {
            for (S3Actions.Access a : S3Actions.of(op, call.bucket(), call.key(), call.query(), call.headers())) {
                // CopyObject and UploadPartCopy read their source first (S3Actions lists it before the write).
                boolean sourceRead = isCopy(op) && a.action().startsWith("s3:GetObject");
                Bucket target;
                if (a.bucket() == null || op == Operation.CREATE_BUCKET) {
                    target = null;
                } else if (a.bucket().equals(call.bucket()) && bucket != null) {
                    target = bucket;
                } else {
                    // The copy source in another bucket; when it does not exist the operation answers NoSuchBucket.
                    Optional<Bucket> other = ctx.meta().bucket(a.bucket());
                    if (other.isEmpty()) continue;
                    target = other.get();
                }
                if (sourceRead) copySource = target;
                boolean existing = sourceRead || EXISTING_OBJECT_OPERATIONS.contains(op);
                ExistingVersion version = null;
                if (read != null && !sourceRead) {
                    Optional<ObjectVersion> loaded = read.version();
                    version = () -> loaded;
                } else if (existing) {
                    version = existingVersion(call, sourceRead);
                }
                check(request, a, target, version);
            }
        }
        return new AuthorizedCall(call, bucket, copySource, this, request, read);
    }

    /** One key of DeleteObjects: AccessDenied (reported for that key) unless its delete is allowed. */
    void authorizeDelete(Request request, Bucket bucket, String key, String versionId) {
        Supplier<Map<String, List<String>>> keys = request.keys();
        if (versionId != null) {
            Supplier<Map<String, List<String>>> common = keys;
            keys = () -> {
                Map<String, List<String>> k = new HashMap<>(common.get());
                k.put("s3:versionid", List.of(versionId));
                return k;
            };
        }
        Request perKey = new Request(request.call(), request.principal(), keys);
        for (S3Actions.Access a : S3Actions.deleteKey(
                bucket.name(), key, versionId, S3Actions.bypass(request.call().headers()))) {
            check(perKey, a, bucket, null);
        }
    }

    private static boolean isCopy(Operation op) {
        return op == Operation.COPY_OBJECT || op == Operation.UPLOAD_PART_COPY;
    }

    /** A supplier of the version an action reads, for s3:ExistingObjectTag; loaded only if the policy asks. */
    private ExistingVersion existingVersion(S3Call call, boolean copySource) {
        return () -> {
            String bucketName;
            String key;
            String versionId;
            if (copySource) {
                CopyObject.Source s = S3Actions.copySource(call.headers()).orElseThrow();
                bucketName = s.bucket();
                key = s.key();
                versionId = s.versionId();
            } else {
                bucketName = call.bucket();
                key = call.key();
                versionId = call.query().get("versionId");
            }
            if (versionId != null && !Versions.valid(versionId)) return Optional.empty();
            return versionId != null
                    ? ctx.meta().version(bucketName, key, versionId)
                    : ctx.meta().current(bucketName, key);
        };
    }

    @FunctionalInterface
    interface ExistingVersion {
        Optional<ObjectVersion> load();
    }

    private void check(Request request, S3Actions.Access a, Bucket target, ExistingVersion existing) {
        Principal caller = request.call().principal();
        String resourceAccount = target != null ? target.owner() : caller.accountId();
        boolean sameAccount = !caller.isAnonymous() && caller.accountId().equals(resourceAccount);
        BucketPolicies.Compiled compiled = target == null ? null : policies.of(target);
        Supplier<Map<String, List<String>>> keys = request.keys();
        if (target != null || existing != null) {
            Supplier<Map<String, List<String>>> common = keys;
            boolean existingTags = existing != null && compiled != null && compiled.usesExistingObjectTags();
            keys = () -> {
                Map<String, List<String>> k = new HashMap<>(common.get());
                List<String> account = List.of(resourceAccount);
                k.put("s3:resourceaccount", account);
                k.put("aws:resourceaccount", account);
                if (existingTags) {
                    Optional<ObjectVersion> v = existing.load().filter(o -> !o.deleteMarker());
                    if (v.isPresent()) {
                        for (Map.Entry<String, String> t : v.get().meta().tags().entrySet()) {
                            k.put("s3:ExistingObjectTag/" + t.getKey(), List.of(t.getValue()));
                        }
                    }
                }
                return k;
            };
        }
        // The keys are gathered only if a policy reads one: the account admin's Allow * reads none.
        RequestContext rc =
                RequestContext.deferred(a.action(), a.resource(), request.principal(), resourceAccount, keys);
        Optional<Decision> guard = permissions.guardrailDenial(caller, resourceAccount, true, rc);
        if (guard.isPresent()) throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        Permissions.Grants g = permissions.grants(caller);
        // RestrictPublicBuckets: a public policy grants nothing outside the bucket owner's account.
        boolean restricted = compiled != null
                && compiled.isPublic()
                && !sameAccount
                && BucketSettings.of(target).restrictsPublicBuckets();
        PolicySet set = new PolicySet(
                List.of(),
                List.of(),
                compiled == null || restricted ? Optional.empty() : compiled.policy(),
                g.identity(),
                g.boundary(),
                g.session(),
                sameAccount);
        Decision d = Evaluator.evaluate(set, rc);
        if (d.outcome() == Outcome.IMPLICIT_DENY && target != null && aclAllows(a.action(), target, existing, caller)) {
            // An ACL grant allows where no policy does; an explicit Deny (above) still wins.
            d = Evaluator.evaluate(
                    new PolicySet(
                            List.of(),
                            List.of(),
                            Optional.of(ACL_GRANT),
                            g.identity(),
                            g.boundary(),
                            g.session(),
                            sameAccount),
                    rc);
        }
        if (!d.allowed()) throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
    }

    /**
     * Whether the bucket's ACL (for bucket-level permissions) or the version's (for object-level ones) grants the
     * action to the caller. Nothing when the bucket has ACLs disabled (BucketOwnerEnforced).
     */
    private static boolean aclAllows(String action, Bucket target, ExistingVersion existing, Principal caller) {
        Optional<Acls.Need> need = Acls.need(action);
        if (need.isEmpty() || !Acls.enabled(target)) return false;
        boolean ignorePublic = BucketSettings.of(target).ignoresPublicAcls();
        if (!need.get().onObject()) {
            return Acls.grantsToCaller(Acls.bucketAcl(target), need.get().permission(), caller, ignorePublic);
        }
        if (existing == null) return false;
        Optional<ObjectVersion> v = existing.load().filter(o -> !o.deleteMarker());
        return v.isPresent()
                && Acls.grantsToCaller(
                        Acls.objectAcl(target, v.get()), need.get().permission(), caller, ignorePublic);
    }

    /** The account's admin user (or its root): may always manage the bucket policy of its account's buckets. */
    static boolean isAccountAdmin(Principal p, String accountId) {
        return !p.isAnonymous() && p.accountId().equals(accountId) && p.isAccountAdmin();
    }

    /**
     * One request's caller and condition keys, shared by all the checks it needs; the keys are gathered at most once,
     * when a policy first reads one.
     */
    record Request(S3Call call, RequestContext.Principal principal, Supplier<Map<String, List<String>>> keys) {}

    /** The request's keys, gathered by the first check that reads one and shared by the others. */
    private static final class OnceKeys implements Supplier<Map<String, List<String>>> {
        private final Supplier<Map<String, List<String>>> gather;
        private volatile Map<String, List<String>> keys;

        OnceKeys(Supplier<Map<String, List<String>>> gather) {
            this.gather = gather;
        }

        @Override
        public Map<String, List<String>> get() {
            Map<String, List<String>> k = keys;
            if (k == null) {
                k = Collections.unmodifiableMap(gather.get());
                keys = k;
            }
            return k;
        }
    }

    /**
     * The global and S3 condition keys of a request (aws:username, aws:PrincipalArn... come from the principal), as
     * of the time the request is authorised; gathered when first read.
     */
    private Supplier<Map<String, List<String>>> requestKeys(Operation op, S3Call call) {
        Instant now = Instant.ofEpochMilli(ctx.now());
        return new OnceKeys(() -> requestKeys(op, call, now));
    }

    private Map<String, List<String>> requestKeys(Operation op, S3Call call, Instant now) {
        Principal p = call.principal();
        // Long-lived keys have no session: aws:TokenIssueTime and aws:MultiFactorAuthPresent are absent, as on AWS.
        Map<String, List<String>> k = Permissions.globalKeys(p, now, call.secure(), call.sourceIp(), ctx.region());
        k.putAll(permissions.sessionKeys(p));
        k.putAll(permissions.organizationKeys(p));
        if (!p.isAnonymous()) {
            // AWS's values: "AWS" for Signature Version 2 (a header, a query string, or a browser form with
            // AWSAccessKeyId
            // and no x-amz-credential), "AWS4-HMAC-SHA256" for Version 4; a browser-based upload is authType POST.
            boolean v2Form = call.postForm()
                    .map(f -> f.field("x-amz-credential").isEmpty())
                    .orElse(false);
            boolean v2 = v2Form || "SigV2".equals(call.signatureVersion());
            k.put("s3:signatureversion", List.of(v2 ? "AWS" : "AWS4-HMAC-SHA256"));
            k.put(
                    "s3:authType",
                    List.of(
                            op == Operation.POST_OBJECT
                                    ? "POST"
                                    : call.presigned() ? "REST-QUERY-STRING" : "REST-HEADER"));
        }
        call.tlsProtocol().ifPresent(v -> k.put("s3:TlsVersion", List.of(v.startsWith("TLSv") ? v.substring(4) : v)));
        S3Actions.conditionKeys(op, call.query(), call.headers(), k);
        return k;
    }
}

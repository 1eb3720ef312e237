package io.rampart.iam;

import io.rampart.policy.Decision;
import io.rampart.policy.MalformedPolicyException;
import io.rampart.policy.PolicyDocument;
import io.rampart.policy.PolicyKind;
import io.rampart.policy.RequestContext;
import io.rampart.xml.XmlWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What every family of IAM actions shares: the account's stores, authorisation of one action on one resource, the
 * validation of documents, and the XML shapes of IAM's answers. Each family registers its actions in
 * {@link IamApi}'s dispatch table.
 */
abstract class IamFamily {
    protected final IamStore store;
    protected final Directory dir;
    private final Permissions permissions;
    private final String region;

    IamFamily(IamStore store, Permissions permissions, String region) {
        this.store = store;
        this.dir = store.directory();
        this.permissions = permissions;
        this.region = region;
    }

    /** Adds this family's actions to the table. */
    abstract void register(IamApi.ActionTable table);

    // ---- actions shared by users and roles ----

    protected final byte[] tag(QueryRequest r) {
        String a = r.action();
        String acct = r.caller().accountId();
        String kind = a.equals("TagUser") ? "user" : "role";
        String name = r.required(a.equals("TagUser") ? "UserName" : "RoleName");
        authorize(r, "iam:" + a, entityArn(acct, kind, name));
        dir.tag(acct, kind, name, r.tags("Tags"), List.of());
        return ok(r, null);
    }

    protected final byte[] untag(QueryRequest r) {
        String a = r.action();
        String acct = r.caller().accountId();
        String kind = a.equals("UntagUser") ? "user" : "role";
        String name = r.required(a.equals("UntagUser") ? "UserName" : "RoleName");
        authorize(r, "iam:" + a, entityArn(acct, kind, name));
        dir.tag(acct, kind, name, Map.of(), r.list("TagKeys", null));
        return ok(r, null);
    }

    protected final byte[] listTags(QueryRequest r) {
        String a = r.action();
        String acct = r.caller().accountId();
        String kind = a.equals("ListUserTags") ? "user" : "role";
        String name = r.required(kind.equals("user") ? "UserName" : "RoleName");
        authorize(r, "iam:" + a, entityArn(acct, kind, name));
        Entity e = dir.get(acct, kind, name);
        return ok(r, x -> tags(x, e.tags()).element("IsTruncated", false));
    }

    protected final byte[] putBoundary(QueryRequest r) {
        String a = r.action();
        String acct = r.caller().accountId();
        String kind = a.startsWith("PutUser") ? "user" : "role";
        String name = r.required(kind.equals("user") ? "UserName" : "RoleName");
        authorize(r, "iam:" + a, entityArn(acct, kind, name));
        dir.setBoundary(acct, kind, name, Optional.of(checkBoundary(r.required("PermissionsBoundary"))));
        return ok(r, null);
    }

    protected final byte[] deleteBoundary(QueryRequest r) {
        String a = r.action();
        String acct = r.caller().accountId();
        String kind = a.startsWith("DeleteUser") ? "user" : "role";
        String name = r.required(kind.equals("user") ? "UserName" : "RoleName");
        authorize(r, "iam:" + a, entityArn(acct, kind, name));
        dir.setBoundary(acct, kind, name, Optional.empty());
        return ok(r, null);
    }

    // ---- authorization ----

    /** iam:Action on resource through the caller's identity policies (IAM has no resource policies) and SCPs. */
    void authorize(QueryRequest r, String action, String resource) {
        Principal caller = r.caller();
        if (caller.isAnonymous()) throw IamException.accessDenied("Anonymous requests are not allowed.");
        RequestContext ctx = new RequestContext(
                action, resource, Permissions.contextPrincipal(caller), caller.accountId(), requestKeys(r));
        Decision d = permissions.decideIdentityOnly(caller, ctx);
        if (!d.allowed()) throw denied(caller, action, resource, d);
    }

    /** AWS's AccessDenied message, naming the kind of policy that refused. */
    static IamException denied(Principal caller, String action, String resource, Decision d) {
        String why = d.by().map(b -> " with an explicit deny in a "
                        + switch (b.kind()) {
                            case SCP -> "service control policy";
                            case RCP -> "resource control policy";
                            case BOUNDARY -> "permissions boundary";
                            case SESSION -> "session policy";
                            case RESOURCE -> "resource-based policy";
                            default -> "identity-based policy";
                        })
                .filter(x -> !d.allowed() && d.outcome().name().contains("EXPLICIT"))
                .orElse(" because no identity-based policy allows the " + action + " action");
        return IamException.accessDenied("User: " + caller.arn() + " is not authorized to perform: " + action
                + " on resource: " + resource + why);
    }

    Map<String, List<String>> requestKeys(QueryRequest r) {
        Map<String, List<String>> k = Permissions.globalKeys(r.caller(), r.now(), r.secure(), r.sourceIp(), region);
        k.putAll(permissions.sessionKeys(r.caller()));
        k.putAll(permissions.organizationKeys(r.caller()));
        Map<String, String> tags = r.tags("Tags");
        if (!tags.isEmpty()) {
            tags.forEach((key, v) -> k.put("aws:RequestTag/" + key, List.of(v)));
            k.put("aws:TagKeys", List.copyOf(tags.keySet()));
        }
        r.optional("PermissionsBoundary").ifPresent(b -> k.put("iam:PermissionsBoundary", List.of(b)));
        r.optional("PolicyArn").ifPresent(p -> k.put("iam:PolicyARN", List.of(p)));
        return k;
    }

    // ---- validation ----

    /** Parses a policy as AWS would at write time; returns the document as given. */
    static String checkPolicy(String json, PolicyKind kind, int maxChars, String what) {
        int size = json.replaceAll("\\s", "").length();
        if (size > maxChars) {
            throw IamException.limitExceeded(
                    "Maximum policy size of " + maxChars + " bytes exceeded for " + what + ".");
        }
        try {
            PolicyDocument.parse(json, kind);
        } catch (MalformedPolicyException e) {
            throw IamException.malformedPolicy(e.getMessage());
        }
        return json;
    }

    String checkBoundary(String arn) {
        dir.policy(arn);
        return arn;
    }

    static String selfUser(QueryRequest r) {
        Principal p = r.caller();
        if (!"IAMUser".equals(p.type()) || p.userName().isEmpty()) {
            throw IamException.validation("Must specify userName when calling with non-User credentials");
        }
        return p.userName();
    }

    static IamException protectedAdmin() {
        return new IamException(
                IamErrorCode.UNMODIFIABLE_ENTITY,
                "Cannot perform the operation on the account administrator user admin: it is Rampart's root user.");
    }

    // ---- XML ----

    static byte[] ok(QueryRequest r, @Nullable Consumer<XmlWriter> result) {
        return QueryXml.response(QueryXml.IAM_NAMESPACE, r.action(), r.requestId(), result);
    }

    /** A list with IAM's Marker / MaxItems paging (the marker is the index of the next item). */
    static <T> byte[] page(QueryRequest r, String element, List<T> items, BiConsumer<XmlWriter, T> member) {
        int max = r.intParam("MaxItems", 100, 1, 1000);
        int from = 0;
        Optional<String> marker = r.optional("Marker");
        if (marker.isPresent()) {
            try {
                from = Integer.parseInt(
                        new String(Base64.getUrlDecoder().decode(marker.get()), StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                throw IamException.validation("Invalid Marker: " + marker.get());
            }
        }
        int start = Math.min(Math.max(from, 0), items.size());
        int end = Math.min(items.size(), start + max);
        boolean truncated = end < items.size();
        return ok(r, x -> {
            x.start(element);
            for (T t : items.subList(start, end)) member.accept(x, t);
            x.end().element("IsTruncated", truncated);
            if (truncated) {
                x.element(
                        "Marker",
                        Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString(Integer.toString(end).getBytes(StandardCharsets.US_ASCII)));
            }
        });
    }

    static XmlWriter user(XmlWriter x, Entity e, boolean withTags) {
        x.element("Path", e.path())
                .element("UserName", e.name())
                .element("UserId", e.id())
                .element("Arn", e.arn())
                .element("CreateDate", QueryXml.date(e.created()));
        boundary(x, e);
        if (withTags && !e.tags().isEmpty()) tags(x, e.tags());
        return x;
    }

    static XmlWriter group(XmlWriter x, Entity e) {
        return x.element("Path", e.path())
                .element("GroupName", e.name())
                .element("GroupId", e.id())
                .element("Arn", e.arn())
                .element("CreateDate", QueryXml.date(e.created()));
    }

    static XmlWriter role(XmlWriter x, Entity e, boolean full) {
        x.element("Path", e.path())
                .element("RoleName", e.name())
                .element("RoleId", e.id())
                .element("Arn", e.arn())
                .element("CreateDate", QueryXml.date(e.created()))
                .element(
                        "AssumeRolePolicyDocument",
                        encodeDocument(e.trustPolicy().orElse("")));
        if (!e.description().isEmpty()) x.element("Description", e.description());
        x.element("MaxSessionDuration", e.maxSession());
        boundary(x, e);
        if (!e.tags().isEmpty()) tags(x, e.tags());
        if (full) x.start("RoleLastUsed").end();
        return x;
    }

    static void boundary(XmlWriter x, Entity e) {
        e.boundaryArn()
                .ifPresent(b -> x.start("PermissionsBoundary")
                        .element("PermissionsBoundaryType", "Policy")
                        .element("PermissionsBoundaryArn", b)
                        .end());
    }

    static XmlWriter tags(XmlWriter x, Map<String, String> tags) {
        x.start("Tags");
        tags.forEach((k, v) ->
                x.start("member").element("Key", k).element("Value", v).end());
        return x.end();
    }

    static XmlWriter policy(XmlWriter x, ManagedPolicy p) {
        x.element("PolicyName", p.name())
                .element("PolicyId", p.id())
                .element("Arn", p.arn())
                .element("Path", p.path())
                .element("DefaultVersionId", p.defaultVersion())
                .element("AttachmentCount", p.attachmentCount())
                .element("PermissionsBoundaryUsageCount", 0)
                .element("IsAttachable", true);
        if (!p.description().isEmpty()) x.element("Description", p.description());
        x.element("CreateDate", QueryXml.date(p.created())).element("UpdateDate", QueryXml.date(p.updated()));
        if (!p.tags().isEmpty()) tags(x, p.tags());
        return x;
    }

    static XmlWriter version(XmlWriter x, ManagedPolicy.Version v, boolean withDocument) {
        if (withDocument) x.element("Document", encodeDocument(v.document()));
        return x.element("VersionId", v.versionId())
                .element("IsDefaultVersion", v.isDefault())
                .element("CreateDate", QueryXml.date(v.created()));
    }

    /** IAM returns policy documents URL-encoded (RFC 3986) inside its XML. */
    static String encodeDocument(String doc) {
        return URLEncoder.encode(doc, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- names ----

    static String arn(String acct, String kind, String path, String name) {
        return "arn:aws:iam::" + acct + ":" + kind + path + name;
    }

    String entityArn(String acct, String kind, String name) {
        return dir.find(acct, kind, name).map(Entity::arn).orElse(arn(acct, kind, "/", name));
    }

    String userArn(String acct, String name) {
        return entityArn(acct, "user", name);
    }

    /** "PutUserPolicy" with prefix "Put", suffix "Policy" → "user". */
    static String kindOf(String action, String prefix, String suffix) {
        return action.substring(prefix.length(), action.length() - suffix.length())
                .toLowerCase(Locale.ROOT);
    }

    static String capital(String kind) {
        return Directory.capital(kind);
    }
}

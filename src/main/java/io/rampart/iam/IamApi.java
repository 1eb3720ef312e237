package io.rampart.iam;

import io.rampart.policy.Decision;
import io.rampart.policy.MalformedPolicyException;
import io.rampart.policy.PolicyDocument;
import io.rampart.policy.PolicyKind;
import io.rampart.policy.RequestContext;
import io.rampart.xml.XmlWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The IAM API (Query protocol, XML answers) on the account's {@link Directory}, keys and MFA devices. Each action is
 * authorised as AWS does (iam:Action on the entity's ARN, through the caller's identity policies and the
 * organisation's SCPs) before it runs.
 */
public final class IamApi {
    private final IamStore store;
    private final Directory dir;
    private final Permissions permissions;
    private final String region;
    private volatile CredentialReport report;

    private record CredentialReport(Instant generated, byte[] csv) { }

    public IamApi(IamStore store, Permissions permissions, String region) {
        this.store = store;
        this.dir = store.directory();
        this.permissions = permissions;
        this.region = region;
    }

    /** Runs one IAM action; IamException for every AWS-documented failure. */
    public byte[] handle(QueryRequest r) {
        String a = r.action();
        String acct = r.caller().accountId();
        return switch (a) {
            // ---- users ----
            case "CreateUser" -> {
                String name = r.required("UserName");
                String path = r.optional("Path").orElse("/");
                authorize(r, "iam:CreateUser", arn(acct, "user", path, name));
                Optional<String> boundary = r.optional("PermissionsBoundary").map(this::checkBoundary);
                Entity e = dir.create("user", acct, name, path, Optional.empty(), 3600, "", r.tags("Tags"), boundary);
                yield ok(r, x -> user(x.start("User"), e, true).end());
            }
            case "GetUser" -> {
                String name = r.optional("UserName").orElseGet(() -> selfUser(r));
                authorize(r, "iam:GetUser", userArn(acct, name));
                Entity e = dir.get(acct, "user", name);
                yield ok(r, x -> user(x.start("User"), e, true).end());
            }
            case "ListUsers" -> {
                authorize(r, "iam:ListUsers", "arn:aws:iam::" + acct + ":user/");
                yield page(r, "Users", dir.list(acct, "user", r.optional("PathPrefix").orElse("/")),
                        (x, e) -> user(x.start("member"), e, false).end());
            }
            case "DeleteUser" -> {
                String name = r.required("UserName");
                authorize(r, "iam:DeleteUser", userArn(acct, name));
                if (name.equalsIgnoreCase("admin")) throw protectedAdmin();
                dir.delete(acct, "user", name);
                yield ok(r, null);
            }
            case "TagUser", "TagRole" -> {
                String kind = a.equals("TagUser") ? "user" : "role";
                String name = r.required(a.equals("TagUser") ? "UserName" : "RoleName");
                authorize(r, "iam:" + a, entityArn(acct, kind, name));
                dir.tag(acct, kind, name, r.tags("Tags"), List.of());
                yield ok(r, null);
            }
            case "UntagUser", "UntagRole" -> {
                String kind = a.equals("UntagUser") ? "user" : "role";
                String name = r.required(a.equals("UntagUser") ? "UserName" : "RoleName");
                authorize(r, "iam:" + a, entityArn(acct, kind, name));
                dir.tag(acct, kind, name, Map.of(), r.list("TagKeys", null));
                yield ok(r, null);
            }
            case "ListUserTags", "ListRoleTags" -> {
                String kind = a.equals("ListUserTags") ? "user" : "role";
                String name = r.required(kind.equals("user") ? "UserName" : "RoleName");
                authorize(r, "iam:" + a, entityArn(acct, kind, name));
                Entity e = dir.get(acct, kind, name);
                yield ok(r, x -> tags(x, e.tags()).element("IsTruncated", false));
            }
            case "PutUserPermissionsBoundary", "PutRolePermissionsBoundary" -> {
                String kind = a.startsWith("PutUser") ? "user" : "role";
                String name = r.required(kind.equals("user") ? "UserName" : "RoleName");
                authorize(r, "iam:" + a, entityArn(acct, kind, name));
                dir.setBoundary(acct, kind, name, Optional.of(checkBoundary(r.required("PermissionsBoundary"))));
                yield ok(r, null);
            }
            case "DeleteUserPermissionsBoundary", "DeleteRolePermissionsBoundary" -> {
                String kind = a.startsWith("DeleteUser") ? "user" : "role";
                String name = r.required(kind.equals("user") ? "UserName" : "RoleName");
                authorize(r, "iam:" + a, entityArn(acct, kind, name));
                dir.setBoundary(acct, kind, name, Optional.empty());
                yield ok(r, null);
            }
            // ---- groups ----
            case "CreateGroup" -> {
                String name = r.required("GroupName");
                String path = r.optional("Path").orElse("/");
                authorize(r, "iam:CreateGroup", arn(acct, "group", path, name));
                Entity e = dir.create("group", acct, name, path, Optional.empty(), 0, "", Map.of(), Optional.empty());
                yield ok(r, x -> group(x.start("Group"), e).end());
            }
            case "GetGroup" -> {
                String name = r.required("GroupName");
                authorize(r, "iam:GetGroup", entityArn(acct, "group", name));
                Entity e = dir.get(acct, "group", name);
                List<Entity> users = dir.membersOf(acct, name);
                yield ok(r, x -> {
                    group(x.start("Group"), e).end();
                    x.start("Users");
                    for (Entity u : users) user(x.start("member"), u, false).end();
                    x.end().element("IsTruncated", false);
                });
            }
            case "ListGroups" -> {
                authorize(r, "iam:ListGroups", "arn:aws:iam::" + acct + ":group/");
                yield page(r, "Groups", dir.list(acct, "group", r.optional("PathPrefix").orElse("/")),
                        (x, e) -> group(x.start("member"), e).end());
            }
            case "DeleteGroup" -> {
                String name = r.required("GroupName");
                authorize(r, "iam:DeleteGroup", entityArn(acct, "group", name));
                dir.delete(acct, "group", name);
                yield ok(r, null);
            }
            case "AddUserToGroup", "RemoveUserFromGroup" -> {
                String group = r.required("GroupName");
                String user = r.required("UserName");
                authorize(r, "iam:" + a, entityArn(acct, "group", group));
                if (a.equals("AddUserToGroup")) dir.addToGroup(acct, group, user);
                else dir.removeFromGroup(acct, group, user);
                yield ok(r, null);
            }
            case "ListGroupsForUser" -> {
                String user = r.required("UserName");
                authorize(r, "iam:ListGroupsForUser", userArn(acct, user));
                dir.get(acct, "user", user);
                yield page(r, "Groups", dir.groupsOf(acct, user), (x, e) -> group(x.start("member"), e).end());
            }
            // ---- roles ----
            case "CreateRole" -> {
                String name = r.required("RoleName");
                String path = r.optional("Path").orElse("/");
                authorize(r, "iam:CreateRole", arn(acct, "role", path, name));
                String trust = checkPolicy(r.required("AssumeRolePolicyDocument"), PolicyKind.TRUST,
                        PolicyDocument.MAX_TRUST_POLICY, "role trust policy");
                int max = r.intParam("MaxSessionDuration", 3600, 3600, 43200);
                String description = r.optional("Description").orElse("");
                Optional<String> boundary = r.optional("PermissionsBoundary").map(this::checkBoundary);
                Entity e = dir.create("role", acct, name, path, Optional.of(trust), max, description, r.tags("Tags"), boundary);
                yield ok(r, x -> role(x.start("Role"), e, false).end());
            }
            case "GetRole" -> {
                String name = r.required("RoleName");
                authorize(r, "iam:GetRole", entityArn(acct, "role", name));
                Entity e = dir.get(acct, "role", name);
                yield ok(r, x -> role(x.start("Role"), e, true).end());
            }
            case "ListRoles" -> {
                authorize(r, "iam:ListRoles", "arn:aws:iam::" + acct + ":role/");
                yield page(r, "Roles", dir.list(acct, "role", r.optional("PathPrefix").orElse("/")),
                        (x, e) -> role(x.start("member"), e, false).end());
            }
            case "DeleteRole" -> {
                String name = r.required("RoleName");
                authorize(r, "iam:DeleteRole", entityArn(acct, "role", name));
                dir.delete(acct, "role", name);
                yield ok(r, null);
            }
            case "UpdateRole" -> {
                String name = r.required("RoleName");
                authorize(r, "iam:UpdateRole", entityArn(acct, "role", name));
                Optional<Integer> max = r.optional("MaxSessionDuration").map(v -> r.intParam("MaxSessionDuration", 3600, 3600, 43200));
                dir.updateRole(acct, name, r.optional("Description"), max, Optional.empty());
                yield ok(r, x -> { });
            }
            case "UpdateAssumeRolePolicy" -> {
                String name = r.required("RoleName");
                authorize(r, "iam:UpdateAssumeRolePolicy", entityArn(acct, "role", name));
                String trust = checkPolicy(r.required("PolicyDocument"), PolicyKind.TRUST, PolicyDocument.MAX_TRUST_POLICY,
                        "role trust policy");
                dir.updateRole(acct, name, Optional.empty(), Optional.empty(), Optional.of(trust));
                yield ok(r, null);
            }
            // ---- inline policies ----
            case "PutUserPolicy", "PutGroupPolicy", "PutRolePolicy" -> {
                String kind = kindOf(a, "Put", "Policy");
                String owner = r.required(capital(kind) + "Name");
                String name = r.required("PolicyName");
                authorize(r, "iam:" + a, entityArn(acct, kind, owner));
                int max = switch (kind) {
                    case "user" -> PolicyDocument.MAX_USER_INLINE;
                    case "group" -> PolicyDocument.MAX_GROUP_INLINE;
                    default -> PolicyDocument.MAX_ROLE_INLINE;
                };
                String doc = checkPolicy(r.required("PolicyDocument"), PolicyKind.IDENTITY, max, kind + " " + owner);
                dir.putInline(acct, kind, owner, name, doc);
                yield ok(r, null);
            }
            case "GetUserPolicy", "GetGroupPolicy", "GetRolePolicy" -> {
                String kind = kindOf(a, "Get", "Policy");
                String owner = r.required(capital(kind) + "Name");
                String name = r.required("PolicyName");
                authorize(r, "iam:" + a, entityArn(acct, kind, owner));
                String doc = dir.getInline(acct, kind, owner, name);
                yield ok(r, x -> x.element(capital(kind) + "Name", owner).element("PolicyName", name)
                        .element("PolicyDocument", encodeDocument(doc)));
            }
            case "DeleteUserPolicy", "DeleteGroupPolicy", "DeleteRolePolicy" -> {
                String kind = kindOf(a, "Delete", "Policy");
                String owner = r.required(capital(kind) + "Name");
                authorize(r, "iam:" + a, entityArn(acct, kind, owner));
                dir.deleteInline(acct, kind, owner, r.required("PolicyName"));
                yield ok(r, null);
            }
            case "ListUserPolicies", "ListGroupPolicies", "ListRolePolicies" -> {
                String kind = kindOf(a, "List", "Policies");
                String owner = r.required(capital(kind) + "Name");
                authorize(r, "iam:" + a, entityArn(acct, kind, owner));
                dir.get(acct, kind, owner);
                List<String> names = new ArrayList<>(dir.inline(acct, kind, owner).keySet());
                yield page(r, "PolicyNames", names, (x, n) -> x.element("member", n));
            }
            // ---- managed policies ----
            case "CreatePolicy" -> {
                String name = r.required("PolicyName");
                String path = r.optional("Path").orElse("/");
                authorize(r, "iam:CreatePolicy", "arn:aws:iam::" + acct + ":policy" + path + name);
                String doc = checkPolicy(r.required("PolicyDocument"), PolicyKind.IDENTITY, PolicyDocument.MAX_MANAGED, "policy");
                ManagedPolicy p = dir.createPolicy(acct, name, path, doc, r.optional("Description").orElse(""), r.tags("Tags"));
                yield ok(r, x -> policy(x.start("Policy"), p).end());
            }
            case "GetPolicy" -> {
                String arn = r.required("PolicyArn");
                authorize(r, "iam:GetPolicy", arn);
                ManagedPolicy p = dir.policy(arn);
                yield ok(r, x -> policy(x.start("Policy"), p).end());
            }
            case "DeletePolicy" -> {
                String arn = r.required("PolicyArn");
                authorize(r, "iam:DeletePolicy", arn);
                dir.deletePolicy(arn);
                yield ok(r, null);
            }
            case "ListPolicies" -> {
                authorize(r, "iam:ListPolicies", "*");
                String scope = r.optional("Scope").orElse("All");
                List<ManagedPolicy> all = dir.listPolicies(acct, scope, r.boolParam("OnlyAttached"),
                        r.optional("PathPrefix").orElse("/"));
                yield page(r, "Policies", all, (x, p) -> policy(x.start("member"), p).end());
            }
            case "CreatePolicyVersion" -> {
                String arn = r.required("PolicyArn");
                authorize(r, "iam:CreatePolicyVersion", arn);
                String doc = checkPolicy(r.required("PolicyDocument"), PolicyKind.IDENTITY, PolicyDocument.MAX_MANAGED, "policy");
                ManagedPolicy.Version v = dir.createPolicyVersion(arn, doc, r.boolParam("SetAsDefault"));
                yield ok(r, x -> version(x.start("PolicyVersion"), v, false).end());
            }
            case "GetPolicyVersion" -> {
                String arn = r.required("PolicyArn");
                authorize(r, "iam:GetPolicyVersion", arn);
                ManagedPolicy.Version v = dir.version(arn, r.required("VersionId"));
                yield ok(r, x -> version(x.start("PolicyVersion"), v, true).end());
            }
            case "ListPolicyVersions" -> {
                String arn = r.required("PolicyArn");
                authorize(r, "iam:ListPolicyVersions", arn);
                yield page(r, "Versions", dir.versions(arn), (x, v) -> version(x.start("member"), v, false).end());
            }
            case "DeletePolicyVersion" -> {
                String arn = r.required("PolicyArn");
                authorize(r, "iam:DeletePolicyVersion", arn);
                dir.deletePolicyVersion(arn, r.required("VersionId"));
                yield ok(r, null);
            }
            case "SetDefaultPolicyVersion" -> {
                String arn = r.required("PolicyArn");
                authorize(r, "iam:SetDefaultPolicyVersion", arn);
                dir.setDefaultVersion(arn, r.required("VersionId"));
                yield ok(r, null);
            }
            case "AttachUserPolicy", "AttachGroupPolicy", "AttachRolePolicy",
                 "DetachUserPolicy", "DetachGroupPolicy", "DetachRolePolicy" -> {
                boolean attach = a.startsWith("Attach");
                String kind = kindOf(a, attach ? "Attach" : "Detach", "Policy");
                String owner = r.required(capital(kind) + "Name");
                String arn = r.required("PolicyArn");
                authorize(r, "iam:" + a, entityArn(acct, kind, owner));
                if (attach) dir.attach(acct, kind, owner, arn);
                else dir.detach(acct, kind, owner, arn);
                yield ok(r, null);
            }
            case "ListAttachedUserPolicies", "ListAttachedGroupPolicies", "ListAttachedRolePolicies" -> {
                String kind = kindOf(a, "ListAttached", "Policies");
                String owner = r.required(capital(kind) + "Name");
                authorize(r, "iam:" + a, entityArn(acct, kind, owner));
                dir.get(acct, kind, owner);
                yield page(r, "AttachedPolicies", dir.attached(acct, kind, owner), (x, arn) -> x.start("member")
                        .element("PolicyName", arn.substring(arn.lastIndexOf('/') + 1)).element("PolicyArn", arn).end());
            }
            case "ListEntitiesForPolicy" -> {
                String arn = r.required("PolicyArn");
                authorize(r, "iam:ListEntitiesForPolicy", arn);
                dir.policy(arn);
                List<String[]> to = dir.attachedTo(arn);
                yield ok(r, x -> {
                    for (String kind : List.of("group", "user", "role")) {
                        x.start("Policy" + capital(kind) + "s");
                        for (String[] t : to) {
                            if (!t[0].equals(kind)) continue;
                            Entity e = dir.get(acct, kind, t[1]);
                            x.start("member").element(capital(kind) + "Name", e.name()).element(capital(kind) + "Id", e.id()).end();
                        }
                        x.end();
                    }
                    x.element("IsTruncated", false);
                });
            }
            // ---- access keys ----
            case "CreateAccessKey" -> {
                String user = r.optional("UserName").orElseGet(() -> selfUser(r));
                authorize(r, "iam:CreateAccessKey", userArn(acct, user));
                AccessKey k = store.createAccessKey(acct, user);
                r.traceResponse("accessKey.userName", user);
                r.traceResponse("accessKey.accessKeyId", k.accessKeyId());
                r.traceResponse("accessKey.status", k.status());
                yield ok(r, x -> x.start("AccessKey").element("UserName", user).element("AccessKeyId", k.accessKeyId())
                        .element("Status", k.status()).element("SecretAccessKey", k.secretKey())
                        .element("CreateDate", QueryXml.date(Instant.now())).end());
            }
            case "ListAccessKeys" -> {
                String user = r.optional("UserName").orElseGet(() -> selfUser(r));
                authorize(r, "iam:ListAccessKeys", userArn(acct, user));
                yield page(r, "AccessKeyMetadata", store.listAccessKeys(acct, user), (x, k) -> x.start("member")
                        .element("UserName", k.userName()).element("AccessKeyId", k.accessKeyId())
                        .element("Status", k.status()).element("CreateDate", QueryXml.date(k.created())).end());
            }
            case "UpdateAccessKey" -> {
                String user = r.optional("UserName").orElseGet(() -> selfUser(r));
                authorize(r, "iam:UpdateAccessKey", userArn(acct, user));
                store.updateAccessKey(acct, user, r.required("AccessKeyId"), r.required("Status"));
                yield ok(r, null);
            }
            case "DeleteAccessKey" -> {
                String user = r.optional("UserName").orElseGet(() -> selfUser(r));
                authorize(r, "iam:DeleteAccessKey", userArn(acct, user));
                String id = r.required("AccessKeyId");
                if (id.equals(r.caller().accessKeyId()) && r.caller().isAccountAdmin()) {
                    throw new IamException("DeleteConflict", 409, "The administrator cannot delete the key it is signing with.");
                }
                store.deleteAccessKey(acct, user, id);
                yield ok(r, null);
            }
            case "GetAccessKeyLastUsed" -> {
                String id = r.required("AccessKeyId");
                IamStore.KeyInfo k = store.keyInfo(acct, id).orElseThrow(() -> IamException.accessDenied(
                        "The access key " + id + " does not belong to your account."));
                authorize(r, "iam:GetAccessKeyLastUsed", userArn(acct, k.userName()));
                Optional<IamStore.KeyUse> use = store.lastUsed(id);
                yield ok(r, x -> {
                    x.element("UserName", k.userName()).start("AccessKeyLastUsed");
                    if (use.isPresent()) {
                        x.element("LastUsedDate", QueryXml.date(use.get().used())).element("ServiceName", use.get().service())
                                .element("Region", use.get().region());
                    } else {
                        x.element("ServiceName", "N/A").element("Region", "N/A");
                    }
                    x.end();
                });
            }
            // ---- MFA ----
            case "CreateVirtualMFADevice" -> {
                String name = r.required("VirtualMFADeviceName");
                String path = r.optional("Path").orElse("/");
                String serial = "arn:aws:iam::" + acct + ":mfa" + Directory.checkPath(path) + Directory.checkName("virtualMFADeviceName", name, 226);
                authorize(r, "iam:CreateVirtualMFADevice", serial);
                byte[] seed = IamIds.randomBytes(20);
                store.createVirtualMfa(serial, acct, seed);
                String base32 = Totp.base32(seed);
                java.util.Arrays.fill(seed, (byte) 0);
                yield ok(r, x -> x.start("VirtualMFADevice").element("SerialNumber", serial)
                        .element("Base32StringSeed", Base64.getEncoder().encodeToString(base32.getBytes(StandardCharsets.US_ASCII)))
                        .end());
            }
            case "EnableMFADevice" -> {
                String user = r.required("UserName");
                authorize(r, "iam:EnableMFADevice", userArn(acct, user));
                dir.get(acct, "user", user);
                store.enableMfa(acct, user, r.required("SerialNumber"), r.required("AuthenticationCode1"),
                        r.required("AuthenticationCode2"), r.now().getEpochSecond());
                dir.changed();
                yield ok(r, null);
            }
            case "DeactivateMFADevice" -> {
                String user = r.required("UserName");
                authorize(r, "iam:DeactivateMFADevice", userArn(acct, user));
                store.deactivateMfa(acct, user, r.required("SerialNumber"));
                dir.changed();
                yield ok(r, null);
            }
            case "DeleteVirtualMFADevice" -> {
                String serial = r.required("SerialNumber");
                authorize(r, "iam:DeleteVirtualMFADevice", serial);
                store.deleteVirtualMfa(acct, serial);
                yield ok(r, null);
            }
            case "ListMFADevices" -> {
                String user = r.optional("UserName").orElseGet(() -> selfUser(r));
                authorize(r, "iam:ListMFADevices", userArn(acct, user));
                yield page(r, "MFADevices", store.mfaDevices(acct).stream().filter(d -> d.enabled() && d.userName().equalsIgnoreCase(user))
                        .toList(), (x, d) -> x.start("member").element("UserName", d.userName())
                        .element("SerialNumber", d.serial()).element("EnableDate", QueryXml.date(d.created())).end());
            }
            case "ListVirtualMFADevices" -> {
                authorize(r, "iam:ListVirtualMFADevices", "*");
                String status = r.optional("AssignmentStatus").orElse("Any");
                yield page(r, "VirtualMFADevices", store.mfaDevices(acct).stream()
                        .filter(d -> status.equals("Any") || (status.equals("Assigned") == d.enabled())).toList(), (x, d) -> {
                            x.start("member").element("SerialNumber", d.serial());
                            if (d.enabled()) {
                                user(x.start("User"), dir.get(acct, "user", d.userName()), false).end();
                                x.element("EnableDate", QueryXml.date(d.created()));
                            }
                            x.end();
                        });
            }
            // ---- OpenID Connect providers ----
            case "CreateOpenIDConnectProvider" -> {
                authorize(r, "iam:CreateOpenIDConnectProvider", "*");
                OidcProviders.Provider p = store.oidc().create(acct, r.required("Url"), r.list("ClientIDList", null),
                        r.list("ThumbprintList", null), r.tags("Tags"));
                yield ok(r, x -> x.element("OpenIDConnectProviderArn", p.arn()));
            }
            case "GetOpenIDConnectProvider" -> {
                String arn = r.required("OpenIDConnectProviderArn");
                authorize(r, "iam:GetOpenIDConnectProvider", arn);
                OidcProviders.Provider p = store.oidc().get(acct, arn);
                yield ok(r, x -> {
                    x.element("Url", p.hostPath()).start("ClientIDList");
                    p.clientIds().forEach(c -> x.element("member", c));
                    x.end().start("ThumbprintList");
                    p.thumbprints().forEach(t -> x.element("member", t));
                    x.end().element("CreateDate", QueryXml.date(p.created()));
                    if (!p.tags().isEmpty()) tags(x, p.tags());
                });
            }
            case "ListOpenIDConnectProviders" -> {
                authorize(r, "iam:ListOpenIDConnectProviders", "*");
                List<OidcProviders.Provider> all = store.oidc().list(acct);
                yield ok(r, x -> {
                    x.start("OpenIDConnectProviderList");
                    all.forEach(p -> x.start("member").element("Arn", p.arn()).end());
                    x.end();
                });
            }
            case "DeleteOpenIDConnectProvider" -> {
                String arn = r.required("OpenIDConnectProviderArn");
                authorize(r, "iam:DeleteOpenIDConnectProvider", arn);
                store.oidc().delete(acct, arn);
                yield ok(r, null);
            }
            case "AddClientIDToOpenIDConnectProvider", "RemoveClientIDFromOpenIDConnectProvider" -> {
                String arn = r.required("OpenIDConnectProviderArn");
                authorize(r, "iam:" + a, arn);
                List<String> ids = new ArrayList<>(store.oidc().get(acct, arn).clientIds());
                String id = r.required("ClientID");
                if (a.startsWith("Add")) {
                    if (!ids.contains(id)) ids.add(id);
                } else {
                    ids.remove(id);
                }
                store.oidc().updateClientIds(acct, arn, ids);
                yield ok(r, null);
            }
            // ---- reports ----
            case "GenerateCredentialReport" -> {
                authorize(r, "iam:GenerateCredentialReport", "*");
                report = new CredentialReport(r.now(), credentialReport(acct, r.now()));
                // Generated at once, so the first call already answers COMPLETE (AWS answers STARTED, then COMPLETE).
                yield ok(r, x -> x.element("State", "COMPLETE"));
            }
            case "GetCredentialReport" -> {
                authorize(r, "iam:GetCredentialReport", "*");
                CredentialReport rep = report;
                if (rep == null) {
                    throw new IamException("ReportNotPresent", 410, "Credential report not present. Call GenerateCredentialReport first.");
                }
                yield ok(r, x -> x.element("Content", Base64.getEncoder().encodeToString(rep.csv()))
                        .element("ReportFormat", "text/csv").element("GeneratedTime", QueryXml.date(rep.generated())));
            }
            case "GetAccountAuthorizationDetails" -> {
                authorize(r, "iam:GetAccountAuthorizationDetails", "*");
                yield ok(r, x -> authorizationDetails(x, acct));
            }
            case "GetAccountSummary" -> {
                authorize(r, "iam:GetAccountSummary", "*");
                yield ok(r, x -> {
                    x.start("SummaryMap");
                    entry(x, "Users", dir.list(acct, "user", "/").size());
                    entry(x, "Groups", dir.list(acct, "group", "/").size());
                    entry(x, "Roles", dir.list(acct, "role", "/").size());
                    entry(x, "Policies", dir.listPolicies(acct, "Local", false, "/").size());
                    entry(x, "AccessKeysPerUserQuota", 2);
                    entry(x, "PolicyVersionsInUseQuota", 10000);
                    entry(x, "AttachedPoliciesPerUserQuota", Directory.MAX_MANAGED_ATTACHMENTS);
                    x.end();
                });
            }
            // ---- what Rampart has none of, answered as AWS answers an account without them (Terraform asks) ----
            case "ListInstanceProfilesForRole", "ListInstanceProfiles" -> {
                authorize(r, "iam:" + a, "*");
                if (a.equals("ListInstanceProfilesForRole")) dir.get(acct, "role", r.required("RoleName"));
                yield ok(r, x -> x.start("InstanceProfiles").end().element("IsTruncated", false));
            }
            case "ListSSHPublicKeys", "ListServiceSpecificCredentials", "ListSigningCertificates" -> {
                String user = r.optional("UserName").orElseGet(() -> selfUser(r));
                authorize(r, "iam:" + a, userArn(acct, user));
                dir.get(acct, "user", user);
                String element = switch (a) {
                    case "ListSSHPublicKeys" -> "SSHPublicKeys";
                    case "ListServiceSpecificCredentials" -> "ServiceSpecificCredentials";
                    default -> "Certificates";
                };
                yield ok(r, x -> {
                    x.start(element).end();
                    if (!a.equals("ListServiceSpecificCredentials")) x.element("IsTruncated", false);
                });
            }
            case "GetLoginProfile" -> {
                String user = r.required("UserName");
                authorize(r, "iam:GetLoginProfile", userArn(acct, user));
                dir.get(acct, "user", user);
                throw IamException.noSuchEntity("Login Profile for User " + user + " cannot be found.");
            }
            case "ListAccountAliases" -> {
                authorize(r, "iam:ListAccountAliases", "*");
                yield ok(r, x -> x.start("AccountAliases").end().element("IsTruncated", false));
            }
            default -> throw new IamException("InvalidAction", 400, "Could not find operation " + a + " for version 2010-05-08");
        };
    }

    private static void entry(XmlWriter x, String key, int value) {
        x.start("entry").element("key", key).element("value", value).end();
    }

    // ---- authorization ----

    /** iam:Action on resource through the caller's identity policies (IAM has no resource policies) and SCPs. */
    void authorize(QueryRequest r, String action, String resource) {
        Principal caller = r.caller();
        if (caller.isAnonymous()) throw IamException.accessDenied("Anonymous requests are not allowed.");
        RequestContext ctx = new RequestContext(action, resource, Permissions.contextPrincipal(caller), caller.accountId(),
                requestKeys(r));
        Decision d = permissions.decideIdentityOnly(caller, ctx);
        if (!d.allowed()) throw denied(caller, action, resource, d);
    }

    /** AWS's AccessDenied message, naming the kind of policy that refused. */
    static IamException denied(Principal caller, String action, String resource, Decision d) {
        String why = d.by().map(b -> " with an explicit deny in a " + switch (b.kind()) {
            case SCP -> "service control policy";
            case RCP -> "resource control policy";
            case BOUNDARY -> "permissions boundary";
            case SESSION -> "session policy";
            case RESOURCE -> "resource-based policy";
            default -> "identity-based policy";
        }).filter(x -> !d.allowed() && d.outcome().name().contains("EXPLICIT"))
                .orElse(" because no identity-based policy allows the " + action + " action");
        return IamException.accessDenied("User: " + caller.arn() + " is not authorized to perform: " + action
                + " on resource: " + resource + why);
    }

    private Map<String, List<String>> requestKeys(QueryRequest r) {
        Map<String, List<String>> k = Permissions.globalKeys(r.caller(), r.now(), r.secure(), r.sourceIp(), region);
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
            throw IamException.limitExceeded("Maximum policy size of " + maxChars + " bytes exceeded for " + what + ".");
        }
        try {
            PolicyDocument.parse(json, kind);
        } catch (MalformedPolicyException e) {
            throw IamException.malformedPolicy(e.getMessage());
        }
        return json;
    }

    private String checkBoundary(String arn) {
        dir.policy(arn);
        return arn;
    }

    private static String selfUser(QueryRequest r) {
        Principal p = r.caller();
        if (!"IAMUser".equals(p.type()) || p.userName().isEmpty()) {
            throw IamException.validation("Must specify userName when calling with non-User credentials");
        }
        return p.userName();
    }

    private static IamException protectedAdmin() {
        return new IamException("UnmodifiableEntity", 400,
                "Cannot perform the operation on the account administrator user admin: it is Rampart's root user.");
    }

    // ---- XML ----

    private static byte[] ok(QueryRequest r, java.util.function.Consumer<XmlWriter> result) {
        return QueryXml.response(QueryXml.IAM_NAMESPACE, r.action(), r.requestId(), result);
    }

    /** A list with IAM's Marker / MaxItems paging (the marker is the index of the next item). */
    private static <T> byte[] page(QueryRequest r, String element, List<T> items, BiConsumer<XmlWriter, T> member) {
        int max = r.intParam("MaxItems", 100, 1, 1000);
        int from = 0;
        Optional<String> marker = r.optional("Marker");
        if (marker.isPresent()) {
            try {
                from = Integer.parseInt(new String(Base64.getUrlDecoder().decode(marker.get()), StandardCharsets.US_ASCII));
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
                x.element("Marker", Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(Integer.toString(end).getBytes(StandardCharsets.US_ASCII)));
            }
        });
    }

    private static XmlWriter user(XmlWriter x, Entity e, boolean withTags) {
        x.element("Path", e.path()).element("UserName", e.name()).element("UserId", e.id()).element("Arn", e.arn())
                .element("CreateDate", QueryXml.date(e.created()));
        boundary(x, e);
        if (withTags && !e.tags().isEmpty()) tags(x, e.tags());
        return x;
    }

    private static XmlWriter group(XmlWriter x, Entity e) {
        return x.element("Path", e.path()).element("GroupName", e.name()).element("GroupId", e.id()).element("Arn", e.arn())
                .element("CreateDate", QueryXml.date(e.created()));
    }

    private static XmlWriter role(XmlWriter x, Entity e, boolean full) {
        x.element("Path", e.path()).element("RoleName", e.name()).element("RoleId", e.id()).element("Arn", e.arn())
                .element("CreateDate", QueryXml.date(e.created()))
                .element("AssumeRolePolicyDocument", encodeDocument(e.trustPolicy().orElse("")));
        if (!e.description().isEmpty()) x.element("Description", e.description());
        x.element("MaxSessionDuration", e.maxSession());
        boundary(x, e);
        if (!e.tags().isEmpty()) tags(x, e.tags());
        if (full) x.start("RoleLastUsed").end();
        return x;
    }

    private static void boundary(XmlWriter x, Entity e) {
        e.boundaryArn().ifPresent(b -> x.start("PermissionsBoundary").element("PermissionsBoundaryType", "Policy")
                .element("PermissionsBoundaryArn", b).end());
    }

    private static XmlWriter tags(XmlWriter x, Map<String, String> tags) {
        x.start("Tags");
        tags.forEach((k, v) -> x.start("member").element("Key", k).element("Value", v).end());
        return x.end();
    }

    private static XmlWriter policy(XmlWriter x, ManagedPolicy p) {
        x.element("PolicyName", p.name()).element("PolicyId", p.id()).element("Arn", p.arn()).element("Path", p.path())
                .element("DefaultVersionId", p.defaultVersion()).element("AttachmentCount", p.attachmentCount())
                .element("PermissionsBoundaryUsageCount", 0).element("IsAttachable", true);
        if (!p.description().isEmpty()) x.element("Description", p.description());
        x.element("CreateDate", QueryXml.date(p.created())).element("UpdateDate", QueryXml.date(p.updated()));
        if (!p.tags().isEmpty()) tags(x, p.tags());
        return x;
    }

    private static XmlWriter version(XmlWriter x, ManagedPolicy.Version v, boolean withDocument) {
        if (withDocument) x.element("Document", encodeDocument(v.document()));
        return x.element("VersionId", v.versionId()).element("IsDefaultVersion", v.isDefault())
                .element("CreateDate", QueryXml.date(v.created()));
    }

    /** IAM returns policy documents URL-encoded (RFC 3986) inside its XML. */
    static String encodeDocument(String doc) {
        return URLEncoder.encode(doc, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private void authorizationDetails(XmlWriter x, String acct) {
        x.start("UserDetailList");
        for (Entity u : dir.list(acct, "user", "/")) {
            user(x.start("member"), u, true);
            inlineList(x, "UserPolicyList", acct, "user", u.name());
            x.start("GroupList");
            for (Entity g : dir.groupsOf(acct, u.name())) x.element("member", g.name());
            x.end();
            attachedList(x, acct, "user", u.name());
            x.end();
        }
        x.end().start("GroupDetailList");
        for (Entity g : dir.list(acct, "group", "/")) {
            group(x.start("member"), g);
            inlineList(x, "GroupPolicyList", acct, "group", g.name());
            attachedList(x, acct, "group", g.name());
            x.end();
        }
        x.end().start("RoleDetailList");
        for (Entity ro : dir.list(acct, "role", "/")) {
            role(x.start("member"), ro, false);
            inlineList(x, "RolePolicyList", acct, "role", ro.name());
            attachedList(x, acct, "role", ro.name());
            x.end();
        }
        x.end().start("Policies");
        for (ManagedPolicy p : dir.listPolicies(acct, "Local", false, "/")) {
            policy(x.start("member"), p);
            x.start("PolicyVersionList");
            for (ManagedPolicy.Version v : dir.versions(p.arn())) version(x.start("member"), v, true).end();
            x.end().end();
        }
        x.end().element("IsTruncated", false);
    }

    private void inlineList(XmlWriter x, String element, String acct, String kind, String owner) {
        x.start(element);
        dir.inline(acct, kind, owner).forEach((n, d) -> x.start("member").element("PolicyName", n)
                .element("PolicyDocument", encodeDocument(d)).end());
        x.end();
    }

    private void attachedList(XmlWriter x, String acct, String kind, String owner) {
        x.start("AttachedManagedPolicies");
        for (String arn : dir.attached(acct, kind, owner)) {
            x.start("member").element("PolicyName", arn.substring(arn.lastIndexOf('/') + 1)).element("PolicyArn", arn).end();
        }
        x.end();
    }

    /** AWS's credential report columns; passwords and certificates do not exist here ("not_supported" / false). */
    private byte[] credentialReport(String acct, Instant now) {
        StringBuilder csv = new StringBuilder("user,arn,user_creation_time,password_enabled,password_last_used,"
                + "password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
                + "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
                + "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,"
                + "access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n");
        List<IamStore.MfaDevice> mfa = store.mfaDevices(acct);
        List<IamStore.KeyInfo> keys = store.allAccessKeys(acct);
        for (Entity u : dir.list(acct, "user", "/")) {
            boolean hasMfa = mfa.stream().anyMatch(d -> d.enabled() && d.userName().equalsIgnoreCase(u.name()));
            csv.append(u.name()).append(',').append(u.arn()).append(',').append(QueryXml.date(u.created()))
                    .append(",false,N/A,N/A,N/A,").append(hasMfa);
            List<IamStore.KeyInfo> mine = keys.stream().filter(k -> k.userName().equalsIgnoreCase(u.name())).toList();
            for (int i = 0; i < 2; i++) {
                if (i < mine.size()) {
                    IamStore.KeyInfo k = mine.get(i);
                    Optional<IamStore.KeyUse> use = store.lastUsed(k.accessKeyId());
                    csv.append(',').append("Active".equals(k.status())).append(',').append(QueryXml.date(k.created()))
                            .append(',').append(use.map(x -> QueryXml.date(x.used())).orElse("N/A"))
                            .append(',').append(use.map(IamStore.KeyUse::region).orElse("N/A"))
                            .append(',').append(use.map(IamStore.KeyUse::service).orElse("N/A"));
                } else {
                    csv.append(",false,N/A,N/A,N/A,N/A");
                }
            }
            csv.append(",false,N/A,false,N/A\n");
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ---- names ----

    private static String arn(String acct, String kind, String path, String name) {
        return "arn:aws:iam::" + acct + ":" + kind + path + name;
    }

    private String entityArn(String acct, String kind, String name) {
        return dir.find(acct, kind, name).map(Entity::arn).orElse(arn(acct, kind, "/", name));
    }

    private String userArn(String acct, String name) {
        return entityArn(acct, "user", name);
    }

    /** "PutUserPolicy" with prefix "Put", suffix "Policy" → "user". */
    private static String kindOf(String action, String prefix, String suffix) {
        return action.substring(prefix.length(), action.length() - suffix.length()).toLowerCase(java.util.Locale.ROOT);
    }

    private static String capital(String kind) {
        return Directory.capital(kind);
    }
}

package io.rampart.iam;

import io.rampart.policy.Decision;
import io.rampart.policy.Evaluator;
import io.rampart.policy.MalformedPolicyException;
import io.rampart.policy.PolicyDocument;
import io.rampart.policy.PolicyKind;
import io.rampart.policy.PolicySet;
import io.rampart.policy.PrincipalType;
import io.rampart.policy.RequestContext;
import io.rampart.xml.XmlWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The STS API (Query protocol): GetCallerIdentity, GetSessionToken (optionally with MFA) and AssumeRole with the
 * role's trust policy, session policies, session tags and source identity. Temporary credentials are {@code ASIA...}
 * keys with a session token and an expiry, stored by {@link Sessions}.
 */
public final class StsApi {
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final Pattern SOURCE_IDENTITY = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final int MAX_PACKED_POLICY = 2048;

    private final IamStore store;
    private final Permissions permissions;
    private final String region;

    public StsApi(IamStore store, Permissions permissions, String region) {
        this.store = store;
        this.permissions = permissions;
        this.region = region;
    }

    public byte[] handle(QueryRequest r) {
        return switch (r.action()) {
            case "GetCallerIdentity" -> {
                Principal p = r.caller();
                if (p.isAnonymous()) throw IamException.accessDenied("Anonymous requests are not allowed.");
                // No permission is needed to ask who you are (AWS: even an explicit deny does not stop it).
                yield ok(
                        r,
                        x -> x.element("Arn", p.arn())
                                .element("UserId", p.principalId())
                                .element("Account", p.accountId()));
            }
            case "GetSessionToken" -> getSessionToken(r);
            case "AssumeRole" -> assumeRole(r);
            case "AssumeRoleWithWebIdentity" -> assumeRoleWithWebIdentity(r);
            case "GetAccessKeyInfo" -> {
                if (r.caller().isAnonymous()) throw IamException.accessDenied("Anonymous requests are not allowed.");
                String id = r.required("AccessKeyId");
                // Which account a key belongs to: any authenticated caller may ask, as on AWS.
                String account = store.findKey(id)
                        .map(k -> k.principal().accountId())
                        .orElseThrow(() -> new IamException(
                                IamErrorCode.INVALID_CLIENT_TOKEN_ID,
                                "The security token included in the request is invalid."));
                yield ok(r, x -> x.element("Account", account));
            }
            case "AssumeRoleWithSAML", "GetFederationToken", "DecodeAuthorizationMessage" ->
                throw new IamException(IamErrorCode.INVALID_ACTION, r.action() + " is not supported by this server.");
            default ->
                throw new IamException(
                        IamErrorCode.INVALID_ACTION,
                        "Could not find operation " + r.action() + " for version 2011-06-15");
        };
    }

    private byte[] getSessionToken(QueryRequest r) {
        Principal p = r.caller();
        if (p.isAnonymous()) throw IamException.accessDenied("Anonymous requests are not allowed.");
        if (!p.isLongLivedKey() || !"IAMUser".equals(p.type())) {
            throw IamException.accessDenied("Cannot call GetSessionToken with session credentials");
        }
        int max = p.isAccountAdmin() ? 3600 : 129_600;
        int duration = r.intParam("DurationSeconds", Math.min(43_200, max), 900, max);
        boolean mfa = false;
        Optional<String> serial = r.optional("SerialNumber");
        Optional<String> code = r.optional("TokenCode");
        if (serial.isPresent() != code.isPresent()) {
            throw IamException.validation("SerialNumber and TokenCode must be given together.");
        }
        if (serial.isPresent()) {
            if (!store.verifyUserMfa(
                    p.accountId(),
                    p.userName(),
                    serial.get(),
                    code.get(),
                    r.now().getEpochSecond())) {
                throw IamException.accessDenied(
                        "MultiFactorAuthentication failed with invalid MFA one time pass code.");
            }
            mfa = true;
        }
        Instant now = r.now();
        Sessions.Issued s = store.sessions()
                .create(
                        p.accountId(),
                        "user",
                        p.userName(),
                        p.userName(),
                        p.principalId(),
                        p.arn(),
                        now,
                        now.plusSeconds(duration),
                        Optional.empty(),
                        List.of(),
                        mfa,
                        Optional.empty(),
                        p.tags(),
                        p.accessKeyId());
        trace(r, s);
        return ok(r, x -> credentials(x, s));
    }

    private byte[] assumeRole(QueryRequest r) {
        Principal p = r.caller();
        if (p.isAnonymous()) throw IamException.accessDenied("Anonymous requests are not allowed.");
        RoleRequest rr = roleRequest(r);
        RequestContext ctx = new RequestContext(
                "sts:AssumeRole", rr.roleArn(), Permissions.contextPrincipal(p), rr.account(), keys(r));
        Permissions.Grants g = permissions.grants(p);
        Optional<Decision> guard = permissions.guardrailDenial(p, rr.account(), true, ctx);
        Decision d = guard.orElseGet(() -> rr.role()
                .map(e -> Evaluator.evaluateTrust(
                        trustOf(e, rr.roleArn()),
                        new PolicySet(
                                List.of(),
                                List.of(),
                                Optional.empty(),
                                g.identity(),
                                g.boundary(),
                                g.session(),
                                p.accountId().equals(rr.account())),
                        ctx))
                .orElse(Decision.implicitDeny(PolicyKind.TRUST)));
        // An unknown role answers like a refused one, so callers cannot probe which roles exist.
        if (!d.allowed() || rr.role().isEmpty()) {
            throw IamException.accessDenied(
                    "User: " + p.arn() + " is not authorized to perform: sts:AssumeRole on resource: " + rr.roleArn());
        }
        // Role chaining (a role session assuming a role) is limited to one hour, as on AWS.
        Issued issued = issue(
                r,
                rr,
                "AssumedRole".equals(p.type()) ? 3600 : rr.role().get().maxSession(),
                p.mfaAuthenticated(),
                p.accessKeyId());
        trace(r, issued.session());
        return ok(r, x -> {
            credentials(x, issued.session());
            assumedRoleUser(x, issued.session());
            x.element("PackedPolicySize", issued.packedPercent());
            issued.session().session().sourceIdentity().ifPresent(v -> x.element("SourceIdentity", v));
        });
    }

    /** AssumeRoleWithWebIdentity: an unsigned call carrying an OIDC token from a provider registered in the role's account. */
    private byte[] assumeRoleWithWebIdentity(QueryRequest r) {
        RoleRequest rr = roleRequest(r);
        OidcProviders.Identity id = store.oidc().verify(rr.account(), r.required("WebIdentityToken"));
        String prefix = id.provider().hostPath();
        Map<String, List<String>> k =
                Permissions.globalKeys(Principal.anonymous(), r.now(), r.secure(), r.sourceIp(), region);
        k.put(prefix + ":aud", List.of(id.audience()));
        k.put(prefix + ":sub", List.of(id.subject()));
        k.put(prefix + ":oaud", id.claims().getAudience());
        if (id.claims().getClaim("amr") != null)
            k.put(prefix + ":amr", List.of(String.valueOf(id.claims().getClaim("amr"))));
        r.optional("RoleSessionName").ifPresent(v -> k.put("sts:RoleSessionName", List.of(v)));
        RequestContext.Principal federated = new RequestContext.Principal(
                id.provider().arn(),
                rr.account(),
                PrincipalType.FEDERATED_PROVIDER,
                id.provider().arn(),
                "",
                "",
                "");
        RequestContext ctx =
                new RequestContext("sts:AssumeRoleWithWebIdentity", rr.roleArn(), federated, rr.account(), k);
        Optional<Decision> guard = permissions.guardrailDenial(Principal.anonymous(), rr.account(), true, ctx);
        Decision d = guard.orElseGet(() -> rr.role()
                .map(e -> Evaluator.evaluateTrust(
                        trustOf(e, rr.roleArn()),
                        new PolicySet(
                                List.of(), List.of(), Optional.empty(), List.of(), Optional.empty(), List.of(), false),
                        ctx))
                .orElse(Decision.implicitDeny(PolicyKind.TRUST)));
        if (!d.allowed() || rr.role().isEmpty()) {
            throw IamException.accessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity");
        }
        Issued issued = issue(r, rr, rr.role().get().maxSession(), false, null);
        trace(r, issued.session());
        return ok(r, x -> {
            credentials(x, issued.session());
            x.element("SubjectFromWebIdentityToken", id.subject());
            assumedRoleUser(x, issued.session());
            x.element("PackedPolicySize", issued.packedPercent())
                    .element("Provider", id.provider().hostPath())
                    .element("Audience", id.audience());
        });
    }

    /** The role a request names: its ARN, account and (when it exists) entity. */
    private record RoleRequest(String roleArn, String account, Optional<Entity> role, String sessionName) {}

    private record Issued(Sessions.Issued session, int packedPercent) {}

    private RoleRequest roleRequest(QueryRequest r) {
        String roleArn = r.required("RoleArn");
        String sessionName = r.required("RoleSessionName");
        if (sessionName.length() < 2 || sessionName.length() > 64) {
            throw IamException.validation(
                    "1 validation error detected: Value '" + sessionName + "' at 'roleSessionName' failed "
                            + "to satisfy constraint: Member must have length "
                            + (sessionName.length() < 2 ? "greater than or equal to 2" : "less than or equal to 64"));
        }
        if (!SESSION_NAME.matcher(sessionName).matches()) {
            throw IamException.validation(
                    "1 validation error detected: Value '" + sessionName + "' at 'roleSessionName' failed "
                            + "to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
        }
        String[] arn = roleArn.split(":", 6);
        if (arn.length != 6 || !arn[2].equals("iam") || !arn[5].startsWith("role/")) {
            throw IamException.validation("Invalid RoleArn: " + roleArn);
        }
        String roleName = arn[5].substring(arn[5].lastIndexOf('/') + 1);
        Optional<Entity> role = store.directory()
                .find(arn[4], "role", roleName)
                .filter(e -> e.arn().equals(roleArn))
                // A closed account's roles are not there to assume.
                .filter(e -> !store.orgAccounts().isClosed(e.account()));
        return new RoleRequest(roleArn, arn[4], role, sessionName);
    }

    private PolicyDocument trustOf(Entity role, String roleArn) {
        return permissions.compile(role.trustPolicy().orElse("{}"), PolicyKind.TRUST, roleArn + " trust policy");
    }

    /** Checks duration, session policies, tags and source identity, then creates the role session. */
    private Issued issue(QueryRequest r, RoleRequest rr, int max, boolean mfa, @Nullable String sourceKey) {
        Entity e = rr.role().orElseThrow();
        Optional<String> rawDuration = r.optional("DurationSeconds");
        int duration = r.intParam("DurationSeconds", Math.min(3600, max), 900, 43_200);
        if (rawDuration.isPresent() && duration > max) {
            throw IamException.validation(
                    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }
        Optional<String> policy = r.optional("Policy");
        int packed = 0;
        if (policy.isPresent()) {
            packed = policy.get().replaceAll("\\s", "").length();
            if (packed > MAX_PACKED_POLICY) {
                throw new IamException(
                        IamErrorCode.PACKED_POLICY_TOO_LARGE,
                        "Packed policy consumes " + (packed * 100 / MAX_PACKED_POLICY)
                                + "% of allotted space, please use smaller policy for assume role.");
            }
            try {
                PolicyDocument.parse(policy.get(), PolicyKind.SESSION);
            } catch (MalformedPolicyException ex) {
                throw IamException.malformedPolicy(ex.getMessage());
            }
        }
        List<String> policyArns = r.list("PolicyArns", "arn");
        if (policyArns.size() > 10) throw IamException.validation("PolicyArns may hold at most 10 managed policies.");
        for (String pa : policyArns) store.directory().policy(pa);
        Optional<String> sourceIdentity = r.optional("SourceIdentity");
        if (sourceIdentity.isPresent()
                && !SOURCE_IDENTITY.matcher(sourceIdentity.get()).matches()) {
            throw IamException.validation("Invalid SourceIdentity: " + sourceIdentity.get());
        }
        Map<String, String> tags = new LinkedHashMap<>(e.tags());
        Map<String, String> sessionTags = r.tags("Tags");
        if (sessionTags.size() > 50) throw IamException.validation("A session may carry at most 50 tags.");
        tags.putAll(sessionTags);
        Instant now = r.now();
        String arnOut = "arn:aws:sts::" + rr.account() + ":assumed-role/" + e.name() + "/" + rr.sessionName();
        Sessions.Issued s = store.sessions()
                .create(
                        rr.account(),
                        "role",
                        e.name(),
                        rr.sessionName(),
                        e.id() + ":" + rr.sessionName(),
                        arnOut,
                        now,
                        now.plusSeconds(duration),
                        policy,
                        policyArns,
                        mfa,
                        sourceIdentity,
                        tags,
                        sourceKey);
        return new Issued(s, (packed + sessionTags.size() * 20) * 100 / MAX_PACKED_POLICY);
    }

    private static void assumedRoleUser(XmlWriter x, Sessions.Issued s) {
        x.start("AssumedRoleUser")
                .element("AssumedRoleId", s.session().principalId())
                .element("Arn", s.session().arn())
                .end();
    }

    private Map<String, List<String>> keys(QueryRequest r) {
        Map<String, List<String>> k = Permissions.globalKeys(r.caller(), r.now(), r.secure(), r.sourceIp(), region);
        k.putAll(permissions.organizationKeys(r.caller()));
        r.optional("ExternalId").ifPresent(v -> k.put("sts:ExternalId", List.of(v)));
        r.optional("RoleSessionName").ifPresent(v -> k.put("sts:RoleSessionName", List.of(v)));
        r.optional("SourceIdentity").ifPresent(v -> k.put("sts:SourceIdentity", List.of(v)));
        Map<String, String> tags = r.tags("Tags");
        if (!tags.isEmpty()) {
            tags.forEach((key, v) -> k.put("aws:RequestTag/" + key, List.of(v)));
            k.put("aws:TagKeys", new ArrayList<>(tags.keySet()));
        }
        return k;
    }

    private static void trace(QueryRequest r, Sessions.Issued s) {
        r.traceResponse("credentials.accessKeyId", s.session().accessKeyId());
        r.traceResponse("credentials.expiration", QueryXml.date(s.session().expires()));
        if (s.session().kind().equals("role")) {
            r.traceResponse("assumedRoleUser.assumedRoleId", s.session().principalId());
            r.traceResponse("assumedRoleUser.arn", s.session().arn());
        }
    }

    private static void credentials(XmlWriter x, Sessions.Issued s) {
        x.start("Credentials")
                .element("AccessKeyId", s.session().accessKeyId())
                .element("SecretAccessKey", s.secretKey())
                .element("SessionToken", s.sessionToken())
                .element("Expiration", QueryXml.date(s.session().expires()))
                .end();
    }

    private static byte[] ok(QueryRequest r, java.util.function.@Nullable Consumer<XmlWriter> result) {
        return QueryXml.response(QueryXml.STS_NAMESPACE, r.action(), r.requestId(), result);
    }
}

package io.rampart.iam;

import io.rampart.policy.Decision;
import io.rampart.policy.Evaluator;
import io.rampart.policy.MalformedPolicyException;
import io.rampart.policy.PolicyDocument;
import io.rampart.policy.PolicyKind;
import io.rampart.policy.PolicySet;
import io.rampart.policy.PrincipalType;
import io.rampart.policy.RequestContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the IAM side grants a caller, compiled and cached: identity policies (inline, attached, through groups),
 * permissions boundary and session policies; and the organisation's guardrails (SCPs on the caller's account, RCPs on
 * the resource's account). The account's bootstrap admin is Rampart's root user: its identity side allows everything.
 */
public final class Permissions {
    private static final Logger log = LoggerFactory.getLogger(Permissions.class);
    private static final PolicyDocument ALLOW_ALL = PolicyDocument.parse(
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AccountAdministrator\",\"Effect\":\"Allow\",\"Action\":\"*\","
                    + "\"Resource\":\"*\"}]}",
            PolicyKind.IDENTITY,
            "RampartAccountAdministrator");

    /** The identity side of one caller. */
    public record Grants(
            List<PolicyDocument> identity, Optional<PolicyDocument> boundary, List<PolicyDocument> session) {
        static final Grants NONE = new Grants(List.of(), Optional.empty(), List.of());
    }

    private record Cached(long generation, Grants grants) {}

    private record Levels(long generation, List<List<PolicyDocument>> levels) {}

    private record OrgId(long generation, Optional<String> id) {}

    private final Directory directory;
    private final Sessions sessions;
    private final Organization org;
    private final ConcurrentHashMap<String, Caller> callers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, PolicyDocument> compiled = new ConcurrentHashMap<>();
    /** SCP and RCP levels by account, kept apart so a lookup needs no composed key. */
    private final ConcurrentHashMap<String, Levels> scpLevels = new ConcurrentHashMap<>();

    private final ConcurrentHashMap<String, Levels> rcpLevels = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Optional<String>> sourceIdentities = new ConcurrentHashMap<>();
    private volatile OrgId orgId = new OrgId(-1, Optional.empty());

    public Permissions(Directory directory, Sessions sessions, Organization org) {
        this.directory = directory;
        this.sessions = sessions;
        this.org = org;
    }

    public Grants grants(Principal p) {
        if (p.isAnonymous()) return Grants.NONE;
        long gen = directory.generation();
        Caller c = caller(p);
        Cached g = c.grants;
        if (g != null && g.generation() == gen) return g.grants();
        Grants loaded = load(p);
        c.grants = new Cached(gen, loaded);
        return loaded;
    }

    /**
     * What this server has worked out about one signing key's principal: the caller as the policy engine sees it and
     * its grants (as of a directory generation). Kept by access key id (by ARN for a principal without one) and used
     * only while the principal is the same (equal) one, so a key whose principal changed (tags, a new session) starts afresh; the grants follow the
     * directory's generation as before, so a policy change applies to the next request.
     */
    private static final class Caller {
        final Principal principal;
        final RequestContext.Principal context;
        volatile @Nullable Cached grants;

        Caller(Principal principal) {
            this.principal = principal;
            this.context = newContextPrincipal(principal);
        }
    }

    /** The caller's facts, kept by its access key id, or by its ARN when it signs with none. */
    @SuppressWarnings("ReferenceEquality") // a shortcut before the value comparison, not instead of it
    private Caller caller(Principal p) {
        String keyId = p.accessKeyId();
        // An access key id never starts with "arn:": the two kinds of entry cannot collide (and an entry serves only
        // an equal principal).
        String id = keyId == null || keyId.isEmpty() ? String.valueOf(p.arn()) : keyId;
        Caller c = callers.get(id);
        // The key cache hands out the same Principal instance until something changes: usually a reference check.
        if (c != null && (c.principal == p || c.principal.equals(p))) return c;
        c = new Caller(p);
        if (callers.size() > 10_000) callers.clear();
        callers.put(id, c);
        return c;
    }

    /** The caller as the policy engine sees it, worked out once per signing key's principal. */
    public RequestContext.Principal contextPrincipalOf(Principal p) {
        if (p.isAnonymous()) return ANONYMOUS;
        return caller(p).context;
    }

    private Grants load(Principal p) {
        if (p.isAccountAdmin()) return new Grants(List.of(ALLOW_ALL), Optional.empty(), List.of());
        String account = p.accountId();
        List<PolicyDocument> identity = new ArrayList<>();
        Optional<PolicyDocument> boundary = Optional.empty();
        List<PolicyDocument> session = new ArrayList<>();
        if ("AssumedRole".equals(p.type())) {
            String role = Principal.roleNameOf(p.arn());
            Optional<Entity> e = directory.find(account, "role", role);
            if (e.isEmpty()) return Grants.NONE;
            addOwned(identity, account, "role", role);
            boundary = e.get().boundaryArn().flatMap(this::managed);
            Optional<Sessions.Session> s = sessions.session(p.accessKeyId());
            if (s.isPresent()) {
                s.get().policy().ifPresent(doc -> session.add(compile(doc, PolicyKind.SESSION, "session policy")));
                for (String arn : s.get().policyArns()) managed(arn).ifPresent(session::add);
                if (s.get().policy().isPresent() || !s.get().policyArns().isEmpty()) {
                    if (session.isEmpty()) session.add(DENY_NOTHING_ALLOWED);
                }
            }
        } else if ("IAMUser".equals(p.type())) {
            Optional<Entity> e = directory.find(account, "user", p.userName());
            if (e.isEmpty()) return Grants.NONE;
            addOwned(identity, account, "user", p.userName());
            for (Entity g : directory.groupsOf(account, p.userName())) addOwned(identity, account, "group", g.name());
            boundary = e.get().boundaryArn().flatMap(this::managed);
        }
        return new Grants(List.copyOf(identity), boundary, List.copyOf(session));
    }

    /** A session policy that compiled to nothing (its managed policies vanished) allows nothing, as AWS. */
    private static final PolicyDocument DENY_NOTHING_ALLOWED = PolicyDocument.parse(
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"NotAction\":\"*\",\"Resource\":\"*\"}]}",
            PolicyKind.SESSION,
            "empty session policy");

    private void addOwned(List<PolicyDocument> out, String account, String kind, String owner) {
        for (Map.Entry<String, String> e :
                directory.inline(account, kind, owner).entrySet()) {
            out.add(compile(e.getValue(), PolicyKind.IDENTITY, e.getKey()));
        }
        for (String arn : directory.attached(account, kind, owner)) managed(arn).ifPresent(out::add);
    }

    private Optional<PolicyDocument> managed(String arn) {
        try {
            return Optional.of(compile(directory.defaultDocument(arn), PolicyKind.IDENTITY, arn));
        } catch (IamException e) {
            return Optional.empty();
        }
    }

    /** Parses a stored document once; stored documents were validated when written. */
    PolicyDocument compile(String json, PolicyKind kind, String name) {
        String key = kind + "\u0000" + name + "\u0000" + json;
        PolicyDocument d = compiled.get(key);
        if (d != null) return d;
        try {
            d = PolicyDocument.parse(json, kind, name);
        } catch (MalformedPolicyException e) {
            // Written before a stricter check: it grants nothing rather than failing every request.
            log.warn("stored policy {} no longer parses: {}", name, e.getMessage());
            d = PolicyDocument.parse(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"NotAction\":\"*\","
                            + "\"Resource\":\"*\"}]}",
                    PolicyKind.IDENTITY,
                    name);
        }
        if (compiled.size() > 10_000) compiled.clear();
        compiled.put(key, d);
        return d;
    }

    /**
     * The organisation's verdict on a request: empty when the guardrails let it through, else the deny. SCPs bound
     * every principal of a member account (its root-equivalent admin too); RCPs bound the resources of a member
     * account, for every caller. The management account is exempt from both, as on AWS ({@link Organization#levels}).
     */
    public Optional<Decision> guardrailDenial(
            Principal caller, String resourceAccount, boolean rcpService, RequestContext ctx) {
        if (!caller.isAnonymous()) {
            Optional<Decision> d = check(Organization.SCP, caller.accountId(), ctx, true);
            if (d.isPresent()) return d;
        }
        if (rcpService && resourceAccount != null && !resourceAccount.isEmpty()) {
            return check(Organization.RCP, resourceAccount, ctx, false);
        }
        return Optional.empty();
    }

    private Optional<Decision> check(String type, String account, RequestContext ctx, boolean scp) {
        return Evaluator.evaluateLevels(scp ? PolicyKind.SCP : PolicyKind.RCP, levels(type, account), ctx);
    }

    private List<List<PolicyDocument>> levels(String type, String account) {
        long gen = org.generation();
        ConcurrentHashMap<String, Levels> guardrails = type.equals(Organization.SCP) ? scpLevels : rcpLevels;
        Levels l = guardrails.get(account);
        if (l != null && l.generation() == gen) return l.levels();
        PolicyKind kind = type.equals(Organization.SCP) ? PolicyKind.SCP : PolicyKind.RCP;
        List<List<PolicyDocument>> out = new ArrayList<>();
        for (List<Organization.Policy> level : org.levels(type, account)) {
            out.add(level.stream()
                    .map(p -> compile(p.content(), kind, p.name()))
                    .toList());
        }
        if (guardrails.size() > 10_000) guardrails.clear();
        guardrails.put(account, new Levels(gen, List.copyOf(out)));
        return out;
    }

    /**
     * A service action with no resource-based policy (IAM, Organizations): the caller's identity side, bounded, within
     * the organisation's SCPs.
     */
    public Decision decideIdentityOnly(Principal caller, RequestContext ctx) {
        Optional<Decision> guard = guardrailDenial(caller, caller.accountId(), false, ctx);
        if (guard.isPresent()) return guard.get();
        Grants g = grants(caller);
        return Evaluator.evaluate(
                new PolicySet(List.of(), List.of(), Optional.empty(), g.identity(), g.boundary(), g.session(), true),
                ctx);
    }

    /**
     * Keys a session carries into every request it signs: aws:SourceIdentity, set when the session was created
     * (AssumeRole's SourceIdentity, Roles Anywhere's certificate CN) and fixed for its life, so cached by key id.
     */
    public Map<String, List<String>> sessionKeys(Principal p) {
        if (p.isAnonymous() || p.sessionTokenIssued().isEmpty()) return Map.of();
        if (sourceIdentities.size() > 10_000) sourceIdentities.clear();
        Optional<String> id = sourceIdentities.computeIfAbsent(
                p.accessKeyId(), k -> sessions.session(k).flatMap(Sessions.Session::sourceIdentity));
        return id.map(v -> Map.of("aws:SourceIdentity", List.of(v))).orElse(Map.of());
    }

    /**
     * Keys that place the caller in the organisation. aws:PrincipalOrgID and aws:ResourceOrgID: every account on this
     * server belongs to its organisation, once there is one, so both are the organisation's id (the principal's only
     * for an authenticated caller); aws:PrincipalOrgPaths, the path from the organisation through the root and OUs to
     * the caller's account ({@code o-id/r-id/ou-id/}). Empty without an organisation.
     */
    public Map<String, List<String>> organizationKeys(Principal p) {
        long gen = org.generation();
        OrgId o = orgId;
        if (o.generation() != gen) {
            o = new OrgId(gen, org.info().map(Organization.Info::id));
            orgId = o;
        }
        if (o.id().isEmpty()) return Map.of();
        List<String> id = List.of(o.id().get());
        if (p.isAnonymous()) return Map.of("aws:ResourceOrgID", id);
        Optional<String> path = org.orgPath(p.accountId());
        return path.isPresent()
                ? Map.of(
                        "aws:PrincipalOrgID", id, "aws:ResourceOrgID", id, "aws:PrincipalOrgPaths", List.of(path.get()))
                : Map.of("aws:PrincipalOrgID", id, "aws:ResourceOrgID", id);
    }

    private static final RequestContext.Principal ANONYMOUS = RequestContext.Principal.anonymous();

    /** The caller as the policy engine sees it. */
    public static RequestContext.Principal contextPrincipal(Principal p) {
        if (p.isAnonymous()) return ANONYMOUS;
        return newContextPrincipal(p);
    }

    private static RequestContext.Principal newContextPrincipal(Principal p) {
        PrincipalType type = PrincipalType.fromAwsName(p.type()).orElse(PrincipalType.IAM_USER);
        return new RequestContext.Principal(p.arn(), p.accountId(), type, p.principalId(), p.userName(), "", "");
    }

    /** aws:CurrentTime and aws:EpochTime of one second, formatted once for every request made in it. */
    private record Second(long epochSecond, List<String> currentTime, List<String> epochTime) {
        private static volatile Second last = at(0);

        static Second of(long epochSecond) {
            Second s = last;
            if (s.epochSecond() != epochSecond) {
                s = at(epochSecond);
                last = s;
            }
            return s;
        }

        private static Second at(long epochSecond) {
            return new Second(
                    epochSecond,
                    List.of(Instant.ofEpochSecond(epochSecond).toString()),
                    List.of(Long.toString(epochSecond)));
        }
    }

    /**
     * The global condition keys every service shares (aws:CurrentTime, aws:SecureTransport, aws:SourceIp, the session
     * keys, principal tags). Long-lived keys have no session: aws:TokenIssueTime and aws:MultiFactorAuth* are absent.
     */
    public static Map<String, List<String>> globalKeys(
            Principal p, Instant now, boolean secure, String sourceIp, String region) {
        Map<String, List<String>> k = new HashMap<>(32);
        Second second = Second.of(now.getEpochSecond());
        k.put("aws:CurrentTime", second.currentTime());
        k.put("aws:EpochTime", second.epochTime());
        k.put("aws:SecureTransport", List.of(secure ? "true" : "false"));
        k.put("aws:ViaAWSService", List.of("false"));
        k.put("aws:RequestedRegion", List.of(region));
        if (sourceIp != null && !sourceIp.isEmpty()) k.put("aws:SourceIp", List.of(sourceIp));
        if (!p.isAnonymous()) {
            p.sessionTokenIssued().ifPresent(t -> {
                Instant issued = Instant.ofEpochMilli(t);
                k.put(
                        "aws:TokenIssueTime",
                        List.of(issued.truncatedTo(ChronoUnit.SECONDS).toString()));
                k.put("aws:MultiFactorAuthPresent", List.of(p.mfaAuthenticated() ? "true" : "false"));
                if (p.mfaAuthenticated()) {
                    k.put(
                            "aws:MultiFactorAuthAge",
                            List.of(Long.toString(Math.max(0, now.getEpochSecond() - issued.getEpochSecond()))));
                }
            });
            for (Map.Entry<String, String> t : p.tags().entrySet())
                k.put("aws:PrincipalTag/" + t.getKey(), List.of(t.getValue()));
        }
        return k;
    }
}

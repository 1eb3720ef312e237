package io.rampart.policy;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Everything a policy can look at for one request: action, resource ARN, the principal's facts, the
 * resource's account and the condition keys. Condition key names are case-insensitive as in AWS,
 * values are lists (multi-valued keys). Time arrives as {@code aws:CurrentTime} /
 * {@code aws:EpochTime}; the engine never reads a clock.
 *
 * <p>{@code conditionKeys} is normalised: names are lower-cased, and the keys AWS derives from the
 * principal ({@code aws:username}, {@code aws:userid}, {@code aws:PrincipalArn},
 * {@code aws:PrincipalAccount}, {@code aws:PrincipalType}) are added unless given explicitly. A context made with
 * {@link #deferred} builds them only when a policy first reads one.
 */
public record RequestContext(
        String action,
        String resource,
        Principal principal,
        String resourceAccountId,
        Map<String, List<String>> conditionKeys) {

    /**
     * The caller. {@code arn} is the caller's own ARN (for a role session the
     * {@code arn:aws:sts::…:assumed-role/role/session} ARN); {@code roleArn} is the IAM role ARN of a
     * session (derived from the session ARN when not given; empty otherwise).
     */
    public record Principal(
            String arn,
            String accountId,
            PrincipalType type,
            String userId,
            String username,
            String roleArn,
            String canonicalUserId) {

        public Principal {
            Objects.requireNonNull(type, "type");
            arn = arn == null ? "" : arn;
            accountId = accountId == null ? "" : accountId;
            userId = userId == null ? "" : userId;
            username = username == null ? "" : username;
            canonicalUserId = canonicalUserId == null ? "" : canonicalUserId;
            if (roleArn == null || roleArn.isEmpty())
                roleArn = type == PrincipalType.ASSUMED_ROLE ? roleArnOf(arn) : "";
        }

        public static Principal anonymous() {
            return new Principal("*", "", PrincipalType.ANONYMOUS, "anonymous", "", "", "");
        }

        public static Principal iamUser(String accountId, String name, String userId) {
            return new Principal(
                    "arn:aws:iam::" + accountId + ":user/" + name,
                    accountId,
                    PrincipalType.IAM_USER,
                    userId,
                    name,
                    "",
                    "");
        }

        public static Principal root(String accountId) {
            return new Principal(
                    "arn:aws:iam::" + accountId + ":root", accountId, PrincipalType.ROOT, accountId, "", "", "");
        }

        public static Principal assumedRole(String accountId, String roleName, String sessionName, String roleId) {
            return new Principal(
                    "arn:aws:sts::" + accountId + ":assumed-role/" + roleName + "/" + sessionName,
                    accountId,
                    PrincipalType.ASSUMED_ROLE,
                    roleId + ":" + sessionName,
                    "",
                    "",
                    "");
        }

        /** The aws:PrincipalArn value: the role ARN for a role session, else the caller's ARN. */
        public String principalArnKey() {
            return type == PrincipalType.ASSUMED_ROLE && !roleArn.isEmpty() ? roleArn : arn;
        }

        private static String roleArnOf(String sessionArn) {
            // arn:aws:sts::123456789012:assumed-role/RoleName/session -> arn:aws:iam::123456789012:role/RoleName
            String[] p = sessionArn.split(":", 6);
            if (p.length != 6 || !p[5].startsWith("assumed-role/")) return "";
            String rest = p[5].substring("assumed-role/".length());
            int slash = rest.lastIndexOf('/');
            if (slash <= 0) return "";
            return p[0] + ":" + p[1] + ":iam::" + p[4] + ":role/" + rest.substring(0, slash);
        }
    }

    public RequestContext {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(principal, "principal");
        resourceAccountId = resourceAccountId == null ? "" : resourceAccountId;
        if (!Deferred.isFor(conditionKeys, principal)) {
            conditionKeys = normalizeKeys(conditionKeys == null ? Map.of() : conditionKeys, principal);
        }
    }

    /**
     * A context whose condition keys are gathered (by {@code keys}, at most once) and normalised only when a policy
     * first reads one: a condition, a policy variable. Most requests are decided by statements that read none (the
     * account admin's Allow *, a guardrail-free account), and building every key for each of them showed in profiles.
     * {@code keys} must give the same answer whenever it is called, as a map built eagerly would have.
     */
    public static RequestContext deferred(
            String action,
            String resource,
            Principal principal,
            String resourceAccountId,
            Supplier<Map<String, List<String>>> keys) {
        return new RequestContext(action, resource, principal, resourceAccountId, new Deferred(keys, principal));
    }

    /** The condition keys of {@link #deferred}: read-only, resolved on first use. */
    private static final class Deferred extends AbstractMap<String, List<String>> {
        private final Supplier<Map<String, List<String>>> source;
        private final Principal principal;
        private volatile @Nullable Map<String, List<String>> resolved;

        Deferred(Supplier<Map<String, List<String>>> source, Principal principal) {
            this.source = source;
            this.principal = principal;
        }

        /** Whether {@code keys} are deferred keys made for this very principal (made by {@link #deferred}). */
        @SuppressWarnings("ReferenceEquality") // the instance deferred() was given, not an equal one
        static boolean isFor(@Nullable Map<String, List<String>> keys, Principal principal) {
            return keys instanceof Deferred d && d.principal == principal;
        }

        private Map<String, List<String>> keys() {
            Map<String, List<String>> m = resolved;
            if (m == null) {
                m = normalizeKeys(source.get(), principal);
                resolved = m;
            }
            return m;
        }

        @Override
        public @Nullable List<String> get(Object key) {
            return keys().get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return keys().containsKey(key);
        }

        @Override
        public int size() {
            return keys().size();
        }

        @Override
        public Set<Entry<String, List<String>>> entrySet() {
            return keys().entrySet();
        }
    }

    static String normalize(String key) {
        return key.toLowerCase(Locale.ROOT);
    }

    /** Values of a condition key (case-insensitive name); empty when absent. */
    public List<String> values(String key) {
        List<String> v = conditionKeys.get(normalize(key));
        return v == null ? List.of() : v;
    }

    /** Hot path: {@code lowerKey} is already normalised. Null when absent. */
    @Nullable
    List<String> valuesLower(String lowerKey) {
        return conditionKeys.get(lowerKey);
    }

    /** A single-valued key's value for policy variables; null if absent or multi-valued. */
    @Nullable
    String singleValue(String lowerKey) {
        List<String> v = conditionKeys.get(lowerKey);
        return v != null && v.size() == 1 ? v.get(0) : null;
    }

    private static Map<String, List<String>> normalizeKeys(Map<String, List<String>> given, Principal p) {
        Map<String, List<String>> m = new HashMap<>(given.size() * 2 + 8);
        for (var e : given.entrySet()) {
            // toLowerCase returns a name already in lower case as it is, and List.copyOf an immutable list.
            m.put(normalize(e.getKey()), List.copyOf(e.getValue()));
        }
        if (p.type() != PrincipalType.ANONYMOUS) {
            if (p.type() == PrincipalType.IAM_USER && !p.username().isEmpty())
                m.putIfAbsent("aws:username", List.of(p.username()));
            if (!p.userId().isEmpty()) m.putIfAbsent("aws:userid", List.of(p.userId()));
            if (!p.principalArnKey().isEmpty()) m.putIfAbsent("aws:principalarn", List.of(p.principalArnKey()));
            if (!p.accountId().isEmpty()) m.putIfAbsent("aws:principalaccount", List.of(p.accountId()));
        } else if (!p.userId().isEmpty()) {
            m.putIfAbsent("aws:userid", List.of(p.userId()));
        }
        m.putIfAbsent("aws:principaltype", List.of(p.type().principalTypeKey()));
        // Private to this context and never changed again: a read-only view rather than a second copy.
        return Collections.unmodifiableMap(m);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private @Nullable String action; // required: build() refuses a context without it
        private @Nullable String resource; // required
        private Principal principal = Principal.anonymous();
        private String resourceAccountId = "";
        private final Map<String, List<String>> keys = new HashMap<>();

        public Builder action(String action) {
            this.action = action;
            return this;
        }

        public Builder resource(String resource) {
            this.resource = resource;
            return this;
        }

        public Builder principal(Principal principal) {
            this.principal = principal;
            return this;
        }

        public Builder resourceAccountId(String id) {
            this.resourceAccountId = id;
            return this;
        }

        /** Sets (replaces) a key. Names are case-insensitive. */
        public Builder key(String name, String... values) {
            keys.put(normalize(name), List.of(values));
            return this;
        }

        public Builder key(String name, List<String> values) {
            keys.put(normalize(name), List.copyOf(values));
            return this;
        }

        /** Adds one value to a (possibly multi-valued) key. */
        public Builder addValue(String name, String value) {
            keys.computeIfAbsent(normalize(name), k -> new ArrayList<>());
            List<String> l = new ArrayList<>(keys.get(normalize(name)));
            l.add(value);
            keys.put(normalize(name), l);
            return this;
        }

        public Builder keys(Map<String, List<String>> all) {
            all.forEach(this::key);
            return this;
        }

        public RequestContext build() {
            return new RequestContext(
                    Objects.requireNonNull(action, "action"),
                    Objects.requireNonNull(resource, "resource"),
                    principal,
                    resourceAccountId,
                    keys);
        }
    }
}

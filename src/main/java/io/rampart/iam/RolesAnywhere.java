package io.rampart.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.policy.MalformedPolicyException;
import io.rampart.policy.PolicyDocument;
import io.rampart.policy.PolicyKind;
import io.rampart.policy.RequestContext;
import io.rampart.storage.Database;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IAM Roles Anywhere (REST-JSON, service {@code rolesanywhere}): trust anchors holding a CA certificate bundle,
 * profiles naming the roles a certificate may assume (with a session policy, managed policies and a duration) and
 * CRLs imported for a trust anchor, each control-plane action authorised as {@code rolesanywhere:Action}. CreateSession,
 * which turns a certificate whose key signed the request into an STS role session, is {@link RolesAnywhereSessions}.
 */
public final class RolesAnywhere {
    public static final String SERVICE_PRINCIPAL = "rolesanywhere.amazonaws.com";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[ a-zA-Z0-9\\-_]{1,255}");
    static final Pattern ROLE_ARN =
            Pattern.compile("arn:aws:iam::(\\d{12}):role/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]{1,64})");
    static final Pattern RA_ARN =
            Pattern.compile("arn:aws:rolesanywhere:([a-z0-9-]+):(\\d{12}):(trust-anchor|profile|crl)/([0-9a-f-]{36})");
    private static final Pattern ID = Pattern.compile("[0-9a-f-]{36}");
    private static final int MAX_CERTIFICATE_DATA = 8000;
    private static final int MAX_CRL = 300 * 1024;

    /** A refused call: HTTP status, the error type (x-amzn-ErrorType) and the message. */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String type;

        public Failure(int status, String type, String message) {
            super(message, null, false, false);
            this.status = status;
            this.type = type;
        }

        public int status() {
            return status;
        }

        public String type() {
            return type;
        }

        static Failure validation(String message) {
            return new Failure(400, "ValidationException", message);
        }

        static Failure notFound(String message) {
            return new Failure(404, "ResourceNotFoundException", message);
        }

        static Failure denied(String message) {
            return new Failure(403, "AccessDeniedException", message);
        }
    }

    /** One control-plane request, already authenticated. */
    public record Call(
            String method,
            String path,
            Map<String, String> query,
            byte[] body,
            Principal caller,
            Instant now,
            boolean secure,
            String sourceIp) {}

    /**
     * The answer and what the trail records of it: the action as event name, its request parameters and response
     * elements (never a secret).
     */
    public record Reply(int status, byte[] body, Map<String, String> trailResponse) {}

    /** The action a request routes to, known before it runs (for the trail record of a refused call too). */
    public record Route(String action, Optional<String> id, boolean readOnly) {}

    record Anchor(
            String id,
            String account,
            String name,
            boolean enabled,
            String sourceType,
            String data,
            Instant created,
            Instant updated,
            String arn) {}

    record Profile(
            String id,
            String account,
            String name,
            boolean enabled,
            List<String> roleArns,
            Optional<String> sessionPolicy,
            List<String> managedPolicyArns,
            int durationSeconds,
            boolean requireInstanceProperties,
            boolean acceptRoleSessionName,
            String createdBy,
            Instant created,
            Instant updated,
            String arn) {}

    record Crl(
            String id,
            String account,
            String name,
            boolean enabled,
            String trustAnchorArn,
            byte[] data,
            Instant created,
            Instant updated,
            String arn) {}

    private final Database db;
    private final IamStore store;
    private final Permissions permissions;
    private final String region;
    private final RolesAnywhereSessions sessions;

    public RolesAnywhere(Database db, IamStore store, Permissions permissions, String region) {
        this.db = db;
        this.store = store;
        this.permissions = permissions;
        this.region = region;
        this.sessions = new RolesAnywhereSessions(this, store, permissions, region);
    }

    /**
     * CreateSession for a request whose signature the leaf certificate's key made ({@link RolesAnywhereSessions}).
     * {@code trailParameters} receives the request parameters the trail records.
     */
    public Reply createSession(
            X509Certificate leaf,
            List<X509Certificate> chain,
            Map<String, String> query,
            byte[] body,
            Instant now,
            boolean secure,
            String sourceIp,
            Map<String, String> trailParameters) {
        return sessions.create(leaf, chain, query, body, now, secure, sourceIp, trailParameters);
    }

    /** The enabled CRLs imported for a trust anchor. */
    List<X509CRL> enabledCrls(String trustAnchorArn) {
        List<X509CRL> out = new ArrayList<>();
        for (Crl x : db.read(c -> Sql.list(
                c, "SELECT * FROM ra_crls WHERE trust_anchor_arn = ? AND enabled = 1", this::crlRow, trustAnchorArn))) {
            parseCrl(x.data()).ifPresent(out::add);
        }
        return out;
    }

    // ---- control plane ----

    /** The action of a control-plane request, from its method and path; empty when no action has that shape. */
    public static Optional<Route> route(String method, String path) {
        String[] p = path.replaceAll("^/+|/+$", "").split("/");
        String m = method.toUpperCase(java.util.Locale.ROOT);
        if (p.length == 1) {
            String plural = p[0];
            String kind = switch (plural) {
                case "trustanchors" -> "TrustAnchor";
                case "profiles" -> "Profile";
                case "crls" -> "Crl";
                default -> null;
            };
            if (kind == null) return Optional.empty();
            if (m.equals("POST"))
                return Optional.of(
                        new Route(kind.equals("Crl") ? "ImportCrl" : "Create" + kind, Optional.empty(), false));
            if (m.equals("GET")) return Optional.of(new Route("List" + kind + "s", Optional.empty(), true));
            return Optional.empty();
        }
        String kind = switch (p[0]) {
            case "trustanchor" -> "TrustAnchor";
            case "profile" -> "Profile";
            case "crl" -> "Crl";
            default -> null;
        };
        if (kind == null || p.length > 3) return Optional.empty();
        Optional<String> id = Optional.of(p[1]);
        if (p.length == 3) {
            if (!m.equals("POST")) return Optional.empty();
            return switch (p[2]) {
                case "enable" -> Optional.of(new Route("Enable" + kind, id, false));
                case "disable" -> Optional.of(new Route("Disable" + kind, id, false));
                default -> Optional.empty();
            };
        }
        return switch (m) {
            case "GET" -> Optional.of(new Route("Get" + kind, id, true));
            case "PATCH" -> Optional.of(new Route("Update" + kind, id, false));
            case "DELETE" -> Optional.of(new Route("Delete" + kind, id, false));
            default -> Optional.empty();
        };
    }

    public Reply handle(Call c, Route r) {
        if (c.caller().isAnonymous()) throw Failure.denied("Anonymous requests are not allowed.");
        JsonNode in = c.body().length == 0 ? JSON.createObjectNode() : readJson(c.body());
        ObjectNode out = JSON.createObjectNode();
        String account = c.caller().accountId();
        int status = 200;
        switch (r.action()) {
            case "CreateTrustAnchor" -> {
                authorize(c, r.action(), "*");
                status = 201;
                anchorJson(out.putObject("trustAnchor"), createAnchor(account, in, c.now()));
            }
            case "ListTrustAnchors" -> {
                authorize(c, r.action(), "*");
                ArrayNode list = out.putArray("trustAnchors");
                page(anchors(account), c.query(), out).forEach(a -> anchorJson(list.addObject(), a));
            }
            case "GetTrustAnchor" -> {
                Anchor a = anchor(account, r.id().orElseThrow());
                authorize(c, r.action(), a.arn());
                anchorJson(out.putObject("trustAnchor"), a);
            }
            case "UpdateTrustAnchor" -> {
                Anchor a = anchor(account, r.id().orElseThrow());
                authorize(c, r.action(), a.arn());
                String name = in.hasNonNull("name") ? name(in) : a.name();
                String data = in.hasNonNull("source") ? certificateBundle(in.get("source")) : a.data();
                db.write(conn -> Sql.update(
                        conn,
                        "UPDATE ra_trust_anchors SET name = ?, source_data = ?, updated = ? WHERE id = ?",
                        name,
                        data,
                        c.now().toEpochMilli(),
                        a.id()));
                anchorJson(out.putObject("trustAnchor"), anchor(account, a.id()));
            }
            case "DeleteTrustAnchor" -> {
                Anchor a = anchor(account, r.id().orElseThrow());
                authorize(c, r.action(), a.arn());
                db.write(conn -> {
                    Sql.update(conn, "DELETE FROM ra_crls WHERE trust_anchor_arn = ?", a.arn());
                    return Sql.update(conn, "DELETE FROM ra_trust_anchors WHERE id = ?", a.id());
                });
                anchorJson(out.putObject("trustAnchor"), a);
            }
            case "EnableTrustAnchor", "DisableTrustAnchor" -> {
                Anchor a = anchor(account, r.id().orElseThrow());
                authorize(c, r.action(), a.arn());
                setEnabled("ra_trust_anchors", a.id(), r.action().startsWith("Enable"), c.now());
                anchorJson(out.putObject("trustAnchor"), anchor(account, a.id()));
            }
            case "CreateProfile" -> {
                authorize(c, r.action(), "*");
                status = 201;
                profileJson(out.putObject("profile"), createProfile(c, account, in));
            }
            case "ListProfiles" -> {
                authorize(c, r.action(), "*");
                ArrayNode list = out.putArray("profiles");
                page(profiles(account), c.query(), out).forEach(p -> profileJson(list.addObject(), p));
            }
            case "GetProfile" -> {
                Profile p = profile(account, r.id().orElseThrow());
                authorize(c, r.action(), p.arn());
                profileJson(out.putObject("profile"), p);
            }
            case "UpdateProfile" -> {
                Profile p = profile(account, r.id().orElseThrow());
                authorize(c, r.action(), p.arn());
                String name = in.hasNonNull("name") ? name(in) : p.name();
                List<String> roles = in.has("roleArns") ? roleArns(in) : p.roleArns();
                Optional<String> policy = in.has("sessionPolicy") ? sessionPolicy(in) : p.sessionPolicy();
                List<String> managed = in.has("managedPolicyArns") ? managedPolicyArns(in) : p.managedPolicyArns();
                int duration = in.has("durationSeconds") ? duration(in) : p.durationSeconds();
                boolean accept = in.has("acceptRoleSessionName")
                        ? in.get("acceptRoleSessionName").asBoolean()
                        : p.acceptRoleSessionName();
                db.write(conn -> Sql.update(
                        conn,
                        "UPDATE ra_profiles SET name = ?, role_arns = ?, session_policy = ?, "
                                + "managed_policy_arns = ?, duration_seconds = ?, accept_role_session_name = ?, updated = ? WHERE id = ?",
                        name,
                        jsonList(roles),
                        policy.orElse(null),
                        jsonList(managed),
                        duration,
                        accept ? 1 : 0,
                        c.now().toEpochMilli(),
                        p.id()));
                profileJson(out.putObject("profile"), profile(account, p.id()));
            }
            case "DeleteProfile" -> {
                Profile p = profile(account, r.id().orElseThrow());
                authorize(c, r.action(), p.arn());
                db.write(conn -> Sql.update(conn, "DELETE FROM ra_profiles WHERE id = ?", p.id()));
                profileJson(out.putObject("profile"), p);
            }
            case "EnableProfile", "DisableProfile" -> {
                Profile p = profile(account, r.id().orElseThrow());
                authorize(c, r.action(), p.arn());
                setEnabled("ra_profiles", p.id(), r.action().startsWith("Enable"), c.now());
                profileJson(out.putObject("profile"), profile(account, p.id()));
            }
            case "ImportCrl" -> {
                authorize(c, r.action(), "*");
                status = 201;
                crlJson(out.putObject("crl"), importCrl(account, in, c.now()));
            }
            case "ListCrls" -> {
                authorize(c, r.action(), "*");
                ArrayNode list = out.putArray("crls");
                page(crls(account), c.query(), out).forEach(x -> crlJson(list.addObject(), x));
            }
            case "GetCrl" -> {
                Crl x = crl(account, r.id().orElseThrow());
                authorize(c, r.action(), x.arn());
                crlJson(out.putObject("crl"), x);
            }
            case "UpdateCrl" -> {
                Crl x = crl(account, r.id().orElseThrow());
                authorize(c, r.action(), x.arn());
                String name = in.hasNonNull("name") ? name(in) : x.name();
                byte[] data = in.hasNonNull("crlData") ? crlData(in) : x.data();
                db.write(conn -> Sql.update(
                        conn,
                        "UPDATE ra_crls SET name = ?, crl_data = ?, updated = ? WHERE id = ?",
                        name,
                        data,
                        c.now().toEpochMilli(),
                        x.id()));
                crlJson(out.putObject("crl"), crl(account, x.id()));
            }
            case "DeleteCrl" -> {
                Crl x = crl(account, r.id().orElseThrow());
                authorize(c, r.action(), x.arn());
                db.write(conn -> Sql.update(conn, "DELETE FROM ra_crls WHERE id = ?", x.id()));
                crlJson(out.putObject("crl"), x);
            }
            case "EnableCrl", "DisableCrl" -> {
                Crl x = crl(account, r.id().orElseThrow());
                authorize(c, r.action(), x.arn());
                setEnabled("ra_crls", x.id(), r.action().startsWith("Enable"), c.now());
                crlJson(out.putObject("crl"), crl(account, x.id()));
            }
            default -> throw new Failure(404, "UnknownOperationException", "Unknown operation " + r.action());
        }
        Map<String, String> trail = new LinkedHashMap<>();
        for (String k : List.of("trustAnchor", "profile", "crl")) {
            JsonNode d = out.get(k);
            if (d == null) continue;
            for (String f : List.of("trustAnchorArn", "profileArn", "crlArn", "enabled")) {
                if (d.has(f)) trail.put(k + "." + f, d.get(f).asText());
            }
        }
        return new Reply(status, bytes(out), trail);
    }

    private void authorize(Call c, String action, String resource) {
        Principal caller = c.caller();
        RequestContext ctx = new RequestContext(
                "rolesanywhere:" + action,
                resource,
                Permissions.contextPrincipal(caller),
                caller.accountId(),
                Permissions.globalKeys(caller, c.now(), c.secure(), c.sourceIp(), region));
        if (!permissions.decideIdentityOnly(caller, ctx).allowed()) {
            throw Failure.denied("User: " + caller.arn() + " is not authorized to perform: rolesanywhere:" + action
                    + " on resource: " + resource);
        }
    }

    private Anchor createAnchor(String account, JsonNode in, Instant now) {
        String name = name(in);
        if (!in.hasNonNull("source")) throw Failure.validation("source is required");
        String data = certificateBundle(in.get("source"));
        boolean enabled = in.path("enabled").asBoolean(false);
        String id = UUID.randomUUID().toString();
        db.write(c -> Sql.update(
                c,
                "INSERT INTO ra_trust_anchors(id, account, name, enabled, source_type, source_data, "
                        + "created, updated) VALUES(?,?,?,?,?,?,?,?)",
                id,
                account,
                name,
                enabled ? 1 : 0,
                "CERTIFICATE_BUNDLE",
                data,
                now.toEpochMilli(),
                now.toEpochMilli()));
        return anchor(account, id);
    }

    /** The trust anchor's source: a CERTIFICATE_BUNDLE of CA certificates (PEM). */
    private static String certificateBundle(JsonNode source) {
        String type = source.path("sourceType").asText("");
        if (!type.equals("CERTIFICATE_BUNDLE")) {
            throw Failure.validation("sourceType "
                    + (type.isEmpty()
                            ? "is required"
                            : type + " is not supported by this server: use CERTIFICATE_BUNDLE"));
        }
        String pem = source.path("sourceData").path("x509CertificateData").asText("");
        if (pem.isEmpty() || pem.length() > MAX_CERTIFICATE_DATA) {
            throw Failure.validation("x509CertificateData must be 1 to " + MAX_CERTIFICATE_DATA + " characters of PEM");
        }
        List<X509Certificate> certs = parseBundle(pem);
        if (certs.isEmpty()) throw Failure.validation("x509CertificateData holds no certificate");
        for (X509Certificate ca : certs) {
            if (ca.getBasicConstraints() < 0) {
                throw Failure.validation("Trust anchor certificate "
                        + ca.getSubjectX500Principal().getName()
                        + " is not a CA certificate (basicConstraints CA:TRUE)");
            }
        }
        return pem;
    }

    static List<X509Certificate> parseBundle(String pem) {
        try {
            Collection<? extends java.security.cert.Certificate> all = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            List<X509Certificate> out = new ArrayList<>();
            for (var c : all) out.add((X509Certificate) c);
            return out;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw Failure.validation("x509CertificateData is not a PEM-encoded X.509 certificate bundle");
        }
    }

    private Profile createProfile(Call c, String account, JsonNode in) {
        String name = name(in);
        List<String> roles = roleArns(in);
        Optional<String> policy = sessionPolicy(in);
        List<String> managed = managedPolicyArns(in);
        int duration = in.has("durationSeconds") ? duration(in) : 3600;
        boolean enabled = in.path("enabled").asBoolean(false);
        boolean requireInstance = in.path("requireInstanceProperties").asBoolean(false);
        boolean accept = in.path("acceptRoleSessionName").asBoolean(false);
        String id = UUID.randomUUID().toString();
        Instant now = c.now();
        db.write(conn -> Sql.update(
                conn,
                "INSERT INTO ra_profiles(id, account, name, enabled, role_arns, session_policy, "
                        + "managed_policy_arns, duration_seconds, require_instance_properties, accept_role_session_name, created_by, "
                        + "created, updated) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                id,
                account,
                name,
                enabled ? 1 : 0,
                jsonList(roles),
                policy.orElse(null),
                jsonList(managed),
                duration,
                requireInstance ? 1 : 0,
                accept ? 1 : 0,
                c.caller().arn(),
                now.toEpochMilli(),
                now.toEpochMilli()));
        return profile(account, id);
    }

    private static String name(JsonNode in) {
        String name = in.path("name").asText("");
        if (!NAME.matcher(name).matches()) {
            throw Failure.validation("name must be 1 to 255 characters of letters, digits, spaces, '-' and '_'");
        }
        return name;
    }

    private static List<String> roleArns(JsonNode in) {
        JsonNode a = in.get("roleArns");
        if (a == null || !a.isArray() || a.size() > 250)
            throw Failure.validation("roleArns must be a list of at most 250 role ARNs");
        List<String> out = new ArrayList<>();
        for (JsonNode n : a) {
            String arn = n.asText("");
            if (!ROLE_ARN.matcher(arn).matches()) throw Failure.validation("Invalid role ARN: " + arn);
            out.add(arn);
        }
        return out;
    }

    private static Optional<String> sessionPolicy(JsonNode in) {
        if (!in.hasNonNull("sessionPolicy")) return Optional.empty();
        String policy = in.get("sessionPolicy").asText();
        try {
            PolicyDocument.parse(policy, PolicyKind.SESSION);
        } catch (MalformedPolicyException e) {
            throw Failure.validation("sessionPolicy is malformed: " + e.getMessage());
        }
        return Optional.of(policy);
    }

    private List<String> managedPolicyArns(JsonNode in) {
        JsonNode a = in.get("managedPolicyArns");
        if (a == null || a.isNull()) return List.of();
        if (!a.isArray() || a.size() > 50)
            throw Failure.validation("managedPolicyArns must be a list of at most 50 ARNs");
        List<String> out = new ArrayList<>();
        for (JsonNode n : a) {
            String arn = n.asText("");
            try {
                store.directory().policy(arn);
            } catch (IamException e) {
                throw Failure.validation("Managed policy " + arn + " does not exist");
            }
            out.add(arn);
        }
        return out;
    }

    static int duration(JsonNode in) {
        JsonNode d = in.get("durationSeconds");
        if (d == null || !d.canConvertToInt() || d.asInt() < 900 || d.asInt() > 43_200) {
            throw Failure.validation("durationSeconds must be between 900 and 43200");
        }
        return d.asInt();
    }

    private Crl importCrl(String account, JsonNode in, Instant now) {
        String name = name(in);
        byte[] data = crlData(in);
        String anchorArn = in.path("trustAnchorArn").asText("");
        Matcher m = RA_ARN.matcher(anchorArn);
        if (!m.matches() || !m.group(3).equals("trust-anchor"))
            throw Failure.validation("Invalid trustAnchorArn: " + anchorArn);
        Anchor a = anchor(account, m.group(4));
        boolean enabled = in.path("enabled").asBoolean(false);
        String id = UUID.randomUUID().toString();
        db.write(c -> Sql.update(
                c,
                "INSERT INTO ra_crls(id, account, name, enabled, trust_anchor_arn, crl_data, created, "
                        + "updated) VALUES(?,?,?,?,?,?,?,?)",
                id,
                account,
                name,
                enabled ? 1 : 0,
                a.arn(),
                data,
                now.toEpochMilli(),
                now.toEpochMilli()));
        return crl(account, id);
    }

    /** crlData: the CRL, base64 in JSON (a blob); DER or PEM inside, as X.509 CRLs are published. */
    private static byte[] crlData(JsonNode in) {
        byte[] data;
        try {
            data = Base64.getMimeDecoder().decode(in.path("crlData").asText(""));
        } catch (IllegalArgumentException e) {
            throw Failure.validation("crlData is not base64");
        }
        if (data.length == 0 || data.length > MAX_CRL) throw Failure.validation("crlData must be 1 byte to 300 KB");
        if (parseCrl(data).isEmpty()) throw Failure.validation("crlData is not an X.509 certificate revocation list");
        return data;
    }

    static Optional<X509CRL> parseCrl(byte[] data) {
        try {
            return Optional.of(
                    (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(data)));
        } catch (GeneralSecurityException | ClassCastException e) {
            return Optional.empty();
        }
    }

    private void setEnabled(String table, String id, boolean enabled, Instant now) {
        db.write(c -> Sql.update(
                c,
                "UPDATE " + table + " SET enabled = ?, updated = ? WHERE id = ?",
                enabled ? 1 : 0,
                now.toEpochMilli(),
                id));
    }

    private static <T> List<T> page(List<T> all, Map<String, String> query, ObjectNode out) {
        int size = 50;
        int from = 0;
        try {
            if (query.containsKey("pageSize")) size = Integer.parseInt(query.get("pageSize"));
            if (query.containsKey("nextToken")) from = Integer.parseInt(query.get("nextToken"));
        } catch (NumberFormatException e) {
            throw Failure.validation("pageSize and nextToken must be numbers this server issued");
        }
        if (size < 1 || size > 1000 || from < 0) throw Failure.validation("pageSize must be 1 to 1000");
        int to = Math.min(all.size(), from + size);
        if (to < all.size()) out.put("nextToken", Integer.toString(to));
        return from >= all.size() ? List.of() : all.subList(from, to);
    }

    // ---- reads ----

    String arn(String account, String kind, String id) {
        return "arn:aws:rolesanywhere:" + region + ":" + account + ":" + kind + "/" + id;
    }

    Anchor anchor(String account, String id) {
        if (!ID.matcher(id).matches()) throw Failure.validation("Invalid trust anchor id: " + id);
        return db.read(c -> Sql.one(
                        c, "SELECT * FROM ra_trust_anchors WHERE id = ? AND account = ?", this::anchorRow, id, account))
                .orElseThrow(() -> Failure.notFound("Resource not found"));
    }

    private List<Anchor> anchors(String account) {
        return db.read(c -> Sql.list(
                c, "SELECT * FROM ra_trust_anchors WHERE account = ? ORDER BY created, id", this::anchorRow, account));
    }

    private Anchor anchorRow(ResultSet rs) throws SQLException {
        return new Anchor(
                rs.getString("id"),
                rs.getString("account"),
                rs.getString("name"),
                rs.getInt("enabled") == 1,
                rs.getString("source_type"),
                rs.getString("source_data"),
                Instant.ofEpochMilli(rs.getLong("created")),
                Instant.ofEpochMilli(rs.getLong("updated")),
                arn(rs.getString("account"), "trust-anchor", rs.getString("id")));
    }

    Profile profile(String account, String id) {
        if (!ID.matcher(id).matches()) throw Failure.validation("Invalid profile id: " + id);
        return db.read(c -> Sql.one(
                        c, "SELECT * FROM ra_profiles WHERE id = ? AND account = ?", this::profileRow, id, account))
                .orElseThrow(() -> Failure.notFound("Resource not found"));
    }

    private List<Profile> profiles(String account) {
        return db.read(c -> Sql.list(
                c, "SELECT * FROM ra_profiles WHERE account = ? ORDER BY created, id", this::profileRow, account));
    }

    private Profile profileRow(ResultSet rs) throws SQLException {
        return new Profile(
                rs.getString("id"),
                rs.getString("account"),
                rs.getString("name"),
                rs.getInt("enabled") == 1,
                parseList(rs.getString("role_arns")),
                Optional.ofNullable(rs.getString("session_policy")),
                parseList(rs.getString("managed_policy_arns")),
                rs.getInt("duration_seconds"),
                rs.getInt("require_instance_properties") == 1,
                rs.getInt("accept_role_session_name") == 1,
                rs.getString("created_by"),
                Instant.ofEpochMilli(rs.getLong("created")),
                Instant.ofEpochMilli(rs.getLong("updated")),
                arn(rs.getString("account"), "profile", rs.getString("id")));
    }

    private Crl crl(String account, String id) {
        if (!ID.matcher(id).matches()) throw Failure.validation("Invalid CRL id: " + id);
        return db.read(c -> Sql.one(c, "SELECT * FROM ra_crls WHERE id = ? AND account = ?", this::crlRow, id, account))
                .orElseThrow(() -> Failure.notFound("Resource not found"));
    }

    private List<Crl> crls(String account) {
        return db.read(c ->
                Sql.list(c, "SELECT * FROM ra_crls WHERE account = ? ORDER BY created, id", this::crlRow, account));
    }

    Crl crlRow(ResultSet rs) throws SQLException {
        return new Crl(
                rs.getString("id"),
                rs.getString("account"),
                rs.getString("name"),
                rs.getInt("enabled") == 1,
                rs.getString("trust_anchor_arn"),
                rs.getBytes("crl_data"),
                Instant.ofEpochMilli(rs.getLong("created")),
                Instant.ofEpochMilli(rs.getLong("updated")),
                arn(rs.getString("account"), "crl", rs.getString("id")));
    }

    private static void anchorJson(ObjectNode o, Anchor a) {
        o.put("trustAnchorArn", a.arn())
                .put("trustAnchorId", a.id())
                .put("name", a.name())
                .put("enabled", a.enabled());
        ObjectNode source = o.putObject("source");
        source.put("sourceType", a.sourceType());
        source.putObject("sourceData").put("x509CertificateData", a.data());
        o.putArray("notificationSettings");
        o.put("createdAt", a.created().toString()).put("updatedAt", a.updated().toString());
    }

    private static void profileJson(ObjectNode o, Profile p) {
        o.put("profileArn", p.arn())
                .put("profileId", p.id())
                .put("name", p.name())
                .put("enabled", p.enabled());
        ArrayNode roles = o.putArray("roleArns");
        p.roleArns().forEach(roles::add);
        p.sessionPolicy().ifPresent(s -> o.put("sessionPolicy", s));
        ArrayNode managed = o.putArray("managedPolicyArns");
        p.managedPolicyArns().forEach(managed::add);
        o.put("durationSeconds", p.durationSeconds())
                .put("requireInstanceProperties", p.requireInstanceProperties())
                .put("acceptRoleSessionName", p.acceptRoleSessionName())
                .put("createdBy", p.createdBy());
        o.putArray("attributeMappings");
        o.put("createdAt", p.created().toString()).put("updatedAt", p.updated().toString());
    }

    private static void crlJson(ObjectNode o, Crl x) {
        o.put("crlArn", x.arn())
                .put("crlId", x.id())
                .put("name", x.name())
                .put("enabled", x.enabled())
                .put("trustAnchorArn", x.trustAnchorArn())
                .put("crlData", Base64.getEncoder().encodeToString(x.data()))
                .put("createdAt", x.created().toString())
                .put("updatedAt", x.updated().toString());
    }

    // ---- JSON ----

    static JsonNode readJson(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) throw Failure.validation("The request body must be a JSON object");
            return n;
        } catch (IOException e) {
            throw Failure.validation("The request body is not valid JSON");
        }
    }

    static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The error body of the REST-JSON protocol. */
    public static byte[] errorBody(String message) {
        return bytes(JSON.createObjectNode().put("message", message));
    }

    private static String jsonList(List<String> values) {
        ArrayNode a = JSON.createArrayNode();
        values.forEach(a::add);
        return a.toString();
    }

    private static List<String> parseList(String json) {
        try {
            return List.of(JSON.readValue(json, String[].class));
        } catch (IOException e) {
            throw new IllegalStateException("stored list is not JSON", e);
        }
    }
}

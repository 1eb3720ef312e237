package io.rampart.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.iam.RolesAnywhere.Anchor;
import io.rampart.iam.RolesAnywhere.Failure;
import io.rampart.iam.RolesAnywhere.Profile;
import io.rampart.iam.RolesAnywhere.Reply;
import io.rampart.policy.Decision;
import io.rampart.policy.Evaluator;
import io.rampart.policy.PolicyDocument;
import io.rampart.policy.PolicyKind;
import io.rampart.policy.PolicySet;
import io.rampart.policy.PrincipalType;
import io.rampart.policy.RequestContext;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * IAM Roles Anywhere's CreateSession once the request's X.509 signature is verified: the certificate must chain to the
 * named enabled trust anchor (JDK PKIX: signatures, validity dates, CA constraints) and not be revoked by an enabled
 * CRL of that anchor; the profile must be enabled and list the role; the role must trust rolesanywhere.amazonaws.com for
 * sts:AssumeRole, sts:TagSession and sts:SetSourceIdentity. The STS role session that results has the subject's CN as
 * source identity, the certificate's subject, issuer and SAN fields as tags ({@code x509Subject/CN}...), the profile's
 * session policies, and never outlives the certificate.
 */
final class RolesAnywhereSessions {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final List<String> TRUST_ACTIONS =
            List.of("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity");
    private static final List<String> DN_FIELDS = List.of("CN", "OU", "O", "L", "ST", "C", "DC");
    private static final Pattern RA_ARN = RolesAnywhere.RA_ARN;
    private static final Pattern ROLE_ARN = RolesAnywhere.ROLE_ARN;

    private final RolesAnywhere service;
    private final IamStore store;
    private final Permissions permissions;
    private final String region;

    RolesAnywhereSessions(RolesAnywhere service, IamStore store, Permissions permissions, String region) {
        this.service = service;
        this.store = store;
        this.permissions = permissions;
        this.region = region;
    }

    /**
     * CreateSession for a request whose signature the leaf certificate's key made: profileArn, roleArn and
     * trustAnchorArn (query string or JSON body), durationSeconds and roleSessionName (JSON body).
     */
    Reply create(
            X509Certificate leaf,
            List<X509Certificate> chain,
            Map<String, String> query,
            byte[] body,
            Instant now,
            boolean secure,
            String sourceIp,
            Map<String, String> trailParameters) {
        JsonNode in = body.length == 0 ? JSON.createObjectNode() : RolesAnywhere.readJson(body);
        String profileArn = param(query, in, "profileArn");
        String roleArn = param(query, in, "roleArn");
        String anchorArn = param(query, in, "trustAnchorArn");
        trailParameters.put("profileArn", profileArn);
        trailParameters.put("roleArn", roleArn);
        trailParameters.put("trustAnchorArn", anchorArn);
        trailParameters.put("x509Subject", leaf.getSubjectX500Principal().getName());
        trailParameters.put("x509SerialNumber", leaf.getSerialNumber().toString(16));
        Integer requested = null;
        if (in.has("durationSeconds")) {
            requested = RolesAnywhere.duration(in);
            trailParameters.put("durationSeconds", Integer.toString(requested));
        }
        Matcher pm = RA_ARN.matcher(profileArn);
        Matcher am = RA_ARN.matcher(anchorArn);
        Matcher rm = ROLE_ARN.matcher(roleArn);
        if (!pm.matches() || !pm.group(3).equals("profile"))
            throw Failure.validation("Invalid profileArn: " + profileArn);
        if (!am.matches() || !am.group(3).equals("trust-anchor"))
            throw Failure.validation("Invalid trustAnchorArn: " + anchorArn);
        if (!rm.matches()) throw Failure.validation("Invalid roleArn: " + roleArn);
        String account = am.group(2);

        Anchor anchor = lookup(() -> service.anchor(account, am.group(4)))
                .filter(a -> a.arn().equals(anchorArn))
                .orElseThrow(() -> Failure.denied("Untrusted signing certificate."));
        if (!anchor.enabled()) throw Failure.denied("Trust anchor is disabled.");
        Profile profile = lookup(() -> service.profile(pm.group(2), pm.group(4)))
                .filter(p -> p.arn().equals(profileArn))
                .orElseThrow(() -> Failure.denied("Profile not found."));
        if (!profile.account().equals(account))
            throw Failure.denied("Profile and trust anchor are in different accounts.");
        if (!profile.enabled()) throw Failure.denied("Profile is disabled.");
        if (!profile.roleArns().contains(roleArn)) {
            throw Failure.denied("Unable to assume role " + roleArn + ": it is not in profile " + profileArn + ".");
        }
        List<X509Certificate> path = validatePath(leaf, chain, anchor, now);
        checkRevocation(path, anchor);

        Entity role = store.directory()
                .find(rm.group(1), "role", rm.group(2))
                .filter(e -> e.arn().equals(roleArn))
                .orElseThrow(() -> Failure.denied("Unable to assume role " + roleArn + "."));
        Map<String, String> x509Tags = x509Tags(leaf);
        String sourceIdentity =
                x509Tags.getOrDefault("x509Subject/CN", leaf.getSerialNumber().toString(16));
        trustAllows(role, roleArn, anchor, x509Tags, sourceIdentity, now, secure, sourceIp);

        String sessionName = leaf.getSerialNumber().toString(16);
        if (profile.acceptRoleSessionName() && in.hasNonNull("roleSessionName")) {
            sessionName = in.get("roleSessionName").asText();
            if (!SESSION_NAME.matcher(sessionName).matches())
                throw Failure.validation("Invalid roleSessionName: " + sessionName);
        }
        if (sessionName.length() > 64) sessionName = sessionName.substring(0, 64);
        int duration = requested == null ? profile.durationSeconds() : Math.min(requested, profile.durationSeconds());
        Instant expires = now.plusSeconds(duration);
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (notAfter.isBefore(expires)) expires = notAfter;
        Map<String, String> tags = new LinkedHashMap<>(role.tags());
        tags.putAll(x509Tags);
        String arnOut = "arn:aws:sts::" + account + ":assumed-role/" + role.name() + "/" + sessionName;
        Sessions.Issued s = store.sessions()
                .create(
                        account,
                        "role",
                        role.name(),
                        sessionName,
                        role.id() + ":" + sessionName,
                        arnOut,
                        now,
                        expires,
                        profile.sessionPolicy(),
                        profile.managedPolicyArns(),
                        false,
                        Optional.of(sourceIdentity),
                        tags,
                        null);
        String subjectArn = service.arn(
                account,
                "subject",
                UUID.nameUUIDFromBytes(
                                (account + "\n" + leaf.getSubjectX500Principal().getName())
                                        .getBytes(StandardCharsets.UTF_8))
                        .toString());

        ObjectNode out = JSON.createObjectNode();
        ObjectNode set = out.putArray("credentialSet").addObject();
        set.putObject("assumedRoleUser")
                .put("arn", arnOut)
                .put("assumedRoleId", s.session().principalId());
        set.putObject("credentials")
                .put("accessKeyId", s.session().accessKeyId())
                .put("secretAccessKey", s.secretKey())
                .put("sessionToken", s.sessionToken())
                .put(
                        "expiration",
                        s.session().expires().truncatedTo(ChronoUnit.SECONDS).toString());
        int packed = profile.sessionPolicy()
                .map(p -> p.replaceAll("\\s", "").length() * 100 / 2048)
                .orElse(0);
        set.put("packedPolicySize", packed).put("roleArn", roleArn).put("sourceIdentity", sourceIdentity);
        out.put("subjectArn", subjectArn);
        Map<String, String> trail = new LinkedHashMap<>();
        trail.put("credentials.accessKeyId", s.session().accessKeyId());
        trail.put(
                "credentials.expiration",
                s.session().expires().truncatedTo(ChronoUnit.SECONDS).toString());
        trail.put("assumedRoleUser.arn", arnOut);
        trail.put("sourceIdentity", sourceIdentity);
        trail.put("subjectArn", subjectArn);
        return new Reply(201, RolesAnywhere.bytes(out), trail);
    }

    private static <T> Optional<T> lookup(java.util.function.Supplier<T> read) {
        try {
            return Optional.of(read.get());
        } catch (Failure e) {
            return Optional.empty();
        }
    }

    private static String param(Map<String, String> query, JsonNode in, String name) {
        String v = query.get(name);
        if (v == null && in.hasNonNull(name)) v = in.get(name).asText();
        if (v == null || v.isEmpty()) throw Failure.validation(name + " is required");
        return v;
    }

    /** PKIX from the leaf through the presented intermediates to one of the anchor's CA certificates. */
    private static List<X509Certificate> validatePath(
            X509Certificate leaf, List<X509Certificate> chain, Anchor anchor, Instant now) {
        if (leaf.getBasicConstraints() >= 0)
            throw Failure.denied("The signing certificate must be an end-entity certificate.");
        List<X509Certificate> cas = RolesAnywhere.parseBundle(anchor.data());
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate ca : cas) anchors.add(new TrustAnchor(ca, null));
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        for (X509Certificate c : chain) {
            if (!cas.contains(c)) path.add(c);
        }
        try {
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            var certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            var result = (java.security.cert.PKIXCertPathValidatorResult)
                    CertPathValidator.getInstance("PKIX").validate(certPath, params);
            path.add(result.getTrustAnchor().getTrustedCert());
            return path;
        } catch (CertPathValidatorException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof CertificateExpiredException
                        || t instanceof CertificateNotYetValidException
                        || e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                        || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                    throw Failure.denied("Untrusted signing certificate: it is not valid at this time.");
                }
            }
            throw Failure.denied("Untrusted signing certificate.");
        } catch (GeneralSecurityException e) {
            throw Failure.denied("Untrusted signing certificate.");
        }
    }

    /** Every certificate below the anchor is checked against the anchor's enabled CRLs signed by its issuer. */
    private void checkRevocation(List<X509Certificate> path, Anchor anchor) {
        List<X509CRL> lists = service.enabledCrls(anchor.arn());
        if (lists.isEmpty()) return;
        for (int i = 0; i + 1 < path.size(); i++) {
            X509Certificate cert = path.get(i);
            PublicKey issuerKey = path.get(i + 1).getPublicKey();
            for (X509CRL crl : lists) {
                if (!crl.getIssuerX500Principal().equals(cert.getIssuerX500Principal())) continue;
                try {
                    crl.verify(issuerKey);
                } catch (GeneralSecurityException e) {
                    continue;
                }
                if (crl.isRevoked(cert)) throw Failure.denied("Certificate revoked.");
            }
        }
    }

    /** The role must trust rolesanywhere.amazonaws.com for sts:AssumeRole, sts:TagSession and sts:SetSourceIdentity. */
    private void trustAllows(
            Entity role,
            String roleArn,
            Anchor anchor,
            Map<String, String> x509Tags,
            String sourceIdentity,
            Instant now,
            boolean secure,
            String sourceIp) {
        PolicyDocument trust =
                permissions.compile(role.trustPolicy().orElse("{}"), PolicyKind.TRUST, roleArn + " trust policy");
        RequestContext.Principal caller = new RequestContext.Principal(
                RolesAnywhere.SERVICE_PRINCIPAL,
                "",
                PrincipalType.SERVICE,
                RolesAnywhere.SERVICE_PRINCIPAL,
                "",
                "",
                "");
        for (String action : TRUST_ACTIONS) {
            Map<String, List<String>> k = Permissions.globalKeys(Principal.anonymous(), now, secure, sourceIp, region);
            k.put("aws:SourceArn", List.of(anchor.arn()));
            k.put("aws:SourceAccount", List.of(anchor.account()));
            k.put("sts:SourceIdentity", List.of(sourceIdentity));
            x509Tags.forEach((key, v) -> {
                k.put("aws:PrincipalTag/" + key, List.of(v));
                k.put("aws:RequestTag/" + key, List.of(v));
            });
            k.put("aws:TagKeys", new ArrayList<>(x509Tags.keySet()));
            RequestContext ctx = new RequestContext(action, roleArn, caller, role.account(), k);
            Optional<Decision> guard = permissions.guardrailDenial(Principal.anonymous(), role.account(), true, ctx);
            Decision d = guard.orElseGet(() -> Evaluator.evaluateTrust(
                    trust,
                    new PolicySet(
                            List.of(), List.of(), Optional.empty(), List.of(), Optional.empty(), List.of(), false),
                    ctx));
            if (!d.allowed()) {
                throw Failure.denied("Unable to assume role " + roleArn + ": its trust policy does not allow "
                        + RolesAnywhere.SERVICE_PRINCIPAL + " to perform " + action + ".");
            }
        }
    }

    /** x509Subject/*, x509Issuer/* and x509SAN/* as AWS maps them to session tags (first value of each field). */
    static Map<String, String> x509Tags(X509Certificate cert) {
        Map<String, String> tags = new LinkedHashMap<>();
        dnTags("x509Subject/", cert.getSubjectX500Principal(), tags);
        dnTags("x509Issuer/", cert.getIssuerX500Principal(), tags);
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    String key = switch (type) {
                        case 2 -> "x509SAN/DNS";
                        case 6 -> "x509SAN/URI";
                        case 4 -> "x509SAN/Name";
                        default -> null;
                    };
                    if (key != null && san.get(1) instanceof String v) tags.putIfAbsent(key, v);
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            // No usable SAN: no SAN tags.
        }
        return tags;
    }

    private static void dnTags(String prefix, X500Principal dn, Map<String, String> out) {
        try {
            List<Rdn> rdns = new ArrayList<>(new LdapName(dn.getName(X500Principal.RFC2253)).getRdns());
            // LdapName lists RDNs from the right; RFC 2253 text is most-specific first.
            java.util.Collections.reverse(rdns);
            for (Rdn rdn : rdns) {
                String type = rdn.getType().toUpperCase(java.util.Locale.ROOT);
                if (DN_FIELDS.contains(type) && rdn.getValue() instanceof String v) out.putIfAbsent(prefix + type, v);
            }
        } catch (InvalidNameException e) {
            // A name the JDK printed but cannot read back: no tags from it.
        }
    }
}

package io.rampart.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.rampart.storage.Database;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * OpenID Connect identity providers (CreateOpenIDConnectProvider...) and the check of their tokens for
 * AssumeRoleWithWebIdentity: the JWS signature against the provider's published keys (found through its
 * {@code /.well-known/openid-configuration}), issuer, audience (one of the provider's client ids) and expiry, with
 * the Nimbus JOSE library. Provider URLs must be https, except on loopback addresses (local identity providers, tests).
 */
public final class OidcProviders {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A registered provider; {@code url} is the issuer URL as given (with its scheme). */
    public record Provider(
            String account,
            String url,
            List<String> clientIds,
            List<String> thumbprints,
            Instant created,
            Map<String, String> tags) {
        /** host/path: the ARN's resource and the prefix of its condition keys (host/path:aud, :sub). */
        public String hostPath() {
            return url.replaceFirst("^https?://", "").replaceAll("/+$", "");
        }

        public String arn() {
            return "arn:aws:iam::" + account + ":oidc-provider/" + hostPath();
        }
    }

    /** A verified token's facts. */
    public record Identity(Provider provider, String subject, String audience, JWTClaimsSet claims) {}

    private final Database db;
    /**
     * Created on first use: building an HttpClient initialises the default TLS context (the CA certificates), which
     * took a few hundred milliseconds of every start-up although most servers never fetch an OIDC discovery document.
     */
    private volatile @Nullable HttpClient http;

    private final ConcurrentHashMap<String, JWKSource<SecurityContext>> keys = new ConcurrentHashMap<>();

    private HttpClient http() {
        HttpClient h = http;
        if (h == null) {
            synchronized (this) {
                h = http;
                if (h == null)
                    http = h = HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(5))
                            .build();
            }
        }
        return h;
    }

    OidcProviders(Database db) throws SQLException {
        this.db = db;
    }

    public Provider create(
            String account, String url, List<String> clientIds, List<String> thumbprints, Map<String, String> tags) {
        URI u = checkUrl(url);
        String normal = u.toString().replaceAll("/+$", "");
        if (clientIds.size() > 100) throw IamException.limitExceeded("A provider may have at most 100 client ids.");
        for (String t : thumbprints) {
            if (!t.matches("[0-9a-fA-F]{40}"))
                throw IamException.validation("Thumbprints must be 40 hexadecimal characters: " + t);
        }
        db.write(c -> {
            if (Sql.exists(c, "SELECT 1 FROM oidc_providers WHERE account = ? AND url = ?", account, normal)) {
                throw IamException.alreadyExists("Provider with url " + normal + " already exists.");
            }
            return Sql.update(
                    c,
                    "INSERT INTO oidc_providers(account, url, client_ids, thumbprints, created, tags) VALUES(?,?,?,?,?,?)",
                    account,
                    normal,
                    json(clientIds),
                    json(thumbprints),
                    System.currentTimeMillis(),
                    Directory.json(tags));
        });
        return find(account, arnOf(account, normal)).orElseThrow();
    }

    public Optional<Provider> find(String account, String arn) {
        return list(account).stream().filter(p -> p.arn().equals(arn)).findFirst();
    }

    public Provider get(String account, String arn) {
        return find(account, arn)
                .orElseThrow(() -> IamException.noSuchEntity("OpenIDConnect Provider not found for arn " + arn));
    }

    public List<Provider> list(String account) {
        return db.read(c -> Sql.list(
                c, "SELECT * FROM oidc_providers WHERE account = ? ORDER BY url", OidcProviders::provider, account));
    }

    public void delete(String account, String arn) {
        Provider p = get(account, arn);
        db.write(c -> Sql.update(c, "DELETE FROM oidc_providers WHERE account = ? AND url = ?", account, p.url()));
        keys.remove(p.url());
    }

    public void updateClientIds(String account, String arn, List<String> clientIds) {
        Provider p = get(account, arn);
        db.write(c -> Sql.update(
                c,
                "UPDATE oidc_providers SET client_ids = ? WHERE account = ? AND url = ?",
                json(clientIds),
                account,
                p.url()));
    }

    /**
     * Verifies a web identity token for a role in {@code account}: the issuer must be a provider registered there, the
     * signature must verify against the issuer's keys, the audience must be one of its client ids, and the token must
     * be within its validity. Failures are STS's InvalidIdentityToken / ExpiredTokenException / IDPCommunicationError.
     */
    public Identity verify(String account, String token) {
        JWTClaimsSet unverified;
        try {
            unverified = com.nimbusds.jwt.JWTParser.parse(token).getJWTClaimsSet();
        } catch (ParseException e) {
            throw invalidToken("The web identity token is not a JWT.");
        }
        String issuer = unverified.getIssuer();
        if (issuer == null) throw invalidToken("The web identity token has no issuer.");
        String normal = issuer.replaceAll("/+$", "");
        Provider provider = list(account).stream()
                .filter(p -> p.url().equals(normal))
                .findFirst()
                .orElseThrow(() -> invalidToken("No OpenIDConnect provider found in your account for " + issuer));
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                Set.of(
                        JWSAlgorithm.RS256,
                        JWSAlgorithm.RS384,
                        JWSAlgorithm.RS512,
                        JWSAlgorithm.ES256,
                        JWSAlgorithm.ES384,
                        JWSAlgorithm.PS256),
                keysOf(provider)));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                null, new JWTClaimsSet.Builder().issuer(issuer).build(), new HashSet<>(List.of("sub", "exp", "aud"))));
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (BadJOSEException e) {
            if (e.getMessage() != null && e.getMessage().contains("Expired")) {
                throw new IamException(
                        IamErrorCode.EXPIRED_TOKEN, "Token expired: current date/time is past the token's exp.");
            }
            throw invalidToken("The web identity token could not be verified: " + e.getMessage());
        } catch (JOSEException e) {
            throw new IamException(
                    IamErrorCode.IDP_COMMUNICATION_ERROR,
                    "Could not get the keys of " + issuer + ": " + e.getMessage());
        } catch (ParseException e) {
            throw invalidToken("The web identity token is not a JWT.");
        }
        String audience = claims.getAudience().stream()
                .filter(provider.clientIds()::contains)
                .findFirst()
                .orElseThrow(() -> invalidToken("Incorrect token audience."));
        return new Identity(provider, claims.getSubject(), audience, claims);
    }

    private JWKSource<SecurityContext> keysOf(Provider p) {
        return keys.computeIfAbsent(p.url(), url -> {
            try {
                HttpResponse<String> r = http().send(
                                HttpRequest.newBuilder(URI.create(url + "/.well-known/openid-configuration"))
                                        .timeout(Duration.ofSeconds(5))
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) throw new IOException("HTTP " + r.statusCode());
                JsonNode config = JSON.readTree(r.body());
                String jwks = config.path("jwks_uri").asText("");
                if (jwks.isEmpty()) throw new IOException("no jwks_uri in the OpenID configuration");
                checkUrl(jwks);
                return JWKSourceBuilder.create(java.net.URI.create(jwks).toURL())
                        .cache(
                                Duration.ofMinutes(15).toMillis(),
                                Duration.ofSeconds(10).toMillis())
                        .retrying(true)
                        .build();
            } catch (IOException e) {
                throw new IamException(
                        IamErrorCode.IDP_COMMUNICATION_ERROR,
                        "Could not read the OpenID configuration of " + url + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IamException(
                        IamErrorCode.IDP_COMMUNICATION_ERROR, "Interrupted reading the OpenID configuration of " + url);
            }
        });
    }

    private static URI checkUrl(String url) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw IamException.validation("Invalid provider URL: " + url);
        }
        if (u.getHost() == null) throw IamException.validation("Invalid provider URL: " + url);
        boolean https = "https".equals(u.getScheme());
        boolean loopbackHttp = "http".equals(u.getScheme()) && isLoopback(u.getHost());
        if (!https && !loopbackHttp) {
            throw IamException.validation(
                    "The provider URL must use https (plain http only on loopback addresses): " + url);
        }
        return u;
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private static IamException invalidToken(String message) {
        return new IamException(IamErrorCode.INVALID_IDENTITY_TOKEN, message);
    }

    private static String arnOf(String account, String url) {
        return "arn:aws:iam::" + account + ":oidc-provider/" + url.replaceFirst("^https?://", "");
    }

    private static String json(List<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Provider provider(ResultSet rs) throws SQLException {
        try {
            return new Provider(
                    rs.getString("account"),
                    rs.getString("url"),
                    List.of(JSON.readValue(rs.getString("client_ids"), String[].class)),
                    List.of(JSON.readValue(rs.getString("thumbprints"), String[].class)),
                    Instant.ofEpochMilli(rs.getLong("created")),
                    Directory.tags(rs.getString("tags")));
        } catch (IOException e) {
            throw new IllegalStateException("stored provider is not JSON", e);
        }
    }
}

package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/** AssumeRoleWithWebIdentity against a local OpenID Connect provider whose keys are served over loopback HTTP. */
class WebIdentityTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    private static RampartServer server;
    private static HttpServer idp;
    private static RSAKey signingKey;
    private static String issuer;
    private static String roleArn;
    private static StsClient anonymousSts;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        signingKey = new RSAKeyGenerator(2048).keyID("k1").generate();
        idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + idp.getAddress().getPort() + "/issuer";
        idp.createContext(
                "/issuer/.well-known/openid-configuration",
                x -> respond(x, "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\"}"));
        idp.createContext("/issuer/jwks", x -> respond(x, new JWKSet(signingKey.toPublicJWK()).toString()));
        idp.start();

        var iam = RAMPART.iam();
        String providerArn = iam.createOpenIDConnectProvider(b -> b.url(issuer)
                        .clientIDList("rampart-sts")
                        .thumbprintList("0123456789abcdef0123456789abcdef01234567"))
                .openIDConnectProviderArn();
        String hostPath = issuer.substring("http://".length());
        assertThat(providerArn).isEqualTo("arn:aws:iam::" + server.accountId() + ":oidc-provider/" + hostPath);
        iam.createRole(
                b -> b.roleName("ci-deploy").assumeRolePolicyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"%s"},
                 "Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"%s:aud":"rampart-sts"},
                 "StringLike":{"%s:sub":"repo:acme/app:*"}}}]}""".formatted(providerArn, hostPath, hostPath)));
        iam.attachRolePolicy(b -> b.roleName("ci-deploy").policyArn("arn:aws:iam::aws:policy/AmazonS3FullAccess"));
        roleArn = "arn:aws:iam::" + server.accountId() + ":role/ci-deploy";
        anonymousSts = StsClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .build();
        RAMPART.s3().createBucket(b -> b.bucket("web-identity"));
    }

    @AfterAll
    static void stop() {
        idp.stop(0);
    }

    private static void respond(com.sun.net.httpserver.HttpExchange x, String body) throws java.io.IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(200, b.length);
        try (var out = x.getResponseBody()) {
            out.write(b);
        }
    }

    private static String token(RSAKey key, String iss, String aud, String sub, long expiresInSeconds)
            throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(iss)
                .audience(aud)
                .subject(sub)
                .issueTime(new Date())
                .expirationTime(new Date(System.currentTimeMillis() + expiresInSeconds * 1000))
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void aValidTokenFromTheProviderBuysRoleCredentials() throws Exception {
        String t = token(signingKey, issuer, "rampart-sts", "repo:acme/app:ref:refs/heads/main", 300);
        var r = anonymousSts.assumeRoleWithWebIdentity(
                b -> b.roleArn(roleArn).roleSessionName("gha-1").webIdentityToken(t));
        assertThat(r.subjectFromWebIdentityToken()).isEqualTo("repo:acme/app:ref:refs/heads/main");
        assertThat(r.audience()).isEqualTo("rampart-sts");
        assertThat(r.assumedRoleUser().arn()).endsWith(":assumed-role/ci-deploy/gha-1");
        Credentials c = r.credentials();
        var s3 = server.s3(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
        s3.putObject(b -> b.bucket("web-identity").key("build.txt"), RequestBody.fromString("ok"));
        assertThat(server.s3()
                        .getObjectAsBytes(b -> b.bucket("web-identity").key("build.txt"))
                        .asUtf8String())
                .isEqualTo("ok");
    }

    @Test
    void aSubjectTheTrustPolicyDoesNotNameIsDenied() throws Exception {
        String t = token(signingKey, issuer, "rampart-sts", "repo:evil/fork:ref:refs/heads/main", 300);
        assertThatThrownBy(() -> anonymousSts.assumeRoleWithWebIdentity(
                        b -> b.roleArn(roleArn).roleSessionName("x1").webIdentityToken(t)))
                .isInstanceOfSatisfying(StsException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                });
    }

    @Test
    void forgedWrongAudienceAndExpiredTokensAreRefused() throws Exception {
        RSAKey attackerKey = new RSAKeyGenerator(2048).keyID("k1").generate();
        String forged = token(attackerKey, issuer, "rampart-sts", "repo:acme/app:x", 300);
        assertThatThrownBy(() -> anonymousSts.assumeRoleWithWebIdentity(
                        b -> b.roleArn(roleArn).roleSessionName("x2").webIdentityToken(forged)))
                .isInstanceOfSatisfying(
                        StsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidIdentityToken"));
        String otherAudience = token(signingKey, issuer, "someone-else", "repo:acme/app:x", 300);
        assertThatThrownBy(() -> anonymousSts.assumeRoleWithWebIdentity(
                        b -> b.roleArn(roleArn).roleSessionName("x3").webIdentityToken(otherAudience)))
                .isInstanceOfSatisfying(
                        StsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidIdentityToken"));
        String expired = token(signingKey, issuer, "rampart-sts", "repo:acme/app:x", -600);
        assertThatThrownBy(() -> anonymousSts.assumeRoleWithWebIdentity(
                        b -> b.roleArn(roleArn).roleSessionName("x4").webIdentityToken(expired)))
                .isInstanceOfSatisfying(
                        StsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredTokenException"));
        String unknownIssuer = token(signingKey, "http://127.0.0.1:1/nobody", "rampart-sts", "repo:acme/app:x", 300);
        assertThatThrownBy(() -> anonymousSts.assumeRoleWithWebIdentity(
                        b -> b.roleArn(roleArn).roleSessionName("x5").webIdentityToken(unknownIssuer)))
                .isInstanceOfSatisfying(
                        StsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidIdentityToken"));
    }

    @Test
    void otherStsActionsStillNeedASignature() {
        assertThatThrownBy(anonymousSts::getCallerIdentity)
                .isInstanceOfSatisfying(
                        StsException.class, e -> assertThat(e.statusCode()).isEqualTo(403));
    }
}

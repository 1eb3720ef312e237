package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * IAM Roles Anywhere end to end: trust anchors, profiles and CRLs through the REST-JSON control plane; CreateSession
 * signed with certificates this test issues; the credentials used with the AWS SDK's S3 client; and each way a
 * certificate or configuration is refused, replayed as a client would send it.
 */
class RolesAnywhereTest {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String TRUST = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"rolesanywhere.amazonaws.com"},
             "Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"],
             "Condition":{"StringLike":{"aws:PrincipalTag/x509Subject/CN":"workload-*"}}}]}""";

    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    private static RampartServer server;
    private static IamClient iam;
    private static S3Client admin;
    private static RolesAnywhereClient ra;
    private static TestPki.Issued ca;
    private static String bucket;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        iam = RAMPART.iam();
        admin = RAMPART.s3();
        ra = new RolesAnywhereClient(server.endpoint(), "us-east-1");
        ca = TestPki.rootCa("Workload CA");
        bucket = "ra-data";
        admin.createBucket(b -> b.bucket(bucket));
        admin.putObject(b -> b.bucket(bucket).key("config.json"), RequestBody.fromString("{}"));
    }

    private static String unique(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet();
    }

    /** A role trusting Roles Anywhere for CNs workload-*, allowed to read and write the bucket. */
    private static String role(String trust) {
        String name = unique("ra-role");
        String arn = iam.createRole(b -> b.roleName(name).assumeRolePolicyDocument(trust))
                .role()
                .arn();
        iam.putRolePolicy(b -> b.roleName(name).policyName("data").policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],
                 "Resource":"arn:aws:s3:::%s/*"}]}""".formatted(bucket)));
        return arn;
    }

    private static String anchor(TestPki.Issued caCert) {
        RolesAnywhereClient.Answer a = ra.call("POST", "/trustanchors", """
                {"name":"%s","enabled":true,"source":{"sourceType":"CERTIFICATE_BUNDLE",
                 "sourceData":{"x509CertificateData":%s}}}""".formatted(
                        unique("anchor"), RolesAnywhereClient.JSON.valueToTree(caCert.pem())));
        assertThat(a.status()).as(a.body().toString()).isEqualTo(201);
        return a.body().path("trustAnchor").path("trustAnchorArn").asText();
    }

    private static JsonNode profile(String roleArn, String extra) {
        RolesAnywhereClient.Answer a = ra.call("POST", "/profiles", """
                {"name":"%s","enabled":true,"roleArns":["%s"]%s}""".formatted(unique("profile"), roleArn, extra));
        assertThat(a.status()).as(a.body().toString()).isEqualTo(201);
        return a.body().path("profile");
    }

    private static String id(String arn) {
        return arn.substring(arn.lastIndexOf('/') + 1);
    }

    private static S3Client s3(JsonNode credentialSet) {
        JsonNode c = credentialSet.get(0).path("credentials");
        return server.s3(AwsSessionCredentials.create(
                c.path("accessKeyId").asText(),
                c.path("secretAccessKey").asText(),
                c.path("sessionToken").asText()));
    }

    private static void assertRefused(RolesAnywhereClient.Answer a, int status, String type, String message) {
        assertThat(a.status()).as(a.body().toString()).isEqualTo(status);
        assertThat(a.errorType()).isEqualTo(type);
        assertThat(a.message()).contains(message);
    }

    @Test
    void controlPlaneCreatesListsGetsUpdatesDisablesAndDeletesTrustAnchorsAndProfiles() {
        String anchorArn = anchor(ca);
        String anchorId = id(anchorArn);
        assertThat(anchorArn)
                .matches("arn:aws:rolesanywhere:us-east-1:" + server.accountId() + ":trust-anchor/[0-9a-f-]{36}");
        RolesAnywhereClient.Answer got = ra.call("GET", "/trustanchor/" + anchorId, null);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.body().path("trustAnchor").path("enabled").asBoolean()).isTrue();
        assertThat(got.body()
                        .path("trustAnchor")
                        .path("source")
                        .path("sourceType")
                        .asText())
                .isEqualTo("CERTIFICATE_BUNDLE");
        assertThat(ra.call("GET", "/trustanchors", null)
                        .body()
                        .path("trustAnchors")
                        .findValuesAsText("trustAnchorArn"))
                .contains(anchorArn);
        RolesAnywhereClient.Answer renamed = ra.call("PATCH", "/trustanchor/" + anchorId, "{\"name\":\"renamed\"}");
        assertThat(renamed.body().path("trustAnchor").path("name").asText()).isEqualTo("renamed");
        assertThat(ra.call("POST", "/trustanchor/" + anchorId + "/disable", null)
                        .body()
                        .path("trustAnchor")
                        .path("enabled")
                        .asBoolean())
                .isFalse();

        JsonNode p = profile(role(TRUST), ",\"durationSeconds\":1800");
        String profileId = p.path("profileId").asText();
        assertThat(p.path("durationSeconds").asInt()).isEqualTo(1800);
        assertThat(ra.call("GET", "/profiles", null).body().path("profiles").findValuesAsText("profileId"))
                .contains(profileId);
        assertThat(ra.call("POST", "/profile/" + profileId + "/disable", null)
                        .body()
                        .path("profile")
                        .path("enabled")
                        .asBoolean())
                .isFalse();
        assertThat(ra.call("DELETE", "/profile/" + profileId, null).status()).isEqualTo(200);
        assertRefused(ra.call("GET", "/profile/" + profileId, null), 404, "ResourceNotFoundException", "not found");
        assertThat(ra.call("DELETE", "/trustanchor/" + anchorId, null).status()).isEqualTo(200);
        assertRefused(ra.call("GET", "/trustanchor/" + anchorId, null), 404, "ResourceNotFoundException", "not found");

        // Bad input gets the service's ValidationException, never a 500.
        assertRefused(ra.call("POST", "/trustanchors", """
                {"name":"x","source":{"sourceType":"CERTIFICATE_BUNDLE","sourceData":{"x509CertificateData":"not a cert"}}}"""), 400, "ValidationException", "PEM");
        assertRefused(
                ra.call("POST", "/profiles", "{\"name\":\"p\",\"roleArns\":[\"arn:aws:s3:::nope\"]}"),
                400,
                "ValidationException",
                "Invalid role ARN");
        assertRefused(
                ra.call("POST", "/profiles", "{\"name\":\"p\",\"roleArns\":[],\"durationSeconds\":60}"),
                400,
                "ValidationException",
                "durationSeconds");
        assertRefused(ra.call("POST", "/trustanchors", "not json"), 400, "ValidationException", "JSON");
    }

    @Test
    void aUserWithoutRolesAnywherePermissionsIsRefusedTheControlPlane() {
        String user = unique("ra-user");
        iam.createUser(b -> b.userName(user));
        AccessKey k = iam.createAccessKey(b -> b.userName(user)).accessKey();
        assertRefused(
                ra.call("POST", "/trustanchors", "{}", k.accessKeyId(), k.secretAccessKey()),
                403,
                "AccessDeniedException",
                "rolesanywhere:CreateTrustAnchor");
        iam.putUserPolicy(b -> b.userName(user).policyName("ra").policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"rolesanywhere:List*","Resource":"*"}]}"""));
        assertThat(ra.call("GET", "/profiles", null, k.accessKeyId(), k.secretAccessKey())
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aCertificateSignedSessionWorksWithTheS3ClientUntilItExpires() throws Exception {
        String roleArn = role(TRUST);
        String anchorArn = anchor(ca);
        String profileArn = profile(roleArn, "").path("profileArn").asText();
        TestPki.Issued rsaLeaf = TestPki.leaf(ca, "CN=workload-1,OU=batch,O=Example", TestPki.rsa());

        RolesAnywhereClient.Answer a = ra.createSession(new RolesAnywhereClient.SessionRequest(
                rsaLeaf.certificate(), rsaLeaf.key(), profileArn, roleArn, anchorArn));
        assertThat(a.status()).as(a.body().toString()).isEqualTo(201);
        JsonNode set = a.body().path("credentialSet");
        assertThat(set.get(0).path("sourceIdentity").asText()).isEqualTo("workload-1");
        assertThat(set.get(0).path("roleArn").asText()).isEqualTo(roleArn);
        String serialHex = rsaLeaf.certificate().getSerialNumber().toString(16);
        assertThat(set.get(0).path("assumedRoleUser").path("arn").asText()).endsWith("/" + serialHex);
        assertThat(set.get(0).path("credentials").path("accessKeyId").asText()).startsWith("ASIA");
        assertThat(a.body().path("subjectArn").asText())
                .startsWith("arn:aws:rolesanywhere:us-east-1:" + server.accountId() + ":subject/");
        try (S3Client workload = s3(set)) {
            assertThat(workload.getObjectAsBytes(b -> b.bucket(bucket).key("config.json"))
                            .asUtf8String())
                    .isEqualTo("{}");
            workload.putObject(b -> b.bucket(bucket).key("out/1"), RequestBody.fromString("result"));
        }
        var identity = server.sts(AwsSessionCredentials.create(
                        set.get(0).path("credentials").path("accessKeyId").asText(),
                        set.get(0).path("credentials").path("secretAccessKey").asText(),
                        set.get(0).path("credentials").path("sessionToken").asText()))
                .getCallerIdentity();
        assertThat(identity.arn())
                .endsWith(":assumed-role/" + roleArn.substring(roleArn.lastIndexOf('/') + 1) + "/" + serialHex);

        // ECDSA keys sign too (AWS4-X509-ECDSA-SHA256).
        TestPki.Issued ecLeaf = TestPki.leaf(ca, "CN=workload-2", TestPki.ec());
        RolesAnywhereClient.Answer ec = ra.createSession(new RolesAnywhereClient.SessionRequest(
                ecLeaf.certificate(), ecLeaf.key(), profileArn, roleArn, anchorArn));
        assertThat(ec.status()).as(ec.body().toString()).isEqualTo(201);

        // A session never outlives its certificate: this one's certificate ends in seconds.
        Instant now = Instant.now();
        TestPki.Issued shortLived =
                TestPki.leaf(ca, "CN=workload-3", TestPki.ec(), now.minusSeconds(60), now.plusSeconds(3), null);
        RolesAnywhereClient.Answer brief = ra.createSession(new RolesAnywhereClient.SessionRequest(
                shortLived.certificate(), shortLived.key(), profileArn, roleArn, anchorArn));
        assertThat(brief.status()).as(brief.body().toString()).isEqualTo(201);
        assertThat(Instant.parse(brief.body()
                        .path("credentialSet")
                        .get(0)
                        .path("credentials")
                        .path("expiration")
                        .asText()))
                .isBeforeOrEqualTo(shortLived.certificate().getNotAfter().toInstant());
        try (S3Client expiring = s3(brief.body().path("credentialSet"))) {
            Await.until("the certificate-bound session to expire", Duration.ofSeconds(30), () -> {
                try {
                    expiring.getObjectAsBytes(b -> b.bucket(bucket).key("config.json"));
                    return false;
                } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
                    return "ExpiredToken".equals(e.awsErrorDetails().errorCode());
                }
            });
        }
    }

    @Test
    void theSessionCarriesTheCertificatesSourceIdentityAndX509PrincipalTagsIntoRequests() throws Exception {
        String name = unique("ra-home");
        String roleArn = iam.createRole(b -> b.roleName(name).assumeRolePolicyDocument(TRUST))
                .role()
                .arn();
        // Each workload writes under its own CN; reading the shared config needs the source identity workload-1.
        iam.putRolePolicy(b -> b.roleName(name).policyName("home").policyDocument("""
                {"Version":"2012-10-17","Statement":[
                 {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::%1$s/${aws:PrincipalTag/x509Subject/CN}/*"},
                 {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::%1$s/config.json",
                  "Condition":{"StringEquals":{"aws:SourceIdentity":"workload-1","aws:PrincipalTag/x509SAN/DNS":"w1.example.com"}}}]}""".formatted(bucket)));
        String anchorArn = anchor(ca);
        String profileArn = profile(roleArn, "").path("profileArn").asText();
        Instant now = Instant.now();
        TestPki.Issued one = TestPki.leaf(
                ca, "CN=workload-1", TestPki.ec(), now.minusSeconds(60), now.plusSeconds(3600), "w1.example.com");
        TestPki.Issued two = TestPki.leaf(
                ca, "CN=workload-2", TestPki.ec(), now.minusSeconds(60), now.plusSeconds(3600), "w2.example.com");
        RolesAnywhereClient.Answer a1 = ra.createSession(
                new RolesAnywhereClient.SessionRequest(one.certificate(), one.key(), profileArn, roleArn, anchorArn));
        RolesAnywhereClient.Answer a2 = ra.createSession(
                new RolesAnywhereClient.SessionRequest(two.certificate(), two.key(), profileArn, roleArn, anchorArn));
        try (S3Client w1 = s3(a1.body().path("credentialSet"));
                S3Client w2 = s3(a2.body().path("credentialSet"))) {
            w1.putObject(b -> b.bucket(bucket).key("workload-1/out"), RequestBody.fromString("1"));
            S3Errors.assertS3Error(
                    () -> w1.putObject(b -> b.bucket(bucket).key("workload-2/out"), RequestBody.fromString("1")),
                    403,
                    "AccessDenied");
            assertThat(w1.getObjectAsBytes(b -> b.bucket(bucket).key("config.json"))
                            .asUtf8String())
                    .isEqualTo("{}");
            w2.putObject(b -> b.bucket(bucket).key("workload-2/out"), RequestBody.fromString("2"));
            S3Errors.assertS3Error(
                    () -> w2.getObjectAsBytes(b -> b.bucket(bucket).key("config.json")), 403, "AccessDenied");
        }
    }

    @Test
    void anIntermediateCaInTheChainHeaderLinksTheLeafToTheAnchorAndItsCrlIsHonoured() throws Exception {
        String roleArn = role(TRUST);
        String anchorArn = anchor(ca);
        String profileArn = profile(roleArn, "").path("profileArn").asText();
        TestPki.Issued issuing = TestPki.intermediateCa(ca, "Issuing CA");
        TestPki.Issued leaf = TestPki.leaf(issuing, "CN=workload-chain", TestPki.rsa());
        var withoutChain =
                new RolesAnywhereClient.SessionRequest(leaf.certificate(), leaf.key(), profileArn, roleArn, anchorArn);
        assertRefused(ra.createSession(withoutChain), 403, "AccessDeniedException", "Untrusted");
        var withChain = withoutChain.withChain(List.of(issuing.certificate()));
        assertThat(ra.createSession(withChain).status()).isEqualTo(201);

        X509CRL crl = TestPki.crl(issuing, leaf.certificate());
        assertThat(ra.call("POST", "/crls", """
                {"name":"issuing","enabled":true,"trustAnchorArn":"%s","crlData":"%s"}""".formatted(
                                        anchorArn, Base64.getEncoder().encodeToString(crl.getEncoded())))
                        .status())
                .isEqualTo(201);
        assertRefused(ra.createSession(withChain), 403, "AccessDeniedException", "revoked");
    }

    @Test
    void theProfilesSessionPolicyAndDurationBoundTheSession() throws Exception {
        String roleArn = role(TRUST);
        String anchorArn = anchor(ca);
        String readOnly = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""";
        String profileArn = profile(
                        roleArn,
                        ",\"durationSeconds\":900,\"sessionPolicy\":" + RolesAnywhereClient.JSON.valueToTree(readOnly))
                .path("profileArn")
                .asText();
        TestPki.Issued leaf = TestPki.leaf(ca, "CN=workload-9", TestPki.ec());
        Instant before = Instant.now();
        RolesAnywhereClient.Answer a = ra.createSession(
                new RolesAnywhereClient.SessionRequest(leaf.certificate(), leaf.key(), profileArn, roleArn, anchorArn)
                        .withDuration(3600));
        assertThat(a.status()).as(a.body().toString()).isEqualTo(201);
        Instant expiration = Instant.parse(a.body()
                .path("credentialSet")
                .get(0)
                .path("credentials")
                .path("expiration")
                .asText());
        assertThat(expiration).isBefore(before.plusSeconds(901));
        try (S3Client workload = s3(a.body().path("credentialSet"))) {
            assertThat(workload.getObjectAsBytes(b -> b.bucket(bucket).key("config.json"))
                            .asUtf8String())
                    .isEqualTo("{}");
            S3Errors.assertS3Error(
                    () -> workload.putObject(b -> b.bucket(bucket).key("x"), RequestBody.fromString("x")),
                    403,
                    "AccessDenied");
        }
    }

    @Test
    void revokedExpiredUntrustedAndTamperedCertificatesAreRefused() throws Exception {
        String roleArn = role(TRUST);
        String anchorArn = anchor(ca);
        String profileArn = profile(roleArn, "").path("profileArn").asText();

        // Revoked by an imported, enabled CRL; the same certificate works again once the CRL is disabled.
        TestPki.Issued revoked = TestPki.leaf(ca, "CN=workload-stolen", TestPki.ec());
        X509CRL crl = TestPki.crl(ca, revoked.certificate());
        RolesAnywhereClient.Answer imported = ra.call("POST", "/crls", """
                {"name":"%s","enabled":true,"trustAnchorArn":"%s","crlData":"%s"}""".formatted(
                        unique("crl"), anchorArn, Base64.getEncoder().encodeToString(crl.getEncoded())));
        assertThat(imported.status()).as(imported.body().toString()).isEqualTo(201);
        String crlId = imported.body().path("crl").path("crlId").asText();
        var request = new RolesAnywhereClient.SessionRequest(
                revoked.certificate(), revoked.key(), profileArn, roleArn, anchorArn);
        assertRefused(ra.createSession(request), 403, "AccessDeniedException", "revoked");
        assertThat(ra.call("GET", "/crls", null).body().path("crls").findValuesAsText("crlId"))
                .contains(crlId);
        ra.call("POST", "/crl/" + crlId + "/disable", null);
        assertThat(ra.createSession(request).status()).isEqualTo(201);
        ra.call("POST", "/crl/" + crlId + "/enable", null);
        assertRefused(ra.createSession(request), 403, "AccessDeniedException", "revoked");

        // Expired certificate.
        Instant now = Instant.now();
        TestPki.Issued expired = TestPki.leaf(
                ca,
                "CN=workload-old",
                TestPki.ec(),
                now.minus(Duration.ofDays(2)),
                now.minus(Duration.ofDays(1)),
                null);
        assertRefused(
                ra.createSession(new RolesAnywhereClient.SessionRequest(
                        expired.certificate(), expired.key(), profileArn, roleArn, anchorArn)),
                403,
                "AccessDeniedException",
                "not valid at this time");

        // A certificate from another CA, even presenting that CA as its chain.
        TestPki.Issued rogueCa = TestPki.rootCa("Rogue CA");
        TestPki.Issued rogue = TestPki.leaf(rogueCa, "CN=workload-1", TestPki.ec());
        assertRefused(
                ra.createSession(new RolesAnywhereClient.SessionRequest(
                                rogue.certificate(), rogue.key(), profileArn, roleArn, anchorArn)
                        .withChain(List.of(rogueCa.certificate()))),
                403,
                "AccessDeniedException",
                "Untrusted");

        // The body changed after signing.
        TestPki.Issued good = TestPki.leaf(ca, "CN=workload-5", TestPki.ec());
        assertRefused(
                ra.createSession(new RolesAnywhereClient.SessionRequest(
                                good.certificate(), good.key(), profileArn, roleArn, anchorArn)
                        .tampered()),
                403,
                "AccessDeniedException",
                "Signature validation failed");
        // Someone else's certificate with one's own key: the signature does not verify with the certificate's key.
        assertRefused(
                ra.createSession(new RolesAnywhereClient.SessionRequest(
                        good.certificate(), rogue.key(), profileArn, roleArn, anchorArn)),
                403,
                "AccessDeniedException",
                "Signature validation failed");
    }

    @Test
    void disabledProfilesAndAnchorsRolesOutsideTheProfileAndUntrustingRolesAreRefused() throws Exception {
        String roleArn = role(TRUST);
        String otherRole = role(TRUST);
        String anchorArn = anchor(ca);
        JsonNode p = profile(roleArn, "");
        String profileArn = p.path("profileArn").asText();
        TestPki.Issued leaf = TestPki.leaf(ca, "CN=workload-7", TestPki.ec());
        var request =
                new RolesAnywhereClient.SessionRequest(leaf.certificate(), leaf.key(), profileArn, roleArn, anchorArn);
        assertThat(ra.createSession(request).status()).isEqualTo(201);

        ra.call("POST", "/profile/" + p.path("profileId").asText() + "/disable", null);
        assertRefused(ra.createSession(request), 403, "AccessDeniedException", "Profile is disabled");
        ra.call("POST", "/profile/" + p.path("profileId").asText() + "/enable", null);
        ra.call("POST", "/trustanchor/" + id(anchorArn) + "/disable", null);
        assertRefused(ra.createSession(request), 403, "AccessDeniedException", "Trust anchor is disabled");
        ra.call("POST", "/trustanchor/" + id(anchorArn) + "/enable", null);

        assertRefused(
                ra.createSession(new RolesAnywhereClient.SessionRequest(
                        leaf.certificate(), leaf.key(), profileArn, otherRole, anchorArn)),
                403,
                "AccessDeniedException",
                "not in profile");

        // The role's trust policy decides on the certificate's subject: CN=intruder is not workload-*.
        TestPki.Issued intruder = TestPki.leaf(ca, "CN=intruder", TestPki.ec());
        assertRefused(
                ra.createSession(new RolesAnywhereClient.SessionRequest(
                        intruder.certificate(), intruder.key(), profileArn, roleArn, anchorArn)),
                403,
                "AccessDeniedException",
                "trust policy");
        // A role that does not trust Roles Anywhere at all.
        String untrusting = role("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"%s"},"Action":"sts:AssumeRole"}]}""".formatted(server.accountId()));
        String p2 = profile(untrusting, "").path("profileArn").asText();
        assertRefused(
                ra.createSession(new RolesAnywhereClient.SessionRequest(
                        leaf.certificate(), leaf.key(), p2, untrusting, anchorArn)),
                403,
                "AccessDeniedException",
                "trust policy");
    }

    @Test
    void everyCallIsInTheTrailAsRolesAnywhereWithoutTheSecrets() throws Exception {
        String roleArn = role(TRUST);
        String anchorArn = anchor(ca);
        String profileArn = profile(roleArn, "").path("profileArn").asText();
        TestPki.Issued leaf = TestPki.leaf(ca, "CN=workload-trail", TestPki.ec());
        RolesAnywhereClient.Answer a = ra.createSession(
                new RolesAnywhereClient.SessionRequest(leaf.certificate(), leaf.key(), profileArn, roleArn, anchorArn));
        assertThat(a.status()).isEqualTo(201);
        String keyId = a.body()
                .path("credentialSet")
                .get(0)
                .path("credentials")
                .path("accessKeyId")
                .asText();
        String secret = a.body()
                .path("credentialSet")
                .get(0)
                .path("credentials")
                .path("secretAccessKey")
                .asText();
        String token = a.body()
                .path("credentialSet")
                .get(0)
                .path("credentials")
                .path("sessionToken")
                .asText();

        List<JsonNode> records = TrailQuery.all().run(TrailLayout.ofDataDir(server.dataDir())).stream()
                .filter(r -> "rolesanywhere.amazonaws.com"
                        .equals(r.path("eventSource").asText()))
                .toList();
        JsonNode session = records.stream()
                .filter(r -> r.path("eventName").asText().equals("CreateSession")
                        && r.path("responseElements").toString().contains(keyId))
                .findFirst()
                .orElseThrow();
        assertThat(session.path("requestParameters").path("profileArn").asText())
                .isEqualTo(profileArn);
        assertThat(session.path("requestParameters").path("x509Subject").asText())
                .isEqualTo("CN=workload-trail");
        assertThat(session.toString()).doesNotContain(secret).doesNotContain(token);
        assertThat(records).anySatisfy(r -> {
            assertThat(r.path("eventName").asText()).isEqualTo("CreateTrustAnchor");
            assertThat(r.path("responseElements").toString()).contains(anchorArn);
        });
        assertThat(records)
                .anySatisfy(r -> assertThat(r.path("eventName").asText()).isEqualTo("CreateProfile"));
        // Roles Anywhere's paths are not buckets: management events with no S3 resources.
        assertThat(records).allSatisfy(r -> {
            assertThat(r.path("eventCategory").asText()).isEqualTo("Management");
            assertThat(r.path("resources").isMissingNode()
                            || r.path("resources").isEmpty())
                    .as(r.toString())
                    .isTrue();
            assertThat(r.path("requestParameters").has("bucketName")).isFalse();
        });
    }
}

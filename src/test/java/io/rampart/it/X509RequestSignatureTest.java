package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rampart.auth.AuthError;
import io.rampart.auth.AuthException;
import io.rampart.auth.SignedRequest;
import io.rampart.auth.X509RequestSignature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The verifier of "The IAM Roles Anywhere authentication signing process", without a server: a request signed by the
 * client-side signer verifies (RSA and ECDSA), and each thing an attacker could change or leave unsigned is refused.
 */
class X509RequestSignatureTest {
    private static final String HOST = "127.0.0.1:9000";
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static TestPki.Issued ca;
    private static TestPki.Issued rsa;
    private static TestPki.Issued ec;

    @BeforeAll
    static void pki() throws Exception {
        ca = TestPki.rootCa("Unit CA");
        rsa = TestPki.leaf(ca, "CN=unit-rsa", TestPki.rsa());
        ec = TestPki.leaf(ca, "CN=unit-ec", TestPki.ec());
    }

    private static RolesAnywhereClient.SessionRequest request(TestPki.Issued leaf) {
        return new RolesAnywhereClient.SessionRequest(
                leaf.certificate(),
                leaf.key(),
                "arn:aws:rolesanywhere:us-east-1:111122223333:profile/00000000-0000-0000-0000-000000000001",
                "arn:aws:iam::111122223333:role/r",
                "arn:aws:rolesanywhere:us-east-1:111122223333:trust-anchor/00000000-0000-0000-0000-000000000002");
    }

    private static X509RequestSignature.Verified verify(
            RolesAnywhereClient.Signed s, UnaryOperator<Map<String, String>> change) throws AuthException {
        Map<String, String> headers = change.apply(new LinkedHashMap<>(s.headers()));
        Map<String, List<String>> lists = new LinkedHashMap<>();
        headers.forEach((k, v) -> lists.put(k, List.of(v)));
        assertThat(X509RequestSignature.claims(lists)).isTrue();
        return X509RequestSignature.verify(
                new SignedRequest("POST", "/sessions", s.query(), lists), s.body(), "us-east-1", CLOCK);
    }

    @Test
    void requestsSignedWithRsaAndEcdsaKeysVerify() throws Exception {
        for (TestPki.Issued leaf : List.of(rsa, ec)) {
            var s = RolesAnywhereClient.sign(
                    request(leaf).withChain(List.of(ca.certificate())), HOST, "us-east-1", NOW);
            X509RequestSignature.Verified v = verify(s, h -> h);
            assertThat(v.leaf()).isEqualTo(leaf.certificate());
            assertThat(v.chain()).containsExactly(ca.certificate());
        }
    }

    @Test
    void aChangedBodyQueryOrHostDoesNotVerify() throws Exception {
        var tampered = RolesAnywhereClient.sign(request(ec).tampered(), HOST, "us-east-1", NOW);
        assertRefused(() -> verify(tampered, h -> h), AuthError.SIGNATURE_DOES_NOT_MATCH);
        var s = RolesAnywhereClient.sign(request(ec), HOST, "us-east-1", NOW);
        assertRefused(
                () -> X509RequestSignature.verify(
                        new SignedRequest(
                                "POST", "/sessions", s.query().replace("role%2Fr", "role%2Fadmin"), lists(s.headers())),
                        s.body(),
                        "us-east-1",
                        CLOCK),
                AuthError.SIGNATURE_DOES_NOT_MATCH);
        assertRefused(() -> verify(s, h -> put(h, "host", "evil.example")), AuthError.SIGNATURE_DOES_NOT_MATCH);
    }

    @Test
    void anotherCertificateOrAnUnsignedChainIsRefused() throws Exception {
        var s = RolesAnywhereClient.sign(request(ec), HOST, "us-east-1", NOW);
        // Swapping in another certificate: the serial in the credential no longer names it (and its key did not sign).
        String other =
                java.util.Base64.getEncoder().encodeToString(rsa.certificate().getEncoded());
        assertRefused(() -> verify(s, h -> put(h, "x-amz-x509", other)), AuthError.ACCESS_DENIED);
        // A chain header added after signing.
        String caDer =
                java.util.Base64.getEncoder().encodeToString(ca.certificate().getEncoded());
        assertRefused(() -> verify(s, h -> put(h, "x-amz-x509-chain", caDer)), AuthError.ACCESS_DENIED);
        // The algorithm must fit the key: an ECDSA key cannot sign as RSA.
        assertRefused(
                () -> verify(
                        s,
                        h -> put(
                                h,
                                "authorization",
                                h.get("authorization").replace("AWS4-X509-ECDSA-SHA256", "AWS4-X509-RSA-SHA256"))),
                AuthError.ACCESS_DENIED);
    }

    @Test
    void aStaleOrWronglyScopedSignatureIsRefused() throws Exception {
        var old = RolesAnywhereClient.sign(request(ec), HOST, "us-east-1", NOW.minus(Duration.ofMinutes(6)));
        assertRefused(() -> verify(old, h -> h), AuthError.REQUEST_TIME_TOO_SKEWED);
        var elsewhere = RolesAnywhereClient.sign(request(ec), HOST, "eu-west-1", NOW);
        assertRefused(() -> verify(elsewhere, h -> h), AuthError.AUTHORIZATION_HEADER_MALFORMED);
        var s = RolesAnywhereClient.sign(request(ec), HOST, "us-east-1", NOW);
        assertRefused(
                () -> verify(
                        s, h -> put(h, "authorization", h.get("authorization").replace("/rolesanywhere/", "/sts/"))),
                AuthError.AUTHORIZATION_HEADER_MALFORMED);
        assertRefused(
                () -> verify(
                        s,
                        h -> put(
                                h,
                                "authorization",
                                h.get("authorization")
                                        .replace(
                                                "SignedHeaders=content-type;host;x-amz-date;x-amz-x509",
                                                "SignedHeaders=content-type;host;x-amz-date"))),
                AuthError.AUTHORIZATION_HEADER_MALFORMED);
    }

    @Test
    void aMalformedAuthorizationHeaderIsRefusedNotAnError() throws Exception {
        var s = RolesAnywhereClient.sign(request(ec), HOST, "us-east-1", NOW);
        for (String bad : List.of(
                "AWS4-X509-ECDSA-SHA256 ",
                "AWS4-X509-ECDSA-SHA256 Credential",
                "AWS4-X509-ECDSA-SHA256 a=b",
                "AWS4-X509-ECDSA-SHA256 Credential=1/2, SignedHeaders=host, Signature=zz")) {
            assertRefused(() -> verify(s, h -> put(h, "authorization", bad)), AuthError.AUTHORIZATION_HEADER_MALFORMED);
        }
        assertRefused(() -> verify(s, h -> put(h, "x-amz-x509", "bm90IGEgY2VydA==")), AuthError.ACCESS_DENIED);
    }

    private static Map<String, String> put(Map<String, String> h, String k, String v) {
        h.put(k, v);
        return h;
    }

    private static Map<String, List<String>> lists(Map<String, String> headers) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        headers.forEach((k, v) -> out.put(k, List.of(v)));
        return out;
    }

    private interface Attempt {
        void run() throws Exception;
    }

    private static void assertRefused(Attempt a, AuthError expected) {
        assertThatThrownBy(a::run)
                .isInstanceOfSatisfying(
                        AuthException.class,
                        e -> assertThat(e.error()).as(e.getMessage()).isEqualTo(expected));
    }
}

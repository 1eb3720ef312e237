package io.rampart.auth;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * IAM Roles Anywhere's request signing ("The IAM Roles Anywhere authentication signing process"): SigV4's canonical
 * request and string to sign, with the algorithm {@code AWS4-X509-RSA-SHA256} or {@code AWS4-X509-ECDSA-SHA256}, the
 * signature made with the certificate's private key (hex), the credential being the certificate's serial number
 * (decimal) over the scope {@code date/region/rolesanywhere/aws4_request}, and the certificate (base64 DER) in
 * {@code X-Amz-X509} plus its chain in {@code X-Amz-X509-Chain} (comma-separated), both signed. This proves possession
 * of the key; whether the certificate is trusted is decided by the caller.
 */
public final class X509RequestSignature {
    public static final String RSA = "AWS4-X509-RSA-SHA256";
    public static final String ECDSA = "AWS4-X509-ECDSA-SHA256";
    private static final String SERVICE = "rolesanywhere";
    private static final Duration MAX_SKEW = Duration.ofMinutes(5);
    private static final int MAX_CHAIN = 5;
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

    /** A request whose signature the leaf certificate's key made. */
    public record Verified(X509Certificate leaf, List<X509Certificate> chain, Instant signedAt) {
        public Verified {
            chain = List.copyOf(chain);
        }
    }

    private X509RequestSignature() {}

    /** Whether the request claims X.509 signing (its Authorization header names one of the two algorithms). */
    public static boolean claims(Map<String, List<String>> headers) {
        List<String> auth = headers.get("authorization");
        if (auth == null || auth.isEmpty()) return false;
        String a = auth.get(0).stripLeading();
        return a.startsWith(RSA + " ") || a.startsWith(ECDSA + " ");
    }

    public static Verified verify(SignedRequest request, byte[] body, String region, Clock clock) throws AuthException {
        String header = request.header("authorization");
        if (header == null) throw malformed("Missing Authorization header");
        header = header.strip();
        int space = header.indexOf(' ');
        if (space < 0) throw malformed("Authorization header requires Credential, SignedHeaders and Signature");
        String algorithm = header.substring(0, space);
        String credential = null;
        String signedHeadersText = null;
        String signature = null;
        for (String part : header.substring(space + 1).split(",")) {
            String p = part.strip();
            int eq = p.indexOf('=');
            if (eq < 0) throw malformed("Authorization header is malformed");
            String name = p.substring(0, eq);
            String value = p.substring(eq + 1);
            switch (name) {
                case "Credential" -> credential = value;
                case "SignedHeaders" -> signedHeadersText = value;
                case "Signature" -> signature = value;
                default -> throw malformed("Authorization header has an unknown component " + name);
            }
        }
        if (credential == null || signedHeadersText == null || signature == null) {
            throw malformed("Authorization header requires Credential, SignedHeaders and Signature");
        }
        String[] scope = credential.split("/");
        if (scope.length != 5 || !scope[3].equals(SERVICE) || !scope[4].equals("aws4_request")) {
            throw malformed("Credential should be scoped to a valid service: '" + SERVICE + "'");
        }
        if (!scope[2].equals(region)) {
            throw malformed("Credential should be scoped to a valid region, not '" + scope[2] + "'");
        }
        String amzDate = request.header("x-amz-date");
        if (amzDate == null) throw new AuthException(AuthError.ACCESS_DENIED, "Missing X-Amz-Date header");
        Instant signedAt;
        try {
            signedAt = LocalDateTime.parse(amzDate.strip(), AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new AuthException(AuthError.ACCESS_DENIED, "X-Amz-Date is not in the form yyyyMMdd'T'HHmmss'Z'");
        }
        if (!amzDate.strip().startsWith(scope[1])) throw malformed("Credential date does not match X-Amz-Date");
        Instant now = clock.instant();
        if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
            throw new AuthException(AuthError.REQUEST_TIME_TOO_SKEWED, "Signature expired or not yet valid");
        }

        List<String> signedHeaders = List.of(signedHeadersText.split(";"));
        for (String required : List.of("host", "x-amz-date", "x-amz-x509")) {
            if (!signedHeaders.contains(required)) throw malformed("SignedHeaders must include " + required);
        }
        for (String name : request.headers().keySet()) {
            if ((name.startsWith("x-amz-x509") || name.equals("x-amz-security-token"))
                    && !signedHeaders.contains(name)) {
                throw new AuthException(AuthError.ACCESS_DENIED, "Header " + name + " is present but not signed");
            }
        }
        X509Certificate leaf = certificate(request.header("x-amz-x509"));
        List<X509Certificate> chain = new ArrayList<>();
        String chainHeader = request.header("x-amz-x509-chain");
        if (chainHeader != null && !chainHeader.isBlank()) {
            String[] parts = chainHeader.split(",");
            if (parts.length > MAX_CHAIN)
                throw new AuthException(AuthError.ACCESS_DENIED, "Certificate chain is too long");
            for (String p : parts) chain.add(certificate(p));
        }
        if (!leaf.getSerialNumber().toString().equals(scope[0])) {
            throw new AuthException(
                    AuthError.ACCESS_DENIED, "Credential does not name the signing certificate's serial number");
        }
        PublicKey key = leaf.getPublicKey();
        String jca;
        if (algorithm.equals(RSA) && key instanceof RSAPublicKey) {
            jca = "SHA256withRSA";
        } else if (algorithm.equals(ECDSA) && key instanceof ECPublicKey) {
            jca = "SHA256withECDSA";
        } else {
            throw new AuthException(
                    AuthError.ACCESS_DENIED,
                    "Signing algorithm " + algorithm + " does not match the certificate's key type "
                            + key.getAlgorithm());
        }
        byte[] provided;
        try {
            provided = HexFormat.of().parseHex(signature);
        } catch (IllegalArgumentException e) {
            throw malformed("Signature is not hexadecimal");
        }
        String payloadHash =
                CanonicalRequest.HEX.formatHex(CanonicalRequest.newSha256().digest(body));
        String headers = CanonicalRequest.canonicalHeaders(request, signedHeaders);
        String query = request.query().canonical(false, null);
        String scopeText = scope[1] + "/" + scope[2] + "/" + scope[3] + "/" + scope[4];
        for (String uri : CanonicalRequest.uriCandidates(request.rawPath())) {
            CanonicalRequest canonical =
                    new CanonicalRequest(request.method(), uri, query, headers, signedHeadersText, payloadHash);
            String stringToSign = algorithm
                    + '\n'
                    + amzDate.strip()
                    + '\n'
                    + scopeText
                    + '\n'
                    + CanonicalRequest.HEX.formatHex(CanonicalRequest.sha256(canonical.text()));
            try {
                Signature verifier = Signature.getInstance(jca);
                verifier.initVerify(key);
                verifier.update(stringToSign.getBytes(StandardCharsets.UTF_8));
                if (verifier.verify(provided)) return new Verified(leaf, chain, signedAt);
            } catch (GeneralSecurityException e) {
                // A signature that cannot even be decoded is a mismatch.
            }
        }
        throw new AuthException(AuthError.SIGNATURE_DOES_NOT_MATCH, "Signature validation failed");
    }

    private static X509Certificate certificate(@Nullable String base64) throws AuthException {
        if (base64 == null || base64.isBlank())
            throw new AuthException(AuthError.ACCESS_DENIED, "Missing X-Amz-X509 header");
        try {
            byte[] der = Base64.getDecoder().decode(base64.strip());
            return (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (IllegalArgumentException | CertificateException | ClassCastException e) {
            throw new AuthException(AuthError.ACCESS_DENIED, "Invalid certificate in X-Amz-X509 headers");
        }
    }

    private static AuthException malformed(String message) {
        return new AuthException(AuthError.AUTHORIZATION_HEADER_MALFORMED, message);
    }
}

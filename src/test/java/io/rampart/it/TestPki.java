package io.rampart.it;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway PKI for tests: CAs, end-entity certificates (RSA or ECDSA) and CRLs, made with Bouncy Castle. */
final class TestPki {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A certificate with its private key. */
    record Issued(X509Certificate certificate, PrivateKey key) {
        String pem() {
            return TestPki.pem(certificate);
        }
    }

    private TestPki() {}

    static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static String algorithm(PrivateKey signer) {
        return signer.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    }

    static Issued rootCa(String cn) throws Exception {
        KeyPair kp = ec();
        X500Name name = new X500Name("CN=" + cn + ",O=Rampart Test");
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                name,
                serial(),
                Date.from(now.minusSeconds(3600)),
                Date.from(now.plus(Duration.ofDays(30))),
                name,
                kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new Issued(sign(b, kp.getPrivate()), kp.getPrivate());
    }

    /** An intermediate CA under {@code parent}. */
    static Issued intermediateCa(Issued parent, String cn) throws Exception {
        KeyPair kp = ec();
        X500Name issuer = X500Name.getInstance(
                parent.certificate().getSubjectX500Principal().getEncoded());
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                issuer,
                serial(),
                Date.from(now.minusSeconds(3600)),
                Date.from(now.plus(Duration.ofDays(30))),
                new X500Name("CN=" + cn + ",O=Rampart Test"),
                kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new Issued(sign(b, parent.key()), kp.getPrivate());
    }

    /** An end-entity certificate for {@code subject} (an X.500 name), valid between the two instants. */
    static Issued leaf(Issued ca, String subject, KeyPair kp, Instant notBefore, Instant notAfter, String dnsName)
            throws Exception {
        X500Name issuer =
                X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                issuer, serial(), Date.from(notBefore), Date.from(notAfter), new X500Name(subject), kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        if (dnsName != null) {
            b.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        }
        return new Issued(sign(b, ca.key()), kp.getPrivate());
    }

    static Issued leaf(Issued ca, String subject, KeyPair kp) throws Exception {
        Instant now = Instant.now();
        return leaf(ca, subject, kp, now.minusSeconds(600), now.plus(Duration.ofDays(1)), null);
    }

    /** A CRL issued by {@code ca} revoking the given certificates. */
    static X509CRL crl(Issued ca, X509Certificate... revoked) throws Exception {
        X500Name issuer =
                X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
        Instant now = Instant.now();
        X509v2CRLBuilder b = new X509v2CRLBuilder(issuer, Date.from(now.minusSeconds(60)));
        b.setNextUpdate(Date.from(now.plus(Duration.ofDays(7))));
        for (X509Certificate c : revoked)
            b.addCRLEntry(c.getSerialNumber(), Date.from(now.minusSeconds(30)), CRLReason.keyCompromise);
        ContentSigner signer = new JcaContentSignerBuilder(algorithm(ca.key())).build(ca.key());
        return new JcaX509CRLConverter().getCRL(b.build(signer));
    }

    static String pem(X509Certificate cert) {
        try {
            StringWriter w = new StringWriter();
            try (JcaPEMWriter p = new JcaPEMWriter(w)) {
                p.writeObject(cert);
            }
            return w.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey) throws Exception {
        ContentSigner signer = new JcaContentSignerBuilder(algorithm(issuerKey)).build(issuerKey);
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }
}

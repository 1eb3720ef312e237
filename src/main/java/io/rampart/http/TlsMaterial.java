package io.rampart.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server's TLS key and certificate chain as an in-memory key store: from PEM files, or a self-signed certificate
 * generated once into the data directory (with the JDK's keytool) for local use.
 */
record TlsMaterial(KeyStore keyStore, char[] password, String fingerprint) {
    private static final String ALIAS = "rampart";

    static TlsMaterial fromPem(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> chain;
        try (InputStream in = Files.newInputStream(certFile)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (chain.isEmpty()) throw new IOException("no certificate found in " + certFile);
        String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
        if (pem.contains("BEGIN RSA PRIVATE KEY")
                || pem.contains("BEGIN EC PRIVATE KEY")
                || pem.contains("ENCRYPTED")) {
            throw new IOException(
                    keyFile + " must be an unencrypted PKCS#8 key (\"BEGIN PRIVATE KEY\"); convert it with "
                            + "`openssl pkcs8 -topk8 -nocrypt -in " + keyFile + " -out key.pem`");
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < 0) throw new IOException("no PEM private key found in " + keyFile);
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        PrivateKey key = null;
        for (String alg : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
            try {
                key = KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
                break;
            } catch (GeneralSecurityException ignored) {
                // try the next algorithm
            }
        }
        if (key == null) throw new IOException("unsupported private key type in " + keyFile);
        char[] password = randomPassword();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, key, password, chain.toArray(new Certificate[0]));
        return new TlsMaterial(ks, password, fingerprint(chain.iterator().next()));
    }

    /** Loads, or creates on first use, a self-signed certificate for localhost and 127.0.0.1 under {@code dir}. */
    static TlsMaterial selfSigned(Path dir) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        Path store = dir.resolve("self-signed.p12");
        Path passFile = dir.resolve("self-signed.pass");
        if (!Files.exists(store)) {
            String pass = new String(randomPassword());
            Path tmp = dir.resolve("self-signed.p12.tmp");
            Files.deleteIfExists(tmp);
            String keytool =
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process p = new ProcessBuilder(
                            keytool,
                            "-genkeypair",
                            "-alias",
                            ALIAS,
                            "-keyalg",
                            "EC",
                            "-groupname",
                            "secp256r1",
                            "-dname",
                            "CN=localhost, O=Rampart self-signed",
                            "-ext",
                            "SAN=dns:localhost,ip:127.0.0.1,ip:::1",
                            "-validity",
                            "825",
                            "-storetype",
                            "PKCS12",
                            "-keystore",
                            tmp.toString(),
                            "-storepass",
                            pass)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IOException("keytool could not create a self-signed certificate: " + out.trim());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted creating a self-signed certificate", e);
            }
            writeOwnerOnly(passFile, pass);
            Files.move(tmp, store, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        char[] password = Files.readString(passFile).trim().toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, password);
        }
        return new TlsMaterial(ks, password, fingerprint(ks.getCertificate(ALIAS)));
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(
                    file,
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, content);
    }

    private static char[] randomPassword() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b).toCharArray();
    }

    static String fingerprint(Certificate c) throws GeneralSecurityException {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
    }
}

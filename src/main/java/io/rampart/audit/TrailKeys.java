package io.rampart.audit;

import io.rampart.crypto.MasterKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

/**
 * The trail's RSA signing key pair. It lives in the database ({@link TrailAnchor}), the private key sealed under the
 * master key, outside the trail directory: a key found under {@code <trail>/keys/} is never trusted by itself (trails
 * written before the anchor existed kept their sealed key there; it is imported once, see {@link #loadOrStartCreating}).
 */
public final class TrailKeys {
    public static final String ALGORITHM = "SHA256withRSA";
    private static final String LEGACY_SEAL_CONTEXT = "rampart-trail-signing-key";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String fingerprint;

    private TrailKeys(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.fingerprint = fingerprint(publicKey);
    }

    static TrailKeys of(byte[] pkcs8, byte[] x509) {
        try {
            KeyFactory kf = KeyFactory.getInstance("RSA");
            return new TrailKeys(
                    kf.generatePrivate(new PKCS8EncodedKeySpec(pkcs8)),
                    kf.generatePublic(new X509EncodedKeySpec(x509)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("unreadable trail signing key", e);
        }
    }

    /** A new 2048-bit pair (a few hundred milliseconds to over a second of CPU: a random prime search). */
    static TrailKeys generate() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair pair = gen.generateKeyPair();
            return new TrailKeys(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the trail signing key", e);
        }
    }

    byte[] privateKeyEncoded() {
        return privateKey.getEncoded();
    }

    /**
     * The current key from the database now when it exists; else the sealed key an older version kept in
     * {@code legacyDir} (it opens only with the master key, so it cannot have been planted), imported once; otherwise a
     * new key created on a background thread. On a first start nothing needs the key until the first digest, so the
     * search waits until {@code idle} has passed or until {@link Pending#join} asks for the key, whichever is first: it
     * then no longer takes a core from start-up.
     */
    public static Pending loadOrStartCreating(
            TrailAnchor anchor, Path legacyDir, MasterKey masterKey, java.time.Duration idle, java.time.Clock clock)
            throws IOException {
        java.util.Optional<TrailKeys> existing = anchor.current();
        if (existing.isPresent())
            return new Pending(java.util.concurrent.CompletableFuture.completedFuture(existing.get()), false);
        java.util.Optional<TrailKeys> legacy = loadLegacy(legacyDir, masterKey);
        // Another node of a shared trail directory may have imported it already: a key signs one node's chain.
        if (legacy.isPresent() && !anchor.knows(legacy.get().fingerprint())) {
            // It signed the digests written so far: valid from the beginning.
            anchor.store(legacy.get(), TrailAnchor.KeyStatus.CURRENT, java.time.Instant.EPOCH);
            return new Pending(java.util.concurrent.CompletableFuture.completedFuture(legacy.get()), false);
        }
        Pending pending = new Pending(new java.util.concurrent.CompletableFuture<>(), true);
        // Valid from now, not from when the background thread gets to it: the digests this start writes before the key
        // exists (a crashed run's segments sealed at start-up) end after this instant and are signed by it.
        java.time.Instant from = clock.instant();
        Thread.ofPlatform().daemon().name("rampart-trail-keygen").start(() -> {
            try {
                pending.wanted.await(idle.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                TrailKeys keys = generate();
                anchor.store(keys, TrailAnchor.KeyStatus.CURRENT, from);
                pending.future.complete(keys);
            } catch (RuntimeException e) {
                pending.future.completeExceptionally(e);
            } catch (InterruptedException e) {
                pending.future.completeExceptionally(e);
                Thread.currentThread().interrupt();
            }
        });
        return pending;
    }

    /** A key pair that exists or is being created; {@link #join} waits for it (and starts its creation at once). */
    public static final class Pending {
        private final java.util.concurrent.CompletableFuture<TrailKeys> future;
        private final java.util.concurrent.CountDownLatch wanted = new java.util.concurrent.CountDownLatch(1);
        private final boolean creating;

        private Pending(java.util.concurrent.CompletableFuture<TrailKeys> future, boolean creating) {
            this.future = future;
            this.creating = creating;
        }

        static Pending of(TrailKeys keys) {
            return new Pending(java.util.concurrent.CompletableFuture.completedFuture(keys), false);
        }

        /** Whether the key pair exists now. */
        public boolean ready() {
            return future.isDone() && !future.isCompletedExceptionally();
        }

        /** Whether this start creates the key (a first start): its public key is then shown to be kept elsewhere. */
        public boolean creating() {
            return creating;
        }

        /** Completes when the key exists, without asking for it early. */
        public java.util.concurrent.CompletableFuture<TrailKeys> whenReady() {
            return future.copy();
        }

        /** The key pair; throws {@link java.util.concurrent.CompletionException} when it could not be created. */
        public TrailKeys join() {
            wanted.countDown();
            return future.join();
        }
    }

    private static java.util.Optional<TrailKeys> loadLegacy(Path dir, MasterKey masterKey) throws IOException {
        if (!Files.isDirectory(dir)) return java.util.Optional.empty();
        try (DirectoryStream<Path> sealed = Files.newDirectoryStream(dir, "*.key.sealed")) {
            for (Path p : sealed) {
                String fp = p.getFileName().toString().replace(".key.sealed", "");
                byte[] pkcs8;
                try {
                    pkcs8 = masterKey.unseal(Files.readAllBytes(p), LEGACY_SEAL_CONTEXT);
                } catch (IllegalArgumentException e) {
                    // Not sealed under this master key: planted or foreign, never used.
                    continue;
                }
                TrailKeys k = of(pkcs8, Files.readAllBytes(dir.resolve(fp + ".pub")));
                if (k.fingerprint.equals(fp)) return java.util.Optional.of(k);
            }
        } catch (RuntimeException e) {
            throw new IOException("cannot load the trail signing key from " + dir + ": " + e.getMessage(), e);
        }
        return java.util.Optional.empty();
    }

    /** The key as a PEM "PUBLIC KEY" block (X.509 SubjectPublicKeyInfo), the form {@code --public-key} reads. */
    public static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** Every PEM "PUBLIC KEY" block in {@code text}, or the text as one DER key when it has none. */
    public static java.util.List<PublicKey> parsePublicKeys(byte[] content) throws IOException {
        java.util.List<PublicKey> out = new java.util.ArrayList<>();
        String text = new String(content, StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----")
                .matcher(text);
        try {
            KeyFactory kf = KeyFactory.getInstance("RSA");
            while (m.find()) {
                out.add(kf.generatePublic(
                        new X509EncodedKeySpec(java.util.Base64.getMimeDecoder().decode(m.group(1)))));
            }
            if (out.isEmpty()) out.add(kf.generatePublic(new X509EncodedKeySpec(content)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("not an RSA public key (PEM \"PUBLIC KEY\" or DER): " + e.getMessage(), e);
        }
        return out;
    }

    /** Hex MD5 of the DER public key: 32 hex digits, the form of CloudTrail's digestPublicKeyFingerprint. */
    public static String fingerprint(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String fingerprint() {
        return fingerprint;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** Hex SHA256withRSA signature of {@code signingString}. */
    public String sign(String signingString) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(privateKey);
            s.update(signingString.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing the digest failed", e);
        }
    }

    public static boolean verify(PublicKey key, String signingString, String hexSignature) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(signingString.getBytes(StandardCharsets.UTF_8));
            return s.verify(HexFormat.of().parseHex(hexSignature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}

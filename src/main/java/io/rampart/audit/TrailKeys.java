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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The trail's RSA signing key pair, created on first start under {@code <trail>/keys/}: the public key in clear as
 * {@code <fingerprint>.pub} (X.509 DER, what a validator needs, found by the digest's digestPublicKeyFingerprint) and
 * the private key only sealed under the master key as {@code <fingerprint>.key.sealed}.
 */
public final class TrailKeys {
    public static final String ALGORITHM = "SHA256withRSA";
    private static final String SEAL_CONTEXT = "rampart-trail-signing-key";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String fingerprint;

    private TrailKeys(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.fingerprint = fingerprint(publicKey);
    }

    /**
     * Loads the key pair from {@code dir} now when it exists; otherwise creates it on a background thread. Generating
     * a 2048-bit RSA pair takes from a few hundred milliseconds to over a second of CPU (a random prime search). On a
     * first start nothing needs the key until the first digest, so the search waits until {@code idle} has passed or
     * until {@link Pending#join} asks for the key, whichever is first: it then no longer takes a core from start-up.
     */
    public static Pending loadOrStartCreating(Path dir, MasterKey masterKey, java.time.Duration idle) throws IOException {
        java.util.Optional<TrailKeys> existing = load(dir, masterKey);
        if (existing.isPresent()) return new Pending(java.util.concurrent.CompletableFuture.completedFuture(existing.get()));
        Files.createDirectories(dir);
        Pending pending = new Pending(new java.util.concurrent.CompletableFuture<>());
        Thread.ofPlatform().daemon().name("rampart-trail-keygen").start(() -> {
            try {
                pending.wanted.await(idle.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                pending.future.complete(create(dir, masterKey));
            } catch (IOException | RuntimeException e) {
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

        private Pending(java.util.concurrent.CompletableFuture<TrailKeys> future) {
            this.future = future;
        }

        /** Whether the key pair exists now. */
        public boolean ready() {
            return future.isDone() && !future.isCompletedExceptionally();
        }

        /** The key pair; throws {@link java.util.concurrent.CompletionException} when it could not be created. */
        public TrailKeys join() {
            wanted.countDown();
            return future.join();
        }
    }

    private static java.util.Optional<TrailKeys> load(Path dir, MasterKey masterKey) throws IOException {
        if (!Files.isDirectory(dir)) return java.util.Optional.empty();
        try (DirectoryStream<Path> sealed = Files.newDirectoryStream(dir, "*.key.sealed")) {
            for (Path p : sealed) {
                String fp = p.getFileName().toString().replace(".key.sealed", "");
                byte[] pkcs8 = masterKey.unseal(Files.readAllBytes(p), SEAL_CONTEXT);
                KeyFactory kf = KeyFactory.getInstance("RSA");
                PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                PublicKey pub = kf.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(dir.resolve(fp + ".pub"))));
                return java.util.Optional.of(new TrailKeys(priv, pub));
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the trail signing key from " + dir + ": " + e.getMessage(), e);
        }
        return java.util.Optional.empty();
    }

    private static TrailKeys create(Path dir, MasterKey masterKey) throws IOException {
        Files.createDirectories(dir);
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair pair = gen.generateKeyPair();
            TrailKeys keys = new TrailKeys(pair.getPrivate(), pair.getPublic());
            Durable.write(dir.resolve(keys.fingerprint + ".pub"), pair.getPublic().getEncoded());
            Durable.write(dir.resolve(keys.fingerprint + ".key.sealed"),
                    masterKey.seal(pair.getPrivate().getEncoded(), SEAL_CONTEXT));
            return keys;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create the trail signing key", e);
        }
    }

    /** Every public key in {@code dir}, by fingerprint (a validator needs no secret). */
    public static Map<String, PublicKey> publicKeys(Path dir) throws IOException {
        Map<String, PublicKey> keys = new HashMap<>();
        if (!Files.isDirectory(dir)) return keys;
        try (DirectoryStream<Path> pubs = Files.newDirectoryStream(dir, "*.pub")) {
            KeyFactory kf = KeyFactory.getInstance("RSA");
            for (Path p : pubs) {
                PublicKey k = kf.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(p)));
                keys.put(fingerprint(k), k);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("unreadable trail public key in " + dir + ": " + e.getMessage(), e);
        }
        return keys;
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

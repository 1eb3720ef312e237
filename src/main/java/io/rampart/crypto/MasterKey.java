package io.rampart.crypto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server master key: seals secrets (access-key secrets, data keys) with AES-256-GCM so nothing secret is stored in
 * clear. It comes from {@code RAMPART_MASTER_KEY} (base64, 32 bytes) or a key file created on first start with mode 0600.
 */
public final class MasterKey {
    private static final byte FORMAT = 1;
    private static final int NONCE = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private MasterKey(byte[] raw) {
        if (raw.length != 32) throw new IllegalArgumentException("master key must be 32 bytes");
        this.key = new SecretKeySpec(raw, "AES");
    }

    public static MasterKey of(byte[] raw) {
        return new MasterKey(raw.clone());
    }

    /** Loads the key from the environment value when given, else from {@code file}, creating it (0600) if absent. */
    public static MasterKey load(String envValue, Path file) throws IOException {
        if (envValue != null && !envValue.isBlank()) {
            return new MasterKey(Base64.getDecoder().decode(envValue.trim()));
        }
        if (Files.exists(file)) {
            return new MasterKey(
                    Base64.getDecoder().decode(Files.readString(file).trim()));
        }
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        Files.writeString(
                tmp, Base64.getEncoder().encodeToString(raw) + "\n", StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        MasterKey k = new MasterKey(raw);
        Arrays.fill(raw, (byte) 0);
        return k;
    }

    /** Encrypts and authenticates {@code plaintext}; {@code context} binds the result to its use (e.g. the key id). */
    public byte[] seal(byte[] plaintext, String context) {
        try {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher c = GcmCiphers.take();
            byte[] ct;
            try {
                c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                c.updateAAD(context.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                ct = c.doFinal(plaintext);
            } finally {
                GcmCiphers.give(c);
            }
            byte[] out = new byte[1 + NONCE + ct.length];
            out[0] = FORMAT;
            System.arraycopy(nonce, 0, out, 1, NONCE);
            System.arraycopy(ct, 0, out, 1 + NONCE, ct.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed", e);
        }
    }

    /** Reverses {@link #seal}; throws when the data was altered or sealed for another context or key. */
    public byte[] unseal(byte[] sealed, String context) {
        if (sealed.length < 1 + NONCE + 16 || sealed[0] != FORMAT)
            throw new IllegalArgumentException("not a sealed value");
        try {
            Cipher c = GcmCiphers.take();
            try {
                c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 1, NONCE));
                c.updateAAD(context.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return c.doFinal(sealed, 1 + NONCE, sealed.length - 1 - NONCE);
            } finally {
                GcmCiphers.give(c);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("sealed value does not open with this key", e);
        }
    }
}

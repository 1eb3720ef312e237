package io.rampart.crypto;

import java.security.GeneralSecurityException;
import java.util.concurrent.ArrayBlockingQueue;
import javax.crypto.Cipher;

/**
 * A small pool of AES/GCM/NoPadding {@link Cipher} instances. {@code Cipher.getInstance} walks the provider list on
 * every call, which showed in the profile of small GETs (one data-key unseal and one stream decryptor per request);
 * request threads are virtual, so a thread-local would be per request and save nothing. Every user initialises the
 * cipher with its own key and nonce before use, so an instance carries nothing from one user to the next but its
 * class; a cipher is returned only by the one that took it, after its last use.
 */
final class GcmCiphers {
    private static final ArrayBlockingQueue<Cipher> FREE = new ArrayBlockingQueue<>(64);

    private GcmCiphers() {}

    static Cipher take() {
        Cipher c = FREE.poll();
        if (c != null) return c;
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns a cipher for reuse; beyond the pool's capacity it is left to the garbage collector. */
    static void give(Cipher c) {
        FREE.offer(c);
    }
}

package io.rampart.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Derived SigV4 signing keys, which change only once a day per key: deriving one costs four HMACs, so each is
 * kept in a small bounded map. When full the map is simply cleared: keys are re-derived cheaply and a plain
 * clear never blocks the request path the way an LRU lock would.
 */
final class SigningKeyCache {
    private record Key(String secret, String date, String region, String service) {}

    private final int capacity;
    private final ConcurrentHashMap<Key, byte[]> keys = new ConcurrentHashMap<>();

    SigningKeyCache(int capacity) {
        this.capacity = capacity;
    }

    byte[] signingKey(String secret, String date, String region, String service) {
        Key key = new Key(secret, date, region, service);
        byte[] cached = keys.get(key);
        if (cached != null) {
            return cached;
        }
        byte[] derived = derive(secret, date, region, service);
        if (keys.size() >= capacity) {
            keys.clear();
        }
        keys.put(key, derived);
        return derived;
    }

    static byte[] derive(String secret, String date, String region, String service) {
        byte[] kDate = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        byte[] kRegion = hmac(kDate, region);
        byte[] kService = hmac(kRegion, service);
        return hmac(kService, CredentialScope.TERMINATOR);
    }

    static byte[] hmac(byte[] key, String data) {
        Mac mac = newMac(key);
        try {
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } finally {
            release(mac);
        }
    }

    /**
     * Idle HMAC instances: Mac.getInstance walks the provider list, and it showed in the profile of small requests
     * (one per signature check; request threads are virtual, so a thread-local would not help). Each user inits
     * the instance with its own key, which resets it, so nothing carries over.
     */
    private static final java.util.concurrent.ArrayBlockingQueue<Mac> IDLE =
            new java.util.concurrent.ArrayBlockingQueue<>(64);

    /** An HmacSHA256 initialised with {@code key}; pass it to {@link #release} after its last use, or drop it. */
    static Mac newMac(byte[] key) {
        try {
            Mac mac = IDLE.poll();
            if (mac == null) mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is mandatory on every Java runtime.
            throw new IllegalStateException(e);
        }
    }

    static void release(Mac mac) {
        IDLE.offer(mac);
    }
}

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
    private final ConcurrentHashMap<Key, SigningKey> keys = new ConcurrentHashMap<>();

    SigningKeyCache(int capacity) {
        this.capacity = capacity;
    }

    /**
     * A derived signing key, and an HmacSHA256 keyed with it that each signature check clones ({@link #newMac}):
     * cloning skips the pool, the key set-up, and the inner pad's SHA-256 block, which the prototype has already
     * absorbed. The prototype itself is never updated after it is built, so concurrent clones read a fixed state; each
     * clone is used by one request and dropped.
     */
    static final class SigningKey {
        private final byte[] bytes;
        private final Mac prototype;

        SigningKey(byte[] bytes) {
            this.bytes = bytes;
            Mac mac = SigningKeyCache.newMac(bytes);
            // HmacCore hashes the inner pad on the first update: an empty one leaves the pad absorbed and the MAC
            // state otherwise as initialised (any provider: an empty update changes no MAC value).
            mac.update(new byte[0], 0, 0);
            this.prototype = mac;
        }

        /** The key's bytes (shared: callers only read them). */
        byte[] bytes() {
            return bytes;
        }

        /** A Mac keyed with this key, fresh for one message (after doFinal, fresh again for another). */
        Mac newMac() {
            try {
                return (Mac) prototype.clone();
            } catch (CloneNotSupportedException e) {
                return SigningKeyCache.newMac(bytes); // a provider whose Mac cannot be cloned: key a new one
            }
        }
    }

    SigningKey signingKey(String secret, String date, String region, String service) {
        Key key = new Key(secret, date, region, service);
        SigningKey cached = keys.get(key);
        if (cached != null) {
            return cached;
        }
        SigningKey derived = new SigningKey(derive(secret, date, region, service));
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

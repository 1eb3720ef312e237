package io.rampart.crypto;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Data keys recently unsealed under the master key, by their sealed form, so that reading the same object again does
 * not run AES-GCM to open its key each time. Sound because unsealing is a pure function of the sealed bytes and the
 * master key, which does not change while the server runs: a hit is what unsealing would return. Bounded: past
 * {@code capacity} keys the cache is emptied and fills again. Keys live only in this process's memory (never on disk
 * or in logs); every caller gets its own copy, so a caller that wipes its key leaves the cached one intact. See
 * docs/security.md.
 */
public final class UnsealedKeys {
    private final int capacity;
    private final ConcurrentHashMap<String, byte[]> keys = new ConcurrentHashMap<>();

    public UnsealedKeys(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive");
        this.capacity = capacity;
    }

    /** The key sealed as {@code sealedForm}: the cached copy, else {@code unseal}'s result (which is then cached). */
    public byte[] get(String sealedForm, Function<String, byte[]> unseal) {
        byte[] key = keys.get(sealedForm);
        if (key == null) {
            key = unseal.apply(sealedForm).clone();
            if (keys.size() >= capacity) keys.clear();
            keys.put(sealedForm, key);
        }
        return key.clone();
    }

    /** How many keys are cached (tests). */
    int size() {
        return keys.size();
    }
}

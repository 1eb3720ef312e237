package io.rampart.storage;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Blobs that reads in this process hold ({@link BlobStore#pin}): a blob released meanwhile is deleted when its last
 * reader lets go, not under it. A pin and a delete of the same blob are atomic with respect to each other (both run in
 * the map's compute), so a reader that pinned a blob and then finds it still referenced knows the file stays.
 */
final class BlobPins {
    private static final class Held {
        int readers;
        boolean released;
    }

    private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();

    /** Holds {@code ids} until the pin is closed; {@code delete} then removes those released meanwhile. */
    BlobStore.Pin pin(Collection<String> ids, Consumer<String> delete) {
        List<String> pinned = List.copyOf(ids);
        for (String id : pinned) {
            held.compute(id, (k, h) -> {
                Held now = h == null ? new Held() : h;
                now.readers++;
                return now;
            });
        }
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (!closed.compareAndSet(false, true)) return;
            for (String id : pinned) {
                held.computeIfPresent(id, (k, h) -> {
                    if (--h.readers > 0) return h;
                    if (h.released) delete.accept(k);
                    return null;
                });
            }
        };
    }

    /** Deletes {@code id} now, or once its last reader lets go when it is pinned. */
    void release(String id, Consumer<String> delete) {
        held.compute(id, (k, h) -> {
            if (h == null) {
                delete.accept(k);
                return null;
            }
            h.released = true;
            return h;
        });
    }

    /** Blobs held by a reader now (tests). */
    int pinned() {
        return held.size();
    }
}

package io.rampart.detect;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * What an administrator does with findings (the admin API and {@code rampart findings} use it): list, show, archive
 * (acknowledged, nothing reversed) and resolve (the responses that changed something are reversed: the key is
 * re-enabled, the SSE-C block the detector set is lifted). Each change is written to the trail.
 */
public final class FindingsService {
    private final FindingStore store;
    private final Responder responder;
    private final TrailTailer tailer;
    private final BiConsumer<String, Map<String, String>> audit;

    /** @param audit writes an administrator's change to the trail: event name and details */
    public FindingsService(
            FindingStore store,
            Responder responder,
            TrailTailer tailer,
            BiConsumer<String, Map<String, String>> audit) {
        this.store = store;
        this.responder = responder;
        this.tailer = tailer;
        this.audit = audit;
    }

    public List<Finding> list(Finding.Status status) {
        return store.list(status);
    }

    public Optional<Finding> find(String id) {
        return store.find(id);
    }

    public synchronized Optional<Finding> archive(String id, String by) {
        Optional<Finding> f = store.find(id);
        if (f.isEmpty()) return f;
        if (tailer != null) tailer.forget(id);
        Finding archived = f.get().withStatus(Finding.Status.ARCHIVED);
        store.save(archived);
        audit.accept("ArchiveFinding", Map.of("findingId", id, "by", by));
        return Optional.of(archived);
    }

    /** Reverses the finding's responses (idempotently: a second resolve reverses nothing more) and marks it resolved. */
    public synchronized Optional<Finding> resolve(String id, String by) {
        Optional<Finding> f = store.find(id);
        if (f.isEmpty()) return f;
        if (tailer != null) tailer.forget(id);
        Finding resolved = f.get().withResponses(responder.reverse(f.get())).withStatus(Finding.Status.RESOLVED);
        store.save(resolved);
        audit.accept("ResolveFinding", Map.of("findingId", id, "by", by));
        return Optional.of(resolved);
    }
}

package io.rampart.audit;

/**
 * Where every request's record goes. {@link #recordDurably} returns only once the record would survive a crash: the
 * HTTP layer calls it before acknowledging a mutating request, so no acknowledged write lacks its record.
 * {@link #record} may return before the record is durable (reads, failures).
 */
public interface AuditTrail extends AutoCloseable {
    AuditTrail NONE = new AuditTrail() {
        @Override
        public void record(RequestFacts facts) {}

        @Override
        public void recordDurably(RequestFacts facts) {}

        @Override
        public void close() {}
    };

    void record(RequestFacts facts);

    void recordDurably(RequestFacts facts);

    @Override
    void close();
}

package io.rampart.storage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Optional;

/**
 * The claim, acknowledge, retry and dead-letter rules of a durable work queue kept in one table of the metadata
 * database (the replication queue and the event-notification queue: each table keeps its own payload columns and
 * is filled in its owner's transaction; every row has {@code id, attempts, next_attempt, claimed_by, dead,
 * last_error}).
 *
 * <p>A row is due when {@code next_attempt} has passed. A node claims a due row before working on it: one write that
 * succeeds only if the row is still due, which moves {@code next_attempt} one visibility timeout ahead and names the
 * node, so no other node (whose claim of the same row conflicts: one transaction, serializable on PostgreSQL) takes
 * it meanwhile. Acknowledging deletes the row; a retry counts an attempt and makes it due again after a back-off; a
 * dead letter stays in the table for inspection but is never due again. A node that dies holding a claim leaves a row
 * that becomes due once the timeout passes, or at once when the worker's lease moves on ({@link #releaseClaims}).
 * Delivery is at least once: work must tolerate a repeat after a node died between doing it and acknowledging it.
 */
public final class DurableQueue {
    private final Database db;
    private final String table;
    private final String node;
    private final Duration visibility;

    /**
     * {@code table}: a constant of the caller's (never input); {@code node}: this node's name in claims;
     * {@code visibility}: how long a claim keeps other nodes off a row (longer than one row's work takes).
     */
    public DurableQueue(Database db, String table, String node, Duration visibility) {
        this.db = db;
        this.table = table;
        this.node = node;
        this.visibility = visibility;
    }

    /** A live row: not dead-lettered (for the owner's queries). */
    public static final String LIVE = "dead IS NULL";

    /** Claims row {@code id} for this node if it is due at {@code now}; true when this node may work on it now. */
    public boolean claim(long id, long now) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
                    + " SET next_attempt = ?, claimed_by = ? WHERE id = ? AND next_attempt <= ? AND " + LIVE)) {
                ps.setLong(1, now + visibility.toMillis());
                ps.setString(2, node);
                ps.setLong(3, id);
                ps.setLong(4, now);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Keeps this node's claim of row {@code id} for another visibility timeout from {@code now} (a heartbeat, for work
     * that outlasts one timeout); false when the claim is no longer this node's (it lapsed and another node took it).
     */
    public boolean renew(long id, long now) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
                    + " SET next_attempt = ? WHERE id = ? AND claimed_by = ? AND next_attempt IS NOT NULL AND "
                    + LIVE)) {
                ps.setLong(1, now + visibility.toMillis());
                ps.setLong(2, id);
                ps.setString(3, node);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Done: the row leaves the queue. */
    public void ack(long id) {
        ack(id, null);
    }

    /** Done: the row leaves the queue, in one transaction with {@code alongside} (may be null). */
    public void ack(long id, Database.Work<?> alongside) {
        db.write(c -> {
            if (alongside != null) alongside.run(c);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** A failed attempt: counted, the claim dropped, due again at {@code nextAttempt}. */
    public void retry(long id, long nextAttempt, String error) {
        update(id, "attempts = attempts + 1, next_attempt = ?, last_error = ?", nextAttempt, error);
    }

    /** Not attempted (its destination is known to be down, or it waits behind another row): due at {@code when}. */
    public void defer(long id, long when) {
        update(id, "next_attempt = ?", when, null);
    }

    /** Never due again (what retrying cannot fix); kept in the table with its reason for an operator to look at. */
    public void deadLetter(long id, long now, String reason) {
        update(id, "dead = ?, last_error = ?", now, reason);
    }

    private void update(long id, String set, long value, String text) {
        db.write(c -> {
            // Only while the row is unclaimed or claimed by this node: a claim that timed out and was taken by
            // another node is theirs now.
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET " + set
                    + ", claimed_by = NULL WHERE id = ? AND (claimed_by IS NULL OR claimed_by = ?)")) {
                int i = 1;
                ps.setLong(i++, value);
                if (set.contains("last_error")) ps.setString(i++, text);
                ps.setLong(i++, id);
                ps.setString(i, node);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Makes the rows other nodes claimed due now: called by a worker that just took its lease over (their claimer
     * stopped or died), or at start-up on a single node (claims of a previous run of this server).
     */
    public int releaseClaims(long now) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
                    + " SET next_attempt = ?, claimed_by = NULL WHERE claimed_by IS NOT NULL AND claimed_by <> ?")) {
                ps.setLong(1, now);
                ps.setString(2, node);
                return ps.executeUpdate();
            }
        });
    }

    /** Live rows (waiting, retrying or claimed). */
    public long length() {
        return count(LIVE);
    }

    /** Dead letters kept. */
    public long deadLetters() {
        return count("dead IS NOT NULL");
    }

    private long count(String where) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE " + where);
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    /** The earliest time a live row is due, if any (lets the worker sleep until then). */
    public Optional<Long> nextAttempt() {
        return db.read(c -> {
            try (PreparedStatement ps =
                            c.prepareStatement("SELECT MIN(next_attempt) FROM " + table + " WHERE " + LIVE);
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                return rs.wasNull() ? Optional.<Long>empty() : Optional.of(v);
            }
        });
    }

    /** Exponential back-off: {@code base} doubled per attempt so far, at most {@code max}. */
    public static long backoff(int attempts, Duration base, Duration max) {
        long b = base.toMillis();
        long d = attempts >= 30 ? Long.MAX_VALUE : b << Math.max(0, attempts);
        return Math.min(d <= 0 ? Long.MAX_VALUE : d, max.toMillis());
    }
}

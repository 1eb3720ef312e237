package io.rampart.notify;

import io.rampart.storage.Database;
import io.rampart.storage.DurableQueue;
import io.rampart.storage.Leases;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable queue of event notifications waiting for delivery, in the server's SQLite database: an event is
 * committed before the request that caused it is acknowledged, and leaves the queue only once its target accepted it.
 * Claims, retries and acknowledgements follow {@link DurableQueue} (one node delivers a message at a time).
 */
public final class EventQueue {

    /** One queued message for one target. */
    public record Pending(long id, String target, String body, int attempts, long nextAttempt) {}

    /** How long a claim keeps other nodes off a message: longer than one delivery may take (15 s). */
    static final Duration CLAIM = Duration.ofMinutes(1);

    private final Database db;
    private final DurableQueue rows;

    /** A queue claimed under a name of this run ({@link Leases#runName}). */
    public EventQueue(Database db) throws SQLException {
        this(db, Leases.runName());
    }

    /** {@code node}: this node's name in claims. */
    public EventQueue(Database db, String node) throws SQLException {
        this.db = db;
        this.rows = new DurableQueue(db, "notification_queue", node, CLAIM);
    }

    /** The rows' claim and retry rules. */
    public DurableQueue rows() {
        return rows;
    }

    /** Queues messages durably (one transaction); returns when committed. */
    public void add(List<Message> messages, long now) {
        if (messages.isEmpty()) return;
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO notification_queue(target, body, attempts, next_attempt, created) VALUES (?, ?, 0, ?, ?)")) {
                for (Message m : messages) {
                    ps.setString(1, m.target());
                    ps.setString(2, m.body());
                    ps.setLong(3, now);
                    ps.setLong(4, now);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** A message for a target. */
    public record Message(String target, String body) {}

    /** Messages in queue order (oldest first), at most {@code limit}. */
    public List<Pending> oldest(int limit) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, target, body, attempts, next_attempt FROM notification_queue WHERE dead IS NULL"
                            + " ORDER BY id LIMIT ?")) {
                ps.setInt(1, limit);
                List<Pending> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Pending(
                                rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getLong(5)));
                    }
                }
                return out;
            }
        });
    }

    /** Claims a due message for this node; false when another node has it or it is no longer due. */
    public boolean claim(long id, long now) {
        return rows.claim(id, now);
    }

    public void delivered(long id) {
        rows.ack(id);
    }

    /** Records a failed attempt: the message is next tried at {@code nextAttempt}. */
    public void failed(long id, long nextAttempt) {
        rows.retry(id, nextAttempt, null);
    }

    /** Messages waiting for delivery. */
    public long size() {
        return rows.length();
    }
}

package io.rampart.notify;

import io.rampart.storage.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable queue of event notifications waiting for delivery, in the server's SQLite database: an event is
 * committed before the request that caused it is acknowledged, and leaves the queue only once its target accepted it.
 */
public final class EventQueue {

    /** One queued message for one target. */
    public record Pending(long id, String target, String body, int attempts, long nextAttempt) {}

    private final Database db;

    public EventQueue(Database db) throws SQLException {
        this.db = db;
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
                    "SELECT id, target, body, attempts, next_attempt FROM notification_queue ORDER BY id LIMIT ?")) {
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

    public void delivered(long id) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM notification_queue WHERE id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Records a failed attempt: the message is next tried at {@code nextAttempt}. */
    public void failed(long id, long nextAttempt) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE notification_queue SET attempts = attempts + 1, next_attempt = ? WHERE id = ?")) {
                ps.setLong(1, nextAttempt);
                ps.setLong(2, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Messages waiting for delivery. */
    public long size() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM notification_queue");
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }
}

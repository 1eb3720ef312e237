package io.rampart.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The durable replication queue: one row per object version (or delete marker) waiting to be replicated, inserted by
 * {@link SqliteMetadataStore} in the same transaction as the version itself, so an acknowledged write is never missing
 * from it. Rows leave the queue in the transaction that records the version's final replication status. Claims,
 * retries and acknowledgements follow {@link DurableQueue} (one node works on a task at a time).
 */
public final class ReplicationQueue {

    /**
     * One pending replication. {@code done}: destination buckets already written (a retry skips them).
     */
    public record Task(
            long id,
            String bucket,
            String key,
            String versionId,
            long enqueued,
            int attempts,
            Set<String> done,
            String lastError) {}

    /** How long a claim keeps other nodes off a task: longer than copying one version takes. */
    public static final java.time.Duration CLAIM = java.time.Duration.ofMinutes(10);

    private final Database db;
    private final DurableQueue rows;

    /** A queue claimed under a name of this run ({@link Leases#runName}). */
    public ReplicationQueue(Database db) throws SQLException {
        this(db, Leases.runName());
    }

    /** {@code node}: this node's name in claims. */
    public ReplicationQueue(Database db, String node) throws SQLException {
        this.db = db;
        this.rows = new DurableQueue(db, "replication_queue", node, CLAIM);
    }

    /** The rows' claim and retry rules. */
    public DurableQueue rows() {
        return rows;
    }

    /** Claims a due task for this node; false when another node has it or it is no longer due. */
    public boolean claim(Task t, long now) {
        return rows.claim(t.id(), now);
    }

    /** Inside a version's write transaction: queues it when its metadata says replication is pending. */
    static void enqueueIfPending(Connection c, ObjectVersion v) throws SQLException {
        StatementBatch batch = new StatementBatch(c, false);
        enqueueIfPending(batch, v);
        batch.run();
    }

    /** The same, as one statement of the write's batch. */
    static void enqueueIfPending(StatementBatch batch, ObjectVersion v) {
        if (!ObjectMeta.REPLICATION_PENDING.equals(v.meta().replicationStatus())) return;
        long now = System.currentTimeMillis();
        batch.add(
                "INSERT INTO replication_queue(bucket, key, version_id, enqueued) VALUES(?,?,?,?)",
                p -> p.text(v.bucket()).text(v.key()).text(v.versionId()).int64(now));
    }

    /**
     * Up to {@code limit} tasks that may run now, oldest first: for each key only its oldest queued task (versions of a
     * key replicate in the order they were written), and only once its back-off has passed.
     */
    public List<Task> due(long now, int limit) {
        return db.read(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT id, bucket, key, version_id, enqueued, attempts, done, last_error"
                            + " FROM replication_queue q WHERE next_attempt <= ? AND dead IS NULL AND id = (SELECT MIN(id)"
                            + " FROM replication_queue WHERE bucket = q.bucket AND key = q.key AND dead IS NULL)"
                            + " ORDER BY id LIMIT ?")) {
                ps.setLong(1, now);
                ps.setInt(2, limit);
                List<Task> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Set<String> done = new LinkedHashSet<>();
                        for (String d : rs.getString(7).split("\n")) if (!d.isEmpty()) done.add(d);
                        out.add(new Task(
                                rs.getLong(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getLong(5),
                                rs.getInt(6),
                                done,
                                rs.getString(8)));
                    }
                }
                return out;
            }
        });
    }

    /** Records that one destination has the version, so a retry of the task does not write it twice. */
    public void markDone(Task t, String destination) {
        db.write(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE replication_queue SET done = done || ? WHERE id = ?")) {
                ps.setString(1, destination + "\n");
                ps.setLong(2, t.id());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Leaves the task for later: another attempt not before {@code nextAttempt}. */
    public void retryLater(Task t, long nextAttempt, String error) {
        rows.retry(t.id(), nextAttempt, error);
    }

    /** Postpones the task without counting an attempt (its destination is known to be down). */
    public void deferUntil(Task t, long nextAttempt) {
        rows.defer(t.id(), nextAttempt);
    }

    /**
     * Finishes a task: the source version's replication status becomes {@code status} (COMPLETED or FAILED) and the
     * task leaves the queue, in one transaction. A null status only removes the task (its version is gone).
     */
    public void finish(Task t, String status) {
        rows.ack(
                t.id(),
                status == null
                        ? null
                        : c -> {
                            try (PreparedStatement ps = c.prepareStatement("UPDATE objects SET meta = "
                                    + db.dialect().jsonWithField("meta", "replicationStatus")
                                    + " WHERE bucket = ? AND key = ? AND version_id = ?")) {
                                ps.setString(1, status);
                                ps.setString(2, t.bucket());
                                ps.setString(3, t.key());
                                ps.setString(4, t.versionId());
                                return ps.executeUpdate();
                            }
                        });
    }

    /** Tasks waiting (the replication lag, in versions). */
    public long length() {
        return rows.length();
    }

    /** When the oldest waiting task was queued (epoch millis), if any: the replication lag, in time. */
    public Optional<Long> oldestEnqueued() {
        return db.read(c -> {
            try (PreparedStatement ps =
                            c.prepareStatement("SELECT MIN(enqueued) FROM replication_queue WHERE dead IS NULL");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                return rs.wasNull() ? Optional.<Long>empty() : Optional.of(v);
            }
        });
    }

    /** The earliest time a waiting task may run again, if any (lets the worker sleep until then). */
    public Optional<Long> nextAttempt() {
        return rows.nextAttempt();
    }
}

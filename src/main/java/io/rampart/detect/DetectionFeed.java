package io.rampart.detect;

import io.rampart.storage.Database;
import io.rampart.storage.Leases;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cluster's detection feed, on a database several nodes share: every node publishes the records of its own trail
 * (table {@code detection_feed}, one row per published batch, keyed by node id and a sequence number that only grows,
 * so a reader's position per node is one number and no row committed late is skipped), and the node holding the
 * {@link #LEASE} lease runs the detector over every node's rows, its position per node ({@code
 * detection_feed_position}) committed with the detector's state. One insert per batch, one query per poll: nothing per
 * request. Rows the detector read are pruned after {@link #KEEP}, any row after {@link #MAX_AGE}.
 */
public final class DetectionFeed {
    /** The lease the detector runs under: one node of the cluster at a time. */
    public static final String LEASE = "detector";
    /** How long a lease lasts without renewal: a dead leader's detector moves to another node after this. */
    static final Duration LEASE_LENGTH = Duration.ofSeconds(15);
    /** How often a node renews (or tries to take) the lease. */
    static final long RENEW_EVERY_MILLIS = 3_000;
    /** How long rows the detector has read are kept (another node taking the lease re-reads from its position). */
    static final Duration KEEP = Duration.ofMinutes(1);
    /** Rows older than this go whether read or not (no detector ran for a day). */
    static final Duration MAX_AGE = Duration.ofDays(1);
    /** Rows read per query. */
    static final int PAGE = 256;

    /** One published batch: its node, sequence number and records (each one JSON object). */
    public record Row(String node, long seq, List<byte[]> records) {}

    private final Database db;
    private final String node;
    private final long pollMillis;
    private final Leases leases;
    private final Clock clock;
    private long lastCreated;

    /**
     * @param node       this node's id (unique per process: a restarted node publishes under a new one)
     * @param pollMillis how often the lease holder looks for other nodes' new rows
     */
    public DetectionFeed(Database db, String node, long pollMillis, Clock clock) {
        if (pollMillis <= 0) throw new IllegalArgumentException("the detection feed's poll interval must be positive");
        this.db = db;
        this.node = node;
        this.pollMillis = pollMillis;
        this.clock = clock;
        this.leases = new Leases(db, node, clock);
    }

    public String node() {
        return node;
    }

    public long pollMillis() {
        return pollMillis;
    }

    /** Takes or renews the detector's lease; true when this node holds it. */
    boolean hold() {
        return leases.hold(LEASE, LEASE_LENGTH);
    }

    void release() {
        leases.release(LEASE);
    }

    /** Inserts this node's batch {@code seq} in the caller's transaction. */
    void insert(Connection c, long seq, List<byte[]> records) throws SQLException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : records) {
            out.writeBytes(r);
            out.write('\n');
        }
        // Per node, creation times never go back, so rows in (created, node, seq) order are in seq order per node.
        long created = Math.max(clock.millis(), lastCreated);
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO detection_feed(node, seq, created, records) VALUES(?, ?, ?, ?)")) {
            ps.setString(1, node);
            ps.setLong(2, seq);
            ps.setLong(3, created);
            ps.setBytes(4, out.toByteArray());
            ps.executeUpdate();
        }
        lastCreated = created;
    }

    /** The rows after {@code positions} (per node; a node not in it from its first row), oldest first, at most a page. */
    List<Row> after(Map<String, Long> positions) {
        return db.read(c -> {
            StringBuilder sql = new StringBuilder("SELECT node, seq, records FROM detection_feed");
            List<Object> args = new ArrayList<>();
            if (!positions.isEmpty()) {
                sql.append(" WHERE node NOT IN (");
                int i = 0;
                for (String n : positions.keySet()) {
                    sql.append(i++ == 0 ? "?" : ", ?");
                    args.add(n);
                }
                sql.append(")");
                for (Map.Entry<String, Long> e : positions.entrySet()) {
                    sql.append(" OR (node = ? AND seq > ?)");
                    args.add(e.getKey());
                    args.add(e.getValue());
                }
            }
            sql.append(" ORDER BY created, node, seq LIMIT ").append(PAGE);
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) rows.add(new Row(rs.getString(1), rs.getLong(2), lines(rs.getBytes(3))));
                }
            }
            return rows;
        });
    }

    private static List<byte[]> lines(byte[] b) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] != '\n') continue;
            if (i > start) out.add(java.util.Arrays.copyOfRange(b, start, i));
            start = i + 1;
        }
        if (start < b.length) out.add(java.util.Arrays.copyOfRange(b, start, b.length));
        return out;
    }

    /** The detector's committed positions. */
    static Map<String, Long> positions(Connection c) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT node, seq FROM detection_feed_position");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        }
        return out;
    }

    /** Commits the detector's positions (in the transaction that commits its state). */
    static void savePositions(Connection c, Map<String, Long> positions) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO detection_feed_position(node, seq) VALUES(?, ?)"
                + " ON CONFLICT(node) DO UPDATE SET seq = excluded.seq")) {
            for (Map.Entry<String, Long> e : positions.entrySet()) {
                ps.setString(1, e.getKey());
                ps.setLong(2, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Deletes the rows the detector read more than {@link #KEEP} ago and every row older than {@link #MAX_AGE}, then the
     * positions of nodes with no row left (a later row of theirs is new to any reader); returns those nodes.
     */
    Set<String> prune(Connection c, Map<String, Long> positions) throws SQLException {
        long now = clock.millis();
        try (PreparedStatement ps =
                c.prepareStatement("DELETE FROM detection_feed WHERE node = ? AND seq <= ? AND created < ?")) {
            for (Map.Entry<String, Long> e : positions.entrySet()) {
                ps.setString(1, e.getKey());
                ps.setLong(2, e.getValue());
                ps.setLong(3, now - KEEP.toMillis());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM detection_feed WHERE created < ?")) {
            ps.setLong(1, now - MAX_AGE.toMillis());
            ps.executeUpdate();
        }
        Set<String> gone = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT p.node FROM detection_feed_position p WHERE NOT EXISTS"
                        + " (SELECT 1 FROM detection_feed f WHERE f.node = p.node)");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) gone.add(rs.getString(1));
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM detection_feed_position WHERE node = ?")) {
            for (String n : gone) {
                ps.setString(1, n);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return gone;
    }
}

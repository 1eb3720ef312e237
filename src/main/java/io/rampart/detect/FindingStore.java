package io.rampart.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.rampart.storage.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The findings table in the metadata database: one row per finding, the searchable columns plus the whole finding as
 * JSON ({@code doc}), updated as more evidence arrives. A finding's status belongs to the administrator: growing a
 * finding never changes it.
 */
public final class FindingStore {
    private final Database db;

    public FindingStore(Database db) throws SQLException {
        this.db = db;
    }

    public Database database() {
        return db;
    }

    /** Inserts or replaces the finding, status included. */
    public void save(Finding f) {
        db.write(c -> {
            var unused = save(c, f, true);
            return null;
        });
    }

    /**
     * Within a transaction: inserts the finding, or replaces its row; without {@code withStatus} (the detector growing
     * it) a finding an administrator already archived or resolved is left as it is, and false is returned.
     */
    static boolean save(Connection c, Finding f, boolean withStatus) throws SQLException {
        Finding stored = f;
        if (!withStatus) {
            java.util.Optional<Finding> before = find(c, f.id());
            // An administrator archived or resolved it meanwhile: it is no longer grown.
            if (before.isPresent() && before.get().status() != Finding.Status.OPEN) return false;
        }
        String doc;
        String evidence;
        try {
            doc = FindingJson.JSON.writeValueAsString(FindingJson.of(stored));
            evidence = FindingJson.JSON.writeValueAsString(stored.evidence());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO findings(id, rule, severity, principal_arn, "
                + "access_key_id, bucket, first_time, last_time, count, evidence, status, doc) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)"
                + " ON CONFLICT(id) DO UPDATE SET rule = excluded.rule, severity = excluded.severity,"
                + " principal_arn = excluded.principal_arn, access_key_id = excluded.access_key_id, bucket = excluded.bucket,"
                + " first_time = excluded.first_time, last_time = excluded.last_time, count = excluded.count,"
                + " evidence = excluded.evidence, status = excluded.status, doc = excluded.doc")) {
            ps.setString(1, stored.id());
            ps.setString(2, stored.ruleId());
            ps.setString(3, stored.severity().name());
            ps.setString(4, stored.principalArn());
            ps.setString(5, stored.accessKeyId());
            ps.setString(6, stored.bucket());
            ps.setLong(7, stored.firstTime().toEpochMilli());
            ps.setLong(8, stored.lastTime().toEpochMilli());
            ps.setLong(9, stored.count());
            ps.setString(10, evidence);
            ps.setString(11, stored.status().name());
            ps.setString(12, doc);
            ps.executeUpdate();
        }
        return true;
    }

    /** All findings, oldest first; only those with {@code status} when it is not null. */
    public List<Finding> list(Finding.Status status) {
        return db.read(c -> {
            List<Finding> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, status, doc FROM findings"
                    + (status == null ? "" : " WHERE status = ?") + " ORDER BY first_time, id")) {
                if (status != null) ps.setString(1, status.name());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        // Rows of the first detector slice have no document: they are not shown.
                        if (rs.getString(3) != null) out.add(row(rs));
                    }
                }
            }
            return out;
        });
    }

    public List<Finding> list() {
        return list(null);
    }

    public Optional<Finding> find(String id) {
        return db.read(c -> find(c, id));
    }

    static Optional<Finding> find(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, status, doc FROM findings WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static Finding row(ResultSet rs) throws SQLException {
        String doc = rs.getString(3);
        if (doc == null)
            throw new SQLException(
                    "finding " + rs.getString(1) + " was stored by an older version without its document");
        try {
            return FindingJson.parse(FindingJson.JSON.readTree(doc))
                    .withStatus(Finding.Status.valueOf(rs.getString(2)));
        } catch (JsonProcessingException e) {
            throw new SQLException("finding " + rs.getString(1) + " is unreadable", e);
        }
    }
}

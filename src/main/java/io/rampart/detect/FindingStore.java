package io.rampart.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.storage.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The findings table in the metadata database: one row per finding, updated as more evidence arrives. */
public final class FindingStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SCHEMA = List.of("""
            CREATE TABLE IF NOT EXISTS findings(id TEXT PRIMARY KEY, rule TEXT NOT NULL, severity TEXT NOT NULL,
              principal_arn TEXT, access_key_id TEXT, bucket TEXT, first_time INTEGER NOT NULL, last_time INTEGER NOT NULL,
              count INTEGER NOT NULL, evidence TEXT NOT NULL)
            """);
    private static final String COLUMNS =
            "id, rule, severity, principal_arn, access_key_id, bucket, first_time, last_time, count, evidence";

    private final Database db;

    public FindingStore(Database db) throws SQLException {
        this.db = db;
        db.migrate(SCHEMA);
    }

    /** Inserts the finding, or replaces the row with the same id (a finding grows as events keep matching). */
    public void save(Finding f) {
        String evidence;
        try {
            evidence = JSON.writeValueAsString(f.evidence());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO findings(" + COLUMNS
                    + ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, f.id());
                ps.setString(2, f.ruleId());
                ps.setString(3, f.severity().name());
                ps.setString(4, f.principalArn());
                ps.setString(5, f.accessKeyId());
                ps.setString(6, f.bucket());
                ps.setLong(7, f.firstTime().toEpochMilli());
                ps.setLong(8, f.lastTime().toEpochMilli());
                ps.setLong(9, f.count());
                ps.setString(10, evidence);
                return ps.executeUpdate();
            }
        });
    }

    /** All findings, oldest first. */
    public List<Finding> list() {
        return db.read(c -> {
            List<Finding> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM findings ORDER BY first_time, id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row(rs));
            }
            return out;
        });
    }

    public Optional<Finding> find(String id) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM findings WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.<Finding>empty();
                }
            }
        });
    }

    private static Finding row(ResultSet rs) throws SQLException {
        List<String> evidence;
        try {
            evidence = JSON.readValue(rs.getString(10), new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("finding " + rs.getString(1) + " has unreadable evidence", e);
        }
        return new Finding(rs.getString(1), rs.getString(2), Severity.valueOf(rs.getString(3)), rs.getString(4),
                rs.getString(5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), Instant.ofEpochMilli(rs.getLong(8)),
                rs.getLong(9), evidence);
    }
}

package io.rampart.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Reference counts of blobs ({@code blobs}): every version segment and uploaded part holds one. A blob whose count
 * drops to zero is added to the write's {@code freed} list; its file is deleted only once that write is durable.
 */
final class BlobRefs {
    private final SqlDialect dialect;

    BlobRefs(SqlDialect dialect) {
        this.dialect = dialect;
    }

    void add(Connection c, String blob) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.addBlobRef())) {
            ps.setString(1, blob);
            ps.executeUpdate();
        }
    }

    /** Drops one reference; the blob goes into {@code freed} when that was its last. */
    static void drop(Connection c, String blob, List<String> freed) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE blobs SET refs = refs - 1 WHERE id = ?")) {
            ps.setString(1, blob);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM blobs WHERE id = ? AND refs <= 0")) {
            ps.setString(1, blob);
            if (ps.executeUpdate() > 0) freed.add(blob);
        }
    }

    static boolean isLive(Connection c, String blob) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM blobs WHERE id = ? AND refs > 0")) {
            ps.setString(1, blob);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}

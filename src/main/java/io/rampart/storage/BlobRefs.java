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
        StatementBatch batch = new StatementBatch(c, dialect);
        add(batch, blob);
        batch.run();
    }

    void add(StatementBatch batch, String blob) {
        batch.add(dialect.addBlobRef(), p -> p.text(blob));
    }

    /**
     * Adds one reference to a blob that other versions reference already (a copy's source blobs), only if it still
     * has one: a blob freed meanwhile (its row deleted when its last reference went) is not brought back, the write
     * fails with {@link CopySourceGoneException}. On PostgreSQL the UPDATE waits for a write dropping a reference to
     * the blob and then sees its outcome, so a copy and the deletion of its source never both count on the blob.
     */
    static void addExisting(StatementBatch batch, String blob) {
        batch.add(
                "UPDATE blobs SET refs = refs + 1 WHERE id = ? AND refs > 0",
                added -> {
                    if (added != 1) throw new CopySourceGoneException(blob);
                },
                p -> p.text(blob));
    }

    /** Drops one reference when the batch runs; the blob goes into {@code freed} when that was its last. */
    static void drop(StatementBatch batch, String blob, List<String> freed) {
        batch.add("UPDATE blobs SET refs = refs - 1 WHERE id = ?", p -> p.text(blob));
        batch.add(
                "DELETE FROM blobs WHERE id = ? AND refs <= 0",
                deleted -> {
                    if (deleted > 0) freed.add(blob);
                },
                p -> p.text(blob));
    }

    /** Drops one reference; the blob goes into {@code freed} when that was its last. */
    static void drop(Connection c, String blob, List<String> freed) throws SQLException {
        StatementBatch batch = new StatementBatch(c, false);
        drop(batch, blob, freed);
        batch.run();
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

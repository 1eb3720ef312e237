package io.rampart.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Reference counts of blobs ({@code blobs}): every version segment, uploaded part and recovery-window entry holds one.
 * A blob whose count drops to zero loses its row and is added to the write's {@code freed} list; its file is deleted
 * only once that write is durable. A row is therefore created once, by the write that first references a newly written
 * blob ({@link #create}); every later reference is added to a row that is still there ({@link #share}), never by
 * bringing back the row of a blob that was let go: its file may be gone already.
 */
final class BlobRefs {
    private BlobRefs() {}

    /**
     * Thrown inside a write that would share a blob whose last reference is gone (a concurrent delete or purge freed it
     * between the caller's read and this write): the write is rolled back, and the store reports what the caller read
     * as changed (a copy's source, an upload's part), so the caller reads again.
     */
    static final class Released extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Released(String blob) {
            super("blob " + blob + " is no longer referenced", null, false, false);
        }
    }

    /** The first reference to a blob just written for the row this write adds (its count row is created at 1). */
    static void create(StatementBatch batch, String blob) {
        batch.add("INSERT INTO blobs(id, refs) VALUES(?, 1)", p -> p.text(blob));
    }

    /**
     * One more reference to a blob that committed rows reference, checked inside the write: when its count row is gone
     * (the blob was released), the write fails with {@link Released} instead of referencing freed data. The row is
     * locked by the update until the commit, so a concurrent drop of the same blob waits and sees this reference.
     */
    static void share(StatementBatch batch, String blob) {
        batch.add(
                "UPDATE blobs SET refs = refs + 1 WHERE id = ? AND refs > 0",
                updated -> {
                    if (updated == 0) throw new Released(blob);
                },
                p -> p.text(blob));
    }

    /** {@link #share} at once, outside a batch. */
    static void share(Connection c, String blob) throws SQLException {
        StatementBatch batch = new StatementBatch(c, false);
        share(batch, blob);
        batch.run();
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

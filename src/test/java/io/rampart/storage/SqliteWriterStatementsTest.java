package io.rampart.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite writer keeps its statements ({@link CachedStatements}): a statement whose use failed must not poison
 * later writes of the same SQL, and a failing write still fails only itself, whatever group it committed in.
 */
class SqliteWriterStatementsTest {
    private static final String INSERT = "INSERT INTO kept_test(k, v) VALUES(?, ?)";

    @TempDir
    Path dir;

    private Database db;

    @BeforeEach
    void open() throws Exception {
        db = new Database(dir.resolve("rampart.db"), 2);
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("CREATE TABLE kept_test(k TEXT PRIMARY KEY, v TEXT)")) {
                ps.execute();
            }
            return null;
        });
    }

    @AfterEach
    void close() {
        db.close();
    }

    private void insert(String k, String v) {
        db.write(c -> {
            new StatementBatch(c, false).add(INSERT, p -> p.text(k).text(v)).run();
            return null;
        });
    }

    private List<String> keys() {
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT k FROM kept_test ORDER BY k");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        });
    }

    @Test
    void aFailedStatementIsPreparedAgainNotReusedBroken() {
        insert("a", "1");
        StorageException e = assertThrows(StorageException.class, () -> insert("a", "2"));
        assertTrue(e.getCause() instanceof SQLException, "the constraint failure: " + e);
        insert("b", "3"); // the same SQL text after its failure
        assertEquals(List.of("a", "b"), keys());
        // The failed write left nothing behind, not even a half-bound statement's values.
        String v = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT v FROM kept_test WHERE k = 'a'");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertEquals("1", v);
    }

    @Test
    void aFailingWriteFailsOnlyItselfInAGroup() throws Exception {
        insert("dup", "0");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String k = i % 4 == 0 ? "dup" : "k" + i;
                futures.add(pool.submit(() -> insert(k, "x")));
            }
            int failed = 0;
            for (int i = 0; i < futures.size(); i++) {
                try {
                    futures.get(i).get();
                } catch (java.util.concurrent.ExecutionException e) {
                    assertEquals(0, i % 4, "only the duplicates fail: " + e.getCause());
                    failed++;
                }
            }
            assertEquals(50, failed);
        } finally {
            pool.shutdown();
        }
        List<String> keys = keys();
        assertEquals(151, keys.size());
        for (int i = 0; i < 200; i++) if (i % 4 != 0) assertTrue(keys.contains("k" + i), "k" + i);
    }
}

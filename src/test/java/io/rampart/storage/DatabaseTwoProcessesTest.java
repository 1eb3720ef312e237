package io.rampart.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two writers on one database file, as the server and {@code rampart admin} are: a transaction that reads before it
 * writes must not fail because the other committed in between (SQLite's BUSY_SNAPSHOT in deferred mode).
 */
class DatabaseTwoProcessesTest {
    @Test
    void aReadThenWriteTransactionWaitsForTheOtherWriterInsteadOfFailing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rampart.db");
        try (Database server = new Database(file, 1);
                Database admin = new Database(file, 1)) {
            server.write(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE counter(n INTEGER NOT NULL)");
                    s.execute("INSERT INTO counter VALUES (0)");
                }
                return null;
            });
            CountDownLatch read = new CountDownLatch(1);
            CountDownLatch otherTried = new CountDownLatch(1);
            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> server.write(c -> {
                long n;
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT n FROM counter")) {
                    rs.next();
                    n = rs.getLong(1);
                }
                read.countDown();
                // Give the other writer its chance to commit between this read and this write: it finishes at once
                // unless it has to wait for this transaction's lock, and then this waits 2 s.
                try {
                    otherTried.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new java.sql.SQLException(e);
                }
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE counter SET n = " + (n + 1));
                }
                return null;
            }));
            assertThat(read.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> admin.write(c -> {
                        try (Statement s = c.createStatement()) {
                            s.executeUpdate("UPDATE counter SET n = n + 1");
                        }
                        return null;
                    }))
                    .whenComplete((v, e) -> otherTried.countDown());
            first.get(20, TimeUnit.SECONDS);
            second.get(20, TimeUnit.SECONDS);
            long n = server.read(c -> {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT n FROM counter")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            assertThat(n).as("both increments committed, none lost").isEqualTo(2);
        }
    }
}

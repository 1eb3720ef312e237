package io.rampart.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.it.TestPostgres;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The durable queue's claims on PostgreSQL, as two nodes (two connection pools) see them: a due row is claimed by
 * exactly one node, a claim keeps others off it until acknowledged, retried or timed out, a takeover releases a dead
 * node's claims, and a dead letter is never due again.
 */
class DurableQueueTest {
    private static final Duration VISIBILITY = Duration.ofSeconds(60);

    private static long add(Database db, String target, long nextAttempt) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO notification_queue(target, body, attempts, next_attempt, created) VALUES (?, '{}', 0, ?, 0)"
                            + " RETURNING id")) {
                ps.setString(1, target);
                ps.setLong(2, nextAttempt);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Test
    void twoNodesClaimingTheSameRowsAtOnceGetEachRowOnce() throws Exception {
        var location = TestPostgres.freshDatabase();
        try (Database a = Database.open(location, Path.of("unused"));
                Database b = Database.open(location, Path.of("unused"))) {
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) ids.add(add(a, "t", 0));
            DurableQueue qa = new DurableQueue(a, "notification_queue", "node-a", VISIBILITY);
            DurableQueue qb = new DurableQueue(b, "notification_queue", "node-b", VISIBILITY);
            Set<Long> wonByA = ConcurrentHashMap.newKeySet();
            Set<Long> wonByB = ConcurrentHashMap.newKeySet();
            CyclicBarrier together = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> fa = pool.submit(() -> {
                    together.await();
                    for (long id : ids) if (qa.claim(id, 1_000)) wonByA.add(id);
                    return null;
                });
                Future<?> fb = pool.submit(() -> {
                    together.await();
                    for (long id : ids) if (qb.claim(id, 1_000)) wonByB.add(id);
                    return null;
                });
                fa.get();
                fb.get();
            } finally {
                pool.shutdown();
            }
            // One node may win every row; no row is won by both.
            assertThat(java.util.Collections.disjoint(wonByA, wonByB))
                    .as("rows won by both nodes: A %s, B %s", wonByA, wonByB)
                    .isTrue();
            Set<Long> all = ConcurrentHashMap.newKeySet();
            all.addAll(wonByA);
            all.addAll(wonByB);
            assertThat(all).containsExactlyInAnyOrderElementsOf(ids);
        }
    }

    @Test
    void aClaimHoldsUntilAckRetryOrTimeoutAndATakeoverReleasesADeadNodesClaims() throws Exception {
        try (Database db = Database.open(TestPostgres.freshDatabase(), Path.of("unused"))) {
            DurableQueue a = new DurableQueue(db, "notification_queue", "node-a", VISIBILITY);
            DurableQueue b = new DurableQueue(db, "notification_queue", "node-b", VISIBILITY);
            long now = 1_000_000;
            long acked = add(db, "t", now);
            long retried = add(db, "t", now);
            long orphaned = add(db, "t", now);
            long dead = add(db, "t", now);

            assertThat(a.claim(acked, now)).isTrue();
            assertThat(b.claim(acked, now)).as("claimed by A").isFalse();
            a.ack(acked);
            assertThat(b.claim(acked, now)).as("gone").isFalse();

            assertThat(a.claim(retried, now)).isTrue();
            a.retry(retried, now + 500, "HTTP 503");
            assertThat(b.claim(retried, now + 499)).as("backing off").isFalse();
            assertThat(b.claim(retried, now + 500)).as("due again, unclaimed").isTrue();

            // A claims and dies: B may take the row once the claim's visibility timeout passed, or at once when it
            // takes the worker's lease over (releaseClaims).
            assertThat(a.claim(orphaned, now)).isTrue();
            assertThat(b.claim(orphaned, now + VISIBILITY.toMillis() - 1)).isFalse();
            assertThat(b.releaseClaims(now + 10)).isEqualTo(1); // the orphan (B's own claim is kept)
            assertThat(b.claim(orphaned, now + 10)).isTrue();
            // A late retry by A no longer touches B's claim.
            a.retry(orphaned, now, "late");
            assertThat(a.claim(orphaned, now + 20)).as("still B's").isFalse();

            assertThat(a.claim(dead, now)).isTrue();
            a.deadLetter(dead, now, "refused for good");
            assertThat(b.claim(dead, now + VISIBILITY.toMillis() * 10)).isFalse();
            assertThat(a.deadLetters()).isEqualTo(1);
            assertThat(a.length()).as("retried and orphaned are live").isEqualTo(2);
            assertThat(DurableQueue.backoff(0, Duration.ofMillis(100), Duration.ofSeconds(1)))
                    .isEqualTo(100);
            assertThat(DurableQueue.backoff(3, Duration.ofMillis(100), Duration.ofSeconds(1)))
                    .isEqualTo(800);
            assertThat(DurableQueue.backoff(40, Duration.ofMillis(100), Duration.ofSeconds(1)))
                    .isEqualTo(1000);
        }
    }

    @Test
    void aRenewedClaimKeepsOtherNodesOffUntilItLapsesAndALapsedOneCannotBeRenewed() throws Exception {
        try (Database db = Database.open(TestPostgres.freshDatabase(), Path.of("unused"))) {
            DurableQueue a = new DurableQueue(db, "notification_queue", "node-a", VISIBILITY);
            DurableQueue b = new DurableQueue(db, "notification_queue", "node-b", VISIBILITY);
            long now = 1_000_000;
            long id = add(db, "t", now);
            assertThat(a.claim(id, now)).isTrue();
            assertThat(b.renew(id, now)).as("not B's claim").isFalse();
            long later = now + VISIBILITY.toMillis() - 1;
            assertThat(a.renew(id, later)).as("A's heartbeat").isTrue();
            assertThat(b.claim(id, now + VISIBILITY.toMillis()))
                    .as("renewed past the first timeout")
                    .isFalse();
            assertThat(b.claim(id, later + VISIBILITY.toMillis()))
                    .as("lapsed: B takes it")
                    .isTrue();
            assertThat(a.renew(id, later + VISIBILITY.toMillis())).as("B's now").isFalse();
        }
    }
}

package io.rampart.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.it.Await;
import io.rampart.it.TestPostgres;
import io.rampart.storage.Database;
import io.rampart.storage.Leases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The one worker loop: an adaptive pass sets its own wait and {@code wake()} cuts it short; under a lease on a shared
 * database only the holder runs passes, and another node's worker takes over when the holder stops or dies.
 */
class PeriodicWorkerTest {

    @Test
    void wakeRunsAPassLongBeforeTheWaitThePassAskedFor() {
        AtomicInteger passes = new AtomicInteger();
        try (PeriodicWorker w = PeriodicWorker.adaptive("test-adaptive", "test pass", Duration.ofHours(1), () -> {
            passes.incrementAndGet();
            return Duration.ofHours(1);
        })) {
            w.start();
            Await.until("the first pass", () -> passes.get() == 1);
            w.wake();
            Await.until("a pass after wake(), not an hour later", Duration.ofSeconds(5), () -> passes.get() == 2);
        }
    }

    @Test
    void onlyTheLeaseHolderRunsPassesAndASurvivorTakesOverWhenItStopsOrDies() throws Exception {
        try (Database db = Database.open(TestPostgres.freshDatabase(), Path.of("unused"))) {
            Duration length = Duration.ofMillis(900);
            AtomicInteger onA = new AtomicInteger();
            AtomicInteger onB = new AtomicInteger();
            AtomicInteger takenByB = new AtomicInteger();
            PeriodicWorker a = worker("a", onA);
            a.leased(new Leases(db, "node-a", Clock.systemUTC()), "test-work", length);
            a.start();
            Await.until("A holds the lease and works", () -> onA.get() > 0);
            PeriodicWorker b = worker("b", onB);
            b.leased(new Leases(db, "node-b", Clock.systemUTC()), "test-work", length);
            b.onAcquire(takenByB::incrementAndGet);
            b.start();
            try {
                // B asks every 300 ms: by the time A has run several more passes, B has asked several times.
                int seen = onA.get();
                Await.until("A keeps working", () -> onA.get() >= seen + 10);
                assertThat(onB.get()).as("passes on B while A holds the lease").isZero();
                a.close(); // a clean stop gives the lease up
                Await.until("B takes over", () -> onB.get() > 0);
                assertThat(takenByB.get()).isEqualTo(1);

                // A "dead" holder: B's lease taken by a node that never renews it; B gets it back once it expires.
                b.close();
                Leases dead = new Leases(db, "node-dead", Clock.systemUTC());
                assertThat(dead.hold("test-work", length)).isTrue();
                PeriodicWorker c = worker("c", onA);
                AtomicInteger takenByC = new AtomicInteger();
                c.leased(new Leases(db, "node-c", Clock.systemUTC()), "test-work", length);
                c.onAcquire(takenByC::incrementAndGet);
                int before = onA.get();
                long start = System.nanoTime();
                c.start();
                try {
                    Await.until("C takes over the dead node's lease", () -> onA.get() > before);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                    assertThat(takenByC.get()).isEqualTo(1);
                } finally {
                    c.close();
                }
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private static PeriodicWorker worker(String name, AtomicInteger passes) {
        return PeriodicWorker.adaptive("test-" + name, "test pass", Duration.ofMillis(50), () -> {
            passes.incrementAndGet();
            return Duration.ofMillis(50);
        });
    }
}

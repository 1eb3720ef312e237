package io.rampart.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.it.TestPostgres;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Named leases on PostgreSQL (what several nodes share): one holder at a time, taken over after expiry or release. */
class LeasesTest {
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };

    @Test
    void oneNodeHoldsALeaseUntilItExpiresOrIsReleased() throws Exception {
        try (Database db = Database.open(TestPostgres.freshDatabase(), Path.of("unused"))) {
            Leases a = new Leases(db, "node-a", clock);
            Leases b = new Leases(db, "node-b", clock);
            Duration length = Duration.ofSeconds(30);
            assertThat(a.hold("rampart-lifecycle", length)).isTrue();
            assertThat(b.hold("rampart-lifecycle", length)).as("held by A").isFalse();
            assertThat(b.hold("rampart-window-purge", length))
                    .as("another name is free")
                    .isTrue();
            now.addAndGet(29_000);
            assertThat(a.hold("rampart-lifecycle", length)).as("A renews").isTrue();
            now.addAndGet(29_000);
            assertThat(b.hold("rampart-lifecycle", length))
                    .as("renewed 29 s ago")
                    .isFalse();
            now.addAndGet(2_000);
            assertThat(b.hold("rampart-lifecycle", length))
                    .as("expired: B takes over")
                    .isTrue();
            assertThat(a.hold("rampart-lifecycle", length)).as("A lost it").isFalse();
            b.release("rampart-lifecycle");
            assertThat(a.hold("rampart-lifecycle", length))
                    .as("released: A takes it at once")
                    .isTrue();
            assertThat(b.hold("rampart-window-purge", length))
                    .as("B renews its other lease")
                    .isTrue();
            a.release("rampart-window-purge");
            assertThat(a.hold("rampart-window-purge", length))
                    .as("A cannot release what B holds")
                    .isFalse();
        }
    }

    @Test
    void aLeaseIsTakenOverBeforeItExpiresOnlyFromTheHolderAsSeenNotRenewedSince() throws Exception {
        try (Database db = Database.open(TestPostgres.freshDatabase(), Path.of("unused"))) {
            Leases a = new Leases(db, "node-a", clock);
            Leases b = new Leases(db, "node-b", clock);
            Duration length = Duration.ofSeconds(15);
            assertThat(b.held("node-id:x")).isEmpty();
            assertThat(a.hold("node-id:x", length)).isTrue();
            Leases.Held seen = b.held("node-id:x").orElseThrow();
            assertThat(seen).isEqualTo(new Leases.Held("node-a", now.get() + 15_000));
            now.addAndGet(1_000);
            assertThat(a.hold("node-id:x", length)).as("A renews").isTrue();
            assertThat(b.takeOver("node-id:x", length, seen))
                    .as("renewed since it was seen")
                    .isFalse();
            assertThat(b.held("node-id:x").orElseThrow().holder()).isEqualTo("node-a");
            Leases.Held renewed = b.held("node-id:x").orElseThrow();
            assertThat(b.takeOver("node-id:x", length, renewed))
                    .as("as seen: taken before it expires")
                    .isTrue();
            assertThat(a.held("node-id:x").orElseThrow()).isEqualTo(new Leases.Held("node-b", now.get() + 15_000));
            assertThat(a.hold("node-id:x", length)).as("A lost it").isFalse();
        }
    }
}

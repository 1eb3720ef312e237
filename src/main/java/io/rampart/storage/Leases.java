package io.rampart.storage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;

/**
 * Named leases in the metadata database, so that work meant to run once per cluster (a lifecycle pass, the recovery
 * window's purge) runs on one node at a time: the holder renews its lease at each pass; another node takes it over
 * only once it has expired (the holder died or stopped), or at once when the holder released it on a clean stop.
 * The check and the take are one write transaction (serializable on PostgreSQL), so two nodes never both win.
 * Expiry compares the nodes' clocks: they must agree to well within a lease's length (NTP).
 */
public final class Leases {
    private final Database db;
    private final String holder;
    private final Clock clock;

    /**
     * A new name for this run of this process in leases and queue claims, unique per run: a restarted server must not
     * take its previous run's claims for its own (they are released at its start).
     */
    public static String runName() {
        return java.util.UUID.randomUUID() + "@" + ProcessHandle.current().pid();
    }

    /** {@code holder} names this node (unique per process). */
    public Leases(Database db, String holder, Clock clock) {
        this.db = db;
        this.holder = holder;
        this.clock = clock;
    }

    public String holder() {
        return holder;
    }

    /** Takes or renews the lease {@code name} for {@code length}; true when this node holds it now. */
    public boolean hold(String name, Duration length) {
        return acquire(name, length) != Hold.REFUSED;
    }

    /** What {@link #acquire} did: another node holds the lease, this node renewed it, or this node took it. */
    public enum Hold {
        REFUSED,
        RENEWED,
        /** Free, released, or expired (its holder died or stopped): work that holder claimed may be taken up again. */
        TAKEN
    }

    /** Takes or renews the lease {@code name} for {@code length}, saying which. */
    public Hold acquire(String name, Duration length) {
        return db.write(c -> {
            long now = clock.millis();
            String current = null;
            long expires = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT holder, expires FROM leases WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        current = rs.getString(1);
                        expires = rs.getLong(2);
                    }
                }
            }
            if (current != null && !current.equals(holder) && expires > now) return Hold.REFUSED;
            String sql = current == null
                    ? "INSERT INTO leases(holder, expires, name) VALUES(?, ?, ?)"
                    : "UPDATE leases SET holder = ?, expires = ? WHERE name = ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, holder);
                ps.setLong(2, now + length.toMillis());
                ps.setString(3, name);
                ps.executeUpdate();
            }
            return holder.equals(current) && expires > now ? Hold.RENEWED : Hold.TAKEN;
        });
    }

    /** Who holds a lease and until when (this node's clock or another's: expired or not). */
    public record Held(String holder, long expires) {}

    /** The lease {@code name} as recorded, whether it has expired or not; empty when nobody holds it. */
    public java.util.Optional<Held> held(String name) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT holder, expires FROM leases WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? java.util.Optional.of(new Held(rs.getString(1), rs.getLong(2)))
                            : java.util.Optional.<Held>empty();
                }
            }
        });
    }

    /**
     * Takes the lease {@code name} for {@code length} from {@code previous} before it expires, for a caller that knows
     * that holder is gone; false when the lease no longer names {@code previous} (renewed by it, or taken by another).
     */
    public boolean takeOver(String name, Duration length, Held previous) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE leases SET holder = ?, expires = ? WHERE name = ? AND holder = ? AND expires = ?")) {
                ps.setString(1, holder);
                ps.setLong(2, clock.millis() + length.toMillis());
                ps.setString(3, name);
                ps.setString(4, previous.holder());
                ps.setLong(5, previous.expires());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Gives the lease up if this node holds it, so another node may take it at its next pass. */
    public void release(String name) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM leases WHERE name = ? AND holder = ?")) {
                ps.setString(1, name);
                ps.setString(2, holder);
                return ps.executeUpdate();
            }
        });
    }
}

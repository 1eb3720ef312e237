package io.rampart.audit;

import io.rampart.storage.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies every sealed trail file (log files, digest files and their signatures) into a bucket, under the same
 * {@code AWSLogs/...} keys CloudTrail uses, so the trail survives the loss of this server's disk. Files are sealed
 * before they are listed, and a file counts as delivered only once the destination accepted it (recorded in the
 * database): a failed copy is retried at every pass until it succeeds, across restarts.
 */
public final class TrailDelivery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrailDelivery.class);

    /** Where the copies go. */
    @FunctionalInterface
    public interface Destination {
        void put(String key, byte[] body) throws Exception;
    }

    private final TrailLayout layout;
    private final Database db;
    private final Destination destination;
    private final String description;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong pending = new java.util.concurrent.atomic.AtomicLong();

    public TrailDelivery(
            TrailLayout layout, Database db, Destination destination, String description, Clock clock, Duration every)
            throws SQLException {
        this.layout = layout;
        this.db = db;
        this.destination = destination;
        this.description = description;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r ->
                Thread.ofPlatform().name("rampart-trail-delivery").daemon(true).unstarted(r));
        var unused = scheduler.scheduleWithFixedDelay(this::passSafely, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs a delivery pass now and waits for it (tests, and at shutdown). */
    public void deliverNow() {
        try {
            scheduler.submit(this::passSafely).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            log.warn("trail delivery pass failed: {}", e.getCause().toString());
        }
    }

    public long delivered() {
        return delivered.get();
    }

    public long failures() {
        return failures.get();
    }

    /** Sealed files not yet delivered, as of the last pass. */
    public long pending() {
        return pending.get();
    }

    private void passSafely() {
        try {
            pass();
        } catch (IOException | RuntimeException e) {
            log.error("trail delivery pass failed", e);
        }
    }

    private void pass() throws IOException {
        Set<String> done = deliveredObjects();
        List<String> todo = new ArrayList<>();
        for (String o : layout.logFiles()) if (!done.contains(o)) todo.add(o);
        for (String o : layout.digestFiles()) {
            if (!done.contains(o)) todo.add(o);
            String sig = o + TrailLayout.SIGNATURE_SUFFIX;
            if (!done.contains(sig) && Files.isRegularFile(layout.resolve(sig))) todo.add(sig);
        }
        pending.set(todo.size());
        for (String object : todo) {
            Path file = layout.resolve(object);
            try {
                destination.put(object, Files.readAllBytes(file));
            } catch (Exception e) {
                long n = failures.incrementAndGet();
                // Retried at the next pass; one line per power of two failures, not a flood.
                if (Long.bitCount(n) == 1)
                    log.warn("could not copy trail file {} to {} (retried): {}", object, description, e.toString());
                return;
            }
            markDelivered(object);
            delivered.incrementAndGet();
            pending.decrementAndGet();
        }
    }

    private Set<String> deliveredObjects() {
        return db.read(c -> {
            Set<String> out = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT object FROM trail_delivered");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        });
    }

    private void markDelivered(String object) {
        long now = clock.millis();
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO trail_delivered(object, delivered) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, object);
                ps.setLong(2, now);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Stops the schedule after one last pass, so the final digest written at shutdown is copied too when possible. */
    public void closeAfterFinalPass() {
        try {
            scheduler.execute(this::passSafely);
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            return;
        }
        close();
    }

    @Override
    public void close() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS))
                log.warn("trail delivery did not finish at shutdown");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.rampart.recovery;

import io.rampart.storage.Database;
import io.rampart.storage.LocalBlobStore;
import io.rampart.storage.RecoveryWindow;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;

/**
 * The early purge of the recovery window, on a data directory, by whoever has the files (the owner's break-glass;
 * there is no network API for it). Works whether the server runs or not: SQLite in WAL mode lets both write, one
 * transaction at a time. Object Lock still keeps what it protects.
 */
public final class OfflinePurge {
    private OfflinePurge() {}

    /** What the purge would free ({@code bucket} null: every bucket). */
    public static RecoveryWindow.Preview preview(Database db, String bucket, Duration olderThan, Clock clock)
            throws SQLException {
        long now = clock.millis();
        return RecoveryWindow.open(db, id -> {}).preview(bucket, now - olderThan.toMillis(), now);
    }

    /**
     * Frees what was removed from view more than {@code olderThan} ago; returns what was purged. The caller records the
     * action for the trail (`rampart admin` does, through its admin_actions table).
     */
    public static RecoveryWindow.Purge purge(Path dataDir, Database db, String bucket, Duration olderThan, Clock clock)
            throws IOException, SQLException {
        LocalBlobStore blobs = new LocalBlobStore(dataDir, true);
        long now = clock.millis();
        return RecoveryWindow.open(db, blobs::delete).purge(bucket, now - olderThan.toMillis(), now);
    }
}

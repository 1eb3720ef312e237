package io.rampart.recovery;

import io.rampart.storage.Database;
import io.rampart.storage.LocalBlobStore;
import io.rampart.storage.RecoveryWindow;
import io.rampart.storage.SqliteMetadataStore;
import java.io.IOException;
import java.nio.file.Files;
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
    private OfflinePurge() {
    }

    /** What the purge would free ({@code bucket} null: every bucket). */
    public static RecoveryWindow.Preview preview(Path dataDir, String bucket, Duration olderThan, Clock clock)
            throws IOException, SQLException {
        try (Database db = open(dataDir)) {
            long now = clock.millis();
            return RecoveryWindow.open(db, id -> { }).preview(bucket, now - olderThan.toMillis(), now);
        }
    }

    /** Frees what was removed from view more than {@code olderThan} ago; returns what was purged. */
    public static RecoveryWindow.Purge purge(Path dataDir, String bucket, Duration olderThan, Clock clock)
            throws IOException, SQLException {
        LocalBlobStore blobs = new LocalBlobStore(dataDir, true);
        try (Database db = open(dataDir)) {
            long now = clock.millis();
            RecoveryWindow.Purge purged = RecoveryWindow.open(db, blobs::delete).purge(bucket, now - olderThan.toMillis(), now);
            // ADMIN-ACTION RECORD: the single place where this purge is to be written to the admin_actions table (drained
            // into the audit trail by the server) once that table exists on this branch. Record: action
            // "PurgeRecoveryWindow", bucket (or all), olderThan, purged.purged().size(), the bytes freed, keptLocked.
            return purged;
        }
    }

    private static Database open(Path dataDir) throws IOException, SQLException {
        Path file = dataDir.resolve("rampart.db");
        if (!Files.isRegularFile(file)) throw new IOException("no Rampart data in " + dataDir + " (" + file + " not found)");
        return SqliteMetadataStore.openDatabase(file);
    }
}

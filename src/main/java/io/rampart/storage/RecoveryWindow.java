package io.rampart.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The recovery window: object versions removed from view (replaced null versions, deleted objects and versions,
 * lifecycle expirations), kept hidden in their own table for a time. A version moves here in the same transaction
 * that removes it from {@code objects}, row for row (sealed data key, inline bytes and all), and keeps its references
 * to its blobs, so no byte is copied and the orphan collection never takes them. S3 never reads this table; restore
 * does, and the background purge and the offline {@code rampart admin purge-recovery-window} free what it holds.
 */
public final class RecoveryWindow {
    private static final TypeReference<List<Segment>> SEGMENTS = new TypeReference<>() {};

    /**
     * The table and its index by key (restore scans a bucket in key order). Ids grow with removal time (AUTOINCREMENT:
     * never reused, so a restore naming one cannot pick up another), so the purge walks the rowid from the oldest and
     * needs no index of its own: one B-tree fewer to update on every overwrite.
     */
    private static final String COLUMNS =
            "id, bucket, key, version_id, seq, size, etag, last_modified, meta, segments, "
                    + "writer_arn, writer_key, removed_at, removed_by_arn, removed_by_key, reason";

    /** One held version: removed from view at {@code removedAt} by a principal/key (null for the service) for a reason. */
    public record Entry(
            long id, ObjectVersion version, long removedAt, String removedByArn, String removedByKey, String reason) {
        /** Whether Object Lock (a legal hold or an unexpired retention) still protects it at {@code now}. */
        public boolean locked(long now) {
            ObjectMeta.LockState l = version.meta().lock();
            return l != null && (l.legalHold() || (l.retainUntil() != null && l.retainUntil() > now));
        }
    }

    /** What the window holds: versions, their bytes (plaintext sizes), and the oldest removal time (null when empty). */
    public record Stats(long versions, long bytes, Long oldestRemovedAt) {}

    /** What a purge freed, and how many entries Object Lock kept. */
    public record Purge(List<Entry> purged, long keptLocked) {}

    private final Database db;
    private final Consumer<String> releaseBlob;
    private volatile boolean holding = true;

    RecoveryWindow(Database db, Consumer<String> releaseBlob) throws SQLException {
        this.db = db;
        this.releaseBlob = releaseBlob;
    }

    /** The window of a data directory's database opened outside the server (the offline purge). */
    public static RecoveryWindow open(Database db, Consumer<String> releaseBlob) throws SQLException {
        return new RecoveryWindow(db, releaseBlob);
    }

    /** Whether removed versions are kept (a window of 0 turns it off: they go at once, as before). */
    public void holding(boolean on) {
        this.holding = on;
    }

    public boolean holding() {
        return holding;
    }

    /**
     * Moves one version (not a delete marker: it holds no data) from {@code objects} into the window, inside the
     * caller's transaction; the caller then deletes the row but keeps its blob references. False when the window is off
     * or the version is a delete marker: the caller removes it for good.
     */
    boolean hold(StatementBatch batch, ObjectVersion old, Removal by, long now) {
        if (!holding || old.deleteMarker()) return false;
        batch.add(
                "INSERT INTO recovery_window(bucket, key, version_id, seq, size, etag,"
                        + " last_modified, storage_class, checksum_algorithms, writer_arn, writer_key, meta, segments, removed_at,"
                        + " removed_by_arn, removed_by_key, reason, inline) SELECT bucket, key, version_id, seq, size, etag,"
                        + " last_modified, storage_class, checksum_algorithms, writer_arn, writer_key, meta, segments, ?, ?, ?, ?,"
                        + " inline FROM objects WHERE bucket = ? AND key = ? AND seq = ?",
                // The caller read the version in this transaction: its row is there until the batch deletes it.
                copied -> {
                    if (copied != 1) {
                        throw new StorageException(
                                "version " + old.seq() + " of " + old.bucket() + "/" + old.key() + " vanished", null);
                    }
                },
                p -> p.int64(now)
                        .text(by.principalArn())
                        .text(by.accessKeyId())
                        .text(by.reason())
                        .text(old.bucket())
                        .text(old.key())
                        .int64(old.seq()));
        return true;
    }

    /**
     * The inline bytes of an entry (null when its data is in blobs), read inside a write, its row locked shared: the
     * purge, which deletes it and drops its blob references, waits until the write (adding its own) commits.
     */
    static Optional<byte[]> inlineIn(Connection c, SqlDialect dialect, long id) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT inline FROM recovery_window WHERE id = ?" + dialect.rowLock(false, ""))) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.ofNullable(rs.getBytes(1)).or(() -> Optional.of(NO_INLINE))
                        : Optional.empty();
            }
        }
    }

    /** Marks "the entry exists but its data is in blobs" for {@link #inlineIn}. */
    static final byte[] NO_INLINE = new byte[0];

    /**
     * Up to {@code limit} entries of a bucket in (key, id) order strictly after (afterKey, afterId); start with ("", 0).
     * Without inline data.
     */
    public List<Entry> after(String bucket, String afterKey, long afterId, int limit) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM recovery_window"
                    + " WHERE bucket = ? AND (key, id) > (?, ?) ORDER BY key, id LIMIT ?")) {
                ps.setString(1, bucket);
                ps.setString(2, afterKey);
                ps.setLong(3, afterId);
                ps.setInt(4, limit);
                return entries(ps);
            }
        });
    }

    /** One entry with its inline data. */
    public Optional<Entry> entry(long id) {
        return db.read(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT " + COLUMNS + ", inline FROM recovery_window WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(entry(rs, rs.getBytes(17))) : Optional.<Entry>empty();
                }
            }
        });
    }

    private static List<Entry> entries(PreparedStatement ps) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(entry(rs, null));
        }
        return out;
    }

    private static Entry entry(ResultSet rs, byte[] inline) throws SQLException {
        ObjectVersion v = new ObjectVersion(
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getLong(5),
                false,
                false,
                rs.getLong(6),
                rs.getString(7),
                rs.getLong(8),
                MetadataJson.fromJson(rs.getString(9), ObjectMeta.class),
                MetadataJson.fromJson(rs.getString(10), SEGMENTS),
                inline,
                rs.getString(11),
                rs.getString(12));
        return new Entry(rs.getLong(1), v, rs.getLong(13), rs.getString(14), rs.getString(15), rs.getString(16));
    }

    private volatile Stats cached;
    private volatile long cachedAt;

    /** {@link #stats()}, reusing a figure up to {@code maxAgeMillis} old (metrics scrapes read three gauges at once). */
    public Stats stats(long maxAgeMillis) {
        long now = System.nanoTime();
        Stats s = cached;
        if (s == null || now - cachedAt > maxAgeMillis * 1_000_000L) {
            s = stats();
            cached = s;
            cachedAt = now;
        }
        return s;
    }

    public Stats stats() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                            "SELECT COUNT(*), COALESCE(SUM(size), 0), (SELECT removed_at FROM recovery_window ORDER BY id LIMIT 1)"
                                    + " FROM recovery_window");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                long oldest = rs.getLong(3);
                return new Stats(rs.getLong(1), rs.getLong(2), rs.wasNull() ? null : oldest);
            }
        });
    }

    /** What {@link #purge} would free now: versions and bytes, and how many Object Lock keeps. */
    public record Preview(long versions, long bytes, long keptLocked) {}

    public Preview preview(String bucket, long removedBefore, long now) {
        return db.read(c -> {
            long versions = 0;
            long bytes = 0;
            long locked = 0;
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT " + COLUMNS + " FROM recovery_window WHERE removed_at < ?"
                            + (bucket == null ? "" : " AND bucket = ?") + " ORDER BY id")) {
                ps.setLong(1, removedBefore);
                if (bucket != null) ps.setString(2, bucket);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Entry e = entry(rs, null);
                        if (e.locked(now)) {
                            locked++;
                        } else {
                            versions++;
                            bytes += e.version().size();
                        }
                    }
                }
            }
            return new Preview(versions, bytes, locked);
        });
    }

    private static final int PURGE_BATCH = 500;

    /**
     * Frees the entries removed from view before {@code removedBefore} (of one bucket, or all when {@code bucket} is
     * null), oldest first, in transactions of a few hundred; a blob is released when its last reference goes. Entries
     * Object Lock still protects at {@code now} are kept. Walks ids in order and stops at the first entry removed at or
     * after {@code removedBefore}: ids follow removal time, and should the clock have stepped back, an entry is purged
     * later than due, never earlier. Returns what was purged.
     */
    public Purge purge(String bucket, long removedBefore, long now) {
        List<Entry> purged = new ArrayList<>();
        long locked = 0;
        long afterId = 0;
        boolean more = true;
        while (more) {
            long fromId = afterId;
            List<Entry> batch = db.read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM recovery_window"
                        + " WHERE id > ?" + (bucket == null ? "" : " AND bucket = ?") + " ORDER BY id LIMIT ?")) {
                    ps.setLong(1, fromId);
                    int i = 2;
                    if (bucket != null) ps.setString(i++, bucket);
                    ps.setInt(i, PURGE_BATCH);
                    return entries(ps);
                }
            });
            more = batch.size() == PURGE_BATCH;
            List<Entry> free = new ArrayList<>();
            for (Entry e : batch) {
                if (e.removedAt() >= removedBefore) {
                    more = false;
                    break;
                }
                afterId = e.id();
                if (e.locked(now)) locked++;
                else free.add(e);
            }
            purged.addAll(delete(free));
        }
        return new Purge(purged, locked);
    }

    /** Deletes entries in one transaction, dropping their blob references; returns those that were still there. */
    private List<Entry> delete(List<Entry> entries) {
        if (entries.isEmpty()) return List.of();
        List<String> freed = new ArrayList<>();
        List<Entry> done = db.write(c -> {
            freed.clear();
            List<Entry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM recovery_window WHERE id = ?")) {
                for (Entry e : entries) {
                    ps.setLong(1, e.id());
                    if (ps.executeUpdate() == 0) continue;
                    for (Segment s : e.version().segments()) BlobRefs.drop(c, s.blob(), freed);
                    out.add(e);
                }
            }
            return out;
        });
        freed.forEach(releaseBlob);
        return done;
    }
}

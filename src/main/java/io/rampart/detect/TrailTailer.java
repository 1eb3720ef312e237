package io.rampart.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.audit.TrailLayout;
import io.rampart.storage.Database;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the detector from the audit trail's files, from a persisted position, on its own thread: the request path
 * only signals it ({@link #wake}), never waits for it.
 *
 * <p>Why this design. The trail writer appends records to an open segment ({@code segments/<millis>-<id>.jsonl}) and
 * later seals it into a CloudTrail log file whose name ends in the same {@code <id>} ({@code ..._<id>.json.gz}),
 * records in the same order, then deletes the segment. So the tailer's position is, per trail file id, how many
 * records (and, while the segment is open, how many bytes) it has consumed, and whether it has finished the file: a
 * row of {@code detector_cursor}. Each pass reads the open segments from their byte offsets (complete lines only: a
 * line being written is left for the next pass), and, when the set of open segments changed (one was sealed, or
 * several came and went while it was busy) or once a minute, looks for sealed files it has not finished and reads them
 * past the records it already consumed. The cursor rows, the findings raised and the engine's state
 * ({@link Detector#snapshot}) are committed in one transaction, so after a crash or restart it resumes exactly after
 * the last record whose effects were committed: each record is processed once, none is skipped, and a slow or stopped
 * detector catches up. The first start on an existing trail begins at its end rather than replaying history.
 */
public final class TrailTailer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrailTailer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SCAN_EVERY_MILLIS = 60_000;
    private static final long STATE_EVERY_MILLIS = 1_000;

    /** The rule id of the finding raised for a trail record the detector cannot read. */
    public static final String UNREADABLE_RULE = "unreadable-trail-record";
    /** How much of an open segment one pass reads at most. */
    private static final int WINDOW = 4 * CloudTrailReader.MAX_RECORD_BYTES;

    private static final class Cursor {
        long records;
        long bytes;
        boolean done;
        boolean dirty;
        /** Inside an over-long line already reported: its bytes are passed up to its end. */
        boolean skipping;
    }

    private final TrailLayout layout;
    private final Database db;
    private final Detector detector;
    private final Consumer<Finding> onNewFinding;
    private final long idleMillis;
    private final Map<String, Cursor> cursors = new HashMap<>();
    private final Map<String, Finding> pending = new LinkedHashMap<>();
    private final Map<String, Finding> unreadableFindings = new HashMap<>();
    private final List<Finding> raised = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> closedFindings = new ConcurrentLinkedQueue<>();
    private final Semaphore signal = new Semaphore(0);
    private final Thread thread;
    private volatile boolean stopping;
    private boolean fresh;
    private Set<String> knownLive = Set.of();
    private long lastScan;
    private long lastCommit;
    private boolean uncommitted;
    private final java.util.concurrent.atomic.AtomicLong processed = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param onNewFinding called after a new finding is committed (the trail record of it)
     * @param idleMillis   how long a pass waits for a wake-up before looking anyway (records written without one)
     */
    public TrailTailer(
            TrailLayout layout,
            FindingStore store,
            List<Rule> rules,
            Detector.Responses responses,
            Consumer<Finding> onNewFinding,
            long idleMillis)
            throws SQLException {
        this.layout = layout;
        this.db = store.database();
        this.onNewFinding = onNewFinding;
        this.idleMillis = idleMillis;
        this.detector = new Detector(rules, responses, (f, isNew) -> {
            pending.put(f.id(), f);
            if (isNew) raised.add(f);
        });
        JsonNode state = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT file, records, bytes, done FROM detector_cursor");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Cursor cur = new Cursor();
                    cur.records = rs.getLong(2);
                    cur.bytes = rs.getLong(3);
                    cur.done = rs.getInt(4) != 0;
                    cursors.put(rs.getString(1), cur);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT doc FROM detector_state WHERE id = 1");
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? parse(rs.getString(1)) : null;
            }
        });
        this.fresh = cursors.isEmpty() && state == null;
        if (state != null) detector.restore(state);
        this.thread = Thread.ofPlatform().name("rampart-detector").daemon(true).unstarted(this::run);
    }

    private static JsonNode parse(String doc) {
        try {
            return JSON.readTree(doc);
        } catch (IOException e) {
            log.error("the detector's saved state is unreadable; starting with an empty state", e);
            return null;
        }
    }

    public TrailTailer start() {
        thread.start();
        return this;
    }

    /** Whether the tailer's thread is reading the trail (started and not closed). */
    public boolean running() {
        return thread.isAlive();
    }

    /** Tells the tailer there is something new to read. Never blocks. */
    public void wake() {
        if (signal.availablePermits() == 0) signal.release();
    }

    /** Asks the tailer to forget an open finding (archived or resolved): the next matching event starts a new one. */
    public void forget(String findingId) {
        closedFindings.add(findingId);
        wake();
    }

    public Detector detector() {
        return detector;
    }

    /** Records fed to the detector since start. */
    public long processed() {
        return processed.get();
    }

    private void run() {
        while (!stopping) {
            try {
                signal.tryAcquire(idleMillis, TimeUnit.MILLISECONDS);
                signal.drainPermits();
            } catch (InterruptedException e) {
                break;
            }
            try {
                pass(false);
            } catch (IOException | RuntimeException e) {
                log.error("detector pass failed; retrying from the last committed position", e);
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    break;
                }
            }
        }
    }

    /** One pass: reads what is new and commits. Public for tests, which drive the tailer without its thread. */
    public synchronized void pass(boolean forceScan) throws IOException {
        String id;
        while ((id = closedFindings.poll()) != null) {
            detector.close(id);
            String closed = id;
            // A further unreadable record of that file starts a new finding.
            unreadableFindings.values().removeIf(f -> f.id().equals(closed));
        }
        List<Path> live = liveSegments();
        Set<String> liveIds = new HashSet<>();
        for (Path p : live) liveIds.add(segmentId(p));
        long now = System.currentTimeMillis();
        if (forceScan || fresh || !liveIds.equals(knownLive) || now - lastScan >= SCAN_EVERY_MILLIS) {
            scanSealed(liveIds);
            knownLive = liveIds;
            lastScan = now;
        }
        if (fresh) {
            // Commit the first pass even when it read nothing: "fresh" (start at the end) must happen once per
            // database.
            uncommitted = true;
            fresh = false;
        }
        for (Path p : live) readSegment(p);
        boolean due = !pending.isEmpty() || now - lastCommit >= STATE_EVERY_MILLIS || stopping;
        if (uncommitted && due) commit();
    }

    private List<Path> liveSegments() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(layout.segments())) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.segments(), "*.jsonl")) {
            ds.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    /** "0001700000000000-abcdef0123456789.jsonl" → "abcdef0123456789". */
    private static String segmentId(Path p) {
        String n = p.getFileName().toString();
        return n.substring(n.indexOf('-') + 1, n.length() - ".jsonl".length());
    }

    /** ".../111122223333_CloudTrail_us-east-1_20250101T0000Z_abcdef0123456789.json.gz" → "abcdef0123456789". */
    private static String logId(String object) {
        String n = object.substring(object.lastIndexOf('/') + 1, object.length() - ".json.gz".length());
        return n.substring(n.lastIndexOf('_') + 1);
    }

    private void scanSealed(Set<String> liveIds) throws IOException {
        for (String object : layout.logFiles()) {
            String id = logId(object);
            if (liveIds.contains(id)) continue; // sealed just now, segment not yet deleted: read as the segment
            Cursor c = cursors.get(id);
            if (c != null && c.done) continue;
            if (c == null) {
                c = new Cursor();
                cursors.put(id, c);
                if (fresh) {
                    // First start over an existing trail: begin at its end.
                    c.done = true;
                    c.dirty = true;
                    uncommitted = true;
                    continue;
                }
            }
            Cursor cur = c;
            // A position is a record, readable or not: an unreadable one is reported once and passed for good.
            long[] index = {0};
            try (InputStream in = Files.newInputStream(layout.resolve(object))) {
                CloudTrailReader.read(
                        in,
                        r -> {
                            if (index[0]++ < cur.records) return;
                            feed(r);
                            cur.records++;
                        },
                        (i, offset, reason) -> {
                            if (index[0]++ < cur.records) return;
                            unreadable(object, "record " + i + ", byte " + offset + " (uncompressed)", reason);
                            cur.records++;
                        });
            } catch (NoSuchFileException e) {
                continue;
            }
            cur.done = true;
            cur.dirty = true;
            uncommitted = true;
        }
    }

    private void readSegment(Path p) throws IOException {
        String id = segmentId(p);
        Cursor c = cursors.computeIfAbsent(id, k -> new Cursor());
        if (c.done) return;
        byte[] bytes;
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size <= c.bytes) return;
            long len = Math.min(size - c.bytes, WINDOW);
            ByteBuffer buf = ByteBuffer.allocate((int) len);
            while (buf.hasRemaining() && ch.read(buf, c.bytes + buf.position()) > 0) {}
            bytes = java.util.Arrays.copyOf(buf.array(), buf.position());
        } catch (NoSuchFileException e) {
            return; // sealed meanwhile: the next scan reads the rest from the log file
        }
        int start = 0;
        Path name = layout.segments().getFileName().resolve(p.getFileName());
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') continue;
            int len = i - start;
            if (c.skipping) {
                c.skipping = false; // the end of an over-long line, reported when it began
            } else if (len > CloudTrailReader.MAX_RECORD_BYTES) {
                // Not parsed: kept by the sealer (it has an eventTime), so it counts as a position.
                unreadable(
                        name.toString(),
                        "byte " + c.bytes,
                        "the record is longer than " + CloudTrailReader.MAX_RECORD_BYTES + " bytes");
                c.records++;
            } else if (len > 0) {
                JsonNode r;
                try {
                    r = JSON.readTree(bytes, start, len);
                } catch (IOException e) {
                    r = null;
                }
                if (r != null && r.isObject()) {
                    feed(r);
                    c.records++;
                } else {
                    // Not a record (damaged on disk): the sealer drops it too, so it is no position.
                    unreadable(name.toString(), "byte " + c.bytes, "not a JSON record");
                }
            }
            c.bytes += len + 1;
            start = i + 1;
        }
        int rest = bytes.length - start;
        if (c.skipping) {
            c.bytes += rest;
        } else if (rest > CloudTrailReader.MAX_RECORD_BYTES) {
            // A line this long is no record of ours, whether or not its end was written yet: pass it as it comes.
            unreadable(
                    name.toString(),
                    "byte " + c.bytes,
                    "the record is longer than " + CloudTrailReader.MAX_RECORD_BYTES + " bytes");
            c.records++;
            c.skipping = true;
            c.bytes += rest;
        }
        c.dirty = true;
        uncommitted = true;
    }

    /**
     * A record the detector cannot read: skipped (its position still advances, so one record never stops detection) and
     * reported as a HIGH finding, one per trail file, grown by each further unreadable record of that file.
     */
    private void unreadable(String file, String position, String reason) {
        log.error("unreadable audit trail record in {} at {}: {}; skipped", file, position, reason);
        Instant now = Instant.now();
        String evidence = file + " at " + position + ": " + reason;
        Finding f = unreadableFindings.get(file);
        if (f == null) {
            f = new Finding(
                    "F" + now.toEpochMilli() + "-"
                            + java.util.UUID.randomUUID().toString().substring(0, 8),
                    UNREADABLE_RULE,
                    Severity.HIGH,
                    "Unreadable trail record: the detector skipped a record it could not read "
                            + "(damaged, truncated or over-long) in " + file,
                    null,
                    null,
                    null,
                    now,
                    now,
                    1,
                    List.of(evidence),
                    Finding.Status.OPEN,
                    List.of());
            raised.add(f);
        } else {
            f = f.grown(now, evidence);
        }
        unreadableFindings.put(file, f);
        pending.put(f.id(), f);
        uncommitted = true;
    }

    private void feed(JsonNode r) {
        try {
            detector.accept(r);
        } catch (RuntimeException e) {
            log.error("detector failed on record {}", RecordFields.eventId(r), e);
        }
        processed.incrementAndGet();
    }

    private void commit() {
        String state;
        try {
            state = JSON.writeValueAsString(detector.snapshot());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<Finding> findings = List.copyOf(pending.values());
        Map<String, Cursor> dirty = new HashMap<>();
        cursors.forEach((k, v) -> {
            if (v.dirty) dirty.put(k, v);
        });
        db.write(c -> {
            for (Finding f : findings) FindingStore.save(c, f, false);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO detector_cursor(file, records, bytes, done) VALUES(?, ?, ?, ?) ON CONFLICT(file)"
                            + " DO UPDATE SET records = excluded.records, bytes = excluded.bytes, done = excluded.done")) {
                for (Map.Entry<String, Cursor> e : dirty.entrySet()) {
                    ps.setString(1, e.getKey());
                    ps.setLong(2, e.getValue().records);
                    ps.setLong(3, e.getValue().bytes);
                    ps.setInt(4, e.getValue().done ? 1 : 0);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO detector_state(id, doc) VALUES(1, ?)"
                    + " ON CONFLICT(id) DO UPDATE SET doc = excluded.doc")) {
                ps.setString(1, state);
                ps.executeUpdate();
            }
            return null;
        });
        dirty.values().forEach(v -> v.dirty = false);
        pending.clear();
        uncommitted = false;
        lastCommit = System.currentTimeMillis();
        List<Finding> fresh = List.copyOf(raised);
        raised.clear();
        for (Finding f : fresh) {
            try {
                onNewFinding.accept(f);
            } catch (RuntimeException e) {
                log.error("finding {}: could not write it to the trail", f.id(), e);
            }
        }
    }

    /** Stops the thread after its current pass and commits what it has read. */
    @Override
    public void close() {
        stopping = true;
        signal.release();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (uncommitted) commit();
        }
    }
}

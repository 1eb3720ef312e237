package io.rampart.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailLine;
import io.rampart.audit.TrailWriter;
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
public final class TrailTailer implements AutoCloseable, TrailWriter.Listener {
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

    /** What the writer handed over: lines written to a segment from an offset, or (closedAt >= 0) its closing. */
    private record Written(Path segment, long offset, List<TrailLine> lines, long closedAt) {}

    /** Lines held in memory for the detector at most; beyond, they are read back from the files (never lost). */
    static final int MAX_QUEUED_LINES = 100_000;

    private final TrailLayout layout;
    private final Database db;
    private final List<Rule> rules;
    private final Detector.Responses responses;
    private Detector detector;
    private final ConcurrentLinkedQueue<Written> memory = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger queuedLines =
            new java.util.concurrent.atomic.AtomicInteger();
    /** Segments closed before the tailer took all their records: read from the sealed files by the next scan. */
    private final Set<String> behind = new HashSet<>();
    /** On a shared database: this node's records go to the cluster's feed, the detector runs on the lease holder. */
    private final DetectionFeed feed;
    /** On a shared database, records read from this node's trail and not yet published. */
    private final List<byte[]> outgoing = new ArrayList<>();
    /** Whether the detector took records (or findings closed) since its state was last committed. */
    private boolean stateDirty;

    private long lastStateCommit;
    /** On a shared database: whether this node holds the detector's lease, and the detector's position per node. */
    private boolean leader;

    private long lastLeaseCheck;
    private long lastPrune;
    private long nextSeq = 1;
    private final Map<String, Long> positions = new HashMap<>();
    private final java.util.concurrent.atomic.AtomicLong published = new java.util.concurrent.atomic.AtomicLong();
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
    /** Attached to the writer ({@link #attachTo}): records come in memory. */
    private volatile boolean inMemory;

    private volatile boolean filesWanted;
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
        this(layout, store, rules, responses, onNewFinding, idleMillis, null);
    }

    /**
     * @param feed on a database several nodes share, the cluster's detection feed: this node's records are published
     *     to it and the detector runs, over every node's records, on the node holding its lease; null on one node
     */
    public TrailTailer(
            TrailLayout layout,
            FindingStore store,
            List<Rule> rules,
            Detector.Responses responses,
            Consumer<Finding> onNewFinding,
            long idleMillis,
            DetectionFeed feed)
            throws SQLException {
        this.layout = layout;
        this.db = store.database();
        this.onNewFinding = onNewFinding;
        this.idleMillis = feed == null ? idleMillis : Math.min(idleMillis, feed.pollMillis());
        this.rules = List.copyOf(rules);
        this.responses = responses;
        this.feed = feed;
        this.detector = newDetector();
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
        // On a shared database the state belongs to whichever node holds the detector's lease: loaded when this one
        // takes it.
        if (state != null && feed == null) detector.restore(state);
        this.thread = Thread.ofPlatform().name("rampart-detector").daemon(true).unstarted(this::run);
    }

    private Detector newDetector() {
        return new Detector(rules, responses, (f, isNew) -> {
            pending.put(f.id(), f);
            if (isNew) raised.add(f);
        });
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

    /** Tells the tailer to look at the trail's files: something may be there it was not handed. Never blocks. */
    public void wake() {
        filesWanted = true;
        signal();
    }

    private void signal() {
        if (signal.availablePermits() == 0) signal.release();
    }

    /**
     * Has {@code writer} hand over each batch of records it writes ({@link TrailWriter.Listener}): from then on the files
     * are read only to catch up (the first pass, a batch not handed over, once a minute, {@link #wake}).
     */
    public TrailTailer attachTo(TrailWriter writer) {
        inMemory = true;
        writer.addListener(this);
        return this;
    }

    /** Asks the tailer to forget an open finding (archived or resolved): the next matching event starts a new one. */
    public void forget(String findingId) {
        closedFindings.add(findingId);
        signal();
    }

    public Detector detector() {
        return detector;
    }

    /** Records fed to the detector since start (on a shared database: on this node, as the lease holder). */
    public long processed() {
        return processed.get();
    }

    /** On a shared database: records of this node's trail published to the cluster's detection feed since start. */
    public long published() {
        return published.get();
    }

    /** On a shared database: whether this node runs the cluster's detector now. */
    public synchronized boolean runsDetector() {
        return feed == null || leader;
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

    @Override
    public void written(Path segment, long offset, List<TrailLine> lines) {
        // Beyond the bound the batch is dropped here and read back from its segment (the cursor says where).
        if (queuedLines.addAndGet(lines.size()) > MAX_QUEUED_LINES) {
            queuedLines.addAndGet(-lines.size());
        } else {
            memory.add(new Written(segment, offset, lines, -1));
        }
        signal();
    }

    @Override
    public void closed(Path segment, long bytes) {
        memory.add(new Written(segment, 0, List.of(), bytes));
        signal();
    }

    /**
     * One pass: takes what is new and commits. Records come in memory from the writer ({@link #written}); the files are
     * read at the first pass (catch-up after a restart), when a batch was not handed over (the queue was full), once a
     * minute and when asked ({@code forceScan}). Public for tests, which drive the tailer without its thread.
     */
    public synchronized void pass(boolean forceScan) throws IOException {
        String id;
        while ((id = closedFindings.poll()) != null) {
            detector.close(id);
            stateDirty = true;
            String closed = id;
            // A further unreadable record of that file starts a new finding.
            unreadableFindings.values().removeIf(f -> f.id().equals(closed));
        }
        long now = System.currentTimeMillis();
        boolean wanted = filesWanted;
        filesWanted = false;
        boolean periodic = now - lastScan >= SCAN_EVERY_MILLIS;
        if (!inMemory || wanted || forceScan || fresh || !behind.isEmpty() || periodic) {
            List<Path> live = liveSegments();
            Set<String> liveIds = new HashSet<>();
            for (Path p : live) liveIds.add(segmentId(p));
            if (forceScan || fresh || wanted || !behind.isEmpty() || periodic || !liveIds.equals(knownLive)) {
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
            behind.removeIf(s -> {
                Cursor c = cursors.get(s);
                return c == null || c.done;
            });
        }
        Written w;
        while ((w = memory.poll()) != null) {
            queuedLines.addAndGet(-w.lines().size());
            take(w);
        }
        boolean due = !pending.isEmpty() || now - lastCommit >= STATE_EVERY_MILLIS || stopping;
        if (feed == null) {
            if (uncommitted && due) commit();
            return;
        }
        // Published at once (one insert per pass, whatever the number of records); the lease holder then reads every
        // node's new records from the feed.
        if (!outgoing.isEmpty() || (uncommitted && due)) commit();
        if (leading(now)) consumeFeed();
        boolean stateDue =
                stateDirty && (!pending.isEmpty() || now - lastStateCommit >= STATE_EVERY_MILLIS || stopping);
        if (stateDue || (uncommitted && due)) commit();
    }

    /** Takes one batch the writer handed over, from where the cursor of its segment stands. */
    private void take(Written w) throws IOException {
        String id = segmentId(w.segment());
        Cursor c = cursors.computeIfAbsent(id, k -> new Cursor());
        if (c.done) return;
        long from = w.closedAt() >= 0 ? w.closedAt() : w.offset();
        // Behind (a batch was not handed over, or the tailer started after the writer): the file first.
        while (c.bytes < from && !c.skipping) {
            long before = c.bytes;
            readSegment(w.segment());
            if (c.bytes == before) break;
        }
        if (w.closedAt() >= 0) {
            if (c.bytes >= w.closedAt() && !c.skipping) {
                // Every record of the segment taken: its sealed file holds nothing new.
                c.done = true;
                c.dirty = true;
                uncommitted = true;
            } else {
                behind.add(id);
            }
            return;
        }
        if (c.bytes < w.offset()) return; // the segment is gone (sealed): its closing sends the scan to the log file
        long pos = w.offset();
        for (TrailLine l : w.lines()) {
            int len = l.bytes().length - 1;
            if (pos == c.bytes) {
                taken(c, w.segment(), l, len);
                c.bytes += len + 1;
                c.dirty = true;
                uncommitted = true;
            }
            pos += len + 1;
        }
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
                            if (feed == null) feed(r);
                            else outgoing.add(toBytes(r));
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
            } else {
                line(c, name.toString(), bytes, start, len);
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
     * A line the writer handed over ({@code len} bytes and its newline): one JSON object of at most the record bound
     * (the writer made it, {@code RecordBounds}), so it is taken as it is, without reading it back: its tree (built from
     * what the writer had) to the detector, or its bytes to the cluster's feed.
     */
    private void taken(Cursor c, Path segment, TrailLine l, int len) {
        if (len > CloudTrailReader.MAX_RECORD_BYTES || len == 0) {
            // Not one of the writer's records (they are bounded below it): as if read from the file.
            Path name = layout.segments().getFileName().resolve(segment.getFileName());
            line(c, name.toString(), l.bytes(), 0, len);
            return;
        }
        if (feed != null) {
            outgoing.add(java.util.Arrays.copyOf(l.bytes(), len));
            c.records++;
            return;
        }
        try {
            detector.accept(l);
        } catch (RecordView.Unbuilt e) {
            // Never expected (the line was made from the same facts): the line itself is the record.
            log.error("the record handed over in memory could not be built; reading its line", e);
            Path name = layout.segments().getFileName().resolve(segment.getFileName());
            line(c, name.toString(), l.bytes(), 0, len);
            return;
        } catch (RuntimeException e) {
            log.error("detector failed on record {}", eventId(l), e);
        }
        processed.incrementAndGet();
        c.records++;
    }

    /** One whole line of a segment read from the file (without its newline): a record taken, or an unreadable one reported. */
    private void line(Cursor c, String name, byte[] bytes, int start, int len) {
        if (len > CloudTrailReader.MAX_RECORD_BYTES) {
            // Not parsed: kept by the sealer (it has an eventTime), so it counts as a position.
            unreadable(
                    name,
                    "byte " + c.bytes,
                    "the record is longer than " + CloudTrailReader.MAX_RECORD_BYTES + " bytes");
            c.records++;
        } else if (len > 0) {
            JsonNode r = null;
            boolean ok;
            if (feed != null) {
                // Published as it is: only checked to be one JSON object (the feed's reader parses it).
                ok = wellFormed(bytes, start, len);
            } else {
                try {
                    r = JSON.readTree(bytes, start, len);
                } catch (IOException e) {
                    r = null;
                }
                ok = r != null && r.isObject();
            }
            if (ok) {
                if (feed == null) feed(r);
                else outgoing.add(java.util.Arrays.copyOfRange(bytes, start, start + len));
                c.records++;
            } else {
                // Not a record (damaged on disk): the sealer drops it too, so it is no position.
                unreadable(name, "byte " + c.bytes, "not a JSON record");
            }
        }
    }

    /** Whether the bytes are one JSON object, read as tokens (no tree). */
    private static boolean wellFormed(byte[] bytes, int start, int len) {
        try (com.fasterxml.jackson.core.JsonParser p = JSON.getFactory().createParser(bytes, start, len)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) return false;
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
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

    private static byte[] toBytes(JsonNode r) {
        try {
            return JSON.writeValueAsBytes(r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A handed-over line's event id, for a log line (its tree, if it can be built). */
    private static String eventId(TrailLine l) {
        try {
            return RecordFields.eventId(l.record());
        } catch (RuntimeException e) {
            return "(unbuilt)";
        }
    }

    private void feed(JsonNode r) {
        try {
            detector.accept(r);
        } catch (RuntimeException e) {
            log.error("detector failed on record {}", RecordFields.eventId(r), e);
        }
        processed.incrementAndGet();
    }

    /**
     * Whether this node runs the cluster's detector: the lease is renewed every few seconds. A node that takes it loads
     * the detector's committed state and positions; one that loses it drops its detector (the holder continues from
     * what was committed).
     */
    private boolean leading(long now) {
        if (now - lastLeaseCheck < DetectionFeed.RENEW_EVERY_MILLIS) return leader;
        lastLeaseCheck = now;
        boolean holds;
        try {
            holds = feed.hold();
        } catch (RuntimeException e) {
            log.error("the detector's lease could not be renewed", e);
            holds = false;
        }
        if (holds && !leader) {
            JsonNode state = db.read(c -> {
                positions.clear();
                positions.putAll(DetectionFeed.positions(c));
                try (PreparedStatement ps = c.prepareStatement("SELECT doc FROM detector_state WHERE id = 1");
                        ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? parse(rs.getString(1)) : null;
                }
            });
            detector = newDetector();
            if (state != null) detector.restore(state);
            leader = true;
            lastStateCommit = now;
            log.info("this node runs the cluster's detector (feed node {})", feed.node());
        } else if (!holds && leader) {
            leader = false;
            detector = newDetector();
            positions.clear();
            stateDirty = false;
            log.warn("this node no longer runs the cluster's detector: another node holds its lease");
        }
        return leader;
    }

    /** Feeds the detector every node's rows after its positions. */
    private void consumeFeed() {
        while (true) {
            List<DetectionFeed.Row> rows = feed.after(positions);
            for (DetectionFeed.Row row : rows) {
                for (byte[] record : row.records()) {
                    JsonNode r;
                    try {
                        r = JSON.readTree(record);
                    } catch (IOException e) {
                        r = null;
                    }
                    if (r != null && r.isObject()) feed(r);
                    else
                        log.error(
                                "a record in the detection feed (node {}, batch {}) is not JSON",
                                row.node(),
                                row.seq());
                }
                positions.put(row.node(), row.seq());
                stateDirty = true;
            }
            if (rows.size() < DetectionFeed.PAGE || stopping) return;
        }
    }

    private void commit() {
        long now = System.currentTimeMillis();
        // The detector's state goes with the positions (and the findings) it reflects. On a shared database: only the
        // lease holder's, when it changed, at most once a second unless findings are due.
        boolean withState = feed == null
                || (leader
                        && stateDirty
                        && (!pending.isEmpty() || now - lastStateCommit >= STATE_EVERY_MILLIS || stopping));
        String state = null;
        if (withState) {
            try {
                state = JSON.writeValueAsString(detector.snapshot());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        String stateDoc = state;
        Map<String, Long> at = feed != null && withState ? Map.copyOf(positions) : null;
        boolean prune = at != null && now - lastPrune >= SCAN_EVERY_MILLIS;
        List<byte[]> out = List.copyOf(outgoing);
        long seq = nextSeq;
        List<Finding> findings = List.copyOf(pending.values());
        Map<String, Cursor> dirty = new HashMap<>();
        cursors.forEach((k, v) -> {
            if (v.dirty) dirty.put(k, v);
        });
        Set<String> closedMeanwhile = new HashSet<>();
        Set<String> gone = db.write(c -> {
            closedMeanwhile.clear();
            for (Finding f : findings) {
                if (!FindingStore.save(c, f, false)) closedMeanwhile.add(f.id());
            }
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
            // Published with the cursor that passed these records: each is in the feed exactly once.
            if (!out.isEmpty()) feed.insert(c, seq, out);
            if (stateDoc != null) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO detector_state(id, doc) VALUES(1, ?)"
                        + " ON CONFLICT(id) DO UPDATE SET doc = excluded.doc")) {
                    ps.setString(1, stateDoc);
                    ps.executeUpdate();
                }
            }
            if (at != null) DetectionFeed.savePositions(c, at);
            return prune ? feed.prune(c, at) : Set.<String>of();
        });
        dirty.values().forEach(v -> v.dirty = false);
        pending.clear();
        uncommitted = false;
        lastCommit = now;
        // Closed by an administrator, possibly through another node: the next matching event starts a new finding.
        for (String id : closedMeanwhile) detector.close(id);
        if (!out.isEmpty()) {
            nextSeq++;
            outgoing.clear();
            published.addAndGet(out.size());
        }
        if (withState) {
            stateDirty = false;
            lastStateCommit = now;
        }
        if (prune) {
            lastPrune = now;
            positions.keySet().removeAll(gone);
        }
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

    /** Stops the thread after its current pass and commits what it has read (and gives the detector's lease up). */
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
            if (uncommitted || !outgoing.isEmpty() || (leader && stateDirty)) commit();
            if (feed != null && leader) {
                try {
                    feed.release();
                } catch (RuntimeException e) {
                    log.warn("the detector's lease could not be given up; another node takes it when it expires", e);
                }
            }
        }
    }
}

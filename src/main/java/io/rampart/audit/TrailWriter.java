package io.rampart.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.crypto.MasterKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable, signed audit trail, in three parts: this class, the group-commit writer (the append path and the
 * segments), {@link TrailSealer} (segments into log files) and {@link DigestChain} (signed digests, the check against
 * the database at start-up, key rotation); the last two run on one sealer thread. Records are appended as JSON lines to an open segment by one writer thread that
 * group-commits: it drains every pending record, writes them, and one fdatasync acknowledges the whole batch, so a
 * mutation waits for at most one fsync it shares with its neighbours ({@link #recordDurably}); {@link #record} only
 * queues. Every {@code rotateEvery} or {@code rotateBytes} the segment is handed to a sealer thread, which writes it as
 * a CloudTrail log file ({@code {"Records":[...]}}, gzip, temp + fsync + rename + directory fsync), notes it in the
 * state file for the next digest and deletes the segment. Every {@code digestEvery} and at clean shutdown the sealer
 * writes a digest file chained to the previous one and signed SHA256withRSA over CloudTrail's signing string, with a
 * key kept in the database ({@link TrailAnchor}), which also records each digest written. At start any leftover segment
 * (a crash) is sealed first: acknowledged records are never lost; a torn last line is dropped. A trail that went
 * backwards or vanished relative to the database is reported ({@link #integrityBreak}) and a new chain recording the
 * break begins at once: the server keeps serving (refusing to start would hand anyone with file access a way to stop
 * the service) but never continues silently.
 */
public final class TrailWriter implements AuditTrail {
    private static final Logger log = LoggerFactory.getLogger(TrailWriter.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long ASYNC_SYNC_MILLIS = 1000;
    /** How long a signing key signs before the trail rotates to a new one (the chain records the rotation). */
    static final Duration KEY_LIFETIME = Duration.ofDays(365);

    /**
     * @param account    account id: folders and file names, recipientAccountId
     * @param trailName  the trail's name in digest file names
     * @param bucketName the name the digests give the place holding the trail (digestS3Bucket, s3Bucket)
     * @param fsync      false only for tests that do not need durability
     * @param node       the node writing this trail (see {@link #withNode}); null before node ids
     */
    public record Options(
            String account,
            String region,
            String trailName,
            String bucketName,
            Duration rotateEvery,
            long rotateBytes,
            Duration digestEvery,
            boolean fsync,
            String node) {
        public static final Duration DEFAULT_ROTATE_EVERY = Duration.ofMinutes(5);
        public static final long DEFAULT_ROTATE_BYTES = 64L << 20;
        public static final Duration DEFAULT_DIGEST_EVERY = Duration.ofHours(1);

        public Options {
            if (rotateEvery.isNegative()
                    || rotateEvery.isZero()
                    || digestEvery.isNegative()
                    || digestEvery.isZero()
                    || rotateBytes <= 0) {
                throw new IllegalArgumentException("trail rotation and digest intervals must be positive");
            }
            if (node != null) node = new io.rampart.storage.NodeId(node).value();
        }

        public static Options defaults(String account, String region) {
            return new Options(
                    account,
                    region,
                    "rampart",
                    "rampart-trail",
                    DEFAULT_ROTATE_EVERY,
                    DEFAULT_ROTATE_BYTES,
                    DEFAULT_DIGEST_EVERY,
                    true,
                    null);
        }

        public Options withRotation(Duration every, long bytes) {
            return new Options(account, region, trailName, bucketName, every, bytes, digestEvery, fsync, node);
        }

        public Options withDigestEvery(Duration every) {
            return new Options(account, region, trailName, bucketName, rotateEvery, rotateBytes, every, fsync, node);
        }

        public Options withFsync(boolean f) {
            return new Options(account, region, trailName, bucketName, rotateEvery, rotateBytes, digestEvery, f, node);
        }

        /**
         * The node writing this trail: its files and digest chain carry its id, so that several nodes can share one
         * trail directory and one database (null: a single writer's trail as before node ids, for tests).
         */
        public Options withNode(String nodeId) {
            return new Options(
                    account, region, trailName, bucketName, rotateEvery, rotateBytes, digestEvery, fsync, nodeId);
        }
    }

    /**
     * One queued line with its eventTime's epoch second ({@link TrailSealer#second}, kept for the segment's time range),
     * or (line null) a command run in order.
     */
    private record Entry(TrailLine line, long second, CompletableFuture<Void> done, Runnable command) {
        static Entry command(CompletableFuture<Void> done, Runnable command) {
            return new Entry(null, TrailSealer.UNKNOWN, done, command);
        }
    }

    /**
     * Told of every record the writer puts in a segment, in file order, on the writer thread, after the batch is written
     * (and synced, when any record of it was durable): must be quick and must not block. Used by the detector to take
     * records in memory instead of reading them back from the files.
     */
    public interface Listener {
        /** {@code lines} were written to {@code segment} from byte {@code offset} on. */
        void written(Path segment, long offset, List<TrailLine> lines);

        /** {@code segment} was closed at {@code bytes} bytes: nothing more is written to it (it is sealed next). */
        void closed(Path segment, long bytes);
    }

    private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final TrailLayout layout;
    private final Options options;
    private final Clock clock;
    private final TrailSealer sealing;
    private final DigestChain chain;

    private final CloudTrailRecord records;
    private final BlockingQueue<Entry> queue = new LinkedBlockingQueue<>(1 << 16);
    private final Thread writer;
    /** The one thread that seals segments and writes digests, in order. */
    private final ScheduledExecutorService sealer;

    private volatile boolean closing;
    private volatile boolean closed;
    /**
     * A durable record is queued ({@link #enqueue}), and the writer lingers ({@link #writeLoop}): the two sides of the
     * hand-shake that lets a durable record cut the writer's linger short.
     */
    private volatile boolean durableQueued;

    private volatile boolean lingering;

    /**
     * How long the writer waits, after a record that need not be durable woke it, for more to write with it: one write
     * and one wake-up (the writer's, the detector's) per batch instead of per read under load. A durable record ends
     * the wait at once; at close there is none.
     */
    static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    /** The batch's bytes, copied together for one write (writer thread); a longer batch is written in parts. */
    private static final int WRITE_BUFFER = 256 * 1024;

    // Writer-thread state.
    private final ByteBuffer out = ByteBuffer.allocateDirect(WRITE_BUFFER);
    private Segment segment;
    private long lastSync;
    private boolean unsynced;

    private static final class Segment {
        final Path path;
        final FileChannel channel;
        final long openedAt;
        long bytes;
        /** The eventTime range of its records (epoch seconds), while every record's is known and every write whole. */
        long oldest = Long.MAX_VALUE;

        long newest = Long.MIN_VALUE;
        boolean timesKnown = true;

        Segment(Path path, FileChannel channel, long openedAt) {
            this.path = path;
            this.channel = channel;
            this.openedAt = openedAt;
        }
    }

    private TrailWriter(TrailLayout layout, Options options, Clock clock, TrailSealer sealing, DigestChain chain) {
        this.layout = layout;
        this.options = options;
        this.clock = clock;
        this.sealing = sealing;
        this.chain = chain;
        this.records = new CloudTrailRecord(options.account());
        this.sealer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("rampart-trail-sealer").unstarted(r));
        this.writer = Thread.ofPlatform().daemon().name("rampart-trail-writer").unstarted(this::writeLoop);
    }

    /** How long a first start leaves the CPU to start-up before it creates the trail signing key (see TrailKeys). */
    private static final java.time.Duration KEYGEN_IDLE = java.time.Duration.ofSeconds(5);

    /**
     * Opens the trail in {@code dir}: creates the key pair on first start (sealed in {@code db}), finishes a digest a
     * crash interrupted, compares the trail with what the database recorded (a new chain when it went backwards),
     * seals leftover segments, then starts the writer and the digest schedule.
     */
    public static TrailWriter open(
            Path dir, Options options, MasterKey masterKey, io.rampart.storage.Database db, Clock clock)
            throws IOException {
        TrailLayout layout =
                options.node() == null ? new TrailLayout(dir) : new TrailLayout(dir).forNode(options.node());
        Durable.createDirectories(layout.segments());
        TrailAnchor anchor;
        try {
            anchor = new TrailAnchor(db, masterKey, options.node() == null ? "" : options.node());
        } catch (java.sql.SQLException e) {
            throw new IOException("cannot prepare the trail tables: " + e.getMessage(), e);
        }
        // A trail from before node ids continues as this node's: the first node to start on it takes its state (the
        // database's record of its chain went to the first node to start on the database, see TrailAnchor).
        boolean tookOverLegacy =
                options.node() != null && !Files.exists(layout.state()) && Files.exists(layout.legacyState());
        if (tookOverLegacy) {
            Files.move(layout.legacyState(), layout.state(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            if (options.fsync()) {
                Durable.syncDirectory(layout.state().getParent());
                Durable.syncDirectory(layout.legacyState().getParent());
            }
            log.info("the trail in {} from before node ids continues as node {}'s", dir, options.node());
        }
        TrailKeys.Pending keys = TrailKeys.loadOrStartCreating(anchor, layout.keys(), masterKey, KEYGEN_IDLE, clock);
        boolean stateExisted = Files.exists(layout.state());
        TrailState state;
        String unreadableState = null;
        try {
            state = TrailState.load(layout.state(), clock.instant());
        } catch (IOException | RuntimeException e) {
            unreadableState = "state.json is unreadable (" + e.getMessage() + ")";
            state = TrailState.fresh(clock.instant());
        }
        DigestChain chain = new DigestChain(layout, options, clock, keys, state, anchor);
        chain.open(unreadableState, stateExisted);
        TrailSealer sealing = new TrailSealer(layout, options, state);
        TrailWriter w = new TrailWriter(layout, options, clock, sealing, chain);
        List<Path> leftovers = new ArrayList<>();
        Path legacySegments = new TrailLayout(dir).segments();
        if (tookOverLegacy && Files.isDirectory(legacySegments)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(legacySegments, "*.jsonl")) {
                ds.forEach(leftovers::add);
            }
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.segments(), "*.jsonl")) {
            ds.forEach(leftovers::add);
        }
        // By name (the time they were opened), wherever they are.
        leftovers.sort(java.util.Comparator.comparing(p -> p.getFileName().toString()));
        for (Path p : leftovers) sealing.seal(p);
        w.writer.start();
        w.scheduleDigest();
        return w;
    }

    public CloudTrailRecord records() {
        return records;
    }

    /** Adds a listener for the records written from now on (see {@link Listener}). */
    public void addListener(Listener l) {
        listeners.add(l);
    }

    public TrailLayout layout() {
        return layout;
    }

    /**
     * What did not match at start-up (state.json missing, the newest digest the database recorded missing or changed,
     * the trail older than the database says); the new chain's first digest records it as {@code chainBreak}.
     */
    public Optional<String> integrityBreak() {
        return chain.integrityBreak();
    }

    /** On a first start, the signing key being created (its public key is shown once to be kept off the machine). */
    public Optional<CompletableFuture<TrailKeys>> createdKey() {
        return chain.createdKey();
    }

    /** The signing key's fingerprint (digestPublicKeyFingerprint). */
    public String publicKeyFingerprint() {
        return chain.keys().fingerprint();
    }

    @Override
    public void record(RequestFacts facts) {
        append(records.line(facts), TrailSealer.second(facts.time()), false);
    }

    @Override
    public void recordDurably(RequestFacts facts) {
        append(records.line(facts), TrailSealer.second(facts.time()), true);
    }

    /** Appends an already-built record (internal events); with {@code durable}, returns once it is on disk. */
    public void append(ObjectNode record, boolean durable) {
        // Bounded here, where every record passes: no client can write a record a reader cannot take.
        byte[] line = CloudTrailRecord.withNewline(RecordBounds.bounded(record));
        // Internal events are few: their time is read from the line itself, the way a crashed segment's is.
        append(TrailLine.of(line, record), TrailSealer.second(line), durable);
    }

    /**
     * A record's bounded line ({@link CloudTrailRecord#line}) with its eventTime's second, the one the line holds;
     * {@code durable} as above.
     */
    private void append(TrailLine line, long second, boolean durable) {
        // With assertions on (tests), every record's kept time is checked against the sealer's reading of its line.
        assert second == TrailSealer.UNKNOWN || second == TrailSealer.second(line.bytes())
                : "the eventTime kept for a record is not the one its line holds";
        CompletableFuture<Void> done = durable ? new CompletableFuture<>() : null;
        enqueue(new Entry(line, second, done, null));
        if (done != null) await(done);
    }

    private void enqueue(Entry e) {
        if (closed) {
            if (e.done() != null) throw new IllegalStateException("the audit trail is closed");
            log.warn("audit record after the trail closed was dropped");
            return;
        }
        try {
            // Blocks only when the writer is 65536 records behind: back-pressure rather than an unbounded heap.
            queue.put(e);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing an audit record", ex);
        }
        if (e.line() == null || e.done() != null) {
            // Waited for (a durable record, a command): the writer must not linger. Set before reading lingering, as
            // the writer sets lingering before reading this: one of the two sees the other.
            durableQueued = true;
            if (lingering) java.util.concurrent.locks.LockSupport.unpark(writer);
        }
    }

    private static void await(CompletableFuture<Void> done) {
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the audit record to be durable", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io)
                throw new UncheckedIOException("the audit record could not be written", io);
            throw new IllegalStateException("the audit record could not be written", c);
        }
    }

    /** Seals the open segment now (whatever its age) and waits for the log file to be written. */
    public void rotateNow() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        enqueue(Entry.command(done, () -> {
            try {
                TrailSealer.Closed p = closeSegment();
                if (p != null) sealer.submit(() -> sealing.sealLogged(p)).get();
                done.complete(null);
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        }));
        await(done);
    }

    /** Seals the open segment and writes a digest now; returns the digest's key. */
    public String digestNow() {
        rotateNow();
        try {
            return sealer.submit(() -> chain.digest(clock.instant(), false)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("writing the digest failed", e.getCause());
        }
    }

    // ---------------------------------------------------------------- writer thread

    private void writeLoop() {
        List<Entry> batch = new ArrayList<>();
        while (true) {
            Entry first;
            try {
                first = queue.poll(pollMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            if (first != null) {
                if (first.line() != null && first.done() == null && !closing) linger();
                batch.add(first);
                queue.drainTo(batch, 8192);
            }
            try {
                writeBatch(batch);
                maintain();
            } catch (IOException | RuntimeException e) {
                log.error("audit trail write failed", e);
                for (Entry en : batch) {
                    if (en.done() != null) en.done().completeExceptionally(e);
                }
            }
            batch.clear();
            if (closing && queue.isEmpty()) break;
        }
        try {
            TrailSealer.Closed p = closeSegment();
            if (p != null) sealer.execute(() -> sealing.sealLogged(p));
        } catch (IOException | RuntimeException e) {
            log.error("closing the audit trail segment failed (it is sealed at the next start)", e);
        }
    }

    /**
     * Waits up to {@link #LINGER_NANOS} for more records to share the batch of a record that need not be durable; a
     * durable record (or a command) queued meanwhile ends the wait.
     */
    private void linger() {
        lingering = true;
        long end = System.nanoTime() + LINGER_NANOS;
        long left;
        while (!durableQueued && !closing && (left = end - System.nanoTime()) > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, left);
        }
        lingering = false;
        durableQueued = false;
    }

    private long pollMillis() {
        if (closing) return 1;
        long now = System.currentTimeMillis();
        long wait = 60_000;
        if (unsynced) wait = Math.min(wait, lastSync + ASYNC_SYNC_MILLIS - now);
        if (segment != null && segment.bytes > 0)
            wait = Math.min(wait, segment.openedAt + options.rotateEvery().toMillis() - now);
        return Math.max(1, wait);
    }

    private void writeBatch(List<Entry> batch) throws IOException {
        int from = 0;
        for (int i = 0; i < batch.size(); i++) {
            Entry e = batch.get(i);
            if (e.line() == null) {
                // A command: everything queued before it is written first.
                flush(batch.subList(from, i));
                e.command().run();
                from = i + 1;
            }
        }
        flush(batch.subList(from, batch.size()));
    }

    /** Writes {@code entries} (records only) in one write when they fit the buffer, syncs if one is durable. */
    private void flush(List<Entry> entries) throws IOException {
        Segment s = null;
        long offset = 0;
        boolean durable = false;
        if (!entries.isEmpty()) {
            s = openSegment();
            offset = s.bytes;
            long total = 0;
            long oldest = s.oldest;
            long newest = s.newest;
            boolean known = s.timesKnown;
            out.clear();
            // A write that fails part way may leave part of a record: the segment is then sealed by reading it.
            s.timesKnown = false;
            for (Entry e : entries) {
                byte[] line = e.line().bytes();
                durable |= e.done() != null;
                total += line.length;
                long t = e.second();
                if (t == TrailSealer.UNKNOWN) known = false;
                if (t < oldest) oldest = t;
                if (t > newest) newest = t;
                if (line.length > out.remaining()) {
                    drain(s.channel);
                    if (line.length > out.capacity()) {
                        writeFully(s.channel, ByteBuffer.wrap(line));
                        continue;
                    }
                }
                out.put(line);
            }
            drain(s.channel);
            s.bytes += total;
            s.oldest = oldest;
            s.newest = newest;
            s.timesKnown = known;
            unsynced = true;
        }
        if (durable && unsynced) sync();
        // Listeners (a queue and a wake-up) hear of the batch before any writer is answered: a record acknowledged
        // to its request has already been handed to the detector.
        if (s != null && !listeners.isEmpty()) {
            List<TrailLine> lines = new ArrayList<>(entries.size());
            for (Entry e : entries) lines.add(e.line());
            for (Listener l : listeners) l.written(s.path, offset, lines);
        }
        for (Entry e : entries) {
            if (e.done() != null) e.done().complete(null);
        }
    }

    /** Writes what the buffer holds and empties it. */
    private void drain(FileChannel channel) throws IOException {
        out.flip();
        writeFully(channel, out);
        out.clear();
    }

    private static void writeFully(FileChannel channel, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) channel.write(b);
    }

    private void sync() throws IOException {
        if (segment != null && options.fsync()) segment.channel.force(false);
        lastSync = System.currentTimeMillis();
        unsynced = false;
    }

    private void maintain() throws IOException {
        long now = System.currentTimeMillis();
        if (unsynced && now - lastSync >= ASYNC_SYNC_MILLIS) sync();
        if (segment != null
                && segment.bytes > 0
                && (now - segment.openedAt >= options.rotateEvery().toMillis()
                        || segment.bytes >= options.rotateBytes())) {
            TrailSealer.Closed p = closeSegment();
            if (p != null) sealer.execute(() -> sealing.sealLogged(p));
        }
    }

    private Segment openSegment() throws IOException {
        if (segment != null) return segment;
        long now = System.currentTimeMillis();
        // The sealed log file's unique string is the part after the time: the node's id and a random string.
        String name =
                String.format("%013d-%s%s.jsonl", now, options.node() == null ? "" : options.node() + "-", randomId());
        Path p = layout.segments().resolve(name);
        FileChannel ch = FileChannel.open(
                p,
                java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                io.rampart.storage.OwnerOnly.file());
        // The new file's directory entry must survive a crash as surely as the records in it.
        if (options.fsync()) Durable.syncDirectory(layout.segments());
        segment = new Segment(p, ch, now);
        return segment;
    }

    /**
     * Syncs and closes the open segment; returns it with what the sealer needs of it, or null when there was none (an
     * empty one is removed).
     */
    private TrailSealer.@Nullable Closed closeSegment() throws IOException {
        Segment s = segment;
        if (s == null) return null;
        segment = null;
        if (options.fsync()) s.channel.force(false);
        s.channel.close();
        unsynced = false;
        for (Listener l : listeners) l.closed(s.path, s.bytes);
        if (s.bytes == 0) {
            Files.deleteIfExists(s.path);
            return null;
        }
        return s.timesKnown
                ? new TrailSealer.Closed(s.path, s.bytes, s.oldest, s.newest)
                : TrailSealer.Closed.timesUnknown(s.path, s.bytes);
    }

    private static String randomId() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    // ---------------------------------------------------------------- sealer thread: seals and digests

    /**
     * Starts a key rotation and writes the digest that announces it now: signed by the current key, it names the new
     * key (nextDigestPublicKeyFingerprint, nextDigestPublicKey), which signs every later digest. Returns the digest.
     */
    public String rotateSigningKey() {
        rotateNow();
        try {
            return sealer.submit(chain::rotateSigningKey).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("rotating the trail signing key failed", e.getCause());
        }
    }

    private void scheduleDigest() {
        long delay = Math.max(
                0,
                Duration.between(clock.instant(), chain.lastEnd().plus(options.digestEvery()))
                        .toMillis());
        var unused = sealer.scheduleAtFixedRate(
                () -> {
                    try {
                        chain.digest(clock.instant(), false);
                    } catch (IOException | RuntimeException e) {
                        log.error("writing the audit digest failed; retried at the next interval", e);
                    }
                },
                delay,
                options.digestEvery().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** See {@link TrailSealer#eventTime}. */
    static Instant eventTime(byte[] line) {
        return TrailSealer.eventTime(line);
    }
    /** Writes every queued record, seals the open segment and writes a final digest, so nothing closed is unsigned. */
    @Override
    public void close() {
        if (closed) return;
        // New records are refused from here; the writer drains what is queued. No interrupt: it would close the
        // segment's channel in the middle of a write.
        closed = true;
        closing = true;
        queue.offer(Entry.command(null, () -> {}));
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            sealer.submit(() -> {
                        chain.digest(clock.instant(), true);
                        return null;
                    })
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.error("writing the final audit digest failed", e.getCause());
        }
        sealer.shutdown();
        try {
            sealer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

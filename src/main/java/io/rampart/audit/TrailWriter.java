package io.rampart.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.crypto.MasterKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable, signed audit trail. Records are appended as JSON lines to an open segment by one writer thread that
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
     */
    public record Options(
            String account,
            String region,
            String trailName,
            String bucketName,
            Duration rotateEvery,
            long rotateBytes,
            Duration digestEvery,
            boolean fsync) {
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
                    true);
        }

        public Options withRotation(Duration every, long bytes) {
            return new Options(account, region, trailName, bucketName, every, bytes, digestEvery, fsync);
        }

        public Options withDigestEvery(Duration every) {
            return new Options(account, region, trailName, bucketName, rotateEvery, rotateBytes, every, fsync);
        }

        public Options withFsync(boolean f) {
            return new Options(account, region, trailName, bucketName, rotateEvery, rotateBytes, digestEvery, f);
        }
    }

    /** One queued line (with its record's tree when the caller had one), or (line null) a command run in order. */
    private record Entry(byte[] line, JsonNode record, CompletableFuture<Void> done, Runnable command) {}

    /** One record as written: its line (ending in a newline) and, when the writer had it, its tree (else null). */
    public record Line(byte[] bytes, JsonNode record) {}

    /**
     * Told of every record the writer puts in a segment, in file order, on the writer thread, after the batch is written
     * (and synced, when any record of it was durable): must be quick and must not block. Used by the detector to take
     * records in memory instead of reading them back from the files.
     */
    public interface Listener {
        /** {@code lines} were written to {@code segment} from byte {@code offset} on. */
        void written(Path segment, long offset, List<Line> lines);

        /** {@code segment} was closed at {@code bytes} bytes: nothing more is written to it (it is sealed next). */
        void closed(Path segment, long bytes);
    }

    private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final TrailLayout layout;
    private final Options options;
    private final Clock clock;
    /** Complete at once when the key pair exists; on a first start, created in the background (see TrailKeys). */
    private volatile TrailKeys.Pending keys;

    private final TrailAnchor anchor;
    /** Why the trail did not match what the database recorded at start-up; null when it did. */
    private String integrityBreak;

    private final CloudTrailRecord records;
    private final TrailState state;
    private final BlockingQueue<Entry> queue = new LinkedBlockingQueue<>(1 << 16);
    private final Thread writer;
    private final ScheduledExecutorService sealer;
    private volatile boolean closing;
    private volatile boolean closed;

    // Writer-thread state.
    private Segment segment;
    private long lastSync;
    private boolean unsynced;

    private static final class Segment {
        final Path path;
        final FileChannel channel;
        final long openedAt;
        long bytes;

        Segment(Path path, FileChannel channel, long openedAt) {
            this.path = path;
            this.channel = channel;
            this.openedAt = openedAt;
        }
    }

    private TrailWriter(
            TrailLayout layout,
            Options options,
            Clock clock,
            TrailKeys.Pending keys,
            TrailState state,
            TrailAnchor anchor) {
        this.layout = layout;
        this.anchor = anchor;
        this.options = options;
        this.clock = clock;
        this.keys = keys;
        this.records = new CloudTrailRecord(options.account());
        this.state = state;
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
        TrailLayout layout = new TrailLayout(dir);
        Durable.createDirectories(layout.segments());
        TrailAnchor anchor;
        try {
            anchor = new TrailAnchor(db, masterKey);
        } catch (java.sql.SQLException e) {
            throw new IOException("cannot prepare the trail tables: " + e.getMessage(), e);
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
        TrailWriter w = new TrailWriter(layout, options, clock, keys, state, anchor);
        String problem = unreadableState != null
                ? unreadableState
                : keys.creating() && anchor.head().isPresent()
                        ? "the trail signing key is gone from the database, though it recorded digests up to "
                                + anchor.head().get().digestObject()
                        : w.checkAgainstAnchor(stateExisted);
        if (problem == null) {
            w.finishPendingDigest();
            if (!stateExisted) state.save(layout.state());
        } else {
            w.startNewChain(problem);
        }
        List<Path> leftovers = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.segments(), "*.jsonl")) {
            ds.forEach(leftovers::add);
        }
        leftovers.sort(null);
        for (Path p : leftovers) w.seal(p);
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
        return Optional.ofNullable(integrityBreak);
    }

    /** On a first start, the signing key being created (its public key is shown once to be kept off the machine). */
    public Optional<CompletableFuture<TrailKeys>> createdKey() {
        TrailKeys.Pending k = keys;
        return k.creating() ? Optional.of(k.whenReady()) : Optional.empty();
    }

    /** The signing key's fingerprint (digestPublicKeyFingerprint). */
    public String publicKeyFingerprint() {
        return keys().fingerprint();
    }

    /** The signing key pair, waiting for its creation on a first start. */
    private TrailKeys keys() {
        try {
            return keys.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new IllegalStateException("the trail signing key could not be created", e.getCause());
        }
    }

    @Override
    public void record(RequestFacts facts) {
        append(records.line(facts), false);
    }

    @Override
    public void recordDurably(RequestFacts facts) {
        append(records.line(facts), true);
    }

    /** Appends an already-built record (internal events); with {@code durable}, returns once it is on disk. */
    public void append(ObjectNode record, boolean durable) {
        // Bounded here, where every record passes: no client can write a record a reader cannot take.
        append(RecordBounds.bounded(record), durable);
    }

    /** A record's bounded JSON ({@link CloudTrailRecord#line}); {@code durable} as above. */
    private void append(byte[] json, boolean durable) {
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        CompletableFuture<Void> done = durable ? new CompletableFuture<>() : null;
        enqueue(new Entry(line, null, done, null));
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
        enqueue(new Entry(null, null, done, () -> {
            try {
                Path p = closeSegment();
                if (p != null) sealer.submit(() -> sealLogged(p)).get();
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
            return sealer.submit(() -> digest(clock.instant(), false)).get();
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
            Path p = closeSegment();
            if (p != null) sealer.execute(() -> sealLogged(p));
        } catch (IOException | RuntimeException e) {
            log.error("closing the audit trail segment failed (it is sealed at the next start)", e);
        }
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
        List<ByteBuffer> buffers = new ArrayList<>(batch.size());
        boolean durable = false;
        int i = 0;
        for (; i < batch.size(); i++) {
            Entry e = batch.get(i);
            if (e.line() == null) {
                // A command: everything queued before it is written first.
                flush(buffers, durable, batch.subList(0, i));
                buffers.clear();
                durable = false;
                e.command().run();
                batch.subList(0, i + 1).clear();
                i = -1;
                continue;
            }
            buffers.add(ByteBuffer.wrap(e.line()));
            durable |= e.done() != null;
        }
        flush(buffers, durable, batch);
    }

    private void flush(List<ByteBuffer> buffers, boolean durable, List<Entry> entries) throws IOException {
        Segment s = null;
        long offset = 0;
        if (!buffers.isEmpty()) {
            s = openSegment();
            offset = s.bytes;
            ByteBuffer[] bufs = buffers.toArray(ByteBuffer[]::new);
            long total = 0;
            for (ByteBuffer b : bufs) total += b.remaining();
            long written = 0;
            while (written < total) written += s.channel.write(bufs);
            s.bytes += total;
            unsynced = true;
        }
        if (durable && unsynced) sync();
        for (Entry e : entries) {
            if (e.done() != null) e.done().complete(null);
        }
        if (s != null && !listeners.isEmpty()) {
            List<Line> lines = new ArrayList<>(entries.size());
            for (Entry e : entries) lines.add(new Line(e.line(), e.record()));
            for (Listener l : listeners) l.written(s.path, offset, lines);
        }
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
            Path p = closeSegment();
            sealer.execute(() -> sealLogged(p));
        }
    }

    private Segment openSegment() throws IOException {
        if (segment != null) return segment;
        long now = System.currentTimeMillis();
        String name = String.format("%013d-%s.jsonl", now, randomId());
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

    /** Syncs and closes the open segment; returns its path, or null when there was none (an empty one is removed). */
    private Path closeSegment() throws IOException {
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
        return s.path;
    }

    private static String randomId() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    // ---------------------------------------------------------------- sealer thread (and start-up)

    private void sealLogged(Path segmentFile) {
        try {
            seal(segmentFile);
        } catch (IOException | RuntimeException e) {
            log.error("sealing audit segment {} failed; it stays and is sealed at the next start", segmentFile, e);
        }
    }

    /**
     * Writes a segment as a log file and forgets the segment. Idempotent: the log file's name comes from the
     * segment's content and id, so sealing again after a crash rewrites the same file and lists it once.
     */
    private synchronized void seal(Path segmentFile) throws IOException {
        byte[] raw = Files.readAllBytes(segmentFile);
        List<byte[]> lines = new ArrayList<>();
        Instant oldest = null;
        Instant newest = null;
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] != '\n') continue;
            byte[] line = java.util.Arrays.copyOfRange(raw, start, i);
            start = i + 1;
            if (line.length == 0) continue;
            Instant t = eventTime(line);
            if (t == null) {
                log.warn("dropping an unreadable record in {}", segmentFile);
                continue;
            }
            lines.add(line);
            if (oldest == null || t.isBefore(oldest)) oldest = t;
            if (newest == null || t.isAfter(newest)) newest = t;
        }
        if (start < raw.length)
            log.warn("dropping a torn last record ({} bytes) in {}", raw.length - start, segmentFile);
        if (!lines.isEmpty()) {
            java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream(raw.length + 16);
            content.writeBytes("{\"Records\":[".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < lines.size(); i++) {
                if (i > 0) content.write(',');
                content.writeBytes(lines.get(i));
            }
            content.writeBytes("]}".getBytes(StandardCharsets.US_ASCII));
            byte[] json = content.toByteArray();
            String name = segmentFile.getFileName().toString();
            String random = name.substring(name.indexOf('-') + 1, name.length() - ".jsonl".length());
            String object = TrailLayout.logObject(options.account(), options.region(), newest, random);
            Durable.write(layout.resolve(object), TrailLayout.gzip(json));
            if (!state.pending(object)) {
                ObjectNode entry = state.pendingLogs.addObject();
                entry.put("s3Bucket", options.bucketName());
                entry.put("s3Object", object);
                entry.put("hashValue", TrailLayout.sha256Hex(json));
                entry.put("hashAlgorithm", "SHA-256");
                entry.put("newestEventTime", CloudTrailRecord.EVENT_TIME.format(newest));
                entry.put("oldestEventTime", CloudTrailRecord.EVENT_TIME.format(oldest));
                state.save(layout.state());
            }
        }
        Files.deleteIfExists(segmentFile);
        if (options.fsync()) Durable.syncDirectory(layout.segments());
    }

    /**
     * The eventTime of one record line, or null when the line is not one whole JSON object with an eventTime (a record
     * damaged by a crash). Reads the line as tokens, without building a tree: sealing re-reads every record.
     */
    static Instant eventTime(byte[] line) {
        String time = null;
        try (com.fasterxml.jackson.core.JsonParser p =
                CloudTrailRecord.JSON.getFactory().createParser(line)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) return null;
            com.fasterxml.jackson.core.JsonToken t;
            while ((t = p.nextToken()) == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                boolean isTime = "eventTime".equals(p.currentName());
                t = p.nextToken();
                if (isTime && t == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) time = p.getText();
                else p.skipChildren();
            }
            if (t != com.fasterxml.jackson.core.JsonToken.END_OBJECT || p.nextToken() != null) return null;
            return time == null ? null : Instant.parse(time);
        } catch (IOException | java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- integrity against the database

    /**
     * Compares the trail with the newest digest the database recorded; returns what went backwards or vanished, or
     * null. A state.json newer than the database (a restored database) is accepted when its digest file is intact.
     */
    private String checkAgainstAnchor(boolean stateExisted) throws IOException {
        Optional<TrailAnchor.Head> recorded = anchor.head();
        if (state.pendingDigest != null) {
            // A digest prepared before a crash is written as it stands: only when our own key signed it.
            String forged = unsignedPendingDigest();
            if (forged != null) return forged;
        }
        if (recorded.isEmpty()) {
            // First start, or a trail from before the database kept its head: nothing to compare with yet.
            if (state.lastDigest != null && state.pendingDigest == null) adoptStateHead();
            return null;
        }
        TrailAnchor.Head head = recorded.get();
        String when = head.digestObject() + " (end " + head.digestEnd() + ")";
        if (!stateExisted) return "state.json is missing; the database recorded the newest digest " + when;
        ObjectNode last = state.pendingDigest != null ? pendingAsLast(state.pendingDigest) : state.lastDigest;
        if (last == null) return "state.json names no digest; the database recorded the newest digest " + when;
        Instant stateEnd = Instant.parse(last.path("endTime").asText());
        if (stateEnd.isBefore(head.digestEnd().truncatedTo(ChronoUnit.SECONDS))) {
            return "the trail went backwards: state.json's newest digest ends " + stateEnd + ", the database recorded "
                    + when;
        }
        boolean sameDigest = last.path("s3Object").asText().equals(head.digestObject());
        if (sameDigest && state.pendingDigest != null) return null;
        Path file = layout.resolve(head.digestObject());
        if (!Files.exists(file)) return "the newest digest the database recorded is missing: " + when;
        String hash;
        try {
            hash = TrailLayout.sha256Hex(TrailLayout.gunzip(file));
        } catch (IOException e) {
            return "the newest digest the database recorded is unreadable: " + when;
        }
        if (!hash.equals(head.hash())) return "the newest digest the database recorded was modified: " + when;
        for (JsonNode l :
                CloudTrailRecord.JSON.readTree(TrailLayout.gunzip(file)).path("logFiles")) {
            String logObject = l.path("s3Object").asText();
            if (!Files.exists(layout.resolve(logObject))) {
                return "the log file " + logObject + " listed in the newest digest the database recorded is missing: "
                        + when;
            }
        }
        if (!sameDigest && state.pendingDigest == null) {
            log.warn(
                    "the trail's state names a digest newer than the database recorded ({} after {}); the database "
                            + "was probably restored from a backup: recording the trail's newest digest",
                    last.path("s3Object").asText(),
                    when);
            adoptStateHead();
        }
        return null;
    }

    private static ObjectNode pendingAsLast(ObjectNode pending) throws IOException {
        JsonNode content =
                CloudTrailRecord.JSON.readTree(pending.path("content").asText());
        ObjectNode last = JsonNodeFactory.instance.objectNode();
        last.put("s3Object", pending.path("s3Object").asText());
        last.put("endTime", content.path("digestEndTime").asText());
        return last;
    }

    /** Null when the digest state.json holds for a redo is signed by the trail's key; else why it is not. */
    private String unsignedPendingDigest() {
        try {
            ObjectNode p = state.pendingDigest;
            byte[] content = p.path("content").asText().getBytes(StandardCharsets.UTF_8);
            JsonNode d = CloudTrailRecord.JSON.readTree(content);
            String prev = d.path("previousDigestSignature").isNull()
                    ? null
                    : d.path("previousDigestSignature").asText(null);
            String signing = DigestSigning.signingString(
                    d.path("digestEndTime").asText(),
                    d.path("digestS3Bucket").asText(),
                    p.path("s3Object").asText(),
                    TrailLayout.sha256Hex(content),
                    prev);
            if (p.path("s3Object").asText().equals(d.path("digestS3Object").asText())
                    && TrailKeys.verify(
                            keys().publicKey(), signing, p.path("signature").asText())) {
                return null;
            }
        } catch (IOException | RuntimeException e) {
            // Unreadable: not ours either.
        }
        return "state.json holds a digest to finish that the trail's signing key did not sign";
    }

    /** Records state.json's newest digest in the database when its file is intact (the first start with the anchor). */
    private void adoptStateHead() throws IOException {
        String object = state.lastDigest.path("s3Object").asText();
        Path file = layout.resolve(object);
        if (!Files.exists(file)) return;
        String hash = TrailLayout.sha256Hex(TrailLayout.gunzip(file));
        if (!hash.equals(state.lastDigest.path("hashValue").asText())) return;
        anchor.recordHead(new TrailAnchor.Head(
                object, Instant.parse(state.lastDigest.path("endTime").asText()), hash, options.digestEvery(), false));
    }

    /**
     * The trail no longer matches the database: says so loudly, forgets the state the trail directory held (it cannot
     * be trusted) and begins a new chain at once, its first digest recording the break and what the database knew.
     */
    private void startNewChain(String problem) throws IOException {
        Instant now = clock.instant();
        log.error(
                "AUDIT TRAIL TAMPERED OR LOST: {}. Starting a new digest chain that records the break; run "
                        + "'rampart trail validate' to see what is missing.",
                problem);
        ObjectNode br = JsonNodeFactory.instance.objectNode();
        br.put("detectedTime", CloudTrailRecord.EVENT_TIME.format(now));
        br.put("reason", problem);
        anchor.head().ifPresent(h -> {
            br.put("lastRecordedDigestS3Object", h.digestObject());
            br.put("lastRecordedDigestEndTime", CloudTrailRecord.EVENT_TIME.format(h.digestEnd()));
            br.put("lastRecordedDigestHashValue", h.hash());
        });
        // Never before the recorded head: the new chain's first digest must not take an old digest's name.
        Instant headEnd = anchor.head().map(TrailAnchor.Head::digestEnd).orElse(now);
        state.created = headEnd.isAfter(now) ? headEnd : now;
        state.lastDigest = null;
        state.pendingLogs = JsonNodeFactory.instance.arrayNode();
        state.pendingDigest = null;
        state.chainBreak = br;
        state.save(layout.state());
        integrityBreak = problem;
        digest(state.created, false);
    }

    // ---------------------------------------------------------------- digests

    /**
     * Starts a key rotation and writes the digest that announces it now: signed by the current key, it names the new
     * key (nextDigestPublicKeyFingerprint, nextDigestPublicKey), which signs every later digest. Returns the digest.
     */
    public String rotateSigningKey() {
        rotateNow();
        try {
            return sealer.submit(() -> {
                        if (anchor.next().isEmpty())
                            anchor.store(TrailKeys.generate(), TrailAnchor.KeyStatus.NEXT, clock.instant());
                        return digest(clock.instant(), false);
                    })
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("rotating the trail signing key failed", e.getCause());
        }
    }

    /** Prepares a rotation (announced by the digest being written) when the current key has signed for {@link #KEY_LIFETIME}. */
    private void rotateWhenDue(Instant now) {
        for (TrailAnchor.KeyRecord k : anchor.keys()) {
            if (k.status() == TrailAnchor.KeyStatus.NEXT) return;
        }
        for (TrailAnchor.KeyRecord k : anchor.keys()) {
            if (k.status() == TrailAnchor.KeyStatus.CURRENT
                    && !k.validFrom().equals(Instant.EPOCH)
                    && k.validFrom().plus(KEY_LIFETIME).isBefore(now)) {
                anchor.store(TrailKeys.generate(), TrailAnchor.KeyStatus.NEXT, now);
                log.info(
                        "the trail signing key {} has signed for {} days: the next digest announces its successor",
                        k.fingerprint(),
                        KEY_LIFETIME.toDays());
            }
        }
    }

    private void scheduleDigest() {
        Instant last = state.lastDigest != null
                ? Instant.parse(state.lastDigest.path("endTime").asText())
                : state.created;
        long delay = Math.max(
                0,
                Duration.between(clock.instant(), last.plus(options.digestEvery()))
                        .toMillis());
        var unused = sealer.scheduleAtFixedRate(
                () -> {
                    try {
                        digest(clock.instant(), false);
                    } catch (IOException | RuntimeException e) {
                        log.error("writing the audit digest failed; retried at the next interval", e);
                    }
                },
                delay,
                options.digestEvery().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Writes the digest covering every log file sealed since the previous digest, chained to and signed after it;
     * {@code stopping} for the last one before a clean stop (the database notes that no newer digest is due).
     */
    private synchronized String digest(Instant now, boolean stopping) throws IOException {
        finishPendingDigest();
        rotateWhenDue(now);
        Instant start = state.lastDigest != null
                ? Instant.parse(state.lastDigest.path("endTime").asText())
                : state.created;
        start = start.truncatedTo(ChronoUnit.SECONDS);
        Instant end = now.truncatedTo(ChronoUnit.SECONDS);
        // Digest names have one-second resolution: never reuse the previous one's.
        if (!end.isAfter(start)) end = start.plusSeconds(1);
        String object = TrailLayout.digestObject(options.account(), options.region(), options.trailName(), end);
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("awsAccountId", options.account());
        d.put("digestStartTime", CloudTrailRecord.EVENT_TIME.format(start));
        d.put("digestEndTime", CloudTrailRecord.EVENT_TIME.format(end));
        d.put("digestS3Bucket", options.bucketName());
        d.put("digestS3Object", object);
        d.put("digestPublicKeyFingerprint", keys().fingerprint());
        d.put("digestSignatureAlgorithm", TrailKeys.ALGORITHM);
        String newest = null;
        String oldest = null;
        for (JsonNode l : state.pendingLogs) {
            String n = l.path("newestEventTime").asText();
            String o = l.path("oldestEventTime").asText();
            if (newest == null || n.compareTo(newest) > 0) newest = n;
            if (oldest == null || o.compareTo(oldest) < 0) oldest = o;
        }
        d.put("newestEventTime", newest);
        d.put("oldestEventTime", oldest);
        ObjectNode prev = state.lastDigest;
        d.put("previousDigestS3Bucket", prev == null ? null : options.bucketName());
        d.put(
                "previousDigestS3Object",
                prev == null ? null : prev.path("s3Object").asText());
        d.put(
                "previousDigestHashValue",
                prev == null ? null : prev.path("hashValue").asText());
        d.put("previousDigestHashAlgorithm", prev == null ? null : "SHA-256");
        String prevSignature = prev == null ? null : prev.path("signature").asText();
        d.put("previousDigestSignature", prevSignature);
        ArrayNode logs = d.putArray("logFiles");
        state.pendingLogs.forEach(logs::add);
        // Rampart's additions (CloudTrail has no field for them): the successor key, announced under the current key's
        // signature, and the break a new chain began with.
        Optional<TrailKeys> next = anchor.next();
        next.ifPresent(k -> {
            d.put("nextDigestPublicKeyFingerprint", k.fingerprint());
            d.put(
                    "nextDigestPublicKey",
                    java.util.Base64.getEncoder().encodeToString(k.publicKey().getEncoded()));
        });
        if (state.chainBreak != null) d.set("chainBreak", state.chainBreak);
        byte[] content = CloudTrailRecord.JSON.writeValueAsBytes(d);
        String hash = TrailLayout.sha256Hex(content);
        String signature = keys().sign(DigestSigning.signingString(
                CloudTrailRecord.EVENT_TIME.format(end), options.bucketName(), object, hash, prevSignature));
        // Redo record first: if the process dies before the files are written, the next start writes them.
        ObjectNode pending = JsonNodeFactory.instance.objectNode();
        pending.put("s3Object", object);
        pending.put("content", new String(content, StandardCharsets.UTF_8));
        pending.put("signature", signature);
        pending.put("stopped", stopping);
        ObjectNode last = JsonNodeFactory.instance.objectNode();
        last.put("s3Object", object);
        last.put("signature", signature);
        last.put("hashValue", hash);
        last.put("endTime", end.toString());
        state.pendingDigest = pending;
        state.lastDigest = last;
        state.pendingLogs = JsonNodeFactory.instance.arrayNode();
        state.chainBreak = null;
        state.save(layout.state());
        finishPendingDigest();
        return object;
    }

    private synchronized void finishPendingDigest() throws IOException {
        ObjectNode p = state.pendingDigest;
        if (p == null) return;
        String object = p.path("s3Object").asText();
        byte[] content = p.path("content").asText().getBytes(StandardCharsets.UTF_8);
        Durable.write(layout.resolve(object), TrailLayout.gzip(content));
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        meta.put("signature", p.path("signature").asText());
        meta.put("signature-algorithm", TrailKeys.ALGORITHM);
        Durable.write(
                layout.resolve(object + TrailLayout.SIGNATURE_SUFFIX), CloudTrailRecord.JSON.writeValueAsBytes(meta));
        // The database learns of the digest only once its files are durable; a redo after a crash records it again.
        JsonNode d = CloudTrailRecord.JSON.readTree(content);
        Instant end = Instant.parse(d.path("digestEndTime").asText());
        anchor.recordHead(new TrailAnchor.Head(
                object,
                end,
                TrailLayout.sha256Hex(content),
                options.digestEvery(),
                p.path("stopped").asBoolean(false)));
        if (d.hasNonNull("nextDigestPublicKeyFingerprint")) {
            anchor.completeRotation(end);
            TrailKeys signer =
                    anchor.current().orElseThrow(() -> new IOException("the trail's new signing key is gone"));
            keys = TrailKeys.Pending.of(signer);
            log.info(
                    "the trail signing key is now {}; keep its public key with the previous one:\n{}",
                    signer.fingerprint(),
                    TrailKeys.pem(signer.publicKey()));
        }
        state.pendingDigest = null;
        state.save(layout.state());
    }

    /** Writes every queued record, seals the open segment and writes a final digest, so nothing closed is unsigned. */
    @Override
    public void close() {
        if (closed) return;
        // New records are refused from here; the writer drains what is queued. No interrupt: it would close the
        // segment's channel in the middle of a write.
        closed = true;
        closing = true;
        queue.offer(new Entry(null, null, null, () -> {}));
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            sealer.submit(() -> {
                        digest(clock.instant(), true);
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

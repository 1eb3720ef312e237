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
 * writes a digest file chained to the previous one and signed SHA256withRSA over CloudTrail's signing string. At start
 * any leftover segment (a crash) is sealed first: acknowledged records are never lost; a torn last line is dropped.
 */
public final class TrailWriter implements AuditTrail {
    private static final Logger log = LoggerFactory.getLogger(TrailWriter.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long ASYNC_SYNC_MILLIS = 1000;

    /**
     * @param account    account id: folders and file names, recipientAccountId
     * @param trailName  the trail's name in digest file names
     * @param bucketName the name the digests give the place holding the trail (digestS3Bucket, s3Bucket)
     * @param fsync      false only for tests that do not need durability
     */
    public record Options(String account, String region, String trailName, String bucketName, Duration rotateEvery,
                          long rotateBytes, Duration digestEvery, boolean fsync) {
        public static final Duration DEFAULT_ROTATE_EVERY = Duration.ofMinutes(5);
        public static final long DEFAULT_ROTATE_BYTES = 64L << 20;
        public static final Duration DEFAULT_DIGEST_EVERY = Duration.ofHours(1);

        public Options {
            if (rotateEvery.isNegative() || rotateEvery.isZero() || digestEvery.isNegative() || digestEvery.isZero()
                    || rotateBytes <= 0) {
                throw new IllegalArgumentException("trail rotation and digest intervals must be positive");
            }
        }

        public static Options defaults(String account, String region) {
            return new Options(account, region, "rampart", "rampart-trail", DEFAULT_ROTATE_EVERY, DEFAULT_ROTATE_BYTES,
                    DEFAULT_DIGEST_EVERY, true);
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

    /** One queued line, or (line null) a command the writer thread runs in order. */
    private record Entry(byte[] line, CompletableFuture<Void> done, Runnable command) { }

    private final TrailLayout layout;
    private final Options options;
    private final Clock clock;
    /** Complete at once when the key pair exists; on a first start, created in the background (see TrailKeys). */
    private final TrailKeys.Pending keys;
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

    private TrailWriter(TrailLayout layout, Options options, Clock clock, TrailKeys.Pending keys,
                        TrailState state) {
        this.layout = layout;
        this.options = options;
        this.clock = clock;
        this.keys = keys;
        this.records = new CloudTrailRecord(options.account());
        this.state = state;
        this.sealer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("rampart-trail-sealer").unstarted(r));
        this.writer = Thread.ofPlatform().daemon().name("rampart-trail-writer").unstarted(this::writeLoop);
    }

    /** How long a first start leaves the CPU to start-up before it creates the trail signing key (see TrailKeys). */
    private static final java.time.Duration KEYGEN_IDLE = java.time.Duration.ofSeconds(5);

    /**
     * Opens the trail in {@code dir}: creates the key pair on first start, finishes a digest a crash interrupted,
     * seals leftover segments, then starts the writer and the digest schedule.
     */
    public static TrailWriter open(Path dir, Options options, MasterKey masterKey, Clock clock) throws IOException {
        TrailLayout layout = new TrailLayout(dir);
        Durable.createDirectories(layout.segments());
        TrailKeys.Pending keys = TrailKeys.loadOrStartCreating(layout.keys(), masterKey, KEYGEN_IDLE);
        TrailState state = TrailState.load(layout.state(), clock.instant());
        if (!Files.exists(layout.state())) state.save(layout.state());
        TrailWriter w = new TrailWriter(layout, options, clock, keys, state);
        w.finishPendingDigest();
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

    public TrailLayout layout() {
        return layout;
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

    @Override public void record(RequestFacts facts) {
        append(records.of(facts), false);
    }

    @Override public void recordDurably(RequestFacts facts) {
        append(records.of(facts), true);
    }

    /** Appends an already-built record (internal events); with {@code durable}, returns once it is on disk. */
    public void append(ObjectNode record, boolean durable) {
        // Bounded here, where every record passes: no client can write a record a reader cannot take.
        byte[] json = RecordBounds.bounded(record);
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        CompletableFuture<Void> done = durable ? new CompletableFuture<>() : null;
        enqueue(new Entry(line, done, null));
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
            if (c instanceof IOException io) throw new UncheckedIOException("the audit record could not be written", io);
            throw new IllegalStateException("the audit record could not be written", c);
        }
    }

    /** Seals the open segment now (whatever its age) and waits for the log file to be written. */
    public void rotateNow() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        enqueue(new Entry(null, done, () -> {
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
            return sealer.submit(() -> digest(clock.instant())).get();
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
            if (p != null) sealer.submit(() -> sealLogged(p));
        } catch (IOException | RuntimeException e) {
            log.error("closing the audit trail segment failed (it is sealed at the next start)", e);
        }
    }

    private long pollMillis() {
        if (closing) return 1;
        long now = System.currentTimeMillis();
        long wait = 60_000;
        if (unsynced) wait = Math.min(wait, lastSync + ASYNC_SYNC_MILLIS - now);
        if (segment != null && segment.bytes > 0) wait = Math.min(wait, segment.openedAt + options.rotateEvery().toMillis() - now);
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
        if (!buffers.isEmpty()) {
            Segment s = openSegment();
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
    }

    private void sync() throws IOException {
        if (segment != null && options.fsync()) segment.channel.force(false);
        lastSync = System.currentTimeMillis();
        unsynced = false;
    }

    private void maintain() throws IOException {
        long now = System.currentTimeMillis();
        if (unsynced && now - lastSync >= ASYNC_SYNC_MILLIS) sync();
        if (segment != null && segment.bytes > 0
                && (now - segment.openedAt >= options.rotateEvery().toMillis() || segment.bytes >= options.rotateBytes())) {
            Path p = closeSegment();
            sealer.submit(() -> sealLogged(p));
        }
    }

    private Segment openSegment() throws IOException {
        if (segment != null) return segment;
        long now = System.currentTimeMillis();
        String name = String.format("%013d-%s.jsonl", now, randomId());
        Path p = layout.segments().resolve(name);
        FileChannel ch = FileChannel.open(p, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
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
        if (start < raw.length) log.warn("dropping a torn last record ({} bytes) in {}", raw.length - start, segmentFile);
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
        try (com.fasterxml.jackson.core.JsonParser p = CloudTrailRecord.JSON.getFactory().createParser(line)) {
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

    private void scheduleDigest() {
        Instant last = state.lastDigest != null ? Instant.parse(state.lastDigest.path("endTime").asText()) : state.created;
        long delay = Math.max(0, Duration.between(clock.instant(), last.plus(options.digestEvery())).toMillis());
        sealer.scheduleAtFixedRate(() -> {
            try {
                digest(clock.instant());
            } catch (IOException | RuntimeException e) {
                log.error("writing the audit digest failed; retried at the next interval", e);
            }
        }, delay, options.digestEvery().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Writes the digest covering every log file sealed since the previous digest, chained to and signed after it. */
    private synchronized String digest(Instant now) throws IOException {
        finishPendingDigest();
        Instant start = state.lastDigest != null ? Instant.parse(state.lastDigest.path("endTime").asText()) : state.created;
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
        d.put("previousDigestS3Object", prev == null ? null : prev.path("s3Object").asText());
        d.put("previousDigestHashValue", prev == null ? null : prev.path("hashValue").asText());
        d.put("previousDigestHashAlgorithm", prev == null ? null : "SHA-256");
        String prevSignature = prev == null ? null : prev.path("signature").asText();
        d.put("previousDigestSignature", prevSignature);
        ArrayNode logs = d.putArray("logFiles");
        state.pendingLogs.forEach(logs::add);
        byte[] content = CloudTrailRecord.JSON.writeValueAsBytes(d);
        String hash = TrailLayout.sha256Hex(content);
        String signature = keys().sign(DigestSigning.signingString(CloudTrailRecord.EVENT_TIME.format(end),
                options.bucketName(), object, hash, prevSignature));
        // Redo record first: if the process dies before the files are written, the next start writes them.
        ObjectNode pending = JsonNodeFactory.instance.objectNode();
        pending.put("s3Object", object);
        pending.put("content", new String(content, StandardCharsets.UTF_8));
        pending.put("signature", signature);
        ObjectNode last = JsonNodeFactory.instance.objectNode();
        last.put("s3Object", object);
        last.put("signature", signature);
        last.put("hashValue", hash);
        last.put("endTime", end.toString());
        state.pendingDigest = pending;
        state.lastDigest = last;
        state.pendingLogs = JsonNodeFactory.instance.arrayNode();
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
        Durable.write(layout.resolve(object + TrailLayout.SIGNATURE_SUFFIX), CloudTrailRecord.JSON.writeValueAsBytes(meta));
        state.pendingDigest = null;
        state.save(layout.state());
    }

    /** Writes every queued record, seals the open segment and writes a final digest, so nothing closed is unsigned. */
    @Override public void close() {
        if (closed) return;
        // New records are refused from here; the writer drains what is queued. No interrupt: it would close the
        // segment's channel in the middle of a write.
        closed = true;
        closing = true;
        queue.offer(new Entry(null, null, () -> { }));
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            sealer.submit(() -> {
                digest(clock.instant());
                return null;
            }).get();
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

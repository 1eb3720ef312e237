package io.rampart.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trail's sealer: turns a closed segment into a CloudTrail log file ({@code {"Records":[...]}}, gzip, temp +
 * fsync + rename + directory fsync), notes it in the state for the next digest ({@link DigestChain}) and deletes the
 * segment. Runs on the trail's sealer thread, and at start-up for the segments a crash left behind.
 */
final class TrailSealer {
    private static final Logger log = LoggerFactory.getLogger(TrailSealer.class);

    private final TrailLayout layout;
    private final TrailWriter.Options options;
    /** Shared with the digest chain; both change it holding its monitor. */
    private final TrailState state;

    TrailSealer(TrailLayout layout, TrailWriter.Options options, TrailState state) {
        this.layout = layout;
        this.options = options;
        this.state = state;
    }

    /**
     * What the writer knows of a segment it closed: its length and the eventTime range of its records (epoch seconds),
     * which it took from each record's facts as it wrote them, so the live path never parses a record again.
     * {@code oldestSecond > newestSecond}: the times are not known (a record without them, a failed write), and the
     * segment is sealed by reading it as at start-up.
     */
    record Closed(Path path, long bytes, long oldestSecond, long newestSecond) {
        static Closed timesUnknown(Path path, long bytes) {
            return new Closed(path, bytes, Long.MAX_VALUE, Long.MIN_VALUE);
        }
    }

    /** Seals a segment the way start-up does (its records parsed for their times); errors are logged. */
    void sealLogged(Path segmentFile) {
        try {
            seal(segmentFile);
        } catch (IOException | RuntimeException e) {
            log.error("sealing audit segment {} failed; it stays and is sealed at the next start", segmentFile, e);
        }
    }

    /** Seals a segment the writer just closed ({@link #seal(Closed)}); errors are logged. */
    void sealLogged(Closed segment) {
        try {
            seal(segment);
        } catch (IOException | RuntimeException e) {
            log.error("sealing audit segment {} failed; it stays and is sealed at the next start", segment.path(), e);
        }
    }

    /**
     * Writes a segment as a log file and forgets the segment, reading every record for its eventTime (segments a crash
     * left: a torn last record and unreadable records are dropped). Idempotent: the log file's name comes from the
     * segment's content and id, so sealing again after a crash rewrites the same file and lists it once.
     */
    void seal(Path segmentFile) throws IOException {
        synchronized (state) {
            finish(segmentFile, parsed(segmentFile));
        }
    }

    /**
     * Seals a segment the writer closed, with the times it kept: the file is streamed once through SHA-256 and gzip,
     * each newline turned into the comma between records, with no record parsed and no array per record. The same log
     * file and digest entry as {@link #seal(Path)} gives for the same file; a file that is not exactly what the writer
     * said (another length, a line that is not one record) is sealed that way instead.
     */
    void seal(Closed segment) throws IOException {
        synchronized (state) {
            Sealed s = streamed(segment);
            finish(segment.path(), s != null ? s : parsed(segment.path()));
        }
    }

    /** A segment's log file: gzip of its JSON, the JSON's SHA-256, and its records' time range; null when empty. */
    private record Sealed(byte[] gzip, String sha256Hex, Instant oldest, Instant newest) {}

    private static final byte[] OPEN = "{\"Records\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "]}".getBytes(StandardCharsets.US_ASCII);
    /** The part of a segment read at once on the live path. */
    private static final int CHUNK = 64 * 1024;

    /** The log file's JSON, hashed and compressed as it is written: no copy of it is kept. */
    private static final class Sink {
        final MessageDigest sha = TrailLayout.sha256();
        final ByteArrayOutputStream compressed;
        final GZIPOutputStream gz;

        Sink(long jsonBytes) throws IOException {
            compressed = new ByteArrayOutputStream((int) Math.min(jsonBytes / 4 + 64, 16 << 20));
            gz = TrailLayout.gzipStream(compressed);
        }

        void write(byte[] b, int off, int len) throws IOException {
            sha.update(b, off, len);
            gz.write(b, off, len);
        }

        Sealed finish(Instant oldest, Instant newest) throws IOException {
            gz.close();
            return new Sealed(compressed.toByteArray(), HexFormat.of().formatHex(sha.digest()), oldest, newest);
        }
    }

    /** The live path (see {@link #seal(Closed)}); null when the file must be parsed instead. */
    private static @Nullable Sealed streamed(Closed c) throws IOException {
        if (c.bytes() <= 0 || c.oldestSecond() > c.newestSecond()) return null;
        try (FileChannel ch = FileChannel.open(c.path(), StandardOpenOption.READ)) {
            if (ch.size() != c.bytes()) {
                log.warn(
                        "segment {} is {} bytes, the writer wrote {}: sealed by reading it",
                        c.path(),
                        ch.size(),
                        c.bytes());
                return null;
            }
            Sink sink = new Sink(c.bytes() + OPEN.length + 1);
            sink.write(OPEN, 0, OPEN.length);
            byte[] buf = new byte[CHUNK];
            ByteBuffer bb = ByteBuffer.wrap(buf);
            long left = c.bytes();
            // Every record is one line; an empty line would be an empty record (not the writer's): parse instead.
            boolean lineStart = true;
            while (left > 0) {
                bb.clear();
                if (left < CHUNK) bb.limit((int) left);
                int n = ch.read(bb);
                if (n <= 0) return null;
                left -= n;
                int state = commas(buf, n, lineStart);
                if (state == EMPTY_LINE) return null;
                lineStart = state == LINE_START;
                if (left == 0) {
                    // The last record's newline closes the array.
                    if (!lineStart) return null;
                    buf[n - 1] = ']';
                    sink.write(buf, 0, n);
                    sink.write(CLOSE, 1, 1);
                } else {
                    sink.write(buf, 0, n);
                }
            }
            return sink.finish(Instant.ofEpochSecond(c.oldestSecond()), Instant.ofEpochSecond(c.newestSecond()));
        }
    }

    private static final int EMPTY_LINE = -1;
    private static final int LINE_START = 1;
    private static final int IN_LINE = 0;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * Turns each newline of {@code buf[0, n)} into a comma. {@code lineStart}: the byte before is a newline (or there
     * is none). Returns {@link #LINE_START} when the last byte was a newline, {@link #IN_LINE} otherwise, and
     * {@link #EMPTY_LINE} at a newline right after another one. Eight bytes at a time: a word without a newline (a
     * record is about a kilobyte) costs one test; a word that may hold one is looked at byte by byte.
     */
    static int commas(byte[] buf, int n, boolean lineStart) {
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long w = (long) LONGS.get(buf, i) ^ NEWLINES;
            // Non-zero when a byte of w is zero (a newline); may flag bytes after a real one too, hence the check.
            if (((w - ONES) & ~w & HIGHS) == 0) {
                lineStart = false;
                continue;
            }
            for (int k = i; k < i + 8; k++) {
                if (buf[k] == '\n') {
                    if (lineStart) return EMPTY_LINE;
                    buf[k] = ',';
                    lineStart = true;
                } else {
                    lineStart = false;
                }
            }
        }
        for (; i < n; i++) {
            if (buf[i] == '\n') {
                if (lineStart) return EMPTY_LINE;
                buf[i] = ',';
                lineStart = true;
            } else {
                lineStart = false;
            }
        }
        return lineStart ? LINE_START : IN_LINE;
    }

    /** The start-up path: every record parsed for its eventTime; null when no record is readable. */
    private static @Nullable Sealed parsed(Path segmentFile) throws IOException {
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
        if (lines.isEmpty() || oldest == null || newest == null) return null;
        Sink sink = new Sink(raw.length + OPEN.length + 1);
        sink.write(OPEN, 0, OPEN.length);
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) sink.write(COMMA, 0, 1);
            byte[] line = lines.get(i);
            sink.write(line, 0, line.length);
        }
        sink.write(CLOSE, 0, CLOSE.length);
        return sink.finish(oldest, newest);
    }

    private static final byte[] COMMA = {','};

    /** Writes the log file, lists it for the next digest (once) and deletes the segment. */
    private void finish(Path segmentFile, @Nullable Sealed s) throws IOException {
        if (s != null) {
            String name = segmentFile.getFileName().toString();
            String random = name.substring(name.indexOf('-') + 1, name.length() - ".jsonl".length());
            String object = TrailLayout.logObject(options.account(), options.region(), s.newest(), random);
            Durable.write(layout.resolve(object), s.gzip());
            if (!state.pending(object)) {
                ObjectNode entry = state.pendingLogs.addObject();
                entry.put("s3Bucket", options.bucketName());
                entry.put("s3Object", object);
                entry.put("hashValue", s.sha256Hex());
                entry.put("hashAlgorithm", "SHA-256");
                entry.put("newestEventTime", CloudTrailRecord.EVENT_TIME.format(s.newest()));
                entry.put("oldestEventTime", CloudTrailRecord.EVENT_TIME.format(s.oldest()));
                state.save(layout.state());
            }
        }
        Files.deleteIfExists(segmentFile);
        if (options.fsync()) Durable.syncDirectory(segmentFile.getParent());
    }

    /**
     * The epoch second of a record's eventTime as {@link #eventTime} reads it from the line {@link CloudTrailRecord}
     * writes for {@code time}; {@link #UNKNOWN} for a time that text cannot stand for (outside years 0 to 9999).
     */
    static long second(@Nullable Instant time) {
        if (time == null) return UNKNOWN;
        long s = time.getEpochSecond();
        return s >= FIRST_SECOND && s <= LAST_SECOND ? s : UNKNOWN;
    }

    /** No eventTime known. */
    static final long UNKNOWN = Long.MIN_VALUE;

    private static final long FIRST_SECOND =
            Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long LAST_SECOND =
            Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    /** {@link #second} of the eventTime parsed from a line, {@link #UNKNOWN} when the line has none. */
    static long second(byte[] line) {
        return second(eventTime(line));
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
}

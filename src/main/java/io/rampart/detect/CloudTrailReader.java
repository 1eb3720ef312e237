package io.rampart.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Streams CloudTrail records out of files as AWS and SIEMs export them: gzip or plain, a {@code {"Records":[...]}}
 * document (CloudTrail's S3 delivery), {@code aws cloudtrail lookup-events} output ({@code {"Events":[{"CloudTrailEvent":
 * "<json>"}]}}, one record per event), a JSON array of records, JSON lines (one record per line), or a CSV export with
 * a header row (Athena's CloudTrail table, see {@link CsvExport}). One record is in memory at a time, whatever the
 * file's size, and no record is held beyond {@link #MAX_RECORD_BYTES}: JSON is cut into records at the byte level and
 * each is parsed on its own, so one damaged or hostile record is skipped and reported, never fatal.
 */
public final class CloudTrailReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CloudTrailReader() {}

    /** Every regular file under {@code paths} (folders walked recursively, hidden files and digests skipped), sorted. */
    public static List<Path> files(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile)
                            .filter(f -> !f.getFileName().toString().startsWith("."))
                            .filter(f -> !f.toString().contains("CloudTrail-Digest"))
                            .filter(f -> !f.getFileName().toString().endsWith(".sig"))
                            .sorted()
                            .forEach(out::add);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new java.nio.file.NoSuchFileException(p.toString());
            }
        }
        return out;
    }

    /** The largest record read; a longer one is skipped as unreadable without being held in memory. */
    public static final int MAX_RECORD_BYTES = 1 << 20;

    /**
     * Told about a record that could not be read, and so was skipped: the one report of skipped records, used by the
     * live tailer (its unreadable-trail-record finding) and by {@code rampart detect} (skip counts, examples, exit 3).
     */
    @FunctionalInterface
    public interface Unreadable {
        /**
         * @param index  the record's position among the file's records (readable or not), from 0
         * @param offset the byte offset where it starts in the (decompressed) file; for a CSV export, the character
         *               offset of its row
         * @param reason what was wrong: not JSON, over-long, cut short...
         */
        void skipped(long index, long offset, String reason);
    }

    /** Reads every record of {@code file} into {@code sink}; returns how many; fails on the first unreadable one. */
    public static long read(Path file, Consumer<JsonNode> sink) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, sink);
        }
    }

    /** Reads every record of {@code file}, skipping (and reporting) the ones it cannot read. */
    public static long read(Path file, Consumer<JsonNode> sink, Unreadable unreadable) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, sink, unreadable);
        }
    }

    public static long read(InputStream raw, Consumer<JsonNode> sink) throws IOException {
        try {
            return read(raw, sink, (i, off, why) -> {
                throw new java.io.UncheckedIOException(new IOException("record " + i + " at byte " + off + ": " + why));
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Reads every record into {@code sink} and every record it cannot read into {@code unreadable}, then goes on with
     * the next: one damaged or hostile record never stops the reading. Records are split at the byte level (braces
     * outside strings), so each is parsed on its own; a record longer than {@link #MAX_RECORD_BYTES}, one that is not
     * JSON, and the last one of a file cut short (a truncated gzip) are reported, not thrown. Returns how many records
     * were read.
     */
    public static long read(InputStream raw, Consumer<JsonNode> sink, Unreadable unreadable) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        BufferedInputStream data =
                b1 == 0x1f && b2 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
        int first = firstNonBlank(data);
        if (first >= 0 && CsvExport.looksLikeCsv(first)) {
            CsvExport.Rows rows =
                    new CsvExport.Rows(new java.io.InputStreamReader(data, java.nio.charset.StandardCharsets.UTF_8));
            try {
                return CsvExport.read(rows, sink, unreadable);
            } catch (java.util.zip.ZipException | java.io.EOFException e) {
                unreadable.skipped(
                        rows.index(),
                        rows.offset(),
                        "the file is truncated or its compression is damaged: " + e.getMessage());
                return rows.records();
            }
        }
        return new Splitter(data, sink, unreadable).run();
    }

    /** The first byte that is not blank or a UTF-8 byte-order mark, without consuming it; -1 for none. */
    private static int firstNonBlank(BufferedInputStream in) throws IOException {
        in.mark(4096);
        int c = -1;
        for (int i = 0; i < 4000; i++) {
            c = in.read();
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t' && c != 0xEF && c != 0xBB && c != 0xBF) break;
        }
        in.reset();
        return c;
    }

    /**
     * Reads a file being appended to (the trail's open segment, JSON lines): only up to its last newline, so a line
     * being written is not mistaken for a broken one.
     */
    public static long readCompleteLines(Path file, Consumer<JsonNode> sink, Unreadable unreadable) throws IOException {
        long end;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            end = ch.size();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1 << 16);
            search:
            while (end > 0) {
                int n = (int) Math.min(b.capacity(), end);
                b.clear().limit(n);
                while (b.hasRemaining() && ch.read(b, end - n + b.position()) > 0) {}
                for (int i = b.position() - 1; i >= 0; i--) {
                    if (b.get(i) == '\n') {
                        end = end - n + i + 1;
                        break search;
                    }
                }
                end -= n;
            }
        }
        long limit = end;
        try (InputStream in = Files.newInputStream(file)) {
            return read(
                    new java.io.FilterInputStream(in) {
                        long left = limit;

                        @Override
                        public int read() throws IOException {
                            if (left <= 0) return -1;
                            int c = super.read();
                            if (c >= 0) left--;
                            return c;
                        }

                        @Override
                        public int read(byte[] b, int off, int len) throws IOException {
                            if (left <= 0) return -1;
                            int r = super.read(b, off, (int) Math.min(len, left));
                            if (r > 0) left -= r;
                            return r;
                        }
                    },
                    sink,
                    unreadable);
        }
    }

    /**
     * An entry of {@code aws cloudtrail lookup-events} ({@code {"EventId":..,"CloudTrailEvent":"<json>"}}) becomes the
     * record in its CloudTrailEvent string (bounded: it is inside a record already bounded); any other object is a
     * record. Null, with the reason told to {@code why}, for an entry without a readable record.
     */
    private static JsonNode unwrap(JsonNode e, Consumer<String> why) {
        JsonNode cte = e.get("CloudTrailEvent");
        if (cte == null) {
            if (e.has("EventId") && e.has("EventName") && !e.has("eventName")) {
                why.accept("lookup-events entry without CloudTrailEvent (EventId "
                        + e.path("EventId").asText() + ")");
                return null;
            }
            return e;
        }
        if (cte.isObject()) return cte;
        try {
            JsonNode r = JSON.readTree(cte.asText());
            if (r != null && r.isObject()) return r;
        } catch (IOException ex) {
            // reported below
        }
        why.accept("CloudTrailEvent is not a JSON object (EventId "
                + e.path("EventId").asText("?") + ")");
        return null;
    }

    /**
     * Cuts a CloudTrail file into records: a {"Records":[...]} document, lookup-events output ({"Events":[...]}), a
     * JSON array, or JSON lines.
     */
    private static final class Splitter {
        private final InputStream in;
        private final Consumer<JsonNode> sink;
        private final Unreadable unreadable;
        private final java.io.ByteArrayOutputStream record = new java.io.ByteArrayOutputStream(4096);
        private long offset;
        private long index;
        private long read;
        private int pushedBack = -1;

        Splitter(InputStream in, Consumer<JsonNode> sink, Unreadable unreadable) {
            this.in = in;
            this.sink = sink;
            this.unreadable = unreadable;
        }

        private int next() throws IOException {
            if (pushedBack >= 0) {
                int b = pushedBack;
                pushedBack = -1;
                offset++;
                return b;
            }
            int b = in.read();
            if (b >= 0) offset++;
            return b;
        }

        private void unread(int b) {
            pushedBack = b;
            offset--;
        }

        private int skipSpace() throws IOException {
            int b;
            do {
                b = next();
            } while (b == ' ' || b == '\n' || b == '\r' || b == '\t' || b == ',');
            return b;
        }

        long run() throws IOException {
            try {
                int b = next();
                if (b == 0xEF) {
                    // A UTF-8 byte-order mark, as Windows tools write it.
                    int c = next();
                    if (c == 0xBB) {
                        int d = next();
                        if (d != 0xBF && d >= 0) unread(d);
                    } else if (c >= 0) {
                        unread(c);
                    }
                } else if (b >= 0) {
                    unread(b);
                }
                while ((b = skipSpace()) >= 0) {
                    if (b == '[') {
                        array();
                    } else if (b == '{') {
                        long start = offset - 1;
                        if (wrapperDocument()) {
                            array();
                            wrapperRest();
                        } else {
                            object(start);
                        }
                    } else {
                        garbage(offset - 1);
                    }
                }
            } catch (java.util.zip.ZipException | java.io.EOFException e) {
                // A cut-short or damaged gzip stream: what came before it was read; nothing after it can be.
                unreadable.skipped(
                        index++, offset, "the file is truncated or its compression is damaged: " + e.getMessage());
            }
            return read;
        }

        /**
         * After '{': whether this opens {"Records":[ or {"Events":[ (consumed up to the '['); otherwise the bytes are
         * kept as a record.
         */
        private boolean wrapperDocument() throws IOException {
            record.reset();
            record.write('{');
            int b = next();
            while (blank(b)) {
                record.write(b);
                b = next();
            }
            if (b != '"') {
                if (b >= 0) unread(b);
                return false;
            }
            record.write(b);
            StringBuilder key = new StringBuilder();
            b = next();
            while (b >= 0 && b != '"' && b != '\\' && key.length() < 8) {
                record.write(b);
                key.append((char) b);
                b = next();
            }
            if (b != '"') {
                if (b >= 0) unread(b);
                return false;
            }
            record.write(b);
            if (!key.toString().equals("Records") && !key.toString().equals("Events")) return false;
            b = next();
            while (blank(b)) {
                record.write(b);
                b = next();
            }
            if (b != ':') {
                if (b >= 0) unread(b);
                return false;
            }
            record.write(b);
            b = next();
            while (blank(b)) {
                record.write(b);
                b = next();
            }
            if (b == '[') return true;
            if (b >= 0) unread(b);
            return false;
        }

        private static boolean blank(int b) {
            return b == ' ' || b == '\n' || b == '\r' || b == '\t';
        }

        /** The wrapper's fields after its list (lookup-events' NextToken): passed up to its '}', not held. */
        private void wrapperRest() throws IOException {
            Nesting n = new Nesting(1);
            int b;
            while (n.depth > 0 && (b = next()) >= 0) n.feed(b);
        }

        /** Records up to the closing ']'. */
        private void array() throws IOException {
            while (true) {
                int b = skipSpace();
                if (b < 0 || b == ']') return;
                if (b == '{') {
                    record.reset();
                    record.write('{');
                    object(offset - 1);
                } else {
                    element(b, offset - 1);
                }
            }
        }

        /**
         * A list element that is not an object (a string, a number, a nested list): passed up to the ',' or ']' that
         * ends it, keeping only its first bytes for the report.
         */
        private void element(int b, long start) throws IOException {
            StringBuilder head = new StringBuilder();
            Nesting n = new Nesting(0);
            while (b >= 0) {
                if (n.atTopLevel()) {
                    if (b == '}' || b == ']') {
                        unread(b);
                        break;
                    }
                    if (b == ',') break;
                }
                n.feed(b);
                if (head.length() < 60) head.append((char) b);
                b = next();
            }
            unreadable.skipped(
                    index++,
                    start,
                    "not a JSON object (not a JSON record): " + head.toString().strip());
        }

        /** Bytes where a record should start: skipped up to the next '{', reported once. */
        private void garbage(long start) throws IOException {
            int b;
            while ((b = next()) >= 0 && b != '{') {}
            unreadable.skipped(index++, start, "not a JSON object (not a JSON record)");
            if (b == '{') unread(b);
        }

        /** The rest of an object whose first bytes are in {@link #record}; parses it, or reports it. */
        private void object(long start) throws IOException {
            boolean tooLong = false;
            Nesting n = new Nesting(0);
            // Re-scan what recordsDocument() already took, to know the depth and string state.
            for (byte h : record.toByteArray()) n.feed(h & 0xff);
            while (n.depth > 0) {
                int b = next();
                if (b < 0) {
                    unreadable.skipped(index++, start, "the record is cut short (the file ends inside it)");
                    return;
                }
                if (!tooLong) {
                    if (record.size() >= MAX_RECORD_BYTES) {
                        tooLong = true;
                        record.reset();
                    } else {
                        record.write(b);
                    }
                }
                n.feed(b);
            }
            long at = index++;
            if (tooLong) {
                unreadable.skipped(at, start, "the record is longer than " + MAX_RECORD_BYTES + " bytes");
                return;
            }
            JsonNode node;
            try {
                node = JSON.readTree(record.toByteArray());
            } catch (IOException e) {
                unreadable.skipped(at, start, "not JSON: " + firstLine(e.getMessage()));
                return;
            }
            if (node == null || !node.isObject()) {
                unreadable.skipped(at, start, "not a JSON object");
                return;
            }
            String[] why = {null};
            JsonNode r = unwrap(node, w -> why[0] = w);
            if (r == null) {
                unreadable.skipped(at, start, why[0]);
                return;
            }
            sink.accept(r);
            read++;
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        String t = nl < 0 ? s : s.substring(0, nl);
        return t.length() > 200 ? t.substring(0, 200) : t;
    }

    /** Where a byte-by-byte scan of JSON text stands: how deep in objects and arrays, and whether inside a string. */
    private static final class Nesting {
        private int depth;
        private boolean inString;
        private boolean escaped;

        Nesting(int depth) {
            this.depth = depth;
        }

        /** Takes the next byte. */
        void feed(int b) {
            if (inString) {
                if (escaped) escaped = false;
                else if (b == '\\') escaped = true;
                else if (b == '"') inString = false;
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                depth--;
            }
        }

        /** Outside any string and any nested object or array: a ',', '}' or ']' here ends the enclosing value. */
        boolean atTopLevel() {
            return !inString && depth == 0;
        }
    }
}

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
 * Streams CloudTrail records out of files as AWS exports them: gzip or plain, a {@code {"Records":[...]}} document, a
 * JSON array of records, or JSON lines (one record per line). One record is in memory at a time, whatever the file's
 * size.
 */
public final class CloudTrailReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CloudTrailReader() { }

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
                            .sorted().forEach(out::add);
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

    /** Told about a record that could not be read, and so was skipped. */
    @FunctionalInterface
    public interface Unreadable {
        /**
         * @param index  the record's position among the file's records (readable or not), from 0
         * @param offset the byte offset where it starts in the (decompressed) file
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
        InputStream data = b1 == 0x1f && b2 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
        return new Splitter(data, sink, unreadable).run();
    }

    /** Cuts a CloudTrail file into records: a {"Records":[...]} document, a JSON array, or JSON lines. */
    private static final class Splitter {
        private static final byte[] RECORDS = "\"Records\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
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
                int b;
                while ((b = skipSpace()) >= 0) {
                    if (b == '[') {
                        array();
                    } else if (b == '{') {
                        long start = offset - 1;
                        if (recordsDocument()) {
                            array();
                            int end = skipSpace();
                            if (end != '}' && end >= 0) unread(end);
                        } else {
                            object(start, true);
                        }
                    } else {
                        garbage(offset - 1);
                    }
                }
            } catch (java.util.zip.ZipException | java.io.EOFException e) {
                // A cut-short or damaged gzip stream: what came before it was read; nothing after it can be.
                unreadable.skipped(index++, offset, "the file is truncated or its compression is damaged: " + e.getMessage());
            }
            return read;
        }

        /** After '{': whether this opens {"Records":[ (consumed up to the '['); otherwise the bytes are kept as a record. */
        private boolean recordsDocument() throws IOException {
            record.reset();
            record.write('{');
            int b = next();
            while (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                record.write(b);
                b = next();
            }
            for (int i = 0; i < RECORDS.length; i++) {
                if (b != RECORDS[i]) {
                    if (b >= 0) unread(b);
                    return false;
                }
                record.write(b);
                b = next();
            }
            while (b == ' ' || b == '\n' || b == '\r' || b == '\t' || b == ':') {
                record.write(b);
                if (b == ':') {
                    b = next();
                    while (b == ' ' || b == '\n' || b == '\r' || b == '\t') b = next();
                    if (b == '[') return true;
                    if (b >= 0) unread(b);
                    return false;
                }
                b = next();
            }
            if (b >= 0) unread(b);
            return false;
        }

        /** Records up to the closing ']'. */
        private void array() throws IOException {
            while (true) {
                int b = skipSpace();
                if (b < 0 || b == ']') return;
                if (b == '{') {
                    record.reset();
                    record.write('{');
                    object(offset - 1, false);
                } else {
                    garbage(offset - 1);
                }
            }
        }

        /** Bytes where a record should start: skipped up to the next '{', reported once. */
        private void garbage(long start) throws IOException {
            int b;
            while ((b = next()) >= 0 && b != '{') { }
            unreadable.skipped(index++, start, "not a JSON record");
            if (b == '{') unread(b);
        }

        /** The rest of an object whose first bytes are in {@link #record}; parses it, or reports it. */
        private void object(long start, boolean kept) throws IOException {
            int depth = 0;
            boolean inString = false;
            boolean escaped = false;
            boolean tooLong = false;
            byte[] head = record.toByteArray();
            // Re-scan what recordsDocument() already took, to know the depth and string state.
            for (byte h : head) {
                int c = h & 0xff;
                if (inString) {
                    if (escaped) escaped = false;
                    else if (c == '\\') escaped = true;
                    else if (c == '"') inString = false;
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                }
            }
            while (depth > 0) {
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
            sink.accept(node);
            read++;
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        String t = nl < 0 ? s : s.substring(0, nl);
        return t.length() > 200 ? t.substring(0, 200) : t;
    }
}

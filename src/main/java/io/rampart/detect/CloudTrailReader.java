package io.rampart.detect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * file's size.
 */
public final class CloudTrailReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

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

    /** Reads every record of {@code file} into {@code sink}; returns how many. */
    public static long read(Path file, Consumer<JsonNode> sink) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, sink);
        }
    }

    public static long read(InputStream raw, Consumer<JsonNode> sink) throws IOException {
        return read(raw, sink, reason -> { });
    }

    /**
     * Reads every record of {@code raw} into {@code sink}, and tells {@code skipped} why each element that is not a
     * record was left out (a non-object in a list, a {@code lookup-events} entry without a readable
     * {@code CloudTrailEvent}). Returns how many records went to {@code sink}.
     */
    public static long read(InputStream raw, Consumer<JsonNode> sink, Consumer<String> skipped) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        BufferedInputStream data = b1 == 0x1f && b2 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
        int first = firstNonBlank(data);
        if (first >= 0 && CsvExport.looksLikeCsv(first)) {
            return CsvExport.read(new java.io.InputStreamReader(data, java.nio.charset.StandardCharsets.UTF_8), sink, skipped);
        }
        long n = 0;
        try (JsonParser p = FACTORY.createParser(data)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.START_ARRAY) {
                    n += array(p, sink, skipped);
                } else if (t == JsonToken.START_OBJECT) {
                    n += object(p, sink, skipped);
                } else {
                    throw new IOException("not CloudTrail JSON: unexpected " + t + " at " + p.currentLocation());
                }
            }
        }
        return n;
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
    public static long readCompleteLines(Path file, Consumer<JsonNode> sink, Consumer<String> skipped) throws IOException {
        long end;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            end = ch.size();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            while (end > 0) {
                b.clear();
                ch.read(b, end - 1);
                if (b.get(0) == '\n') break;
                end--;
            }
        }
        long limit = end;
        try (InputStream in = Files.newInputStream(file)) {
            return read(new java.io.FilterInputStream(in) {
                long left = limit;

                @Override public int read() throws IOException {
                    if (left <= 0) return -1;
                    int c = super.read();
                    if (c >= 0) left--;
                    return c;
                }

                @Override public int read(byte[] b, int off, int len) throws IOException {
                    if (left <= 0) return -1;
                    int r = super.read(b, off, (int) Math.min(len, left));
                    if (r > 0) left -= r;
                    return r;
                }
            }, sink, skipped);
        }
    }

    private static long array(JsonParser p, Consumer<JsonNode> sink, Consumer<String> skipped) throws IOException {
        long n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            JsonNode e = JSON.readTree(p);
            if (t != JsonToken.START_OBJECT) {
                skipped.accept("not a JSON object: " + abbreviate(e.toString()));
                continue;
            }
            JsonNode r = unwrap(e, skipped);
            if (r != null) {
                sink.accept(r);
                n++;
            }
        }
        return n;
    }

    /**
     * An entry of {@code aws cloudtrail lookup-events} ({@code {"EventId":..,"CloudTrailEvent":"<json>"}}) becomes the
     * record in its CloudTrailEvent string; any other object is a record.
     */
    private static JsonNode unwrap(JsonNode e, Consumer<String> skipped) {
        JsonNode cte = e.get("CloudTrailEvent");
        if (cte == null) {
            if (e.has("EventId") && e.has("EventName") && !e.has("eventName")) {
                skipped.accept("lookup-events entry without CloudTrailEvent (EventId " + e.path("EventId").asText() + ")");
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
        skipped.accept("CloudTrailEvent is not a JSON object (EventId " + e.path("EventId").asText("?") + ")");
        return null;
    }

    /**
     * An object at the root: a {@code {"Records":[...]}} document or {@code lookup-events} output
     * ({@code {"Events":[...],"NextToken":..}}), whose list is streamed and whose other fields are the wrapper's; or one
     * record (JSON lines).
     */
    private static long object(JsonParser p, Consumer<JsonNode> sink, Consumer<String> skipped) throws IOException {
        ObjectNode record = null;
        boolean wrapper = false;
        long n = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (("Records".equals(name) || "Events".equals(name)) && v == JsonToken.START_ARRAY) {
                n += array(p, sink, skipped);
                wrapper = true;
                continue;
            }
            if (record == null) record = JSON.createObjectNode();
            record.set(name, JSON.readTree(p));
        }
        if (record != null && !wrapper) {
            JsonNode r = unwrap(record, skipped);
            if (r != null) {
                sink.accept(r);
                n++;
            }
        }
        return n;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }
}

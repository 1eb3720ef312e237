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
 * Streams CloudTrail records out of files as AWS exports them: gzip or plain, a {@code {"Records":[...]}} document, a
 * JSON array of records, or JSON lines (one record per line). One record is in memory at a time, whatever the file's
 * size.
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
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        InputStream data = b1 == 0x1f && b2 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
        long n = 0;
        try (JsonParser p = FACTORY.createParser(data)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.START_ARRAY) {
                    n += array(p, sink);
                } else if (t == JsonToken.START_OBJECT) {
                    n += object(p, sink);
                } else {
                    throw new IOException("not CloudTrail JSON: unexpected " + t + " at " + p.currentLocation());
                }
            }
        }
        return n;
    }

    private static long array(JsonParser p, Consumer<JsonNode> sink) throws IOException {
        long n = 0;
        while (p.nextToken() == JsonToken.START_OBJECT) {
            sink.accept(JSON.readTree(p));
            n++;
        }
        return n;
    }

    /** An object at the root: a {"Records":[...]} document (streamed), or one record (JSON lines). */
    private static long object(JsonParser p, Consumer<JsonNode> sink) throws IOException {
        ObjectNode record = null;
        long n = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (record == null && "Records".equals(name) && v == JsonToken.START_ARRAY) {
                n += array(p, sink);
                continue;
            }
            if (record == null) record = JSON.createObjectNode();
            record.set(name, JSON.readTree(p));
        }
        if (record != null) {
            sink.accept(record);
            n++;
        }
        return n;
    }
}

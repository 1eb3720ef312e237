package io.rampart.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

    void sealLogged(Path segmentFile) {
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
    void seal(Path segmentFile) throws IOException {
        synchronized (state) {
            sealLocked(segmentFile);
        }
    }

    private void sealLocked(Path segmentFile) throws IOException {
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
        if (options.fsync()) Durable.syncDirectory(segmentFile.getParent());
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

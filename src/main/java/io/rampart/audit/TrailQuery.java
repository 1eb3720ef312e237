package io.rampart.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the trail's records straight from its files (sealed log files, then the open segments, whose complete lines
 * are records too), so it works with the server stopped, and keeps those matching every given filter. A directory
 * several nodes write into yields every node's records, merged in event time order.
 *
 * @param principal matches userIdentity arn, userName or principalId
 * @param account   matches recipientAccountId (the account the record belongs to) or userIdentity.accountId (the
 *                  caller's): an account's own activity and what others did to its resources
 */
public record TrailQuery(
        Instant from,
        Instant to,
        String principal,
        String accessKey,
        String eventName,
        String bucket,
        String errorCode,
        String account) {

    /** Every record. */
    public static TrailQuery all() {
        return new TrailQuery(null, null, null, null, null, null, null, null);
    }

    public boolean matches(JsonNode r) {
        Instant t;
        try {
            t = Instant.parse(r.path("eventTime").asText());
        } catch (RuntimeException e) {
            return false;
        }
        if (from != null && t.isBefore(from)) return false;
        if (to != null && t.isAfter(to)) return false;
        JsonNode id = r.path("userIdentity");
        if (principal != null
                && !principal.equals(id.path("arn").asText())
                && !principal.equals(id.path("userName").asText())
                && !principal.equals(id.path("principalId").asText())) {
            return false;
        }
        if (accessKey != null && !accessKey.equals(id.path("accessKeyId").asText())) return false;
        if (account != null
                && !account.equals(r.path("recipientAccountId").asText())
                && !account.equals(id.path("accountId").asText())) {
            return false;
        }
        if (eventName != null && !eventName.equals(r.path("eventName").asText())) return false;
        if (bucket != null
                && !bucket.equals(r.path("requestParameters").path("bucketName").asText())) return false;
        return errorCode == null || errorCode.equals(r.path("errorCode").asText());
    }

    /** Every matching record, in event time order. */
    public List<JsonNode> run(TrailLayout layout) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        forEach(layout, r -> {
            if (matches(r)) out.add(r);
        });
        out.sort(Comparator.comparing(r -> r.path("eventTime").asText()));
        return out;
    }

    private static void forEach(TrailLayout layout, Consumer<JsonNode> sink) throws IOException {
        for (String object : layout.logFiles()) {
            JsonNode doc;
            try {
                doc = CloudTrailRecord.JSON.readTree(TrailLayout.gunzip(layout.resolve(object)));
            } catch (IOException e) {
                System.err.println("rampart: skipping unreadable trail file " + object + ": " + e.getMessage());
                continue;
            }
            doc.path("Records").forEach(sink);
        }
        // Every node's open segments, when several nodes write into the directory.
        List<Path> open = new ArrayList<>();
        for (Path segments : layout.segmentDirs()) {
            if (!Files.isDirectory(segments)) continue;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(segments, "*.jsonl")) {
                ds.forEach(open::add);
            }
        }
        open.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (Path p : open) {
            String text;
            try {
                text = Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                continue; // sealed and removed meanwhile: its records are in a log file read above or next time
            }
            int end = text.lastIndexOf('\n');
            if (end < 0) continue;
            for (String line : text.substring(0, end).split("\n")) {
                if (line.isEmpty()) continue;
                try {
                    sink.accept(CloudTrailRecord.JSON.readTree(line));
                } catch (IOException e) {
                    // a torn line is not a record
                }
            }
        }
    }
}

package io.rampart.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What the trail writer must remember across restarts, kept in {@code state.json} and replaced atomically: when the
 * trail began, the last digest (the next one chains to it), the sealed log files no digest covers yet, and a digest
 * prepared but perhaps not yet written (redone at start-up, so a crash between the two cannot break the chain), and a
 * chain break not yet recorded in a digest.
 */
final class TrailState {
    Instant created;
    /** s3Object, signature, hashValue, endTime; null before the first digest. */
    ObjectNode lastDigest;
    /** logFiles entries, as the next digest lists them. */
    ArrayNode pendingLogs = JsonNodeFactory.instance.arrayNode();
    /** s3Object, content (the uncompressed digest JSON), signature, stopped; null when none is in flight. */
    ObjectNode pendingDigest;
    /** Why this chain began after a break (the next digest records it as chainBreak); null otherwise. */
    ObjectNode chainBreak;

    /** The state of a trail that begins {@code now}. */
    static TrailState fresh(Instant now) {
        TrailState s = new TrailState();
        s.created = now;
        return s;
    }

    static TrailState load(Path file, Instant now) throws IOException {
        if (!Files.exists(file)) return fresh(now);
        TrailState s = new TrailState();
        JsonNode n = CloudTrailRecord.JSON.readTree(file.toFile());
        s.created = Instant.parse(n.path("created").asText(now.toString()));
        s.lastDigest = n.hasNonNull("lastDigest") ? (ObjectNode) n.get("lastDigest") : null;
        if (n.has("pendingLogs")) s.pendingLogs = (ArrayNode) n.get("pendingLogs");
        s.pendingDigest = n.hasNonNull("pendingDigest") ? (ObjectNode) n.get("pendingDigest") : null;
        s.chainBreak = n.hasNonNull("chainBreak") ? (ObjectNode) n.get("chainBreak") : null;
        return s;
    }

    /** Read-only view for a validator: empty when the file is absent or unreadable. */
    static TrailState peek(Path file) {
        try {
            return Files.exists(file) ? load(file, Instant.EPOCH) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    boolean pending(String s3Object) {
        for (JsonNode n : pendingLogs) {
            if (s3Object.equals(n.path("s3Object").asText())) return true;
        }
        return false;
    }

    void save(Path file) throws IOException {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("created", created.toString());
        n.set("lastDigest", lastDigest);
        n.set("pendingLogs", pendingLogs);
        n.set("pendingDigest", pendingDigest);
        if (chainBreak != null) n.set("chainBreak", chainBreak);
        Durable.write(
                file, CloudTrailRecord.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    }
}

package io.rampart.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One record as the trail writer puts it in a segment: its line (JSON, ending in a newline) and what a reader in the
 * same process needs of it, its tree, so the detector never parses a line the writer made. A request's record keeps
 * its facts and event id and builds the tree only when asked ({@link CloudTrailRecord#of}: the definition the streamed
 * line equals byte for byte, {@code StreamedRecordTest}); a record built as a tree keeps that tree (bounded in place,
 * the line is its serialised form). The facts are immutable, so the tree is the line's whatever thread builds it.
 * A request's record also answers most of its fields from the facts ({@link #values}), so a reader that needs only
 * those never builds the tree.
 */
public final class TrailLine {
    private final byte[] bytes;
    private final CloudTrailRecord records;
    private final RequestFacts facts;
    private final String eventId;
    /** Built by the one reader that asks (the detector's thread), at most once. */
    private JsonNode record;

    private TrailLine(byte[] bytes, CloudTrailRecord records, RequestFacts facts, String eventId, JsonNode record) {
        this.bytes = bytes;
        this.records = records;
        this.facts = facts;
        this.eventId = eventId;
        this.record = record;
    }

    /** A streamed record's line: its tree is {@code records.of(facts, eventId)}, built when asked. */
    static TrailLine streamed(byte[] line, CloudTrailRecord records, RequestFacts facts, String eventId) {
        return new TrailLine(line, records, facts, eventId, null);
    }

    /** A line serialised from {@code record} (already bounded: the line is exactly its bytes and a newline). */
    public static TrailLine of(byte[] line, JsonNode record) {
        return new TrailLine(line, null, null, null, record);
    }

    /** The line as written, newline included. Never modified. */
    public byte[] bytes() {
        return bytes;
    }

    /**
     * The values at a dotted path of the record (split at its dots), as a reader of its tree finds them (arrays
     * flattened, scalars as text, objects and nulls no values: {@code detect.RecordFields#values}), read from the
     * request's facts without building the tree; null when only the tree can say (a path to an object, an array or a
     * session context, or a line made from a tree). {@code RecordViewTest} holds the two to the same answers.
     */
    public List<String> values(String[] path) {
        return facts == null ? null : StreamedRecord.values(records, facts, eventId, path);
    }

    /** The record's tree, equal to what parsing {@link #bytes} gives (numbers aside: an int may be a long node). */
    public JsonNode record() {
        JsonNode r = record;
        if (r == null) {
            r = records.of(facts, eventId);
            record = r;
        }
        return r;
    }
}

package io.rampart.audit;

/** What the benchmarks of other packages need of {@link TrailLine}: a streamed line made afresh, its tree not built. */
public final class TrailLines {
    private TrailLines() {}

    /** A line as {@link CloudTrailRecord#line} hands it to the tailer; null when the facts do not stream. */
    public static TrailLine streamed(CloudTrailRecord records, RequestFacts f, String eventId) {
        byte[] line = StreamedRecord.write(records, f, eventId);
        return line == null ? null : TrailLine.streamed(line, records, f, eventId);
    }

    /** A fresh line of the same bytes and facts as {@code l} (its tree not built yet). */
    public static TrailLine again(byte[] bytes, CloudTrailRecord records, RequestFacts f, String eventId) {
        return TrailLine.streamed(bytes, records, f, eventId);
    }
}

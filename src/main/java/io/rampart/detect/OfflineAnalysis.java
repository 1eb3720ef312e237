package io.rampart.detect;

import io.rampart.audit.TrailLayout;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code rampart detect} over CloudTrail files exported from AWS (or a Rampart trail): reads every record of every
 * file, puts them in time order (CloudTrail delivers records in no specific order, within a file and across files;
 * {@link TimeOrder} sorts with bounded memory), runs the engine over them, takes no response, and returns the
 * findings. A record that cannot be used (not JSON, longer than {@link CloudTrailReader#MAX_RECORD_BYTES}, cut short,
 * not an object, a lookup-events entry without its event, no readable time) is skipped and reported through the
 * reader's one {@link CloudTrailReader.Unreadable} report: counted per reason, with the first few named by file and
 * position.
 */
public final class OfflineAnalysis {
    /** Examples of skipped records kept for the report. */
    public static final int SKIP_EXAMPLES = 10;

    /** Progress callback: files done, files total, records so far. */
    public interface Progress {
        Progress NONE = (done, total, records) -> {};

        void update(int filesDone, int filesTotal, long records);
    }

    /**
     * @param skipped      records left out, in all
     * @param skipReasons  how many per reason
     * @param skipExamples the first {@link #SKIP_EXAMPLES}, as "file#n: reason"
     */
    public record Result(
            List<Finding> findings,
            long records,
            int files,
            List<String> unreadable,
            long skipped,
            Map<String, Long> skipReasons,
            List<String> skipExamples,
            long millis) {}

    private OfflineAnalysis() {}

    public static Result run(List<Path> paths, List<Rule> rules, Progress progress) throws IOException {
        return run(CloudTrailReader.files(paths), Set.of(), rules, progress);
    }

    /**
     * A server's trail: its sealed log files and its open segments (the active file, read up to its last complete
     * line); a file sealed from a segment that is still there is read once, as the segment.
     */
    public static Result runTrail(TrailLayout layout, List<Rule> rules, Progress progress) throws IOException {
        List<Path> segments = new ArrayList<>();
        Set<String> segmentIds = new HashSet<>();
        // Every node's open segments, when several nodes write into the directory.
        for (Path dir : layout.segmentDirs()) {
            if (!Files.isDirectory(dir)) continue;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jsonl")) {
                for (Path p : ds) {
                    segments.add(p);
                    String n = p.getFileName().toString();
                    segmentIds.add(n.substring(n.indexOf('-') + 1, n.length() - ".jsonl".length()));
                }
            }
        }
        segments.sort(java.util.Comparator.comparing(p -> p.getFileName().toString()));
        List<Path> files = new ArrayList<>();
        Path logs = layout.root().resolve("AWSLogs");
        if (Files.isDirectory(logs)) {
            for (Path p : CloudTrailReader.files(List.of(logs))) {
                String n = p.getFileName().toString();
                String id = n.endsWith(".json.gz")
                        ? n.substring(n.lastIndexOf('_') + 1, n.length() - ".json.gz".length())
                        : "";
                if (!segmentIds.contains(id)) files.add(p);
            }
        }
        if (files.isEmpty() && segments.isEmpty())
            throw new java.nio.file.NoSuchFileException(layout.root() + " (no trail files)");
        files.addAll(segments);
        return run(files, Set.copyOf(segments), rules, progress);
    }

    private static Result run(List<Path> files, Set<Path> growing, List<Rule> rules, Progress progress)
            throws IOException {
        Map<String, Finding> findings = new LinkedHashMap<>();
        Detector detector = new Detector(rules, Detector.Responses.NONE, (f, isNew) -> findings.put(f.id(), f));
        List<String> unreadable = new ArrayList<>();
        Map<String, Long> reasons = new LinkedHashMap<>();
        List<String> examples = new ArrayList<>();
        long start = System.nanoTime();
        long[] records = {0};
        long[] skipped = {0};
        int done = 0;
        try (TimeOrder order = new TimeOrder()) {
            for (Path file : files) {
                long[] index = {0};
                java.util.function.Consumer<String> skip = reason -> {
                    skipped[0]++;
                    reasons.merge(kind(reason), 1L, Long::sum);
                    if (examples.size() < SKIP_EXAMPLES) examples.add(file + "#" + (index[0] + 1) + ": " + reason);
                };
                // The reader's skips (not JSON, over-long, cut short, no record in a lookup-events entry) carry the
                // record's position; the time checks below count positions alongside.
                CloudTrailReader.Unreadable unreadableRecord = (i, offset, reason) -> {
                    index[0] = i;
                    skip.accept(reason);
                    index[0] = i + 1;
                };
                java.util.function.Consumer<com.fasterxml.jackson.databind.JsonNode> sink = r -> {
                    long t = EventTimes.of(r);
                    if (t == EventTimes.MISSING || t == EventTimes.INVALID) {
                        skip.accept(EventTimes.reason(r, t));
                        index[0]++;
                        return;
                    }
                    index[0]++;
                    order.add(r, t);
                    if ((++records[0] & 0xFFFF) == 0) progress.update(0, files.size(), records[0]);
                };
                try {
                    if (growing.contains(file)) CloudTrailReader.readCompleteLines(file, sink, unreadableRecord);
                    else
                        try (var in = Files.newInputStream(file)) {
                            CloudTrailReader.read(in, sink, unreadableRecord);
                        }
                } catch (IOException | RuntimeException e) {
                    unreadable.add(file + ": " + e.getMessage());
                }
                progress.update(++done, files.size(), records[0]);
            }
            order.drain(detector::accept);
        }
        return new Result(
                List.copyOf(findings.values()),
                records[0],
                files.size(),
                unreadable,
                skipped[0],
                reasons,
                examples,
                (System.nanoTime() - start) / 1_000_000);
    }

    /** A reason without its particulars ("unreadable eventTime '…'" → "unreadable eventTime"), to count by. */
    static String kind(String reason) {
        int cut = reason.length();
        for (String sep : List.of(" '", " (", ":")) {
            int i = reason.indexOf(sep);
            if (i > 0 && i < cut) cut = i;
        }
        return reason.substring(0, cut);
    }
}

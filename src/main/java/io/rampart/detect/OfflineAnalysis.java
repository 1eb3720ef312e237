package io.rampart.detect;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rampart detect} over CloudTrail files exported from AWS (or a Rampart trail): streams every record of every
 * file through the engine, takes no response, and returns the findings. Memory holds one record at a time plus the
 * engine's windows and baselines. Files are read in path order (CloudTrail names them by time); records are used in
 * the order they come.
 */
public final class OfflineAnalysis {
    /** Progress callback: files done, files total, records so far. */
    public interface Progress {
        Progress NONE = (done, total, records) -> { };

        void update(int filesDone, int filesTotal, long records);
    }

    public record Result(List<Finding> findings, long records, int files, List<String> unreadable, long millis) { }

    private OfflineAnalysis() { }

    public static Result run(List<Path> paths, List<Rule> rules, Progress progress) throws IOException {
        List<Path> files = CloudTrailReader.files(paths);
        Map<String, Finding> findings = new LinkedHashMap<>();
        Detector detector = new Detector(rules, Detector.Responses.NONE, (f, isNew) -> findings.put(f.id(), f));
        List<String> unreadable = new ArrayList<>();
        long start = System.nanoTime();
        long[] records = {0};
        int done = 0;
        for (Path file : files) {
            try {
                CloudTrailReader.read(file, r -> {
                    detector.accept(r);
                    if ((++records[0] & 0xFFFF) == 0) progress.update(0, files.size(), records[0]);
                }, (i, offset, reason) -> unreadable.add(file + ": record " + i + " (byte " + offset + "): " + reason));
            } catch (IOException | RuntimeException e) {
                unreadable.add(file + ": " + e.getMessage());
            }
            progress.update(++done, files.size(), records[0]);
        }
        return new Result(List.copyOf(findings.values()), records[0], files.size(), unreadable,
                (System.nanoTime() - start) / 1_000_000);
    }
}

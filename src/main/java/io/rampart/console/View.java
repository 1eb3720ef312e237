package io.rampart.console;

import java.util.List;
import java.util.Map;

/** What the console's templates render: plain values, already decided (who may do what) and formatted. */
public final class View {
    private View() {}

    /** Every signed-in page: who is signed in, the CSRF token for its forms, which tab is active, a one-line notice. */
    public record Frame(
            String title,
            String active,
            String userArn,
            String accessKeyId,
            String csrf,
            String notice,
            boolean noticeIsError) {
        public Frame withNotice(String message, boolean error) {
            return new Frame(title, active, userArn, accessKeyId, csrf, message, error);
        }
    }

    /** A horizontal bar of an SVG chart: its label, value and length in pixels (at most 300). */
    public record Bar(String label, long value, int width, int y) {}

    public record Chart(String title, List<Bar> bars, int height) {
        public static Chart of(String title, Map<String, Long> values) {
            long max = values.values().stream().mapToLong(Long::longValue).max().orElse(0);
            List<Bar> bars = new java.util.ArrayList<>();
            int y = 0;
            for (Map.Entry<String, Long> e : values.entrySet()) {
                int w = max == 0 ? 0 : (int) Math.max(e.getValue() > 0 ? 2 : 0, e.getValue() * 300 / max);
                bars.add(new Bar(e.getKey(), e.getValue(), w, y));
                y += 22;
            }
            return new Chart(title, bars, Math.max(22, y));
        }
    }

    /** A bucket's protections as the overview shows them ("?" when the signed-in principal may not read one). */
    public record Posture(
            String bucket, String sseC, String versioning, String objectLock, String replication, String logging) {}

    public record Count(String label, long value) {}

    public record FindingRow(
            String id,
            String severity,
            String rule,
            String status,
            String principal,
            String accessKeyId,
            String bucket,
            String lastTime,
            long count) {}

    /** One trail record, flattened for a table or a timeline. */
    public record Event(
            String time,
            String eventName,
            String principal,
            String accessKeyId,
            String bucket,
            String key,
            String error,
            String sourceIp,
            String userAgent) {}

    public record Response(String time, String action, String target, String outcome, String detail) {}

    public record FindingDetail(
            FindingRow row,
            String description,
            String firstTime,
            List<Response> responses,
            List<Event> timeline,
            boolean canResolve,
            boolean open) {}

    public record BucketRow(String name, String created) {}

    public record ObjectRow(String key, String size, String lastModified) {}

    public record WindowRow(String key, String versionId, String size, String removedAt, String removedBy) {}

    public record VersionRow(
            String versionId,
            boolean latest,
            boolean deleteMarker,
            String size,
            String lastModified,
            String writer,
            String writerKey,
            String encryption) {}

    public record Listing(
            String bucket,
            String prefix,
            List<String> prefixes,
            List<ObjectRow> objects,
            List<WindowRow> window,
            boolean truncated) {}

    public record Versions(String bucket, String key, List<VersionRow> versions, boolean canRestore) {}

    /** The restore form as submitted (echoed back), and the dry-run plan when one was made. */
    public record RestoreForm(String bucket, String prefix, String mode, String value, String since) {}

    public record Plan(List<Count> counts, List<String> keys, long keysPlanned, boolean more) {}

    public record Job(
            String id,
            String state,
            String bucket,
            String prefix,
            boolean apply,
            String started,
            String finished,
            long keysDone,
            List<Count> counts,
            String error,
            boolean running) {}

    public record TrailForm(
            String from,
            String to,
            String principal,
            String accessKey,
            String eventName,
            String bucket,
            String key,
            String exportQuery) {}

    public record UserRow(String name, String arn, String created) {}

    public record KeyRow(
            String userName, String accessKeyId, String status, String age, String lastUsed, boolean canChange) {}

    public record Identities(List<UserRow> users, List<UserRow> roles, List<KeyRow> keys, List<List<String>> report) {}
}

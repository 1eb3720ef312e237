package io.rampart.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import java.io.IOException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks an undo-by-identity plan against the audit trail: the keys the trail says that identity wrote in the bucket
 * since the given time, next to the keys the plan found from the versions' recorded writers. A key only in the trail
 * means its version is gone (purged, or metadata out of step with the trail); a key only in the plan means a write the
 * trail does not show (written before the trail existed, or a trail that was tampered with): both deserve a look.
 */
public final class TrailCrossCheck {
    /** Successful S3 requests that write an object version or delete marker. */
    private static final Set<String> WRITES =
            Set.of("PutObject", "CopyObject", "CompleteMultipartUpload", "DeleteObject");

    private static final int MAX_LISTED = 20;

    /**
     * @param trailWrites  successful writes by the identity in the bucket (under the prefix) since the time
     * @param keysInTrail  distinct keys those writes touched
     * @param confirmed    keys both planned and in the trail
     * @param onlyInTrail  up to 20 keys the trail shows written but the plan did not find
     * @param notInTrail   up to 20 planned keys with no write in the trail
     */
    public record Result(
            long trailWrites,
            long keysInTrail,
            long confirmed,
            long onlyInTrailCount,
            List<String> onlyInTrail,
            long notInTrailCount,
            List<String> notInTrail) {}

    private TrailCrossCheck() {}

    public static Result check(TrailLayout layout, Restore.Request request, Restore.Undo undo, Set<String> plannedKeys)
            throws IOException {
        TrailQuery q = new TrailQuery(
                undo.since().truncatedTo(ChronoUnit.SECONDS),
                null,
                undo.principalArn(),
                undo.accessKeyId(),
                null,
                request.bucket(),
                null,
                null);
        long writes = 0;
        Set<String> trailKeys = new TreeSet<>();
        for (JsonNode r : q.run(layout)) {
            if (!WRITES.contains(r.path("eventName").asText()) || r.hasNonNull("errorCode")) continue;
            String key = r.path("requestParameters").path("key").asText(null);
            if (key == null || !key.startsWith(request.prefix())) continue;
            writes++;
            trailKeys.add(key);
        }
        List<String> onlyInTrail = new ArrayList<>();
        long onlyCount = 0;
        long confirmed = 0;
        for (String k : trailKeys) {
            if (plannedKeys.contains(k)) {
                confirmed++;
            } else {
                onlyCount++;
                if (onlyInTrail.size() < MAX_LISTED) onlyInTrail.add(k);
            }
        }
        List<String> notInTrail = new ArrayList<>();
        long notCount = 0;
        for (String k : new TreeSet<>(plannedKeys)) {
            if (trailKeys.contains(k)) continue;
            notCount++;
            if (notInTrail.size() < MAX_LISTED) notInTrail.add(k);
        }
        return new Result(writes, trailKeys.size(), confirmed, onlyCount, onlyInTrail, notCount, notInTrail);
    }
}

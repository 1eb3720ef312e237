package io.rampart.detect;

import java.time.Instant;
import java.util.List;

/**
 * What a rule found: who (principal ARN and access key), where (the bucket of the first event), when (first and last
 * matching event), how many events, and the request ids of the evidence (the trail records' requestID).
 */
public record Finding(String id, String ruleId, Severity severity, String principalArn, String accessKeyId,
                      String bucket, Instant firstTime, Instant lastTime, long count, List<String> evidence) {
    public Finding {
        evidence = List.copyOf(evidence);
    }
}

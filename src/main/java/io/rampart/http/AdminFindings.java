package io.rampart.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.detect.Finding;
import io.rampart.detect.FindingJson;
import io.rampart.detect.FindingsService;
import io.rampart.iam.Principal;
import io.rampart.s3.S3ErrorCode;
import io.rampart.s3.S3Exception;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The findings part of the admin API: {@code GET /_rampart/admin/findings[?status=OPEN|ARCHIVED|RESOLVED][&account=ID]},
 * {@code GET /_rampart/admin/findings/ID}, {@code POST /_rampart/admin/findings/ID/archive} and
 * {@code POST /_rampart/admin/findings/ID/resolve}. Answers JSON ({@link FindingJson}).
 */
final class AdminFindings {
    private AdminFindings() {}

    record Answer(ObjectNode body, String eventName, Map<String, String> params, boolean readOnly) {}

    static Answer handle(
            FindingsService findings, String method, String key, Map<String, String> query, Principal admin) {
        String rest = key.equals("admin/findings") ? "" : key.substring("admin/findings/".length());
        if (rest.isEmpty()) {
            if (!"GET".equals(method))
                throw new S3Exception(S3ErrorCode.METHOD_NOT_ALLOWED, "Use GET to list findings");
            Finding.Status status = null;
            String s = query.get("status");
            if (s != null && !s.isEmpty()) {
                try {
                    status = Finding.Status.valueOf(s.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "status must be OPEN, ARCHIVED or RESOLVED");
                }
            }
            String account = query.get("account");
            if (account != null && !account.matches("\\d{12}")) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "account must be a 12-digit account id");
            }
            ObjectNode body = FindingJson.JSON.createObjectNode();
            ArrayNode list = body.putArray("findings");
            for (Finding f : findings.list(status)) {
                if (account == null || account.equals(f.accountId())) list.add(FindingJson.of(f));
            }
            Map<String, String> params = new java.util.LinkedHashMap<>();
            if (status != null) params.put("status", status.name());
            if (account != null) params.put("account", account);
            return new Answer(body, "ListFindings", params, true);
        }
        String[] parts = rest.split("/", -1);
        String id = parts[0];
        if (parts.length == 1) {
            if (!"GET".equals(method))
                throw new S3Exception(S3ErrorCode.METHOD_NOT_ALLOWED, "Use GET to show a finding");
            return new Answer(
                    FindingJson.of(found(findings.find(id), id)), "GetFinding", Map.of("findingId", id), true);
        }
        if (parts.length != 2 || !(parts[1].equals("archive") || parts[1].equals("resolve"))) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Unknown admin resource /_rampart/" + key);
        }
        if (!"POST".equals(method))
            throw new S3Exception(S3ErrorCode.METHOD_NOT_ALLOWED, "Use POST to " + parts[1] + " a finding");
        Optional<Finding> f =
                parts[1].equals("archive") ? findings.archive(id, admin.arn()) : findings.resolve(id, admin.arn());
        return new Answer(
                FindingJson.of(found(f, id)),
                parts[1].equals("archive") ? "ArchiveFinding" : "ResolveFinding",
                Map.of("findingId", id),
                false);
    }

    private static Finding found(Optional<Finding> f, String id) {
        return f.orElseThrow(() -> new S3Exception(S3ErrorCode.NO_SUCH_KEY, "No finding with id " + id));
    }
}

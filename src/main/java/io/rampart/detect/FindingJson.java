package io.rampart.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A finding as JSON: the admin API's, the webhook's, the trail's and {@code detect --format json}'s shape. */
public final class FindingJson {
    public static final ObjectMapper JSON = new ObjectMapper();

    private FindingJson() {}

    public static ObjectNode of(Finding f) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", f.id());
        n.put("rule", f.ruleId());
        n.put("severity", f.severity().name());
        n.put("description", f.description());
        n.put("status", f.status().name());
        n.put("principal", f.principalArn());
        n.put("accountId", f.accountId());
        n.put("accessKeyId", f.accessKeyId());
        n.put("bucket", f.bucket());
        n.put("firstTime", f.firstTime().toString());
        n.put("lastTime", f.lastTime().toString());
        n.put("count", f.count());
        ArrayNode ev = n.putArray("evidence");
        f.evidence().forEach(ev::add);
        ArrayNode rs = n.putArray("responses");
        for (Finding.ResponseTaken r : f.responses()) {
            ObjectNode o = rs.addObject();
            o.put("action", r.action());
            o.put("target", r.target());
            o.put("outcome", r.outcome());
            o.put("time", r.time().toString());
            if (r.detail() != null) o.put("detail", r.detail());
        }
        return n;
    }

    public static Finding parse(JsonNode n) {
        List<String> ev = new ArrayList<>();
        n.path("evidence").forEach(e -> ev.add(e.asText()));
        List<Finding.ResponseTaken> rs = new ArrayList<>();
        for (JsonNode o : n.path("responses")) {
            rs.add(new Finding.ResponseTaken(
                    o.path("action").asText(),
                    text(o, "target"),
                    o.path("outcome").asText(),
                    Instant.parse(o.path("time").asText()),
                    text(o, "detail")));
        }
        return new Finding(
                n.path("id").asText(),
                n.path("rule").asText(),
                Severity.valueOf(n.path("severity").asText()),
                text(n, "description"),
                text(n, "principal"),
                text(n, "accessKeyId"),
                text(n, "bucket"),
                Instant.parse(n.path("firstTime").asText()),
                Instant.parse(n.path("lastTime").asText()),
                n.path("count").asLong(),
                ev,
                Finding.Status.valueOf(n.path("status").asText("OPEN")),
                rs);
    }

    private static String text(JsonNode n, String f) {
        JsonNode v = n.get(f);
        return v == null || v.isNull() ? null : v.asText();
    }
}

package io.rampart.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.storage.Database;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The owner's offline actions ({@code rampart admin} on the data directory) on their way to the audit trail. The trail
 * has one writer, the server's: the command records each action durably in the {@code admin_actions} table, and the
 * server drains the table into the trail as CloudTrail records (at start-up, then every second while it runs), marking
 * each row drained so it is written once. The row's sequence number gives the record a stable {@code eventID}: a crash
 * between the trail's write and the mark repeats the record with the same id, never loses it.
 */
public final class AdminActions {
    /** The records' eventSource: not an AWS service, Rampart's own break-glass command. */
    public static final String EVENT_SOURCE = "rampart.admin";

    public static final String USER_AGENT = "rampart-admin-cli";
    /** The agent of what the server itself does as the root at start-up (the admin key it stores). */
    public static final String SERVER_START = "rampart-server-start";

    /** One recorded action: what was asked ({@code request}) and what it changed ({@code response}; never a secret). */
    public record Action(
            long seq,
            Instant time,
            String account,
            String eventName,
            boolean readOnly,
            Map<String, String> request,
            Map<String, String> response,
            String osUser,
            String host,
            String error,
            String agent) {}

    private final Database db;

    public AdminActions(Database db) throws SQLException {
        this.db = db;
    }

    /**
     * Records an action durably (returns once committed), with who ran it on which machine. {@code error} is null for
     * an action that succeeded.
     */
    public void record(
            String account,
            String eventName,
            boolean readOnly,
            Map<String, String> request,
            Map<String, String> response,
            String error) {
        record(USER_AGENT, account, eventName, readOnly, request, response, error);
    }

    /** The same, done by {@code agent} (the record's userAgent and invokedBy). */
    public void record(
            String agent,
            String account,
            String eventName,
            boolean readOnly,
            Map<String, String> request,
            Map<String, String> response,
            String error) {
        String req = json(request);
        String resp = json(response);
        String osUser = System.getProperty("user.name");
        String host = hostName();
        db.write(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO admin_actions(time, account, event_name, read_only, "
                            + "request, response, os_user, host, error, agent) VALUES(?,?,?,?,?,?,?,?,?,?)")) {
                ps.setLong(1, System.currentTimeMillis());
                ps.setString(2, account);
                ps.setString(3, eventName);
                ps.setInt(4, readOnly ? 1 : 0);
                ps.setString(5, req);
                ps.setString(6, resp);
                ps.setString(7, osUser);
                ps.setString(8, host);
                ps.setString(9, error);
                ps.setString(10, agent);
                return ps.executeUpdate();
            }
        });
    }

    /** Actions not yet in the trail, oldest first. */
    public List<Action> pending() {
        return db.read(c -> {
            List<Action> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                            "SELECT seq, time, account, event_name, read_only, request, response, "
                                    + "os_user, host, error, agent FROM admin_actions WHERE drained = 0 ORDER BY seq LIMIT 1000");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Action(
                            rs.getLong(1),
                            Instant.ofEpochMilli(rs.getLong(2)),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getInt(5) != 0,
                            map(rs.getString(6)),
                            map(rs.getString(7)),
                            rs.getString(8),
                            rs.getString(9),
                            rs.getString(10),
                            rs.getString(11)));
                }
            }
            return out;
        });
    }

    /**
     * Writes every pending action to the trail (durably) and marks it drained; {@code onDrained} sees the actions first
     * (the server drops what it cached about identities the owner just changed). Returns how many were drained.
     */
    public int drain(TrailWriter trail, String region, Consumer<List<Action>> onDrained) {
        int total = 0;
        while (true) {
            List<Action> batch = pending();
            if (batch.isEmpty()) return total;
            onDrained.accept(batch);
            for (Action a : batch) trail.append(record(a, region), true);
            long last = batch.get(batch.size() - 1).seq();
            db.write(c -> {
                try (PreparedStatement ps =
                        c.prepareStatement("UPDATE admin_actions SET drained = 1 WHERE drained = 0 AND seq <= ?")) {
                    ps.setLong(1, last);
                    return ps.executeUpdate();
                }
            });
            total += batch.size();
        }
    }

    /**
     * The CloudTrail record of an offline action: made by the account's root ({@code userIdentity.type Root}, as
     * CloudTrail shows the root user), from {@code localhost}, eventSource {@value #EVENT_SOURCE}, the machine and OS
     * user that ran the command under {@code additionalEventData}.
     */
    public static ObjectNode record(Action a, String region) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("eventVersion", CloudTrailRecord.EVENT_VERSION);
        ObjectNode id = r.putObject("userIdentity");
        id.put("type", "Root");
        id.put("principalId", a.account());
        id.put("arn", "arn:aws:iam::" + a.account() + ":root");
        id.put("accountId", a.account());
        id.put("invokedBy", a.agent());
        r.put("eventTime", CloudTrailRecord.EVENT_TIME.format(a.time()));
        r.put("eventSource", EVENT_SOURCE);
        r.put("eventName", a.eventName());
        r.put("awsRegion", region);
        r.put("sourceIPAddress", "localhost");
        r.put("userAgent", a.agent());
        if (a.error() != null) {
            r.put("errorCode", "Failed");
            r.put("errorMessage", a.error());
        }
        ObjectNode params = r.putObject("requestParameters");
        a.request().forEach(params::put);
        if (a.response().isEmpty()) {
            r.putNull("responseElements");
        } else {
            ObjectNode resp = r.putObject("responseElements");
            a.response().forEach(resp::put);
        }
        ObjectNode extra = r.putObject("additionalEventData");
        extra.put("offline", USER_AGENT.equals(a.agent()));
        if (a.osUser() != null) extra.put("osUser", a.osUser());
        if (a.host() != null) extra.put("host", a.host());
        extra.put("adminActionSeq", a.seq());
        String stable = "rampart-admin-action:" + a.account() + ":" + a.seq() + ":"
                + a.time().toEpochMilli();
        String eventId =
                UUID.nameUUIDFromBytes(stable.getBytes(StandardCharsets.UTF_8)).toString();
        r.put("requestID", eventId.replace("-", "").substring(0, 16).toUpperCase(java.util.Locale.ROOT));
        r.put("eventID", eventId);
        r.put("readOnly", a.readOnly());
        r.put("eventType", "AwsApiCall");
        r.put("managementEvent", true);
        r.put("recipientAccountId", a.account());
        r.put("eventCategory", "Management");
        return r;
    }

    private static String json(Map<String, String> m) {
        try {
            return CloudTrailRecord.JSON.writeValueAsString(m == null ? Map.of() : m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A row's parameters; one that cannot be read still reaches the trail (as "unreadable") rather than stall the drain. */
    private static Map<String, String> map(String json) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        try {
            JsonNode n = CloudTrailRecord.JSON.readTree(json == null ? "{}" : json);
            n.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        } catch (JsonProcessingException e) {
            out.put("unreadable", json.length() > 200 ? json.substring(0, 200) + "..." : json);
        }
        return out;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return null;
        }
    }
}

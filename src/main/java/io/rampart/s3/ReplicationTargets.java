package io.rampart.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Remote replication destinations the operator configured, by destination bucket name: the endpoint, region and the
 * credentials the server uses to write there. They come from a file (never the requester, never the command line, so
 * secrets do not show in {@code ps}). A destination ARN naming a bucket listed here replicates to that endpoint; any
 * other name must be a bucket on this server.
 *
 * <pre>{@code
 * {
 *   "backup-photos": {"endpoint": "https://backup.example:9000", "region": "us-east-1",
 *                     "accessKeyId": "AKIA...", "secretAccessKey": "...", "pathStyle": true,
 *                     "account": "123456789012"}
 * }
 * }</pre>
 */
public final class ReplicationTargets {
    /**
     * One remote destination. The secret never appears in {@link #toString()}. {@code account}: when set, only buckets
     * of that account may replicate here (on a server shared by several accounts, one tenant's rules must not write
     * into the copy kept for another).
     */
    public record Target(
            String bucket,
            URI endpoint,
            String region,
            String accessKeyId,
            String secretAccessKey,
            boolean pathStyle,
            String account) {
        public boolean allows(String sourceAccount) {
            return account == null || account.equals(sourceAccount);
        }

        @Override
        public String toString() {
            return "Target[" + bucket + " at " + endpoint + " (" + region + "), key " + accessKeyId + "]";
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Target> targets;

    public ReplicationTargets(Map<String, Target> targets) {
        this.targets = Map.copyOf(targets);
    }

    public static ReplicationTargets none() {
        return new ReplicationTargets(Map.of());
    }

    /** Reads the targets file; every problem names the file and the entry, never a secret. */
    public static ReplicationTargets load(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(
                    file + ": not valid JSON (line " + e.getLocation().getLineNr() + ")");
        }
        if (root == null || !root.isObject())
            throw new IllegalArgumentException(file + ": expected a JSON object of bucket name to target");
        Map<String, Target> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            JsonNode t = e.getValue();
            String where = file + ": target \"" + e.getKey() + "\"";
            if (!t.isObject()) throw new IllegalArgumentException(where + " must be an object");
            URI endpoint;
            try {
                endpoint = URI.create(required(t, "endpoint", where));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(where + ": endpoint is not a URL");
            }
            if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())) {
                throw new IllegalArgumentException(where + ": endpoint must be an http:// or https:// URL");
            }
            out.put(
                    e.getKey(),
                    new Target(
                            e.getKey(),
                            endpoint,
                            t.path("region").asText("us-east-1"),
                            required(t, "accessKeyId", where),
                            required(t, "secretAccessKey", where),
                            t.path("pathStyle").asBoolean(true),
                            t.hasNonNull("account") ? t.get("account").asText() : null));
        }
        return new ReplicationTargets(out);
    }

    private static String required(JsonNode t, String field, String where) {
        JsonNode v = t.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank())
            throw new IllegalArgumentException(where + ": \"" + field + "\" is required");
        return v.asText();
    }

    public Optional<Target> forBucket(String bucket) {
        return Optional.ofNullable(targets.get(bucket));
    }

    public int size() {
        return targets.size();
    }
}

package io.rampart.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.recovery.RestoreTime;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * {@code rampart restore}: plans (dry run, the default) or applies a point-in-time restore or an undo-by-identity
 * through a server's admin API, printing per-key actions and totals.
 */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Make a bucket (or prefix) look as it did at TIME (--to), or undo what one principal or access key wrote "
                    + "since TIME (--undo-principal / --undo-access-key with --since), or bring back what was deleted "
                    + "(--deleted [--since TIME]). Later writes by others stay current. Versions and the server's "
                    + "recovery window are drawn on alike, in versioned, suspended and unversioned buckets.",
            "Dry run by default: prints what would happen per key and the totals. --apply promotes the old versions "
                    + "server-side (no data is decrypted or copied, SSE-C versions included); re-running is safe: "
                    + "keys already restored are reported ALREADY_CURRENT and get no new version.",
            "Needs the account's admin credentials: --access-key/--secret-key, else AWS_ACCESS_KEY_ID/"
                    + "AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, else AWS_PROFILE (or the default profile).",
            "TIME: ISO-8601 (2026-11-28T21:00:00Z) or relative to now (-15m, -2h, -1d)."
        },
        footer = {"", "Example: rampart restore --bucket photos --undo-access-key AKIA... --since -2h --apply"})
final class RestoreCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    ServerConnection connection;

    @Option(names = "--bucket", required = true, description = "Bucket to restore.")
    String bucket;

    @Option(names = "--prefix", description = "Only keys under this prefix.")
    String prefix;

    @Option(names = "--to", paramLabel = "TIME", description = "Restore every key to how it was at TIME.")
    String to;

    @Option(
            names = "--undo-principal",
            paramLabel = "ARN",
            description = "Undo what this principal wrote since --since.")
    String undoPrincipal;

    @Option(
            names = "--undo-access-key",
            paramLabel = "AKID",
            description = "Undo what this access key wrote since --since.")
    String undoAccessKey;

    @Option(
            names = "--deleted",
            description = "Bring back keys deleted (or expired) since --since (default: all the "
                    + "recovery window and the versions still hold), in versioned and unversioned buckets alike.")
    boolean deleted;

    @Option(
            names = "--since",
            paramLabel = "TIME",
            description = "Start of the writes to undo (or of the deletes, with --deleted).")
    String since;

    @Option(
            names = "--remove-new",
            description = "Hide keys that did not exist at the target time (adds a delete marker).")
    boolean removeNew;

    @Option(names = "--apply", description = "Execute the plan (default: dry run, nothing changes).")
    boolean apply;

    @Option(names = "--json", description = "Print the server's JSON lines (one per key, then {\"summary\":...}).")
    boolean json;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "Print at most N per-key lines (totals are always complete).")
    Long limit;

    /** A failure to report as one line and exit 1. */
    private static final class Failure extends Exception {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        byte[] body;
        URI uri;
        AwsCredentials credentials;
        try {
            body = requestBody();
            uri = adminUri();
            credentials = credentials();
        } catch (IllegalArgumentException e) {
            err.println("rampart restore: " + e.getMessage());
            return 2;
        }
        try {
            return run(uri, credentials, body, out, err);
        } catch (Failure e) {
            err.println("rampart restore: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private byte[] requestBody() {
        int modes = (to != null ? 1 : 0)
                + (undoPrincipal != null ? 1 : 0)
                + (undoAccessKey != null ? 1 : 0)
                + (deleted ? 1 : 0);
        if (modes != 1) {
            throw new IllegalArgumentException(
                    "give exactly one of --to, --undo-principal, --undo-access-key and --deleted");
        }
        if (to != null && since != null)
            throw new IllegalArgumentException("--since goes with --undo-principal/--undo-access-key, not --to");
        if (to == null && !deleted && since == null)
            throw new IllegalArgumentException("--undo-principal/--undo-access-key need --since TIME");
        if (limit != null && limit < 0) throw new IllegalArgumentException("--limit must not be negative");
        Instant now = Instant.now();
        ObjectNode n = JSON.createObjectNode();
        n.put("bucket", bucket);
        if (prefix != null) n.put("prefix", prefix);
        // Relative times are resolved here, against the operator's clock, so "--since -2h" means what they see.
        if (to != null) n.put("to", RestoreTime.parse(to, now).toString());
        if (undoPrincipal != null) n.put("undoPrincipal", undoPrincipal);
        if (undoAccessKey != null) n.put("undoAccessKey", undoAccessKey);
        if (deleted) n.put("deleted", true);
        if (since != null) n.put("since", RestoreTime.parse(since, now).toString());
        n.put("removeNew", removeNew);
        n.put("apply", apply);
        if (limit != null) n.put("limit", limit);
        try {
            return JSON.writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private URI adminUri() {
        return URI.create(connection.endpointUri() + "/_rampart/admin/restore");
    }

    private AwsCredentials credentials() {
        return connection.credentials().resolveCredentials();
    }

    /** Signs the POST with the SDK's SigV4 signer (service "s3", payload hashed) and sends it with java.net.http. */
    private HttpRequest signedRequest(URI uri, AwsCredentials credentials, byte[] body) {
        SdkHttpRequest unsigned = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(uri)
                .putHeader("Content-Type", "application/json")
                .build();
        return AdminSigning.forJavaHttp(
                AdminSigning.sign(unsigned, body, credentials, connection.region),
                uri,
                "POST",
                body,
                Duration.ofHours(12));
    }

    private int run(URI uri, AwsCredentials credentials, byte[] body, PrintWriter out, PrintWriter err) throws Failure {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(signedRequest(uri, credentials, body), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new Failure("cannot reach " + connection.endpoint + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        }
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                String text = String.join("\n", lines.toList());
                throw new Failure(errorLine(response.statusCode(), text));
            }
            Progress progress = new Progress(err, io.rampart.guard.Progress.interactive() && !json);
            if (!json) out.printf("%-16s %-32s %-32s %s%n", "ACTION", "CURRENT VERSION", "TARGET VERSION", "KEY");
            JsonNode summary = null;
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (line.isBlank()) continue;
                JsonNode n = parse(line);
                if (n.has("error") && !n.has("key")) {
                    progress.done();
                    throw new Failure(n.path("error").path("code").asText("Error") + ": "
                            + n.path("error").path("message").asText("")
                            + " (after some keys were processed; run again to finish)");
                }
                if (json) out.println(line);
                if (n.has("summary")) {
                    summary = n.get("summary");
                    continue;
                }
                progress.key(n.path("action").asText());
                if (!json) {
                    out.printf(
                            "%-16s %-32s %-32s %s%n",
                            n.path("action").asText(),
                            n.path("currentVersionId").asText("-"),
                            n.path("targetVersionId").asText("-"),
                            n.path("key").asText());
                    if (n.has("error"))
                        out.println("                 error: " + n.path("error").asText());
                }
            }
            progress.done();
            if (summary == null)
                throw new Failure("the server ended the response without a summary; run again to finish");
            if (!json) printSummary(out, summary);
            long failed = summary.path("failed").asLong();
            if (failed > 0) {
                err.println("rampart restore: " + failed + " key(s) failed; run the same command again to retry them");
                return 1;
            }
            return 0;
        } catch (java.io.UncheckedIOException e) {
            throw new Failure("the connection broke during the restore (" + e.getCause() + "); run again to finish");
        }
    }

    private static JsonNode parse(String line) throws Failure {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new Failure(
                    "unexpected response line: " + (line.length() > 200 ? line.substring(0, 200) + "..." : line));
        }
    }

    private static String errorLine(int status, String text) {
        try {
            JsonNode e = JSON.readTree(text).path("error");
            if (e.has("code"))
                return e.path("code").asText() + ": " + e.path("message").asText() + " (HTTP " + status + ")";
        } catch (IOException ignored) {
            // not the admin API's JSON (an S3 error document or a proxy's page): show it as it is
        }
        String t = text.replaceAll("\\s+", " ").trim();
        return "HTTP " + status + (t.isEmpty() ? "" : ": " + (t.length() > 300 ? t.substring(0, 300) + "..." : t));
    }

    private static void printSummary(PrintWriter out, JsonNode s) {
        boolean applied = s.path("applied").asBoolean();
        out.println();
        if (!applied) out.println("Dry run: nothing was changed. Add --apply to execute this plan.");
        long omitted = s.path("linesOmitted").asLong();
        if (omitted > 0) out.println("(" + omitted + " per-key lines not shown: --limit)");
        List<String[]> rows = List.of(
                new String[] {applied ? "restored" : "to restore", "restore"},
                new String[] {"already-current", "alreadyCurrent"},
                new String[] {applied ? "removed-new" : "to remove (new)", "removeNew"},
                new String[] {"skipped-new", "skipNew"},
                new String[] {"skipped-locked", "skippedLocked"},
                new String[] {"failed", "failed"});
        out.printf("%-18s %d%n", "keys scanned", s.path("keysScanned").asLong());
        for (String[] r : rows) out.printf("%-18s %d%n", r[0], s.path(r[1]).asLong());
        out.printf("%-18s %.3f s%n", "time", s.path("millis").asLong() / 1000.0);
        JsonNode t = s.path("trail");
        if (t.isObject()) {
            out.println();
            out.printf(
                    "audit trail: %d writes by this identity on %d keys; %d keys confirmed%n",
                    t.path("writes").asLong(),
                    t.path("keysInTrail").asLong(),
                    t.path("confirmed").asLong());
            if (t.path("onlyInTrail").asLong() > 0) {
                out.printf(
                        "  %d keys written per the trail have no such version left (purged?): %s%n",
                        t.path("onlyInTrail").asLong(), t.path("onlyInTrailKeys"));
            }
            if (t.path("notInTrail").asLong() > 0) {
                out.printf(
                        "  %d planned keys have no matching write in the trail (older than the trail, or tampered?): %s%n",
                        t.path("notInTrail").asLong(), t.path("notInTrailKeys"));
            }
        }
    }

    /** A one-line progress counter on stderr, only on a terminal. */
    private static final class Progress {
        private final PrintWriter err;
        private final boolean on;
        private long keys;
        private long restored;
        private long last;

        Progress(PrintWriter err, boolean on) {
            this.err = err;
            this.on = on;
        }

        void key(String action) {
            keys++;
            if ("RESTORE".equals(action) || "REMOVE_NEW".equals(action)) restored++;
            long now = System.nanoTime();
            if (on && now - last > 200_000_000L) {
                last = now;
                err.print("\rrestore: " + keys + " keys, " + restored + " to change/changed ");
                err.flush();
            }
        }

        void done() {
            if (on && last != 0) {
                err.print("\r" + " ".repeat(60) + "\r");
                err.flush();
            }
        }
    }
}

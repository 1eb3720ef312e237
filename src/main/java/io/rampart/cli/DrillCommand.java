package io.rampart.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * {@code rampart drill}: replays the credential-theft ransomware attack (in-place SSE-C re-encryption, a 7-day
 * expiration rule, a ransom note) inside a fresh sandbox bucket and reports whether it was blocked or contained and
 * whether every original version is still recoverable.
 */
@Command(
        name = "drill",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        exitCodeOnInvalidInput = 1,
        description = {
            "Replay the SSE-C ransomware attack against an S3 endpoint (Rampart, or another S3), inside a new sandbox "
                    + "bucket rampart-drill-<yyyymmdd-hhmmss>-<4 chars> (versioned): seed N objects; then, as the "
                    + "attacker, CopyObject each onto itself with a random SSE-C key, set a 7-day expiration rule and "
                    + "upload " + Drill.RANSOM_NOTE_KEY + "; then report blocked or contained (after how many writes, "
                    + "how fast), whether a finding was raised and the attacker's key disabled, and whether every "
                    + "original version is still intact.",
            "On Rampart the attacker is a new IAM user whose inline policy allows s3:* on the sandbox bucket only. "
                    + "Elsewhere: --attacker-access-key/--attacker-secret-key, else your own credentials.",
            "Touches nothing outside its sandbox bucket (and the attacker user); removes both afterwards unless --keep.",
            "Needs admin credentials: --access-key/--secret-key, else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/"
                    + "AWS_SESSION_TOKEN, else AWS_PROFILE (or the default profile).",
            "--scenario replays other shapes of the attack, each in its own sandbox: put (GetObject + PutObject with "
                    + "SSE-C), multipart (an SSE-C multipart upload over each key), sts (the attacker holds an AssumeRole "
                    + "session), evasion (the attacker first suspends versioning and unblocks SSE-C), unversioned (in-place "
                    + "copies and deletes on a never-versioned bucket), copy (the default), or all.",
            "On Rampart the drill then runs the restore it prints (undo the attacker's key since the drill's start) and "
                    + "counts as lost every object that is not byte-identical to its original afterwards.",
            "--endpoint takes a comma-separated list of the nodes of one cluster: the drill sets up, verifies and "
                    + "restores through the first, and sends the attacker's requests to each in turn (round robin).",
            "Exit codes: 0 blocked, or contained with 0 objects lost (every scenario); 2 not contained or data lost; "
                    + "1 usage or connection error."
        },
        footer = {"", "Example: rampart drill --allow-sse-c --scenario all"})
final class DrillCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Mixin
    ServerConnection connection;

    @Option(
            names = "--objects",
            paramLabel = "N",
            defaultValue = "20",
            description = "Objects to seed and attack (default: ${DEFAULT-VALUE}).")
    int objects;

    @Option(
            names = "--allow-sse-c",
            description = "Allow SSE-C on the sandbox bucket (BlockedEncryptionTypes NONE), as an "
                    + "operator who allowed it would; without it the bucket keeps the server's default.")
    boolean allowSseC;

    @Option(
            names = "--scenario",
            paramLabel = "NAME",
            defaultValue = "copy",
            description = "copy, put, multipart, sts, "
                    + "evasion, unversioned, or all; a comma-separated list runs several (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Option(
            names = "--keep",
            description = "Keep the sandbox bucket and the attacker user, and print the restore command.")
    boolean keep;

    @Option(names = "--json", description = "Print one JSON summary instead of the report.")
    boolean json;

    @Option(
            names = "--insecure",
            description = "Trust any TLS certificate (a self-signed one); loopback endpoints only.")
    boolean insecure;

    @Option(
            names = "--attacker-access-key",
            paramLabel = "AKID",
            description = "The attacker's key on a non-Rampart endpoint.")
    String attackerAccessKey;

    @Option(
            names = "--attacker-secret-key",
            paramLabel = "SECRET",
            description = "The attacker's secret on a non-Rampart endpoint.")
    String attackerSecretKey;

    @Option(
            names = "--i-understand-this-simulates-an-attack",
            description = "Required for an endpoint that is not on this machine (loopback).")
    boolean understood;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Drill.Options options;
            try {
                options = options();
            } catch (IllegalArgumentException e) {
                err.println("rampart drill: " + e.getMessage());
                return 1;
            }
            List<Drill.Scenario> scenarios;
            try {
                scenarios = Drill.Scenario.parse(scenario);
            } catch (IllegalArgumentException e) {
                err.println("rampart drill: " + e.getMessage());
                return 1;
            }
            try (SdkHttpClient http = httpClient()) {
                List<DrillReport> reports = new ArrayList<>();
                for (Drill.Scenario sc : scenarios) {
                    if (!json && scenarios.size() > 1) err.println("drill: === scenario " + sc.id() + " ===");
                    DrillReport report = new Drill(options.withScenario(sc), http, json ? null : err).run();
                    reports.add(report);
                    if (!json) print(report, out);
                    if (!report.cleanupFailures.isEmpty()) {
                        err.println("rampart drill: clean-up incomplete (" + sc.id() + "): "
                                + String.join("; ", report.cleanupFailures));
                    }
                }
                int exit = 0;
                for (DrillReport r : reports) exit = Math.max(exit, r.exitCode());
                if (json) out.println(JSON.writeValueAsString(toJson(reports, exit)));
                else if (reports.size() > 1) printSummary(reports, out);
                return exit;
            } catch (Drill.Failure e) {
                err.println("rampart drill: " + e.getMessage());
                return 1;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } finally {
            out.flush();
            err.flush();
        }
    }

    private Drill.Options options() {
        List<URI> endpoints = connection.endpointUris();
        URI endpoint = endpoints.get(0);
        if (objects < 1 || objects > 10_000)
            throw new IllegalArgumentException("--objects must be between 1 and 10000");
        if ((attackerAccessKey == null) != (attackerSecretKey == null)) {
            throw new IllegalArgumentException("--attacker-access-key and --attacker-secret-key go together");
        }
        boolean loopback = true;
        URI remote = endpoint;
        for (URI e : endpoints) {
            if (!isLoopback(e.getHost())) {
                loopback = false;
                remote = e;
            }
        }
        if (!loopback && !understood) {
            throw new IllegalArgumentException(
                    "refusing to run against " + remote + ", which is not this machine: the drill "
                            + "simulates a ransomware attack (inside a new sandbox bucket only). Add "
                            + "--i-understand-this-simulates-an-attack to proceed.");
        }
        if (insecure && !loopback) throw new IllegalArgumentException("--insecure is for loopback endpoints only");
        return new Drill.Options(
                endpoint,
                endpoints,
                connection.region,
                connection.credentials(),
                attackerAccessKey == null ? null : AwsBasicCredentials.create(attackerAccessKey, attackerSecretKey),
                objects,
                allowSseC,
                keep,
                Drill.Scenario.COPY);
    }

    /**
     * One JSON document: every scenario's result under "scenarios"; with a single scenario its fields are also at the top
     * level (the shape of a drill before scenarios).
     */
    private static com.fasterxml.jackson.databind.node.ObjectNode toJson(List<DrillReport> reports, int exit) {
        com.fasterxml.jackson.databind.node.ObjectNode n =
                reports.size() == 1 ? reports.get(0).toJson(JSON) : JSON.createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode all = JSON.createArrayNode();
        for (DrillReport r : reports) all.add(r.toJson(JSON));
        n.set("scenarios", all);
        n.put("exitCode", exit);
        return n;
    }

    private static void printSummary(List<DrillReport> reports, PrintWriter out) {
        out.println();
        out.printf("%-12s %-14s %8s %14s %6s  %s%n", "SCENARIO", "VERDICT", "WRITES", "CONTAINMENT", "LOST", "RESTORE");
        for (DrillReport r : reports) {
            out.printf(
                    Locale.ROOT,
                    "%-12s %-14s %8d %14s %6d  %s%n",
                    r.scenario,
                    r.verdict.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    r.maliciousWritesSucceeded,
                    r.containmentMillis == null ? "-" : String.format(Locale.ROOT, "%.1f ms", r.containmentMillis),
                    r.objectsLost,
                    r.restoreOutcome == null ? "not run" : r.restoreOutcome);
        }
    }

    /** Loopback by address: 127.0.0.0/8, ::1, or a name (localhost) that resolves only there. Unresolvable: not loopback. */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            InetAddress[] all = InetAddress.getAllByName(h);
            for (InetAddress a : all) if (!a.isLoopbackAddress()) return false;
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private SdkHttpClient httpClient() {
        if (!insecure) return Apache5HttpClient.builder().build();
        return Apache5HttpClient.builder()
                .buildWithDefaults(AttributeMap.builder()
                        .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE)
                        .build());
    }

    private void print(DrillReport r, PrintWriter out) {
        out.println();
        out.printf(
                "%-16s %s (%s)%n",
                "endpoint", r.endpoint, r.rampart ? "Rampart" : "not Rampart: no IAM on this endpoint");
        out.printf("%-16s %s: %s%n", "scenario", r.scenario, r.scenarioDescription);
        out.printf("%-16s %s%n", "drill start", r.start);
        out.printf(
                "%-16s %s (%s; SSE-C %s)%n",
                "sandbox bucket",
                r.bucket,
                r.versioned ? "versioned" : "never versioned",
                r.sseCAllowedOnBucket
                        ? "allowed on the bucket by --allow-sse-c"
                        : "as the server's default for new buckets");
        out.printf(
                "%-16s %s%n",
                "attacker",
                switch (r.attackerKind) {
                    case "iam-user" ->
                        "IAM user " + r.attackerUser + ", key " + r.attackerAccessKeyId + " (s3:* on the sandbox only)";
                    case "given" -> "the given key " + r.attackerAccessKeyId;
                    case "sts-session" ->
                        "AssumeRole session " + r.attackerAccessKeyId + " of role " + r.attackerRole
                                + " (s3:* on the sandbox only), assumed by IAM user " + r.attackerUser;
                    default -> "your own key " + r.attackerAccessKeyId + " (no --attacker-access-key given)";
                });
        out.printf("%-16s %d objects%n", "seeded", r.objects);
        out.println();
        out.printf("  %-4s %-32s %-26s %-28s %10s%n", "#", "REQUEST", "KEY", "OUTCOME", "TIME");
        step(out, "", r.reconnaissance, "ListObjectsV2 (reconnaissance)");
        for (DrillReport.Step s : r.preparation) step(out, "", s, s.operation() + " (evasion)");
        int n = 0;
        for (DrillReport.Step s : r.copies) step(out, String.valueOf(++n), s, label(s));
        step(out, "", r.lifecycle, "PutBucketLifecycle (7 days)");
        step(out, "", r.ransomNote, "PutObject (ransom note)");
        out.println();
        out.printf("%-16s %s%n", "result", r.headline());
        out.printf("%-16s %s%n", "why", r.reason);
        if (r.containmentMillis != null) {
            out.printf(
                    "%-16s %.1f ms from the first malicious request to the refusal%n",
                    "containment", r.containmentMillis);
        }
        out.printf("%-16s %s%n", "finding raised", r.findingRaised);
        if (r.attackerKeyStatus != null) {
            out.printf(
                    "%-16s %s%n",
                    "attacker key",
                    r.attackerKeyStatus + ("Inactive".equals(r.attackerKeyStatus) ? " (disabled by the server)" : ""));
        }
        if (r.restoreOutcome != null) out.printf("%-16s %s: %s%n", "restore", r.restoreCommand(), r.restoreOutcome);
        if (r.rampart) {
            out.printf(
                    "%-16s %d of %d objects byte-identical to their originals after the restore (SHA-256 compared)%s%n",
                    "recovered",
                    r.objectsVerified - r.objectsLost,
                    r.objectsVerified,
                    r.lostKeys.isEmpty() ? "" : "; lost: " + String.join(", ", r.lostKeys));
        } else {
            out.printf(
                    "%-16s %d of %d original versions intact (GET by versionId, SHA-256 compared)%s%n",
                    "recoverable",
                    r.objectsVerified - r.objectsLost,
                    r.objectsVerified,
                    r.lostKeys.isEmpty() ? "" : "; lost: " + String.join(", ", r.lostKeys));
        }
        if (r.kept) {
            out.printf(
                    "%-16s kept (--keep): bucket %s%s%s%n",
                    "sandbox",
                    r.bucket,
                    r.attackerUser == null ? "" : ", IAM user " + r.attackerUser,
                    r.lifecycle != null && r.lifecycle.succeeded()
                            ? "; the attacker's 7-day expiration rule is still on the bucket"
                            : "");
            out.println();
            out.println(
                    r.restoreRan
                            ? "The drill undid the attacker's writes with (re-running it is safe):"
                            : "Undo the attacker's writes with:");
            out.println("  " + r.restoreCommand());
            if (insecure) {
                out.println(
                        "(restore checks the server's certificate: --insecure is the drill's only; make the JVM trust the "
                                + "self-signed certificate, e.g. RAMPART_JAVA_OPTS=-Djavax.net.ssl.trustStore=...)");
            }
        } else {
            out.printf(
                    "%-16s %s%n",
                    "clean-up",
                    r.cleanedUp
                            ? "done (sandbox bucket" + (r.attackerUser == null ? "" : " and attacker user")
                                    + " deleted)"
                            : "INCOMPLETE: " + String.join("; ", r.cleanupFailures));
        }
    }

    private static String label(DrillReport.Step s) {
        return switch (s.operation()) {
            case "CopyObject" -> "CopyObject (SSE-C, in place)";
            case "PutObject", "CreateMultipartUpload", "UploadPart" -> s.operation() + " (SSE-C)";
            default -> s.operation();
        };
    }

    private static void step(PrintWriter out, String n, DrillReport.Step s, String label) {
        if (s == null) return;
        String key = s.key() == null ? "-" : s.key();
        out.printf(Locale.ROOT, "  %-4s %-32s %-26s %-28s %7.1f ms%n", n, label, key, s.outcome(), s.millis());
    }
}

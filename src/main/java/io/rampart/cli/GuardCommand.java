package io.rampart.cli;

import io.rampart.guard.Check;
import io.rampart.guard.Fixer;
import io.rampart.guard.Guard;
import io.rampart.guard.Progress;
import io.rampart.guard.Report;
import io.rampart.guard.Target;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;

/** {@code rampart guard}: posture checks against the four defences, on AWS or any S3 endpoint; {@code --fix} for the safe part. */
@Command(
        name = "guard",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Check an S3 account against the four defences of AWS's guidance on SSE-C ransomware (short-term credentials, "
                    + "data recovery, monitoring, blocking SSE-C): which buckets accept SSE-C, keep no versions, expire data "
                    + "early or are public; which access keys are old or unused; whether CloudTrail records S3 data events; on a "
                    + "Rampart also its recovery window, detector and automatic response, trail validation and metrics.",
            "Talks to AWS unless --endpoint is given (Rampart or any S3, path-style). Credentials and region come from the "
                    + "AWS SDK's standard chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, AWS_PROFILE or "
                    + "--profile, web identity, instance metadata), or --access-key/--secret-key.",
            "Read-only unless --fix --yes. A check guard lacks the permission for is UNKNOWN, naming the missing action.",
            "Exit codes: 0 done (and --fail-on not reached); 1 a FAIL at or above --fail-on; 2 usage or connection error."
        },
        footer = {
            "",
            "Examples:",
            "  rampart guard --endpoint http://127.0.0.1:9000 --fail-on HIGH",
            "  rampart guard --profile prod --bucket photos --inventory --format sarif > guard.sarif",
            "  rampart guard --fix            (dry run: prints the exact changes)",
            "  rampart guard --fix --yes      (applies them)"
        })
final class GuardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--endpoint",
            paramLabel = "URL",
            description = "An S3-compatible endpoint (Rampart: http://127.0.0.1:9000); default AWS.")
    String endpoint;

    @Option(names = "--profile", paramLabel = "P", description = "AWS profile for credentials and region.")
    String profile;

    @Option(
            names = "--region",
            paramLabel = "R",
            description = "Region (default: from the environment or profile; us-east-1 with --endpoint).")
    String region;

    @Option(names = "--access-key", description = "Access key id (default: the SDK's credential chain).")
    String accessKey;

    @Option(names = "--secret-key", description = "Secret access key (with --access-key).")
    String secretKey;

    @Option(
            names = "--bucket",
            paramLabel = "B",
            description = "Check only this bucket (repeatable); default every bucket listed.")
    List<String> buckets = new ArrayList<>();

    @Option(
            names = "--inventory",
            description =
                    "Find SSE-C objects among every current and noncurrent version: from the bucket's S3 Inventory "
                            + "report when it has one, else a HEAD per version (slow on big buckets); says who wrote them when the trail does.")
    boolean inventory;

    @Option(
            names = "--inventory-manifest",
            paramLabel = "S3URI",
            description =
                    "With or without --inventory: read SSE-C objects "
                            + "from this S3 Inventory report (s3://BUCKET/PATH/manifest.json, CSV with EncryptionStatus) for the bucket it lists, "
                            + "instead of a HEAD per version; repeatable. A bucket's own inventory configuration is found without it.")
    List<String> manifests = new ArrayList<>();

    @Option(
            names = "--format",
            paramLabel = "F",
            defaultValue = "table",
            description = "table, json, sarif or markdown (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(
            names = "--fail-on",
            paramLabel = "SEVERITY",
            description = "Exit 1 when a FAIL of this severity or above is found: LOW, MEDIUM, HIGH or CRITICAL.")
    String failOn;

    @Option(
            names = "--fix",
            description =
                    "Plan the safe remediations (block SSE-C where no SSE-C object exists, enable versioning, "
                            + "merge guard's deny statements into bucket policies, Block Public Access) and print them; nothing is deleted.")
    boolean fix;

    @Option(names = "--yes", description = "With --fix: apply the planned changes, then check again.")
    boolean yes;

    @Option(
            names = "--insecure",
            description = "Trust any TLS certificate (a self-signed one); loopback endpoints only.")
    boolean insecure;

    @Option(
            names = "--as-of",
            hidden = true,
            paramLabel = "INSTANT",
            description = "Date key ages as of this instant (ISO-8601).")
    String asOf;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Check.Severity threshold = failOn == null ? null : Check.Severity.parse(failOn);
            if (!List.of("table", "json", "sarif", "markdown").contains(format)) {
                throw new IllegalArgumentException(
                        "unknown --format '" + format + "' (table, json, sarif or markdown)");
            }
            if (yes && !fix) throw new IllegalArgumentException("--yes goes with --fix");
            Instant now = asOf == null ? Instant.now() : parseInstant(asOf);
            Optional<URI> uri = Optional.ofNullable(endpoint).map(GuardCommand::endpointUri);
            if (insecure && uri.map(u -> !isLoopback(u.getHost())).orElse(true)) {
                throw new IllegalArgumentException("--insecure is for loopback endpoints only");
            }
            if ((accessKey == null) != (secretKey == null))
                throw new IllegalArgumentException("--access-key and --secret-key go together");
            Optional<AwsCredentialsProvider> creds = accessKey == null
                    ? Optional.empty()
                    : Optional.of(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)));
            // Machine-readable output stays alone on stdout: the fix plan then goes to stderr.
            PrintWriter planOut = format.equals("table") || format.equals("markdown") ? out : err;
            try (Target target =
                    Target.of(uri, Optional.ofNullable(profile), Optional.ofNullable(region), creds, insecure)) {
                Progress progress = Progress.onTerminal(err);
                Guard guard = new Guard(target, progress);
                Guard.Options options = new Guard.Options(
                        List.copyOf(buckets), inventory || !manifests.isEmpty(), now, List.copyOf(manifests));
                Guard.Scan scan = guard.scan(options);
                if (fix) {
                    Fixer fixer = new Fixer(guard, scan, progress);
                    Fixer.Plan plan = fixer.plan(scan);
                    if (yes && !plan.changes().isEmpty()) {
                        fixer.apply(plan);
                        planOut.print(plan.describe(true));
                        scan = guard.scan(options);
                    } else {
                        planOut.print(plan.describe(false));
                    }
                    planOut.println();
                    planOut.flush();
                }
                Report report = scan.report();
                out.print(
                        switch (format) {
                            case "json" -> report.json();
                            case "sarif" -> report.sarif();
                            case "markdown" -> report.markdown();
                            default -> report.table();
                        });
                return threshold != null && report.reaches(threshold) ? 1 : 0;
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("rampart guard: " + e.getMessage());
            return 2;
        } catch (SdkException e) {
            err.println("rampart guard: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("request failed"));
            return 2;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static Instant parseInstant(String s) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("invalid --as-of '" + s + "' (ISO-8601, e.g. 2026-12-06T00:00:00Z)");
        }
    }

    private static URI endpointUri(String e) {
        URI uri;
        try {
            uri = URI.create(e.endsWith("/") ? e.substring(0, e.length() - 1) : e);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("invalid --endpoint '" + e + "'");
        }
        if (uri.getScheme() == null
                || uri.getHost() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException(
                    "invalid --endpoint '" + e + "' (expected http://host:port or https://host:port)");
        }
        return uri;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }
}

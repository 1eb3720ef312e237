package io.rampart.cli;

import io.rampart.recovery.OfflinePurge;
import io.rampart.recovery.RecoveryOptions;
import io.rampart.storage.RecoveryWindow;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rampart admin purge-recovery-window}: frees, before their time, versions the recovery window holds. Works on
 * the data directory (file access is the proof of ownership), with the server running or stopped; no network
 * credential can do this. Object Lock still keeps what it protects.
 */
@Command(name = "purge-recovery-window", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Free versions the recovery window holds that were removed from view more than --older-than ago "
                        + "(of --bucket, or of every bucket). They can no longer be restored afterwards.",
                "Works on the data directory, with the server running or stopped. Versions under Object Lock "
                        + "(retention or legal hold) are kept. Asks for confirmation unless --yes is given."},
        footer = {"", "Example: rampart admin purge-recovery-window --data-dir /srv/rampart --bucket scratch --older-than 1d"})
public final class AdminPurgeRecoveryWindowCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    private final java.io.InputStream in;

    public AdminPurgeRecoveryWindowCommand() {
        this(System.in);
    }

    /** Reading the confirmation from {@code in} (tests). */
    public AdminPurgeRecoveryWindowCommand(java.io.InputStream in) {
        this.in = in;
    }

    @Option(names = "--data-dir", defaultValue = "./rampart-data", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--bucket", description = "Only this bucket's entries (default: every bucket).")
    String bucket;

    @Option(names = "--older-than", required = true, paramLabel = "DURATION",
            description = "Only entries removed from view more than this long ago (e.g. 2d, 12h, 0 for all).")
    String olderThan;

    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Duration age;
            try {
                age = RecoveryOptions.parseDuration(olderThan);
            } catch (IllegalArgumentException e) {
                err.println("rampart admin purge-recovery-window: --older-than: " + e.getMessage());
                return 2;
            }
            String scope = bucket == null ? "every bucket" : "bucket " + bucket;
            RecoveryWindow.Preview p = OfflinePurge.preview(dataDir, bucket, age, Clock.systemUTC());
            out.printf("Recovery window of %s, removed more than %s ago: %d versions (%d bytes) to purge, %d kept by Object Lock.%n",
                    scope, olderThan, p.versions(), p.bytes(), p.keptLocked());
            out.flush();
            if (p.versions() == 0) return 0;
            if (!yes) {
                out.print("They cannot be restored afterwards. Type 'purge' to go on: ");
                out.flush();
                String answer = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
                if (answer == null || !answer.trim().equals("purge")) {
                    err.println("rampart admin purge-recovery-window: not confirmed; nothing purged");
                    return 1;
                }
            }
            RecoveryWindow.Purge done = OfflinePurge.purge(dataDir, bucket, age, Clock.systemUTC());
            long bytes = done.purged().stream().mapToLong(e -> e.version().size()).sum();
            out.printf("Purged %d versions (%d bytes); %d kept by Object Lock.%n", done.purged().size(), bytes, done.keptLocked());
            return 0;
        } catch (Exception e) {
            err.println("rampart admin purge-recovery-window: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}

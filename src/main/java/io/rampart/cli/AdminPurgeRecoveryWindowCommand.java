package io.rampart.cli;

import io.rampart.recovery.OfflinePurge;
import io.rampart.recovery.RecoveryOptions;
import io.rampart.storage.RecoveryWindow;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rampart admin purge-recovery-window}: frees, before their time, versions the recovery window holds. Works on
 * the data directory (file access is the proof of ownership), with the server running or stopped; no network
 * credential can do this. Object Lock still keeps what it protects. Recorded in the trail like every admin action.
 */
@Command(
        name = "purge-recovery-window",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Free versions the recovery window holds that were removed from view more than --older-than ago "
                    + "(of --bucket, or of every bucket). They can no longer be restored afterwards.",
            "Works on the data directory, with the server running or stopped. Versions under Object Lock "
                    + "(retention or legal hold) are kept. Asks for confirmation unless --yes is given."
        },
        footer = {
            "",
            "Example: rampart admin purge-recovery-window --data-dir /srv/rampart --bucket scratch --older-than 1d"
        })
public final class AdminPurgeRecoveryWindowCommand extends AdminCommand.Sub {
    private final InputStream in;

    public AdminPurgeRecoveryWindowCommand() {
        this(System.in);
    }

    /** Reading the confirmation from {@code in} (tests). */
    public AdminPurgeRecoveryWindowCommand(InputStream in) {
        this.in = in;
    }

    @Option(names = "--bucket", description = "Only this bucket's entries (default: every bucket).")
    String bucket;

    @Option(
            names = "--older-than",
            required = true,
            paramLabel = "DURATION",
            description = "Only entries removed from view more than this long ago (e.g. 2d, 12h, 0 for all).")
    String olderThan;

    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;

    @Override
    String eventName() {
        return "purge-recovery-window";
    }

    @Override
    int run(AdminCommand.DataDir d, PrintWriter out, PrintWriter err) throws AdminCommand.Failure {
        Duration age;
        try {
            age = RecoveryOptions.parseDuration(olderThan);
        } catch (IllegalArgumentException e) {
            throw new AdminCommand.Failure("--older-than: " + e.getMessage());
        }
        request.put("bucket", bucket == null ? "*" : bucket);
        request.put("olderThan", olderThan);
        String scope = bucket == null ? "every bucket" : "bucket " + bucket;
        try {
            RecoveryWindow.Preview p = OfflinePurge.preview(d.db, bucket, age, Clock.systemUTC());
            // Asked before the action, so shown at once (what run prints is held until the record is durable).
            terminal.printf(
                    "Recovery window of %s, removed more than %s ago: %d versions (%d bytes) to purge, %d kept by Object Lock.%n",
                    scope, olderThan, p.versions(), p.bytes(), p.keptLocked());
            terminal.flush();
            if (p.versions() == 0) {
                response.put("purgedVersions", "0");
                return 0;
            }
            if (!yes) {
                terminal.print("They cannot be restored afterwards. Type 'purge' to go on: ");
                terminal.flush();
                String answer = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
                if (answer == null || !answer.trim().equals("purge")) {
                    throw new AdminCommand.Failure("purge-recovery-window: not confirmed; nothing purged");
                }
            }
            RecoveryWindow.Purge done = OfflinePurge.purge(d.dir(), d.db, bucket, age, Clock.systemUTC());
            long bytes =
                    done.purged().stream().mapToLong(e -> e.version().size()).sum();
            response.put("purgedVersions", Integer.toString(done.purged().size()));
            response.put("purgedBytes", Long.toString(bytes));
            response.put("keptByObjectLock", Long.toString(done.keptLocked()));
            out.printf(
                    "Purged %d versions (%d bytes); %d kept by Object Lock.%n",
                    done.purged().size(), bytes, done.keptLocked());
            return 0;
        } catch (IOException | SQLException e) {
            throw new AdminCommand.Failure(e.getMessage());
        }
    }
}

package io.rampart.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code rampart} command: dispatches to the picocli subcommands. */
@Command(name = "rampart",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Rampart: a self-hosted S3-compatible object store hardened against credential-theft ransomware.",
        subcommands = {ServerCommand.class, BenchCommand.class, TrailCommand.class, RestoreCommand.class,
                DetectCommand.class, FindingsCommand.class, DrillCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"rampart " + (v == null ? "dev" : v)};
        }
    }
}

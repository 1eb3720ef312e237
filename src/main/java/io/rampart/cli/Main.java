package io.rampart.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code rampart} command: dispatches to the picocli subcommands. */
@Command(
        name = "rampart",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Rampart: a self-hosted S3-compatible object store hardened against credential-theft ransomware.")
public final class Main implements Runnable {
    /** The subcommands, in the order help lists them. */
    private static final java.util.Map<String, java.util.function.Supplier<Object>> SUBCOMMANDS = subcommands();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine(args).execute(args));
    }

    /** The whole command tree, as help shows it. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        SUBCOMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
        return cl;
    }

    /**
     * The command tree for these arguments: when they start with a subcommand's name, only that subcommand. picocli
     * builds its model of a command by reflection over every option of every nested command, which took about half a
     * second of a server's start-up when all of them were built for {@code rampart server}.
     */
    static CommandLine commandLine(String[] args) {
        java.util.function.Supplier<Object> only = args.length == 0 ? null : SUBCOMMANDS.get(args[0]);
        if (only == null || args[0].equals("help")) return commandLine();
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand(args[0], only.get());
        return cl;
    }

    private static java.util.Map<String, java.util.function.Supplier<Object>> subcommands() {
        java.util.Map<String, java.util.function.Supplier<Object>> m = new java.util.LinkedHashMap<>();
        m.put("server", ServerCommand::new);
        m.put("bench", BenchCommand::new);
        m.put("trail", TrailCommand::new);
        m.put("restore", RestoreCommand::new);
        m.put("detect", DetectCommand::new);
        m.put("findings", FindingsCommand::new);
        m.put("drill", DrillCommand::new);
        m.put("admin", AdminCommand::new);
        m.put("guard", GuardCommand::new);
        // A lambda, not a method reference: the JDK 25 AOT cache cannot archive a method handle straight to a class of
        // picocli's (compiled for Java 5, so left out of the cache), and its assembly crashed on one.
        m.put("help", () -> new CommandLine.HelpCommand());
        return m;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"rampart " + (v == null ? "dev" : v)};
        }
    }
}

package io.rampart.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

    private static final String[] ALL = {
        "server", "bench", "trail", "restore", "detect", "findings", "drill", "admin", "guard", "help"
    };

    @Test
    void theWholeTreeHasEverySubcommandInHelpOrder() {
        assertThat(Main.commandLine().getSubcommands().keySet()).containsExactly(ALL);
    }

    @Test
    void argumentsStartingWithASubcommandBuildOnlyThatSubcommand() {
        for (String name : ALL) {
            if (name.equals("help")) continue;
            CommandLine cl = Main.commandLine(new String[] {name, "--help"});
            assertThat(cl.getSubcommands().keySet()).as(name).containsExactly(name);
            assertThat(cl.getSubcommands().get(name).getCommandName()).isEqualTo(name);
        }
    }

    @Test
    void helpAndUnknownOrNoArgumentsGetTheWholeTree() {
        assertThat(Main.commandLine(new String[] {"help", "server"}).getSubcommands())
                .hasSize(ALL.length);
        assertThat(Main.commandLine(new String[] {"nonsense"}).getSubcommands()).hasSize(ALL.length);
        assertThat(Main.commandLine(new String[] {}).getSubcommands()).hasSize(ALL.length);
        assertThat(Main.commandLine(new String[] {"--version"}).getSubcommands())
                .hasSize(ALL.length);
    }

    @Test
    void topLevelUsageListsEverySubcommand() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine(new String[] {"--help"});
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("--help")).isZero();
        for (String name : ALL) assertThat(out.toString()).contains("  " + name);
    }

    @Test
    void aSubcommandParsesItsOptionsWhenBuiltAlone() {
        CommandLine cl = Main.commandLine(new String[] {"server", "--port", "0"});
        CommandLine.ParseResult parsed = cl.parseArgs("server", "--port", "0", "--region", "eu-west-1");
        ServerCommand server = parsed.subcommand().commandSpec().commandLine().getCommand();
        assertThat(server.port).isZero();
        assertThat(server.region).isEqualTo("eu-west-1");
    }
}

package dev.trt4j.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The help on a dumb terminal is plain text: picocli's colours showed there as escape sequences. */
class HelpColoursTest {
    @Test
    void aDumbTerminalGetsHelpWithoutEscapeSequencesInEveryCommand() {
        CommandLine dumb = coloured();
        HelpColours.apply(dumb, Map.of("TERM", "dumb"));
        CommandLine xterm = coloured();
        HelpColours.apply(xterm, Map.of("TERM", "xterm-256color"));

        assertThat(xterm.getUsageMessage()).as("colours where the terminal shows them").contains("\u001b[");
        assertThat(dumb.getUsageMessage()).contains("Usage: trt4j").doesNotContain("\u001b");
        assertThat(dumb.getSubcommands().get("calibrate").getUsageMessage()).contains("--method")
                .doesNotContain("\u001b");
    }

    /** A command line coloured as picocli colours it on a terminal. */
    private static CommandLine coloured() {
        CommandLine cl = Trt4jCommand.newCommandLine();
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(Ansi.ON));
        return cl;
    }
}

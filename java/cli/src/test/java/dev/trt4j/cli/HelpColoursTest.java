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

    /** Every entry point's command line (run, tests, an embedding program), not only main's, is plain under dumb. */
    @Test
    void everyNewCommandLineIsPlainOnADumbTerminal() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("picocli.ansi") == null,
                "picocli.ansi decides the colours itself");
        CommandLine dumb = Trt4jCommand.newCommandLine(CommandLine.defaultFactory(), Map.of("TERM", "dumb"));
        CommandLine xterm = Trt4jCommand.newCommandLine(CommandLine.defaultFactory(),
                Map.of("TERM", "xterm-256color"));

        assertThat(dumb.getColorScheme().ansi()).isEqualTo(Ansi.OFF);
        assertThat(dumb.getSubcommands().get("calibrate").getColorScheme().ansi()).isEqualTo(Ansi.OFF);
        assertThat(xterm.getColorScheme().ansi()).as("picocli decides elsewhere").isEqualTo(Ansi.AUTO);
    }

    /** A command line coloured as picocli colours it on a terminal. */
    private static CommandLine coloured() {
        CommandLine cl = Trt4jCommand.newCommandLine();
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(Ansi.ON));
        return cl;
    }
}

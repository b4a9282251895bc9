package dev.trt4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

import java.util.Map;

/**
 * Turns the help's colours off on a dumb terminal. picocli follows {@code NO_COLOR} and whether stdout is a terminal,
 * but not {@code TERM=dumb}, where its escape sequences show as text ({@code ^[[1mtrt4j^[[21m}).
 */
final class HelpColours {
    private HelpColours() {
    }

    /**
     * Sets {@code cl}'s colour scheme, and its subcommands', to plain text under {@code TERM=dumb}, unless the
     * {@code picocli.ansi} property asks for colours or none explicitly.
     */
    static void apply(CommandLine cl, Map<String, String> environment) {
        if (TerminalEnvironment.isDumb(environment) && System.getProperty("picocli.ansi") == null) {
            cl.setColorScheme(CommandLine.Help.defaultColorScheme(Ansi.OFF));
        }
    }
}

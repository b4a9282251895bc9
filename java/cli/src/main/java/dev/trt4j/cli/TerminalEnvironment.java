package dev.trt4j.cli;

import java.util.Map;

/**
 * What the environment says about the terminal: {@code TERM=dumb} (an editor's shell buffer, a minimal console: no
 * colours, no cursor movement, no size to ask for) and {@code NO_COLOR} (no-color.org). The progress bar and the help
 * read them here, so that both follow the same rules.
 */
final class TerminalEnvironment {
    private TerminalEnvironment() {
    }

    /** Whether {@code TERM} says the terminal is dumb. */
    static boolean isDumb(Map<String, String> environment) {
        return "dumb".equals(environment.get("TERM"));
    }

    /** Whether {@code NO_COLOR} is set to anything: an empty value asks nothing, as no-color.org says. */
    static boolean noColor(Map<String, String> environment) {
        String noColor = environment.get("NO_COLOR");
        return noColor != null && !noColor.isEmpty();
    }
}
